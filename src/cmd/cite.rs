//! `aabc cite`: print a citation of a published version (default: the latest), or of one event
//! in it, as text, BibTeX, RIS or CFF: `aabc cite 1.1.0 --format bibtex`. Versions are those of
//! the release record; `v1.0.0` and `1.0.0` are the same.

use crate::cmd::OK;
use aabc::release::cite::{render, Cited, Style};
use aabc::schema::metadata::Dataset;
use aabc::versions::versioning::{find_published, latest, records};
use aabc::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

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
    /// Citation format.
    #[arg(long, default_value = "text", value_parser = crate::cmd::choice::<Style>())]
    format: Style,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    let list = records(&dataset)?;
    let record = match args.version.as_ref().or(args.version_option.as_ref()) {
        None => latest(&list).ok_or_else(|| {
            Error::Other("no version has been published yet (the release record is empty)".into())
        })?,
        Some(v) => find_published(&list, v)?,
    };
    // The metadata and data as published.
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    aabc::versions::snapshot::checkout(&args.root, &record.commit_id()?, tmp.path())?;
    let then = Dataset::open(tmp.path())?;
    if let Some(id) = &args.event {
        let snap = aabc::versions::snapshot::from_metadata(&then.path, "release")?;
        let table = then
            .meta
            .releases
            .as_ref()
            .map(|r| r.table.clone())
            .unwrap_or_else(|| then.meta.resources[0].name.clone());
        let t = snap.table(&table).ok_or_else(|| {
            Error::Other(format!("no table {table:?} in version {}", record.version))
        })?;
        if !(0..t.rows.len()).any(|i| &t.key(i) == id) {
            return Err(Error::Other(format!(
                "event {id} is not in version {}",
                record.version
            )));
        }
    }
    let cited = Cited {
        meta: &then.meta,
        record,
        event: args.event.as_deref(),
    };
    let mut stdout = std::io::stdout().lock();
    out!(stdout, "{}", render(&cited, args.format))?;
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}
