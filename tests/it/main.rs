//! The integration tests, in one binary (one link for the whole suite): a module per command or
//! concern, sharing the helpers of `common`.

mod audit;
mod browser;
mod citation;
mod codebook;
mod common;
mod contributing;
mod dataset_2_0;
mod dictionary;
mod doi;
mod fmt;
mod groundwork;
mod header_scale;
mod init;
mod interop;
mod pattern_cost;
mod precommit;
mod properties;
mod readme;
mod release;
mod report_markdown;
mod robust_csv;
mod robust_files;
mod robust_values;
mod robust_versions;
mod scale;
mod schema;
mod site_svg;
mod validate;
mod versions;
mod workflows;
