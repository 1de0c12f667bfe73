//! Quantile groups of one cross-section (SPEC §6.2).

use serde::{Deserialize, Serialize};

/// How a cross-section is cut into `Q` groups. Group 1 holds the lowest values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Grouping {
    /// SPEC default: ascending average rank `r ∈ 1..n` (ties broken by position, so
    /// sizes stay deterministic), group `g = ⌊Q·(r − 1)/n⌋ + 1`. n = 32, Q = 5 →
    /// sizes 7, 6, 7, 6, 6.
    #[default]
    RankFloor,
    /// oonauzz convention: `⌊n/Q⌋` names per group, the remainder to the last group.
    RemainderLast,
    /// alphalens / `pandas.qcut(x, Q, labels=False) + 1`: edges at the linear-interpolated
    /// quantiles of the values (numpy `percentile(method="linear")`), bins closed on the
    /// right with the minimum in group 1; ties share a group, so sizes vary. Duplicate
    /// edges make the date unusable (`None`), as alphalens drops it.
    Qcut,
}

/// Assign groups `1..=q` to `x` (all finite). `None` when the cut is impossible
/// (fewer values than groups for the rank modes, duplicate edges for `Qcut`).
pub fn assign(x: &[f64], q: usize, how: Grouping, idx: &mut Vec<usize>) -> Option<Vec<u16>> {
    // stable: equal values keep input order, so group sizes are deterministic
    rotor_core::ops::cross::argsort_into(x, idx);
    assign_sorted(x, idx, q, how)
}

/// [`assign`] given `order`, the stable ascending order of `x` (as left by
/// `rank_avg_into`), so one sort serves ranks and groups.
pub fn assign_sorted(x: &[f64], order: &[usize], q: usize, how: Grouping) -> Option<Vec<u16>> {
    let n = x.len();
    if n == 0 || q == 0 {
        return None;
    }
    let idx = order;
    match how {
        Grouping::RankFloor | Grouping::RemainderLast => {
            if n < q {
                return None;
            }
            let mut g = vec![0u16; n];
            let per = n / q;
            for (pos, &i) in idx.iter().enumerate() {
                g[i] = match how {
                    Grouping::RankFloor => (q * pos / n + 1) as u16,
                    _ => ((pos / per).min(q - 1) + 1) as u16,
                };
            }
            Some(g)
        }
        Grouping::Qcut => {
            let s: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
            let edges: Vec<f64> = (0..=q).map(|i| np_quantile(&s, qcut_level(i, q))).collect();
            if edges.windows(2).any(|w| w[0] == w[1]) {
                return None;
            }
            Some(
                x.iter()
                    .map(|&v| {
                        // searchsorted(edges, v, side="left"), minimum → 1
                        let ids = edges.partition_point(|&e| e < v);
                        ids.max(1).min(q) as u16
                    })
                    .collect(),
            )
        }
    }
}

/// The level pandas passes to numpy for quantile `i` of `q`: `linspace(0, 1, q+1)[i]`
/// (`i · (1/q)`, the last exactly 1), multiplied by 100 by pandas and divided by 100
/// by `numpy.percentile`. Reproduced operation by operation so edges match bit for bit.
fn qcut_level(i: usize, q: usize) -> f64 {
    let lv = if i == q {
        1.0
    } else {
        i as f64 * (1.0 / q as f64)
    };
    (lv * 100.0) / 100.0
}

/// numpy's linear quantile of sorted `s` at level `p`: virtual index `(n−1)·p`,
/// `lerp(a, b, γ)` computed as `a + (b−a)·γ` for `γ < 0.5` and `b − (b−a)·(1−γ)`
/// otherwise (numpy's `_lerp`, monotone and exact at the ends).
pub fn np_quantile(s: &[f64], p: f64) -> f64 {
    let n = s.len();
    let v = (n as f64 - 1.0) * p;
    let lo = v.floor();
    let g = v - lo;
    let i = (lo as usize).min(n - 1);
    let j = (i + 1).min(n - 1);
    let (a, b) = (s[i], s[j]);
    let d = b - a;
    if g >= 0.5 {
        b - d * (1.0 - g)
    } else {
        a + d * g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: usize, q: usize, how: Grouping) -> Vec<usize> {
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let g = assign(&x, q, how, &mut Vec::new()).unwrap();
        (1..=q)
            .map(|k| g.iter().filter(|&&v| v as usize == k).count())
            .collect()
    }

    #[test]
    fn spec_golden_group_sizes() {
        assert_eq!(sizes(30, 5, Grouping::RankFloor), vec![6, 6, 6, 6, 6]);
        assert_eq!(sizes(32, 5, Grouping::RankFloor), vec![7, 6, 7, 6, 6]);
        assert_eq!(sizes(32, 5, Grouping::RemainderLast), vec![6, 6, 6, 6, 8]);
        assert_eq!(sizes(10, 5, Grouping::Qcut), vec![2, 2, 2, 2, 2]);
    }

    #[test]
    fn numpy_quantiles() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(np_quantile(&s, 0.0), 1.0);
        assert_eq!(np_quantile(&s, 1.0), 4.0);
        assert_eq!(np_quantile(&s, 0.5), 2.5);
        assert!(assign(&[1.0, 1.0, 1.0, 2.0], 4, Grouping::Qcut, &mut Vec::new()).is_none());
    }
}
