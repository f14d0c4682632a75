//! Citations of a published dataset version, or of one event in it, in plain text, BibTeX, RIS
//! and CFF, built from the version's metadata and its entry in the release record.
//!
//! A version whose metadata has release format 2 or later gets the complete citation: creators
//! (teams or persons), publisher, resource type, DOI or URL when recorded, and an attribution of
//! every source with its licence and notice (ShareAlike) in every format. Older versions are
//! cited as they always were.

use crate::error::{Error, Result};
use crate::release::citation::{self, source_notes, source_reference};
use crate::schema::metadata::Dataset;
use crate::schema::metadata::{nonempty, Metadata};
use crate::versions::record::{find_published, latest, records, Record};
use std::path::Path;

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
    /// The version's own DOI, when one was minted (recorded with the release); without it the
    /// dataset's DOI for all versions is shown, if any.
    pub doi: Option<&'a str>,
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
    if c.meta.format().has_full_citation() {
        return match style {
            Style::Text => text_complete(c),
            Style::Bibtex => bibtex_complete(c),
            Style::Ris => ris_complete(c),
            Style::Cff => cff_complete(c),
        };
    }
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

/// The metadata as of the cited version.
fn at_version(c: &Cited<'_>) -> Metadata {
    let mut meta = c.meta.clone();
    meta.version = c.record.version.clone();
    meta
}

/// ` (SHA-256 …)` of the archive; nothing when the citation is written before the archive
/// exists (the dataset's page, which is inside it).
fn sha_in_brackets(r: &Record) -> String {
    if r.zip_sha256.is_empty() {
        String::new()
    } else {
        format!(" (SHA-256 {})", r.zip_sha256)
    }
}

fn text_complete(c: &Cited<'_>) -> String {
    let (m, r) = (&at_version(c), c.record);
    let mut s = one_line(&citation::citation_text(m, &r.date, c.doi, c.event));
    s.push_str(&format!(
        " Released {}. Licence: {}. Archive {}{}.\n",
        r.date,
        license(m),
        archive(m, r),
        sha_in_brackets(r)
    ));
    if !m.sources.is_empty() {
        s.push_str("Sources (credit them too):\n");
        for src in &m.sources {
            s.push_str(&format!(
                "- {}\n",
                one_line(&format!("{} {}", source_reference(src), source_notes(src)))
            ));
        }
    }
    s
}

/// Text for a BibTeX field read verbatim (`url`, `doi`): characters that would unbalance the
/// field or break the line are percent-encoded, nothing else is touched.
fn bibtex_verbatim(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() || c == ' ' => out.push_str(&format!("%{:02X}", c as u32 & 0xFF)),
            c => out.push(c),
        }
    }
    out
}

fn bibtex_key(m: &Metadata, r: &Record, event: Option<&str>) -> String {
    let mut key = format!("{}_{}", m.name, r.version).replace(['-', '.'], "_");
    if let Some(id) = event {
        key.push('_');
        key.push_str(&id.replace('-', "_").to_lowercase());
    }
    key.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    key
}

fn bibtex_complete(c: &Cited<'_>) -> String {
    let (m, r) = (&at_version(c), c.record);
    let key = bibtex_key(m, r, c.event);
    let title = match c.event {
        Some(id) => format!("Event {}, in: {}", bibtex(id), bibtex(&m.title)),
        None => bibtex(&m.title),
    };
    let who: Vec<String> = m
        .creators
        .iter()
        .map(|a| match (a.is_person(), nonempty(&a.given_names)) {
            (true, Some(g)) => format!(
                "{}, {}",
                bibtex(a.family_names.as_deref().unwrap_or("")),
                bibtex(g)
            ),
            (true, None) => bibtex(a.family_names.as_deref().unwrap_or("")),
            // A team's name is one unit: braced, so that it is not split into first and last.
            (false, _) => format!("{{{}}}", bibtex(&a.name)),
        })
        .collect();
    let mut s = format!(
        "@misc{{{key},\n  title = {{{title}}},\n  author = {{{}}},\n  year = {{{}}},\n  version = {{{}}},\n  date = {{{}}},\n",
        who.join(" and "),
        bibtex(year(r)),
        bibtex(&r.version),
        bibtex(&r.date)
    );
    if let Some(p) = nonempty(&m.publisher) {
        s.push_str(&format!("  publisher = {{{}}},\n", bibtex(p)));
    }
    if let Some(d) = citation::doi(m, c.doi) {
        s.push_str(&format!("  doi = {{{}}},\n", bibtex_verbatim(d)));
    }
    if let Some(u) = nonempty(&m.homepage) {
        s.push_str(&format!("  url = {{{}}},\n", bibtex_verbatim(u)));
    }
    let mut note = if r.zip_sha256.is_empty() {
        format!("Data set. Licence: {}.", license(m))
    } else {
        format!(
            "Data set. Licence: {}. SHA-256 of the release archive {}: {}.",
            license(m),
            archive(m, r),
            r.zip_sha256
        )
    };
    for src in &m.sources {
        note.push_str(&format!(
            " Source: {} {}",
            source_reference(src),
            source_notes(src)
        ));
    }
    s.push_str(&format!(
        "  howpublished = {{Release archive {}}},\n",
        bibtex(&archive(m, r))
    ));
    s.push_str(&format!("  note = {{{}}},\n}}\n", bibtex(&note)));
    s
}

fn ris_complete(c: &Cited<'_>) -> String {
    let (m, r) = (&at_version(c), c.record);
    let mut s = String::from("TY  - DATA\n");
    let field = |s: &mut String, tag: &str, value: &str| {
        s.push_str(&format!("{tag}  - {}\n", one_line(value)));
    };
    match c.event {
        Some(id) => {
            field(&mut s, "TI", &format!("Event {id}"));
            field(&mut s, "T2", &m.title);
        }
        None => field(&mut s, "TI", &m.title),
    }
    for a in citation::creator_names(m) {
        field(&mut s, "AU", &a);
    }
    field(&mut s, "PY", year(r));
    field(&mut s, "DA", &r.date.replace('-', "/"));
    field(&mut s, "ET", &r.version);
    field(&mut s, "M3", "Dataset");
    if let Some(p) = nonempty(&m.publisher) {
        field(&mut s, "PB", p);
    }
    if let Some(d) = citation::doi(m, c.doi) {
        field(&mut s, "DO", d);
    }
    if let Some(u) = nonempty(&m.homepage) {
        field(&mut s, "UR", u);
    }
    field(
        &mut s,
        "N1",
        &format!(
            "Licence: {}. Release archive {} (SHA-256 {}).",
            license(m),
            archive(m, r),
            r.zip_sha256
        ),
    );
    for src in &m.sources {
        field(
            &mut s,
            "N1",
            &format!("Source: {} {}", source_reference(src), source_notes(src)),
        );
    }
    s.push_str("ER  - \n");
    s
}

fn cff_complete(c: &Cited<'_>) -> String {
    let (m, r) = (&at_version(c), c.record);
    let date = chrono::NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok();
    let archive_id = citation::Identifier {
        kind: "other",
        value: format!("sha256:{}", r.zip_sha256),
        description: format!("SHA-256 of the release archive {}", archive(m, r)),
    };
    let mut s = citation::cff_complete(m, date, c.doi, &[archive_id]);
    if let Some(id) = c.event {
        s.push_str(&format!(
            "# This citation is for event {} of version {}.\n",
            one_line(id),
            one_line(&r.version)
        ));
    }
    s
}

/// The repository's own `CITATION.cff`, from the working tree's metadata: the date of the
/// version's CHANGELOG section and, once the release record has it, the version's DOI.
pub fn repository_cff(root: &Path, dataset: &Dataset) -> Result<String> {
    let changelog = crate::schema::metadata::join(root, "CHANGELOG.md");
    let date = crate::release::changelog::release_date(&changelog, &dataset.meta.version).ok();
    let list = match dataset.meta.releases {
        Some(_) => records(dataset)?,
        None => Vec::new(),
    };
    let version_doi = find_published(&list, &dataset.meta.version)
        .ok()
        .and_then(|r| r.doi.as_deref());
    Ok(if dataset.meta.format().has_full_citation() {
        citation::cff_complete(&dataset.meta, date, version_doi, &[])
    } else {
        citation::cff(&dataset.meta, date)
    })
}

/// A published version as it was released: its row of the release record and its metadata.
pub struct Published {
    pub record: Record,
    pub meta: Metadata,
}

/// The published `version` of the dataset under `root` (default: the latest), read from its
/// recorded commit; with `event`, that row must be in it. Refused when the release record is
/// not as git holds it, or its commit holds another version: the citation would name bytes
/// that were never released.
pub fn published(root: &Path, version: Option<&str>, event: Option<&str>) -> Result<Published> {
    let dataset = Dataset::open(root)?;
    if let Some(p) = crate::versions::immutable::record_problems(root, &dataset, None)?.first() {
        return Err(Error::Refused(format!(
            "{}:{}: {}; {}",
            p.file,
            p.line.unwrap_or(0),
            p.message,
            p.hint
        )));
    }
    let list = records(&dataset)?;
    let record = match version {
        None => latest(&list).ok_or_else(|| {
            Error::Other("no version has been published yet (the release record is empty)".into())
        })?,
        Some(v) => find_published(&list, v)?,
    };
    // The metadata and data as published.
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    crate::versions::snapshot::checkout(root, &record.commit_id()?, tmp.path())?;
    let then = Dataset::open(tmp.path())?;
    record.built_as(&then.meta.version)?;
    if let Some(id) = event {
        has_event(&then, &record.version, id)?;
    }
    Ok(Published {
        record: record.clone(),
        meta: then.meta,
    })
}

/// Refuses unless the table whose ids releases protect (else the first) of the published
/// dataset `then` has the row `id`.
fn has_event(then: &Dataset, version: &str, id: &str) -> Result<()> {
    let snap = crate::versions::snapshot::from_metadata(&then.path, "release")?;
    let table = then
        .meta
        .releases
        .as_ref()
        .map(|r| r.table.clone())
        .unwrap_or_else(|| then.meta.resources[0].name.clone());
    let t = snap.table(&table).ok_or_else(|| Error::NotFound {
        what: "table",
        name: table.clone(),
        within: format!("version {version}"),
    })?;
    if !(0..t.rows.len()).any(|i| t.key(i) == id) {
        return Err(Error::NotFound {
            what: "event",
            name: id.to_string(),
            within: format!("version {version}"),
        });
    }
    Ok(())
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
