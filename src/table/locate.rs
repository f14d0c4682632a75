//! Where a fault is, as a contributor's editor shows it: the physical line (LF, CRLF and a
//! lone CR each end one) and the column in characters (a UTF-8 sequence, or one byte that is
//! not valid UTF-8). The reader keeps only raw byte offsets while it scans; they are turned
//! into lines and columns here, for the record last read or, through [`Locator`], for a
//! record read before, by reading that one record again from disk.

use super::reader::{CsvReader, RecordPos};
use super::scan::{content_range, RawFault, Span};
use crate::error::{CsvFault, CsvFaultKind, Position};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

impl<R: Read> CsvReader<R> {
    /// The field-count fault of the record last read, when it has `found` fields where the
    /// header has `expected`: at the first extra field, or at the opening quote of a quoted
    /// cell that runs over a line end (the likely cause), or at the start of the record.
    pub fn field_count_fault(&self, found: usize, expected: usize) -> CsvFault {
        let raw = &self.buf[self.last.0..self.last.1];
        let quote = self.multiline.map(|open| {
            let end_line = self.last_pos.line + count_lines(trim_terminator(raw));
            (raw_position(raw, self.last_pos.line, open), end_line)
        });
        let at = match quote {
            Some((p, _)) => p,
            None if found > expected => {
                raw_position(raw, self.last_pos.line, self.spans()[expected].start)
            }
            None => Position {
                line: self.last_pos.line,
                column: 1,
            },
        };
        CsvFault {
            kind: CsvFaultKind::FieldCount {
                found,
                expected,
                quote,
            },
            at,
        }
    }

    /// Line and column of `within` bytes into the content of field `field` of the record last
    /// read (the start of the record when it has no such field).
    pub fn locate_last(&self, field: usize, within: usize) -> Position {
        let raw = &self.buf[self.last.0..self.last.1];
        match self.spans().get(field) {
            Some(span) => raw_position(raw, self.last_pos.line, content_offset(raw, span, within)),
            None => Position {
                line: self.last_pos.line,
                column: 1,
            },
        }
    }

    /// Line and column where field `field` of the record last read starts (at its opening
    /// quote when it is quoted; the start of the record when it has no such field).
    pub fn locate_last_cell(&self, field: usize) -> Position {
        let raw = &self.buf[self.last.0..self.last.1];
        match self.spans().get(field) {
            Some(span) => raw_position(raw, self.last_pos.line, span.start),
            None => Position {
                line: self.last_pos.line,
                column: 1,
            },
        }
    }

    /// Turns the raw faults of the record just scanned into located ones.
    pub(super) fn locate_faults(&mut self) {
        let raw = &self.buf[self.last.0..self.last.1];
        let line = self.last_pos.line;
        for f in &self.raw_faults {
            let (kind, at) = match *f {
                RawFault::Stray(at) => (CsvFaultKind::StrayQuote, at),
                RawFault::Undoubled { at, opened } => (
                    CsvFaultKind::UndoubledQuote {
                        opened: raw_position(raw, line, opened),
                    },
                    at,
                ),
                RawFault::Unclosed(at) => (CsvFaultKind::UnclosedQuote, at),
            };
            self.faults.push(CsvFault {
                kind,
                at: raw_position(raw, line, at),
            });
        }
    }
}

/// Raw offset (in the record) of `within` bytes into a field's content.
fn content_offset(raw: &[u8], span: &Span, within: usize) -> usize {
    let range = content_range(span);
    if !span.escaped {
        return (range.start + within).min(range.end);
    }
    let (mut i, mut left) = (range.start, within);
    while left > 0 && i < range.end {
        if raw[i] == b'"' && raw.get(i + 1) == Some(&b'"') && i + 1 < range.end {
            i += 2;
        } else {
            i += 1;
        }
        left -= 1;
    }
    i
}

/// Drops the line end that ends a record.
fn trim_terminator(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

/// Line ends in `raw` (LF, CRLF and a lone CR each count once).
pub fn count_lines(raw: &[u8]) -> u64 {
    let mut n = 0;
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && raw.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// Line and column of the byte at `offset` of a record that starts at column 1 of `line`.
/// A column counts characters: a UTF-8 sequence, or one byte that is not valid UTF-8.
fn raw_position(raw: &[u8], line: u64, offset: usize) -> Position {
    let before = &raw[..offset.min(raw.len())];
    let line = line + count_lines(before);
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let column = 1 + before[line_start..]
        .utf8_chunks()
        .map(|c| c.valid().chars().count() + c.invalid().len())
        .sum::<usize>() as u64;
    Position { line, column }
}

/// Resolves record positions to exact physical lines and character columns by re-reading the
/// record from disk with the same reader. Used only for cells that have a problem.
pub struct Locator {
    path: PathBuf,
    reader: Option<CsvReader<File>>,
    record: csv::ByteRecord,
}

impl Locator {
    pub fn new(path: &Path) -> Locator {
        Locator {
            path: path.to_path_buf(),
            reader: None,
            record: csv::ByteRecord::new(),
        }
    }

    /// Line and column (both 1-based) of the start of field `field` (its opening quote, when
    /// quoted) of the record at `pos`. Falls back to the record start when the file cannot be
    /// re-read.
    pub fn locate(&mut self, pos: RecordPos, field: usize) -> (u64, u64) {
        self.try_locate(pos, field, None)
            .map_or((pos.line, 1), |p| (p.line, p.column))
    }

    /// Line and column of `within` bytes into the content of field `field` of the record at
    /// `pos` (after the opening quote of a quoted cell; a doubled quote is one byte of content).
    pub fn locate_content(&mut self, pos: RecordPos, field: usize, within: usize) -> (u64, u64) {
        self.try_locate(pos, field, Some(within))
            .map_or((pos.line, 1), |p| (p.line, p.column))
    }

    fn try_locate(
        &mut self,
        pos: RecordPos,
        field: usize,
        within: Option<usize>,
    ) -> Option<Position> {
        if self.reader.is_none() {
            // A pipe cannot be read again (opening it would wait for a writer forever): the
            // position then stays at the record's start.
            if !std::fs::metadata(&self.path).ok()?.is_file() {
                return None;
            }
            self.reader = Some(CsvReader::new(File::open(&self.path).ok()?));
        }
        let reader = self.reader.as_mut()?;
        reader.seek_to(pos).ok()?;
        if !reader.read(&mut self.record).ok()? {
            return None;
        }
        match within {
            Some(within) => Some(reader.locate_last(field, within)),
            None => {
                let raw = &reader.buf[reader.last.0..reader.last.1];
                let start = reader.spans().get(field).map_or(0, |s| s.start);
                Some(raw_position(raw, pos.line, start))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::record_pos;

    #[test]
    fn locator_counts_lines_inside_quoted_cells_and_characters_not_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        for end in ["\n", "\r\n", "\r"] {
            std::fs::write(&path, format!("a,b,c{end}\"x{end}y\",é,z{end}")).unwrap();
            let mut r = CsvReader::open(&path).unwrap();
            let mut rec = csv::ByteRecord::new();
            r.read(&mut rec).unwrap();
            r.read(&mut rec).unwrap();
            let pos = record_pos(&rec);
            assert_eq!(pos.line, 2);
            let mut loc = Locator::new(&path);
            assert_eq!(loc.locate(pos, 0), (2, 1));
            assert_eq!(loc.locate(pos, 1), (3, 4));
            assert_eq!(loc.locate(pos, 2), (3, 6));
        }
    }

    #[test]
    fn locator_maps_cell_content_to_raw_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        // Content offset 5 of the quoted cell is the invalid byte: after the quote, and the
        // doubled quote counts as one byte of content.
        std::fs::write(&path, b"a,b\n1,\"a\"\"bcd\xE9f\"\n").unwrap();
        let mut loc = Locator::new(&path);
        let pos = RecordPos { byte: 4, line: 2 };
        assert_eq!(loc.locate(pos, 1), (2, 3));
        assert_eq!(loc.locate_content(pos, 1, 0), (2, 4));
        assert_eq!(loc.locate_content(pos, 1, 5), (2, 10));
    }
}
