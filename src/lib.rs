//! aabc: the toolkit of the Armenia–Azerbaijan Border Crisis event dataset.
//!
//! The library reads a dataset described by a metadata file and JSON Schemas (one per table),
//! validates it (schema plus declared consistency rules), and writes it in canonical form.
//! The `aabc` binary is a thin command-line layer over these modules.

pub mod choice;
pub mod clock;
pub mod error;
pub mod progress;
pub mod release;
pub mod scaffold;
pub mod schema;
pub mod synth;
pub mod table;
pub mod validate;
pub mod versions;

pub use error::{Error, Result};
