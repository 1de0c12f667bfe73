//! Factor covariance by exponentially weighted moving average:
//!
//! `Σ_t = Σ_s λ^{t−s} f_s f_sᵀ / Σ_s λ^{t−s}` over the factor returns up to t (zero mean,
//! the convention of daily risk models), `λ = 0.5^(1/half_life)`. Scaled to annual by
//! `× 252` when asked. A factor return that is NaN on a day leaves its row and column
//! out of that day's update (pairwise), so a factor missing on some days does not poison
//! the others.

/// The EWMA covariance (row-major `k × k`) of the factor returns `f` (`t × k`) at the
/// last date; `annualise` multiplies by 252. NaN where a pair never had a joint value.
pub fn ewma_covariance(f: &[f64], k: usize, half_life: f64, annualise: bool) -> Vec<f64> {
    let lambda = 0.5f64.powf(1.0 / half_life);
    let t_len = f.len() / k.max(1);
    let mut s = vec![0.0; k * k];
    let mut w = vec![0.0; k * k];
    for t in 0..t_len {
        let row = &f[t * k..(t + 1) * k];
        for i in 0..k {
            for j in 0..k {
                s[i * k + j] *= lambda;
                w[i * k + j] *= lambda;
                if row[i].is_finite() && row[j].is_finite() {
                    s[i * k + j] += row[i] * row[j];
                    w[i * k + j] += 1.0;
                }
            }
        }
    }
    let scale = if annualise { 252.0 } else { 1.0 };
    s.iter()
        .zip(&w)
        .map(|(a, b)| if *b > 0.0 { scale * a / b } else { f64::NAN })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_half_life_approaches_the_sample_second_moment() {
        let f = [1.0, 2.0, -1.0, 0.0, 3.0, -2.0];
        let c = ewma_covariance(&f, 2, 1e12, false);
        assert!((c[0] - 11.0 / 3.0).abs() < 1e-9);
        assert!((c[1] - (2.0 + 0.0 - 6.0) / 3.0).abs() < 1e-9);
        assert_eq!(c[1], c[2]);
    }

    #[test]
    fn recent_days_weigh_more_and_empty_is_nan() {
        let f = [1.0, 1.0, 1.0, 3.0];
        let c = ewma_covariance(&f, 1, 1.0, true);
        // weights 0.5, 0.5 · 0.5 ... : (0.125·1 + 0.25·1 + 0.5·1 + 1·9) / (1.875)
        let want = 252.0 * (0.125 + 0.25 + 0.5 + 9.0) / 1.875;
        assert!((c[0] - want).abs() < 1e-9);
        assert!(ewma_covariance(&[], 1, 10.0, false)[0].is_nan());
        let c = ewma_covariance(&[f64::NAN, 1.0], 2, 10.0, false);
        assert!(c[0].is_nan() && c[3] == 1.0);
    }
}
