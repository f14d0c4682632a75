//! `aabc cite`: print a citation of a published version (default: the latest), or of one event
//! in it, as text, BibTeX, RIS or CFF: `aabc cite 1.1.0 --format bibtex`. Versions are those of
//! the release record; `v1.0.0` and `1.0.0` are the same. `aabc cite --repository` prints the
//! repository's own `CITATION.cff` as generated from the working tree's metadata (the file a
//! test keeps in step: `aabc cite --repository > CITATION.cff`); `aabc cite --zenodo` prints
//! `.zenodo.json`, the deposit metadata Zenodo reads when it archives a release.

use crate::cmd::OK;
use aabc::release::cite::{render, Cited, Style};
use aabc::schema::metadata::Dataset;
use aabc::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// Print a citation of a published version, or of one event in it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Repository root holding dataset/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Published version to cite, with or without `v` (default: the latest).
    #[arg(value_name = "VERSION")]
    version: Option<String>,
    /// The same as VERSION (kept for scripts written before it was positional).
    #[arg(long = "version", value_name = "V", conflicts_with = "version")]
    version_option: Option<String>,
    /// Cite one event of that version.
    #[arg(long, value_name = "ID")]
    event: Option<String>,
    /// Print the repository's CITATION.cff, generated from the working tree's metadata (for
    /// `aabc cite --repository > CITATION.cff`), instead of citing a published version.
    #[arg(long, conflicts_with_all = ["version", "version_option", "event", "format"])]
    repository: bool,
    /// Print the `.zenodo.json` deposit metadata generated from the working tree's metadata
    /// (for `aabc cite --zenodo > .zenodo.json`; Zenodo reads it when it archives a release).
    #[arg(long, conflicts_with_all = ["version", "version_option", "event", "format", "repository"])]
    zenodo: bool,
    /// Citation format.
    #[arg(long, default_value = "text", value_parser = crate::cmd::choice::<Style>())]
    format: Style,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    if args.zenodo {
        let v = aabc::release::zenodo::zenodo(&dataset.meta);
        let text = serde_json::to_string_pretty(&v).map_err(|e| Error::Other(e.to_string()))?;
        let mut stdout = std::io::stdout().lock();
        outln!(stdout, "{text}")?;
        stdout.flush().map_err(crate::cmd::stdout_error)?;
        return Ok(OK);
    }
    if args.repository {
        let text = aabc::release::cite::repository_cff(&args.root, &dataset)?;
        let mut stdout = std::io::stdout().lock();
        out!(stdout, "{text}")?;
        stdout.flush().map_err(crate::cmd::stdout_error)?;
        return Ok(OK);
    }
    let version = args.version.as_ref().or(args.version_option.as_ref());
    let p = aabc::release::cite::published(
        &args.root,
        version.map(String::as_str),
        args.event.as_deref(),
    )?;
    let cited = Cited {
        meta: &p.meta,
        record: &p.record,
        event: args.event.as_deref(),
        // The version's own DOI from the release record; without it the dataset's DOI for all
        // versions, from its metadata, is cited when there is one.
        doi: p.record.doi.as_deref(),
    };
    let mut stdout = std::io::stdout().lock();
    out!(stdout, "{}", render(&cited, args.format))?;
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}
