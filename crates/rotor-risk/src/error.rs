//! Errors of the risk model: bad shapes and settings, named.

/// What went wrong.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RiskError {
    /// Inputs whose shapes do not agree.
    #[error("shape: {0}")]
    Shape(String),
    /// A setting outside its range.
    #[error("setting `{key}` = {value}: {expected}")]
    Setting {
        /// The key.
        key: &'static str,
        /// The value given.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// Not enough data to estimate anything.
    #[error("no data: {0}")]
    NoData(String),
}

/// Result of the risk model.
pub type Result<T> = std::result::Result<T, RiskError>;
