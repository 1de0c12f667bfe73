//! # rotor-metrics
//!
//! Performance statistics of return series (SPEC §0.3, §5), one per file under
//! [`stats`], each with its formula and annualisation in the doc comment:
//! CAGR, volatility, Sharpe (SPEC `CAGR/vol` and empyrical `mean/std·√A`), Sortino,
//! maximum drawdown with dates, Calmar, excess in the three conventions, excess max
//! drawdown on the relative NAV, tracking error, information ratio, win rate, turnover,
//! the yearly table of SPEC §5.2 and a monthly return matrix.
//!
//! Conventions: simple returns, `NAV = Π(1 + r)`, `A` = 252 (daily), 52 (weekly), 12
//! (monthly), rf = 0, `std` with ddof = 1. Where empyrical-reloaded 0.7 defines the same
//! statistic (annual return, volatility, Sharpe, Sortino, max drawdown, Calmar) the
//! values agree to 1e-9 (tests/empyrical_parity.rs, fixtures from
//! `tools/parity/gen_fixtures.py`). empyrical reports max drawdown as a negative number;
//! rotor as a positive depth.
//!
//! ```
//! use rotor_metrics::stats::{cagr::cagr, drawdown::max_drawdown};
//! let r = [0.10, -0.20, 0.05];
//! assert!((cagr(&r, 3.0) - (1.1f64 * 0.8 * 1.05 - 1.0)).abs() < 1e-12); // 3 periods = 1 year
//! let dd = max_drawdown(&r);
//! assert!((dd.depth - 0.20).abs() < 1e-12);
//! assert_eq!((dd.peak, dd.trough, dd.recovery), (0, 1, None));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod stats;

/// Periods per year for a sampling frequency name (`daily` 252, `weekly` 52,
/// `monthly` 12, `quarterly` 4, `yearly` 1).
pub fn periods_per_year(freq: &str) -> Option<f64> {
    Some(match freq {
        "daily" | "d" => 252.0,
        "weekly" | "w" => 52.0,
        "monthly" | "m" => 12.0,
        "quarterly" | "q" => 4.0,
        "yearly" | "y" => 1.0,
        _ => return None,
    })
}
