//! The integration tests, in one binary (one link for the whole suite): a module per command or
//! concern, sharing the helpers of `common`.

mod bounds;
mod browser;
mod cite;
mod codebook;
mod common;
mod dataset;
mod diff;
mod evidence;
mod export;
mod files;
mod fmt;
mod geography;
mod init;
mod interop;
mod links;
mod loader;
mod mass_errors;
mod next_id;
mod page_evidence;
mod pipes;
mod properties;
mod readme;
mod readme_blocks;
mod release;
mod rule_kinds;
mod scaffold_ci;
mod schema;
mod site;
mod synth;
mod trace;
mod validate;
mod verify;
mod versions;
mod workdir;
mod workflows;
