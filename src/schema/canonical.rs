//! The canonical form of a table, which `aabc fmt` writes and `aabc fmt --check` enforces:
//! UTF-8 without BOM, the schema's column order, cells trimmed (leading and trailing white
//! space), rows in the schema's sort order, minimal quoting, LF after every record. Nothing
//! else changes: the same records, and inside a cell the same bytes (a line end inside a cell,
//! LF, CRLF or CR, is kept as it is).
//!
//! A file that is not well-formed CSV (a quote left open or not doubled, a row with another
//! number of fields than the header, invalid UTF-8) or whose header lacks or adds columns is
//! refused with where and why: those need a person, not a formatter.
//!
//! [`differences`] says where a file departs from its canonical form, by kind and line, for
//! `aabc fmt --check`.
//!
//! Canonical bytes are what the release checksums are computed from, so the same rows always
//! give the same bytes. `aabc fmt` replaces files through [`crate::table::atomic`]: a failure leaves the old file intact.

use crate::error::{CsvError, CsvFault, CsvFaultKind, Error, Result};
use crate::schema::Schema;
use crate::table::{check_header, CsvReader, RecordPos};
use std::path::Path;

mod differences;

pub use differences::{differences, Difference, DifferenceKind};

/// A table's canonical form, with what [`differences`] needs to say where the file departs
/// from it.
#[derive(Debug, Clone)]
pub struct Canonical {
    /// The canonical bytes.
    pub bytes: Vec<u8>,
    /// Where each record of the file starts, the header first, in file order.
    positions: Vec<RecordPos>,
    /// The data rows in canonical order, as their indexes in file order.
    order: Vec<usize>,
}

/// Reads a table and returns its canonical bytes. Refuses (with where and why) a file that is
/// not well-formed CSV or whose header lacks or adds columns.
pub fn canonical_bytes(schema: &Schema, path: &Path) -> Result<Vec<u8>> {
    Ok(canonical(schema, path)?.bytes)
}

/// Reads a table and returns its canonical form (see [`canonical_bytes`]).
pub fn canonical(schema: &Schema, path: &Path) -> Result<Canonical> {
    let fail = |e: CsvError| Error::csv(path, e);
    let (rows, positions) = read_rows(schema, path)?;
    let kinds = schema.sort_kinds();
    let key: Vec<usize> = schema.sort_key.clone();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    // Stable: rows with equal keys keep their order.
    order.sort_by(|&a, &b| {
        let ka: Vec<&str> = key.iter().map(|&c| rows[a][c].as_str()).collect();
        let kb: Vec<&str> = key.iter().map(|&c| rows[b][c].as_str()).collect();
        crate::schema::compare_keys(&kinds, &ka, &kb)
    });
    let mut bytes = Vec::new();
    {
        let mut w = crate::table::writer(&mut bytes);
        w.write_record(schema.column_names())
            .map_err(|e| fail(e.into()))?;
        for &r in &order {
            w.write_record(&rows[r]).map_err(|e| fail(e.into()))?;
        }
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    Ok(Canonical {
        bytes,
        positions,
        order,
    })
}

/// The data rows of a table (cells trimmed, in the schema's column order) in file order, and
/// where each record starts (the header first).
fn read_rows(schema: &Schema, path: &Path) -> Result<(Vec<Vec<String>>, Vec<RecordPos>)> {
    let fail = |e: CsvError| Error::csv(path, e);
    let mut reader = CsvReader::open(path)?;
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut positions = Vec::new();
    let mut map = None;
    while reader
        .read_strict(&mut record)
        .map_err(|e| Error::io(path, e))?
        .map_err(|f| fail(f.into()))?
    {
        positions.push(reader.position());
        let mut fields = Vec::with_capacity(record.len());
        for (i, f) in record.iter().enumerate() {
            let s = std::str::from_utf8(f).map_err(|e| {
                let at = reader.locate_last(i, e.valid_up_to());
                fail(CsvError::Fault(CsvFault {
                    kind: CsvFaultKind::Utf8 {
                        valid_up_to: e.valid_up_to(),
                    },
                    at,
                }))
            })?;
            fields.push(s.trim().to_string());
        }
        match &header {
            None => {
                let expected: Vec<&str> = schema.column_names().collect();
                let actual: Vec<&str> = fields.iter().map(String::as_str).collect();
                let (m, issues) = check_header(&expected, &actual);
                if let Some(i) = issues.iter().find(|i| !i.message.contains("out of place")) {
                    return Err(fail(CsvError::Header {
                        message: i.message.clone(),
                        hint: i.hint.clone(),
                    }));
                }
                map = Some(m);
                header = Some(fields);
            }
            Some(h) => {
                if fields.len() != h.len() {
                    let f = reader.field_count_fault(fields.len(), h.len());
                    return Err(fail(f.into()));
                }
                let m = map.as_ref().expect("set with the header");
                let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
                let mut cells = Vec::new();
                m.cells(&refs, &mut cells);
                rows.push(cells.into_iter().map(str::to_string).collect());
            }
        }
    }
    if header.is_none() {
        return Err(fail(CsvError::Header {
            message: "the file is empty: it needs at least the header row".into(),
            hint: format!(
                "start the file with the header: {}",
                schema.column_names().collect::<Vec<_>>().join(",")
            ),
        }));
    }
    Ok((rows, positions))
}

/// The first line on which two byte strings differ (1-based), or `None` when equal.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<u64> {
    if a == b {
        return None;
    }
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    Some(a[..at].iter().filter(|&&c| c == b'\n').count() as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::from_value(
            Path::new("t.json"),
            json!({
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "note": {"type": ["string", "null"]}},
                "x-sortKey": ["id"]
            }),
        )
        .unwrap()
    }

    #[test]
    fn canonical_form_sorts_trims_reorders_and_quotes_minimally() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(
            &p,
            "\u{feff}name,id,note\r\n\" b \",10,\"x\r\ny\"\r\na,9,\"plain\"\r\n",
        )
        .unwrap();
        let out = canonical_bytes(&schema(), &p).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,name,note\n9,a,plain\n10,b,\"x\r\ny\"\n"
        );
    }

    #[test]
    fn a_missing_column_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, "id,note\n1,x\n").unwrap();
        let err = canonical_bytes(&schema(), &p).unwrap_err().to_string();
        assert!(err.contains("\"name\" is missing"), "{err}");
    }

    #[test]
    fn first_difference_counts_lines() {
        assert_eq!(first_difference(b"a\nb\nc\n", b"a\nb\nc\n"), None);
        assert_eq!(first_difference(b"a\nb\nc\n", b"a\nB\nc\n"), Some(2));
        assert_eq!(first_difference(b"a\n", b"a\nb\n"), Some(2));
    }
}
