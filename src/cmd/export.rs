//! `aabc export`: write one table in one format, for users who want only that.
//!
//! `aabc export --format parquet --out events.parquet` exports the dataset's first table
//! (`--table` picks another); `--schema S.json FILE.csv` exports any CSV that follows a row
//! schema. The output is written to a temporary file and renamed into place. The typed formats
//! of a dataset table carry the convenience columns its foreign keys `expand` (the CSV stays
//! as contributors edit it); `--format geojson` needs latitude and longitude columns.
//!
//! `aabc export --layout acled --out events.acled.csv` writes a table in another dataset's
//! layout that the metadata declares (its `layouts` block), from a repository (`--root`) or an
//! unpacked release bundle (`--root dist/aabc-events-3.1.0`). A dataset or bundle that declares
//! no such layout is an error (exit 2), as a table it does not have is.

use crate::cmd::OK;
use aabc::release::export::expand::take_failure;
use aabc::release::export::{export_to_path, Format, Options, Provenance};
use aabc::release::tables::Tables;
use aabc::schema::metadata::Dataset;
use aabc::schema::Schema;
use aabc::table::paths::{display, printable};
use aabc::{Error, Result};
use std::path::PathBuf;

/// How to split a Parquet export into a Hive-partitioned directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PartitionBy {
    /// One directory per year of the table's date (`year=2021/…`).
    Year,
}

/// Write one table in one format (parquet, json, jsonl, csv), or in another dataset's layout.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_parser = crate::cmd::choice::<Format>(), required_unless_present = "layout")]
    format: Option<Format>,
    /// Write the table in a layout the metadata declares (e.g. acled, ucdp), as CSV.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["format", "partition_by", "table", "schema"])]
    layout: Option<String>,
    /// Output file (a directory with --partition-by).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Write a Hive-partitioned directory of Parquet files instead of one file.
    #[arg(long, value_enum, value_name = "KEY")]
    partition_by: Option<PartitionBy>,
    /// ZSTD level of a Parquet file (1 to 22; higher is smaller and slower).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(i32).range(1..=22))]
    zstd_level: i32,
    /// Record the SHA-256 of the source CSV in the Parquet metadata (always done for the
    /// dataset's tables; with --schema only when asked).
    #[arg(long)]
    hash_source: bool,
    /// Table of the dataset to export (default: the first one of the metadata file).
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    #[command(flatten)]
    target: crate::cmd::target::Target,
}

pub fn run(args: Args) -> Result<u8> {
    if let Some(name) = &args.layout {
        return run_layout(&args, name);
    }
    let format = args.format.unwrap_or(Format::Csv);
    // A CSV exported against a schema alone has no referenced tables to expand from: its rows
    // are written as they are.
    let (schema, path, provenance, expansion) = match (&args.target.schema, &args.target.file) {
        (Some(s), Some(f)) => (Schema::load(s)?, f.clone(), Provenance::default(), None),
        _ => {
            let dataset = Dataset::open(&args.target.root)?;
            let r = match &args.table {
                Some(t) => dataset.table(t)?,
                None => &dataset.meta.resources[0],
            };
            let p = Provenance {
                dataset: Some(dataset.meta.name.clone()),
                version: Some(dataset.meta.version.clone()),
                source_sha256: None,
            };
            if format != Format::Csv && dataset.meta.adds_typed_columns(&r.name) {
                return run_with_added_columns(&args, format, &dataset, r, p);
            }
            let schema = Schema::load(&dataset.schema_path(r))?;
            let tables = Tables::referenced_by(&dataset, &r.name, &schema)?;
            let expansion = tables.expansion(&r.name, &schema)?;
            (schema, dataset.data_path(r), p, expansion)
        }
    };
    // The typed formats carry the convenience columns; CSV stays as contributors edit it.
    let expansion = expansion.filter(|_| format != Format::Csv);
    let mut options = Options {
        provenance,
        zstd_level: args.zstd_level,
        // Hashing costs about 6% of an export: worth it for the dataset's own tables, asked for
        // explicitly for other files.
        hash_source: args.target.schema.is_none() || args.hash_source,
        adaptive_dictionary: true,
        categories: true,
        list_dictionaries: true,
    };
    if expansion.is_some() && options.hash_source {
        // The exported rows are expanded: record the hash of the table's own CSV.
        options.provenance.source_sha256 = Some(aabc::release::checksum::sha256_file(&path)?);
        options.hash_source = false;
    }
    let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let file = crate::cmd::progress::Bar::reading("exporting", size, file);
    let source = std::io::BufReader::with_capacity(1 << 16, file);
    let name = display(&path);
    match &expansion {
        Some(x) => {
            let reader = x.reader(&schema, source, &name)?;
            let failure = reader.failure();
            write(&args, format, &x.schema, reader, &name, &options)
                .map_err(|e| take_failure(&failure).unwrap_or(e))
        }
        None => write(&args, format, &schema, source, &name, &options),
    }
}

/// A typed export of a table the metadata adds columns to: the added columns read the whole
/// typed row and may look up any table, so every table is loaded and the rows are built in
/// memory (the tables that declare them are small).
fn run_with_added_columns(
    args: &Args,
    format: Format,
    dataset: &Dataset,
    r: &aabc::schema::metadata::Resource,
    mut provenance: Provenance,
) -> Result<u8> {
    let tables = Tables::load(dataset)?;
    let table = tables.get(&r.name)?;
    provenance.source_sha256 = Some(aabc::release::checksum::sha256_hex(&table.csv));
    let options = Options {
        provenance,
        zstd_level: args.zstd_level,
        hash_source: false,
        adaptive_dictionary: true,
        categories: true,
        list_dictionaries: true,
    };
    let (schema, rows) = table.typed()?;
    let name = display(&dataset.data_path(r));
    write(args, format, schema, rows.as_ref(), &name, &options)
}

/// `--layout NAME`: the table in a declared layout, from a repository or an unpacked bundle,
/// with `unix_seconds` taken from the version's date in the changelog beside it (else today).
fn run_layout(args: &Args, name: &str) -> Result<u8> {
    let root = &args.target.root;
    let bundle_meta = root.join("dataset.json");
    let dataset =
        if !root.join(aabc::schema::metadata::METADATA_PATH).exists() && bundle_meta.exists() {
            Dataset::load(&bundle_meta)?
        } else {
            Dataset::open(root)?
        };
    let layout = aabc::release::layout::find(&dataset.meta, name, dataset.place())?;
    let tables = Tables::load(&dataset)?;
    let date =
        aabc::release::layout::export_date(&root.join("CHANGELOG.md"), &dataset.meta.version);
    let written = aabc::release::layout::write(name, layout, &tables, date)?;
    let mut out = aabc::table::atomic::Output::create(&args.out, "export")?;
    std::io::Write::write_all(&mut out, &written.csv)
        .map_err(|e| out.explain(aabc::table::atomic::io_error(&args.out, e)))?;
    out.commit()?;
    eprintln!(
        "wrote {} rows in {} ({} left out) to {}",
        written.rows,
        layout.title,
        written.left_out.len(),
        printable(&args.out)
    );
    Ok(OK)
}

fn write<R: std::io::Read + Send>(
    args: &Args,
    format: Format,
    schema: &Schema,
    source: R,
    name: &str,
    options: &Options,
) -> Result<u8> {
    if let Some(PartitionBy::Year) = args.partition_by {
        if format != Format::Parquet {
            return Err(Error::Other(
                "--partition-by writes Parquet: use it with --format parquet".into(),
            ));
        }
        let (n, parts) =
            aabc::release::export::export_by_year(schema, source, name, options, &args.out)?;
        for (year, rows) in &parts {
            eprintln!("  year={year}: {rows} rows");
        }
        eprintln!(
            "wrote {n} rows in {} partitions under {}",
            parts.len(),
            printable(&args.out)
        );
        return Ok(OK);
    }
    let n = export_to_path(schema, source, name, format, options, &args.out)?;
    eprintln!("wrote {n} rows to {}", printable(&args.out));
    Ok(OK)
}
