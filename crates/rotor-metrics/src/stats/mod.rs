//! One statistic per file; each doc comment gives the formula and annualisation.

pub mod cagr;
pub mod calmar;
pub mod drawdown;
pub mod excess;
pub mod information_ratio;
pub mod sharpe;
pub mod sortino;
pub mod tracking_error;
pub mod turnover;
pub mod volatility;
pub mod win_rate;
pub mod yearly;
