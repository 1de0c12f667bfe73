//! Calmar ratio (empyrical `calmar_ratio`): `CAGR / MDD`; `NaN` without a drawdown.

/// `CAGR / MDD` with `a` periods per year.
pub fn calmar(r: &[f64], a: f64) -> f64 {
    let dd = super::drawdown::max_drawdown(r).depth;
    if dd > 0.0 {
        super::cagr::cagr(r, a) / dd
    } else {
        f64::NAN
    }
}
