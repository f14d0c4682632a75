//! Cells as the schema reads them: canonical integers, numbers and dates, the canonical
//! spelling of a number written another way, the order of cells and rows, and a row as the
//! typed JSON object the schema validates.

use super::{Kind, Schema};
use serde_json::Value;

/// Parses an integer cell written in canonical form only: `0`, or an optional `-` and a digit
/// 1-9 followed by digits, within 64 bits. `+3`, `03` and `-0` are not integers here (a
/// spreadsheet reads `+3` as a formula, and two spellings of one value would compare as
/// different keys). The schema, the fast path and the rules all read integers through this
/// function, so they agree on what an integer is.
pub fn parse_integer(cell: &str) -> Option<i64> {
    let (negative, digits) = match cell.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    match digits {
        [b'0'] if !negative => return Some(0),
        [b'1'..=b'9', ..] => {}
        _ => return None,
    }
    // One pass; accumulated below zero, where i64::MIN fits.
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if negative {
        Some(n)
    } else {
        n.checked_neg()
    }
}

/// Parses a number cell written as a JSON number (`-1.5`, `0.25`, `2e3`): no `+`, no leading
/// zeros, no `inf` or `NaN` (which spreadsheets evaluate as formulas), finite.
pub fn parse_number(cell: &str) -> Option<f64> {
    if !is_plain_number(cell) {
        return None;
    }
    cell.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whether a cell is a number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn is_plain_number(cell: &str) -> bool {
    let b = cell.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// The canonical spelling of a numeric cell written another way (`+3` and `03` are `3`,
/// `-0` is `0`, `.5` is `0.5`), for hints; `None` when the cell is no number at all (words,
/// `inf`, `NaN`) or is already canonical.
pub fn canonical_spelling(kind: Kind, cell: &str) -> Option<String> {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let negative = cell.starts_with('-');
    match kind {
        Kind::Integer => {
            if unsigned.is_empty() || !unsigned.bytes().all(|d| d.is_ascii_digit()) {
                return None;
            }
            let magnitude = unsigned.trim_start_matches('0');
            let n: i128 = if magnitude.is_empty() {
                0
            } else if magnitude.len() > 19 {
                return None;
            } else {
                magnitude.parse().ok()?
            };
            let n = i64::try_from(if negative { -n } else { n }).ok()?;
            Some(n.to_string()).filter(|c| c != cell)
        }
        Kind::Number => {
            let plain = |c: u8| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-');
            if parse_number(cell).is_some() || !cell.bytes().all(plain) {
                return None;
            }
            let x = cell.parse::<f64>().ok().filter(|x| x.is_finite())?;
            Some(Value::from(x).to_string())
        }
        _ => None,
    }
}

/// Parses an ISO date cell (`YYYY-MM-DD`); `None` when blank, malformed or not a real date.
///
/// Hand-parsed because it runs several times per row: chrono's format-string parser is the
/// general tool and costs several times more.
pub fn parse_date(cell: &str) -> Option<chrono::NaiveDate> {
    let b = cell.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + (d - b'0') as u32)
        })
    };
    chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Compares two rows by their sort-key cells, column after column: the canonical order of a
/// table ([`canonical`](super::canonical)) and what the `sort-order` rule checks.
pub fn compare_keys(kinds: &[Kind], a: &[&str], b: &[&str]) -> std::cmp::Ordering {
    kinds
        .iter()
        .zip(a)
        .zip(b)
        .map(|((k, x), y)| compare_cells(*k, x, y))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Compares two cells of one column: blank first, numbers numerically, text by bytes.
pub fn compare_cells(kind: Kind, a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    if matches!(kind, Kind::Integer | Kind::Number) {
        if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
            return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
        }
    }
    a.cmp(b)
}

/// The row as the typed JSON object the schema describes (columns marked absent in
/// `present` left out; `None`: all present).
pub fn row_object(schema: &Schema, cells: &[&str], present: Option<&[bool]>) -> Value {
    let mut m = serde_json::Map::with_capacity(cells.len());
    for (i, c) in schema.columns.iter().enumerate() {
        if present.is_none_or(|p| p[i]) {
            m.insert(c.name.clone(), schema.cell_to_json(i, cells[i]));
        }
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_numbers_are_numbers() {
        for (cell, n) in [
            ("0", 0),
            ("7", 7),
            ("-12", -12),
            ("9223372036854775807", i64::MAX),
        ] {
            assert_eq!(parse_integer(cell), Some(n), "{cell}");
        }
        for cell in [
            "+3",
            "03",
            "-0",
            "-03",
            "",
            "-",
            "3.0",
            "1e3",
            " 3",
            "9223372036854775808",
        ] {
            assert_eq!(parse_integer(cell), None, "{cell}");
        }
        for cell in ["0", "-0.5", "2.25", "1e3", "-1E-3"] {
            assert!(parse_number(cell).is_some(), "{cell}");
        }
        for cell in [
            "inf",
            "-inf",
            "+NaN",
            "nan",
            "-Infinity",
            "+3",
            "03",
            ".5",
            "5.",
            "1e400",
        ] {
            assert_eq!(parse_number(cell), None, "{cell}");
        }
        let canon = |k, c| canonical_spelling(k, c);
        assert_eq!(canon(Kind::Integer, "+3").as_deref(), Some("3"));
        assert_eq!(canon(Kind::Integer, "03").as_deref(), Some("3"));
        assert_eq!(canon(Kind::Integer, "-007").as_deref(), Some("-7"));
        assert_eq!(canon(Kind::Integer, "-0").as_deref(), Some("0"));
        assert_eq!(canon(Kind::Integer, "3"), None);
        assert_eq!(canon(Kind::Integer, "three"), None);
        assert_eq!(canon(Kind::Number, "+.5").as_deref(), Some("0.5"));
        assert_eq!(canon(Kind::Number, "-inf"), None);
    }
}
