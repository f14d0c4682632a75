//! `aabc export`: write one table in one format, for users who want only that.
//!
//! `aabc export --format parquet --out events.parquet` exports the dataset's first table
//! (`--table` picks another); `--schema S.json FILE.csv` exports any CSV that follows a row
//! schema. The output is written to a temporary file and renamed into place.

use crate::cmd::OK;
use aabc::checksum::sha256_file;
use aabc::export::{export_to_path, Format, Provenance};
use aabc::metadata::Dataset;
use aabc::schema::Schema;
use aabc::validate::display;
use aabc::{Error, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum)]
    format: Format,
    /// Output file.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Table of the dataset to export (default: the first one of the metadata file).
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    #[command(flatten)]
    target: crate::cmd::target::Target,
}

pub fn run(args: Args) -> Result<u8> {
    let (schema, path, mut provenance) = match (&args.target.schema, &args.target.file) {
        (Some(s), Some(f)) => (Schema::load(s)?, f.clone(), Provenance::default()),
        _ => {
            let dataset = Dataset::open(&args.target.root)?;
            let r = match &args.table {
                Some(t) => dataset
                    .resource(t)
                    .ok_or_else(|| Error::Other(format!("no table {t:?} in the dataset")))?,
                None => &dataset.meta.resources[0],
            };
            let p = Provenance {
                dataset: Some(dataset.meta.name.clone()),
                version: Some(dataset.meta.version.clone()),
                source_sha256: None,
            };
            (
                Schema::load(&dataset.schema_path(r))?,
                dataset.data_path(r),
                p,
            )
        }
    };
    provenance.source_sha256 = Some(sha256_file(&path)?);
    let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let source = std::io::BufReader::with_capacity(1 << 16, file);
    let n = export_to_path(
        &schema,
        source,
        &display(&path),
        args.format,
        &provenance,
        &args.out,
    )?;
    eprintln!("wrote {n} rows to {}", args.out.display());
    Ok(OK)
}
