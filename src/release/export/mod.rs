//! Writing a validated table in the release formats: Parquet (typed, via Arrow), JSON (an array
//! of typed objects), JSON Lines and canonical CSV. Every writer streams rows from a CSV
//! source, so memory stays flat; every writer is deterministic (same rows, same bytes).
//!
//! Types come from the row schema only ([`crate::schema::Kind`]): nothing here names a column.

pub mod arrow;
pub mod bounds;
pub mod datapackage;
pub mod dictionary;
pub mod expand;
pub mod geojson;
pub mod json;
pub mod link;
pub mod parquet;
pub mod partition;

use crate::error::{Error, Result};
use crate::schema::rows::Rows;
use crate::schema::Schema;
use std::io::{Read, Write};
use std::path::Path;

/// Output formats of `aabc export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Json,
    Jsonl,
    Csv,
    /// RFC 7946 GeoJSON, for tables with (or expanded to) latitude and longitude columns.
    Geojson,
}

impl crate::choice::Choice for Format {
    const ALL: &'static [Self] = &[
        Format::Parquet,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Geojson,
    ];
    fn name(self) -> &'static str {
        self.extension()
    }
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Geojson => "geojson",
        }
    }
}

/// How exported files are written.
#[derive(Debug, Clone)]
pub struct Options {
    pub provenance: Provenance,
    /// ZSTD level of Parquet files (3, the default, is fast; release bundles use
    /// [`RELEASE_ZSTD_LEVEL`] for smaller archives).
    pub zstd_level: i32,
    /// Hash the source while reading it and record the SHA-256 as the Parquet file's
    /// `aabc:source_csv_sha256` (when the provenance does not give one).
    pub hash_source: bool,
    /// Turn dictionary encoding off for free-text columns whose values are mostly distinct
    /// (faster, smaller). Off for release bundles, whose bytes are fixed.
    pub adaptive_dictionary: bool,
    /// Store every vocabulary's full category set, in codebook order, in the Parquet
    /// dictionaries ([`dictionary`]) and as metadata (key-value `aabc:categories` and field
    /// metadata `categories`), and order the dictionaries the schema marks `"x-ordered"`. On
    /// for `aabc export` and bundles of release format 2 on; off for older bundles, whose bytes
    /// are fixed.
    pub categories: bool,
    /// Dictionary-encode the items of list columns with a string vocabulary (Arrow
    /// `List<Dictionary<Int32, Utf8>>`), with the vocabulary whole in the Parquet dictionaries
    /// and in the category metadata, as vocabulary columns are. On for `aabc export` and
    /// bundles of release format 6 on; off for older bundles, whose bytes are fixed.
    pub list_dictionaries: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            provenance: Provenance::default(),
            zstd_level: 3,
            hash_source: false,
            adaptive_dictionary: true,
            categories: true,
            list_dictionaries: true,
        }
    }
}

/// ZSTD level of the Parquet files of release bundles. Part of the published bytes: changing
/// it changes every bundle, so it stays fixed.
pub const RELEASE_ZSTD_LEVEL: i32 = 9;

/// Facts stored in exported files so that a file can be traced to its source.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Dataset name and version, when exporting a dataset table.
    pub dataset: Option<String>,
    pub version: Option<String>,
    /// SHA-256 (hex) of the canonical CSV the file was built from.
    pub source_sha256: Option<String>,
}

/// A reader that computes the SHA-256 of what passes through it (when asked to).
pub struct HashingReader<R> {
    inner: R,
    hasher: Option<sha2::Sha256>,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R, hash: bool) -> HashingReader<R> {
        HashingReader {
            inner,
            hasher: hash.then(<sha2::Sha256 as sha2::Digest>::new),
        }
    }

    /// The hex SHA-256 of everything read, if hashing.
    pub fn finish(self) -> Option<String> {
        use sha2::Digest;
        self.hasher
            .map(|h| h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            sha2::Digest::update(h, &buf[..n]);
        }
        Ok(n)
    }
}

/// Writes one table from a CSV source in one format.
pub fn export<R: Read + Send, W: Write + Send>(
    schema: &Schema,
    source: R,
    name: &str,
    format: Format,
    options: &Options,
    out: W,
) -> Result<u64> {
    let hashing = options.hash_source
        && options.provenance.source_sha256.is_none()
        && format == Format::Parquet;
    let rows = Rows::new(schema, HashingReader::new(source, hashing), name)?;
    match format {
        Format::Parquet => parquet::write(schema, rows, options, out),
        Format::Json => json::write(schema, rows, json::Layout::Array, out),
        Format::Jsonl => json::write(schema, rows, json::Layout::Lines, out),
        Format::Csv => copy_csv(schema, rows, out),
        Format::Geojson => geojson::write(schema, rows, out),
    }
}

/// Writes rows back as canonical CSV (minimal quoting, LF).
fn copy_csv<R: Read, W: Write>(schema: &Schema, mut rows: Rows<R>, out: W) -> Result<u64> {
    let mut w = crate::table::writer(out);
    let werr = |e: csv::Error| Error::Other(format!("cannot write CSV: {e}"));
    w.write_record(schema.column_names()).map_err(werr)?;
    let mut n = 0;
    while let Some(r) = rows.next_typed_row(schema)? {
        w.write_record(r).map_err(werr)?;
        n += 1;
    }
    w.flush()
        .map_err(|e| Error::Other(format!("cannot write CSV: {e}")))?;
    Ok(n)
}

/// Exports a table to a file, writing a temporary file beside it and renaming it into place
/// (a symlink's target is replaced, a device or FIFO is written through: see
/// [`crate::table::atomic`]). A failure leaves the file as it was.
pub fn export_to_path<R: Read + Send>(
    schema: &Schema,
    source: R,
    name: &str,
    format: Format,
    options: &Options,
    path: &Path,
) -> Result<u64> {
    let mut out = crate::table::atomic::Output::create(path, "export")?;
    let written = {
        let mut w = std::io::BufWriter::new(&mut out);
        export(schema, source, name, format, options, &mut w).and_then(|n| {
            w.flush()
                .map_err(|e| crate::table::atomic::io_error(path, e))?;
            Ok(n)
        })
    };
    let n = written.map_err(|e| out.explain(e))?;
    out.commit()?;
    Ok(n)
}

/// Exports a table as Hive-partitioned Parquet files under `dir`, one directory per year
/// (see [`partition`]). Returns the rows written and the rows of each partition.
pub fn export_by_year<R: Read + Send>(
    schema: &Schema,
    source: R,
    name: &str,
    options: &Options,
    dir: &Path,
) -> Result<(u64, Vec<(String, u64)>)> {
    let rows = Rows::new(
        schema,
        HashingReader::new(source, options.hash_source),
        name,
    )?;
    partition::write_by_year(schema, rows, options, dir)
}

/// A JSON document as bundles write it: pretty, with a final newline.
pub fn pretty(v: &serde_json::Value) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).expect("JSON values serialise");
    s.push(b'\n');
    s
}
