//! The integration tests, in one binary (one link for the whole suite): a module per command or
//! concern, sharing the helpers of `common`.

mod browser;
mod cite;
mod codebook;
mod common;
mod dataset;
mod diff;
mod diff_inputs;
mod export;
mod files;
mod fmt;
mod fmt_concurrent;
mod hostile_archives;
mod init;
mod init_scaffold;
mod interop;
mod loader;
mod next_id;
mod pipes;
mod properties;
mod readme;
mod release;
mod release_record;
mod schema;
mod site;
mod synth;
mod synth_keywords;
mod table_names;
mod temp_files;
mod validate;
mod verify;
mod verify_derived;
mod verify_format;
mod versions;
mod workdir;
mod workflows;
