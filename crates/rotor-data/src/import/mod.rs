//! Importers: vendor files → dataset rows → the store.
//!
//! [`plan`] expands a list of [`FileSpec`]s (globs resolved against a data root) into
//! concrete files; [`run`] reads and converts them in parallel and commits everything
//! to the store in one atomic step. If any file fails to parse, nothing is written.

pub mod cells;
pub mod clean;
pub mod codes;
pub mod convert;
pub mod funds;
pub mod layout;
pub mod levels;
pub mod reader;
pub mod spec;
pub mod warning;
pub mod weights;

pub use codes::Aliases;
pub use convert::{convert, convert_with, Converted, RowAccount, Warning, WarningKind};
pub use spec::{FileSpec, Layout, MappingFile, Period, Preset};

use crate::error::{DataError, Result};
use crate::store::{CommitReport, ManifestEntry, Store};
use crate::table::ConflictPolicy;
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

/// Read and convert one file (codes stored canonical per `aliases`): read, layout
/// steps ([`layout`]), convert.
pub fn read_one(f: &PlannedFile, aliases: &Aliases) -> Result<(Converted, ManifestEntry)> {
    let raw = reader::read_file_for(&f.path, &f.spec)?;
    let c = if f.spec.layout == Layout::Blocks {
        let mut parts = Vec::new();
        for b in layout::split_blocks(&raw, &f.spec)? {
            let mut spec = f.spec.clone();
            spec.layout = Layout::Long;
            spec.code = Some(b.code);
            spec.code_from_filename = false;
            parts.push(convert_with(&b.table, &spec, aliases)?);
        }
        Converted::merge(parts, &f.path.display().to_string(), f.spec.dataset)
    } else {
        let raw = layout::apply_header_row(&raw, f.spec.header_row, f.spec.skip_rows)?;
        convert_with(&raw, &f.spec, aliases)?
    };
    let entry = ManifestEntry {
        file: f.path.display().to_string(),
        dataset: f.spec.dataset,
        source: f.spec.source_label(),
        fingerprint: raw.fingerprint.clone(),
        rows: c.table.len(),
    };
    Ok((c, entry))
}

/// Price levels of each incoming file against the other sources of the same codes —
/// the store's and the other files' of this import (see [`levels::cross_source`]).
fn check_sources(
    store: &Store,
    files: &[PlannedFile],
    converted: &mut [(Converted, ManifestEntry)],
) -> Result<()> {
    use crate::schema::Dataset;
    let is_prices = |c: &Converted| c.table.dataset == Dataset::Prices && !c.table.is_empty();
    if !converted.iter().any(|(c, _)| is_prices(c)) {
        return Ok(());
    }
    let mut errors = Vec::new();
    let stored = store.read_columns(
        Dataset::Prices,
        Some(&[
            "code", "date", "source", "close", "amount", "volume", "adj_kind",
        ]),
    )?;
    let index = {
        let mut tables: Vec<&crate::table::Table> = vec![&stored];
        tables.extend(
            converted
                .iter()
                .filter(|(c, _)| is_prices(c))
                .map(|(c, _)| &c.table),
        );
        levels::SourceIndex::build(&tables)
    };
    for k in 0..converted.len() {
        if !is_prices(&converted[k].0) {
            continue;
        }
        let issues = index.check(&converted[k].0.table);
        let (c, _) = &mut converted[k];
        let file = c.account.file.clone();
        if let Err(e) = convert::level_issues_at(
            &files[k].path,
            &files[k].spec,
            &file,
            &issues,
            &mut c.warnings,
        ) {
            errors.push(e);
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(DataError::Files {
            files: files.len(),
            errors,
        }),
    }
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
    /// Where every file's rows went.
    pub accounts: Vec<RowAccount>,
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
    run_with(store, files, policy, &Default::default(), progress)
}

/// [`run`] declaring code aliases (a mapping file's `[aliases]`), recorded in the
/// store with the commit.
pub fn run_with(
    store: &Store,
    files: &[PlannedFile],
    policy: ConflictPolicy,
    declared: &std::collections::BTreeMap<String, String>,
    progress: &(dyn Fn() + Sync),
) -> Result<ImportReport> {
    let mut aliases = store.aliases()?;
    let before = aliases.clone();
    aliases
        .declare(declared)
        .map_err(|message| DataError::Mapping {
            file: PathBuf::from("[aliases]"),
            message,
        })?;
    let parsed: Vec<Result<(Converted, ManifestEntry)>> = files
        .par_iter()
        .map(|f| {
            let r = read_one(f, &aliases);
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
    let mut converted = Vec::with_capacity(parsed.len());
    let mut errors = Vec::new();
    for p in parsed {
        match p {
            Ok(c) => converted.push(c),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => {}
        1 => return Err(errors.remove(0)),
        _ => {
            return Err(DataError::Files {
                files: files.len(),
                errors,
            })
        }
    }
    check_sources(store, files, &mut converted)?;
    for (c, e) in converted {
        report.rows += c.table.len();
        report.warnings.extend(c.warnings);
        report.accounts.push(c.account);
        tables.push(c.table);
        entries.push(e);
    }
    let new_aliases = (aliases != before).then_some(&aliases);
    report.commit = store.commit_with(tables, entries, policy, new_aliases)?;
    Ok(report)
}
