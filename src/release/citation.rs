//! Citation metadata of a dataset version: `CITATION.cff` (Citation File Format 1.2.0) built
//! from the metadata file, so that the repository's file and every bundle's agree, and the
//! words that credit the dataset's sources (title, authors, licence, what the licence asks) in
//! the bundle README.
//!
//! Release format 1 wrote a short file (title, creators, version, licence, sources as bare
//! references); published 1.x bundles keep it byte for byte. From format 2 the file is complete
//! by DataCite's norms: creators as teams or persons with ORCIDs, a `preferred-citation` with
//! the publisher, the resource type, the DOI and URL when they exist, and every source with its
//! licence and notice.

use crate::schema::metadata::{nonempty, Creator, DataSource, Metadata};
use chrono::NaiveDate;
use std::fmt::Write as _;

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

/// An identifier of a version besides its DOI (e.g. the SHA-256 of its archive).
pub struct Identifier {
    /// CFF identifier type: `doi`, `url`, `swh` or `other`.
    pub kind: &'static str,
    pub value: String,
    pub description: String,
}

/// The `CITATION.cff` text of a version released on `date` (omitted when not yet released).
pub fn cff(meta: &Metadata, date: Option<NaiveDate>) -> String {
    if meta.format().has_full_citation() {
        return cff_complete(meta, date, None, &[]);
    }
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

/// The DOI, URL and licence lines of a CFF entry, at `indent` (the top level and the
/// preferred citation say the same).
fn cff_links(s: &mut String, meta: &Metadata, doi: Option<&str>, indent: &str) {
    if let Some(d) = doi {
        s.push_str(&format!("{indent}doi: {}\n", q(d)));
    }
    if let Some(u) = nonempty(&meta.homepage) {
        s.push_str(&format!("{indent}url: {}\n", q(u)));
    }
    if let Some(l) = meta.licenses.first() {
        s.push_str(&format!("{indent}license: {}\n", plain_or_quoted(&l.name)));
    }
}

/// The DOI a citation of this version shows: the version's own (`version_doi`, from the
/// release record) or else the dataset's DOI for all versions.
pub fn doi<'a>(meta: &'a Metadata, version_doi: Option<&'a str>) -> Option<&'a str> {
    version_doi
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .or_else(|| nonempty(&meta.doi))
}

/// The link a citation shows: the DOI as a URL, or the homepage.
pub fn link(meta: &Metadata, version_doi: Option<&str>) -> Option<String> {
    doi(meta, version_doi)
        .map(|d| format!("https://doi.org/{d}"))
        .or_else(|| nonempty(&meta.homepage).map(str::to_string))
}

/// The complete `CITATION.cff` (release format 2): `version_doi` is the version's own DOI when
/// one was minted, `extra` identifiers follow the DOIs.
pub fn cff_complete(
    meta: &Metadata,
    date: Option<NaiveDate>,
    version_doi: Option<&str>,
    extra: &[Identifier],
) -> String {
    let mut s = String::new();
    s.push_str("cff-version: 1.2.0\n");
    s.push_str(&format!(
        "message: {}\n",
        q(if meta.sources.is_empty() {
            "If you use this dataset, please cite the version you used, as below."
        } else {
            "If you use this dataset, please cite the version you used, as below, and credit its sources (see references)."
        })
    ));
    s.push_str("type: dataset\n");
    s.push_str(&format!("title: {}\n", q(&meta.title)));
    s.push_str(&format!("abstract: {}\n", q(&meta.description)));
    s.push_str("authors:\n");
    cff_authors(&mut s, &meta.creators, "  ");
    s.push_str(&format!("version: {}\n", q(&meta.version)));
    if let Some(d) = date {
        s.push_str(&format!("date-released: {}\n", q(&d.to_string())));
    }
    let shown_doi = doi(meta, version_doi);
    cff_links(&mut s, meta, shown_doi, "");
    if !meta.keywords.is_empty() {
        s.push_str("keywords:\n");
        for k in &meta.keywords {
            s.push_str(&format!("  - {}\n", q(k)));
        }
    }
    cff_identifiers(&mut s, meta, version_doi, extra);
    // The citation proper, with what the top level of CFF cannot hold (the publisher).
    s.push_str("preferred-citation:\n");
    // CFF's reference type for a data set is `data` (the top level says `dataset`).
    s.push_str("  type: data\n");
    s.push_str(&format!("  title: {}\n", q(&meta.title)));
    s.push_str("  authors:\n");
    cff_authors(&mut s, &meta.creators, "    ");
    if let Some(p) = nonempty(&meta.publisher) {
        s.push_str(&format!("  publisher:\n    name: {}\n", q(p)));
    }
    s.push_str(&format!("  version: {}\n", q(&meta.version)));
    if let Some(d) = date {
        s.push_str(&format!("  year: {}\n", d.format("%Y")));
        s.push_str(&format!("  date-released: {}\n", q(&d.to_string())));
    }
    cff_links(&mut s, meta, shown_doi, "  ");
    cff_references(&mut s, meta);
    s
}

/// The `identifiers` of a CFF file: the version's DOI, the DOI of all versions, and `extra`.
fn cff_identifiers(
    s: &mut String,
    meta: &Metadata,
    version_doi: Option<&str>,
    extra: &[Identifier],
) {
    let mut ids: Vec<(&str, String, String)> = Vec::new();
    if let Some(v) = version_doi.map(str::trim).filter(|d| !d.is_empty()) {
        ids.push((
            "doi",
            v.to_string(),
            format!("DOI of version {}", meta.version),
        ));
    }
    if let Some(c) = nonempty(&meta.doi) {
        ids.push((
            "doi",
            c.to_string(),
            "DOI of all versions (resolves to the latest)".into(),
        ));
    }
    for e in extra {
        ids.push((e.kind, e.value.clone(), e.description.clone()));
    }
    if !ids.is_empty() {
        s.push_str("identifiers:\n");
        for (kind, value, description) in ids {
            s.push_str(&format!("  - type: {kind}\n"));
            s.push_str(&format!("    value: {}\n", q(&value)));
            s.push_str(&format!("    description: {}\n", q(&description)));
        }
    }
}

/// The `references` of a CFF file: every source, with its licence and notice.
fn cff_references(s: &mut String, meta: &Metadata) {
    if !meta.sources.is_empty() {
        s.push_str("references:\n");
        for src in &meta.sources {
            s.push_str(&format!(
                "  - type: {}\n",
                nonempty(&src.kind).unwrap_or("generic")
            ));
            s.push_str(&format!("    title: {}\n", q(&src.title)));
            s.push_str("    authors:\n");
            if src.authors.is_empty() {
                s.push_str("      - name: \"anonymous\"\n");
            }
            for a in &src.authors {
                s.push_str(&format!("      - name: {}\n", q(a)));
            }
            if let Some(c) = nonempty(&src.container) {
                s.push_str(&format!("    collection-title: {}\n", q(c)));
            }
            if let Some(p) = nonempty(&src.path) {
                s.push_str(&format!("    url: {}\n", q(p)));
            }
            if let Some(l) = nonempty(&src.license) {
                s.push_str(&format!("    license: {}\n", plain_or_quoted(l)));
            }
            let notes = source_notes(src);
            if !notes.is_empty() {
                s.push_str(&format!("    notes: {}\n", q(&notes)));
            }
        }
    }
}

/// Creators as CFF persons (family and given names) or entities (a team's name).
fn cff_authors(s: &mut String, creators: &[Creator], indent: &str) {
    for c in creators {
        if c.is_person() {
            s.push_str(&format!(
                "{indent}- family-names: {}\n",
                q(c.family_names.as_deref().unwrap_or(""))
            ));
            if let Some(g) = nonempty(&c.given_names) {
                s.push_str(&format!("{indent}  given-names: {}\n", q(g)));
            }
            if let Some(a) = nonempty(&c.affiliation) {
                s.push_str(&format!("{indent}  affiliation: {}\n", q(a)));
            }
        } else {
            s.push_str(&format!("{indent}- name: {}\n", q(&c.name)));
        }
        if let Some(o) = c.orcid_url() {
            s.push_str(&format!("{indent}  orcid: {}\n", q(&o)));
        }
    }
}

/// What the dataset takes from a source and what its licence asks, in one sentence or two.
pub fn source_notes(src: &DataSource) -> String {
    let mut parts = Vec::new();
    if let Some(u) = nonempty(&src.used_for) {
        parts.push(format!("Used for: {u}."));
    }
    if let Some(l) = nonempty(&src.license) {
        match nonempty(&src.license_url) {
            Some(url) => parts.push(format!("Licence: {l} ({url}).")),
            None => parts.push(format!("Licence: {l}.")),
        }
    }
    if let Some(n) = nonempty(&src.notice) {
        parts.push(n.to_string());
    }
    parts.join(" ")
}

/// A source in one line of prose: `Authors. "Title". Container. URL.`
pub fn source_reference(src: &DataSource) -> String {
    let mut s = String::new();
    if !src.authors.is_empty() {
        let _ = write!(s, "{}. ", src.authors.join(", "));
    }
    let _ = write!(s, "\u{201C}{}\u{201D}", src.title);
    if let Some(c) = nonempty(&src.container) {
        let _ = write!(s, ". {c}");
    }
    if let Some(p) = nonempty(&src.path) {
        let _ = write!(s, ". {p}");
    }
    s.push('.');
    s
}

/// The dataset's creators as a citation shows them: `Family, G.` for persons, the name of a team.
pub fn creator_names(meta: &Metadata) -> Vec<String> {
    meta.creators
        .iter()
        .map(|c| {
            if c.is_person() {
                let initials: Vec<String> = c
                    .given_names
                    .as_deref()
                    .unwrap_or("")
                    .split_whitespace()
                    .filter_map(|g| g.chars().next().map(|i| format!("{i}.")))
                    .collect();
                let family = c.family_names.as_deref().unwrap_or("");
                if initials.is_empty() {
                    family.to_string()
                } else {
                    format!("{family}, {}", initials.join(" "))
                }
            } else {
                c.name.clone()
            }
        })
        .collect()
}

/// The README section that credits the sources and states the licence and what it asks
/// (release format 2).
pub fn readme_sources(meta: &Metadata) -> String {
    let mut s = String::from("## Sources, licence and attribution\n\n");
    if !meta.sources.is_empty() {
        s.push_str(
            "This dataset is drawn from the following sources; credit them when you use it:\n\n",
        );
        for src in &meta.sources {
            let _ = writeln!(s, "- {} {}", source_reference(src), source_notes(src));
        }
        s.push('\n');
    }
    for l in &meta.licenses {
        let title = l.title.as_deref().unwrap_or(&l.name);
        match nonempty(&l.path) {
            Some(p) => {
                let _ = writeln!(
                    s,
                    "The dataset is licensed under {title} (`{}`, {p}).",
                    l.name
                );
            }
            None => {
                let _ = writeln!(s, "The dataset is licensed under {title} (`{}`).", l.name);
            }
        }
        if let Some(n) = nonempty(&l.notice) {
            let _ = writeln!(s, "\n{n}");
        }
        s.push('\n');
    }
    s
}

/// The README section on citing a version (release format 2): the citation in words, where
/// the other formats are, and the DOI or its absence.
pub fn readme_citation(meta: &Metadata, released: NaiveDate) -> String {
    let mut s = String::from("## Citation\n\n");
    let _ = writeln!(
        s,
        "Cite the version you used:\n\n> {}\n",
        citation_text(meta, &released.to_string(), None, None)
    );
    let _ = writeln!(
        s,
        "`CITATION.cff` holds the same in the Citation File Format, with the sources as `references`; `aabc cite {} --format bibtex` (or `ris`, `cff`, `text`) prints it with the SHA-256 of the release archive.",
        meta.version
    );
    if doi(meta, None).is_none() {
        s.push_str("\nNo DOI has been minted for this dataset yet");
        if nonempty(&meta.homepage).is_none() {
            s.push_str(", and no public address is recorded");
        }
        s.push_str(": cite the version number and the archive's SHA-256.\n");
    }
    if !meta.sources.is_empty() {
        s.push_str("\nCredit the sources as well (see above); for one fact, cite the sources listed in the data.\n");
    }
    s.push('\n');
    s
}

/// `Creators (year). Title (Version v) [Data set]. Publisher. Link.` (APA-like); of one
/// event: `Creators (year). Event ID. In: Title (Version v) …`.
pub fn citation_text(
    meta: &Metadata,
    date: &str,
    version_doi: Option<&str>,
    event: Option<&str>,
) -> String {
    let mut s = format!(
        "{} ({}). {}{} (Version {}) [Data set].",
        creator_names(meta).join(", "),
        date.get(..4).unwrap_or(date),
        event
            .map(|e| format!("Event {e}. In: "))
            .unwrap_or_default(),
        meta.title,
        meta.version
    );
    if let Some(p) = nonempty(&meta.publisher) {
        let _ = write!(s, " {p}.");
    }
    if let Some(l) = link(meta, version_doi) {
        let _ = write!(s, " {l}");
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
