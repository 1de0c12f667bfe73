//! Errors of the pipeline.

use std::path::PathBuf;

/// Pipeline errors: each names the file or key and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum StrategyError {
    /// A strategy file or grid that does not parse or validate.
    #[error("{}: {msg}", path.display())]
    Config {
        /// File.
        path: PathBuf,
        /// What is wrong.
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
}

/// Result alias.
pub type Result<T> = std::result::Result<T, StrategyError>;
