//! Citation metadata of a dataset version: `CITATION.cff` (Citation File Format 1.2.0) built
//! from the metadata file, so that the repository's file and every bundle's agree.

use crate::schema::metadata::Metadata;
use chrono::NaiveDate;

/// A YAML double-quoted scalar. JSON string syntax is YAML double-quoted syntax; characters
/// that YAML does not allow raw (DEL, C1 controls, line and paragraph separators, BOM and
/// non-characters) are escaped as well.
pub fn q(s: &str) -> String {
    let json = serde_json::to_string(s).expect("strings serialise");
    if !json.chars().any(needs_yaml_escape) {
        return json;
    }
    json.chars()
        .map(|c| {
            if needs_yaml_escape(c) {
                format!("\\u{:04X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Outside YAML's printable set (c-printable), or a line break in YAML 1.1.
fn needs_yaml_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
    )
}

/// A scalar written plain when it is a simple token (as SPDX identifiers are), else quoted.
fn plain_or_quoted(s: &str) -> String {
    if is_plain(s) {
        s.to_string()
    } else {
        q(s)
    }
}

fn is_plain(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'_'))
}

/// The `CITATION.cff` text of a version released on `date` (omitted when not yet released).
pub fn cff(meta: &Metadata, date: Option<NaiveDate>) -> String {
    let mut s = String::new();
    s.push_str("cff-version: 1.2.0\n");
    s.push_str(
        "message: \"If you use this dataset, please cite the version you used, as below.\"\n",
    );
    s.push_str("type: dataset\n");
    s.push_str(&format!("title: {}\n", q(&meta.title)));
    s.push_str(&format!("abstract: {}\n", q(&meta.description)));
    s.push_str("authors:\n");
    for c in &meta.creators {
        s.push_str(&format!("  - name: {}\n", q(&c.name)));
        if let Some(o) = &c.orcid {
            s.push_str(&format!("    orcid: {}\n", q(o)));
        }
    }
    s.push_str(&format!("version: {}\n", q(&meta.version)));
    if let Some(d) = date {
        s.push_str(&format!("date-released: {}\n", q(&d.to_string())));
    }
    if let Some(l) = meta.licenses.first() {
        s.push_str(&format!("license: {}\n", plain_or_quoted(&l.name)));
    }
    if !meta.keywords.is_empty() {
        s.push_str("keywords:\n");
        for k in &meta.keywords {
            s.push_str(&format!("  - {}\n", q(k)));
        }
    }
    if !meta.sources.is_empty() {
        s.push_str("references:\n");
        for src in &meta.sources {
            s.push_str("  - type: generic\n");
            s.push_str(&format!("    title: {}\n", q(&src.title)));
            if !src.authors.is_empty() {
                s.push_str("    authors:\n");
                for a in &src.authors {
                    s.push_str(&format!("      - name: {}\n", q(a)));
                }
            }
            if let Some(p) = &src.path {
                s.push_str(&format!("    url: {}\n", q(p)));
            }
        }
    }
    s
}

/// Checks that `text` is well-formed YAML of the shape [`cff`] writes: every line a comment, a
/// `key:` that opens a list, or `key: scalar` / `- key: scalar` / `- scalar` at an even indent,
/// and every scalar one plain token or one complete double-quoted string with valid escapes.
/// `Err` names the first line that is not. (The check needs no YAML library: it accepts only
/// what the writer may produce, so anything else is a bug or hostile metadata.)
pub fn check_cff(text: &str) -> Result<(), String> {
    for (i, line) in text.split('\n').enumerate() {
        let fail = |why: &str| Err(format!("line {}: {why}", i + 1));
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let body = line.trim_start_matches(' ');
        if (line.len() - body.len()) % 2 != 0 {
            return fail("odd indentation");
        }
        let body = body.strip_prefix("- ").unwrap_or(body);
        let scalar = match body.split_once(": ") {
            Some((key, value)) if is_key(key) => value,
            None if body.ends_with(':') && is_key(&body[..body.len() - 1]) => continue,
            _ if body.starts_with('"') || is_plain(body) => body,
            _ => return fail("not `key: value`, `key:` or `- value`"),
        };
        if let Err(why) = check_scalar(scalar) {
            return fail(&why);
        }
    }
    Ok(())
}

fn is_key(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

fn check_scalar(s: &str) -> Result<(), String> {
    if is_plain(s) {
        return Ok(());
    }
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or("a value that is neither a plain token nor one double-quoted string")?;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Err("an unescaped quote inside a quoted value".into()),
            '\\' => match chars.next() {
                Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') => {}
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    if hex.len() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                        return Err("a \\u escape without four hex digits".into());
                    }
                }
                _ => return Err("an unknown escape in a quoted value".into()),
            },
            c if c.is_control() || needs_yaml_escape(c) => {
                return Err(format!("a raw control character (U+{:04X})", c as u32))
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::metadata::Dataset;

    fn shipped() -> crate::schema::metadata::Metadata {
        Dataset::open(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .meta
    }

    #[test]
    fn the_shipped_metadata_gives_a_valid_citation_file() {
        let text = cff(&shipped(), chrono::NaiveDate::from_ymd_opt(2026, 11, 25));
        assert_eq!(check_cff(&text), Ok(()));
    }

    #[test]
    fn hostile_metadata_is_escaped_and_the_check_catches_raw_breaks() {
        let mut m = shipped();
        m.title = "a \"b\"\n}: c\u{85}\u{2028}".into();
        m.licenses[0].name = "MIT\nx: y".into();
        let text = cff(&m, None);
        assert_eq!(check_cff(&text), Ok(()), "{text}");
        assert!(
            text.contains("title: \"a \\\"b\\\"\\n}: c\\u0085\\u2028\"\n"),
            "{text}"
        );
        assert!(text.contains("license: \"MIT\\nx: y\"\n"), "{text}");
        assert!(check_cff("title: \"a\nb\"\n").is_err());
        assert!(check_cff("license: MIT x\n").is_err());
        assert!(check_cff("title: \"a\"b\"\n").is_err());
    }
}
