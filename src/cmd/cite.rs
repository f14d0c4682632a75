//! `aabc cite`: print a citation of a published version (default: the latest), or of one event
//! in it, as text, BibTeX, RIS or CFF. Versions are those of the release record; `v1.0.0` and
//! `1.0.0` are the same.

use crate::cmd::OK;
use aabc::release::cite::{render, Cited, Style};
use aabc::schema::metadata::Dataset;
use aabc::versions::versioning::{latest, parse, records};
use aabc::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Repository root holding dataset/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Published version to cite (default: the latest).
    #[arg(long, value_name = "V")]
    version: Option<String>,
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
    let published: Vec<&str> = list.iter().map(|r| r.version.as_str()).collect();
    let record = match &args.version {
        None => latest(&list).ok_or_else(|| {
            Error::Other("no version has been published yet (the release record is empty)".into())
        })?,
        Some(v) => {
            let wanted = parse(v).map_err(|m| Error::Other(format!("{v:?}: {m}")))?;
            list.iter()
                .find(|r| parse(&r.version).ok().as_ref() == Some(&wanted))
                .ok_or_else(|| {
                    Error::Other(format!(
                        "version {v} was never published; published versions: {}",
                        published.join(", ")
                    ))
                })?
        }
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
