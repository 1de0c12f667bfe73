//! Win rate against a benchmark: share of periods with `r_p > r_b` (ties lose), over
//! periods where both exist.

/// `#{r_p > r_b} / N`.
pub fn win_rate(p: &[f64], b: &[f64]) -> f64 {
    let pairs: Vec<(f64, f64)> = p
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| (*x, *y))
        .collect();
    pairs.iter().filter(|(x, y)| x > y).count() as f64 / pairs.len() as f64
}
