//! The release policy, decided in one place and used by `aabc release`, `aabc release --check`
//! and `aabc verify --rebuild`, so that they can never disagree.
//!
//! A version may be released when it is greater than the last published one by at least the
//! bump that the changes since require (see [`crate::versions::versioning`]). A version that is already
//! published may only be rebuilt with the very bytes recorded for it: any change (data, schema,
//! metadata, licence, changelog) needs a new version.

use crate::error::{Error, Result};
use crate::release::bundle::{build, Inputs};
use crate::schema::metadata::{join, Dataset};
use crate::versions::check::{check, Check};
use crate::versions::git::CommitId;
use crate::versions::record::{self, Record};
use std::path::{Path, PathBuf};

/// The files besides the dataset that a release is built from.
pub struct Sources {
    pub changelog: PathBuf,
    /// Licence text of the data, copied into the bundle when present.
    pub license: PathBuf,
}

impl Sources {
    /// Where they are in a repository checkout at `root`: `CHANGELOG.md` at the top and
    /// `LICENSE.md` beside the metadata file, each refused if it is a symlink that leads
    /// outside the repository (nothing outside is copied into a bundle).
    pub fn of(root: &Path, dataset: &Dataset) -> Result<Sources> {
        let dir = dataset.dir();
        for (base, name) in [(root, "CHANGELOG.md"), (dir.as_path(), "LICENSE.md")] {
            crate::table::paths::inside(root, base, name).map_err(|why| {
                Error::Refused(format!(
                    "{}: {why}; a release reads only files inside {}",
                    join(base, name).display(),
                    root.display()
                ))
            })?;
        }
        Ok(Sources {
            changelog: join(root, "CHANGELOG.md"),
            license: dir.join("LICENSE.md"),
        })
    }

    pub fn inputs<'a>(&'a self, dataset: &'a Dataset) -> Inputs<'a> {
        Inputs {
            dataset,
            changelog: &self.changelog,
            license: Some(&self.license),
        }
    }
}

/// Whether the dataset's current version may be released, and why not.
pub struct Decision {
    /// The comparison with the last published release (none without a release record).
    pub check: Option<Check>,
    /// Why the current version may not be released, if it may not.
    pub refusal: Option<String>,
}

/// Decides whether the dataset at `root` may be released as its current version. For a version
/// that is already published this builds the bundle (in a temporary directory) and compares its
/// bytes with the record. A release record whose published rows were rewritten (compared with
/// git history, and with the record at `base` when given) decides nothing: it is refused.
pub fn decide(root: &Path, dataset: &Dataset, base: Option<&str>) -> Result<Decision> {
    if dataset.meta.releases.is_none() {
        return Ok(Decision {
            check: None,
            refusal: None,
        });
    }
    let check = check(root, dataset)?;
    if let Some(p) = crate::versions::immutable::record_problems(root, dataset, base)?.first() {
        return Ok(Decision {
            check: Some(check),
            refusal: Some(rewritten(p)),
        });
    }
    let mut refusal = check.refusal.clone();
    if let (None, Some(r)) = (&refusal, &check.already_published) {
        let sources = Sources::of(root, dataset)?;
        let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        refusal = match build(&sources.inputs(dataset), tmp.path()) {
            Ok(trial) => immutable(r, &trial.zip_sha256),
            Err(e) => Some(format!(
                "version {} is published, and the data cannot be built to compare its bytes: {e}",
                r.version
            )),
        };
    }
    Ok(Decision {
        check: Some(check),
        refusal,
    })
}

/// The refusal for a release record that is not as git holds it.
fn rewritten(p: &crate::validate::report::Problem) -> String {
    format!(
        "{}:{}: {}; {} (`aabc validate` lists every problem)",
        p.file,
        p.line.unwrap_or(0),
        p.message,
        p.hint
    )
}

/// Why a zip whose SHA-256 is `sha` may not stand for the published release `r`, if it may not.
pub fn immutable(r: &Record, sha: &str) -> Option<String> {
    (sha != r.zip_sha256).then(|| {
        format!(
            "version {} is published (zip SHA-256 {}), and the data now builds to other bytes ({sha}): a published version is immutable",
            r.version, r.zip_sha256
        )
    })
}

/// A published version, rebuilt from its recorded commit.
pub struct Rebuilt {
    pub record: Record,
    pub name: String,
    pub commit: CommitId,
    pub zip_sha256: String,
    /// Why the rebuilt bytes do not match the record, if they do not.
    pub mismatch: Option<String>,
}

/// Rebuilds the published version `version` from its recorded commit, with this toolkit, and
/// compares its zip with the recorded SHA-256. The rebuilt bundle is written into `dist` when
/// given (to attach to a GitHub Release), else into a temporary directory.
pub fn rebuild(root: &Path, version: &str, dist: Option<&Path>) -> Result<Rebuilt> {
    let dataset = Dataset::open(root)?;
    let records = record::records(&dataset)?;
    let record = record::find_published(&records, version)?.clone();
    let commit = record.commit_id()?;
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let src = tmp.path().join("src");
    crate::versions::snapshot::checkout(root, &commit, &src)?;
    let then = Dataset::open(&src)?;
    record.built_as(&then.meta.version)?;
    let sources = Sources::of(&src, &then)?;
    let out = dist.map_or_else(|| tmp.path().join("dist"), Path::to_path_buf);
    let built = build(&sources.inputs(&then), &out)?;
    Ok(Rebuilt {
        mismatch: immutable(&record, &built.zip_sha256),
        name: built.name,
        commit,
        zip_sha256: built.zip_sha256,
        record,
    })
}
