//! Everything a release is made of: the exports (one file per format), the bundle and its
//! archive, checksums, the citation file, the changelog section, the codebook, the summary, the
//! coverage of the source's totals, and `verify`, which checks a bundle someone else hands you.

pub mod bundle;
pub mod changelog;
pub mod checksum;
pub mod citation;
pub mod cite;
pub mod codebook;
pub mod coverage;
pub mod export;
pub mod layout;
pub mod policy;
pub mod publish;
pub mod readme;
pub mod site;
pub mod summary;
pub mod tables;
pub mod verify;
pub mod zenodo;
