//! The on-disk store: one folder per dataset holding `data.parquet` (sorted by key), plus
//! `manifest.json` listing every imported file with its fingerprint.
//!
//! ```text
//! store/
//!   manifest.json
//!   prices/data.parquet      <- pandas.read_parquet("store/prices") works
//!   macro/data.parquet
//!   ...
//! ```
//!
//! **Atomicity.** An import merges every touched dataset in memory, writes each result
//! to `data.parquet.tmp` beside the target, and only when all were written renames them
//! into place (a rename within one folder is atomic on POSIX). A parse error, a conflict
//! under `--on-conflict error`, or a crash before the renames leaves the store unchanged.
//!
//! **Idempotence.** Rows are merged by the dataset key ([`crate::schema`]); re-importing
//! a file adds nothing and rewrites nothing.

use crate::error::{DataError, Result};
use crate::parquet_io::{read_table, write_table};
use crate::schema::Dataset;
use crate::table::{Conflict, ConflictPolicy, MergeStats, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// FNV-1a 64-bit hash of bytes, as 16 hex digits: a cheap, dependency-free
/// fingerprint of input files (not cryptographic).
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// One imported file as recorded in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestEntry {
    /// File path as given.
    pub file: String,
    /// Dataset it went to.
    pub dataset: Dataset,
    /// Source label.
    pub source: String,
    /// FNV-1a fingerprint of the file bytes.
    pub fingerprint: String,
    /// Rows parsed.
    pub rows: usize,
}

/// The store manifest.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Imported files keyed by path then dataset (sorted, deterministic).
    pub files: BTreeMap<String, Vec<ManifestEntry>>,
}

/// Per-dataset outcome of [`Store::commit`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommitReport {
    /// Merge counts per dataset.
    pub stats: BTreeMap<Dataset, MergeStats>,
    /// Conflicts per dataset (all of them; the CLI prints the first few).
    pub conflicts: BTreeMap<Dataset, Vec<Conflict>>,
}

/// A store rooted at a folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Open (and create if needed) a store at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(|e| DataError::io(&root, e))?;
        Ok(Store { root })
    }

    /// Root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Path of a dataset's Parquet file.
    pub fn path(&self, dataset: Dataset) -> PathBuf {
        self.root.join(dataset.name()).join("data.parquet")
    }

    /// Does the dataset hold any file?
    pub fn has(&self, dataset: Dataset) -> bool {
        self.path(dataset).exists()
    }

    /// Read a whole dataset (empty table when absent).
    pub fn read(&self, dataset: Dataset) -> Result<Table> {
        self.read_columns(dataset, None)
    }

    /// Read selected columns of a dataset (others are NaN/null).
    pub fn read_columns(&self, dataset: Dataset, only: Option<&[&str]>) -> Result<Table> {
        let p = self.path(dataset);
        if !p.exists() {
            return Ok(Table::new(dataset));
        }
        read_table(dataset, &p, only)
    }

    /// The manifest (empty when absent).
    pub fn manifest(&self) -> Result<Manifest> {
        let p = self.root.join("manifest.json");
        if !p.exists() {
            return Ok(Manifest::default());
        }
        let s = fs::read_to_string(&p).map_err(|e| DataError::io(&p, e))?;
        serde_json::from_str(&s).map_err(|e| DataError::Layout {
            file: p,
            message: format!("corrupt manifest: {e}"),
        })
    }

    /// Merge `incoming` tables into the store and record `entries` in the manifest,
    /// atomically (see the module docs).
    pub fn commit(
        &self,
        incoming: Vec<Table>,
        entries: Vec<ManifestEntry>,
        policy: ConflictPolicy,
    ) -> Result<CommitReport> {
        let mut rows: BTreeMap<Dataset, usize> = BTreeMap::new();
        for t in &incoming {
            *rows.entry(t.dataset).or_default() += t.len();
        }
        let mut by_ds: BTreeMap<Dataset, Table> = BTreeMap::new();
        for t in incoming {
            by_ds
                .entry(t.dataset)
                .or_insert_with(|| {
                    let mut all = Table::new(t.dataset);
                    all.reserve(rows[&t.dataset]); // one allocation per column
                    all
                })
                .append(t);
        }
        let mut report = CommitReport::default();
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let cleanup = |staged: &[(PathBuf, PathBuf)]| {
            for (tmp, _) in staged {
                let _ = fs::remove_file(tmp);
            }
        };
        for (ds, new) in by_ds {
            let ds = &ds;
            let old = self.read(*ds)?;
            let (merged, stats, conflicts) = old.merge(new, policy);
            let Some(merged) = merged else {
                cleanup(&staged);
                return Err(DataError::Conflicts {
                    dataset: ds.name().into(),
                    count: conflicts.len(),
                    first: conflicts
                        .first()
                        .map(|c| {
                            format!(
                                "{} `{}`: stored {} vs incoming {}",
                                c.key, c.column, c.stored, c.incoming
                            )
                        })
                        .unwrap_or_default(),
                });
            };
            let changed = stats.added > 0 || stats.replaced > 0 || stats.filled > 0;
            report.stats.insert(*ds, stats);
            if !conflicts.is_empty() {
                report.conflicts.insert(*ds, conflicts);
            }
            if !changed {
                continue;
            }
            let target = self.path(*ds);
            let dir = target.parent().expect("dataset folder");
            if let Err(e) = fs::create_dir_all(dir) {
                cleanup(&staged);
                return Err(DataError::io(dir, e));
            }
            let tmp = dir.join("data.parquet.tmp");
            let res = fs::File::create(&tmp)
                .map_err(|e| DataError::io(&tmp, e))
                .and_then(|f| write_table(&merged, BufWriter::new(f), &tmp));
            if let Err(e) = res {
                let _ = fs::remove_file(&tmp);
                cleanup(&staged);
                return Err(e);
            }
            staged.push((tmp, target));
        }
        // manifest
        let mut manifest = self.manifest()?;
        for e in entries {
            let v = manifest.files.entry(e.file.clone()).or_default();
            v.retain(|x| x.dataset != e.dataset);
            v.push(e);
            v.sort_by_key(|x| x.dataset);
        }
        let mpath = self.root.join("manifest.json");
        let mtmp = self.root.join("manifest.json.tmp");
        let json = serde_json::to_string_pretty(&manifest).expect("manifest serialises");
        if let Err(e) = fs::write(&mtmp, json) {
            cleanup(&staged);
            return Err(DataError::io(&mtmp, e));
        }
        staged.push((mtmp, mpath));
        for (tmp, target) in &staged {
            fs::rename(tmp, target).map_err(|e| DataError::io(target, e))?;
        }
        Ok(report)
    }

    /// Replace a dataset wholesale (used by the simulator), atomically.
    pub fn write(&self, table: &Table) -> Result<()> {
        let target = self.path(table.dataset);
        let dir = target.parent().expect("dataset folder");
        fs::create_dir_all(dir).map_err(|e| DataError::io(dir, e))?;
        let tmp = dir.join("data.parquet.tmp");
        let f = fs::File::create(&tmp).map_err(|e| DataError::io(&tmp, e))?;
        if let Err(e) = write_table(&table.sorted(), BufWriter::new(f), &tmp) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        fs::rename(&tmp, &target).map_err(|e| DataError::io(&target, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn yield_table(v: f64) -> Table {
        let mut t = Table::new(Dataset::Macro);
        let d = |s: &str| Value::Date(Some(s.parse().unwrap()));
        t.push_row(vec![
            Value::Str(Some("cn.y10".into())),
            d("2020-01-02"),
            d("2020-01-02"),
            Value::Str(Some("x".into())),
            Value::F64(v),
            Value::Str(Some("same_day".into())),
        ]);
        t
    }

    #[test]
    fn commit_is_idempotent_and_error_policy_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let r = s
            .commit(vec![yield_table(3.1)], vec![], ConflictPolicy::Keep)
            .unwrap();
        assert_eq!(r.stats[&Dataset::Macro].added, 1);
        let bytes = fs::read(s.path(Dataset::Macro)).unwrap();
        let r = s
            .commit(vec![yield_table(3.1)], vec![], ConflictPolicy::Keep)
            .unwrap();
        assert_eq!(r.stats[&Dataset::Macro].unchanged, 1);
        assert_eq!(fs::read(s.path(Dataset::Macro)).unwrap(), bytes);
        let e = s
            .commit(vec![yield_table(3.2)], vec![], ConflictPolicy::Error)
            .unwrap_err();
        assert!(e.to_string().contains("conflicting"), "{e}");
        assert_eq!(fs::read(s.path(Dataset::Macro)).unwrap(), bytes);
        assert!(!s
            .path(Dataset::Macro)
            .with_extension("parquet.tmp")
            .exists());
        let t = s.read(Dataset::Macro).unwrap();
        assert_eq!(t.f64_col("value"), &[3.1]);
    }

    #[test]
    fn fingerprint_is_stable() {
        assert_eq!(fingerprint(b""), "cbf29ce484222325");
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
    }
}
