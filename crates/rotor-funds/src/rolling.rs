//! Rolling ordinary least squares, updated incrementally (statsmodels `RollingOLS`
//! semantics, `expanding = False`): at each t from `window − 1` on, OLS of `y` on
//! `[1, x]` (with `add_const`) over the rows of the window `(t − window, t]` whose values
//! are all known (`missing = "drop"`), reported when at least `min_obs` rows remain, NaN
//! otherwise (and NaN before the first full window).
//!
//! The normal equations' sums `XᵀX`, `Xᵀy` gain the entering row and lose the leaving
//! one, O(k²) per step instead of O(window·k²) for a refit; they are recomputed from the
//! window every `window` steps so rounding cannot accumulate over long histories. The k ×
//! k system (k ≤ ~10) is solved by Cholesky; a singular window gives NaN.

/// Coefficients per row (`t × k`, constant first when `add_const`) and rows used.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolling {
    /// Number of coefficients.
    pub k: usize,
    /// Row-major `t × k`.
    pub coef: Vec<f64>,
    /// Rows in each window's fit.
    pub n_obs: Vec<usize>,
}

fn row(x: &[f64], p: usize, t: usize, add_const: bool, out: &mut [f64]) -> bool {
    let mut j = 0;
    if add_const {
        out[0] = 1.0;
        j = 1;
    }
    for q in 0..p {
        let v = x[t * p + q];
        if !v.is_finite() {
            return false;
        }
        out[j + q] = v;
    }
    true
}

/// `a x = b` by Cholesky (None when singular), leaving the sums untouched.
fn solve(a: &[f64], b: &[f64], k: usize) -> Option<Vec<f64>> {
    let (mut l, mut x) = (a.to_vec(), b.to_vec());
    rotor_core::linalg::solve_spd(&mut l, &mut x, k).ok()?;
    Some(x)
}

/// Rolling OLS of `y` (length t) on `x` (`t × p`, row-major) — see the module docs.
pub fn rolling_ols(
    y: &[f64],
    x: &[f64],
    p: usize,
    window: usize,
    min_obs: usize,
    add_const: bool,
) -> Rolling {
    let t_len = y.len();
    let k = p + add_const as usize;
    let mut coef = vec![f64::NAN; t_len * k];
    let mut n_obs = vec![0usize; t_len];
    let mut a = vec![0.0; k * k];
    let mut b = vec![0.0; k];
    let mut n = 0usize;
    let mut r = vec![0.0; k];
    let ok = |t: usize, r: &mut [f64]| y[t].is_finite() && row(x, p, t, add_const, r);
    let add = |a: &mut [f64], b: &mut [f64], r: &[f64], yv: f64, sign: f64| {
        for i in 0..k {
            b[i] += sign * r[i] * yv;
            for j in 0..k {
                a[i * k + j] += sign * r[i] * r[j];
            }
        }
    };
    for t in 0..t_len {
        if window > 0 && t % window == 0 && t > 0 {
            // recompute the window's sums from scratch
            a.iter_mut().for_each(|v| *v = 0.0);
            b.iter_mut().for_each(|v| *v = 0.0);
            n = 0;
            let from = (t + 1).saturating_sub(window);
            for (s, ys) in y.iter().enumerate().take(t).skip(from) {
                if ok(s, &mut r) {
                    add(&mut a, &mut b, &r, *ys, 1.0);
                    n += 1;
                }
            }
        } else if t >= window && ok(t - window, &mut r) {
            add(&mut a, &mut b, &r, y[t - window], -1.0);
            n -= 1;
        }
        if ok(t, &mut r) {
            add(&mut a, &mut b, &r, y[t], 1.0);
            n += 1;
        }
        n_obs[t] = n;
        if t + 1 >= window && n >= min_obs.max(k) {
            if let Some(c) = solve(&a, &b, k) {
                coef[t * k..(t + 1) * k].copy_from_slice(&c);
            }
        }
    }
    Rolling { k, coef, n_obs }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index loops mirror the formulas being checked
mod tests {
    use super::*;

    /// A direct refit of every window.
    fn refit(y: &[f64], x: &[f64], p: usize, w: usize, m: usize, t: usize) -> Option<Vec<f64>> {
        let k = p + 1;
        let mut a = vec![0.0; k * k];
        let mut b = vec![0.0; k];
        let mut n = 0;
        let mut r = vec![0.0; k];
        for s in (t + 1).saturating_sub(w)..=t {
            if y[s].is_finite() && row(x, p, s, true, &mut r) {
                n += 1;
                for i in 0..k {
                    b[i] += r[i] * y[s];
                    for j in 0..k {
                        a[i * k + j] += r[i] * r[j];
                    }
                }
            }
        }
        (n >= m && t + 1 >= w).then(|| solve(&a, &b, k)).flatten()
    }

    #[test]
    fn incremental_equals_a_refit_of_every_window() {
        let t_len = 700;
        let x: Vec<f64> = (0..t_len * 2)
            .map(|i| (i * 7919 % 1000) as f64 / 500.0 - 1.0)
            .collect();
        let mut y: Vec<f64> = (0..t_len)
            .map(|t| {
                0.001 + 0.8 * x[t * 2] - 0.3 * x[t * 2 + 1]
                    + ((t * 104729 % 997) as f64 / 997.0 - 0.5) * 0.01
            })
            .collect();
        y[300] = f64::NAN;
        let mut x = x;
        x[2 * 410 + 1] = f64::NAN;
        let r = rolling_ols(&y, &x, 2, 250, 200, true);
        for t in [198, 199, 260, 300, 410, 499, 500, 501, 699] {
            match refit(&y, &x, 2, 250, 200, t) {
                Some(c) => {
                    for j in 0..3 {
                        assert!(
                            (r.coef[t * 3 + j] - c[j]).abs() < 1e-12,
                            "t {t}: {} vs {}",
                            r.coef[t * 3 + j],
                            c[j]
                        );
                    }
                }
                None => assert!(r.coef[t * 3].is_nan(), "t {t}"),
            }
        }
        assert_eq!(r.n_obs[260], 250);
        assert_eq!(r.n_obs[410], 248);
    }

    #[test]
    fn exact_fit_constant_and_empty() {
        let x: Vec<f64> = (0..300).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| 2.0 + 0.5 * v).collect();
        let r = rolling_ols(&y, &x, 1, 100, 50, true);
        assert!((r.coef[299 * 2] - 2.0).abs() < 1e-8 && (r.coef[299 * 2 + 1] - 0.5).abs() < 1e-10);
        // a constant regressor with a constant: singular → NaN
        let r = rolling_ols(&y, &vec![1.0; 300], 1, 100, 50, true);
        assert!(r.coef.iter().all(|v| v.is_nan()));
        let r = rolling_ols(&[], &[], 1, 100, 50, true);
        assert!(r.coef.is_empty());
    }
}
