//! Strings from input made safe to print: header names, file names and cell values end up in
//! messages, annotations and terminals. Control characters and terminal escapes are escaped
//! (never written raw), and long strings are cut with an ellipsis and their original length,
//! so a hostile 50 MB header cell prints as a few dozen characters.

/// Characters of a value shown before it is cut.
pub const SHOWN_CHARS: usize = 60;
/// Characters of a name (column, file) shown before it is cut.
pub const NAME_CHARS: usize = 120;
/// Characters of a file path shown before it is cut (paths stay whole in practice, so that
/// annotations point at the file).
pub const PATH_CHARS: usize = 1000;
/// Characters of a message or hint shown before it is cut (messages quote input already cut,
/// so this only bounds what a check could build from many long inputs).
pub const MESSAGE_CHARS: usize = 2000;

/// A value in double quotes, escaped, cut after [`SHOWN_CHARS`] characters:
/// `"abc…" (1048576 characters)`.
pub fn shown(s: &str) -> String {
    quoted(s, SHOWN_CHARS)
}

/// `s` in double quotes with Rust's escaping (control, format and bidi characters as `\u{…}`),
/// cut after `max` characters.
pub fn quoted(s: &str, max: usize) -> String {
    let (head, total) = head(s, max);
    match total {
        None => format!("{head:?}"),
        Some(n) => format!("{:?} ({n} characters)", format!("{head}…")),
    }
}

/// A file path without quotes, escaped, cut only when absurdly long ([`PATH_CHARS`]).
pub fn path(s: &str) -> String {
    escaped(s, PATH_CHARS)
}

/// A value without quotes, escaped and cut like [`shown`]: printable short values pass
/// unchanged (for messages that name a cell's value as a word, e.g. a code).
pub fn bare(s: &str) -> String {
    escaped(s, SHOWN_CHARS)
}

/// A name without quotes (column or file name), escaped and cut after [`NAME_CHARS`]
/// characters: printable text passes unchanged.
pub fn clean(s: &str) -> String {
    escaped(s, NAME_CHARS)
}

/// A message of the tool (which may quote input): like [`escaped`], but line breaks and tabs
/// stay, and the cut comes after [`MESSAGE_CHARS`] characters.
pub fn message(s: &str) -> String {
    escape(s, MESSAGE_CHARS, |c| c == '\n' || c == '\t')
}

/// `s` cut after `max` characters with an ellipsis and the original length; not escaped (for
/// output that escapes by itself, such as JSON).
pub fn cut(s: &str, max: usize) -> String {
    match head(s, max) {
        (h, None) => h.to_string(),
        (h, Some(n)) => format!("{h}… ({n} characters)"),
    }
}

/// `s` with every character that could act on a terminal or hide text escaped (as `\u{…}`),
/// cut after `max` characters with an ellipsis and the original length.
pub fn escaped(s: &str, max: usize) -> String {
    escape(s, max, |_| false)
}

fn escape(s: &str, max: usize, keep: impl Fn(char) -> bool) -> String {
    let (head, total) = head(s, max);
    let mut out = String::with_capacity(head.len());
    for c in head.chars() {
        if needs_escape(c) && !keep(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if let Some(n) = total {
        out.push_str(&format!("… ({n} characters)"));
    }
    out
}

/// Control characters (C0, DEL, C1, which includes the terminal's CSI), and invisible format
/// characters (zero-width, bidi overrides, BOM) that change how the rest of a line reads.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The first `max` characters of `s`, and the total count when it is longer.
fn head(s: &str, max: usize) -> (&str, Option<usize>) {
    match s.char_indices().nth(max) {
        None => (s, None),
        Some((at, _)) => (&s[..at], Some(s.chars().count())),
    }
}

/// Whether a character changes the display order of the text around it (bidirectional
/// controls): text that shows one thing and holds another.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character is invisible: zero-width characters and the byte order mark.
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Whether a character breaks a line without being a control character (U+2028, U+2029).
pub fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_escaped_and_cut() {
        assert_eq!(shown("5"), "\"5\"");
        assert_eq!(shown("a\nb"), "\"a\\nb\"");
        assert_eq!(shown("\u{1b}[31mred"), "\"\\u{1b}[31mred\"");
        let long = "x".repeat(1_000_000);
        let s = shown(&long);
        assert!(s.len() < 100, "{s}");
        assert!(s.ends_with("…\" (1000000 characters)"), "{s}");
    }

    #[test]
    fn names_pass_unless_they_hold_control_or_hidden_characters() {
        assert_eq!(clean("dataset/events.csv"), "dataset/events.csv");
        assert_eq!(clean("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(clean("ab\u{202E}c"), "ab\\u{202e}c");
        assert!(!clean(&"\u{1b}".repeat(1000)).contains('\u{1b}'));
        assert!(clean(&"n".repeat(10_000)).len() < 200);
    }
}
