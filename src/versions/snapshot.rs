//! A version of the dataset, loaded whole for comparison: from a repository checkout, a
//! release bundle (directory or zip), a git revision, or a single CSV file. Used by `aabc diff`
//! and by the version checks, which compare the data and schemas of two versions.

use crate::error::{Error, Result};
use crate::schema::metadata::{Dataset, METADATA_PATH};
use crate::schema::rows::record_object;
use crate::schema::rows::Rows;
use crate::schema::Schema;
use crate::versions::git::CommitId;
use serde_json::Value;
use std::path::Path;

/// One table of a snapshot: its schema and its rows as typed objects, in file order.
pub struct TableSnap {
    pub name: String,
    pub schema: Schema,
    pub rows: Vec<Value>,
}

impl TableSnap {
    /// The key of a row: its primary key cell, or for a key of several columns their values
    /// as a JSON array (`["a,b","c"]`: joined with a separator, two keys could read the same),
    /// or its position when the table has none.
    pub fn key(&self, i: usize) -> String {
        let value = |c: usize| &self.rows[i][&self.schema.columns[c].name];
        match self.schema.primary_key.as_slice() {
            [] => format!("row {}", i + 1),
            [c] => match value(*c) {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            },
            columns => {
                Value::Array(columns.iter().map(|&c| value(c).clone()).collect()).to_string()
            }
        }
    }
}

/// A whole version.
pub struct Snapshot {
    /// How the user named it.
    pub label: String,
    pub version: Option<String>,
    /// The bundle layout its metadata names (`None` for a bare CSV file).
    pub release_format: Option<u32>,
    pub tables: Vec<TableSnap>,
    /// Holds one table of a dataset (a bare CSV file): other tables are not compared.
    pub partial: bool,
}

impl Snapshot {
    pub fn table(&self, name: &str) -> Option<&TableSnap> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// Loads every table of a dataset whose metadata file is `meta_path`.
pub fn from_metadata(meta_path: &Path, label: &str) -> Result<Snapshot> {
    let dataset = Dataset::load(meta_path)?;
    let mut tables = Vec::new();
    for r in &dataset.meta.resources {
        let schema = Schema::load(&dataset.schema_path(r))?;
        let path = dataset.data_path(r);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let rows = read_rows(&schema, &bytes, &r.name)?;
        tables.push(TableSnap {
            name: r.name.clone(),
            schema,
            rows,
        });
    }
    Ok(Snapshot {
        label: label.to_string(),
        version: Some(dataset.meta.version.clone()),
        release_format: Some(dataset.meta.release_format()),
        tables,
        partial: false,
    })
}

fn read_rows(schema: &Schema, csv: &[u8], name: &str) -> Result<Vec<Value>> {
    let mut rows = Rows::new(schema, csv, name)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next_row()? {
        out.push(record_object(schema, r));
    }
    Ok(out)
}

/// Loads a snapshot named the way users name versions on the command line: a bundle directory
/// or zip, a repository checkout, a CSV file (typed with the repository's schema of the table
/// whose file has that name, or its first table), a published version of `repo` by its
/// number (`1.1.0` or `v1.1.0`, through the release record), or a git revision of `repo`.
pub fn load(spec: &str, repo: &Path) -> Result<Snapshot> {
    let path = Path::new(spec);
    // A name that exists but cannot be followed (a symlink loop, a dangling link): say why,
    // rather than trying it as a git revision.
    if std::fs::symlink_metadata(path).is_ok() {
        std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    }
    if path.is_dir() {
        return from_dir(path, spec);
    }
    if path.is_file() {
        return from_file(path, spec, repo);
    }
    from_history(spec, repo)
}

/// A bundle directory or a repository checkout.
fn from_dir(path: &Path, spec: &str) -> Result<Snapshot> {
    if path.join("dataset.json").is_file() {
        return from_metadata(&path.join("dataset.json"), spec);
    }
    if path.join(METADATA_PATH).is_file() {
        return from_metadata(&path.join(METADATA_PATH), spec);
    }
    Err(wrong_kind(
        path,
        "neither a bundle (dataset.json) nor a repository (dataset/dataset.json)",
    ))
}

/// A release zip, or a CSV file typed with the schema of its table in the repository `repo`.
fn from_file(path: &Path, spec: &str, repo: &Path) -> Result<Snapshot> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("zip") => {
            let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
            let dir = crate::table::archive::extract(path, tmp.path())?;
            from_metadata(&dir.join("dataset.json"), spec)
        }
        Some("csv") => from_csv(path, spec, repo),
        _ => Err(wrong_kind(
            path,
            "neither a CSV file (.csv) nor a release zip (.zip); a version is also named by a bundle or repository directory, a published version or a git revision",
        )),
    }
}

/// A file or directory that is not of a kind a version can be read from.
fn wrong_kind(path: &Path, expected: &str) -> Error {
    Error::io(
        path,
        std::io::Error::new(std::io::ErrorKind::InvalidInput, expected),
    )
}

/// One table: a CSV file, typed with the repository's schema of the table whose file has
/// that name (else its first table).
fn from_csv(path: &Path, spec: &str, repo: &Path) -> Result<Snapshot> {
    let current = Dataset::open(repo).map_err(|_| Error::NotFound {
        what: "dataset metadata",
        name: crate::table::paths::display(&repo.join(METADATA_PATH)),
        within: format!(
            "the repository (--root), whose schemas type the CSV file {}",
            crate::table::text::shown(spec)
        ),
    })?;
    let stem = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let r = current
        .meta
        .resources
        .iter()
        .find(|r| r.path.ends_with(&stem))
        .unwrap_or(&current.meta.resources[0]);
    let schema = Schema::load(&current.schema_path(r))?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let rows = read_rows(&schema, &bytes, spec)?;
    Ok(Snapshot {
        label: spec.to_string(),
        version: None,
        release_format: None,
        tables: vec![TableSnap {
            name: r.name.clone(),
            schema,
            rows,
        }],
        partial: true,
    })
}

/// A published version by its number (the commit its release record names, so that a clone
/// without tags knows it), else a git revision.
fn from_history(spec: &str, repo: &Path) -> Result<Snapshot> {
    let published = published_versions(repo);
    let version = crate::versions::versioning::parse(spec);
    if version.is_ok() {
        if let Ok(record) = crate::versions::record::find_published(&published, spec) {
            return at_commit(repo, &record.commit_id()?, spec);
        }
    }
    let commit = crate::versions::git::rev_parse(repo, spec).map_err(|_| match version {
        // It looks like a version: say which ones there are.
        Ok(_) => crate::versions::record::find_published(&published, spec)
            .err()
            .unwrap_or_else(|| Error::NotFound {
                what: "version",
                name: spec.to_string(),
                within: "the release record".into(),
            }),
        Err(_) => Error::NotFound {
            what: "published version, bundle, CSV file, directory or git revision",
            name: spec.to_string(),
            within: format!("the repository {}", crate::table::paths::display(repo)),
        },
    })?;
    at_commit(repo, &commit, spec)
}

/// The release record of the repository, or none when it has none (or no dataset).
fn published_versions(repo: &Path) -> Vec<crate::versions::record::Record> {
    Dataset::open(repo)
        .and_then(|d| crate::versions::record::records(&d))
        .unwrap_or_default()
}

/// The dataset as committed in `commit`.
pub fn at_commit(repo: &Path, commit: &CommitId, label: &str) -> Result<Snapshot> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    checkout(repo, commit, tmp.path())?;
    let mut s = from_metadata(&tmp.path().join(METADATA_PATH), label)?;
    s.label = label.to_string();
    Ok(s)
}

/// Writes the files a release is built from (data, schemas, changelog) as of `commit`.
pub fn checkout(repo: &Path, commit: &CommitId, into: &Path) -> Result<()> {
    crate::versions::git::materialize(repo, commit, &["dataset", "schema", "CHANGELOG.md"], into)
}
