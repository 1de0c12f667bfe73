//! `rotor.Store`: the Parquet store — datasets, filtered price reads, point-in-time
//! reads, imports and the quality check.

use crate::convert::{date, ipc};
use crate::err;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rotor_data::schema::Dataset;
use rotor_data::table::{date_to_days, Table};
use std::path::PathBuf;

/// A store folder.
#[pyclass(module = "rotor._rotor", frozen)]
pub struct Store {
    inner: rotor_data::store::Store,
    root: PathBuf,
}

fn parse_dataset(name: &str) -> PyResult<Dataset> {
    Dataset::ALL
        .iter()
        .copied()
        .find(|d| d.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Dataset::ALL.iter().map(|d| d.name()).collect();
            err(format!(
                "unknown dataset {name:?} (one of: {})",
                names.join(", ")
            ))
        })
}

/// The column whose date says when a row became known: the release / announcement
/// date where the dataset has one, else the row's date.
fn known_at(ds: Dataset) -> Option<&'static str> {
    let cols: Vec<&str> = ds.columns().iter().map(|c| c.name).collect();
    ["available_at", "ann_date", "announced", "date", "start"]
        .into_iter()
        .find(|c| cols.contains(c))
}

fn filter_known(t: &Table, ds: Dataset, at: chrono::NaiveDate) -> PyResult<Table> {
    let Some(col) = known_at(ds) else {
        return Err(err(format!(
            "dataset {} has no date column to read as of a date",
            ds.name()
        )));
    };
    let day = date_to_days(at);
    let v = t.date_col(col);
    Ok(t.filter(|i| v[i].is_some_and(|d| d <= day)))
}

#[pymethods]
impl Store {
    /// Open (or create) the store at `path`.
    #[new]
    fn new(path: PathBuf) -> PyResult<Self> {
        let inner = rotor_data::store::Store::open(&path).map_err(err)?;
        Ok(Store { inner, root: path })
    }

    /// The store folder.
    #[getter]
    fn path(&self) -> String {
        self.root.display().to_string()
    }

    /// The Parquet file holding `dataset` now (the store's current generation).
    fn dataset_path(&self, dataset: &str) -> PyResult<String> {
        Ok(self
            .inner
            .path(parse_dataset(dataset)?)
            .display()
            .to_string())
    }

    /// Names of the datasets present.
    fn datasets(&self) -> Vec<String> {
        Dataset::ALL
            .iter()
            .filter(|d| self.inner.has(**d))
            .map(|d| d.name().to_string())
            .collect()
    }

    /// A whole dataset (optionally some columns) as an Arrow IPC stream.
    #[pyo3(signature = (dataset, columns=None))]
    fn read<'py>(
        &self,
        py: Python<'py>,
        dataset: &str,
        columns: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ds = parse_dataset(dataset)?;
        let t = py.detach(|| {
            let only: Option<Vec<&str>> = columns
                .as_ref()
                .map(|c| c.iter().map(String::as_str).collect());
            self.inner.read_columns(ds, only.as_deref())
        });
        let t = t.map_err(err)?;
        let b = rotor_data::parquet_io::table_batch(&t).map_err(err)?;
        ipc(py, &b)
    }

    /// Rows of `dataset` known at the end of `date` (release / announcement date, else
    /// the row's date, on or before it).
    fn read_as_of<'py>(
        &self,
        py: Python<'py>,
        dataset: &str,
        at: &str,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ds = parse_dataset(dataset)?;
        let at = date(at, "as_of")?;
        let t = py.detach(|| self.inner.read(ds)).map_err(err)?;
        let t = filter_known(&t, ds, at)?;
        let b = rotor_data::parquet_io::table_batch(&t).map_err(err)?;
        ipc(py, &b)
    }

    /// Daily bars of `codes` (all when None) between `start` and `end` (inclusive).
    #[pyo3(signature = (codes=None, start=None, end=None))]
    fn prices<'py>(
        &self,
        py: Python<'py>,
        codes: Option<Vec<String>>,
        start: Option<&str>,
        end: Option<&str>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let lo = start
            .map(|s| date(s, "start"))
            .transpose()?
            .map(date_to_days);
        let hi = end.map(|s| date(s, "end")).transpose()?.map(date_to_days);
        let t = py
            .detach(|| self.inner.read(Dataset::Prices))
            .map_err(err)?;
        let want: Option<std::collections::HashSet<&str>> = codes
            .as_ref()
            .map(|c| c.iter().map(String::as_str).collect());
        let (dates, code_col) = (t.date_col("date"), t.str_col("code"));
        let t = t.filter(|i| {
            let d = dates[i];
            want.as_ref()
                .is_none_or(|w| code_col[i].as_deref().is_some_and(|c| w.contains(c)))
                && lo.is_none_or(|l| d.is_some_and(|d| d >= l))
                && hi.is_none_or(|h| d.is_some_and(|d| d <= h))
        });
        let b = rotor_data::parquet_io::table_batch(&t).map_err(err)?;
        ipc(py, &b)
    }

    /// A dates × codes panel of `field` (`close`, `tr_close`, `pe_ttm` …) from a dated
    /// dataset, one source per code by the engine's rule (`sources` first when given):
    /// (days since 1970-01-01, codes, row-major little-endian float64 bytes, NaN = none).
    #[pyo3(signature = (field="close", codes=None, dataset="prices", sources=None))]
    fn panel<'py>(
        &self,
        py: Python<'py>,
        field: &str,
        codes: Option<Vec<String>>,
        dataset: &str,
        sources: Option<Vec<String>>,
    ) -> PyResult<(Vec<i64>, Vec<String>, Bound<'py, PyBytes>)> {
        let ds = parse_dataset(dataset)?;
        let pref = sources.unwrap_or_default();
        let p = py
            .detach(|| {
                rotor_data::panel::read_panel(&self.inner, ds, field, codes.as_deref(), &pref)
            })
            .map_err(err)?;
        let days: Vec<i64> = p
            .dates
            .iter()
            .map(|d| i64::from(date_to_days(*d)))
            .collect();
        let bytes = PyBytes::new_with(py, p.values.len() * 8, |buf| {
            for (dst, x) in buf.chunks_exact_mut(8).zip(&p.values) {
                dst.copy_from_slice(&x.to_le_bytes());
            }
            Ok(())
        })?;
        Ok((days, p.assets, bytes))
    }

    /// Import files: `specs_json` is a JSON list of file specs (the keys of a mapping
    /// file's `[[import]]` entries: path, dataset, preset, …) or None with `mapping`, a
    /// mapping TOML file. Returns the import report as JSON (rows read, kept, dropped
    /// and why, per file).
    #[pyo3(signature = (specs_json=None, mapping=None, root=None, on_conflict="keep", progress=true))]
    fn import_files(
        &self,
        py: Python<'_>,
        specs_json: Option<&str>,
        mapping: Option<PathBuf>,
        root: Option<PathBuf>,
        on_conflict: &str,
        progress: bool,
    ) -> PyResult<String> {
        use rotor_data::import;
        let policy: rotor_data::table::ConflictPolicy = serde_json::from_value(
            serde_json::Value::String(on_conflict.into()),
        )
        .map_err(|_| {
            err(format!(
                "on_conflict {on_conflict:?}: one of keep, replace, error"
            ))
        })?;
        let (specs, base, aliases) = match (specs_json, mapping) {
            (Some(j), None) => {
                let specs: Vec<import::FileSpec> =
                    serde_json::from_str(j).map_err(|e| err(format!("file specs: {e}")))?;
                (
                    specs,
                    root.unwrap_or_else(|| PathBuf::from(".")),
                    Default::default(),
                )
            }
            (None, Some(m)) => {
                let mf = import::load_mapping(&m).map_err(err)?;
                let base = m.parent().map(|p| p.to_path_buf()).unwrap_or_default();
                let r = root
                    .or_else(|| mf.root.as_ref().map(|r| base.join(r)))
                    .unwrap_or(base);
                (mf.imports, r, mf.aliases)
            }
            _ => return Err(err("give either file specs or a mapping file")),
        };
        let rep = py.detach(|| {
            let files = import::plan(&specs, &base)?;
            let pb = crate::runs::bar(progress, files.len() as u64, "importing");
            let r = import::run_with(&self.inner, &files, policy, &aliases, &|| pb.inc(1));
            pb.finish_and_clear();
            r
        });
        let rep = rep.map_err(|e| {
            err(format!(
                "{e}\n(mapping keys, presets and checks: docs/mapping.md)"
            ))
        })?;
        serde_json::to_string(&rep).map_err(err)
    }

    /// The data-quality report (`rotor data check`) as JSON.
    #[pyo3(signature = (calendar="000300.SH"))]
    fn check(&self, py: Python<'_>, calendar: &str) -> PyResult<String> {
        let rep = py.detach(|| {
            let cal = rotor_data::panel::calendar_from_store(&self.inner, calendar).ok();
            rotor_data::check::check(&self.inner, cal.as_ref().map(|c| (calendar, c)))
        });
        serde_json::to_string(&rep.map_err(err)?).map_err(err)
    }
}
