//! Momentum continuation (动量延续性, SPEC §2.5).
//!
//! From the last `L` daily returns (L = 120) remove the `m = max(1, round(p·L))` largest
//! (p = 0.05 → m = 6) and take the annualised Sharpe ratio of the rest:
//! `MC = mean(r_rest) / max(std(r_rest, ddof = 1), 1e−8) · √252` (rf = 0). Stripping the
//! biggest up-days rewards slow, steady gains over jumps. Golden (L = 10, m = 1): the
//! steady series A scores 111.31, the jumpy B 5.29 although B gained more.
//!
//! Variant `FrogInPan` (Da, Gurun & Warachka 2014): `ID = sign(Σr)·(%neg − %pos)`,
//! returned as `−ID` so that higher = smoother.

use serde::{Deserialize, Serialize};

/// Which momentum-continuation measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum McVariant {
    /// Sharpe ratio without the m largest returns (default).
    #[default]
    Sharpe,
    /// Frog-in-the-pan information discreteness, sign-flipped.
    FrogInPan,
}

/// m = max(1, round(p·L)).
pub fn strip_count(l: usize, p: f64) -> usize {
    ((p * l as f64).round() as usize).max(1)
}

/// The measure on a window of returns (all finite), stripping the `m` largest.
pub fn mc(r: &[f64], m: usize, variant: McVariant) -> f64 {
    match variant {
        McVariant::Sharpe => {
            let mut v = r.to_vec();
            v.sort_by(|a, b| a.total_cmp(b));
            v.truncate(v.len().saturating_sub(m));
            if v.len() < 2 {
                return f64::NAN;
            }
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            mean / sd.max(1e-8) * 252f64.sqrt()
        }
        McVariant::FrogInPan => {
            let n = r.len() as f64;
            if n == 0.0 {
                return f64::NAN;
            }
            let s: f64 = r.iter().sum();
            let neg = r.iter().filter(|x| **x < 0.0).count() as f64 / n;
            let pos = r.iter().filter(|x| **x > 0.0).count() as f64 / n;
            -(s.signum() * (neg - pos))
        }
    }
}

/// MC of one asset at day index `t` from its daily closes (oldest first): the last
/// `l` returns between consecutive closes up to `t`; `NaN` when any of the last `l + 1`
/// closes is missing.
pub fn mc_at(close: &[f64], t: usize, l: usize, p: f64, variant: McVariant) -> f64 {
    if t < l {
        return f64::NAN;
    }
    let w = &close[t - l..=t];
    if w.iter().any(|x| !x.is_finite() || *x <= 0.0) {
        return f64::NAN;
    }
    let r: Vec<f64> = w.windows(2).map(|p| p[1] / p[0] - 1.0).collect();
    mc(&r, strip_count(l, p), variant)
}
