//! `aabc codebook`: print the codebook of every table (Markdown), generated from the schemas,
//! in the layout of the dataset's release format (from 2: the unit of analysis, and what a
//! blank cell means in every column).

use crate::cmd::OK;
use aabc::schema::metadata::Dataset;
use aabc::schema::Schema;
use aabc::Result;
use std::io::Write;
use std::path::PathBuf;

/// Print the codebook (every column, type, meaning, allowed values, rules) from the schemas.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Repository root holding dataset/ and schema/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    let text = codebook(&dataset)?;
    let mut stdout = std::io::stdout().lock();
    out!(stdout, "{text}")?;
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}

/// The codebook of all tables of a dataset.
pub fn codebook(dataset: &Dataset) -> Result<String> {
    let mut out = format!(
        "# Codebook: {}\n\nGenerated from the JSON Schemas by `aabc codebook`; do not edit by hand.\n\n",
        dataset.meta.title
    );
    let format = dataset.meta.release_format();
    if format >= 2 {
        out.push_str(&aabc::release::codebook::unit_of_analysis(&dataset.meta));
    }
    for r in &dataset.meta.resources {
        let schema = Schema::load(&dataset.schema_path(r))?;
        let title = schema.title.clone().unwrap_or_else(|| r.name.clone());
        out.push_str(&aabc::release::codebook::markdown_for(
            format,
            &schema,
            &format!("`{}` ({title})", r.path),
        ));
        out.push('\n');
    }
    Ok(out)
}
