//! The integration tests, in one binary (one link for the whole suite): a module per command or
//! concern, sharing the helpers of `common`.

mod audit;
mod browser;
mod cite;
mod codebook;
mod common;
mod dataset;
mod dataset_2_0;
mod doi;
mod export;
mod files;
mod fmt;
mod init;
mod interop;
mod next_id;
mod precommit;
mod properties;
mod readme;
mod release;
mod robust_csv;
mod robust_values;
mod robust_versions;
mod schema;
mod site;
mod synth;
mod validate;
mod versions;
mod workflows;
