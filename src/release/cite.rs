//! Citations of a published dataset version, or of one event in it, in plain text, BibTeX, RIS
//! and CFF, built from the version's metadata and its entry in the release record.

use crate::schema::metadata::Metadata;
use crate::versions::versioning::Record;

/// Output formats of `aabc cite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Text,
    Bibtex,
    Ris,
    Cff,
}

impl crate::choice::Choice for Style {
    const ALL: &'static [Self] = &[Style::Text, Style::Bibtex, Style::Ris, Style::Cff];
    fn name(self) -> &'static str {
        match self {
            Style::Text => "text",
            Style::Bibtex => "bibtex",
            Style::Ris => "ris",
            Style::Cff => "cff",
        }
    }
}

/// What is cited: a version, or one row of it.
pub struct Cited<'a> {
    pub meta: &'a Metadata,
    pub record: &'a Record,
    pub event: Option<&'a str>,
}

fn authors(meta: &Metadata) -> Vec<String> {
    meta.creators.iter().map(|c| c.name.clone()).collect()
}

/// Text for the inside of a BibTeX `{…}` field: braces and the characters TeX treats specially
/// are written as commands, so the field stays balanced and prints as written.
pub fn bibtex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '%' | '&' | '#' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A value on one line: RIS has one field per line, so a line break would start a new field
/// (or end the record). Line breaks and other control characters become spaces.
pub fn one_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn year(r: &Record) -> &str {
    r.date.get(..4).unwrap_or(&r.date)
}

fn archive(meta: &Metadata, r: &Record) -> String {
    format!("{}-{}.zip", meta.name, r.version)
}

pub fn render(c: &Cited<'_>, style: Style) -> String {
    match style {
        Style::Text => text(c),
        Style::Bibtex => bibtex_entry(c),
        Style::Ris => ris(c),
        Style::Cff => cff(c),
    }
}

fn license(m: &Metadata) -> String {
    m.licenses
        .first()
        .map(|l| l.name.clone())
        .unwrap_or_default()
}

fn text(c: &Cited<'_>) -> String {
    let (m, r) = (c.meta, c.record);
    let what = match c.event {
        Some(id) => format!("Event {id}. In: {}", m.title),
        None => m.title.clone(),
    };
    format!(
        "{} ({}). {} (Version {}) [Data set]. Released {}. Licence: {}. Archive {} (SHA-256 {}).\n",
        authors(m).join(", "),
        year(r),
        what,
        r.version,
        r.date,
        license(m),
        archive(m, r),
        r.zip_sha256
    )
}

fn bibtex_entry(c: &Cited<'_>) -> String {
    let (m, r) = (c.meta, c.record);
    let mut key = format!("{}_{}", m.name, r.version).replace(['-', '.'], "_");
    let title = match c.event {
        Some(id) => {
            key.push('_');
            key.push_str(&id.replace('-', "_").to_lowercase());
            format!("Event {}, in: {}", bibtex(id), bibtex(&m.title))
        }
        None => bibtex(&m.title),
    };
    key.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    let who: Vec<String> = authors(m)
        .iter()
        .map(|a| format!("{{{}}}", bibtex(a)))
        .collect();
    format!(
        "@misc{{{key},\n  title = {{{title}}},\n  author = {{{}}},\n  year = {{{}}},\n  version = {{{}}},\n  date = {{{}}},\n  howpublished = {{Release archive {}}},\n  note = {{Data set. Licence: {}. SHA-256 of the release archive: {}}},\n}}\n",
        who.join(" and "),
        bibtex(year(r)),
        bibtex(&r.version),
        bibtex(&r.date),
        bibtex(&archive(m, r)),
        bibtex(&license(m)),
        bibtex(&r.zip_sha256)
    )
}

fn ris(c: &Cited<'_>) -> String {
    let (m, r) = (c.meta, c.record);
    let mut s = String::from("TY  - DATA\n");
    let mut field = |tag: &str, value: &str| {
        s.push_str(&format!("{tag}  - {}\n", one_line(value)));
    };
    match c.event {
        Some(id) => {
            field("TI", &format!("Event {id}"));
            field("T2", &m.title);
        }
        None => field("TI", &m.title),
    }
    for a in authors(m) {
        field("AU", &a);
    }
    field("PY", year(r));
    field("DA", &r.date.replace('-', "/"));
    field("ET", &r.version);
    field(
        "N1",
        &format!(
            "Licence: {}. Release archive {} (SHA-256 {}).",
            license(m),
            archive(m, r),
            r.zip_sha256
        ),
    );
    s.push_str("ER  - \n");
    s
}

fn cff(c: &Cited<'_>) -> String {
    let (m, r) = (c.meta, c.record);
    let date = chrono::NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok();
    let mut meta = m.clone();
    meta.version = r.version.clone();
    let mut s = crate::release::citation::cff(&meta, date);
    s.push_str("identifiers:\n");
    s.push_str("  - type: other\n");
    s.push_str(&format!(
        "    value: {}\n",
        crate::release::citation::q(&format!("sha256:{}", r.zip_sha256))
    ));
    s.push_str(&format!(
        "    description: {}\n",
        crate::release::citation::q(&format!("SHA-256 of the release archive {}", archive(m, r)))
    ));
    if let Some(id) = c.event {
        s.push_str(&format!(
            "# This citation is for event {} of version {}.\n",
            one_line(id),
            one_line(&r.version)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_fields_stay_balanced_and_ris_fields_on_one_line() {
        let b = bibtex("a}b{c\\d 50% $x_1 #2 & ^~");
        assert_eq!(b.matches('{').count(), b.matches('}').count(), "{b}");
        assert_eq!(
            b,
            "a\\textbraceright{}b\\textbraceleft{}c\\textbackslash{}d 50\\% \\$x\\_1 \\#2 \\& \\textasciicircum{}\\textasciitilde{}"
        );
        assert_eq!(one_line("a\nER  - \r\nTY  - X"), "a ER  -   TY  - X");
        assert_eq!(one_line("plain"), "plain");
    }
}
