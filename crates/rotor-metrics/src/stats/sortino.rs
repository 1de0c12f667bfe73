//! Sortino ratio (empyrical `sortino_ratio`, required return 0).
//!
//! `downside = √(mean(min(r, 0)²)) · √A` (the mean runs over **all** N returns, not only
//! the negative ones), `sortino = mean(r) · A / downside`.

/// Annualised downside deviation (empyrical `downside_risk`).
pub fn downside_risk(r: &[f64], a: f64) -> f64 {
    let v: Vec<f64> = r.iter().copied().filter(|x| x.is_finite()).collect();
    let ms = v.iter().map(|x| x.min(0.0).powi(2)).sum::<f64>() / v.len() as f64;
    ms.sqrt() * a.sqrt()
}

/// Sortino ratio with `a` periods per year.
pub fn sortino(r: &[f64], a: f64) -> f64 {
    let v: Vec<f64> = r.iter().copied().filter(|x| x.is_finite()).collect();
    let m = v.iter().sum::<f64>() / v.len() as f64;
    m * a / downside_risk(&v, a)
}
