//! A table the evidence checks read: its schema, its header mapped by name, its rows streamed
//! with where each starts, and problems located at a cell as the validator locates them. The
//! checks run after the tables have been read without structure faults; a header that lacks a
//! column they need was reported by the validator, and the checks that need it are skipped.

use crate::error::{Error, Result};
use crate::schema::metadata::Dataset;
use crate::schema::Schema;
use crate::table::paths::display;
use crate::table::{record_pos, CsvReader, Locator, RecordPos};
use crate::validate::report::{Problem, Severity};
use std::fs::File;
use std::path::PathBuf;

/// One table of the dataset, opened for the evidence checks.
pub struct Table {
    /// The resource's name.
    pub name: String,
    /// The CSV file, as messages show it.
    pub file: String,
    path: PathBuf,
    pub schema: Schema,
    header: Vec<String>,
    locator: Locator,
}

impl Table {
    /// The resource `name` of the dataset, its schema and header. `what` says which part of
    /// the metadata names it, for the message when it is not a table of the dataset.
    pub fn open(dataset: &Dataset, name: &str, what: &str) -> Result<Table> {
        let r = dataset.resource(name).ok_or_else(|| Error::Metadata {
            path: dataset.path.clone(),
            message: format!(
                "{what} names the table {}, which is not among the \"resources\"",
                crate::table::text::shown(name)
            ),
        })?;
        let path = dataset.data_path(r);
        let schema = Schema::load(&dataset.schema_path(r))?;
        let mut reader = CsvReader::open(&path)?;
        let mut record = csv::ByteRecord::new();
        let header = match reader.read_strict(&mut record) {
            Ok(Ok(true)) => record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect(),
            _ => Vec::new(),
        };
        Ok(Table {
            name: name.to_string(),
            file: display(&path),
            locator: Locator::new(&path),
            path,
            schema,
            header,
        })
    }

    /// Refuses a metadata block that names a column the table's schema does not have.
    pub fn require(&self, dataset: &Dataset, what: &str, column: &str) -> Result<()> {
        if self.schema.column_index(column).is_some() {
            return Ok(());
        }
        Err(Error::Metadata {
            path: dataset.path.clone(),
            message: format!(
                "{what} names the column {} of table {}, which its schema does not have",
                crate::table::text::shown(column),
                crate::table::text::shown(&self.name)
            ),
        })
    }

    /// Where column `name` is in the file, when the header has it.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The rows, streamed from the file (the header skipped).
    pub fn rows(&self) -> Result<RowStream> {
        let mut stream = RowStream {
            reader: CsvReader::open(&self.path)?,
            record: csv::ByteRecord::new(),
            cells: csv::StringRecord::new(),
        };
        stream.next();
        Ok(stream)
    }

    /// The items of a list cell of column `column`, split by its delimiter (none when blank).
    pub fn items(&self, column: &str, cell: &str) -> Vec<String> {
        let delimiter = self
            .schema
            .column_index(column)
            .map_or(";", |c| self.schema.columns[c].delimiter.as_str());
        if cell.is_empty() {
            return Vec::new();
        }
        cell.split(delimiter).map(str::to_string).collect()
    }

    /// An error at the cell of field `field` of the row at `pos`.
    pub fn problem(&mut self, at: (RecordPos, usize), value: &str, rule: &str) -> Problem {
        let (pos, field) = at;
        let (line, column) = self.locator.locate(pos, field);
        Problem {
            severity: Severity::Error,
            file: self.file.clone(),
            line: Some(line),
            column: Some(column),
            field: self.header.get(field).cloned(),
            value: Some(value.to_string()),
            rule: rule.to_string(),
            message: String::new(),
            hint: String::new(),
        }
    }
}

/// The rows of a table, one at a time; the stream ends at the end of the file or at a fault
/// (which the validator has reported).
pub struct RowStream {
    reader: CsvReader<File>,
    record: csv::ByteRecord,
    cells: csv::StringRecord,
}

impl RowStream {
    /// The next row's cells (in file order) and where it starts.
    pub fn next(&mut self) -> Option<(&csv::StringRecord, RecordPos)> {
        // The buffers of the last row are reused.
        self.record = std::mem::take(&mut self.cells).into_byte_record();
        if !matches!(self.reader.read_strict(&mut self.record), Ok(Ok(true))) {
            return None;
        }
        let pos = record_pos(&self.record);
        self.cells = csv::StringRecord::from_byte_record(std::mem::take(&mut self.record)).ok()?;
        let cells = &self.cells;
        Some((cells, pos))
    }
}
