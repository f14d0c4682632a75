//! `aabc codebook`: print the codebook of every table (Markdown), generated from the schemas,
//! in the layout of the dataset's release format (from 2: the unit of analysis, and what a
//! blank cell means in every column).

use crate::cmd::OK;
use aabc::schema::metadata::Dataset;
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
    let text = aabc::release::codebook::of_dataset(&dataset)?;
    let mut stdout = std::io::stdout().lock();
    out!(stdout, "{text}")?;
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}
