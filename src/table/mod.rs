//! Streaming access to a CSV table, in modules with one job each: the strict RFC 4180 reader
//! ([`reader`]), the positions of faults as the line and character column a contributor's
//! editor shows ([`locate`]), the header check against the schema's columns ([`header`]),
//! atomic replacement of output files ([`atomic`]), safe paths and printable text. This module
//! keeps the one configuration of CSV writers and the reading of small whole tables (a release
//! record, a list of retired ids) with the same reader as the data tables.
//!
//! Records are read one at a time into a reused buffer, so memory does not grow with the file
//! (only with the longest record). Exact columns are computed only for cells that have a
//! problem, by re-reading that one record from disk: the fast path pays nothing for them.

pub mod archive;
pub mod atomic;
pub mod header;
pub mod locate;
pub mod paths;
pub mod reader;
mod scan;
pub mod text;

pub use header::{check_header, ColumnMap, HeaderIssue};
pub use locate::Locator;
pub use reader::{record_pos, CsvReader, Fields, RawRecord, RecordPos, TextFields};

use crate::error::{CsvFault, CsvFaultKind, Error, Position, Result};
use std::path::Path;

/// UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The one configuration of CSV writers: minimal quoting, LF after every record. Canonical
/// files, exports, bundles and synthetic data are all written with it.
pub fn writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// One row of a small table read by [`small_table`]: its cells, its line, and the column where
/// each cell starts.
#[derive(Debug, Clone)]
pub struct SmallRow {
    pub cells: csv::StringRecord,
    pub line: u64,
    pub columns: Vec<u64>,
}

impl SmallRow {
    /// The cell of field `i` (blank when the row is short).
    pub fn get(&self, i: usize) -> &str {
        self.cells.get(i).unwrap_or("")
    }

    /// The column where field `i` starts (1 when the row has no such field).
    pub fn column(&self, i: usize) -> u64 {
        self.columns.get(i).copied().unwrap_or(1)
    }
}

/// A small table (a release record, a list of retired ids) read whole with the strict reader:
/// its header, its rows up to the first fault, and that fault. Held to the same rules as a
/// data table: no BOM, a header, and every row as wide as the header.
pub fn small_table(bytes: &[u8]) -> (Option<csv::StringRecord>, Vec<SmallRow>, Option<CsvFault>) {
    let mut reader = CsvReader::new(bytes);
    let mut record = csv::ByteRecord::new();
    let mut header: Option<csv::StringRecord> = None;
    let mut rows = Vec::new();
    let start = Position { line: 1, column: 1 };
    if bytes.starts_with(BOM) {
        let fault = CsvFault {
            kind: CsvFaultKind::Bom,
            at: start,
        };
        return (None, rows, Some(fault));
    }
    loop {
        let more = match reader.read_strict(&mut record) {
            Ok(Ok(more)) => more,
            Ok(Err(fault)) => return (header, rows, Some(fault)),
            // Reading from memory cannot fail.
            Err(_) => return (header, rows, None),
        };
        if !more {
            let fault = header.is_none().then_some(CsvFault {
                kind: CsvFaultKind::Empty,
                at: start,
            });
            return (header, rows, fault);
        }
        let cells = match csv::StringRecord::from_byte_record(record.clone()) {
            Ok(cells) => cells,
            Err(e) => {
                let field = e.utf8_error().field();
                let valid_up_to = e.utf8_error().valid_up_to();
                let fault = CsvFault {
                    kind: CsvFaultKind::Utf8 { valid_up_to },
                    at: reader.locate_last(field, valid_up_to),
                };
                return (header, rows, Some(fault));
            }
        };
        let Some(h) = &header else {
            header = Some(cells);
            continue;
        };
        if cells.len() != h.len() {
            let fault = reader.field_count_fault(cells.len(), h.len());
            return (header, rows, Some(fault));
        }
        let columns = (0..cells.len())
            .map(|i| reader.locate_last_cell(i).column)
            .collect();
        let line = reader.position().line;
        rows.push(SmallRow {
            cells,
            line,
            columns,
        });
    }
}

/// Every record of a small table with a header (such as the release record), deserialized by
/// column name, read with the same strict reader as the data tables.
pub fn deserialize_all<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let mut reader = CsvReader::open(path)?;
    let mut read = |record: &mut csv::ByteRecord| -> Result<bool> {
        reader
            .read_strict(record)
            .map_err(|e| Error::io(path, e))?
            .map_err(|f| Error::csv(path, f))
    };
    let mut header = csv::ByteRecord::new();
    if !read(&mut header)? {
        return Ok(Vec::new());
    }
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    while read(&mut record)? {
        out.push(
            record
                .deserialize(Some(&header))
                .map_err(|e| Error::csv(path, e))?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_missing_extra_misspelled_and_moved_columns() {
        let expected = ["id", "date_start", "date_end", "notes"];
        let (_, issues) = check_header(&expected, &["id", "date_start", "date_end", "notes"]);
        assert!(issues.is_empty());

        let (map, issues) = check_header(
            &expected,
            &["id", "date_strat", "date_end", "notes", "colour"],
        );
        let msgs: Vec<_> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "column \"date_strat\" is misspelled: the schema calls it \"date_start\"",
                "column \"colour\" is not in the schema"
            ]
        );
        assert_eq!(map.file_index[1], Some(1));

        let (_, issues) = check_header(&expected, &["id", "date_end", "date_start", "notes"]);
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0].message.contains("\"date_end\" is out of place"),
            "{issues:?}"
        );

        let (map, issues) = check_header(&expected, &["id", "date_start", "notes"]);
        assert_eq!(issues[0].message, "column \"date_end\" is missing");
        assert_eq!(issues[0].hint, "add it as column 3 (after \"date_start\")");
        assert!(!map.is_present(2));
    }
}
