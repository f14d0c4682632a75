//! `aabc init DIR`: scaffold a new event dataset repository (metadata, one row schema with
//! example vocabularies and rules, an empty table, a changelog, a CI workflow) that validates
//! and releases as it is.

use crate::cmd::OK;
use aabc::scaffold::{init, name_from, Options};
use aabc::Result;
use std::io::Write;
use std::path::PathBuf;

/// Scaffold a new event dataset repository that validates and releases as it is.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory of the new repository (created; must be empty if it exists).
    dir: PathBuf,
    /// Machine name of the dataset (default: from DIR): lower-case letters, digits, dashes.
    #[arg(long)]
    name: Option<String>,
    /// Title of the dataset (default: the name).
    #[arg(long)]
    title: Option<String>,
    /// Git URL the CI workflow installs aabc from.
    #[arg(long, value_name = "URL", default_value = env!("CARGO_PKG_REPOSITORY"))]
    aabc_git: String,
}

pub fn run(args: Args) -> Result<u8> {
    let name = args.name.unwrap_or_else(|| name_from(&args.dir));
    let opts = Options {
        title: args.title.unwrap_or_else(|| name.clone()),
        name,
        aabc_git: args.aabc_git,
        today: aabc::clock::today(),
    };
    let files = init(&args.dir, &opts)?;
    let mut stdout = std::io::stdout().lock();
    let shown = aabc::table::text::shown(&args.dir.to_string_lossy());
    outln!(stdout, "created {shown}:")?;
    for f in files {
        outln!(
            stdout,
            "  {}",
            aabc::table::text::shown(&f.to_string_lossy())
        )?;
    }
    outln!(
        stdout,
        "next: add rows to dataset/events.csv, then `aabc validate --root {shown}`"
    )?;
    if opts.aabc_git.is_empty() {
        eprintln!("note: set AABC_GIT in .github/workflows/validate.yml to the git URL aabc is installed from (or pass --aabc-git)");
    }
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}
