//! Streaming access to a CSV table: a strict RFC 4180 reader that gives records with their
//! physical position and names every structure fault where it is, the header check against the
//! schema's columns, a locator that turns a (record, field) pair into the physical line and
//! character column a contributor's editor shows, and the one configuration of CSV writers.
//!
//! One state machine reads every table: a cell that starts with a double quote is quoted and
//! ends at the next single quote followed by a comma or a line end; a quote inside it is
//! doubled. LF, CRLF and a lone CR each end one line, inside or outside quotes, and a blank
//! line holds no record. The reader does not stop at a fault: it records it (with line and
//! column), reads the cell as it most likely was meant, and goes on, so that a validation
//! names every fault. Callers that need well-formed input use [`CsvReader::read_strict`].
//!
//! Records are read one at a time into a reused buffer, so memory does not grow with the file
//! (only with the longest record). Exact columns are computed only for cells that have a
//! problem, by re-reading that one record from disk: the fast path pays nothing for them.

pub mod archive;
pub mod atomic;
pub mod header;
pub mod paths;
pub mod text;

pub use header::{check_header, ColumnMap, HeaderIssue};

use crate::error::{CsvFault, CsvFaultKind, Error, Position, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a record starts in the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordPos {
    /// Byte offset of the first byte of the record.
    pub byte: u64,
    /// 1-based physical line of the first byte of the record.
    pub line: u64,
}

/// The one configuration of CSV writers: minimal quoting, LF after every record. Canonical
/// files, exports, bundles and synthetic data are all written with it.
pub fn writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// Size of the read buffer; it grows to hold the longest record.
const BUFFER: usize = 1 << 16;

/// One field of the record last read, as raw bytes of the record.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    quoted: bool,
    /// Holds a doubled or undoubled quote: the content must be unescaped.
    escaped: bool,
    /// Ends with its closing quote (a quoted cell left open runs to the end of the file).
    closed: bool,
}

impl Span {
    fn plain(start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            quoted: false,
            escaped: false,
            closed: true,
        }
    }
}

/// A fault found while scanning, by raw offset in the record.
#[derive(Debug, Clone, Copy)]
enum RawFault {
    Stray(usize),
    Undoubled { at: usize, opened: usize },
    Unclosed(usize),
}

/// Byte classes of the unquoted scan: 0 is an ordinary byte.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b',' as usize] = 1;
    t[b'"' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[b'\n' as usize] = 1;
    t
};

/// A CSV source read strictly, record by record.
pub struct CsvReader<R> {
    src: R,
    buf: Vec<u8>,
    /// Unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    /// Byte offset and line of `buf[start]`.
    byte: u64,
    line: u64,
    records: u64,
    /// Whether the source starts with a byte order mark (skipped).
    pub has_bom: bool,
    started: bool,
    /// The record last read: its raw bytes are `buf[last.0..last.1]`, its position `last_pos`.
    last: (usize, usize),
    last_pos: RecordPos,
    spans: Vec<Span>,
    raw_faults: Vec<RawFault>,
    /// Opening quote (raw offset) of the first quoted cell of the record that holds a line end.
    multiline: Option<usize>,
    /// The record last read has no quote and no lone CR: its fields end at its commas and its
    /// content ends here (raw offset); `spans` is not filled.
    simple: Option<usize>,
    faults: Vec<CsvFault>,
    scratch: Vec<u8>,
    /// Fields of the record last read (see [`Fields`]).
    ranges: Vec<(usize, usize, bool)>,
}

impl CsvReader<File> {
    pub fn open(path: &Path) -> Result<CsvReader<File>> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut r = CsvReader::new(file);
        r.start_up().map_err(|e| Error::io(path, e))?;
        Ok(r)
    }

    /// Goes to a record read before (a position from this file), for re-reading it.
    fn seek_to(&mut self, pos: RecordPos) -> std::io::Result<()> {
        self.src.seek(SeekFrom::Start(pos.byte))?;
        self.start = 0;
        self.end = 0;
        self.eof = false;
        self.byte = pos.byte;
        self.line = pos.line;
        self.started = true;
        Ok(())
    }
}

impl<R: Read> CsvReader<R> {
    /// A reader of `src`, which must start at the beginning of the file.
    pub fn new(src: R) -> CsvReader<R> {
        CsvReader {
            src,
            buf: vec![0; BUFFER],
            start: 0,
            end: 0,
            eof: false,
            byte: 0,
            line: 1,
            records: 0,
            has_bom: false,
            started: false,
            last: (0, 0),
            last_pos: RecordPos { byte: 0, line: 1 },
            spans: Vec::new(),
            raw_faults: Vec::new(),
            multiline: None,
            simple: None,
            faults: Vec::new(),
            scratch: Vec::new(),
            ranges: Vec::new(),
        }
    }

    /// Looks at the first bytes, to skip (and note) a byte order mark.
    fn start_up(&mut self) -> std::io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        while self.end - self.start < BOM.len() && !self.eof {
            self.fill()?;
        }
        if self.buf[self.start..self.end].starts_with(BOM) {
            self.has_bom = true;
            self.start += BOM.len();
            self.byte += BOM.len() as u64;
        }
        Ok(())
    }

    /// Reads more bytes after `end`, moving the unread part to the front (and growing the
    /// buffer when the unread part fills it).
    fn fill(&mut self) -> std::io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let n = self.buf.len() * 2;
            self.buf.resize(n, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next record into `record`; false at the end of the file. Structure faults of
    /// the record are in [`CsvReader::faults`] until the next read; the cells are read as they
    /// were most likely meant (an undoubled quote kept as a quote).
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> std::io::Result<bool> {
        record.clear();
        if !self.advance()? {
            return Ok(false);
        }
        self.fill_record(record);
        Ok(true)
    }

    /// Reads the next record into `record` as raw bytes and field ranges (see [`RawRecord`]);
    /// false at the end of the file. Faults are in [`CsvReader::faults`], as with `read`.
    pub fn read_raw(&mut self, record: &mut RawRecord) -> std::io::Result<bool> {
        if !self.advance()? {
            return Ok(false);
        }
        self.split_last();
        let raw = &self.buf[self.last.0..self.last.1];
        // The fields' bytes end where the last field in the raw record ends (no line end).
        let end = self
            .ranges
            .iter()
            .filter(|r| !r.2)
            .map(|r| r.1)
            .chain(
                self.spans
                    .last()
                    .filter(|_| self.simple.is_none())
                    .map(|s| s.end),
            )
            .max()
            .unwrap_or(0);
        record.bytes.clear();
        record.bytes.extend_from_slice(&raw[..end]);
        record.bytes.extend_from_slice(&self.scratch);
        record.ranges.clear();
        record
            .ranges
            .extend(self.ranges.iter().map(|&(s, e, in_scratch)| {
                if in_scratch {
                    (end + s, end + e)
                } else {
                    (s, e)
                }
            }));
        record.pos = self.last_pos;
        Ok(true)
    }

    /// Reads the next record without copying its fields anywhere; false at the end of the
    /// file. Its fields are then in [`CsvReader::last_fields`], its faults in
    /// [`CsvReader::faults`].
    pub fn advance(&mut self) -> std::io::Result<bool> {
        self.start_up()?;
        self.faults.clear();
        loop {
            if self.start == self.end {
                if self.eof {
                    return Ok(false);
                }
                self.fill()?;
                continue;
            }
            // A blank line holds no record.
            let first = self.buf[self.start];
            if first == b'\n' || first == b'\r' {
                let two = first == b'\r' && self.start + 1 == self.end && !self.eof;
                if two {
                    self.fill()?;
                    continue;
                }
                let n = if first == b'\r'
                    && self.buf.get(self.start + 1) == Some(&b'\n')
                    && self.start + 1 < self.end
                {
                    2
                } else {
                    1
                };
                self.start += n;
                self.byte += n as u64;
                self.line += 1;
                continue;
            }
            match self.scan() {
                Some((len, inner_lines, terminated)) => {
                    let (s, e) = (self.start, self.start + len);
                    self.last = (s, e);
                    self.last_pos = RecordPos {
                        byte: self.byte,
                        line: self.line,
                    };
                    self.start = e;
                    self.byte += len as u64;
                    self.line += inner_lines + u64::from(terminated);
                    self.records += 1;
                    self.locate_faults();
                    return Ok(true);
                }
                None => self.fill()?,
            }
        }
    }

    /// Reads the next record and fails on its first structure fault.
    pub fn read_strict(
        &mut self,
        record: &mut csv::ByteRecord,
    ) -> std::io::Result<std::result::Result<bool, CsvFault>> {
        let more = self.read(record)?;
        Ok(match self.faults.first() {
            Some(f) => Err(f.clone()),
            None => Ok(more),
        })
    }

    /// The fields of the record last read, as raw spans (split now for a record read by the
    /// fast path, which does not keep them).
    fn spans(&self) -> std::borrow::Cow<'_, [Span]> {
        let Some(line_end) = self.simple else {
            return std::borrow::Cow::Borrowed(&self.spans);
        };
        let raw = &self.buf[self.last.0..self.last.1];
        let mut spans = Vec::new();
        let mut s = 0;
        for c in memchr::memchr_iter(b',', &raw[..line_end]) {
            spans.push(Span::plain(s, c));
            s = c + 1;
        }
        spans.push(Span::plain(s, line_end));
        std::borrow::Cow::Owned(spans)
    }

    /// Structure faults of the record last read, in the order of their position.
    pub fn faults(&self) -> &[CsvFault] {
        &self.faults
    }

    /// Position of the record last read.
    pub fn position(&self) -> RecordPos {
        self.last_pos
    }

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

    /// The source, once the records have been read.
    pub fn into_inner(self) -> R {
        self.src
    }

    /// The source, while the records are being read.
    pub fn get_ref(&self) -> &R {
        &self.src
    }

    /// Scans one record at `buf[start..end]`: its length (terminator included), the line ends
    /// inside its quoted cells, and whether it ends with a line end. `None` when more bytes
    /// are needed. Fills `spans`, `raw_faults` and `multiline`.
    fn scan(&mut self) -> Option<(usize, u64, bool)> {
        let raw = &self.buf[self.start..self.end];
        let n = raw.len();
        let eof = self.eof;
        self.spans.clear();
        self.raw_faults.clear();
        self.multiline = None;
        self.simple = None;
        // The common record, without quotes or a lone CR: split at commas with memchr.
        if let Some(e) = memchr::memchr3(b'\n', b'\r', b'"', raw) {
            let (line_end, len) = match raw[e] {
                b'\n' => (e, e + 1),
                b'\r' if raw.get(e + 1) == Some(&b'\n') => (e, e + 2),
                _ => (usize::MAX, 0),
            };
            if line_end != usize::MAX {
                // The fields are split when the record is built (spans only when asked).
                self.simple = Some(line_end);
                return Some((len, 0, true));
            }
        }
        let mut inner_lines = 0u64;
        let mut i = 0;
        loop {
            let start = i;
            if i < n && raw[i] == b'"' {
                i += 1;
                let mut escaped = false;
                loop {
                    while i < n && raw[i] != b'"' {
                        match raw[i] {
                            b'\n' => {
                                inner_lines += 1;
                                self.multiline.get_or_insert(start);
                            }
                            b'\r' => {
                                if i + 1 == n && !eof {
                                    return None;
                                }
                                if raw.get(i + 1) != Some(&b'\n') {
                                    inner_lines += 1;
                                }
                                self.multiline.get_or_insert(start);
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                    if i == n {
                        if !eof {
                            return None;
                        }
                        self.raw_faults.push(RawFault::Unclosed(start));
                        self.spans.push(Span {
                            start,
                            end: n,
                            quoted: true,
                            escaped,
                            closed: false,
                        });
                        return Some((n, inner_lines, false));
                    }
                    // raw[i] is a quote.
                    match raw.get(i + 1) {
                        None if !eof => return None,
                        Some(b'"') => {
                            escaped = true;
                            i += 2;
                        }
                        None | Some(b',') | Some(b'\r') | Some(b'\n') => {
                            i += 1;
                            break;
                        }
                        Some(_) => {
                            self.raw_faults.push(RawFault::Undoubled {
                                at: i,
                                opened: start,
                            });
                            escaped = true;
                            i += 1;
                        }
                    }
                }
                self.spans.push(Span {
                    start,
                    end: i,
                    quoted: true,
                    escaped,
                    closed: true,
                });
            } else {
                loop {
                    while i < n && CLASS[raw[i] as usize] == 0 {
                        i += 1;
                    }
                    if i < n && raw[i] == b'"' {
                        self.raw_faults.push(RawFault::Stray(i));
                        i += 1;
                        continue;
                    }
                    break;
                }
                if i == n && !eof {
                    return None;
                }
                self.spans.push(Span {
                    start,
                    end: i,
                    quoted: false,
                    escaped: false,
                    closed: true,
                });
            }
            if i == n {
                return Some((n, inner_lines, false));
            }
            match raw[i] {
                b',' => i += 1,
                b'\n' => return Some((i + 1, inner_lines, true)),
                _ => {
                    // A CR, alone or followed by LF.
                    if i + 1 == n && !eof {
                        return None;
                    }
                    let len = if raw.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    return Some((len, inner_lines, true));
                }
            }
        }
    }

    /// Fills `record` with the fields of the record last read.
    fn fill_record(&mut self, record: &mut csv::ByteRecord) {
        let mut p = csv::Position::new();
        p.set_byte(self.last_pos.byte)
            .set_line(self.last_pos.line)
            .set_record(self.records - 1);
        let fields = self.last_fields();
        for i in 0..fields.len() {
            record.push_field(fields.get(i).unwrap_or_default());
        }
        record.set_position(Some(p));
    }

    /// The fields of the record last read, as their content: borrowed from the read buffer
    /// (a field with a doubled quote is unescaped into a buffer of the reader's). For loops
    /// that read every cell once, where building a record would copy every byte.
    pub fn last_fields(&mut self) -> Fields<'_> {
        self.split_last();
        self.fields()
    }

    /// The fields of the record last read, once [`CsvReader::split_last`] has split it.
    pub fn fields(&self) -> Fields<'_> {
        Fields {
            raw: &self.buf[self.last.0..self.last.1],
            scratch: &self.scratch,
            ranges: &self.ranges,
        }
    }

    /// Splits the record last read into its fields (see [`CsvReader::last_fields`]).
    pub fn split_last(&mut self) {
        self.ranges.clear();
        self.scratch.clear();
        let raw = &self.buf[self.last.0..self.last.1];
        if let Some(line_end) = self.simple {
            let mut s = 0;
            for c in memchr::memchr_iter(b',', &raw[..line_end]) {
                self.ranges.push((s, c, false));
                s = c + 1;
            }
            self.ranges.push((s, line_end, false));
        } else {
            for span in &self.spans {
                let content = content_range(span);
                if span.escaped {
                    let from = self.scratch.len();
                    unescape(&raw[content], &mut self.scratch);
                    self.ranges.push((from, self.scratch.len(), true));
                } else {
                    self.ranges.push((content.start, content.end, false));
                }
            }
        }
    }

    /// Turns the raw faults of the record just scanned into located ones.
    fn locate_faults(&mut self) {
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

/// A record read by [`CsvReader::read_raw`]: its bytes as they are in the file (commas and
/// quotes included, the line end left out) with the unescaped content of any cell that holds
/// a doubled quote after them, and where each field's content is. Filling one costs a single
/// copy of the record, not one per field, which is what keeps validation's reading thread
/// ahead of the checks.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    bytes: Vec<u8>,
    ranges: Vec<(usize, usize)>,
    pos: RecordPos,
}

impl RawRecord {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether the record has no field (never true for a record read).
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The record's bytes: every field's content is a range of them ([`RawRecord::range`]).
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// Where field `i`'s content is in [`RawRecord::as_slice`].
    pub fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        self.ranges.get(i).map(|&(s, e)| s..e)
    }

    /// Where the record starts in the file.
    pub fn position(&self) -> RecordPos {
        self.pos
    }
}

impl std::ops::Index<usize> for RawRecord {
    type Output = [u8];
    fn index(&self, i: usize) -> &[u8] {
        let (s, e) = self.ranges[i];
        &self.bytes[s..e]
    }
}

/// The fields of one record as their content (see [`CsvReader::last_fields`]).
pub struct Fields<'r> {
    raw: &'r [u8],
    scratch: &'r [u8],
    /// Start, end, and whether the field is in `scratch` (else in `raw`).
    ranges: &'r [(usize, usize, bool)],
}

impl<'r> Fields<'r> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether the record has no field (never true for a record read).
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The content of field `i`.
    pub fn get(&self, i: usize) -> Option<&'r [u8]> {
        let &(s, e, in_scratch) = self.ranges.get(i)?;
        Some(if in_scratch {
            &self.scratch[s..e]
        } else {
            &self.raw[s..e]
        })
    }

    /// The fields as text, with one UTF-8 check for the whole record (fields start and end
    /// at ASCII delimiters, so the record is UTF-8 exactly when every field is). `Err`: the
    /// first field that is not, and how many of its bytes are.
    pub fn to_text(&self) -> std::result::Result<TextFields<'r>, (usize, usize)> {
        match (
            std::str::from_utf8(self.raw),
            std::str::from_utf8(self.scratch),
        ) {
            (Ok(raw), Ok(scratch)) => Ok(TextFields {
                raw,
                scratch,
                ranges: self.ranges,
            }),
            _ => Err((0..self.len())
                .find_map(|i| {
                    let bytes = self.get(i).unwrap_or_default();
                    std::str::from_utf8(bytes)
                        .err()
                        .map(|e| (i, e.valid_up_to()))
                })
                .unwrap_or((0, 0))),
        }
    }
}

/// The fields of one record as text (see [`Fields::to_text`]).
#[derive(Clone, Copy)]
pub struct TextFields<'r> {
    raw: &'r str,
    scratch: &'r str,
    ranges: &'r [(usize, usize, bool)],
}

impl<'r> TextFields<'r> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether the record has no field (never true for a record read).
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The content of field `i`.
    pub fn get(&self, i: usize) -> Option<&'r str> {
        let &(s, e, in_scratch) = self.ranges.get(i)?;
        if in_scratch {
            self.scratch.get(s..e)
        } else {
            self.raw.get(s..e)
        }
    }
}

/// The content of a field within the raw record: without its quotes when quoted.
fn content_range(span: &Span) -> std::ops::Range<usize> {
    if !span.quoted {
        return span.start..span.end;
    }
    // An unclosed cell runs to the end of the file; a closed one ends before its quote.
    let end = if span.closed { span.end - 1 } else { span.end };
    (span.start + 1)..end
}

/// Content of a quoted cell: a doubled quote is one quote (an undoubled one is kept).
fn unescape(content: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < content.len() {
        out.push(content[i]);
        if content[i] == b'"' && content.get(i + 1) == Some(&b'"') {
            i += 2;
        } else {
            i += 1;
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
fn count_lines(raw: &[u8]) -> u64 {
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

/// Position of a record just read.
pub fn record_pos(record: &csv::ByteRecord) -> RecordPos {
    let p = record
        .position()
        .expect("records read by CsvReader carry a position");
    RecordPos {
        byte: p.byte(),
        line: p.line(),
    }
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

    /// Every record of `text`.
    /// A record read: its line, its fields, its faults as (rule, line, column).
    type RecordSeen = (u64, Vec<String>, Vec<(&'static str, u64, u64)>);

    fn read_all(text: &[u8]) -> Vec<RecordSeen> {
        let mut r = CsvReader::new(text);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while r.read(&mut rec).unwrap() {
            out.push((
                record_pos(&rec).line,
                rec.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
                r.faults()
                    .iter()
                    .map(|f| (f.rule(), f.at.line, f.at.column))
                    .collect(),
            ));
        }
        out
    }

    #[test]
    fn lf_crlf_and_cr_line_ends_each_count_one_line() {
        for end in ["\n", "\r\n", "\r"] {
            let text = format!("a,b{end}1,\"x{end}y\"{end}{end}2,z{end}");
            let recs = read_all(text.as_bytes());
            let lines: Vec<u64> = recs.iter().map(|r| r.0).collect();
            assert_eq!(lines, [1, 2, 5], "{end:?}");
            assert_eq!(recs[1].1, ["1", &format!("x{end}y")]);
            assert!(recs.iter().all(|r| r.2.is_empty()));
        }
        // No line end after the last record; a CR split from its LF by the buffer.
        let recs = read_all(b"a,b\r\n1,2");
        assert_eq!(recs[1], (2, vec!["1".into(), "2".into()], vec![]));
    }

    #[test]
    fn quotes_are_read_strictly() {
        let recs = read_all(b"a,b\n1,\"say \"\"hi\"\"\"\n");
        assert_eq!(recs[1].1, ["1", "say \"hi\""]);
        // An undoubled quote inside a quoted cell: reported where it is, kept as a quote.
        let recs = read_all(b"a,b\n1,\"troop figure,\" not confirmed\"\n2,x\n");
        assert_eq!(recs[1].1, ["1", "troop figure,\" not confirmed"]);
        assert_eq!(recs[1].2, [("csv/quote", 2, 17)]);
        assert_eq!(recs[2].1, ["2", "x"]);
        // A quote in a cell that is not quoted.
        let recs = read_all(b"a,b\n1,5\" tall\n");
        assert_eq!(recs[1].2, [("csv/quote", 2, 4)]);
        // A quote never closed: reported at the opening quote.
        let recs = read_all(b"a,b\n1,\"open\n2,x\n");
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].2, [("csv/quote", 2, 3)]);
        assert_eq!(recs[1].1, ["1", "open\n2,x\n"]);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_noted() {
        let mut r = CsvReader::new(&b"\xEF\xBB\xBFa,b\n1,2\n"[..]);
        let mut rec = csv::ByteRecord::new();
        assert!(r.read(&mut rec).unwrap());
        assert!(r.has_bom);
        assert_eq!(&rec[0], b"a");
        assert_eq!(record_pos(&rec), RecordPos { byte: 3, line: 1 });
    }

    #[test]
    fn a_record_longer_than_the_buffer_is_read_whole() {
        let cell = "x".repeat(3 * BUFFER + 7);
        let text = format!("a,b\n1,\"{cell}\"\n2,y\n");
        let recs = read_all(text.as_bytes());
        assert_eq!(recs[1].1[1].len(), cell.len());
        assert_eq!(recs[2], (3, vec!["2".into(), "y".into()], vec![]));
    }

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

    /// A small deterministic generator (no dependency) for the round-trip checks below.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn what_the_csv_writer_writes_is_read_back_exactly() {
        let alphabet: &[&str] = &[
            "a", "é", ",", "\"", "\n", "\r", "\r\n", " ", "\u{feff}", "x",
        ];
        let mut rng = Lcg(7);
        for case in 0..500 {
            let width = 1 + rng.next(4) as usize;
            let rows: Vec<Vec<String>> = (0..1 + rng.next(5))
                .map(|_| {
                    (0..width)
                        .map(|_| {
                            (0..rng.next(6))
                                .map(|_| alphabet[rng.next(alphabet.len() as u64) as usize])
                                .collect()
                        })
                        .collect()
                })
                // A record of one empty field is a blank line: it holds no record.
                .filter(|r: &Vec<String>| !(width == 1 && r[0].is_empty()))
                .collect();
            let terminator = [b'\n', b'\r'][case % 2];
            let mut w = csv::WriterBuilder::new()
                .terminator(if case % 3 == 0 {
                    csv::Terminator::CRLF
                } else {
                    csv::Terminator::Any(terminator)
                })
                .from_writer(Vec::new());
            for r in &rows {
                w.write_record(r).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            if bytes.starts_with(BOM) {
                continue;
            }
            let read = read_all(&bytes);
            let cells: Vec<Vec<String>> = read.iter().map(|r| r.1.clone()).collect();
            assert_eq!(cells, rows, "{:?}", String::from_utf8_lossy(&bytes));
            assert!(read.iter().all(|r| r.2.is_empty()));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_lines_stay_in_the_file() {
        let alphabet = b",\"\r\na\xE9 ";
        let mut rng = Lcg(11);
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..rng.next(40))
                .map(|_| alphabet[rng.next(alphabet.len() as u64) as usize])
                .collect();
            let lines = 1 + count_lines(&bytes);
            for (line, _, faults) in read_all(&bytes) {
                assert!(line <= lines, "{bytes:?}");
                assert!(faults.iter().all(|f| f.1 <= lines && f.2 >= 1), "{bytes:?}");
            }
        }
    }
}
