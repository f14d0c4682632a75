//! aabc: the toolkit of the Armenia–Azerbaijan Border Crisis event dataset.
//!
//! The library reads a dataset described by a metadata file and JSON Schemas (one per table),
//! validates it (schema plus declared consistency rules), and writes it in canonical form.
//! The `aabc` binary is a thin command-line layer over these modules.

pub mod bundle;
pub mod canonical;
pub mod changelog;
pub mod checksum;
pub mod citation;
pub mod cite;
pub mod codebook;
pub mod diff;
pub mod error;
pub mod export;
pub mod fastpath;
pub mod git;
pub mod metadata;
pub mod paths;
pub mod policy;
pub mod progress;
pub mod report;
pub mod rules;
pub mod schema;
pub mod snapshot;
pub mod summary;
pub mod synth;
pub mod table;
pub mod text;
pub mod validate;
pub mod verify;
pub mod versioning;

pub use error::{Error, Result};
