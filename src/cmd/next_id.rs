//! `aabc next-id [TABLE]`: the next free ids of a table, after every id it has and every id
//! retired from it, for contributors adding rows.

use crate::cmd::OK;
use aabc::schema::metadata::Dataset;
use aabc::{Error, Result};
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
    let table = match &args.table {
        Some(t) => t.clone(),
        None => dataset
            .meta
            .releases
            .as_ref()
            .map(|r| r.table.clone())
            .unwrap_or_else(|| dataset.meta.resources[0].name.clone()),
    };
    let (key, mut taken, example) = aabc::versions::retired::taken_ids(&dataset, &table)?;
    let mut ids = Vec::new();
    if taken.is_empty() {
        // An empty table starts at 1, in the style of the key's example in the schema.
        if let Some(first) = example.as_deref().and_then(aabc::versions::ids::first_id) {
            taken.push(first.clone());
            ids.push(first);
        }
    }
    let more = args.count.saturating_sub(ids.len());
    ids.extend(
        aabc::versions::ids::next_ids(taken.iter().map(String::as_str), more)
            .map_err(|m| Error::Refused(format!("{table}.{key}: {m}")))?,
    );
    let mut stdout = std::io::stdout().lock();
    for id in ids {
        outln!(stdout, "{id}")?;
    }
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}
