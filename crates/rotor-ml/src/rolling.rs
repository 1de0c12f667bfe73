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
pub fn std_direct(x: &[f64], d: usize) -> Vec<f64> {
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
pub fn corr_direct(x: &[f64], y: &[f64], d: usize) -> Vec<f64> {
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
pub fn slope_rsq_direct(x: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
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

/// Sliding centred moments of `x` and `y` over `d` rows: for each full window of finite
/// pairs, `(Sxx, Syy, Sxy, Sxi)` — sums of squares and cross-products about the window
/// means, `Sxi` against the row position `i = 0..d` — in O(1) per row. Values are
/// shifted by the series' first finite value (removing most cancellation), and the raw
/// sums are recomputed from the window every 64 rows so rounding cannot accumulate
/// (amortised O(d / 64) per row).
fn moments(x: &[f64], y: &[f64], d: usize) -> Vec<Option<[f64; 6]>> {
    let n = x.len().min(y.len());
    let mut out = vec![None; n];
    if d < 2 || n < d {
        return out;
    }
    let kx = x.iter().copied().find(|v| v.is_finite()).unwrap_or(0.0);
    let ky = y.iter().copied().find(|v| v.is_finite()).unwrap_or(0.0);
    let (df, mi) = (d as f64, (d as f64 - 1.0) / 2.0);
    let ok = |k: usize| x[k].is_finite() && y[k].is_finite();
    // raw sums of the window ending at row k: Σa, Σb, Σa², Σb², Σab, Σ i·a (a = x − kx)
    let exact = |k: usize| -> [f64; 6] {
        let mut s = [0.0; 6];
        for (i, j) in (k + 1 - d..=k).enumerate() {
            let (a, b) = (x[j] - kx, y[j] - ky);
            s[0] += a;
            s[1] += b;
            s[2] += a * a;
            s[3] += b * b;
            s[4] += a * b;
            s[5] += i as f64 * a;
        }
        s
    };
    let mut bad = (0..d - 1).filter(|&k| !ok(k)).count();
    let mut s: Option<[f64; 6]> = None;
    for k in (d - 1)..n {
        if !ok(k) {
            bad += 1;
        }
        if k >= d && !ok(k - d) {
            bad -= 1;
        }
        if bad > 0 {
            s = None;
            continue;
        }
        let cur = match s {
            Some(mut p) if !(k - d + 1).is_multiple_of(64) => {
                let (a0, b0) = (x[k - d] - kx, y[k - d] - ky);
                let (a1, b1) = (x[k] - kx, y[k] - ky);
                let s0_new = p[0] - a0 + a1;
                // Σ i·a over the shifted window: every position moves down by one
                p[5] = p[5] - (p[0] - a0) + (df - 1.0) * a1;
                p[0] = s0_new;
                p[1] += b1 - b0;
                p[2] += a1 * a1 - a0 * a0;
                p[3] += b1 * b1 - b0 * b0;
                p[4] += a1 * b1 - a0 * b0;
                p
            }
            _ => exact(k),
        };
        s = Some(cur);
        let [sa, sb, saa, sbb, sab, sia] = cur;
        let sxx = (saa - sa * sa / df).max(0.0);
        let syy = (sbb - sb * sb / df).max(0.0);
        let sxy = sab - sa * sb / df;
        let sxi = sia - mi * sa;
        out[k] = Some([sxx, syy, sxy, sxi, kx + sa / df, ky + sb / df]);
    }
    out
}

/// A sum of squares that is rounding noise of the level (`≤ 1e−12 · d · mean²`) is 0.
fn flat(ss: f64, sum_sq: f64) -> bool {
    ss <= 1e-12 * sum_sq
}

/// Trailing sample standard deviation (ddof = 1) over `d ≥ 2` rows, O(1) per row
/// (`moments`); equal to [`std_direct`] to rounding (tested).
pub fn std(x: &[f64], d: usize) -> Vec<f64> {
    moments(x, x, d)
        .into_iter()
        .map(|o| match o {
            Some([sxx, _, _, _, mu, _]) if !flat(sxx, d as f64 * mu * mu) => {
                (sxx / (d as f64 - 1.0)).sqrt()
            }
            Some(_) => 0.0,
            None => f64::NAN,
        })
        .collect()
}

/// Pearson correlation of `x` and `y` over the trailing `d` rows (NaN when either is
/// flat in the window), O(1) per row; equal to [`corr_direct`] to rounding (tested).
pub fn corr(x: &[f64], y: &[f64], d: usize) -> Vec<f64> {
    let df = d as f64;
    moments(x, y, d)
        .into_iter()
        .map(|o| match o {
            Some([sxx, syy, sxy, _, mx, my]) => {
                if flat(sxx, df * mx * mx) || flat(syy, df * my * my) {
                    f64::NAN
                } else {
                    (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
                }
            }
            None => f64::NAN,
        })
        .collect()
}

/// OLS slope of `x` on the row index over the trailing `d` rows and the fit's R², O(1)
/// per row; equal to [`slope_rsq_direct`] to rounding (tested).
pub fn slope_rsq(x: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mi = (d as f64 - 1.0) / 2.0;
    let sii: f64 = (0..d).map(|i| (i as f64 - mi).powi(2)).sum();
    let mut slope = vec![f64::NAN; x.len()];
    let mut rsq = vec![f64::NAN; x.len()];
    for (k, o) in moments(x, x, d).into_iter().enumerate() {
        if let Some([sxx, _, _, sxi, mu, _]) = o {
            slope[k] = sxi / sii;
            rsq[k] = if flat(sxx, d as f64 * mu * mu) {
                f64::NAN
            } else {
                (sxi * sxi / (sii * sxx)).min(1.0)
            };
        }
    }
    (slope, rsq)
}

/// Mean, sample std, OLS slope on the row index and its R² of `x` over the trailing `d`
/// rows from one pass of `moments` — what [`mean`], [`std()`] and [`slope_rsq`] give one
/// by one.
pub fn mean_std_slope_rsq(x: &[f64], d: usize) -> [Vec<f64>; 4] {
    let n = x.len();
    let mut out = [
        vec![f64::NAN; n],
        vec![f64::NAN; n],
        vec![f64::NAN; n],
        vec![f64::NAN; n],
    ];
    if d < 2 {
        return out;
    }
    let mi = (d as f64 - 1.0) / 2.0;
    let sii: f64 = (0..d).map(|i| (i as f64 - mi).powi(2)).sum();
    let df = d as f64;
    for (k, o) in moments(x, x, d).into_iter().enumerate() {
        if let Some([sxx, _, _, sxi, mu, _]) = o {
            let is_flat = flat(sxx, df * mu * mu);
            out[0][k] = mu;
            out[1][k] = if is_flat {
                0.0
            } else {
                (sxx / (df - 1.0)).sqrt()
            };
            out[2][k] = sxi / sii;
            out[3][k] = if is_flat {
                f64::NAN
            } else {
                (sxi * sxi / (sii * sxx)).min(1.0)
            };
        }
    }
    out
}

/// Trailing max of `hi`, min of `lo` and their ages in rows (0 = today; ties: the most
/// recent) over full windows of `d` finite rows, by monotonic queues: O(1) amortised per
/// row.
pub fn max_min(hi: &[f64], lo: &[f64], d: usize) -> [Vec<f64>; 4] {
    use std::collections::VecDeque;
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
    let (mut qmax, mut qmin): (VecDeque<usize>, VecDeque<usize>) =
        (VecDeque::new(), VecDeque::new());
    let mut bad = 0usize;
    for k in 0..n {
        let ok = |j: usize| hi[j].is_finite() && lo[j].is_finite();
        if ok(k) {
            while qmax.back().is_some_and(|&j| hi[j] <= hi[k]) {
                qmax.pop_back();
            }
            qmax.push_back(k);
            while qmin.back().is_some_and(|&j| lo[j] >= lo[k]) {
                qmin.pop_back();
            }
            qmin.push_back(k);
        } else {
            bad += 1;
        }
        if k >= d && !ok(k - d) {
            bad -= 1;
        }
        while qmax.front().is_some_and(|&j| j + d <= k) {
            qmax.pop_front();
        }
        while qmin.front().is_some_and(|&j| j + d <= k) {
            qmin.pop_front();
        }
        if k + 1 >= d && bad == 0 {
            let (a, b) = (qmax[0], qmin[0]);
            out[0][k] = hi[a];
            out[1][k] = lo[b];
            out[2][k] = (k - a) as f64;
            out[3][k] = (k - b) as f64;
        }
    }
    out
}

/// [`max_min`] by scanning each window (the reference its tests compare with).
#[cfg(test)]
#[allow(clippy::needless_range_loop)] // four outputs written at the same row
fn max_min_direct(hi: &[f64], lo: &[f64], d: usize) -> [Vec<f64>; 4] {
    let n = hi.len().min(lo.len());
    let mut out = [
        vec![f64::NAN; n],
        vec![f64::NAN; n],
        vec![f64::NAN; n],
        vec![f64::NAN; n],
    ];
    for k in (d.max(1) - 1)..n {
        let w = k + 1 - d..=k;
        if w.clone().any(|j| !(hi[j].is_finite() && lo[j].is_finite())) {
            continue;
        }
        let (mut a, mut b) = (k + 1 - d, k + 1 - d);
        for j in w {
            if hi[j] >= hi[a] {
                a = j;
            }
            if lo[j] <= lo[b] {
                b = j;
            }
        }
        out[0][k] = hi[a];
        out[1][k] = lo[b];
        out[2][k] = (k - a) as f64;
        out[3][k] = (k - b) as f64;
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
    fn sliding_moments_equal_the_direct_window_computations() {
        // a long drifting series with gaps: prices, and volumes of another scale
        let mut st: u64 = 7;
        let mut u = move || {
            st = st.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((st >> 11) as f64) / (1u64 << 53) as f64
        };
        let mut p = 20.0;
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for k in 0..3000 {
            p *= 1.0 + 0.03 * (u() - 0.5);
            x.push(if k % 397 == 5 { f64::NAN } else { p });
            y.push(1e7 * (1.0 + u()));
        }
        for d in [2, 5, 20, 60] {
            let rel = |a: f64, b: f64| {
                // sums of squares carry rounding of order 1e−16 × level² × rows since
                // the last recomputation: invisible in features stored as f32
                (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-6 * b.abs() + 1e-12
            };
            let (s1, s2) = (std(&x, d), std_direct(&x, d));
            if let Some(k) = (0..s1.len()).find(|&k| !rel(s1[k], s2[k])) {
                panic!(
                    "std {d} row {k}: {} vs {} ({:?})",
                    s1[k],
                    s2[k],
                    &x[k + 1 - d..=k]
                );
            }
            let (c1, c2) = (corr(&x, &y, d), corr_direct(&x, &y, d));
            assert!(
                c1.iter()
                    .zip(&c2)
                    .all(|(a, b)| (a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-6),
                "corr {d}"
            );
            let ((b1, r1), (b2, r2)) = (slope_rsq(&x, d), slope_rsq_direct(&x, d));
            assert!(
                b1.iter()
                    .zip(&b2)
                    .all(|(a, b)| (a.is_nan() && b.is_nan())
                        || (a - b).abs() < 1e-9 * (1.0 + b.abs())),
                "slope {d}"
            );
            assert!(
                r1.iter()
                    .zip(&r2)
                    .all(|(a, b)| (a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-6),
                "rsq {d}"
            );
        }
        // a flat window: std 0, no correlation, no R²
        let flat = [5.0; 10];
        assert_eq!(std(&flat, 5)[9], 0.0);
        assert!(corr(&flat, &x[..10], 5)[9].is_nan());
        assert!(slope_rsq(&flat, 5).1[9].is_nan());
        assert_eq!(slope_rsq(&flat, 5).0[9], 0.0);
    }

    #[test]
    fn one_pass_moments_equal_the_separate_ones() {
        let x: Vec<f64> = (0..300)
            .map(|k| {
                if k == 77 {
                    f64::NAN
                } else {
                    10.0 + (k as f64 * 0.37).sin()
                }
            })
            .collect();
        for d in [2, 5, 20] {
            let [m, s, b, r] = mean_std_slope_rsq(&x, d);
            let (b2, r2) = slope_rsq(&x, d);
            let same = |a: &[f64], b: &[f64]| {
                a.iter()
                    .zip(b)
                    .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-9)
            };
            assert!(same(&m, &mean(&x, d)) && same(&s, &std(&x, d)));
            assert!(same(&b, &b2) && same(&r, &r2));
        }
    }

    #[test]
    fn queue_max_min_equal_the_window_scan_with_ties_and_gaps() {
        let mut st: u64 = 3;
        let mut u = move || {
            st = st.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((st >> 11) as f64) / (1u64 << 53) as f64
        };
        // coarse values make ties common; a gap now and then
        let hi: Vec<f64> = (0..2000)
            .map(|k| {
                if k % 211 == 7 {
                    f64::NAN
                } else {
                    (u() * 8.0).floor()
                }
            })
            .collect();
        let lo: Vec<f64> = hi.iter().map(|h| h - (u() * 3.0).floor()).collect();
        for d in [1, 2, 5, 30] {
            let (a, b) = (max_min(&hi, &lo, d), max_min_direct(&hi, &lo, d));
            for q in 0..4 {
                assert!(
                    a[q].iter()
                        .zip(&b[q])
                        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan())),
                    "d {d} output {q}"
                );
            }
        }
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
