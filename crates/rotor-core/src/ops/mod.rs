//! Kernels on plain slices and panels. Every function's doc comment states its formula,
//! its missing-value rule and its edge cases (empty or constant inputs give documented
//! `NaN`, never a silent zero or a panic).
//!
//! * [`cross`] — one date across assets: ranks, `winsor_mad`, `cs_z`, `cs_rank_pct`,
//!   Pearson / Spearman;
//! * [`series`] — one asset across dates: `ts_z`, `ts_pct`, rolling sum / mean / std,
//!   changes, YoY / QoQ;
//! * [`resid`] — cross-sectional OLS residualisation on exposures and industry dummies;
//! * [`aggregate`] — constituent → index aggregation with coverage and same-sample rules.
//!
//! [`Panel`](crate::Panel) helpers apply them per row or per column:
//!
//! ```
//! use rotor_core::{ops, Panel};
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//! let mut p = Panel::from_long(vec![
//!     (d("2024-01-31"), "A", 1.0), (d("2024-01-31"), "B", 2.0), (d("2024-01-31"), "C", 4.0),
//! ]).unwrap();
//! p.map_rows(|row| ops::cross::standardize(row, 3.0));
//! let s: f64 = p.values.iter().sum();
//! assert!(s.abs() < 1e-12); // z-scores sum to zero
//! ```

pub mod aggregate;
pub mod cross;
pub mod resid;
pub mod series;
