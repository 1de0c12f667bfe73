//! Excess return in the three conventions of SPEC §0.3 (`excess_mode`).
//!
//! * `Difference` — `R_p − R_b` over the same window (the seeds' tables; SPEC §5.3);
//! * `Ratio` — relative NAV `RN_t = NAV_p,t / NAV_b,t`; window excess `RN_end − 1`
//!   (used for the excess drawdown, [`excess_max_drawdown`]);
//! * `ArithCompound` — `Π(1 + r_p − r_b) − 1` (差额净值, SPEC §9.3).
//!
//! Annualised excess (SPEC §5.4) is the difference of CAGRs.

use super::cagr::{cagr, total_return};
use super::drawdown::{max_drawdown_nav, nav_path, Drawdown};

/// Which excess convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ExcessMode {
    /// `R_p − R_b`.
    #[default]
    Difference,
    /// `NAV_p / NAV_b − 1`.
    Ratio,
    /// `Π(1 + r_p − r_b) − 1`.
    ArithCompound,
}

/// Window excess of `p` over `b` (aligned periods).
pub fn excess(p: &[f64], b: &[f64], mode: ExcessMode) -> f64 {
    match mode {
        ExcessMode::Difference => total_return(p) - total_return(b),
        ExcessMode::Ratio => (1.0 + total_return(p)) / (1.0 + total_return(b)) - 1.0,
        ExcessMode::ArithCompound => {
            p.iter()
                .zip(b)
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .fold(1.0, |a, (x, y)| a * (1.0 + x - y))
                - 1.0
        }
    }
}

/// Annualised excess: `CAGR(p) − CAGR(b)`.
pub fn annualised_excess(p: &[f64], b: &[f64], a: f64) -> f64 {
    cagr(p, a) - cagr(b, a)
}

/// Maximum drawdown of the relative NAV `NAV_p / NAV_b` (超额最大回撤, Ratio mode).
pub fn excess_max_drawdown(p: &[f64], b: &[f64]) -> Drawdown {
    let (np, nb) = (nav_path(p), nav_path(b));
    let rn: Vec<f64> = np.iter().zip(&nb).map(|(x, y)| x / y).collect();
    max_drawdown_nav(&rn)
}
