//! Retired ids and the promise that published ids never vanish: the retired-id file (its
//! columns named by the retired-id schema), the check that every id of every published release
//! is still in the table or retired (read from each release's commit), and the ids a new row may
//! not take.

use crate::error::{Error, Result};
use crate::schema::metadata::{Dataset, Releases};
use crate::validate::report::{Problem, Severity};
use crate::versions::record::{checked_records, config, problem, unreadable, Record};
use crate::versions::versioning::parse;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub fn retired_path(dataset: &Dataset) -> Result<PathBuf> {
    Ok(crate::schema::metadata::join(
        &dataset.dir(),
        &config(dataset)?.retired,
    ))
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
        &Published {
            dataset,
            table: &cfg.table,
            data: &data,
        },
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
    table: &Published<'_>,
    records: &[Record],
    key: &str,
    pk: usize,
    known: &HashSet<&String>,
    retired_file: &str,
) -> Result<Vec<Problem>> {
    let file = crate::table::paths::display(table.data);
    let mut reported = HashSet::new();
    let mut problems = Vec::new();
    for r in records {
        for id in published_ids(repo, table, r, key, pk)? {
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

/// The table whose ids releases protect: its name, and where the working metadata puts it.
struct Published<'d> {
    dataset: &'d Dataset,
    table: &'d str,
    data: &'d Path,
}

/// The ids of the table as published in release `r`, read from its commit at the path the
/// metadata of that commit gives (a table file moved since is still found where it was).
fn published_ids(
    repo: &Path,
    table: &Published<'_>,
    r: &Record,
    key: &str,
    fallback: usize,
) -> Result<Vec<String>> {
    let commit = r.commit_id()?;
    let data = path_at(repo, table, &commit).unwrap_or_else(|| table.data.to_path_buf());
    let path = crate::versions::git::tree_path(repo, &data)?;
    let bytes =
        crate::versions::git::file_at(repo, &commit, &path).map_err(|_| Error::NotFound {
            what: "file",
            name: path.clone(),
            within: format!("commit {commit} (release {})", r.version),
        })?;
    table_ids(&bytes, key, fallback).map_err(|f| {
        Error::Refused(format!(
            "release {}: {path} at commit {commit} is not well-formed CSV: {f}",
            r.version
        ))
    })
}

/// Where the metadata at `commit` puts the table (`None` when that commit has no metadata at
/// the same place, or no such table: the working path is tried then).
fn path_at(
    repo: &Path,
    table: &Published<'_>,
    commit: &crate::versions::git::CommitId,
) -> Option<std::path::PathBuf> {
    let meta = crate::versions::git::tree_path(repo, &table.dataset.path).ok()?;
    let bytes = crate::versions::git::file_at(repo, commit, &meta).ok()?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let rel = doc
        .get("resources")?
        .as_array()?
        .iter()
        .find(|r| r.get("name").and_then(|n| n.as_str()) == Some(table.table))?
        .get("path")?
        .as_str()?;
    // Only a plain relative path is followed.
    if rel.starts_with('/') || rel.split('/').any(|p| p == "..") {
        return None;
    }
    Some(crate::schema::metadata::join(&table.dataset.dir(), rel))
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

/// The `count` next free ids of `table` (default: the table whose ids releases protect, else
/// the first), after every id it has and every id retired from it; an empty table starts at 1,
/// in the style of its key's example in the schema.
pub fn next_ids(dataset: &Dataset, table: Option<&str>, count: usize) -> Result<Vec<String>> {
    let table = match table {
        Some(t) => t.to_string(),
        None => dataset
            .meta
            .releases
            .as_ref()
            .map(|r| r.table.clone())
            .unwrap_or_else(|| dataset.meta.resources[0].name.clone()),
    };
    let (key, mut taken, example) = taken_ids(dataset, &table)?;
    let mut ids = Vec::new();
    if taken.is_empty() {
        if let Some(first) = example.as_deref().and_then(crate::versions::ids::first_id) {
            taken.push(first.clone());
            ids.push(first);
        }
    }
    let more = count.saturating_sub(ids.len());
    ids.extend(
        crate::versions::ids::next_ids(taken.iter().map(String::as_str), more)
            .map_err(|m| Error::Refused(format!("{table}.{key}: {m}")))?,
    );
    Ok(ids)
}
