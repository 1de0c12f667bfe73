//! Annualised volatility (SPEC §0.3; empyrical `annual_volatility`).
//!
//! `vol = std(r, ddof = 1) · √A` over the finite returns; `NaN` with fewer than 2.

/// Sample standard deviation (ddof = 1) of the finite values.
pub fn std(r: &[f64]) -> f64 {
    let v: Vec<f64> = r.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 2 {
        return f64::NAN;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
}

/// Annualised volatility with `a` periods per year.
pub fn volatility(r: &[f64], a: f64) -> f64 {
    std(r) * a.sqrt()
}
