//! Versions of the dataset: a published version loaded from its release record and git
//! history (snapshot), the differences between two versions, the SemVer policy that says which
//! bump a change needs, citations of a published version, and the one place that runs git.

pub mod diff;
pub mod git;
pub mod ids;
pub mod snapshot;
pub mod versioning;
