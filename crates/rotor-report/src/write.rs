//! Writing a report: `<stem>.html`, `<stem>.xlsx` and `charts/<chart id>.png`, each
//! written to a temporary file in the same folder and renamed into place, so a reader
//! never sees half a file.

use crate::doc::Report;
use crate::png::{chart_png, PngError};
use std::path::{Path, PathBuf};

/// Errors of the writers.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be written.
    #[error("writing {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The workbook could not be built.
    #[error("building the workbook {path}: {msg}")]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// The cause.
        msg: String,
    },
    /// A chart could not be rasterised.
    #[error(transparent)]
    Png(#[from] PngError),
}

/// The files written.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The HTML page.
    pub html: PathBuf,
    /// The workbook.
    pub xlsx: PathBuf,
    /// PNG charts.
    pub png: Vec<PathBuf>,
}

/// Write `bytes` to `path` through a temporary file and a rename.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            ReportError::Io {
                path: path.to_path_buf(),
                source: e,
            }
        })
}

/// Write the HTML page, the workbook and (with `png`) the PNG charts into `dir`.
pub fn write(dir: &Path, stem: &str, r: &Report, png: bool) -> Result<Written, ReportError> {
    std::fs::create_dir_all(dir).map_err(|e| ReportError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let html = dir.join(format!("{stem}.html"));
    atomic_write(&html, crate::html::render(r).as_bytes())?;
    let xlsx = dir.join(format!("{stem}.xlsx"));
    let book = crate::xlsx::workbook(r).map_err(|e| ReportError::Xlsx {
        path: xlsx.clone(),
        msg: e.to_string(),
    })?;
    atomic_write(&xlsx, &book)?;
    let mut pngs = Vec::new();
    if png {
        let cdir = dir.join("charts");
        std::fs::create_dir_all(&cdir).map_err(|e| ReportError::Io {
            path: cdir.clone(),
            source: e,
        })?;
        for c in r.charts().filter(|c| c.png) {
            let p = cdir.join(format!("{}.png", c.id));
            atomic_write(&p, &chart_png(c)?)?;
            pngs.push(p);
        }
    }
    Ok(Written {
        html,
        xlsx,
        png: pngs,
    })
}

/// The reports of a run folder, as `rotor backtest` writes them: `report.html/.xlsx`
/// (the backtest) and, when the run has a regime table, `regime.html/.xlsx`, with their
/// PNG charts. `step` is called after each report (progress).
pub fn write_run_reports(
    a: &rotor_engine::artifacts::RunArtifacts,
    dir: &Path,
    step: &dyn Fn(),
) -> Result<Vec<Written>, ReportError> {
    let mut w = vec![write(dir, "report", &crate::backtest::report(a), true)?];
    step();
    if let Some(f) = a.frame("regime") {
        let rules = a.texts.get("regime_rules").cloned().unwrap_or_default();
        w.push(write(
            dir,
            "regime",
            &crate::regime::report(&a.name, f, &rules),
            true,
        )?);
    }
    step();
    Ok(w)
}
