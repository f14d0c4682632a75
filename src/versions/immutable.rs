//! A published release stays as it was recorded. The release record is what `verify
//! --rebuild`, `cite` and the published-id check trust, so a change that rewrote it could
//! delete published rows unnoticed (point every row at an old commit whose table lacks them).
//! Here each row of the working record is compared with every earlier state of the record that
//! git holds (the commits that changed it, the record at each row's own commit and at its tag
//! `v<version>`, and at a base revision when one is given), and each row's commit must hold
//! metadata of that very version.

use crate::error::Result;
use crate::schema::metadata::Dataset;
use crate::validate::report::Problem;
use crate::versions::git::{self, CommitId};
use crate::versions::record::{located_records, problem, read_record, record_path, Record};
use crate::versions::versioning::parse;
use std::collections::HashSet;
use std::path::Path;

/// A problem for each row of the working release record that differs from (or is missing
/// against) an earlier state of the record in git, whose commit holds another version of the
/// dataset, or whose tag names another commit. Nothing without git history; `base` is a
/// revision (e.g. the branch a pull request goes into) whose record is compared too.
pub fn record_problems(repo: &Path, dataset: &Dataset, base: Option<&str>) -> Result<Vec<Problem>> {
    if dataset.meta.releases.is_none() || !git::is_repo(repo) {
        return Ok(Vec::new());
    }
    let path = record_path(dataset)?;
    let file = crate::table::paths::display(&path);
    let (rows, _) = located_records(dataset)?;
    let at = Place {
        repo,
        file: &file,
        record: git::tree_path(repo, &path)?,
    };
    // The tag `v<version>` of each row, where there is one.
    let tags = rows
        .iter()
        .map(|(_, r)| git::tagged(repo, &format!("v{}", r.version)))
        .collect::<Result<Vec<_>>>()?;
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (commit, old) in earlier_records(&at, &rows, &tags, base)? {
        // One problem per release: the newest state that differs.
        for o in &old {
            if seen.contains(&o.version) {
                continue;
            }
            if let Some(p) = changed(&at, &rows, o, &commit) {
                seen.insert(o.version.clone());
                problems.push(p);
            }
        }
    }
    let meta = git::tree_path(repo, &dataset.path)?;
    for ((line, r), tag) in rows.iter().zip(&tags) {
        problems.extend(wrong_commit(&at, &meta, *line, r, tag.as_ref())?);
    }
    Ok(problems)
}

/// Where the record is: the repository, the file as shown, and its path in git.
struct Place<'a> {
    repo: &'a Path,
    file: &'a str,
    record: String,
}

/// The earlier states of the record, with the commit that holds each, newest first: every
/// commit reachable from HEAD (and from `base`) that changed it, each row's own commit, and
/// each row's tag.
/// Rows of a state that are not well formed are left out (a state is evidence, not input).
fn earlier_records(
    at: &Place,
    rows: &[(u64, Record)],
    tags: &[Option<CommitId>],
    base: Option<&str>,
) -> Result<Vec<(CommitId, Vec<Record>)>> {
    let mut commits = Vec::new();
    if let Ok(head) = git::rev_parse(at.repo, "HEAD") {
        commits.extend(git::commits_changing(at.repo, &head, &at.record)?);
    }
    if let Some(rev) = base {
        let base = git::rev_parse(at.repo, rev)?;
        commits.push(base.clone());
        commits.extend(git::commits_changing(at.repo, &base, &at.record)?);
    }
    for (_, r) in rows {
        commits.extend(r.commit_id().ok());
    }
    commits.extend(tags.iter().flatten().cloned());
    let mut states = Vec::new();
    let mut read = HashSet::new();
    for c in commits {
        if !read.insert(c.clone()) {
            continue;
        }
        // A commit without the record (before the first release) holds no earlier state.
        let Ok(bytes) = git::file_at(at.repo, &c, &at.record) else {
            continue;
        };
        let (old, _) = read_record(&bytes, at.file);
        states.push((c, old.into_iter().map(|(_, r)| r).collect()));
    }
    Ok(states)
}

/// A problem when the earlier row `old` (held by `commit`) is gone from `rows` or differs from
/// its row there. Only a DOI that was blank may be filled in (it is minted after publication).
fn changed(at: &Place, rows: &[(u64, Record)], old: &Record, commit: &CommitId) -> Option<Problem> {
    let short = &commit.as_str()[..12];
    let hint = format!(
        "a published release is never rewritten: restore the row as git holds it (`git show {short}:{}`); only a blank doi may be filled in",
        at.record
    );
    let Some((line, now)) = rows.iter().find(|(_, r)| r.version == old.version) else {
        return Some(Problem {
            field: Some("version".into()),
            value: Some(old.version.clone()),
            ..problem(
                at.file,
                None,
                "release-record",
                format!(
                    "release {} was recorded in commit {short} and is gone from the record",
                    old.version
                ),
                hint,
            )
        });
    };
    let (field, value) = first_difference(old, now)?;
    Some(Problem {
        field: Some(field.into()),
        value: Some(value.to_string()),
        ..problem(
            at.file,
            Some(*line),
            "release-record",
            format!(
                "release {} differs in {field} from its row recorded in commit {short}",
                old.version
            ),
            hint,
        )
    })
}

/// The first field in which the recorded row `old` and the row `now` differ, with its value
/// now.
fn first_difference(old: &Record, now: &Record) -> Option<(&'static str, String)> {
    let doi = now.doi.clone().unwrap_or_default();
    [
        ("date", old.date == now.date, now.date.clone()),
        (
            "commit",
            old.commit.eq_ignore_ascii_case(&now.commit),
            now.commit.clone(),
        ),
        (
            "zip_sha256",
            old.zip_sha256.eq_ignore_ascii_case(&now.zip_sha256),
            now.zip_sha256.clone(),
        ),
        ("rows", old.rows == now.rows, now.rows.to_string()),
        ("doi", old.doi.is_none() || old.doi == now.doi, doi),
    ]
    .into_iter()
    .find(|(_, same, _)| !same)
    .map(|(field, _, value)| (field, value))
}

/// A problem when the row's commit does not hold metadata of the row's version (`meta` is the
/// metadata file's path in git), or its tag `v<version>` (`tag`) names another commit.
fn wrong_commit(
    at: &Place,
    meta: &str,
    line: u64,
    r: &Record,
    tag: Option<&CommitId>,
) -> Result<Option<Problem>> {
    let commit = r.commit_id()?;
    let fault = match tag {
        Some(tag) if *tag != commit => Some(format!(
            "release {}: the tag v{} names commit {tag}, not this one",
            r.version, r.version
        )),
        _ => match version_at(at.repo, &commit, meta) {
            None => Some(format!(
                "release {}: this commit holds no dataset metadata ({meta})",
                r.version
            )),
            Some(v) if parse(&v).ok() != parse(&r.version).ok() => Some(format!(
                "release {}: this commit holds version {} of the dataset, not {}",
                r.version,
                crate::table::text::shown(&v),
                r.version
            )),
            Some(_) => None,
        },
    };
    Ok(fault.map(|message| Problem {
        field: Some("commit".into()),
        value: Some(r.commit.clone()),
        ..problem(
            at.file,
            Some(line),
            "release-record",
            message,
            "write the commit the release was built from: its metadata carries the release's version".into(),
        )
    }))
}

/// The version in the metadata file `meta` at `commit` (empty when it names none), or `None`
/// when the commit lacks the file (or is not in this clone).
fn version_at(repo: &Path, commit: &CommitId, meta: &str) -> Option<String> {
    let bytes = git::file_at(repo, commit, meta).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    Some(value["version"].as_str().unwrap_or("").to_string())
}
