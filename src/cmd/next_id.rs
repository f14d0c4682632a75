//! `aabc next-id [TABLE]`: the next free ids of a table, after every id it has and every id
//! retired from it, for contributors adding rows.

use crate::cmd::OK;
use aabc::schema::metadata::Dataset;
use aabc::Result;
use std::io::Write;
use std::path::PathBuf;

/// Print the next free id of a table (after every id in use or retired).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Table to number (default: the table whose ids releases protect, else the first one).
    table: Option<String>,
    /// How many ids to print, one per line.
    #[arg(long, short = 'n', default_value_t = 1)]
    count: usize,
    /// Repository root holding dataset/ and schema/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    let ids = aabc::versions::retired::next_ids(&dataset, args.table.as_deref(), args.count)?;
    let mut stdout = std::io::stdout().lock();
    for id in ids {
        outln!(stdout, "{id}")?;
    }
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}
