//! Errors of the text tools. Every message names what it is about: the file, the item
//! id, the endpoint answer (an excerpt, never the API key).

use std::path::PathBuf;

/// Result alias of the crate.
pub type Result<T> = std::result::Result<T, TextError>;

/// What can go wrong while reading tasks, calling a backend or using the cache.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A task file is not valid.
    #[error("task {task}: {message}")]
    Task {
        /// Task name or file.
        task: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// A setting is missing or wrong (endpoint URL, key variable, model file).
    #[error("{0}")]
    Config(String),
    /// The endpoint answered with an HTTP error status (after the retries, for
    /// 429 / 5xx).
    #[error("HTTP {status} from {url} after {attempts} attempt(s): {body}")]
    Http {
        /// Status code.
        status: u16,
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The start of the answer body.
        body: String,
    },
    /// The endpoint did not answer (timeout, refused connection), after the retries.
    #[error("no answer from {url} after {attempts} attempt(s): {message}")]
    Transport {
        /// The request URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The transport error.
        message: String,
    },
    /// The answer is not the JSON asked for.
    #[error("malformed answer: {reason}; the answer began: {excerpt:?}")]
    Malformed {
        /// Why it could not be read.
        reason: String,
        /// The start of the answer.
        excerpt: String,
    },
    /// The answer is JSON but breaks the task's schema.
    #[error(
        "answer breaks the task's JSON schema at {path}: {message}; the answer began: {excerpt:?}"
    )]
    Schema {
        /// JSON pointer of the offending value (`/label`).
        path: String,
        /// What was expected.
        message: String,
        /// The start of the answer.
        excerpt: String,
    },
    /// A model file or training set is not usable.
    #[error("{0}")]
    Model(String),
}

impl TextError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TextError::Io {
            path: path.into(),
            source,
        }
    }
}

/// The first `n` characters of `s` (for error messages).
pub(crate) fn excerpt(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
