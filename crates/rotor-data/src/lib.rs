//! # rotor-data
//!
//! The data layer of rotor: typed [schemas](schema) for ten datasets, vendor
//! [importers](import) (Tushare, AKShare, Wind, csindex, lixinger, baostock, or any CSV /
//! XLSX / Parquet through a TOML mapping), the point-in-time Parquet [store](store),
//! the data-derived trading [calendar](calendar), [point-in-time](pit) access, and the
//! [`check`] report on data quality.
//!
//! Everything a signal reads goes through [`pit::as_of`]: each stored row carries the
//! date it became known (`available_at`), and `as_of(t)` returns only rows known at `t`.
//!
//! ```
//! use rotor_data::{import, pit, schema::Dataset, store::Store, table::ConflictPolicy};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let csv = dir.path().join("money_supply.csv");
//! std::fs::write(&csv, "date,m2_yoy\n2024-01-01,8.7\n2024-02-01,8.7\n")?;
//!
//! let mut spec = import::FileSpec::new(csv.display().to_string(), Dataset::Macro);
//! spec.series.insert("m2_yoy".into(), "cn.m2_yoy".into());
//! let store = Store::open(dir.path().join("store"))?;
//! let files = import::plan(&[spec], dir.path())?;
//! import::run(&store, &files, ConflictPolicy::Keep, &|| {})?;
//!
//! // January's M2 is published in February: by SPEC §0.6's fallback it is known from
//! // the last weekday of February, not at the end of January.
//! let m = store.read(Dataset::Macro)?;
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//! assert!(pit::as_of(&m, d("2024-01-31")).is_empty());
//! assert_eq!(pit::as_of(&m, d("2024-02-29")).len(), 1);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod check;
pub mod error;
pub mod import;
pub mod longfile;
pub mod panel;
pub mod parquet_io;
pub mod pit;
pub mod returns;
pub mod schema;
pub mod store;
pub mod table;
pub mod universe;
pub mod view;

pub use error::{DataError, Result};
/// The trading calendar lives in `rotor-core` (no I/O); re-exported here where the store
/// derives it from a reference series.
pub use rotor_core::calendar;
