//! Hive-partitioned Parquet (`DIR/year=2021/part-0.parquet`, …): one directory per year of the
//! table's date, which DuckDB, polars and Spark read as one table with a `year` column. For
//! data that outgrows one file or one machine.
//!
//! The year comes from the first date column of the sort key (or the first date column). The
//! tree is written into a temporary directory beside the target and renamed into place.

use super::parquet::{file_schema, pipeline, properties, TableWriter};
use super::{HashingReader, Options, Rows};
use crate::error::{Error, Result};
use crate::schema::{Kind, Schema};
use arrow::array::{Array, AsArray, UInt32Array};
use arrow::datatypes::Date32Type;
use parquet::file::metadata::KeyValue;
use std::collections::BTreeMap;
use std::io::{BufWriter, Read};
use std::path::Path;

/// Rows per row group in a partition: several partitions are open at once.
const PARTITION_ROW_GROUP_ROWS: usize = 64 * 1024;

/// Name of the partition of rows whose date is blank (Hive's convention).
const DEFAULT_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The column whose year partitions the table.
pub fn partition_column(schema: &Schema) -> Option<usize> {
    schema
        .sort_key
        .iter()
        .copied()
        .find(|&c| schema.columns[c].kind == Kind::Date)
        .or_else(|| schema.columns.iter().position(|c| c.kind == Kind::Date))
}

/// Writes the rows under `dir` partitioned by year; returns the rows written and the rows of
/// each partition.
pub fn write_by_year<R: Read + Send>(
    schema: &Schema,
    rows: Rows<HashingReader<R>>,
    options: &Options,
    dir: &Path,
) -> Result<(u64, Vec<(String, u64)>)> {
    let column = partition_column(schema).ok_or_else(|| {
        Error::Other("--partition-by year needs a date column in the schema".into())
    })?;
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::Refused(format!(
            "{} exists and is not empty: choose a new directory (nothing is overwritten)",
            dir.display()
        )));
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = crate::table::atomic::temp_dir_in(parent, "partitions")?;
    let aschema = file_schema(schema, options);
    let fail =
        |e: parquet::errors::ParquetError| Error::Other(format!("cannot write Parquet: {e}"));
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let mut writers: BTreeMap<String, (TableWriter<BufWriter<std::fs::File>>, u64)> =
        BTreeMap::new();
    let mut total = 0u64;
    let sha = pipeline(schema, &aschema, rows, |batch| {
        // Row indexes of each year, in row order.
        let dates = batch.column(column).as_primitive::<Date32Type>();
        let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for r in 0..batch.num_rows() {
            let key = if dates.is_null(r) {
                DEFAULT_PARTITION.to_string()
            } else {
                use chrono::Datelike;
                (epoch + chrono::Duration::days(dates.value(r) as i64))
                    .year()
                    .to_string()
            };
            groups.entry(key).or_default().push(r as u32);
        }
        for (year, idx) in groups {
            let part = if idx.len() == batch.num_rows() {
                batch.clone()
            } else {
                arrow::compute::take_record_batch(&batch, &UInt32Array::from(idx))
                    .map_err(|e| Error::Other(format!("cannot split a batch: {e}")))?
            };
            if !writers.contains_key(&year) {
                let sub = tmp.path().join(format!("year={year}"));
                std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, e))?;
                let path = sub.join("part-0.parquet");
                let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
                let props = properties(schema, options, Some(&part), PARTITION_ROW_GROUP_ROWS)?;
                let w = TableWriter::try_new(
                    BufWriter::new(file),
                    schema,
                    aschema.clone(),
                    props,
                    options,
                )
                .map_err(fail)?;
                writers.insert(year.clone(), (w, 0));
            }
            let (w, n) = writers.get_mut(&year).expect("inserted");
            *n += part.num_rows() as u64;
            total += part.num_rows() as u64;
            w.write(&part).map_err(fail)?;
        }
        Ok(())
    })?;
    let mut counts = Vec::new();
    for (year, (mut w, n)) in writers {
        if let Some(sha) = &sha {
            w.append_key_value_metadata(KeyValue::new(
                "aabc:source_csv_sha256".to_string(),
                sha.clone(),
            ));
        }
        let file = w.into_inner().map_err(fail)?;
        file.into_inner()
            .map_err(|e| Error::Other(format!("cannot write: {e}")))?
            .sync_all()
            .map_err(|e| Error::io(tmp.path(), e))?;
        counts.push((year, n));
    }
    let staged = tmp.keep();
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::rename(&staged, dir).map_err(|e| Error::io(dir, e))?;
    Ok((total, counts))
}
