//! Versions of the dataset: the SemVer rules (versioning), the release record, retired and
//! published ids, a published version loaded from its
//! record and git history (snapshot), the differences between two versions, the check of the
//! working version against the last release, and the one place that runs git.
//!
//! Dependencies point one way: git and versioning at the bottom; record on them; retired and
//! snapshot on record; diff on snapshot; check on diff.

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
