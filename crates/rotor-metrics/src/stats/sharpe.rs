//! Sharpe ratio, in the two conventions users meet (rf = 0).
//!
//! * [`sharpe`] — SPEC §0.3 and the seed reports: `CAGR / vol` (geometric; the
//!   convention of oonauzz `IRM_group_by_3.py::evaluate`);
//! * [`sharpe_arith`] — empyrical `sharpe_ratio`: `mean(r) / std(r, ddof = 1) · √A`.
//!
//! They differ by roughly `σ²/2` in the numerator; reports say which one they show.

use super::{cagr::cagr, volatility::volatility};

/// `CAGR / vol` (SPEC).
pub fn sharpe(r: &[f64], a: f64) -> f64 {
    cagr(r, a) / volatility(r, a)
}

/// `mean / std · √A` (empyrical).
pub fn sharpe_arith(r: &[f64], a: f64) -> f64 {
    let v: Vec<f64> = r.iter().copied().filter(|x| x.is_finite()).collect();
    let m = v.iter().sum::<f64>() / v.len() as f64;
    m / super::volatility::std(&v) * a.sqrt()
}
