//! Tracking error: `TE = std(r_p − r_b, ddof = 1) · √A` over periods where both exist.

/// Annualised tracking error.
pub fn tracking_error(p: &[f64], b: &[f64], a: f64) -> f64 {
    let d: Vec<f64> = p.iter().zip(b).map(|(x, y)| x - y).collect();
    super::volatility::volatility(&d, a)
}
