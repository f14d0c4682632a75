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
    /// A CSV file is not well formed, or not in the shape the command needs. Exit code 1:
    /// the data is wrong, not the tool.
    #[error("{path}:{source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: CsvError,
    },
    /// The command ran but refused to act (an invalid dataset, a published version whose bytes
    /// would change). Exit code 1, like any other finding.
    #[error("{0}")]
    Refused(String),
    /// git could not be started or failed; `args` are the arguments it was given (after
    /// `-C repo`), `stderr` what it said (or why it could not start).
    #[error("git {}: {stderr}", args.join(" "))]
    Git { args: Vec<String>, stderr: String },
    /// Something asked for by name (a table, a version, an event) is not where it was looked
    /// for: `what` names the kind, `within` the place ("the dataset", "the bundle", …).
    #[error("no {what} {} in {within}", crate::table::text::shown(name))]
    NotFound {
        what: &'static str,
        name: String,
        within: String,
    },
    /// Anything else, with a message that says what and where.
    #[error("{0}")]
    Other(String),
}

/// Where a CSV problem is: 1-based physical line and character column (LF, CRLF and a lone CR
/// each end one line; a character is a UTF-8 sequence or one invalid byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A structure fault of a CSV file (RFC 4180 read strictly), where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFault {
    pub kind: CsvFaultKind,
    pub at: Position,
}

/// What is wrong with the structure of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvFaultKind {
    /// A double quote inside a cell that does not start with one.
    StrayQuote,
    /// A double quote inside a quoted cell that is neither doubled nor the closing quote;
    /// `opened` is where the cell's opening quote is.
    UndoubledQuote { opened: Position },
    /// A quoted cell is opened and never closed (`at` is the opening quote): the rest of the
    /// file was read as one cell.
    UnclosedQuote,
    /// The record has another number of fields than the header. `quote` is the opening quote
    /// of a quoted cell in the record that runs over a line end (likely the cause), with the
    /// line where the record ends.
    FieldCount {
        found: usize,
        expected: usize,
        quote: Option<(Position, u64)>,
    },
    /// A cell is not valid UTF-8 after `valid_up_to` bytes of its content.
    Utf8 { valid_up_to: usize },
    /// The file has no header row (it is empty, or holds only line ends).
    Empty,
    /// The file starts with a byte order mark.
    Bom,
}

impl CsvFault {
    /// The rule name `aabc validate` reports it under.
    pub fn rule(&self) -> &'static str {
        match self.kind {
            CsvFaultKind::StrayQuote
            | CsvFaultKind::UndoubledQuote { .. }
            | CsvFaultKind::UnclosedQuote
            | CsvFaultKind::FieldCount { quote: Some(_), .. } => "csv/quote",
            CsvFaultKind::FieldCount { quote: None, .. } => "csv/field-count",
            CsvFaultKind::Utf8 { .. } => "csv/utf8",
            CsvFaultKind::Empty => "csv/empty",
            CsvFaultKind::Bom => "csv/bom",
        }
    }

    /// What is wrong, in the contributor's terms.
    pub fn message(&self) -> String {
        match &self.kind {
            CsvFaultKind::StrayQuote => {
                "a double quote inside a cell that is not quoted".into()
            }
            // The opening quote may be the stray one (`,"statement,` makes a cell quoted
            // until the next quote): name it too, so either can be fixed.
            CsvFaultKind::UndoubledQuote { opened } => format!(
                "a double quote inside a quoted cell is not doubled, or the quote that opened the cell (line {}, column {}) is stray",
                opened.line, opened.column
            ),
            CsvFaultKind::UnclosedQuote => "a quoted cell is opened here and never closed: the rest of the file was read as one cell".into(),
            CsvFaultKind::FieldCount { found, expected, quote: Some((_, end)) } => format!(
                "the quoted cell opened here runs on to line {end}, and that row has {found} fields where the header has {expected}"
            ),
            CsvFaultKind::FieldCount { found, expected, quote: None } => {
                format!("row has {found} fields, the header has {expected}")
            }
            CsvFaultKind::Utf8 { valid_up_to } => {
                format!("invalid UTF-8 byte sequence {valid_up_to} bytes into the cell")
            }
            CsvFaultKind::Empty => "the file is empty: it needs at least the header row".into(),
            CsvFaultKind::Bom => "the file starts with a byte order mark (BOM)".into(),
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> String {
        match &self.kind {
            CsvFaultKind::StrayQuote => "quote the whole cell and double the quote inside it (\"a \"\"b\"\" c\"), or remove it".into(),
            CsvFaultKind::UndoubledQuote { .. } => "write a double quote inside a quoted cell twice (\"\"); if it was meant to close the cell, add the missing comma after it; if the cell was not meant to be quoted, remove its opening quote".into(),
            CsvFaultKind::UnclosedQuote => "add the closing double quote; a quote inside a quoted cell is written twice (\"\")".into(),
            CsvFaultKind::FieldCount { quote: Some(_), .. } => "add the missing closing quote at the end of this cell (a quote inside a cell is written twice)".into(),
            CsvFaultKind::FieldCount { quote: None, .. } => "check for a missing or extra comma, or an unquoted comma inside a cell (quote the cell)".into(),
            CsvFaultKind::Utf8 { .. } => "save the file as UTF-8 (it looks like another encoding, such as Windows-1252)".into(),
            CsvFaultKind::Empty => "start the file with its header row".into(),
            CsvFaultKind::Bom => "save the file as UTF-8 without BOM".into(),
        }
    }
}

impl std::fmt::Display for CsvFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} [{}]; {}",
            self.at,
            self.message(),
            self.rule(),
            self.hint()
        )
    }
}

impl std::error::Error for CsvFault {}

/// Why a CSV file cannot be used as it is.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The file is not well-formed CSV.
    #[error("{0}")]
    Fault(#[from] CsvFault),
    /// The header is not what the command needs.
    #[error(" header: {message}; fix it first ({hint})")]
    Header { message: String, hint: String },
    /// A cell does not convert to its column's type.
    #[error(" line {line}: {column} = {value:?} is not a valid {kind}; run `aabc validate` first")]
    Cell {
        line: u64,
        column: String,
        value: String,
        kind: String,
    },
    /// A small table (such as the release record) read with the csv crate's serde support.
    #[error(" {0}")]
    Parse(#[from] csv::Error),
}

impl Error {
    /// A CSV structure fault in `path`.
    pub fn csv(path: impl Into<PathBuf>, source: impl Into<CsvError>) -> Self {
        Error::Csv {
            path: path.into(),
            source: source.into(),
        }
    }

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
