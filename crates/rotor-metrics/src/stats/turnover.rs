//! Two-sided turnover of a rebalance: `TO = Σ_i |w_i,new − w_i,old|` where `w_old` are
//! the drifted weights just before the trade. A full switch of a fully invested
//! portfolio is 2; no trade is 0. Average turnover = mean over rebalances.

/// Two-sided turnover between two weight vectors (same asset order; NaN = 0).
pub fn turnover(old: &[f64], new: &[f64]) -> f64 {
    let z = |x: f64| if x.is_finite() { x } else { 0.0 };
    old.iter()
        .zip(new)
        .map(|(a, b)| (z(*b) - z(*a)).abs())
        .sum()
}
