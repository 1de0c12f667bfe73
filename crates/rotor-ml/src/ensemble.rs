//! The ensemble of models (SPEC §15): per day, the mean of each model's cross-sectional
//! z-scores, `e_i,t = (1/M) Σ_m cs_z(p_m,t)_i`, with `cs_z` of SPEC §0.4
//! ([`rotor_core::ops::cross::cs_z`]: `(x − mean) / std(ddof = 1)` over the day's finite
//! values, NaN with fewer than 3 or a constant day). A stock gets a value only where every
//! model scored it (a partial mean would mix scales of different models). Raw predictions
//! are not averaged: a GRU's and a tree's outputs live on different scales.

use rotor_core::ops::cross::cs_z;

/// The ensemble of `preds` (each `t × n` row-major over the same grid).
pub fn ensemble(preds: &[&[f64]], n: usize) -> Vec<f64> {
    let Some(first) = preds.first() else {
        return Vec::new();
    };
    let len = first.len();
    assert!(
        preds.iter().all(|p| p.len() == len) && n > 0 && len % n == 0,
        "ensemble: predictions on different grids"
    );
    let m = preds.len() as f64;
    let mut out = vec![0.0; len];
    for p in preds {
        for (o, day) in out.chunks_mut(n).zip(p.chunks(n)) {
            let mut z = day.to_vec();
            cs_z(&mut z);
            for (a, b) in o.iter_mut().zip(z) {
                *a += b / m; // NaN in any model stays NaN
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_of_cross_sectional_z_scores() {
        // one day of 3 stocks: model a = 1, 2, 3 (z = −1, 0, 1); model b = 30, 10, 20
        // (z = 1, −1, 0) → 0, −0.5, 0.5
        let a = [1.0, 2.0, 3.0];
        let b = [30.0, 10.0, 20.0];
        let e = ensemble(&[&a, &b], 3);
        assert_eq!(e, vec![0.0, -0.5, 0.5]);
        // scale-free: b × 1000 + 7 gives the same
        let b2: Vec<f64> = b.iter().map(|v| v * 1000.0 + 7.0).collect();
        assert_eq!(ensemble(&[&a, &b2], 3), e);
    }

    #[test]
    fn edge_cases_missing_constant_one_model_empty() {
        // a stock missing in one model is missing in the ensemble
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [4.0, f64::NAN, 2.0, 1.0];
        let e = ensemble(&[&a, &b], 4);
        assert!(e[1].is_nan() && e.iter().filter(|v| v.is_finite()).count() == 3);
        // a constant day carries no ranking: NaN
        let c = [5.0, 5.0, 5.0, 5.0];
        assert!(ensemble(&[&a, &c], 4).iter().all(|v| v.is_nan()));
        // one model: its z-score; two days are standardised separately
        let two = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0];
        assert_eq!(ensemble(&[&two], 3), vec![-1.0, 0.0, 1.0, -1.0, 0.0, 1.0]);
        assert!(ensemble(&[], 3).is_empty());
    }
}
