//! Trailing-window statistics of one stock's series (oldest first, the stock's own
//! trading rows: a suspension is no row). Each output at row k reads rows `k − d + 1 ..=
//! k` only and is NaN until the window is full or when a value in it is missing. Sums
//! slide in O(1) per row (a window sum is corrected from the running one, so a long
//! series accumulates rounding of order 1e−16 × its length, far below the features'
//! precision); dispersion, slope, correlation, max / min and rank re-read the window
//! (O(d)), which keeps them exact to rounding.

/// `f(Σx)` over each full window of `d` finite values (NaN otherwise), the sum slid in
/// O(1) per row.
fn sliding<F: Fn(f64) -> f64>(x: &[f64], d: usize, f: F) -> Vec<f64> {
    let mut out = vec![f64::NAN; x.len()];
    if d == 0 {
        return out;
    }
    let (mut s1, mut bad) = (0.0, 0usize);
    for k in 0..x.len() {
        let v = x[k];
        if v.is_finite() {
            s1 += v;
        } else {
            bad += 1;
        }
        if k >= d {
            let o = x[k - d];
            if o.is_finite() {
                s1 -= o;
            } else {
                bad -= 1;
            }
        }
        if k + 1 >= d && bad == 0 {
            out[k] = f(s1);
        }
    }
    out
}

/// Trailing mean over `d` rows.
pub fn mean(x: &[f64], d: usize) -> Vec<f64> {
    let df = d as f64;
    sliding(x, d, move |s1| s1 / df)
}

/// Trailing sum over `d` rows.
pub fn sum(x: &[f64], d: usize) -> Vec<f64> {
    sliding(x, d, |s1| s1)
}

/// Trailing sample standard deviation (ddof = 1) over `d ≥ 2` rows, computed from
/// window sums re-centred on the window mean (`max(0, ·)` guards rounding).
pub fn std(x: &[f64], d: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; x.len()];
    if d < 2 {
        return out;
    }
    let m = mean(x, d);
    for k in (d - 1)..x.len() {
        if !m[k].is_finite() {
            continue;
        }
        let w = &x[k + 1 - d..=k];
        let ss: f64 = w.iter().map(|v| (v - m[k]) * (v - m[k])).sum();
        out[k] = (ss / (d as f64 - 1.0)).max(0.0).sqrt();
    }
    out
}

/// Pearson correlation of `x` and `y` over the trailing `d` rows (NaN when either is
/// constant in the window).
pub fn corr(x: &[f64], y: &[f64], d: usize) -> Vec<f64> {
    let n = x.len().min(y.len());
    let mut out = vec![f64::NAN; n];
    if d < 2 {
        return out;
    }
    let (mx, my) = (mean(&x[..n], d), mean(&y[..n], d));
    for k in (d - 1)..n {
        if !(mx[k].is_finite() && my[k].is_finite()) {
            continue;
        }
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for j in k + 1 - d..=k {
            let (a, b) = (x[j] - mx[k], y[j] - my[k]);
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        if sxx > 0.0 && syy > 0.0 {
            out[k] = sxy / (sxx * syy).sqrt();
        }
    }
    out
}

/// OLS slope of `x` on the row index over the trailing `d` rows, and the fit's R².
pub fn slope_rsq(x: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let n = x.len();
    let (mut slope, mut rsq) = (vec![f64::NAN; n], vec![f64::NAN; n]);
    if d < 2 {
        return (slope, rsq);
    }
    let mi = (d as f64 - 1.0) / 2.0;
    let sii: f64 = (0..d).map(|i| (i as f64 - mi).powi(2)).sum();
    let m = mean(x, d);
    for k in (d - 1)..n {
        if !m[k].is_finite() {
            continue;
        }
        let (mut sxi, mut sxx) = (0.0, 0.0);
        for (i, v) in x[k + 1 - d..=k].iter().enumerate() {
            let a = v - m[k];
            sxi += a * (i as f64 - mi);
            sxx += a * a;
        }
        slope[k] = sxi / sii;
        if sxx > 0.0 {
            rsq[k] = sxi * sxi / (sii * sxx);
        }
    }
    (slope, rsq)
}

/// Trailing max, min and their ages in rows (0 = today) over `d` rows.
// four outputs written at the same row: an index reads clearer than four zipped iterators
#[allow(clippy::needless_range_loop)]
pub fn max_min(hi: &[f64], lo: &[f64], d: usize) -> [Vec<f64>; 4] {
    let n = hi.len().min(lo.len());
    let mut out = [
        vec![f64::NAN; n],
        vec![f64::NAN; n],
        vec![f64::NAN; n],
        vec![f64::NAN; n],
    ];
    if d == 0 {
        return out;
    }
    for k in (d - 1)..n {
        let (mut mx, mut mn) = (f64::NEG_INFINITY, f64::INFINITY);
        let (mut imx, mut imn) = (0usize, 0usize);
        let mut ok = true;
        for j in k + 1 - d..=k {
            let (h, l) = (hi[j], lo[j]);
            if !(h.is_finite() && l.is_finite()) {
                ok = false;
                break;
            }
            // ties: the most recent
            if h >= mx {
                mx = h;
                imx = j;
            }
            if l <= mn {
                mn = l;
                imn = j;
            }
        }
        if ok {
            out[0][k] = mx;
            out[1][k] = mn;
            out[2][k] = (k - imx) as f64;
            out[3][k] = (k - imn) as f64;
        }
    }
    out
}

/// Percentile of today's value in its trailing `d` rows: `(#{x_j ≤ x_k} − 1) / (d − 1)`
/// ∈ [0, 1] (rotor-core's `ts_pct` on a full window).
pub fn rank(x: &[f64], d: usize) -> Vec<f64> {
    let n = x.len();
    let mut out = vec![f64::NAN; n];
    if d < 2 {
        return out;
    }
    for k in (d - 1)..n {
        let w = &x[k + 1 - d..=k];
        if w.iter().any(|v| !v.is_finite()) {
            continue;
        }
        let le = w.iter().filter(|v| **v <= x[k]).count();
        out[k] = (le as f64 - 1.0) / (d as f64 - 1.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12 || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn windows_fill_once_full_and_skip_missing_values() {
        let x = [1.0, 2.0, 3.0, f64::NAN, 5.0, 6.0, 7.0];
        let m = mean(&x, 3);
        let want = [f64::NAN, f64::NAN, 2.0, f64::NAN, f64::NAN, f64::NAN, 6.0];
        assert!(m.iter().zip(want).all(|(a, b)| close(*a, b)), "{m:?}");
        assert_eq!(sum(&x, 2)[2], 5.0);
        assert!(mean(&[], 3).is_empty());
        assert!(mean(&x, 0).iter().all(|v| v.is_nan()));
    }

    #[test]
    fn std_slope_corr_rank_goldens() {
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        // sample std of the whole 8: sqrt(32 / 7)
        assert!(close(std(&x, 8)[7], (32.0f64 / 7.0).sqrt()));
        let line = [1.0, 3.0, 5.0, 7.0];
        let (s, r) = slope_rsq(&line, 4);
        assert!(close(s[3], 2.0) && close(r[3], 1.0));
        let c = corr(&line, &[10.0, 8.0, 6.0, 4.0], 4);
        assert!(close(c[3], -1.0));
        // a constant window has no correlation
        assert!(corr(&[1.0, 1.0, 1.0], &line, 3)[2].is_nan());
        let rk = rank(&[3.0, 1.0, 2.0, 5.0], 4);
        assert!(close(rk[3], 1.0));
        let rk = rank(&[3.0, 1.0, 2.0], 3);
        assert!(close(rk[2], 0.5));
    }

    #[test]
    fn max_min_and_ages() {
        let hi = [5.0, 9.0, 7.0, 6.0];
        let lo = [1.0, 2.0, 0.5, 3.0];
        let [mx, mn, amx, amn] = max_min(&hi, &lo, 3);
        assert_eq!((mx[3], mn[3], amx[3], amn[3]), (9.0, 0.5, 2.0, 1.0));
        assert!(mx[1].is_nan());
    }
}
