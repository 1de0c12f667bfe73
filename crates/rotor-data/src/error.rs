//! Errors of the data layer. Every parse error names the file, the 1-based row (as a
//! spreadsheet user counts it, header = row 1), the column and the expected form.

use std::path::PathBuf;

/// Result alias of the data layer.
pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// Errors of importing, storing and reading data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// Another process is writing the store and waiting was not asked for.
    #[error("store {} is being written by {holder}; try again when it has finished (or wait for it)", store.display())]
    Locked {
        /// Store root.
        store: PathBuf,
        /// Who holds the lock.
        holder: String,
    },
    /// A cell could not be parsed.
    #[error(
        "{file}: row {row}, column `{column}`{}: expected {expected}, found `{found}`",
        cell_ref(.cell)
    )]
    Cell {
        /// Input file.
        file: PathBuf,
        /// 1-based row number (header row = 1).
        row: usize,
        /// Column header.
        column: String,
        /// The spreadsheet cell (`Sheet1!F17`) for XLSX input.
        cell: Option<Box<str>>,
        /// What was expected.
        expected: String,
        /// What was found (truncated).
        found: String,
    },
    /// The file's layout does not fit the mapping (missing column, empty file, …).
    #[error("{file}: {message}")]
    Layout {
        /// Input file.
        file: PathBuf,
        /// What is wrong, including what was expected.
        message: String,
    },
    /// A mapping / configuration file is invalid.
    #[error("{file}: {message}")]
    Mapping {
        /// Mapping file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// Path involved.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A Parquet / Arrow error on a path.
    #[error("{path}: {message}")]
    Parquet {
        /// Path involved.
        path: PathBuf,
        /// Underlying error text.
        message: String,
    },
    /// An import found conflicting values and the policy was `error`.
    #[error("{count} conflicting value(s) in dataset {dataset}; first: {first}. Nothing was written (use --on-conflict keep|replace)")]
    Conflicts {
        /// Dataset.
        dataset: String,
        /// Number of conflicts.
        count: usize,
        /// First conflict, described.
        first: String,
    },
    /// Asked-for data is not in the store.
    #[error("{0}")]
    Missing(String),
    /// Several files of one import failed (nothing was written).
    #[error("{} of {files} file(s) failed; nothing was written:\n{}", errors.len(), list_errors(errors))]
    Files {
        /// Files in the import.
        files: usize,
        /// Each failure.
        errors: Vec<DataError>,
    },
}

/// `  - <error>` lines, the first 20.
fn list_errors(errors: &[DataError]) -> String {
    let mut s: Vec<String> = errors.iter().take(20).map(|e| format!("  - {e}")).collect();
    if errors.len() > 20 {
        s.push(format!("  … {} more", errors.len() - 20));
    }
    s.join("\n")
}

impl DataError {
    /// Wrap an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataError::Io {
            path: path.into(),
            source,
        }
    }
}

/// ` (cell Sheet1!F17)` for spreadsheet errors, nothing otherwise.
fn cell_ref(cell: &Option<Box<str>>) -> String {
    cell.as_ref()
        .map(|c| format!(" (cell {c})"))
        .unwrap_or_default()
}
