//! Importers: vendor files → dataset rows → the store.
//!
//! [`plan`] expands a list of [`FileSpec`]s (globs resolved against a data root) into
//! concrete files; [`run`] reads and converts them in parallel and commits everything
//! to the store in one atomic step. If any file fails to parse, nothing is written.

pub mod cells;
pub mod convert;
pub mod reader;
pub mod spec;

pub use convert::{convert, Warning, WarningKind};
pub use spec::{FileSpec, Layout, MappingFile, Period, Preset};

use crate::error::{DataError, Result};
use crate::store::{CommitReport, ManifestEntry, Store};
use crate::table::{ConflictPolicy, Table};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One concrete file to import with its spec.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Resolved path.
    pub path: PathBuf,
    /// The spec it matched.
    pub spec: FileSpec,
}

/// Resolve specs to files. Relative paths are taken against `root`; globs must match at
/// least one file (a mapping naming nothing is an error, not a silent no-op).
pub fn plan(specs: &[FileSpec], root: &Path) -> Result<Vec<PlannedFile>> {
    let mut out = Vec::new();
    for s in specs {
        let p = Path::new(&s.path);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        };
        let pattern = full.to_string_lossy().to_string();
        if pattern.contains(['*', '?', '[']) {
            let mut hits: Vec<PathBuf> = glob::glob(&pattern)
                .map_err(|e| DataError::Mapping {
                    file: full.clone(),
                    message: format!("bad glob: {e}"),
                })?
                .filter_map(|r| r.ok())
                .filter(|p| p.is_file())
                .collect();
            hits.sort();
            if hits.is_empty() {
                return Err(DataError::Mapping {
                    file: full,
                    message: "the pattern matches no file".into(),
                });
            }
            out.extend(hits.into_iter().map(|path| PlannedFile {
                path,
                spec: s.clone(),
            }));
        } else {
            if !full.is_file() {
                return Err(DataError::io(
                    &full,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
                ));
            }
            out.push(PlannedFile {
                path: full,
                spec: s.clone(),
            });
        }
    }
    Ok(out)
}

/// Read a mapping file.
pub fn load_mapping(path: &Path) -> Result<MappingFile> {
    let text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
    toml::from_str(&text).map_err(|e| DataError::Mapping {
        file: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Read and convert one file.
pub fn read_one(f: &PlannedFile) -> Result<(Table, Vec<Warning>, ManifestEntry)> {
    let raw = reader::read_file(&f.path, f.spec.sheet.as_deref())?;
    let (table, warnings) = convert(&raw, &f.spec)?;
    let entry = ManifestEntry {
        file: f.path.display().to_string(),
        dataset: f.spec.dataset,
        source: f.spec.source_label(),
        fingerprint: raw.fingerprint.clone(),
        rows: table.len(),
    };
    Ok((table, warnings, entry))
}

/// Outcome of an import run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Files imported.
    pub files: usize,
    /// Rows parsed.
    pub rows: usize,
    /// Data-quality warnings.
    pub warnings: Vec<Warning>,
    /// Merge outcome per dataset.
    pub commit: CommitReport,
}

/// Import planned files into the store: parse all (in parallel), then one atomic commit.
/// `progress` is called once per parsed file.
pub fn run(
    store: &Store,
    files: &[PlannedFile],
    policy: ConflictPolicy,
    progress: &(dyn Fn() + Sync),
) -> Result<ImportReport> {
    let parsed: Vec<Result<(Table, Vec<Warning>, ManifestEntry)>> = files
        .par_iter()
        .map(|f| {
            let r = read_one(f);
            progress();
            r
        })
        .collect();
    let mut report = ImportReport {
        files: files.len(),
        ..Default::default()
    };
    let mut tables = Vec::with_capacity(parsed.len());
    let mut entries = Vec::with_capacity(parsed.len());
    for p in parsed {
        let (t, w, e) = p?;
        report.rows += t.len();
        report.warnings.extend(w);
        tables.push(t);
        entries.push(e);
    }
    report.commit = store.commit(tables, entries, policy)?;
    Ok(report)
}
