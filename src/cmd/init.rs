//! `aabc init DIR`: scaffold a new event dataset repository (metadata, one row schema with
//! example vocabularies and rules, an empty table, a changelog, a CI workflow) that validates
//! and releases as it is. It runs `git init` there too (releases record the commit of their
//! data), unless the directory already is inside a git work tree; without git it warns and
//! still succeeds, since everything but a release works without one (a git that fails to
//! `init` exits 2, could not run). It commits nothing: the README walks the user to the first
//! commit and release.

use crate::cmd::OK;
use aabc::scaffold::{git_init, init, name_from, Git, Options};
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
    /// Git URL the CI workflow builds aabc from (a fork, say), instead of installing this
    /// release's wheel from PyPI, which needs no Rust.
    #[arg(long, value_name = "URL", default_value = "")]
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
    let git = git_init(&args.dir)?;
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
    match git {
        Git::Initialised => outln!(stdout, "initialised a git repository (nothing committed yet)")?,
        Git::Inside => outln!(stdout, "inside an existing git work tree: no new repository")?,
        Git::Missing => eprintln!(
            "aabc: warning: git could not be run, so {shown} is no git repository yet; releases record the commit of their data: run `git init` there"
        ),
    }
    outln!(
        stdout,
        "next: add rows to dataset/events.csv, then `aabc validate --root {shown}`"
    )?;
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}
