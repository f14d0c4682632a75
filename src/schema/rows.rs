//! The rows of a table whose header is exactly its schema's columns, streamed: what exports,
//! snapshots and summaries read once `aabc validate` has passed. Read with the strict reader of
//! [`crate::table`]: a structure fault or invalid UTF-8 stops the reading with where it is.

use crate::error::{CsvError, CsvFault, CsvFaultKind, Error, Result};
use crate::schema::Schema;
use crate::table::{CsvReader, TextFields};
use std::io::Read;

/// Streams the rows of a CSV whose header is exactly the schema's columns, read with the strict
/// reader of [`crate::table`]: a structure fault or invalid UTF-8 stops the export with where
/// it is.
pub struct Rows<R: Read> {
    reader: CsvReader<R>,
    record: csv::StringRecord,
    width: usize,
    name: String,
}

impl<R: Read> Rows<R> {
    /// Opens a CSV source; `name` is used in messages. The header must equal the schema's
    /// columns: an export is made from a valid table (`aabc validate` explains any mismatch).
    pub fn new(schema: &Schema, source: R, name: &str) -> Result<Rows<R>> {
        let mut rows = Rows {
            reader: CsvReader::new(source),
            record: csv::StringRecord::new(),
            width: usize::MAX,
            name: name.to_string(),
        };
        let expected: Vec<&str> = schema.column_names().collect();
        let same = match rows.next_row()? {
            Some(header) => header.iter().eq(expected.iter().copied()),
            None => false,
        };
        if !same {
            return Err(Error::csv(
                name,
                CsvError::Header {
                    message: "the header is not exactly the schema's columns in order".into(),
                    hint: "run `aabc validate` to see why".into(),
                },
            ));
        }
        rows.width = expected.len();
        Ok(rows)
    }

    /// The next row's cells, in schema column order; `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<&csv::StringRecord>> {
        let mut bytes = std::mem::take(&mut self.record).into_byte_record();
        let more = self
            .reader
            .read_strict(&mut bytes)
            .map_err(|e| Error::io(&self.name, e))?
            .map_err(|f| Error::csv(&self.name, f))?;
        if !more {
            return Ok(None);
        }
        if self.width != usize::MAX && bytes.len() != self.width {
            let f = self.reader.field_count_fault(bytes.len(), self.width);
            return Err(Error::csv(&self.name, f));
        }
        match csv::StringRecord::from_byte_record(bytes) {
            Ok(r) => {
                self.record = r;
                Ok(Some(&self.record))
            }
            Err(e) => {
                let u = e.utf8_error();
                let (field, valid_up_to) = (u.field(), u.valid_up_to());
                let at = self.reader.locate_last(field, valid_up_to);
                Err(Error::csv(
                    &self.name,
                    CsvFault {
                        kind: CsvFaultKind::Utf8 { valid_up_to },
                        at,
                    },
                ))
            }
        }
    }

    /// The next row's cells without copying them: for loops that read every cell once (the
    /// Parquet export). Same checks as [`Rows::next_row`]; `None` at the end.
    pub fn next_cells(&mut self) -> Result<Option<TextFields<'_>>> {
        let more = self
            .reader
            .advance()
            .map_err(|e| Error::io(&self.name, e))?;
        if let Some(f) = self.reader.faults().first() {
            return Err(Error::csv(&self.name, f.clone()));
        }
        if !more {
            return Ok(None);
        }
        self.reader.split_last();
        let n = self.reader.fields().len();
        if self.width != usize::MAX && n != self.width {
            let f = self.reader.field_count_fault(n, self.width);
            return Err(Error::csv(&self.name, f));
        }
        match self.reader.fields().to_text() {
            Ok(text) => Ok(Some(text)),
            Err((field, valid_up_to)) => Err(Error::csv(
                &self.name,
                CsvFault {
                    kind: CsvFaultKind::Utf8 { valid_up_to },
                    at: self.reader.locate_last(field, valid_up_to),
                },
            )),
        }
    }

    /// The next row, with every cell checked against its column's type: what a typed export
    /// needs. A cell that does not convert stops it with where it is (the data is wrong: exit
    /// 1; `aabc validate` says why in detail).
    pub fn next_typed_row(&mut self, schema: &Schema) -> Result<Option<&csv::StringRecord>> {
        if self.next_row()?.is_none() {
            return Ok(None);
        }
        let cell = |i: usize| self.record.get(i).unwrap_or("");
        let bad = (0..schema.columns.len())
            .find_map(|i| schema.check_cell(i, cell(i)).err().map(|kind| (i, kind)));
        if let Some((i, kind)) = bad {
            let column = &schema.columns[i].name;
            return Err(bad_cell(&self.name, self.line(), column, cell(i), kind));
        }
        Ok(Some(&self.record))
    }

    /// Physical line of the row last read.
    pub fn line(&self) -> u64 {
        self.reader.position().line
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The source, once the rows have been read.
    pub fn into_source(self) -> R {
        self.reader.into_inner()
    }

    /// The source, while the rows are being read.
    pub fn source(&self) -> &R {
        self.reader.get_ref()
    }
}

/// One record of a table in schema column order, as its typed JSON object.
pub fn record_object(schema: &Schema, cells: &csv::StringRecord) -> serde_json::Value {
    let refs: Vec<&str> = (0..schema.columns.len())
        .map(|i| cells.get(i).unwrap_or(""))
        .collect();
    crate::schema::row_object(schema, &refs, None)
}

/// Message for a cell that does not convert to its column's type.
pub fn bad_cell(name: &str, line: u64, column: &str, value: &str, kind: &str) -> Error {
    Error::csv(
        name,
        CsvError::Cell {
            line,
            column: column.to_string(),
            value: value.to_string(),
            kind: kind.to_string(),
        },
    )
}
