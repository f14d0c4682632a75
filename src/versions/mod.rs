//! Versions of the dataset: the SemVer rules (versioning), the release record and the check
//! that its recorded rows never change (immutable), retired and published ids, the whole check
//! of a dataset in its repository (published), a published version loaded from its record and
//! git history (snapshot), the differences between two versions, the check of the working
//! version against the last release, new ids, and the one place that runs git.
//!
//! Dependencies point one way: git, ids and versioning at the bottom; record on them; retired,
//! immutable and snapshot on record; published on retired and immutable; diff on snapshot;
//! check on diff.

pub mod check;
pub mod diff;
pub mod git;
pub mod ids;
pub mod immutable;
pub mod published;
pub mod record;
pub mod retired;
pub mod snapshot;
pub mod versioning;
