//! Parquet files: ZSTD-compressed, with column statistics, field descriptions (in the embedded
//! Arrow schema) and file metadata that traces the file to its dataset, version, schema and
//! source CSV. Written with a fixed `created_by`, so the bytes depend only on the rows. With
//! category sets ([`Options::categories`]), vocabulary columns are encoded by
//! [`super::dictionary`], so that their dictionaries hold the whole vocabulary.

use super::arrow::{arrow_schema, next_batch};
use super::{HashingReader, Options, Provenance, Rows};
use crate::error::{Error, Result};
use crate::schema::Schema;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use std::io::{Read, Write};
use std::sync::Arc;

/// Rows per record batch.
pub const BATCH_ROWS: usize = 32 * 1024;
/// Rows per row group: large enough for good compression and statistics, small enough that a
/// writer's buffers stay small.
pub const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Key-value metadata stored in every Parquet file.
pub fn key_values(schema: &Schema, options: &Options) -> Vec<KeyValue> {
    let p = &options.provenance;
    let mut kv = Vec::new();
    let mut add = |k: &str, v: Option<&String>| {
        if let Some(v) = v {
            kv.push(KeyValue::new(format!("aabc:{k}"), v.clone()));
        }
    };
    add("dataset", p.dataset.as_ref());
    add("version", p.version.as_ref());
    add("schema_id", schema.id.as_ref());
    add("source_csv_sha256", p.source_sha256.as_ref());
    if options.categories {
        let categories = super::arrow::categories_json(schema, options.list_dictionaries);
        add("categories", categories.as_ref());
    }
    kv
}

/// The `pandas` metadata pyarrow reads to restore pandas dtypes: with it, a plain
/// `pd.read_parquet` gives nullable integer columns (`Int32`, `Int64`) instead of floats.
/// `aschema` is the table's Arrow schema, whose types it describes.
pub fn pandas_metadata(schema: &Schema, aschema: &arrow::datatypes::Schema) -> String {
    use crate::schema::Kind;
    use arrow::datatypes::DataType;
    let columns: Vec<serde_json::Value> = schema
        .columns
        .iter()
        .zip(aschema.fields())
        .map(|(c, field)| {
            let (pandas_type, numpy_type) = match field.data_type() {
                arrow::datatypes::DataType::Int32 => {
                    ("int32", if c.nullable { "Int32" } else { "int32" })
                }
                arrow::datatypes::DataType::Int64 => {
                    ("int64", if c.nullable { "Int64" } else { "int64" })
                }
                arrow::datatypes::DataType::Dictionary(..) => ("categorical", "int32"),
                _ => match c.kind {
                    Kind::Number => ("float64", "float64"),
                    Kind::Boolean => ("bool", if c.nullable { "boolean" } else { "bool" }),
                    Kind::Date => ("date", "object"),
                    Kind::List(_) => match field.data_type() {
                        DataType::List(f) => match f.data_type() {
                            DataType::Int32 => ("list[int32]", "object"),
                            DataType::Int64 => ("list[int64]", "object"),
                            DataType::Dictionary(..) => ("list[categorical]", "object"),
                            _ => ("list[unicode]", "object"),
                        },
                        _ => ("list[unicode]", "object"),
                    },
                    _ => ("unicode", "object"),
                },
            };
            serde_json::json!({
                "name": c.name,
                "field_name": c.name,
                "pandas_type": pandas_type,
                "numpy_type": numpy_type,
                "metadata": serde_json::Value::Null,
            })
        })
        .collect();
    serde_json::json!({
        "index_columns": [],
        "column_indexes": [],
        "columns": columns,
        "creator": {"library": "aabc", "version": CREATOR_VERSION},
        "pandas_version": "2.0.0",
    })
    .to_string()
}

/// The writer version recorded in every Parquet file. Part of the published bytes of every
/// release, so it is fixed here rather than taken from the crate version.
const CREATOR_VERSION: &str = "0.1.0";

/// What the reading thread hands the writing thread.
enum Message {
    Batch(Result<RecordBatch>),
    /// The source is exhausted; its SHA-256, when it was hashed.
    Done(Option<String>),
}

/// Free-text columns whose first batch is mostly distinct values: dictionary encoding would
/// cost time and bytes there, so it is turned off for them.
fn high_cardinality(schema: &Schema, batch: &RecordBatch) -> Vec<String> {
    use arrow::array::{Array, AsArray};
    let mut out = Vec::new();
    for (i, c) in schema.columns.iter().enumerate() {
        let col = batch.column(i);
        if c.kind != crate::schema::Kind::String
            || c.terms.is_some()
            || col.data_type() != &arrow::datatypes::DataType::Utf8
        {
            continue;
        }
        let strings = col.as_string::<i32>();
        let values: Vec<&str> = (0..strings.len())
            .filter(|&r| !strings.is_null(r))
            .map(|r| strings.value(r))
            .collect();
        let distinct: std::collections::HashSet<&str> = values.iter().copied().collect();
        if values.len() >= 1000 && distinct.len() * 2 > values.len() {
            out.push(c.name.clone());
        }
    }
    out
}

/// The Arrow schema written into every file: the table's, with the pandas metadata (pyarrow
/// takes it from the Arrow schema stored in the file).
pub(crate) fn file_schema(schema: &Schema, options: &Options) -> Arc<arrow::datatypes::Schema> {
    let aschema = arrow_schema(schema, options);
    let mut meta = std::collections::HashMap::new();
    meta.insert("pandas".to_string(), pandas_metadata(schema, &aschema));
    Arc::new(aschema.with_metadata(meta))
}

/// Writer properties; `first` (the first batch) lets free-text columns skip dictionaries.
pub(crate) fn properties(
    schema: &Schema,
    options: &Options,
    first: Option<&RecordBatch>,
    row_group_rows: usize,
) -> Result<WriterProperties> {
    let level = ZstdLevel::try_new(options.zstd_level)
        .map_err(|e| Error::Other(format!("ZSTD level: {e}")))?;
    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(row_group_rows))
        .set_created_by(format!("aabc {CREATOR_VERSION}"))
        .set_key_value_metadata(Some(key_values(schema, options)));
    if options.adaptive_dictionary {
        for name in first
            .map(|b| high_cardinality(schema, b))
            .unwrap_or_default()
        {
            props = props.set_column_dictionary_enabled(ColumnPath::from(name.as_str()), false);
        }
    }
    Ok(props.build())
}

/// The Parquet writer of a table: arrow-rs's `ArrowWriter`, or, when the file carries category
/// sets and the table has vocabulary columns, [`super::dictionary::Writer`], which puts each
/// vocabulary whole, in codebook order, in its column's dictionary pages.
pub(crate) enum TableWriter<W: Write + Send> {
    Arrow(ArrowWriter<W>),
    Dictionary(super::dictionary::Writer<W>),
}

impl<W: Write + Send> TableWriter<W> {
    pub(crate) fn try_new(
        out: W,
        schema: &Schema,
        aschema: Arc<arrow::datatypes::Schema>,
        props: WriterProperties,
        options: &Options,
    ) -> parquet::errors::Result<Self> {
        Ok(
            if options.categories && super::dictionary::has_vocabulary(schema, &aschema) {
                TableWriter::Dictionary(super::dictionary::Writer::try_new(
                    out, schema, aschema, props,
                )?)
            } else {
                TableWriter::Arrow(ArrowWriter::try_new(out, aschema, Some(props))?)
            },
        )
    }

    pub(crate) fn write(&mut self, batch: &RecordBatch) -> parquet::errors::Result<()> {
        match self {
            TableWriter::Arrow(w) => w.write(batch),
            TableWriter::Dictionary(w) => w.write(batch),
        }
    }

    pub(crate) fn append_key_value_metadata(&mut self, kv: KeyValue) {
        match self {
            TableWriter::Arrow(w) => w.append_key_value_metadata(kv),
            TableWriter::Dictionary(w) => w.append_key_value_metadata(kv),
        }
    }

    /// Writes what is buffered and the footer; returns the output.
    pub(crate) fn into_inner(self) -> parquet::errors::Result<W> {
        match self {
            TableWriter::Arrow(w) => w.into_inner(),
            TableWriter::Dictionary(w) => w.into_inner(),
        }
    }

    /// Writes what is buffered and the footer.
    pub(crate) fn close(self) -> parquet::errors::Result<()> {
        match self {
            TableWriter::Arrow(w) => w.close().map(drop),
            TableWriter::Dictionary(w) => w.into_inner().map(drop),
        }
    }
}

/// Runs the two-thread pipeline: one thread parses the CSV and builds Arrow batches, the
/// calling thread hands each batch, in order, to `consume`. Returns the source's SHA-256 when
/// it was hashed.
pub(crate) fn pipeline<R: Read + Send>(
    schema: &Schema,
    aschema: &Arc<arrow::datatypes::Schema>,
    mut rows: Rows<HashingReader<R>>,
    mut consume: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<Option<String>> {
    std::thread::scope(|scope| -> Result<Option<String>> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Message>(2);
        let producer_schema = aschema.clone();
        scope.spawn(move || {
            loop {
                match next_batch(schema, &producer_schema, &mut rows, BATCH_ROWS) {
                    Ok(Some(b)) => {
                        if tx.send(Message::Batch(Ok(b))).is_err() {
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Message::Batch(Err(e)));
                        return;
                    }
                }
            }
            let _ = tx.send(Message::Done(rows.into_source().finish()));
        });
        for message in rx {
            match message {
                Message::Batch(batch) => consume(batch?)?,
                Message::Done(sha) => return Ok(sha),
            }
        }
        Err(Error::Other(
            "the reading thread stopped before the end of the rows".into(),
        ))
    })
}

/// Writes rows as one Parquet file. Parsing and encoding run on two threads, and batches are
/// written in order, so the bytes do not depend on timing.
pub fn write<R: Read + Send, W: Write + Send>(
    schema: &Schema,
    rows: Rows<HashingReader<R>>,
    options: &Options,
    out: W,
) -> Result<u64> {
    let p = &options.provenance;
    let fail = |e: parquet::errors::ParquetError| {
        Error::Other(format!("{}: cannot write Parquet: {e}", rows_name(p)))
    };
    let aschema = file_schema(schema, options);
    let mut n = 0u64;
    let mut out = Some(out);
    let mut writer: Option<TableWriter<W>> = None;
    // The writer is made once the first batch shows what the columns hold.
    let mut open = |first: Option<&RecordBatch>| -> Result<TableWriter<W>> {
        let props = properties(schema, options, first, ROW_GROUP_ROWS)?;
        TableWriter::try_new(
            out.take().expect("opened once"),
            schema,
            aschema.clone(),
            props,
            options,
        )
        .map_err(fail)
    };
    let sha = pipeline(schema, &aschema, rows, |batch| {
        if writer.is_none() {
            writer = Some(open(Some(&batch))?);
        }
        n += batch.num_rows() as u64;
        writer.as_mut().expect("opened").write(&batch).map_err(fail)
    })?;
    let mut w = match writer {
        Some(w) => w,
        None => open(None)?,
    };
    if let Some(sha) = sha {
        w.append_key_value_metadata(KeyValue::new("aabc:source_csv_sha256".to_string(), sha));
    }
    w.close().map_err(fail)?;
    Ok(n)
}

fn rows_name(p: &Provenance) -> String {
    p.dataset.clone().unwrap_or_else(|| "table".into())
}
