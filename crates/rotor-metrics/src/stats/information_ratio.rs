//! Information ratio (SPEC §0.3): `IR = mean(r_p − r_b) / std(r_p − r_b, ddof = 1) · √A`
//! (equals empyrical `excess_sharpe · √A`).

/// Annualised information ratio.
pub fn information_ratio(p: &[f64], b: &[f64], a: f64) -> f64 {
    let d: Vec<f64> = p
        .iter()
        .zip(b)
        .map(|(x, y)| x - y)
        .filter(|x| x.is_finite())
        .collect();
    let m = d.iter().sum::<f64>() / d.len() as f64;
    m / super::volatility::std(&d) * a.sqrt()
}
