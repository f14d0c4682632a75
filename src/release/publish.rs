//! Publishing a built release: the row of the release record (version, date of its CHANGELOG
//! section, commit, SHA-256 of the zip, rows of the protected table), the annotated tag
//! `v<version>` on that commit, and the row appended to the record. The data must be committed,
//! since the record names the commit it was built from.

use crate::error::{Error, Result};
use crate::release::bundle::Built;
use crate::release::policy::Sources;
use crate::schema::metadata::Dataset;
use crate::versions::git;
use crate::versions::record::{self, Record};
use std::path::Path;

/// The files a release is built from, which must be committed before it is published.
const SOURCES: [&str; 3] = ["dataset", "schema", "CHANGELOG.md"];

/// Whether the data, schemas and changelog under `root` are committed.
pub fn committed(root: &Path) -> Result<bool> {
    Ok(git::is_repo(root) && git::is_clean(root, &SOURCES)?)
}

/// Records `built` as the published release of the dataset's version: tags its commit (HEAD)
/// and appends its row to the release record. `counts` are the rows of each table as validated.
pub fn publish(
    root: &Path,
    dataset: &Dataset,
    sources: &Sources,
    built: &Built,
    counts: &[(String, u64)],
) -> Result<Record> {
    if !committed(root)? {
        return Err(Error::Refused(
            "publishing records the git commit of the data: commit dataset/, schema/ and CHANGELOG.md first".into(),
        ));
    }
    let record = Record {
        version: dataset.meta.version.clone(),
        date: crate::release::changelog::release_date(&sources.changelog, &dataset.meta.version)?
            .to_string(),
        commit: git::rev_parse(root, "HEAD")?.to_string(),
        zip_sha256: built.zip_sha256.clone(),
        rows: protected_rows(dataset, counts)?,
        // Minted after publication (Zenodo archives the tagged release): filled in by hand.
        doi: None,
    };
    let message = format!(
        "{} {}: {} has SHA-256 {}",
        dataset.meta.name,
        record.version,
        built.zip.file_name().unwrap_or_default().to_string_lossy(),
        record.zip_sha256
    );
    git::tag(
        root,
        &format!("v{}", record.version),
        &record.commit_id()?,
        &message,
    )?;
    record::append(dataset, &record)?;
    Ok(record)
}

/// The rows of the table whose ids releases protect, among the validated `counts`.
fn protected_rows(dataset: &Dataset, counts: &[(String, u64)]) -> Result<u64> {
    let cfg = dataset
        .meta
        .releases
        .as_ref()
        .ok_or_else(|| Error::Metadata {
            path: dataset.path.clone(),
            message: "--publish needs a \"releases\" section in the metadata file".into(),
        })?;
    let table = dataset
        .resource(&cfg.table)
        .ok_or_else(|| Error::NotFound {
            what: "table",
            name: cfg.table.clone(),
            within: "the metadata's resources".into(),
        })?;
    let shown = crate::table::paths::display(&dataset.data_path(table));
    Ok(counts
        .iter()
        .find(|(f, _)| *f == shown)
        .map(|(_, n)| *n)
        .unwrap_or(0))
}
