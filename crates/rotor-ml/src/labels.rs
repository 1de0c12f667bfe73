//! Training labels: the cross-sectionally rank-normalised forward return (SPEC §15).
//!
//! `y_{i,t} = A_{i,t+H} / A_{i,t} − 1` on the calendar's days (A the adjusted close of
//! [`crate::features`]: the product of total returns), NaN when either close is missing
//! (suspended on t + H, delisted, the last H days of the data). Per day the finite
//! returns are ranked (ties averaged, rank 1 = lowest) and mapped to `(rank − 0.5) / m −
//! 0.5` ∈ (−0.5, 0.5), m the count — a uniform score that makes days of different
//! volatility comparable. A label at t reads data after t by construction: it is only
//! ever used for training, with a gap of H days before the first prediction it informs.

use rayon::prelude::*;
use rotor_core::ops::cross::rank_avg;

/// Labels `t × n` (row-major) for horizon `h` from the `t × n` total returns.
pub fn forward_rank_labels(returns: &[f64], close: &[f64], n: usize, h: usize) -> Vec<f64> {
    let t_len = returns.len().checked_div(n).unwrap_or(0);
    let mut fwd = vec![f64::NAN; t_len * n];
    if h == 0 || t_len == 0 {
        return fwd;
    }
    // forward compounded return over (t, t + h]: every day in between must trade or be
    // a suspension (return missing, price unchanged); the end must trade
    for j in 0..n {
        for t in 0..t_len.saturating_sub(h) {
            if !(close[t * n + j].is_finite() && close[(t + h) * n + j].is_finite()) {
                continue;
            }
            let mut g = 1.0;
            for u in t + 1..=t + h {
                let r = returns[u * n + j];
                if r.is_finite() {
                    g *= 1.0 + r;
                }
            }
            fwd[t * n + j] = g - 1.0;
        }
    }
    fwd.par_chunks_mut(n).for_each(|row| {
        let m = row.iter().filter(|x| x.is_finite()).count();
        if m == 0 {
            return;
        }
        let r = rank_avg(row);
        for (x, rk) in row.iter_mut().zip(r) {
            if x.is_finite() {
                *x = (rk - 0.5) / m as f64 - 0.5;
            }
        }
    });
    fwd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_uniform_ranks_of_the_forward_return() {
        // 3 stocks, 4 days, h = 2
        let close = vec![1.0; 12];
        let r = [
            [f64::NAN, f64::NAN, f64::NAN],
            [0.01, 0.02, -0.01],
            [0.01, -0.05, 0.0],
            [0.0, 0.0, 0.0],
        ];
        let returns: Vec<f64> = r.iter().flatten().copied().collect();
        let y = forward_rank_labels(&returns, &close, 3, 2);
        // day 0: forward returns 2.01 %, −3.1 %, −1 % → ranks 3, 1, 2
        let want = [2.5 / 3.0 - 0.5, 0.5 / 3.0 - 0.5, 1.5 / 3.0 - 0.5];
        for (a, b) in y[..3].iter().zip(want) {
            assert!((a - b).abs() < 1e-15);
        }
        // the last h days have no label
        assert!(y[6..].iter().all(|x| x.is_nan()));
    }

    #[test]
    fn a_missing_end_close_gives_no_label_and_ties_share_a_rank() {
        let close = vec![1.0, 1.0, 1.0, 1.0, 1.0, f64::NAN];
        let returns = vec![f64::NAN, f64::NAN, f64::NAN, 0.01, 0.01, f64::NAN];
        let y = forward_rank_labels(&returns, &close, 3, 1);
        assert!(y[2].is_nan());
        assert_eq!(y[0], y[1]);
        assert_eq!(y[0], 0.0);
        assert!(forward_rank_labels(&[], &[], 0, 5).is_empty());
    }
}
