//! Agreement of predicted labels with reference labels: accuracy, Cohen's kappa, the
//! confusion matrix and per-label precision / recall / F1 (scikit-learn's definitions:
//! precision = TP / predicted, recall = TP / true, F1 their harmonic mean, 0 when
//! undefined; kappa = (p_o − p_e) / (1 − p_e) with p_e from the two marginals).

use std::collections::BTreeMap;

/// Agreement statistics over pairs (reference, predicted).
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Pairs compared.
    pub n: usize,
    /// Share of pairs that agree.
    pub accuracy: f64,
    /// Cohen's kappa (NaN when fewer than one pair or p_e = 1).
    pub kappa: f64,
    /// (reference, predicted) → count.
    pub confusion: BTreeMap<(String, String), usize>,
    /// label → (precision, recall, F1, reference count).
    pub per_label: BTreeMap<String, (f64, f64, f64, usize)>,
}

/// Agreement of `pairs` (reference, predicted).
pub fn agreement(pairs: &[(String, String)]) -> Agreement {
    let n = pairs.len();
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut truth: BTreeMap<String, usize> = BTreeMap::new();
    let mut pred: BTreeMap<String, usize> = BTreeMap::new();
    for (t, p) in pairs {
        *confusion.entry((t.clone(), p.clone())).or_default() += 1;
        *truth.entry(t.clone()).or_default() += 1;
        *pred.entry(p.clone()).or_default() += 1;
    }
    let hits: usize = pairs.iter().filter(|(t, p)| t == p).count();
    let nf = n as f64;
    let accuracy = if n > 0 { hits as f64 / nf } else { f64::NAN };
    let pe: f64 = truth
        .iter()
        .map(|(l, &c)| c as f64 * pred.get(l).copied().unwrap_or(0) as f64)
        .sum::<f64>()
        / (nf * nf);
    let kappa = if n > 0 && pe < 1.0 {
        (accuracy - pe) / (1.0 - pe)
    } else {
        f64::NAN
    };
    let labels: std::collections::BTreeSet<&String> = truth.keys().chain(pred.keys()).collect();
    let per_label = labels
        .into_iter()
        .map(|l| {
            let tp = confusion.get(&(l.clone(), l.clone())).copied().unwrap_or(0) as f64;
            let np = pred.get(l).copied().unwrap_or(0) as f64;
            let nt = truth.get(l).copied().unwrap_or(0);
            let prec = if np > 0.0 { tp / np } else { 0.0 };
            let rec = if nt > 0 { tp / nt as f64 } else { 0.0 };
            let f1 = if prec + rec > 0.0 {
                2.0 * prec * rec / (prec + rec)
            } else {
                0.0
            };
            (l.clone(), (prec, rec, f1, nt))
        })
        .collect();
    Agreement {
        n,
        accuracy,
        kappa,
        confusion,
        per_label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn matches_sklearn_on_a_small_case() {
        // by hand (sklearn's definitions): accuracy 3/5; precision = recall = F1 of "a"
        // 2/3, of "b" 1/2
        let a = agreement(&p(&[
            ("a", "a"),
            ("a", "a"),
            ("a", "b"),
            ("b", "b"),
            ("b", "a"),
        ]));
        assert_eq!(a.n, 5);
        assert!((a.accuracy - 0.6).abs() < 1e-12);
        // p_e = (3·3 + 2·2) / 25 = 0.52 → kappa = (0.6 − 0.52) / 0.48
        assert!((a.kappa - 0.08 / 0.48).abs() < 1e-12, "{}", a.kappa);
        let (pr, rc, f1, nt) = a.per_label["a"];
        assert!(
            (pr - 2.0 / 3.0).abs() < 1e-12
                && (rc - 2.0 / 3.0).abs() < 1e-12
                && (f1 - 2.0 / 3.0).abs() < 1e-12
        );
        assert_eq!(nt, 3);
        assert_eq!(a.confusion[&("b".into(), "a".into())], 1);
    }

    #[test]
    fn empty_and_constant_inputs() {
        let a = agreement(&[]);
        assert_eq!(a.n, 0);
        assert!(a.accuracy.is_nan() && a.kappa.is_nan());
        let a = agreement(&p(&[("x", "x"), ("x", "x")]));
        assert_eq!(a.accuracy, 1.0);
        assert!(a.kappa.is_nan(), "p_e = 1: kappa undefined");
    }
}
