//! Compound annual growth rate (SPEC §0.3; empyrical `annual_return`).
//!
//! `CAGR = (Π(1 + r_i))^(A / N) − 1` over the `N` finite returns, `A` periods per year
//! (252 daily, 52 weekly, 12 monthly). `NaN` for an empty series; a total loss (NAV ≤ 0)
//! gives −1.

/// CAGR of simple returns `r` with `a` periods per year.
pub fn cagr(r: &[f64], a: f64) -> f64 {
    let v: Vec<f64> = r.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    let nav = total_return(&v) + 1.0;
    if nav <= 0.0 {
        return -1.0;
    }
    nav.powf(a / v.len() as f64) - 1.0
}

/// `Π(1 + r_i) − 1` over the finite returns (empyrical `cum_returns_final`).
pub fn total_return(r: &[f64]) -> f64 {
    r.iter()
        .filter(|x| x.is_finite())
        .fold(1.0, |acc, x| acc * (1.0 + x))
        - 1.0
}
