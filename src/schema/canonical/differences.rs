//! Where a file departs from its canonical form, for `aabc fmt --check`: one [`Difference`]
//! per place `fmt` would change, of each kind it changes (a byte order mark, the column
//! order, white space around a cell, quoting, line ends, a missing final line end, blank
//! lines, the row order), with its line and, for a cell, its written and canonical form.
//!
//! The file was already read whole by [`super::canonical`], so it is well-formed CSV in
//! UTF-8: this module only looks again at the bytes of each record, whose starts the reader
//! noted. It still never indexes past what it is given, so a file changed between the two
//! reads gives odd places, not a panic.

use super::Canonical;
use crate::schema::Schema;
use crate::table::text::shown;
use crate::table::BOM;

/// A kind of difference from the canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DifferenceKind {
    Bom,
    ColumnOrder,
    WhiteSpace,
    Quoting,
    LineEnding,
    FinalNewline,
    BlankLine,
    RowOrder,
}

impl DifferenceKind {
    /// The kind in words, as the summary line names it.
    pub fn name(self) -> &'static str {
        match self {
            DifferenceKind::Bom => "byte order mark",
            DifferenceKind::ColumnOrder => "column order",
            DifferenceKind::WhiteSpace => "white space",
            DifferenceKind::Quoting => "quoting",
            DifferenceKind::LineEnding => "line ends",
            DifferenceKind::FinalNewline => "final line end",
            DifferenceKind::BlankLine => "blank lines",
            DifferenceKind::RowOrder => "row order",
        }
    }
}

/// One place where the file differs from its canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: DifferenceKind,
    /// 1-based line of the file (LF, CRLF and a lone CR each end one).
    pub line: u64,
    /// What differs there, input shown safely.
    pub what: String,
}

/// Every place where `current` (the file's bytes) differs from `canonical`, by line; empty
/// when they are equal.
pub fn differences(schema: &Schema, current: &[u8], canonical: &Canonical) -> Vec<Difference> {
    if current == canonical.bytes.as_slice() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if current.starts_with(BOM) {
        out.push(Difference {
            kind: DifferenceKind::Bom,
            line: 1,
            what: "the file starts with a byte order mark; canonical files have none".into(),
        });
    }
    let records = records(current, canonical);
    let first = canonical.positions.first().map_or(0, |p| p.byte as usize);
    let start = if current.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    blank_lines(current.get(start..first).unwrap_or_default(), 1, &mut out);
    let mut names: Vec<String> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let fields = split_fields(r.text);
        if i == 0 {
            names = fields
                .iter()
                .map(|f| unquote(f).trim().to_string())
                .collect();
            column_order(schema, &names, r.line, &mut out);
        }
        cells(r.line, i == 0, &fields, &names, &mut out);
        ending(r, i + 1 == records.len(), &mut out);
    }
    row_order(canonical, &mut out);
    out.sort_by_key(|d| (d.line, d.kind));
    out
}

/// One record as it is in the file: its text (without its line end), its line, the line end
/// after it and what follows up to the next record (blank lines).
struct RawRecord<'a> {
    text: &'a [u8],
    line: u64,
    end: &'a [u8],
    rest: &'a [u8],
}

/// The records of the file, cut at the starts the reader noted.
fn records<'a>(current: &'a [u8], canonical: &Canonical) -> Vec<RawRecord<'a>> {
    let p = &canonical.positions;
    (0..p.len())
        .filter_map(|i| {
            let from = p[i].byte as usize;
            let to = p.get(i + 1).map_or(current.len(), |n| n.byte as usize);
            let raw = current.get(from..to.max(from))?;
            let len = record_len(raw);
            let after = &raw[len..];
            let end_len = line_end_len(after);
            Some(RawRecord {
                text: &raw[..len],
                line: p[i].line,
                end: &after[..end_len],
                rest: &after[end_len..],
            })
        })
        .collect()
}

/// Bytes of the record at the start of `raw`, up to its first line end outside quotes.
fn record_len(raw: &[u8]) -> usize {
    let mut quoted = false;
    for (i, &b) in raw.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => return i,
            _ => {}
        }
    }
    raw.len()
}

/// Length of the line end `raw` starts with (CRLF, LF or CR), 0 when none.
fn line_end_len(raw: &[u8]) -> usize {
    match raw {
        [b'\r', b'\n', ..] => 2,
        [b'\n' | b'\r', ..] => 1,
        _ => 0,
    }
}

/// A record's fields as written, quotes included.
fn split_fields(text: &[u8]) -> Vec<&[u8]> {
    let mut fields = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                fields.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&text[start..]);
    fields
}

/// A field's content: without its quotes, doubled quotes made single.
fn unquote(field: &[u8]) -> std::borrow::Cow<'_, str> {
    let (inner, quoted) = match field {
        [b'"', inner @ .., b'"'] => (inner, true),
        _ => (field, false),
    };
    let text = String::from_utf8_lossy(inner);
    if quoted && text.contains('"') {
        text.replace("\"\"", "\"").into()
    } else {
        text
    }
}

/// How the canonical writer writes one field. Only a field holding a quote, a comma or a line
/// end is quoted, so the writer is asked only about those.
fn written(content: &str) -> std::borrow::Cow<'_, [u8]> {
    if !content
        .bytes()
        .any(|b| matches!(b, b'"' | b',' | b'\r' | b'\n'))
    {
        return std::borrow::Cow::Borrowed(content.as_bytes());
    }
    let mut out = Vec::new();
    {
        let mut w = crate::table::writer(&mut out);
        // A second, empty field: a lone empty field would be quoted to keep its record.
        let _ = w.write_record([content, ""]);
        let _ = w.flush();
    }
    out.truncate(out.len().saturating_sub(2));
    std::borrow::Cow::Owned(out)
}

/// A column named for a message: its header name, or its number in the header itself.
fn column_name(names: &[String], header: bool, j: usize) -> String {
    match names.get(j) {
        Some(n) if !header => format!("column {}", shown(n)),
        _ => format!("column {}", j + 1),
    }
}

/// White space around a cell, and quoting other than the writer's.
fn cells(line: u64, header: bool, fields: &[&[u8]], names: &[String], out: &mut Vec<Difference>) {
    for (j, raw) in fields.iter().enumerate() {
        let content = unquote(raw);
        let trimmed = content.trim();
        let column = || column_name(names, header, j);
        let (kind, what) = if trimmed != content {
            (
                DifferenceKind::WhiteSpace,
                format!(
                    "{}: white space around the cell: written {}; canonical {}",
                    column(),
                    shown(&content),
                    shown(trimmed)
                ),
            )
        } else if *written(&content) != **raw {
            let canonical = written(&content);
            let how = if raw.starts_with(b"\"") {
                "quoted where it need not be"
            } else {
                "not quoted as the writer quotes it"
            };
            (
                DifferenceKind::Quoting,
                format!(
                    "{}: {how}: written {}; canonical {}",
                    column(),
                    shown(&String::from_utf8_lossy(raw)),
                    shown(&String::from_utf8_lossy(&canonical))
                ),
            )
        } else {
            continue;
        };
        out.push(Difference { kind, line, what });
    }
}

/// The header's columns (on `line`) in another order than the schema's: the first column out
/// of place.
fn column_order(schema: &Schema, names: &[String], line: u64, out: &mut Vec<Difference>) {
    let expected: Vec<&str> = schema.column_names().collect();
    let Some(j) =
        (0..expected.len()).find(|&j| names.get(j).map(String::as_str) != Some(expected[j]))
    else {
        return;
    };
    let here = names
        .iter()
        .position(|n| n == expected[j])
        .map_or_else(|| "absent".to_string(), |k| format!("column {}", k + 1));
    out.push(Difference {
        kind: DifferenceKind::ColumnOrder,
        line,
        what: format!(
            "the columns are in another order than the schema's: {} is {here}; canonical: column {}",
            shown(expected[j]),
            j + 1
        ),
    });
}

/// The line end after a record, its absence at the end of the file, and blank lines after it.
fn ending(r: &RawRecord<'_>, last: bool, out: &mut Vec<Difference>) {
    let line = r.line + crate::table::locate::count_lines(r.text);
    let found = match r.end {
        b"\r\n" => Some((
            DifferenceKind::LineEnding,
            "the line ends with CRLF; canonical: LF",
        )),
        b"\r" => Some((
            DifferenceKind::LineEnding,
            "the line ends with CR; canonical: LF",
        )),
        b"" if last => Some((
            DifferenceKind::FinalNewline,
            "the last line has no line end; canonical: LF",
        )),
        _ => None,
    };
    if let Some((kind, what)) = found {
        out.push(Difference {
            kind,
            line,
            what: what.into(),
        });
    }
    blank_lines(r.rest, line + 1, out);
}

/// One difference per blank line in `raw` (line ends only), the first on `line`.
fn blank_lines(raw: &[u8], line: u64, out: &mut Vec<Difference>) {
    let mut rest = raw;
    let mut line = line;
    while !rest.is_empty() {
        let n = line_end_len(rest).max(1);
        out.push(Difference {
            kind: DifferenceKind::BlankLine,
            line,
            what: "a blank line; canonical files have none".into(),
        });
        rest = &rest[n..];
        line += 1;
    }
}

/// Rows out of the schema's sort order: those outside a longest run already in order, each
/// with the line of the row it belongs before (or after, at the end).
fn row_order(canonical: &Canonical, out: &mut Vec<Difference>) {
    let order = &canonical.order;
    let mut place = vec![0; order.len()];
    for (p, &i) in order.iter().enumerate() {
        place[i] = p;
    }
    let staying = longest_increasing(&place);
    let line_of = |i: usize| canonical.positions.get(i + 1).map_or(0, |p| p.line);
    for (i, &p) in place.iter().enumerate() {
        if staying[i] {
            continue;
        }
        let what = match (
            order.get(p + 1),
            p.checked_sub(1).and_then(|q| order.get(q)),
        ) {
            (Some(&next), _) => format!(
                "the row is out of the sort order: it belongs before the row on line {}",
                line_of(next)
            ),
            (None, Some(&prev)) => format!(
                "the row is out of the sort order: it belongs after the row on line {}",
                line_of(prev)
            ),
            (None, None) => continue,
        };
        out.push(Difference {
            kind: DifferenceKind::RowOrder,
            line: line_of(i),
            what,
        });
    }
}

/// Which items of `seq` (distinct numbers) form a longest increasing subsequence: the rows
/// that can stay while the others move.
fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    // Patience sorting: `tails[k]` is the index ending the best run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &x) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq[t] < x);
        before[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut keep = vec![false; seq.len()];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        keep[i] = true;
        at = before[i];
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_longest_run_in_order_stays() {
        assert_eq!(longest_increasing(&[0, 1, 2]), [true, true, true]);
        assert_eq!(longest_increasing(&[1, 0, 2]), [false, true, true]);
        assert_eq!(longest_increasing(&[3, 0, 1, 2]), [false, true, true, true]);
        assert_eq!(longest_increasing(&[]), Vec::<bool>::new());
    }

    #[test]
    fn fields_are_split_outside_quotes_and_unquoted() {
        let f = split_fields(b"a,\"b,\"\"c\"\"\",");
        assert_eq!(f, [&b"a"[..], b"\"b,\"\"c\"\"\"", b""]);
        assert_eq!(unquote(f[1]), "b,\"c\"");
        assert_eq!(*written("b,\"c\""), *b"\"b,\"\"c\"\"\"");
        assert_eq!(*written("x\r\ny"), *b"\"x\r\ny\"");
        assert_eq!(*written("plain"), *b"plain");
        assert_eq!(*written(""), *b"");
    }
}
