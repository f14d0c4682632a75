//! The versioning rules: the record of published releases (each record checked: SemVer
//! version, 40-hex commit), retired ids (columns named by the retired-id schema), the smallest
//! version bump a change requires, and the check that every published id is still there.
//! [`crate::release::policy`] turns them into the one release decision.
//!
//! Policy (SemVer, after the Frictionless data-package versioning recipe): MAJOR when the
//! schema changes incompatibly (a column removed, renamed, moved or retyped, a constraint
//! tightened, a vocabulary value removed or redefined, a rule added) or published rows are
//! removed (retired); MINOR when rows or vocabulary values are added, a constraint is loosened
//! or an optional column is appended at the end; PATCH when existing rows are corrected (or
//! only descriptions change).

use crate::error::{Error, Result};
use crate::schema::metadata::{Dataset, Releases};
use crate::validate::report::{Problem, Severity};
use crate::versions::diff::{diff, Bump, Diff};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

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
}

fn config(dataset: &Dataset) -> Result<&Releases> {
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

pub fn retired_path(dataset: &Dataset) -> Result<PathBuf> {
    Ok(crate::schema::metadata::join(
        &dataset.dir(),
        &config(dataset)?.retired,
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
    let path = record_path(dataset)?;
    if !path.exists() {
        return Ok((Vec::new(), Vec::new()));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let file = crate::table::paths::display(&path);
    let (header, rows, fault) = crate::table::small_table(&bytes);
    let mut list = Vec::new();
    let mut problems = Vec::new();
    let header = header.unwrap_or_default();
    for row in &rows {
        let at = |field: &str, value: &str, message: String, hint: &str| Problem {
            column: Some(row.column(header.iter().position(|h| h == field).unwrap_or(0))),
            field: Some(field.to_string()).filter(|f| !f.is_empty()),
            value: Some(value.to_string()).filter(|v| !v.is_empty()),
            ..problem(
                &file,
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
                    list.push(record);
                }
            }
        }
    }
    if let Some(f) = fault {
        let hint = "one release per line: version,date,commit,zip_sha256,rows";
        problems.push(unreadable(&file, &f, "release-record", hint));
    }
    Ok((list, problems))
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
fn unreadable(file: &str, f: &crate::error::CsvFault, rule: &str, hint: &str) -> Problem {
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
            Error::Other(format!(
                "version {shown} was never published; published versions: {}",
                if published.is_empty() {
                    "none".to_string()
                } else {
                    published.join(", ")
                }
            ))
        })
}

/// Parses a version, with or without a leading `v`.
pub fn parse(v: &str) -> std::result::Result<semver::Version, String> {
    semver::Version::parse(v.trim_start_matches('v'))
        .map_err(|e| format!("not a SemVer version: {e}"))
}

/// The latest published release (highest version).
pub fn latest(records: &[Record]) -> Option<&Record> {
    records.iter().max_by_key(|r| parse(&r.version).ok())
}

/// The bump from `old` to `new`, or `None` when `new` is not greater.
pub fn bump_between(old: &semver::Version, new: &semver::Version) -> Option<Bump> {
    if new <= old {
        None
    } else if new.major > old.major {
        Some(Bump::Major)
    } else if new.minor > old.minor {
        Some(Bump::Minor)
    } else {
        Some(Bump::Patch)
    }
}

/// The verdict on the dataset's current version against the last published release.
pub struct Check {
    pub last: Option<Record>,
    pub current: String,
    /// The differences since the last release, with the bump they require.
    pub diff: Option<Diff>,
    pub required: Option<(Bump, Vec<String>)>,
    /// Why the current version cannot be released, if it cannot.
    pub refusal: Option<String>,
    /// The current version is already published (its bytes must then be identical).
    pub already_published: Option<Record>,
    /// Something the check could not do (e.g. no git history to rebuild the last release from).
    pub note: Option<String>,
}

/// Compares the working dataset with the last published release (rebuilt from its commit).
pub fn check(repo: &Path, dataset: &Dataset) -> Result<Check> {
    let records = records(dataset)?;
    let current = dataset.meta.version.clone();
    let cur = parse(&current).map_err(|m| Error::Metadata {
        path: dataset.path.clone(),
        message: format!("version {current:?}: {m}"),
    })?;
    let mut c = Check {
        last: latest(&records).cloned(),
        current: current.clone(),
        diff: None,
        required: None,
        refusal: None,
        already_published: records
            .iter()
            .find(|r| parse(&r.version).ok() == Some(cur.clone()))
            .cloned(),
        note: None,
    };
    let Some(last) = c.last.clone() else {
        return Ok(c);
    };
    if c.already_published.is_some() {
        return Ok(c);
    }
    let d = if crate::versions::git::is_repo(repo) {
        let old = crate::versions::snapshot::at_commit(
            repo,
            &last.commit_id()?,
            &format!("release {}", last.version),
        )?;
        let new = crate::versions::snapshot::from_metadata(&dataset.path, "working tree")?;
        Some(diff(&old, &new))
    } else {
        c.note = Some(format!(
            "no git history here: the changes since {} cannot be compared, so only the version order is checked",
            last.version
        ));
        None
    };
    c.required = d.as_ref().and_then(Diff::required_bump);
    let last_v = parse(&last.version).map_err(Error::Other)?;
    match (bump_between(&last_v, &cur), &c.required) {
        (None, _) => {
            c.refusal = Some(format!(
                "version {current} is not greater than the last published version {}",
                last.version
            ))
        }
        (Some(have), Some((need, _))) if have < *need => {
            c.refusal = Some(format!(
                "version {current} is a {} bump from {}, but the changes need a {} bump",
                have.as_str(),
                last.version,
                need.as_str()
            ))
        }
        _ => {}
    }
    c.diff = d;
    Ok(c)
}

/// The retired-id file's columns: which holds the id, the retiring version and the reason, with
/// their names and an example of each (for hints), from its row schema.
struct RetiredColumns {
    /// Indexes in the file: id, retiring version, reason.
    at: [usize; 3],
    names: [String; 3],
    examples: [Option<String>; 3],
}

impl RetiredColumns {
    /// From the retired-id schema when the metadata names one, else the file's first three
    /// columns in that order.
    fn read(dataset: &Dataset, cfg: &Releases, header: &csv::StringRecord) -> Result<Self> {
        let Some(rel) = &cfg.retired_schema else {
            let name = |i: usize| header.get(i).unwrap_or("").to_string();
            return Ok(RetiredColumns {
                at: [0, 1, 2],
                names: [name(0), name(1), name(2)],
                examples: [None, None, None],
            });
        };
        let path = crate::schema::metadata::join(&dataset.dir(), rel);
        let schema = crate::schema::Schema::load(&path)?;
        let fail = |message: String| Error::Schema {
            path: path.clone(),
            message,
        };
        let role = |r: &str| {
            schema
                .columns
                .iter()
                .position(|c| c.schema.get("x-role").and_then(|v| v.as_str()) == Some(r))
                .ok_or_else(|| {
                    fail(format!(
                        "no column has \"x-role\": {r:?}; mark the column that holds it"
                    ))
                })
        };
        let cols = [
            schema.primary_key.first().copied().unwrap_or(0),
            role("retired-in")?,
            role("reason")?,
        ];
        let names = cols.map(|c| schema.columns[c].name.clone());
        let at = [0, 1, 2].map(|k| header.iter().position(|h| h == names[k]).unwrap_or(cols[k]));
        let examples = cols.map(|c| {
            schema.columns[c]
                .schema
                .get("examples")
                .and_then(|e| e.get(0))
                .and_then(|e| e.as_str())
                .map(str::to_string)
        });
        Ok(RetiredColumns {
            at,
            names,
            examples,
        })
    }

    fn example(&self, k: usize) -> String {
        self.examples[k]
            .as_ref()
            .map(|e| format!(" (e.g. {e})"))
            .unwrap_or_default()
    }
}

/// The ids in the key column of a table's CSV bytes (the column named `key`, else the
/// `fallback`-th).
fn table_ids(
    bytes: &[u8],
    key: &str,
    fallback: usize,
) -> std::result::Result<Vec<String>, crate::error::CsvFault> {
    let (header, rows, fault) = crate::table::small_table(bytes);
    if let Some(f) = fault {
        return Err(f);
    }
    let header = header.unwrap_or_default();
    let col = header.iter().position(|h| h == key).unwrap_or(fallback);
    Ok(rows.iter().map(|r| r.get(col).to_string()).collect())
}

/// A problem of the policy checks.
fn problem(file: &str, line: Option<u64>, rule: &str, message: String, hint: String) -> Problem {
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

/// The retired ids, and a problem for each malformed or reused one.
fn retired_problems(
    dataset: &Dataset,
    cfg: &Releases,
    current: &HashSet<String>,
) -> Result<(HashSet<String>, Vec<Problem>)> {
    let path = retired_path(dataset)?;
    let mut ids = HashSet::new();
    let mut problems = Vec::new();
    if !path.exists() {
        return Ok((ids, problems));
    }
    let file = crate::table::paths::display(&path);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let (header, rows, fault) = crate::table::small_table(&bytes);
    let cols = RetiredColumns::read(dataset, cfg, &header.unwrap_or_default())?;
    if let Some(f) = fault {
        let hint = "one retired id per line, with the version and the reason";
        problems.push(unreadable(&file, &f, "retired-id", hint));
    }
    for rec in &rows {
        let cell = |k: usize| rec.get(cols.at[k]);
        let line = Some(rec.line);
        let mut at = |k: usize, value: Option<&str>, message: &str, hint: String| {
            problems.push(Problem {
                field: Some(cols.names[k].clone()),
                value: value.map(str::to_string),
                column: Some(rec.column(cols.at[k])),
                ..problem(&file, line, "retired-id", message.to_string(), hint)
            })
        };
        if parse(cell(1)).is_err() {
            let hint = format!("write the version that retired the id{}", cols.example(1));
            at(1, Some(cell(1)), "is not a version", hint);
        }
        if cell(2).trim().is_empty() {
            let hint = format!("say why the id was retired{}", cols.example(2));
            at(2, None, "is blank", hint);
        }
        if current.contains(cell(0)) {
            let hint = "a retired id is never reused: give the row a new id, or remove it from the retired list if it was retired by mistake".to_string();
            at(
                0,
                Some(cell(0)),
                "is retired but still (or again) in the table",
                hint,
            );
        }
        ids.insert(cell(0).to_string());
    }
    Ok((ids, problems))
}

/// Every id of every published release must still be in the table or be retired; a retired id
/// must not come back; the release record and the retired list must be well formed.
pub fn published_id_problems(repo: &Path, dataset: &Dataset) -> Result<Vec<Problem>> {
    let Some(cfg) = dataset.meta.releases.as_ref() else {
        return Ok(Vec::new());
    };
    let (records, mut problems) = checked_records(dataset)?;
    let resource = dataset
        .resource(&cfg.table)
        .ok_or_else(|| Error::Metadata {
            path: dataset.path.clone(),
            message: format!("releases.table {:?} is not a resource", cfg.table),
        })?;
    let data = dataset.data_path(resource);
    let schema = crate::schema::Schema::load(&dataset.schema_path(resource))?;
    let Some(&pk) = schema.primary_key.first() else {
        return Ok(problems);
    };
    let key = &schema.columns[pk].name;
    let bytes = std::fs::read(&data).map_err(|e| Error::io(&data, e))?;
    let current: HashSet<String> = table_ids(&bytes, key, pk)
        .map_err(|f| Error::csv(&data, f))?
        .into_iter()
        .collect();
    let (retired, found) = retired_problems(dataset, cfg, &current)?;
    problems.extend(found);
    if records.is_empty() {
        return Ok(problems);
    }
    let retired_file = crate::table::paths::display(&retired_path(dataset)?);
    if !crate::versions::git::is_repo(repo) {
        problems.push(Problem {
            severity: Severity::Warning,
            ..problem(
                &retired_file,
                None,
                "published-ids",
                "cannot check that published ids are kept: no git history here".into(),
                "run the check in a clone of the repository".into(),
            )
        });
        return Ok(problems);
    }
    let known: HashSet<&String> = current.iter().chain(&retired).collect();
    problems.extend(gone_ids(
        repo,
        &data,
        &records,
        key,
        pk,
        &known,
        &retired_file,
    )?);
    Ok(problems)
}

/// A problem for each id of a published release that is neither in the table nor retired
/// (`known`), reported once, with the first release that published it.
fn gone_ids(
    repo: &Path,
    data: &Path,
    records: &[Record],
    key: &str,
    pk: usize,
    known: &HashSet<&String>,
    retired_file: &str,
) -> Result<Vec<Problem>> {
    let file = crate::table::paths::display(data);
    let mut reported = HashSet::new();
    let mut problems = Vec::new();
    for r in records {
        for id in published_ids(repo, data, r, key, pk)? {
            if known.contains(&id) || !reported.insert(id.clone()) {
                continue;
            }
            problems.push(Problem {
                field: Some(key.to_string()),
                value: Some(id),
                ..problem(
                    &file,
                    None,
                    "published-ids",
                    format!("was published in version {} and is gone", r.version),
                    format!("restore the row, or retire the id: add it to {retired_file} with the version that retires it and why"),
                )
            });
        }
    }
    Ok(problems)
}

/// The ids of the table `data` as published in release `r` (read from its commit).
fn published_ids(
    repo: &Path,
    data: &Path,
    r: &Record,
    key: &str,
    fallback: usize,
) -> Result<Vec<String>> {
    let commit = crate::versions::git::CommitId::parse(&r.commit).ok_or_else(|| {
        Error::Other(format!(
            "release {}: {} is not a commit id",
            r.version,
            crate::table::text::shown(&r.commit)
        ))
    })?;
    let rel = data
        .strip_prefix(repo)
        .unwrap_or(data)
        .to_string_lossy()
        .replace('\\', "/");
    let path = format!("{}{rel}", crate::versions::git::prefix(repo)?);
    let bytes = crate::versions::git::file_at(repo, &commit, &path).map_err(|e| {
        Error::Other(format!(
            "release {}: cannot read {rel} at commit {commit}: {e}",
            r.version
        ))
    })?;
    table_ids(&bytes, key, fallback).map_err(|f| {
        Error::Other(format!(
            "release {}: {rel} at commit {commit} is not well-formed CSV: {f}",
            r.version
        ))
    })
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
        w.serialize(r).map_err(|e| Error::Other(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Other(e.to_string()))?;
    crate::table::atomic::write_file(&path, &bytes, "releases")
}

/// The ids that a new row of `table` may not take: those of the table now and, for the table
/// whose ids releases protect, the retired ones. Returns the key column's name, the ids and the
/// key's first example in the schema (the style of the first id of an empty table).
pub fn taken_ids(dataset: &Dataset, table: &str) -> Result<(String, Vec<String>, Option<String>)> {
    let resource = dataset.resource(table).ok_or_else(|| Error::Metadata {
        path: dataset.path.clone(),
        message: format!(
            "no table {} in \"resources\"",
            crate::table::text::shown(table)
        ),
    })?;
    let schema = crate::schema::Schema::load(&dataset.schema_path(resource))?;
    let [pk] = schema.primary_key[..] else {
        return Err(Error::Refused(format!(
            "table {table} has no one-column primary key (x-primaryKey) to number"
        )));
    };
    let key = schema.columns[pk].name.clone();
    let example = schema.columns[pk]
        .schema
        .pointer("/examples/0")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string);
    let data = dataset.data_path(resource);
    let bytes = std::fs::read(&data).map_err(|e| Error::io(&data, e))?;
    let mut ids = table_ids(&bytes, &key, pk).map_err(|f| Error::csv(&data, f))?;
    if let Some(cfg) = dataset.meta.releases.as_ref().filter(|c| c.table == table) {
        let current: HashSet<String> = ids.iter().cloned().collect();
        let (retired, _) = retired_problems(dataset, cfg, &current)?;
        ids.extend(retired);
    }
    Ok((key, ids, example))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_between_versions() {
        let v = |s| parse(s).unwrap();
        assert_eq!(bump_between(&v("1.0.0"), &v("2.0.0")), Some(Bump::Major));
        assert_eq!(bump_between(&v("1.0.0"), &v("1.1.0")), Some(Bump::Minor));
        assert_eq!(bump_between(&v("1.0.0"), &v("v1.0.1")), Some(Bump::Patch));
        assert_eq!(bump_between(&v("1.0.0"), &v("1.0.0")), None);
        assert_eq!(bump_between(&v("1.2.0"), &v("1.1.9")), None);
    }
}
