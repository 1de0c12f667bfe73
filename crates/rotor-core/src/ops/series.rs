//! Time-series operators on one entity's series (oldest first, `NaN` = missing).
//! Windows count **observations** (non-missing values), so a quarterly series with a
//! gap still uses its previous W reported quarters. SPEC §0.4.

/// Indices of the finite values of `x`.
fn valid(x: &[f64]) -> Vec<usize> {
    (0..x.len()).filter(|&i| x[i].is_finite()).collect()
}

fn mean_std(h: &[f64]) -> (f64, f64) {
    let n = h.len() as f64;
    let m = h.iter().sum::<f64>() / n;
    let v = h.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

/// Time-series z-score (SPEC §0.4 `ts_z`): `(x_t − mean(H)) / std(H, ddof = 1)` where
/// `H` = the previous `w` observations (plus `x_t` itself when `include_current`).
/// `NaN` when `|H| < min_obs`, `std = 0`, or `x_t` is missing.
pub fn ts_z(x: &[f64], w: usize, include_current: bool, min_obs: usize) -> Vec<f64> {
    let idx = valid(x);
    let mut out = vec![f64::NAN; x.len()];
    for (k, &i) in idx.iter().enumerate() {
        let (lo, hi) = if include_current {
            ((k + 1).saturating_sub(w), k + 1)
        } else {
            (k.saturating_sub(w), k)
        };
        let h: Vec<f64> = idx[lo..hi].iter().map(|&q| x[q]).collect();
        if h.len() < min_obs.max(2) {
            continue;
        }
        let (m, s) = mean_std(&h);
        if s > 0.0 {
            out[i] = (x[i] - m) / s;
        }
    }
    out
}

/// Time-series percentile (SPEC §0.4 `ts_pct`): with `S` = the last `w` observations
/// including `x_t`, `(#{s ∈ S : x_s ≤ x_t} − 1) / (|S| − 1)` ∈ [0, 1]. `NaN` when
/// `|S| < max(min_obs, 2)` or `x_t` is missing.
pub fn ts_pct(x: &[f64], w: usize, min_obs: usize) -> Vec<f64> {
    let idx = valid(x);
    let mut out = vec![f64::NAN; x.len()];
    for (k, &i) in idx.iter().enumerate() {
        let s = &idx[(k + 1).saturating_sub(w)..=k];
        if s.len() < min_obs.max(2) {
            continue;
        }
        let le = s.iter().filter(|&&q| x[q] <= x[i]).count();
        out[i] = (le as f64 - 1.0) / (s.len() as f64 - 1.0);
    }
    out
}

/// Rolling sum over the last `w` rows (including the current one) with at least
/// `min_obs` finite values among them; missing values are skipped, not zero-filled.
pub fn rolling_sum(x: &[f64], w: usize, min_obs: usize) -> Vec<f64> {
    rolling(x, w, min_obs, |v| v.iter().sum())
}

/// Rolling mean over the last `w` rows (see [`rolling_sum`]).
pub fn rolling_mean(x: &[f64], w: usize, min_obs: usize) -> Vec<f64> {
    rolling(x, w, min_obs, |v| v.iter().sum::<f64>() / v.len() as f64)
}

/// Rolling sample standard deviation (ddof = 1) over the last `w` rows (see
/// [`rolling_sum`]); needs at least 2 values.
pub fn rolling_std(x: &[f64], w: usize, min_obs: usize) -> Vec<f64> {
    rolling(x, w, min_obs.max(2), |v| mean_std(v).1)
}

fn rolling(x: &[f64], w: usize, min_obs: usize, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    let mut buf = Vec::with_capacity(w);
    (0..x.len())
        .map(|t| {
            buf.clear();
            buf.extend(
                x[(t + 1).saturating_sub(w)..=t]
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite()),
            );
            if buf.len() < min_obs.max(1) {
                f64::NAN
            } else {
                f(&buf)
            }
        })
        .collect()
}

/// n-row change `x_t − x_{t−n}` (`NaN` when either is missing).
pub fn change(x: &[f64], n: usize) -> Vec<f64> {
    (0..x.len())
        .map(|t| if t >= n { x[t] - x[t - n] } else { f64::NAN })
        .collect()
}

/// n-row relative change `x_t / x_{t−n} − 1`; `NaN` when the base is missing or ≤ 0
/// (a growth rate off a negative base has no meaning: documented NaN, not a sign flip).
pub fn pct_change(x: &[f64], n: usize) -> Vec<f64> {
    (0..x.len())
        .map(|t| {
            if t >= n && x[t - n] > 0.0 {
                x[t] / x[t - n] - 1.0
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Year-over-year growth of a quarterly series: [`pct_change`] with lag 4 (rows are
/// consecutive quarters).
pub fn yoy_quarterly(x: &[f64]) -> Vec<f64> {
    pct_change(x, 4)
}

/// Quarter-over-quarter growth of a quarterly series: [`pct_change`] with lag 1.
pub fn qoq(x: &[f64]) -> Vec<f64> {
    pct_change(x, 1)
}

/// Growth against a base that may be negative, as used for earnings:
/// `(x_t − x_{t−n}) / |x_{t−n}|`; `NaN` when the base is missing or 0.
pub fn growth_abs_base(x: &[f64], n: usize) -> Vec<f64> {
    (0..x.len())
        .map(|t| {
            if t >= n && x[t - n] != 0.0 && x[t - n].is_finite() {
                (x[t] - x[t - n]) / x[t - n].abs()
            } else {
                f64::NAN
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ts_z_excludes_current_by_default() {
        let x = [1.0, 2.0, 3.0, 10.0];
        let z = ts_z(&x, 3, false, 3);
        assert!(z[..3].iter().all(|v| v.is_nan()));
        assert!((z[3] - (10.0 - 2.0) / 1.0).abs() < 1e-12);
        let zi = ts_z(&x, 3, true, 3);
        // H = [2, 3, 10]: mean 5, sd √19
        assert!((zi[3] - 5.0 / 19f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn ts_pct_counts_ties_and_skips_gaps() {
        let x = [1.0, f64::NAN, 3.0, 2.0, 2.0];
        let p = ts_pct(&x, 10, 2);
        assert!(p[0].is_nan() && p[1].is_nan());
        assert_eq!(p[2], 1.0);
        assert_eq!(p[3], 0.5);
        // S = [1,3,2,2]: #≤2 = 3 → (3-1)/3
        assert!((p[4] - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn rolling_and_changes() {
        let x = [1.0, 2.0, f64::NAN, 4.0];
        assert_eq!(rolling_sum(&x, 2, 1)[2], 2.0);
        assert!(rolling_sum(&x, 2, 2)[2].is_nan());
        assert_eq!(rolling_mean(&x, 4, 3)[3], 7.0 / 3.0);
        assert_eq!(change(&x, 2)[3], 2.0);
        assert_eq!(pct_change(&[2.0, -1.0, 3.0], 1)[1], -1.5);
        assert!(pct_change(&[2.0, -1.0, 3.0], 1)[2].is_nan());
        assert_eq!(growth_abs_base(&[-2.0, 1.0], 1)[1], 1.5);
        assert_eq!(yoy_quarterly(&[1.0, 1.0, 1.0, 1.0, 1.5])[4], 0.5);
    }
}
