//! Errors of the engine: each names the file, key or date and what was expected.

use chrono::NaiveDate;
use std::path::PathBuf;

/// Engine errors.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A strategy file, a key or a grid that does not parse or validate.
    #[error("{}: {msg}", path.display())]
    Config {
        /// File (or `--grid`).
        path: PathBuf,
        /// What is wrong, naming the key and the valid choices.
        msg: String,
    },
    /// File system.
    #[error("{}: {source}", path.display())]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// From the data layer.
    #[error(transparent)]
    Data(#[from] rotor_data::DataError),
    /// Required data absent.
    #[error("{0}")]
    Missing(String),
    /// A strategy could not decide at a date (its input is incomplete).
    #[error("{date}: {msg}")]
    Decide {
        /// Signal date.
        date: NaiveDate,
        /// What is missing, naming the file or series.
        msg: String,
    },
}

impl EngineError {
    /// A config error on `path`.
    pub fn config(path: impl Into<PathBuf>, msg: impl Into<String>) -> Self {
        EngineError::Config {
            path: path.into(),
            msg: msg.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EngineError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;
