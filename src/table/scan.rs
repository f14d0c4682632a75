//! The scanning of one record: which of its bytes make each cell, whether the cell is quoted,
//! and the structure faults on the way, as raw offsets into the record (turned into lines and
//! columns only for the faults, by [`super::locate`]).
//!
//! The common record, with no quote and no lone CR, is found with one `memchr` for its line
//! end ([`simple_record`]); its cells are split at the commas only when asked. Any other record
//! is scanned cell by cell ([`Scan`]): a quoted step and a plain step, each a tight loop over
//! the bytes it may skip, then the delimiter that ends the cell.

/// One field of the record last read, as raw bytes of the record.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) quoted: bool,
    /// Holds a doubled or undoubled quote: the content must be unescaped.
    pub(super) escaped: bool,
    /// Ends with its closing quote (a quoted cell left open runs to the end of the file).
    pub(super) closed: bool,
}

impl Span {
    pub(super) fn plain(start: usize, end: usize) -> Span {
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
pub(super) enum RawFault {
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

/// The common record, which holds no quote and no lone CR before its line end: where its
/// content ends and its length with the line end. `None` for any other record (or when the
/// line end is not in the buffer yet).
#[inline]
pub(super) fn simple_record(raw: &[u8]) -> Option<(usize, usize)> {
    let e = memchr::memchr3(b'\n', b'\r', b'"', raw)?;
    match raw[e] {
        b'\n' => Some((e, e + 1)),
        b'\r' if raw.get(e + 1) == Some(&b'\n') => Some((e, e + 2)),
        _ => None,
    }
}

/// What a step of [`Scan`] found: the cell goes on to a delimiter, or the record ended (its
/// length, and whether a line end ended it rather than the end of the file).
pub(super) enum Step {
    Cell,
    Record { len: usize, terminated: bool },
}

/// One record being scanned cell by cell (a record that is not [`simple_record`]). Every step
/// returns `None` when the buffer ends before the step can decide, so that the reader reads
/// more and scans the record again from its start.
pub(super) struct Scan<'a> {
    pub(super) raw: &'a [u8],
    pub(super) eof: bool,
    /// The next byte to look at.
    pub(super) i: usize,
    /// Line ends inside quoted cells so far.
    pub(super) inner_lines: u64,
    pub(super) spans: &'a mut Vec<Span>,
    pub(super) faults: &'a mut Vec<RawFault>,
    pub(super) multiline: &'a mut Option<usize>,
}

impl Scan<'_> {
    /// A quoted cell whose opening quote is at `open`: up to and past its closing quote, or to
    /// the end of the file when it is never closed.
    #[inline]
    pub(super) fn quoted(&mut self, open: usize) -> Option<Step> {
        self.i = open + 1;
        let mut escaped = false;
        loop {
            self.quoted_content(open)?;
            if self.i == self.raw.len() {
                return self.unclosed(open, escaped);
            }
            // raw[i] is a quote: doubled, closing, or undoubled (kept as a quote).
            match self.raw.get(self.i + 1) {
                None if !self.eof => return None,
                Some(b'"') => {
                    escaped = true;
                    self.i += 2;
                }
                None | Some(b',') | Some(b'\r') | Some(b'\n') => {
                    self.i += 1;
                    break;
                }
                Some(_) => {
                    self.faults.push(RawFault::Undoubled {
                        at: self.i,
                        opened: open,
                    });
                    escaped = true;
                    self.i += 1;
                }
            }
        }
        self.spans.push(Span {
            start: open,
            end: self.i,
            quoted: true,
            escaped,
            closed: true,
        });
        Some(Step::Cell)
    }

    /// Moves to the next quote of a quoted cell (or the end of the buffer), counting the line
    /// ends on the way.
    #[inline]
    fn quoted_content(&mut self, open: usize) -> Option<()> {
        let n = self.raw.len();
        while let Some(k) = memchr::memchr3(b'"', b'\n', b'\r', &self.raw[self.i..]) {
            self.i += k;
            match self.raw[self.i] {
                b'"' => return Some(()),
                b'\n' => self.inner_lines += 1,
                // A CR, alone or followed by LF (which then counts the line).
                _ => {
                    if self.i + 1 == n && !self.eof {
                        return None;
                    }
                    if self.raw.get(self.i + 1) != Some(&b'\n') {
                        self.inner_lines += 1;
                    }
                }
            }
            self.multiline.get_or_insert(open);
            self.i += 1;
        }
        self.i = n;
        Some(())
    }

    /// A quoted cell that the end of the buffer reaches while open: more bytes are needed, or,
    /// at the end of the file, the cell (and the record) runs to it.
    #[cold]
    fn unclosed(&mut self, open: usize, escaped: bool) -> Option<Step> {
        if !self.eof {
            return None;
        }
        let n = self.raw.len();
        self.faults.push(RawFault::Unclosed(open));
        self.spans.push(Span {
            start: open,
            end: n,
            quoted: true,
            escaped,
            closed: false,
        });
        Some(Step::Record {
            len: n,
            terminated: false,
        })
    }

    /// A cell that does not start with a quote: up to the next comma or line end. A quote in
    /// it is a fault, and part of the cell.
    #[inline]
    pub(super) fn plain(&mut self, start: usize) -> Option<Step> {
        let n = self.raw.len();
        loop {
            while self.i < n && CLASS[self.raw[self.i] as usize] == 0 {
                self.i += 1;
            }
            if self.i < n && self.raw[self.i] == b'"' {
                self.faults.push(RawFault::Stray(self.i));
                self.i += 1;
                continue;
            }
            break;
        }
        if self.i == n && !self.eof {
            return None;
        }
        self.spans.push(Span::plain(start, self.i));
        Some(Step::Cell)
    }

    /// After a cell: a comma starts the next one; a line end (or the end of the file) ends the
    /// record.
    #[inline]
    pub(super) fn after_cell(&mut self) -> Option<Step> {
        let (i, n) = (self.i, self.raw.len());
        let len = match self.raw.get(i) {
            None => {
                return Some(Step::Record {
                    len: n,
                    terminated: false,
                })
            }
            Some(b',') => {
                self.i += 1;
                return Some(Step::Cell);
            }
            Some(b'\n') => i + 1,
            // A CR, alone or followed by LF.
            _ if i + 1 == n && !self.eof => return None,
            _ if self.raw.get(i + 1) == Some(&b'\n') => i + 2,
            _ => i + 1,
        };
        Some(Step::Record {
            len,
            terminated: true,
        })
    }
}

/// The content of a field within the raw record: without its quotes when quoted.
pub(super) fn content_range(span: &Span) -> std::ops::Range<usize> {
    if !span.quoted {
        return span.start..span.end;
    }
    // An unclosed cell runs to the end of the file; a closed one ends before its quote.
    let end = if span.closed { span.end - 1 } else { span.end };
    (span.start + 1)..end
}

/// Content of a quoted cell: a doubled quote is one quote (an undoubled one is kept).
pub(super) fn unescape(content: &[u8], out: &mut Vec<u8>) {
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
