//! Streaming access to a CSV table: records with their physical position, the header check
//! against the schema's columns, and a locator that turns a (record, field) pair into the
//! physical line and character column a contributor's editor shows.
//!
//! Records are read one at a time into a reused buffer, so memory does not grow with the file.
//! Exact columns are computed only for cells that have a problem, by re-reading that one record
//! from disk: the fast path pays nothing for them.

pub mod atomic;
pub mod canonical;
pub mod paths;
pub mod text;

use crate::error::{Error, Result};
use crate::table::text::shown;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a record starts in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordPos {
    /// Byte offset of the first byte of the record.
    pub byte: u64,
    /// 1-based physical line of the first byte of the record.
    pub line: u64,
}

/// A CSV file opened for streaming.
pub struct CsvReader {
    inner: csv::Reader<BufReader<File>>,
    /// Whether the file starts with a byte order mark (the csv crate skips it).
    pub has_bom: bool,
}

impl CsvReader {
    pub fn open(path: &Path) -> Result<CsvReader> {
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut head = [0u8; 3];
        let n = read_up_to(&mut file, &mut head).map_err(|e| Error::io(path, e))?;
        let has_bom = n == 3 && head == BOM;
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(path, e))?;
        let inner = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(BufReader::with_capacity(1 << 16, file));
        Ok(CsvReader { inner, has_bom })
    }

    /// Reads the next record into `record`; false at the end of the file.
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> std::result::Result<bool, csv::Error> {
        self.inner.read_byte_record(record)
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Position of a record just read.
pub fn record_pos(record: &csv::ByteRecord) -> RecordPos {
    let p = record
        .position()
        .expect("csv records read from a reader carry a position");
    RecordPos {
        byte: p.byte(),
        line: p.line(),
    }
}

/// A problem found in a header, before it becomes a [`crate::validate::report::Problem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderIssue {
    /// Index of the field in the file's header, when the issue concerns one.
    pub field: Option<usize>,
    pub name: Option<String>,
    pub message: String,
    pub hint: String,
}

/// How the file's columns map onto the schema's.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// For each schema column, its index in the file, if present.
    pub file_index: Vec<Option<usize>>,
    /// Number of fields in the header.
    pub width: usize,
}

impl ColumnMap {
    /// The file's fields in schema column order (absent columns read as blank).
    pub fn cells<'r>(&self, fields: &[&'r str], out: &mut Vec<&'r str>) {
        out.clear();
        out.extend(
            self.file_index
                .iter()
                .map(|i| i.map_or("", |i| fields.get(i).copied().unwrap_or(""))),
        );
    }

    pub fn is_present(&self, column: usize) -> bool {
        self.file_index[column].is_some()
    }
}

/// Compares a header with the expected columns and names every missing, extra, misspelled or
/// moved column.
pub fn check_header(expected: &[&str], actual: &[&str]) -> (ColumnMap, Vec<HeaderIssue>) {
    let mut issues = Vec::new();
    let mut file_index: Vec<Option<usize>> = expected
        .iter()
        .map(|e| actual.iter().position(|a| a == e))
        .collect();
    // Duplicated names in the file.
    for (i, a) in actual.iter().enumerate() {
        if actual[..i].contains(a) {
            issues.push(HeaderIssue {
                field: Some(i),
                name: Some(a.to_string()),
                message: format!("column {} appears twice in the header", shown(a)),
                hint: "remove the duplicate column".into(),
            });
        }
    }
    let missing: Vec<usize> = (0..expected.len())
        .filter(|&i| file_index[i].is_none())
        .collect();
    let extra: Vec<usize> = (0..actual.len())
        .filter(|&i| !expected.contains(&actual[i]) && !actual[..i].contains(&actual[i]))
        .collect();
    // Pair each extra column with the missing one it most likely misspells.
    let mut paired_missing = vec![false; expected.len()];
    for &x in &extra {
        let best = missing
            .iter()
            .filter(|&&m| !paired_missing[m])
            .map(|&m| (m, misspelling_distance(actual[x], expected[m])))
            .min_by_key(|&(_, d)| d);
        match best {
            Some((m, d))
                if d <= 3.max(expected[m].len() / 4) || actual[x].trim() == expected[m] =>
            {
                paired_missing[m] = true;
                file_index[m] = Some(x);
                issues.push(HeaderIssue {
                    field: Some(x),
                    name: Some(actual[x].to_string()),
                    message: format!(
                        "column {} is misspelled: the schema calls it {:?}",
                        shown(actual[x]),
                        expected[m]
                    ),
                    hint: format!("rename the column to {:?}", expected[m]),
                });
            }
            _ => issues.push(HeaderIssue {
                field: Some(x),
                name: Some(actual[x].to_string()),
                message: format!("column {} is not in the schema", shown(actual[x])),
                hint: "remove it, or add it to the schema (a new optional column goes at the end)"
                    .into(),
            }),
        }
    }
    for &m in &missing {
        if !paired_missing[m] {
            let after = if m == 0 {
                "first".to_string()
            } else {
                format!("after {:?}", expected[m - 1])
            };
            issues.push(HeaderIssue {
                field: None,
                name: Some(expected[m].to_string()),
                message: format!("column {:?} is missing", expected[m]),
                hint: format!("add it as column {} ({after})", m + 1),
            });
        }
    }
    // Moved columns: those present but outside the longest run that keeps schema order.
    let present: Vec<(usize, usize)> = file_index
        .iter()
        .enumerate()
        .filter_map(|(s, f)| f.map(|f| (s, f)))
        .collect();
    let keep = longest_increasing(&present.iter().map(|&(_, f)| f).collect::<Vec<_>>());
    for (k, &(s, f)) in present.iter().enumerate() {
        if !keep[k] {
            let after = if s == 0 {
                "first".to_string()
            } else {
                format!("after {:?}", expected[s - 1])
            };
            issues.push(HeaderIssue {
                field: Some(f),
                name: Some(expected[s].to_string()),
                message: format!(
                    "column {:?} is out of place: it is column {} here but {} in the schema",
                    expected[s],
                    f + 1,
                    s + 1
                ),
                hint: format!(
                    "move it to position {} ({after}); `aabc fmt` does it",
                    s + 1
                ),
            });
        }
    }
    issues.sort_by_key(|i| i.field.unwrap_or(usize::MAX));
    (
        ColumnMap {
            file_index,
            width: actual.len(),
        },
        issues,
    )
}

/// The edit distance between a header name and a schema name, compared case-insensitively;
/// `usize::MAX` when their lengths alone rule out a misspelling (so a huge header cell costs
/// nothing).
fn misspelling_distance(actual: &str, expected: &str) -> usize {
    let limit = expected.chars().count() + 3.max(expected.len() / 4);
    if actual.chars().take(limit + 1).count() > limit {
        // Only padding can make it that long and still be this column.
        return if actual.trim() == expected {
            actual.chars().count() - expected.chars().count()
        } else {
            usize::MAX
        };
    }
    strsim::damerau_levenshtein(&actual.to_lowercase(), &expected.to_lowercase())
}

/// Marks the members of one longest strictly increasing subsequence.
fn longest_increasing(xs: &[usize]) -> Vec<bool> {
    let n = xs.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if xs[j] < xs[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let mut keep = vec![false; n];
    if let Some(mut i) = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i))) {
        loop {
            keep[i] = true;
            if prev[i] == usize::MAX {
                break;
            }
            i = prev[i];
        }
    }
    keep
}

/// Resolves record positions to exact physical lines and character columns by re-reading the
/// record's bytes from disk. Used only for cells that have a problem.
pub struct Locator {
    path: PathBuf,
    file: Option<BufReader<File>>,
    buf: Vec<u8>,
}

impl Locator {
    pub fn new(path: &Path) -> Locator {
        Locator {
            path: path.to_path_buf(),
            file: None,
            buf: Vec::new(),
        }
    }

    /// Line and column (both 1-based) of the start of field `field` of the record at `pos`,
    /// plus `within` bytes into the raw field. Falls back to the record start when the file
    /// cannot be re-read.
    pub fn locate(&mut self, pos: RecordPos, field: usize, within: usize) -> (u64, u64) {
        self.try_locate(pos, field, within).unwrap_or((pos.line, 1))
    }

    fn try_locate(&mut self, pos: RecordPos, field: usize, within: usize) -> Option<(u64, u64)> {
        if self.file.is_none() {
            self.file = Some(BufReader::with_capacity(
                1 << 14,
                File::open(&self.path).ok()?,
            ));
        }
        let file = self.file.as_mut()?;
        file.seek(SeekFrom::Start(pos.byte)).ok()?;
        let (mut line, mut col) = (pos.line, 1u64);
        let (mut current, mut in_quotes) = (0usize, false);
        let mut field_start = (field == 0).then_some(0usize);
        let mut off = 0usize;
        // Read only as far as needed: up to the byte sought, or the end of the record.
        loop {
            self.buf.clear();
            let n = file
                .by_ref()
                .take(1 << 12)
                .read_to_end(&mut self.buf)
                .ok()?;
            if n == 0 {
                return field_start.map(|_| (line, col));
            }
            for &b in &self.buf {
                if field_start.is_some_and(|s| off - s == within) {
                    return Some((line, col));
                }
                if b == b'"' {
                    in_quotes = !in_quotes;
                } else if !in_quotes && b == b',' {
                    current += 1;
                    if current == field {
                        field_start = Some(off + 1);
                    }
                } else if !in_quotes && (b == b'\n' || b == b'\r') {
                    return field_start.map(|_| (line, col));
                }
                if b == b'\n' {
                    line += 1;
                    col = 1;
                } else if b & 0xC0 != 0x80 {
                    col += 1;
                }
                off += 1;
            }
        }
    }
}

/// Finds whether the file ends inside a quoted field: scans the last record's raw bytes and
/// returns the line and column of the opening quote that is never closed.
pub fn unclosed_quote(path: &Path, last: RecordPos) -> Option<(u64, u64)> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(last.byte)).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    let (mut line, mut col) = (last.line, 1u64);
    let mut open: Option<(u64, u64)> = None;
    let mut at_field_start = true;
    for &b in &bytes {
        match b {
            b'"' if open.is_some() => open = None,
            b'"' if at_field_start => open = Some((line, col)),
            _ => {}
        }
        at_field_start = open.is_none() && (b == b',' || b == b'\n');
        if b == b'\n' {
            line += 1;
            col = 1;
        } else if b & 0xC0 != 0x80 {
            col += 1;
        }
    }
    open
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

    #[test]
    fn locator_counts_lines_inside_quoted_cells_and_characters_not_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b,c\n\"x\ny\",é,z\n").unwrap();
        let mut r = CsvReader::open(&path).unwrap();
        let mut rec = csv::ByteRecord::new();
        r.read(&mut rec).unwrap();
        r.read(&mut rec).unwrap();
        let pos = record_pos(&rec);
        assert_eq!(pos.line, 2);
        let mut loc = Locator::new(&path);
        assert_eq!(loc.locate(pos, 0, 0), (2, 1));
        assert_eq!(loc.locate(pos, 1, 0), (3, 4));
        assert_eq!(loc.locate(pos, 2, 0), (3, 6));
    }

    #[test]
    fn an_unclosed_quote_is_found_in_the_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\n1,\"open\n2,x\n").unwrap();
        let pos = RecordPos { byte: 4, line: 2 };
        assert_eq!(unclosed_quote(&path, pos), Some((2, 3)));
        std::fs::write(&path, "a,b\n1,\"ok\"\n").unwrap();
        assert_eq!(unclosed_quote(&path, pos), None);
    }
}
