//! Simple price factors that can drive the rotation on their own (any score can):
//!
//! * `momentum(n)`: `P_t / P_{t−n} − 1` (higher = stronger trend);
//! * `low_volatility(n)`: `−std(r_{t−n+1..t}, ddof = 1)·√252` (higher = calmer).
//!
//! Both read closes up to `t` only; `NaN` when an endpoint (or any close in the window
//! for volatility) is missing.

/// `P_t / P_{t−n} − 1`.
pub fn momentum_at(close: &[f64], t: usize, n: usize) -> f64 {
    if t < n {
        return f64::NAN;
    }
    let (a, b) = (close[t - n], close[t]);
    if a.is_finite() && b.is_finite() && a > 0.0 {
        b / a - 1.0
    } else {
        f64::NAN
    }
}

/// `−std(r, ddof = 1)·√252` over the last `n` daily returns.
pub fn low_volatility_at(close: &[f64], t: usize, n: usize) -> f64 {
    if t < n || n < 2 {
        return f64::NAN;
    }
    let w = &close[t - n..=t];
    if w.iter().any(|x| !x.is_finite() || *x <= 0.0) {
        return f64::NAN;
    }
    let r: Vec<f64> = w.windows(2).map(|p| p[1] / p[0] - 1.0).collect();
    let m = r.iter().sum::<f64>() / r.len() as f64;
    let v = r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r.len() as f64 - 1.0);
    -(v.sqrt() * 252f64.sqrt())
}
