//! Parquet files: ZSTD-compressed, with column statistics, field descriptions (in the embedded
//! Arrow schema) and file metadata that traces the file to its dataset, version, schema and
//! source CSV. Written with a fixed `created_by`, so the bytes depend only on the rows.

use super::arrow::{arrow_schema, next_batch};
use super::{Provenance, Rows};
use crate::error::{Error, Result};
use crate::schema::Schema;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::io::{Read, Write};
use std::sync::Arc;

/// Rows per record batch and row group.
pub const BATCH_ROWS: usize = 64 * 1024;

/// Key-value metadata stored in every Parquet file.
pub fn key_values(schema: &Schema, p: &Provenance) -> Vec<KeyValue> {
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
    kv
}

/// The `pandas` metadata pyarrow reads to restore pandas dtypes: with it, a plain
/// `pd.read_parquet` gives nullable integer columns (`Int32`, `Int64`) instead of floats.
pub fn pandas_metadata(schema: &Schema) -> String {
    use crate::schema::Kind;
    let columns: Vec<serde_json::Value> = schema
        .columns
        .iter()
        .map(|c| {
            let (pandas_type, numpy_type) = match super::arrow::data_type(c) {
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
                    Kind::StringList => ("list[unicode]", "object"),
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
        "creator": {"library": "aabc", "version": env!("CARGO_PKG_VERSION")},
        "pandas_version": "2.0.0",
    })
    .to_string()
}

pub fn write<R: Read, W: Write + Send>(
    schema: &Schema,
    mut rows: Rows<R>,
    p: &Provenance,
    out: W,
) -> Result<u64> {
    let fail = |e: parquet::errors::ParquetError| {
        Error::Other(format!("{}: cannot write Parquet: {e}", rows_name(p)))
    };
    // pyarrow takes the pandas metadata from the Arrow schema stored in the file.
    let mut meta = std::collections::HashMap::new();
    meta.insert("pandas".to_string(), pandas_metadata(schema));
    let aschema = Arc::new(arrow_schema(schema).with_metadata(meta));
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(9).map_err(fail)?))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(BATCH_ROWS * 16))
        .set_created_by(format!("aabc {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(key_values(schema, p)))
        .build();
    let mut writer = ArrowWriter::try_new(out, aschema.clone(), Some(props)).map_err(fail)?;
    let mut n = 0u64;
    while let Some(batch) = next_batch(schema, &aschema, &mut rows, BATCH_ROWS)? {
        n += batch.num_rows() as u64;
        writer.write(&batch).map_err(fail)?;
    }
    writer.close().map_err(fail)?;
    Ok(n)
}

fn rows_name(p: &Provenance) -> String {
    p.dataset.clone().unwrap_or_else(|| "table".into())
}
