//! `aabc diff OLD [NEW]`: events (and other rows) added, removed and changed, field by field,
//! and schema changes. Each side is a published version (`1.0.0` or `v1.0.0`, found through
//! the release record, so a clone without tags works), a bundle directory or zip, a CSV file,
//! a repository directory, or a git revision; NEW defaults to the working tree. Text, Markdown (for CHANGELOG.md) or JSON; exit 0 either way,
//! or 1 when there are differences with `--exit-code`.

use crate::cmd::{FOUND, OK};
use aabc::versions::diff::{diff, markdown, text};
use aabc::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Markdown,
    Json,
}

/// List rows added, removed and changed, and schema changes, between two versions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The older version.
    old: String,
    /// The newer version (default: the working tree under --root).
    new: Option<String>,
    /// Repository (for git revisions and for typing a bare CSV file).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Output,
    /// Exit 1 when the versions differ, like `git diff --exit-code`.
    #[arg(long)]
    exit_code: bool,
}

pub fn run(args: Args) -> Result<u8> {
    let old = aabc::versions::snapshot::load(&args.old, &args.root)?;
    let new = match &args.new {
        Some(spec) => aabc::versions::snapshot::load(spec, &args.root)?,
        None => aabc::versions::snapshot::load(&args.root.to_string_lossy(), &args.root)?,
    };
    let d = diff(&old, &new);
    let mut stdout = crate::cmd::report_stdout();
    match args.format {
        Output::Text => out!(stdout, "{}", text(&d))?,
        Output::Markdown => out!(stdout, "{}", markdown(&d))?,
        Output::Json => {
            let mut v = serde_json::to_value(&d).map_err(|e| Error::Other(e.to_string()))?;
            if let Some((bump, why)) = d.required_bump() {
                v["required_bump"] = serde_json::json!(bump);
                v["reasons"] = serde_json::json!(why);
            }
            outln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| Error::Other(e.to_string()))?
            )?;
        }
    }
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(if args.exit_code && !d.is_empty() {
        FOUND
    } else {
        OK
    })
}
