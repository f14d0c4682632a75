//! The dataset's metadata file (`dataset/dataset.json`): name, title, version, description,
//! licences, coverage period, keywords, creators, and the tables (resources) with the schema of
//! each. The tool reads it to know which CSV files to check against which schema, and the
//! release, codebook and citation are built from it.

use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where the metadata file sits, relative to a repository root.
pub const METADATA_PATH: &str = "dataset/dataset.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct License {
    /// SPDX identifier, e.g. `CC-BY-SA-4.0`.
    pub name: String,
    pub title: Option<String>,
    pub path: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Coverage {
    /// First day an event may have.
    pub start: Option<NaiveDate>,
    /// Last day an event may have; open (today) when null.
    pub end: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Creator {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
}

/// A source the whole dataset is drawn from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataSource {
    pub title: String,
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
}

/// Which figures the release README summarises: counts by year of a date column and by the
/// values of some columns, and sums of some numeric columns, all of one table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub table: String,
    pub year_of: Option<String>,
    #[serde(default)]
    pub count_by: Vec<String>,
    #[serde(default)]
    pub sum: Vec<String>,
}

/// Where published releases are recorded, and which table's ids they protect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Releases {
    /// CSV of published versions (version, date, commit, zip_sha256, rows), relative to the
    /// metadata file.
    pub record: String,
    /// CSV of retired ids (the table's key, the version that retired it, why), relative to the
    /// metadata file.
    pub retired: String,
    /// Row schema of the retired-id file, relative to the metadata file: it names the columns
    /// (the key, and those with `"x-role": "retired-in"` and `"x-role": "reason"`). Without it
    /// the columns are taken in that order, named by the file's header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_schema: Option<String>,
    /// The table whose ids may never disappear silently.
    pub table: String,
}

/// One table of the dataset: a CSV file and the row schema it follows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    pub name: String,
    /// CSV path, relative to the metadata file.
    pub path: String,
    /// Row schema path, relative to the metadata file.
    pub schema: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metadata {
    pub name: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub licenses: Vec<License>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<DataSource>,
    pub coverage: Coverage,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub creators: Vec<Creator>,
    pub resources: Vec<Resource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub releases: Option<Releases>,
    /// Layout of the release bundles built from this metadata; absent means 1. A published
    /// version is rebuilt byte for byte with the layout it was released with, so a new layout
    /// (new files, new columns in exports, a fuller citation) comes with a new number and every
    /// older number keeps producing the same bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_format: Option<u32>,
}

/// The newest bundle layout this toolkit writes (see [`Metadata::release_format`]).
pub const RELEASE_FORMAT: u32 = 2;

impl Metadata {
    /// The bundle layout of this dataset: 1 when the metadata names none.
    pub fn release_format(&self) -> u32 {
        self.release_format.unwrap_or(1)
    }
}

/// The metadata of a dataset, with the paths it names resolved.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The metadata file.
    pub path: PathBuf,
    pub meta: Metadata,
}

impl Dataset {
    /// Reads `dataset/dataset.json` under a repository root.
    pub fn open(root: &Path) -> Result<Dataset> {
        Dataset::load_within(&join(root, METADATA_PATH), root)
    }

    /// Reads a metadata file: `<root>/dataset/dataset.json` of a repository, or the
    /// `dataset.json` at the top of a bundle. Every path it names must stay inside that root.
    pub fn load(path: &Path) -> Result<Dataset> {
        let parent = path.parent().unwrap_or(Path::new(""));
        let root = if path.ends_with(METADATA_PATH) {
            parent.parent().unwrap_or(Path::new(""))
        } else {
            parent
        };
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        Dataset::load_within(path, root)
    }

    /// Reads a metadata file whose paths must all stay inside `root`.
    pub fn load_within(path: &Path, root: &Path) -> Result<Dataset> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let meta: Metadata = serde_json::from_str(&text).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            source: e,
        })?;
        let fail = |message: String| Error::Metadata {
            path: path.to_path_buf(),
            message,
        };
        if meta.resources.is_empty() {
            return Err(fail(
                "\"resources\" is empty: name at least one table".into(),
            ));
        }
        for (i, r) in meta.resources.iter().enumerate() {
            if meta.resources[..i].iter().any(|o| o.name == r.name) {
                return Err(fail(format!("resource name {:?} is used twice", r.name)));
            }
        }
        if let (Some(s), Some(e)) = (meta.coverage.start, meta.coverage.end) {
            if s > e {
                return Err(fail(format!("coverage starts ({s}) after it ends ({e})")));
            }
        }
        if !(1..=RELEASE_FORMAT).contains(&meta.release_format()) {
            return Err(fail(format!(
                "\"release_format\" is {}, but this toolkit writes formats 1 to {RELEASE_FORMAT}: use a newer aabc",
                meta.release_format()
            )));
        }
        check_texts(&meta).map_err(fail)?;
        check_paths(&meta, root, path.parent().unwrap_or(Path::new(""))).map_err(fail)?;
        Ok(Dataset {
            path: path.to_path_buf(),
            meta,
        })
    }

    /// The directory of the metadata file, against which resource paths are resolved.
    pub fn dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Path of a resource's CSV file.
    pub fn data_path(&self, r: &Resource) -> PathBuf {
        join(&self.dir(), &r.path)
    }

    /// Path of a resource's row schema.
    pub fn schema_path(&self, r: &Resource) -> PathBuf {
        join(&self.dir(), &r.schema)
    }

    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.meta.resources.iter().find(|r| r.name == name)
    }
}

/// Texts go into citations (BibTeX, RIS, CFF) and file names: no control characters, line
/// separators, bidirectional controls or invisible characters (line breaks only where a text
/// may span lines), and name and version plain tokens.
fn check_texts(meta: &Metadata) -> std::result::Result<(), String> {
    use crate::table::text::{is_bidi_control, is_line_separator, is_zero_width};
    let odd =
        |c: char| c.is_control() || is_line_separator(c) || is_bidi_control(c) || is_zero_width(c);
    for (what, text, multiline) in texts(meta) {
        if let Some(c) = text
            .chars()
            .find(|&c| odd(c) && !(multiline && (c == '\n' || c == '\t')))
        {
            return Err(format!(
                "{what} holds the invisible or control character U+{:04X} ({}); citations and the release files need {what} as plain text{}",
                c as u32,
                crate::table::text::shown(text),
                if multiline { "" } else { " on one line" }
            ));
        }
    }
    // Name and version make the bundle's file names: plain tokens only, no path.
    for (what, v) in [("name", &meta.name), ("version", &meta.version)] {
        let plain = v.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'));
        if !plain {
            return Err(format!(
                "{what} {} is not a plain token: use letters, digits, '.', '-', '_' and '+' (it names the release files)",
                crate::table::text::shown(v)
            ));
        }
    }
    Ok(())
}

/// Every path the metadata names stays inside `root` (see [`crate::table::paths::inside`]); `dir` is
/// the metadata file's directory, against which they are written.
fn check_paths(meta: &Metadata, root: &Path, dir: &Path) -> std::result::Result<(), String> {
    for (what, rel) in named_paths(meta) {
        if rel.chars().any(char::is_control) {
            return Err(format!(
                "{what} {} holds a control character; name the file plainly",
                crate::table::text::shown(rel)
            ));
        }
        crate::table::paths::inside(root, dir, rel).map_err(|why| {
            format!(
                "{what} {}: {why}; name a file inside {} with a relative path",
                crate::table::text::shown(rel),
                root.display()
            )
        })?;
    }
    Ok(())
}

/// Every text of the metadata that goes into citations and release files, with what it is and
/// whether it may span lines.
fn texts(meta: &Metadata) -> Vec<(String, &str, bool)> {
    let mut out = vec![
        ("name".to_string(), meta.name.as_str(), false),
        ("title".to_string(), meta.title.as_str(), false),
        ("version".to_string(), meta.version.as_str(), false),
        ("description".to_string(), meta.description.as_str(), true),
    ];
    if let Some(a) = &meta.attribution {
        out.push(("attribution".to_string(), a.as_str(), true));
    }
    for l in &meta.licenses {
        out.push(("a licence name".to_string(), l.name.as_str(), false));
        for t in [&l.title, &l.path].into_iter().flatten() {
            out.push(("a licence title or path".to_string(), t.as_str(), false));
        }
    }
    for c in &meta.creators {
        out.push(("a creator name".to_string(), c.name.as_str(), false));
        if let Some(o) = &c.orcid {
            out.push(("a creator ORCID".to_string(), o.as_str(), false));
        }
    }
    for k in &meta.keywords {
        out.push(("a keyword".to_string(), k.as_str(), false));
    }
    for src in &meta.sources {
        out.push(("a source title".to_string(), src.title.as_str(), false));
        for t in src.path.iter().chain(&src.authors) {
            out.push(("a source path or author".to_string(), t.as_str(), false));
        }
    }
    out
}

/// Every path the metadata names that the tool may read, with what it is.
fn named_paths(meta: &Metadata) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for r in &meta.resources {
        out.push((format!("table {:?}: path", r.name), r.path.as_str()));
        out.push((format!("table {:?}: schema", r.name), r.schema.as_str()));
    }
    if let Some(rel) = &meta.releases {
        out.push(("releases.record".to_string(), rel.record.as_str()));
        out.push(("releases.retired".to_string(), rel.retired.as_str()));
        if let Some(s) = &rel.retired_schema {
            out.push(("releases.retired_schema".to_string(), s.as_str()));
        }
    }
    for l in &meta.licenses {
        // A licence path is often a URL, which the tool never opens; a file path must stay in.
        if let Some(p) = l.path.as_deref().filter(|p| !p.contains("://")) {
            out.push((format!("licence {:?}: path", l.name), p));
        }
    }
    out
}

/// Joins paths the way a user would write them: `.` as a base disappears, `a/../b` collapses,
/// so that messages show `dataset/events.csv` rather than `./dataset/../dataset/events.csv`.
pub fn join(base: &Path, rel: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for part in base.join(rel).components() {
        use std::path::Component;
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                if matches!(last, Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_keeps_paths_readable() {
        assert_eq!(
            join(Path::new("."), "dataset/events.csv"),
            Path::new("dataset/events.csv")
        );
        assert_eq!(
            join(Path::new("./dataset"), "../schema/e.json"),
            Path::new("schema/e.json")
        );
        assert_eq!(
            join(Path::new("/r/dataset"), "../schema/e.json"),
            Path::new("/r/schema/e.json")
        );
        assert_eq!(join(Path::new(".."), "x"), Path::new("../x"));
    }

    #[test]
    fn shipped_metadata_reads() {
        let d = Dataset::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(d.resource("events").is_some());
        assert!(d.meta.coverage.start.is_some());
    }
}
