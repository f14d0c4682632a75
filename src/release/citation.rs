//! Citation metadata of a dataset version: `CITATION.cff` (Citation File Format 1.2.0) built
//! from the metadata file, so that the repository's file and every bundle's agree.

use crate::schema::metadata::Metadata;
use chrono::NaiveDate;

/// A YAML scalar: JSON string syntax is valid YAML double-quoted syntax.
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
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
        s.push_str(&format!("license: {}\n", l.name));
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
