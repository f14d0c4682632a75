//! The version policy, enforced: the record of published releases, retired ids, the smallest
//! version bump a change requires, and the check that every published id is still there.
//!
//! Policy (SemVer, after the Frictionless data-package versioning recipe): MAJOR when the
//! schema changes incompatibly (a column removed, renamed, moved or retyped, a constraint
//! tightened, a vocabulary value removed or redefined, a rule added) or published rows are
//! removed (retired); MINOR when rows or vocabulary values are added, a constraint is loosened
//! or an optional column is appended at the end; PATCH when existing rows are corrected (or
//! only descriptions change).

use crate::diff::{diff, Bump, Diff};
use crate::error::{Error, Result};
use crate::metadata::{Dataset, Releases};
use crate::report::{Problem, Severity};
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
}

/// One retired id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retired {
    pub event_id: String,
    pub retired_in: String,
    pub reason: String,
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
    Ok(crate::metadata::join(
        &dataset.dir(),
        &config(dataset)?.record,
    ))
}

pub fn retired_path(dataset: &Dataset) -> Result<PathBuf> {
    Ok(crate::metadata::join(
        &dataset.dir(),
        &config(dataset)?.retired,
    ))
}

fn read_csv<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    crate::table::deserialize_all(path)
}

/// Published releases, in the order they were recorded.
pub fn records(dataset: &Dataset) -> Result<Vec<Record>> {
    let path = record_path(dataset)?;
    let list: Vec<Record> = read_csv(&path)?;
    for r in &list {
        parse(&r.version).map_err(|m| {
            Error::Other(format!("{}: version {:?}: {m}", path.display(), r.version))
        })?;
    }
    Ok(list)
}

pub fn retired(dataset: &Dataset) -> Result<Vec<Retired>> {
    read_csv(&retired_path(dataset)?)
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
    let d = if crate::git::is_repo(repo) {
        let old =
            crate::snapshot::at_commit(repo, &last.commit, &format!("release {}", last.version))?;
        let new = crate::snapshot::from_metadata(&dataset.path, "working tree")?;
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

/// Every id of every published release must still be in the table or be retired; a retired id
/// must not come back; the retired list must be well formed.
pub fn published_id_problems(repo: &Path, dataset: &Dataset) -> Result<Vec<Problem>> {
    let Some(cfg) = dataset.meta.releases.as_ref() else {
        return Ok(Vec::new());
    };
    let records = records(dataset)?;
    let retired_file = retired_path(dataset)?;
    let retired = retired(dataset)?;
    let resource = dataset
        .resource(&cfg.table)
        .ok_or_else(|| Error::Metadata {
            path: dataset.path.clone(),
            message: format!("releases.table {:?} is not a resource", cfg.table),
        })?;
    let data = dataset.data_path(resource);
    let schema = crate::schema::Schema::load(&dataset.schema_path(resource))?;
    let Some(&pk) = schema.primary_key.first() else {
        return Ok(Vec::new());
    };
    let ids = |bytes: &[u8]| -> Result<Vec<String>> {
        let mut r = csv::Reader::from_reader(bytes);
        let mut out = Vec::new();
        let header = r
            .headers()
            .map_err(|e| Error::Other(e.to_string()))?
            .clone();
        let col = header
            .iter()
            .position(|h| h == schema.columns[pk].name)
            .unwrap_or(pk);
        for rec in r.records() {
            let rec = rec.map_err(|e| Error::Other(e.to_string()))?;
            out.push(rec.get(col).unwrap_or("").to_string());
        }
        Ok(out)
    };
    let current: HashSet<String> = ids(&std::fs::read(&data).map_err(|e| Error::io(&data, e))?)?
        .into_iter()
        .collect();
    let mut problems = Vec::new();
    let file = crate::validate::display(&retired_file);
    let problem = |line: Option<u64>,
                   field: Option<&str>,
                   value: Option<&str>,
                   rule: &str,
                   message: String,
                   hint: String| Problem {
        severity: Severity::Error,
        file: file.clone(),
        line,
        column: None,
        field: field.map(str::to_string),
        value: value.map(str::to_string),
        rule: rule.to_string(),
        message,
        hint,
    };
    let mut retired_ids = HashSet::new();
    for (i, r) in retired.iter().enumerate() {
        let line = Some(i as u64 + 2);
        if parse(&r.retired_in).is_err() {
            problems.push(problem(
                line,
                Some("retired_in"),
                Some(&r.retired_in),
                "retired-id",
                "is not a version".into(),
                "write the version that retired the id, e.g. 1.1.0".into(),
            ));
        }
        if r.reason.trim().is_empty() {
            problems.push(problem(
                line,
                Some("reason"),
                None,
                "retired-id",
                "is blank".into(),
                "say why the id was retired (e.g. duplicate of AABC-0042)".into(),
            ));
        }
        if current.contains(&r.event_id) {
            problems.push(problem(line, Some("event_id"), Some(&r.event_id), "retired-id", "is retired but still (or again) in the table".into(), "a retired id is never reused: give the row a new id, or remove it from the retired list if it was retired by mistake".into()));
        }
        retired_ids.insert(r.event_id.clone());
    }
    if records.is_empty() {
        return Ok(problems);
    }
    if !crate::git::is_repo(repo) {
        problems.push(Problem {
            severity: Severity::Warning,
            ..problem(
                None,
                None,
                None,
                "published-ids",
                "cannot check that published ids are kept: no git history here".into(),
                "run the check in a clone of the repository".into(),
            )
        });
        return Ok(problems);
    }
    let table_rel = data
        .strip_prefix(repo)
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|_| data.clone());
    let rel = table_rel.to_string_lossy().replace('\\', "/");
    let pre = crate::git::prefix(repo)?;
    let mut reported = HashSet::new();
    for r in &records {
        let bytes = std::process::Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(["show", &format!("{}:{pre}{rel}", r.commit)])
            .output()
            .map_err(|e| Error::Other(format!("cannot run git: {e}")))?;
        if !bytes.status.success() {
            return Err(Error::Other(format!(
                "release {}: cannot read {rel} at commit {}: {}",
                r.version,
                r.commit,
                String::from_utf8_lossy(&bytes.stderr).trim()
            )));
        }
        for id in ids(&bytes.stdout)? {
            if !current.contains(&id) && !retired_ids.contains(&id) && reported.insert(id.clone()) {
                problems.push(Problem {
                    file: crate::validate::display(&data),
                    ..problem(
                        None,
                        Some(&schema.columns[pk].name),
                        Some(&id),
                        "published-ids",
                        format!("was published in version {} and is gone", r.version),
                        format!("restore the row, or retire the id: add it to {} with the version that retires it and why", file),
                    )
                });
            }
        }
    }
    Ok(problems)
}

/// Appends a release to the record (creating the file with its header if needed).
pub fn append(dataset: &Dataset, record: &Record) -> Result<()> {
    let path = record_path(dataset)?;
    let mut list = records(dataset)?;
    list.push(record.clone());
    let mut w = crate::table::writer(Vec::new());
    for r in &list {
        w.serialize(r).map_err(|e| Error::Other(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Other(e.to_string()))?;
    crate::canonical::write_atomic(&path, &bytes)
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
