//! The release record (`releases.csv`, named by the metadata's "releases" section): one row
//! per published version (SemVer version, date, 40-hex commit, SHA-256 of the zip, rows, DOI).
//! Reading it with every row checked, finding a published version, the latest one, and
//! appending a new release. That rows once recorded never change is checked beside it, in
//! `immutable`, which reads the record's history.

use crate::error::{Error, Result};
use crate::schema::metadata::{Dataset, Releases};
use crate::validate::report::{Problem, Severity};
use crate::versions::versioning::parse;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One published release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub version: String,
    pub date: String,
    /// The git commit the release was built from.
    pub commit: String,
    /// SHA-256 of the release zip.
    pub zip_sha256: String,
    /// Rows of the protected table.
    pub rows: u64,
    /// The version's own DOI, filled in once it is minted (e.g. by the Zenodo–GitHub
    /// integration); blank until then, and absent from records written before the column.
    #[serde(default, deserialize_with = "blank_is_none")]
    pub doi: Option<String>,
}

/// An empty cell is no value.
fn blank_is_none<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    Ok(s.filter(|s| !s.is_empty()))
}

/// Whether `s` is written as a DOI: `10.`, a registrant code of 4–9 digits (with optional
/// dotted parts), `/` and a suffix without spaces.
pub fn is_doi(s: &str) -> bool {
    let Some((prefix, suffix)) = s.split_once('/') else {
        return false;
    };
    let Some(code) = prefix.strip_prefix("10.") else {
        return false;
    };
    let first = code.split('.').next().unwrap_or("");
    (4..=9).contains(&first.len())
        && code
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !suffix.is_empty()
        && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Record {
    /// The commit the release was built from, if the record names one (40 hex digits).
    pub fn commit_id(&self) -> Result<crate::versions::git::CommitId> {
        crate::versions::git::CommitId::parse(&self.commit).ok_or_else(|| {
            Error::Refused(format!(
                "release {}: commit {} is not a commit id (exactly 40 hex digits)",
                self.version,
                crate::table::text::shown(&self.commit)
            ))
        })
    }

    /// Refuses when the metadata at the recorded commit carries `version` other than the
    /// record's: the record does not name the commit this release was built from, and nothing
    /// built, cited or compared from that commit is this release.
    pub fn built_as(&self, version: &str) -> Result<()> {
        if parse(version).ok() == parse(&self.version).ok() {
            return Ok(());
        }
        Err(Error::Refused(format!(
            "release {}: its recorded commit {} holds version {} of the dataset, not {}; the release record was changed (`aabc validate` shows where)",
            self.version,
            self.commit,
            crate::table::text::shown(version),
            self.version
        )))
    }
}

pub(crate) fn config(dataset: &Dataset) -> Result<&Releases> {
    dataset
        .meta
        .releases
        .as_ref()
        .ok_or_else(|| Error::Metadata {
            path: dataset.path.clone(),
            message: "no \"releases\" section: name the release record, the retired-id file and the protected table".into(),
        })
}

pub fn record_path(dataset: &Dataset) -> Result<PathBuf> {
    Ok(crate::schema::metadata::join(
        &dataset.dir(),
        &config(dataset)?.record,
    ))
}

/// Published releases, in the order they were recorded. A record that is not well formed (a
/// version that is not SemVer, a commit that is not 40 hex digits) refuses, with its place:
/// nothing from it is trusted, and its commit never reaches git.
pub fn records(dataset: &Dataset) -> Result<Vec<Record>> {
    let (list, problems) = checked_records(dataset)?;
    match problems.first() {
        None => Ok(list),
        Some(p) => Err(Error::Refused(format!(
            "{}:{}:{}: {} {}: {}; fix the release record (`aabc validate` lists every problem)",
            p.file,
            p.line.unwrap_or(0),
            p.column.unwrap_or(0),
            p.field.as_deref().unwrap_or(""),
            p.value
                .as_deref()
                .map(crate::table::text::shown)
                .unwrap_or_default(),
            p.message
        ))),
    }
}

/// The well-formed records of the release record, and a located problem for each that is not.
pub fn checked_records(dataset: &Dataset) -> Result<(Vec<Record>, Vec<Problem>)> {
    let (list, problems) = located_records(dataset)?;
    Ok((list.into_iter().map(|(_, r)| r).collect(), problems))
}

/// Records, each with its line in the file.
pub type Located = Vec<(u64, Record)>;

/// [`checked_records`], each record with its line in the file.
pub fn located_records(dataset: &Dataset) -> Result<(Located, Vec<Problem>)> {
    let path = record_path(dataset)?;
    if !path.exists() {
        return Ok((Vec::new(), Vec::new()));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    Ok(read_record(&bytes, &crate::table::paths::display(&path)))
}

/// The well-formed records in the bytes of a release record (named `file` in problems), each
/// with its line, and a located problem for each record that is not well formed.
pub fn read_record(bytes: &[u8], file: &str) -> (Located, Vec<Problem>) {
    let (header, rows, fault) = crate::table::small_table(bytes);
    let mut list = Vec::new();
    let mut problems = Vec::new();
    let header = header.unwrap_or_default();
    for row in &rows {
        let at = |field: &str, value: &str, message: String, hint: &str| Problem {
            column: Some(row.column(header.iter().position(|h| h == field).unwrap_or(0))),
            field: Some(field.to_string()).filter(|f| !f.is_empty()),
            value: Some(value.to_string()).filter(|v| !v.is_empty()),
            ..problem(
                file,
                Some(row.line),
                "release-record",
                message,
                hint.to_string(),
            )
        };
        match row.cells.deserialize::<Record>(Some(&header)) {
            Err(e) => problems.push(at(
                "",
                "",
                format!("is not a release record: {e}"),
                "a record has the columns version, date, commit, zip_sha256, rows and, once minted, doi",
            )),
            Ok(record) => {
                let before = problems.len();
                for (field, value, message, hint) in record_faults(&record) {
                    problems.push(at(field, value, message, hint));
                }
                if problems.len() == before {
                    list.push((row.line, record));
                }
            }
        }
    }
    if let Some(f) = fault {
        let hint = "one release per line: version,date,commit,zip_sha256,rows";
        problems.push(unreadable(file, &f, "release-record", hint));
    }
    (list, problems)
}

/// What is wrong with each field of a release record: field, value, message and hint.
fn record_faults(r: &Record) -> Vec<(&'static str, &str, String, &'static str)> {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let mut out = Vec::new();
    if let Err(m) = parse(&r.version) {
        out.push((
            "version",
            r.version.as_str(),
            m,
            "write the released version, e.g. 1.1.0",
        ));
    }
    if chrono::NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").is_err() {
        out.push((
            "date",
            r.date.as_str(),
            "is not a date (YYYY-MM-DD)".into(),
            "write the release date of the version's CHANGELOG section",
        ));
    }
    if crate::versions::git::CommitId::parse(&r.commit).is_none() {
        out.push((
            "commit",
            r.commit.as_str(),
            "is not a commit id (exactly 40 hex digits)".into(),
            "write the full id of the commit the release was built from (`git rev-parse HEAD`)",
        ));
    }
    if !hex(&r.zip_sha256, 64) {
        out.push((
            "zip_sha256",
            r.zip_sha256.as_str(),
            "is not a SHA-256 (64 hex digits)".into(),
            "write the SHA-256 of the release zip (`sha256sum dist/NAME-VERSION.zip`)",
        ));
    }
    if let Some(d) = r.doi.as_deref().filter(|d| !is_doi(d)) {
        out.push((
            "doi",
            d,
            "is not a DOI (10.NNNN/suffix)".into(),
            "write the DOI alone, e.g. 10.5281/zenodo.1234567, without https://doi.org/",
        ));
    }
    out
}

/// A record that cannot be read is a problem of the file, at its position; nothing after it
/// is trusted.
pub(crate) fn unreadable(
    file: &str,
    f: &crate::error::CsvFault,
    rule: &str,
    hint: &str,
) -> Problem {
    Problem {
        column: Some(f.at.column),
        ..problem(
            file,
            Some(f.at.line),
            rule,
            f.message(),
            format!("{}; {hint}", f.hint()),
        )
    }
}

/// The published record of a version named with or without a leading `v` (`1.1.0`,
/// `v1.1.0`); the error lists the versions that were published.
pub fn find_published<'a>(list: &'a [Record], name: &str) -> Result<&'a Record> {
    let shown = crate::table::text::shown(name);
    let wanted = parse(name).map_err(|m| Error::Other(format!("{shown}: {m}")))?;
    list.iter()
        .find(|r| parse(&r.version).ok().as_ref() == Some(&wanted))
        .ok_or_else(|| {
            let published: Vec<&str> = list.iter().map(|r| r.version.as_str()).collect();
            Error::NotFound {
                what: "version",
                name: name.to_string(),
                within: format!(
                    "the release record (published versions: {})",
                    if published.is_empty() {
                        "none".to_string()
                    } else {
                        published.join(", ")
                    }
                ),
            }
        })
}

/// The latest published release (highest version).
pub fn latest(records: &[Record]) -> Option<&Record> {
    records.iter().max_by_key(|r| parse(&r.version).ok())
}

/// A problem of the policy checks.
pub(crate) fn problem(
    file: &str,
    line: Option<u64>,
    rule: &str,
    message: String,
    hint: String,
) -> Problem {
    Problem {
        severity: Severity::Error,
        file: file.to_string(),
        line,
        column: None,
        field: None,
        value: None,
        rule: rule.to_string(),
        message,
        hint,
    }
}

/// Appends a release to the record (creating the file with its header if needed).
pub fn append(dataset: &Dataset, record: &Record) -> Result<()> {
    let path = record_path(dataset)?;
    let mut list = records(dataset)?;
    list.push(record.clone());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in &list {
        w.serialize(r).map_err(|e| Error::io(&path, e.into()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::io(&path, e.into_error()))?;
    crate::table::atomic::write_file(&path, &bytes, "releases")
}
