//! # rotor-risk
//!
//! A Barra-style (CNE5-type) equity risk model: what the stock-level analyses of the
//! second source report stand on — neutralising a stock factor against styles and
//! industries (SPEC §14.2), style factor returns for fund exposures (§14.1), specific
//! returns. Its steps read plain `t × n` panels (row-major, NaN = missing); [`store`] is
//! the one bridge to a rotor store (the stock panels read, the output files written),
//! shared by `rotor risk` and the Python package.
//!
//! Steps, one module each:
//!
//! 1. [`descriptors`] — raw per-stock descriptors over time (size, beta and its residual
//!    volatility, momentum, DASTD, CMRA, turnover), O(1) per stock and day by truncated
//!    exponentially weighted sums;
//!    [`statements`] adds growth and leverage descriptors from quarterly statements
//!    known at each date;
//! 2. [`standardize`] — per date: cap-weighted mean 0, equal-weighted std 1, clip ±3,
//!    again;
//! 3. [`model`] — the styles from the descriptors (combinations and orthogonalisations of
//!    CNE5), then the daily factor returns;
//! 4. [`regression`] — one date's constrained WLS: country + industries + styles, weights
//!    √cap, cap-weighted industry returns summing to zero (or toraniko's two-step,
//!    equal-weight variant, kept for parity);
//! 5. [`covariance`] — EWMA factor covariance.
//!
//! Neutralising a factor against the styles and industries (SPEC §14.2) and robust
//! winsorising are rotor-core's operators ([`rotor_core::ops::resid`],
//! [`rotor_core::ops::cross::winsor_mad`]), used here, not written again.
//!
//! ```
//! use rotor_risk::regression::{fit_cross_section, CrossSection, RegressionConfig};
//! // four stocks in two industries, one style
//! let r = [0.02, 0.01, -0.01, 0.0];
//! let caps = [4.0, 1.0, 1.0, 4.0];
//! let w: Vec<f64> = caps.iter().map(|c: &f64| c.sqrt()).collect();
//! let fit = fit_cross_section(
//!     &CrossSection {
//!         returns: &r, weights: &w, caps: &caps,
//!         industry: &[Some(0), Some(0), Some(1), Some(1)], n_industries: 2,
//!         styles: &[1.0, -1.0, 0.5, -0.5], n_styles: 1,
//!     },
//!     RegressionConfig::default(),
//! );
//! // the industry returns are tied by Σ cap_k f_k = 0 (both industries hold 5 of cap)
//! assert!((fit.factor_returns[1] + fit.factor_returns[2]).abs() < 1e-15);
//! ```
//!
//! **Where to extend.** A new style: a descriptor in [`descriptors`] (a column of
//! `stock_column`, O(1) per day) and its line in `model::date_styles` and the names of
//! [`model::style_exposures`]. A new estimator of factor returns: a [`regression::Method`].
//! Every formula, window and convention is in the doc comment of the code computing it.
#![forbid(unsafe_code)]

pub mod covariance;
pub mod descriptors;
pub mod error;
mod linalg;
pub mod model;
pub mod regression;
pub mod standardize;
pub mod statements;
pub mod store;

pub use error::{Result, RiskError};
