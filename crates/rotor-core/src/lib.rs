//! # rotor-core
//!
//! The numerical heart of rotor: dense date × asset panels ([`Panel`]) on which the
//! cross-sectional and time-series kernels operate. Kernels take plain panels and never
//! read files, so they can be tested on hand-made inputs and reused by every strategy.
//!
//! * [`panel`] — the labelled dense matrix, long ↔ wide, reindexing, resampling to
//!   month-ends / week-ends (last valid value);
//! * [`ops`] — cross-sectional and time-series operators, residualisation, aggregation;
//! * [`dates`] — calendar arithmetic (month shifts, month ends, month keys);
//! * [`calendar`] — the trading calendar (trading days, month / week ends);
//! * [`series`] — dated series (windows cut by date);
//! * [`frame`] — typed column tables, the one CSV / JSON writer of run tables.
//!
//! ```
//! use rotor_core::Panel;
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//! let p = Panel::from_long(vec![
//!     (d("2024-01-31"), "000300.SH", 3400.0),
//!     (d("2024-01-31"), "000905.SH", 5100.0),
//!     (d("2024-02-29"), "000300.SH", 3500.0),
//! ]).unwrap();
//! assert_eq!(p.n_assets(), 2);
//! assert!(p.get(1, 1).is_nan()); // missing is NaN, never zero
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod calendar;
pub mod date_serde;
pub mod dates;
pub mod frame;
pub mod linalg;
pub mod ops;
pub mod panel;
pub mod series;

pub use panel::{Panel, PanelError};
