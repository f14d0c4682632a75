//! Text hygiene: no stray whitespace around a cell, no cell a spreadsheet would execute, and
//! no character that hides or reorders text.
//!
//! `trimmed` and `no-formula` run when a schema declares them. The character checks always run,
//! on every cell: a NUL, an invisible or a bidirectional control character is never data, and
//! it makes two cells that look equal differ (or a cell display otherwise than it reads).

use super::Finding;
use crate::schema::{Kind, Schema};
use crate::validate::report::Severity;

pub fn trimmed(id: &str, cells: &[&str], _schema: &Schema, out: &mut Vec<Finding>) {
    for (i, c) in cells.iter().enumerate() {
        // Whitespace can only be at the ends: look at the first and last characters only.
        let ends = c.chars().next().is_some_and(char::is_whitespace)
            || c.chars().next_back().is_some_and(char::is_whitespace);
        if ends {
            out.push(Finding::error(
                id,
                i,
                "has leading or trailing whitespace".to_string(),
                "remove the spaces around the value; `aabc fmt` trims every cell",
            ));
        }
    }
}

/// A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// A cell starting with `=`, `+`, `-` or `@` is a formula unless it is a plain number (`-3`,
/// `-0.5`): `-inf`, `+NaN`, `-Infinity` and `+3` are evaluated by spreadsheets. Number and
/// integer columns are left to the schema, which accepts plain numbers only and says how to
/// write the value.
pub fn no_formula(id: &str, cells: &[&str], schema: &Schema, out: &mut Vec<Finding>) {
    for (i, c) in cells.iter().enumerate() {
        let numeric = matches!(schema.columns[i].kind, Kind::Integer | Kind::Number);
        if !numeric && c.starts_with(FORMULA_STARTS) && !crate::schema::is_plain_number(c) {
            out.push(Finding::error(
                id,
                i,
                "starts with a character that makes spreadsheets run the cell as a formula"
                    .to_string(),
                "reword the cell so it does not start with =, +, - or @",
            ));
        }
    }
}

/// What is wrong with a character that no cell should hold.
#[derive(Clone, Copy)]
enum Odd {
    /// NUL and the other control characters but tab and line feed.
    Control = 0,
    /// Zero-width characters, and a byte order mark inside a cell.
    Invisible = 1,
    /// Characters that change the display order of the text around them.
    Bidi = 2,
    /// A carriage return: most tools turn it into a line break, some into nothing.
    CarriageReturn = 3,
}

fn classify(c: char) -> Option<Odd> {
    match c {
        '\t' | '\n' => None,
        '\r' => Some(Odd::CarriageReturn),
        c if crate::table::text::is_bidi_control(c) => Some(Odd::Bidi),
        c if crate::table::text::is_zero_width(c) => Some(Odd::Invisible),
        c if c.is_control() => Some(Odd::Control),
        _ => None,
    }
}

/// Whether a byte can start one of the characters [`classify`] flags (C0 and DEL; C1 after
/// 0xC2; U+2000..U+2FFF after 0xE2; U+FEFF after 0xEF). Most cells have none and cost one scan.
fn suspicious(b: u8) -> bool {
    b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2 || b == 0xEF
}

/// The usual name of a flagged character, for the message.
fn char_name(c: char) -> &'static str {
    match c {
        '\0' => " (NUL)",
        '\u{1B}' => " (ESC)",
        '\u{200B}' => " (zero-width space)",
        '\u{200C}' => " (zero-width non-joiner)",
        '\u{200D}' => " (zero-width joiner)",
        '\u{2060}' => " (word joiner)",
        '\u{FEFF}' => " (byte order mark)",
        '\u{200E}' => " (left-to-right mark)",
        '\u{200F}' => " (right-to-left mark)",
        '\u{202A}'..='\u{202C}' => " (bidirectional embedding)",
        '\u{202D}' | '\u{202E}' => " (bidirectional override)",
        '\u{2066}'..='\u{2069}' => " (bidirectional isolate)",
        _ => "",
    }
}

/// Whether bytes may hold a character [`classify`] flags. This runs on every row, so it tests
/// eight bytes at a time without branching: a word of printable ASCII (no byte below 0x20, no
/// DEL, no byte with the high bit set) passes with a few integer operations; the last bytes
/// are padded to a word. Bytes that do not pass go to the exact test of each cell.
pub(super) fn maybe_odd(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    let mut odd = false;
    for w in &mut words {
        odd |= word_maybe_odd(u64::from_le_bytes(w.try_into().expect("8 bytes")));
    }
    let rest = words.remainder();
    let mut last = [b' '; 8];
    last[..rest.len()].copy_from_slice(rest);
    odd | word_maybe_odd(u64::from_le_bytes(last))
}

fn word_maybe_odd(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte below `n` (n <= 0x80), exact as to whether any byte is.
    let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH;
    (w & HIGH) | below(w, 0x20) | below(w ^ (ONES * 0x7F), 1) != 0
}

/// Flags control, invisible and bidirectional characters (errors) and carriage returns
/// (a warning) in every cell, once per kind and cell, at the first occurrence.
pub fn characters(cells: &[&str], out: &mut Vec<Finding>) {
    for (i, cell) in cells.iter().enumerate() {
        if !cell.bytes().any(suspicious) {
            continue;
        }
        let mut seen = [false; 4];
        for (n, c) in cell.chars().enumerate() {
            let Some(odd) = classify(c) else { continue };
            if std::mem::replace(&mut seen[odd as usize], true) {
                continue;
            }
            out.push(character_finding(odd, i, c, n + 1));
        }
    }
}

fn character_finding(odd: Odd, column: usize, c: char, at: usize) -> Finding {
    let code = format!("U+{:04X}{}", c as u32, char_name(c));
    let (rule, message, hint) = match odd {
        Odd::Control => (
            "text/control",
            format!("holds the control character {code} at character {at}"),
            "delete it: control characters are invisible and break the tools that read the file (a line break inside a cell is a plain line feed)",
        ),
        Odd::Invisible => (
            "text/invisible",
            format!("holds the invisible character {code} at character {at}"),
            "delete it (it usually comes along when text is pasted from the web): two cells that look equal would differ",
        ),
        Odd::Bidi => (
            "text/bidi",
            format!("holds the bidirectional control character {code} at character {at}: the text displays in another order than it is stored"),
            "delete it; right-to-left text displays correctly without it",
        ),
        Odd::CarriageReturn => (
            "text/carriage-return",
            format!("holds a carriage return (U+000D) at character {at}"),
            "replace it with a plain line break (line feed): tools disagree on what a carriage return inside a cell means",
        ),
    };
    let mut f = Finding::error(rule, column, message, hint);
    if let Odd::CarriageReturn = odd {
        f.severity = Severity::Warning;
    }
    f
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::testing::{found, with};

    #[test]
    fn whitespace_around_a_cell() {
        assert_eq!(found(&with(11, " a note")), ["trimmed"]);
        assert_eq!(found(&with(11, "a note\n")), ["trimmed"]);
        assert!(found(&with(11, "a  note")).is_empty());
    }

    #[test]
    fn formula_injection() {
        assert_eq!(found(&with(11, "=HYPERLINK(\"x\")")), ["no-formula"]);
        assert_eq!(found(&with(11, "@SUM(A1)")), ["no-formula"]);
        assert_eq!(found(&with(11, "-clash")), ["no-formula"]);
        assert!(found(&with(11, "note = fine")).is_empty());
        // A negative number is a number, not a formula (the schema judges its range).
        assert!(found(&with(4, "-3")).iter().all(|r| r != "no-formula"));
        assert!(found(&with(11, "-3.5")).is_empty());
        // What parses as a float in Rust but a spreadsheet evaluates.
        for f in ["-inf", "+NaN", "-Infinity", "+3", "-03", "+.5"] {
            assert_eq!(found(&with(11, f)), ["no-formula"], "{f}");
        }
        // In an integer column the schema reports it (once), not this rule.
        assert!(found(&with(4, "+3")).is_empty());
    }

    #[test]
    fn the_word_at_a_time_test_misses_no_byte() {
        // Every byte value, at every position of two words and a tail.
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut cell = vec![b'a'; 20];
                cell[at] = b;
                if super::suspicious(b) {
                    assert!(super::maybe_odd(&cell), "{b:#x} at {at} missed");
                }
                if (0x20..0x7F).contains(&b) {
                    assert!(!super::maybe_odd(&cell), "{b:#x} at {at}: plain ASCII");
                }
            }
        }
    }

    #[test]
    fn characters_that_hide_or_reorder_text() {
        let cases = [
            ("a\0b", "text/control"),
            ("a\u{1b}[31mb", "text/control"),
            ("a\u{7f}", "text/control"),
            ("a\u{85}b", "text/control"),
            ("a\u{200B}b", "text/invisible"),
            ("a\u{2060}b", "text/invisible"),
            ("a\u{FEFF}b", "text/invisible"),
            ("a\u{202E}b", "text/bidi"),
            ("a\u{2066}b\u{2069}", "text/bidi"),
            ("a\u{200F}b", "text/bidi"),
            ("a\rb", "text/carriage-return"),
        ];
        for (cell, rule) in cases {
            let cell: &'static str = Box::leak(cell.to_string().into_boxed_str());
            assert_eq!(found(&with(11, cell)), [rule], "{cell:?}");
        }
        // Tab, line feed, an en dash and Armenian letters are fine.
        assert!(found(&with(11, "a\tb\nc – Հայաստան")).is_empty());
        // One finding per kind and cell.
        assert_eq!(
            found(&with(11, "\0\0\u{200B}\u{200B}")),
            ["text/control", "text/invisible"]
        );
    }
}
