//! # rotor-strategy
//!
//! The rotation job end to end: a strategy file ([`config::StrategyConfig`], TOML, every
//! SPEC §18 parameter with its default) → [`load::load`] (store or long price file,
//! with a fingerprint of every file read) → [`pipeline::run_pipeline`] (regime at each
//! signal date, factor families, selection and composite — or any other score —,
//! eligibility, top-N, ETF mapping, daily backtest with costs, equal-weight and market
//! benchmarks) → [`report`] (yearly table of SPEC §5.2, monthly table, summary metrics,
//! factor evaluation by regime, holdings, the ranked recommendation) written to a run
//! folder with the resolved config. [`sweep`] runs parameter grids in parallel on data
//! loaded once.
//!
//! **Timing** (SPEC §0.1): signals at the last trading day t of each month (or week)
//! use data with `available_at ≤ t` only; trades at the close of t + `exec_lag_days`.
//!
//! ```no_run
//! use rotor_strategy::{config::StrategyConfig, load::load, pipeline::run_pipeline};
//! let cfg = StrategyConfig::load(std::path::Path::new("examples/demo/strategy.toml")).unwrap();
//! let data = load(&cfg).unwrap();
//! let out = run_pipeline(&data, &cfg, None);
//! println!("{} rebalances", out.holdings.len());
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod config;
pub mod error;
pub mod load;
pub mod pipeline;
pub mod report;
pub mod sweep;
