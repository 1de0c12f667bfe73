//! Standardisation of a descriptor across stocks on one date (CNE5 convention):
//!
//! `z_i = (x_i − μ_cap) / σ_eq`, with `μ_cap = Σ c_i x_i / Σ c_i` the cap-weighted mean
//! (so the market portfolio has zero exposure) and `σ_eq` the equal-weighted standard
//! deviation (ddof 0) of the values. Outliers are first winsorised robustly
//! ([`rotor_core::ops::cross::winsor_mad`], SPEC §0.4): values beyond
//! `median ± clip · 1.4826 · MAD` (a `clip`-sigma band of a normal sample that one
//! extreme value cannot widen, unlike a band from the std, which a lone outlier always
//! leaves √(n−1) std out) are set to the band's edge; with MAD = 0 nothing is clipped.
//! The result has cap-weighted mean 0 and equal-weighted std 1 exactly. Missing values
//! (NaN, or a missing or non-positive cap) stay NaN and take no part. Fewer than two
//! values, or values that are all equal → all NaN (no information).

/// Standardise `x` in place with caps `cap` and clip level `clip` (CNE5 uses 3).
pub fn standardize(x: &mut [f64], cap: &[f64], clip: f64) {
    debug_assert_eq!(x.len(), cap.len());
    for i in 0..x.len() {
        if !(cap[i] > 0.0 && cap[i].is_finite()) {
            x[i] = f64::NAN;
        }
    }
    if clip.is_finite() {
        rotor_core::ops::cross::winsor_mad(x, clip);
    }
    standardize_once(x, cap);
}

/// One pass; false (and all NaN) when there is no dispersion.
fn standardize_once(x: &mut [f64], cap: &[f64]) -> bool {
    let (mut sw, mut swx, mut n, mut sx) = (0.0, 0.0, 0usize, 0.0);
    for (v, c) in x.iter().zip(cap) {
        if v.is_finite() {
            sw += c;
            swx += c * v;
            n += 1;
            sx += v;
        }
    }
    if n < 2 {
        x.iter_mut().for_each(|v| *v = f64::NAN);
        return false;
    }
    let mean_eq = sx / n as f64;
    let var = x
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| (v - mean_eq).powi(2))
        .sum::<f64>()
        / n as f64;
    let sd = var.sqrt();
    if sd.is_nan() || sd <= 1e-14 * mean_eq.abs().max(1.0) {
        x.iter_mut().for_each(|v| *v = f64::NAN);
        return false;
    }
    let mu = swx / sw;
    for v in x.iter_mut().filter(|v| v.is_finite()) {
        *v = (*v - mu) / sd;
    }
    true
}

/// Cap-weighted mean and equal-weighted std (ddof 0) of the finite values.
pub fn moments(x: &[f64], cap: &[f64]) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = x
        .iter()
        .zip(cap)
        .filter(|(v, c)| v.is_finite() && **c > 0.0)
        .map(|(v, c)| (*v, *c))
        .collect();
    let n = pts.len() as f64;
    let mu = pts.iter().map(|(v, c)| v * c).sum::<f64>() / pts.iter().map(|p| p.1).sum::<f64>();
    let m = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let sd = (pts.iter().map(|p| (p.0 - m).powi(2)).sum::<f64>() / n).sqrt();
    (mu, sd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_weighted_mean_zero_equal_weighted_std_one() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 10.0, f64::NAN];
        let cap = vec![5.0, 1.0, 1.0, 1.0, 2.0, 1.0];
        standardize(&mut x, &cap, f64::INFINITY);
        let (mu, sd) = moments(&x, &cap);
        assert!(mu.abs() < 1e-12 && (sd - 1.0).abs() < 1e-12, "{mu} {sd}");
        assert!(x[5].is_nan());
    }

    #[test]
    fn clipping_then_restandardising() {
        let mut x: Vec<f64> = (0..50).map(f64::from).collect();
        x.push(1e6);
        let cap = vec![1.0; x.len()];
        standardize(&mut x, &cap, 3.0);
        let (mu, sd) = moments(&x, &cap);
        assert!(mu.abs() < 1e-12 && (sd - 1.0).abs() < 1e-12);
        // the outlier no longer dominates: it sits at the band's edge, a few std out
        // (without winsorising it would be √50 ≈ 7.07 std out and the rest squeezed)
        assert!(x[50] < 3.5, "{}", x[50]);
        assert!(x[49] > 1.0, "{}", x[49]);
    }

    #[test]
    fn empty_constant_and_one_value_give_nan() {
        let mut e: Vec<f64> = vec![];
        standardize(&mut e, &[], 3.0);
        let mut c = vec![2.0; 5];
        standardize(&mut c, &[1.0; 5], 3.0);
        assert!(c.iter().all(|v| v.is_nan()));
        let mut one = vec![1.0, f64::NAN];
        standardize(&mut one, &[1.0, 1.0], 3.0);
        assert!(one.iter().all(|v| v.is_nan()));
        // a missing cap excludes the stock
        let mut x = vec![1.0, 2.0, 3.0];
        standardize(&mut x, &[1.0, f64::NAN, 1.0], 3.0);
        assert!(x[1].is_nan() && x[0].is_finite());
    }
}
