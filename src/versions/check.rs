//! The verdict on the working dataset's version against the last published release: the
//! differences since (the release rebuilt from its recorded commit), the bump they require, and
//! whether the version may follow. [`crate::release::policy`] makes the release decision of it.

use crate::error::{Error, Result};
use crate::schema::metadata::Dataset;
use crate::versions::diff::{diff, Diff};
use crate::versions::record::{latest, records, Record};
use crate::versions::versioning::{bump_between, parse, Bump};
use std::path::Path;

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
    let last_v = parse(&last.version)
        .map_err(|m| Error::Refused(format!("release {}: {m}", last.version)))?;
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
