//! The strict RFC 4180 reader every table is read with: records with their physical position,
//! and every structure fault where it is.
//!
//! One state machine reads every table: a cell that starts with a double quote is quoted and
//! ends at the next single quote followed by a comma or a line end; a quote inside it is
//! doubled. LF, CRLF and a lone CR each end one line, inside or outside quotes, and a blank
//! line holds no record. The reader does not stop at a fault: it records it (with line and
//! column), reads the cell as it most likely was meant, and goes on, so that a validation
//! names every fault. Callers that need well-formed input use [`CsvReader::read_strict`].
//!
//! The common record (no quote, no lone CR) is found with one `memchr` and split at its commas
//! only when its fields are asked for; other records are scanned cell by cell, a quoted step
//! and a plain step in turn (`scan.rs`).

use super::scan::{content_range, simple_record, unescape, RawFault, Scan, Span, Step};
use super::BOM;
use crate::error::{CsvFault, Error, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Where a record starts in the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordPos {
    /// Byte offset of the first byte of the record.
    pub byte: u64,
    /// 1-based physical line of the first byte of the record.
    pub line: u64,
}

/// Size of the read buffer; it grows to hold the longest record.
const BUFFER: usize = 1 << 16;

/// A CSV source read strictly, record by record.
pub struct CsvReader<R> {
    src: R,
    pub(super) buf: Vec<u8>,
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
    pub(super) last: (usize, usize),
    pub(super) last_pos: RecordPos,
    spans: Vec<Span>,
    pub(super) raw_faults: Vec<RawFault>,
    /// Opening quote (raw offset) of the first quoted cell of the record that holds a line end.
    pub(super) multiline: Option<usize>,
    /// The record last read has no quote and no lone CR: its fields end at its commas and its
    /// content ends here (raw offset); `spans` is not filled.
    simple: Option<usize>,
    pub(super) faults: Vec<CsvFault>,
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
    pub(super) fn seek_to(&mut self, pos: RecordPos) -> std::io::Result<()> {
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
    pub(super) fn spans(&self) -> std::borrow::Cow<'_, [Span]> {
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
    /// are needed. Fills `spans`, `raw_faults` and `multiline`, or sets `simple` for a record
    /// without quotes or a lone CR, which is split at its commas only when asked.
    fn scan(&mut self) -> Option<(usize, u64, bool)> {
        let raw = &self.buf[self.start..self.end];
        self.spans.clear();
        self.raw_faults.clear();
        self.multiline = None;
        self.simple = None;
        if let Some((line_end, len)) = simple_record(raw) {
            self.simple = Some(line_end);
            return Some((len, 0, true));
        }
        let mut scan = Scan {
            raw,
            eof: self.eof,
            i: 0,
            inner_lines: 0,
            spans: &mut self.spans,
            faults: &mut self.raw_faults,
            multiline: &mut self.multiline,
        };
        loop {
            let start = scan.i;
            let step = if raw.get(start) == Some(&b'"') {
                scan.quoted(start)?
            } else {
                scan.plain(start)?
            };
            if let Step::Record { len, terminated } = step {
                return Some((len, scan.inner_lines, terminated));
            }
            if let Step::Record { len, terminated } = scan.after_cell()? {
                return Some((len, scan.inner_lines, terminated));
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

#[cfg(test)]
mod tests {
    use super::super::locate::count_lines;
    use super::*;

    /// Every record of `text`.
    /// A record read: its line, its fields, its faults as (rule, line, column).
    type RecordSeen = (u64, Vec<String>, Vec<(&'static str, u64, u64)>);

    fn read_all(text: &[u8]) -> Vec<RecordSeen> {
        read_from(CsvReader::new(text))
    }

    fn read_from<R: Read>(mut r: CsvReader<R>) -> Vec<RecordSeen> {
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

    /// A source that gives one byte per read, so that every record is first seen cut short.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            out[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn a_record_cut_anywhere_by_the_source_reads_the_same() {
        let mut rng = Lcg(13);
        for _ in 0..1000 {
            let bytes = random_bytes(&mut rng, 30);
            let trickled = read_from(CsvReader::new(Trickle(&bytes)));
            assert_eq!(trickled, read_all(&bytes), "{bytes:?}");
        }
    }

    /// Up to `max` bytes of the characters that matter to the scan.
    fn random_bytes(rng: &mut Lcg, max: u64) -> Vec<u8> {
        let alphabet = b",\"\r\na\xE9 ";
        (0..rng.next(max))
            .map(|_| alphabet[rng.next(alphabet.len() as u64) as usize])
            .collect()
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_lines_stay_in_the_file() {
        let mut rng = Lcg(11);
        for _ in 0..2000 {
            let bytes = random_bytes(&mut rng, 40);
            let lines = 1 + count_lines(&bytes);
            for (line, _, faults) in read_all(&bytes) {
                assert!(line <= lines, "{bytes:?}");
                assert!(faults.iter().all(|f| f.1 <= lines && f.2 >= 1), "{bytes:?}");
            }
        }
    }
}
