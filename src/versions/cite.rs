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

fn year(r: &Record) -> &str {
    r.date.get(..4).unwrap_or(&r.date)
}

fn archive(meta: &Metadata, r: &Record) -> String {
    format!("{}-{}.zip", meta.name, r.version)
}

pub fn render(c: &Cited<'_>, style: Style) -> String {
    let (m, r) = (c.meta, c.record);
    let license = m
        .licenses
        .first()
        .map(|l| l.name.clone())
        .unwrap_or_default();
    match style {
        Style::Text => {
            let what = match c.event {
                Some(id) => format!("Event {id}. In: {}", m.title),
                None => m.title.clone(),
            };
            format!(
                "{} ({}). {} (Version {}) [Data set]. Released {}. Licence: {license}. Archive {} (SHA-256 {}).\n",
                authors(m).join(", "),
                year(r),
                what,
                r.version,
                r.date,
                archive(m, r),
                r.zip_sha256
            )
        }
        Style::Bibtex => {
            let mut key = format!("{}_{}", m.name, r.version).replace(['-', '.'], "_");
            let title = match c.event {
                Some(id) => {
                    key.push('_');
                    key.push_str(&id.replace('-', "_").to_lowercase());
                    format!("Event {id}, in: {}", m.title)
                }
                None => m.title.clone(),
            };
            let who: Vec<String> = authors(m).iter().map(|a| format!("{{{a}}}")).collect();
            format!(
                "@misc{{{key},\n  title = {{{title}}},\n  author = {{{}}},\n  year = {{{}}},\n  version = {{{}}},\n  date = {{{}}},\n  howpublished = {{Release archive {}}},\n  note = {{Data set. Licence: {license}. SHA-256 of the release archive: {}}},\n}}\n",
                who.join(" and "),
                year(r),
                r.version,
                r.date,
                archive(m, r),
                r.zip_sha256
            )
        }
        Style::Ris => {
            let mut s = String::from("TY  - DATA\n");
            match c.event {
                Some(id) => {
                    s.push_str(&format!("TI  - Event {id}\n"));
                    s.push_str(&format!("T2  - {}\n", m.title));
                }
                None => s.push_str(&format!("TI  - {}\n", m.title)),
            }
            for a in authors(m) {
                s.push_str(&format!("AU  - {a}\n"));
            }
            s.push_str(&format!("PY  - {}\n", year(r)));
            s.push_str(&format!("DA  - {}\n", r.date.replace('-', "/")));
            s.push_str(&format!("ET  - {}\n", r.version));
            s.push_str(&format!(
                "N1  - Licence: {license}. Release archive {} (SHA-256 {}).\n",
                archive(m, r),
                r.zip_sha256
            ));
            s.push_str("ER  - \n");
            s
        }
        Style::Cff => {
            let date = chrono::NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok();
            let mut meta = m.clone();
            meta.version = r.version.clone();
            let mut s = crate::release::citation::cff(&meta, date);
            s.push_str("identifiers:\n");
            s.push_str("  - type: other\n");
            s.push_str(&format!("    value: \"sha256:{}\"\n", r.zip_sha256));
            s.push_str(&format!(
                "    description: \"SHA-256 of the release archive {}\"\n",
                archive(m, r)
            ));
            if let Some(id) = c.event {
                s.push_str(&format!(
                    "# This citation is for event {id} of version {}.\n",
                    r.version
                ));
            }
            s
        }
    }
}
