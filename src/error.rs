//! Errors that stop a command from running at all (exit code 2).
//!
//! Problems *in* the data are not errors: they are [`crate::validate::report::Problem`] values that the
//! validator collects and reports together. An [`Error`] means the tool could not do its job:
//! a file is missing, a schema is unreadable, a write failed.

use std::path::PathBuf;

/// Why a command could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A JSON document (schema, metadata) is not valid JSON.
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// A schema is readable JSON but not a usable row schema.
    #[error("{path}: {message}")]
    Schema { path: PathBuf, message: String },
    /// The dataset metadata file is readable JSON but incomplete or inconsistent.
    #[error("{path}: {message}")]
    Metadata { path: PathBuf, message: String },
    /// A CSV file could not be parsed far enough to continue.
    #[error("{path}: {message}")]
    Csv { path: PathBuf, message: String },
    /// The command ran but refused to act (an invalid dataset, a published version whose bytes
    /// would change). Exit code 1, like any other finding.
    #[error("{0}")]
    Refused(String),
    /// Anything else, with a message that says what and where.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
