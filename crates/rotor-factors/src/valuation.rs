//! Valuation (估值, SPEC §2.1).
//!
//! * **PE percentile** `val.pe_pct = sign · ts_pct(PE, W)` over the last W = 1250
//!   trading-day observations including t (min 750; SPEC §0.4 `ts_pct`). Only positive
//!   PEs enter the window; a non-positive PE at t gives NaN (a loss-making index has no
//!   meaningful PE rank). `sign = +1` prefers **high** percentiles, the LL rule of seed F.
//! * **Inverse PEG** `val.inv_peg = g / PE` with `g` the expected earnings growth in %:
//!   - `Consensus`: `100 · (F12 / NP_TTM − 1)`, `F12 = w·FY1 + (1 − w)·FY2`,
//!     `w = (12 − month(t)) / 12` (months left in the fiscal year), NP_TTM = sum of the
//!     last four single quarters announced before t;
//!   - `Trailing`: `100 · (NP_TTM_t / NP_TTM_{t−4q} − 1)`;
//!   - `Implied` (index PE and price only): earnings `E = P / PE`,
//!     `g = 100 · (E_t / E_{t−n} − 1)` with n = 250 trading days;
//!   - `Auto` (default): the first of Consensus → Trailing → Implied that the asset has
//!     at t (the basis used is counted in the notes).
//!
//!   PEG = PE / g; inverse PEG = g / PE. If PE ≤ 0 or g ≤ 0 the inverse PEG is
//!   undefined and the asset gets the cross-sectional minimum of the defined values
//!   (bottom rank, SPEC §2.1); assets without inputs stay NaN.
//!
//! Golden: PE 20, g 25 % → PEG 0.8, inverse PEG 1.25.

use serde::{Deserialize, Serialize};

/// Where the growth of the inverse PEG comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GrowthSource {
    /// Consensus → trailing → implied, per asset and date (default).
    #[default]
    Auto,
    /// Consensus forward-12-month profit over trailing profit.
    Consensus,
    /// Trailing 4-quarter profit growth.
    Trailing,
    /// Growth of implied earnings P / PE.
    Implied,
}

/// `ts_pct` of the positive PEs among the last `w` observations up to day `t`.
pub fn pe_pct_at(pe: &[f64], t: usize, w: usize, min_obs: usize) -> f64 {
    let x = pe[t];
    if !(x.is_finite() && x > 0.0) {
        return f64::NAN;
    }
    let lo = (t + 1).saturating_sub(w);
    let (mut n, mut le) = (0usize, 0usize);
    for &v in &pe[lo..=t] {
        if v.is_finite() && v > 0.0 {
            n += 1;
            if v <= x {
                le += 1;
            }
        }
    }
    if n < min_obs.max(2) {
        return f64::NAN;
    }
    (le as f64 - 1.0) / (n as f64 - 1.0)
}

/// `g / PE`, or NaN when PE ≤ 0 or g ≤ 0 (see the module docs for the fill rule).
pub fn inv_peg(pe: f64, g: f64) -> f64 {
    if pe > 0.0 && g > 0.0 {
        g / pe
    } else {
        f64::NAN
    }
}

/// Growth of implied earnings `E = P / PE` over `n` days, percent.
pub fn implied_growth_at(close: &[f64], pe: &[f64], t: usize, n: usize) -> f64 {
    if t < n {
        return f64::NAN;
    }
    let e = |i: usize| {
        if pe[i] > 0.0 && close[i] > 0.0 {
            close[i] / pe[i]
        } else {
            f64::NAN
        }
    };
    let (a, b) = (e(t - n), e(t));
    if a.is_finite() && b.is_finite() {
        100.0 * (b / a - 1.0)
    } else {
        f64::NAN
    }
}

/// Forward-12-month blend `w·FY1 + (1 − w)·FY2` with `w = (12 − month) / 12`.
pub fn fttm(fy1: f64, fy2: f64, month: u32) -> f64 {
    let w = (12 - month.min(12)) as f64 / 12.0;
    w * fy1 + (1.0 - w) * fy2
}
