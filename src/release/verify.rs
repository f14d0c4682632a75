//! Verification of a release bundle (directory or zip): every checksum, the validity of the
//! data against the bundle's own schemas, and agreement of the CSV, JSON, JSON Lines and Parquet
//! copies of each table, row by row and value by value.

use crate::error::{Error, Result};
use crate::release::bundle::{list_files, SUMS};
use crate::release::checksum::{parse_sums, sha256_file};
use crate::schema::metadata::Dataset;
use crate::schema::rows::record_object;
use crate::schema::rows::Rows;
use crate::schema::Schema;
use crate::table::archive::extract;
use crate::validate::report::Severity;
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Date32Type, Float64Type, Int32Type, Int64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

use std::path::Path;

/// What verification found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files whose checksum was checked.
    pub checked: usize,
    /// Tables compared across formats, with their row counts.
    pub tables: Vec<(String, usize)>,
    /// Every mismatch, in words.
    pub problems: Vec<String>,
}

/// Verifies a bundle directory or zip. `Err` means it could not be read at all.
pub fn verify(path: &Path) -> Result<Report> {
    if path.is_dir() {
        return verify_dir(path);
    }
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let dir = extract(path, tmp.path())?;
    let mut report = verify_dir(&dir)?;
    if let Some(p) = top_folder_problem(&dir) {
        report.problems.insert(0, p);
    }
    Ok(report)
}

/// A zip's top folder must be the bundle's own name, `<name>-<version>` of the metadata it
/// holds: a renamed folder (9.9.9 holding 1.1.0) is a bundle posing as another version.
fn top_folder_problem(dir: &Path) -> Option<String> {
    let meta = Dataset::load(&dir.join("dataset.json")).ok()?;
    let expected = crate::release::bundle::bundle_name(&meta.meta);
    let top = dir.file_name()?.to_string_lossy().into_owned();
    (top != expected).then(|| {
        format!(
            "the archive's top folder is {top:?} but its dataset.json describes {expected:?}: a bundle keeps the name of the version it holds"
        )
    })
}

/// Whether a path named in `SHA256SUMS` is one a bundle can hold: relative, `/`-separated,
/// without `.`, `..`, empty parts, backslashes, drives or control characters.
fn bundle_path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("an empty path");
    }
    if path.starts_with('/') {
        return Some("an absolute path");
    }
    if path.contains('\\') || path.contains(':') || path.chars().any(char::is_control) {
        return Some("a path with a backslash, a drive or a control character");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Some("a path that is not a plain relative path inside the bundle");
    }
    None
}

fn verify_dir(dir: &Path) -> Result<Report> {
    let mut report = Report::default();
    // 1. Checksums.
    let sums_path = dir.join(SUMS);
    let mut present = Vec::new();
    list_files(dir, dir, &mut present)?;
    let present: BTreeSet<String> = present.into_iter().filter(|f| f != SUMS).collect();
    match std::fs::read_to_string(&sums_path) {
        Err(_) => report.problems.push(format!(
            "{SUMS} is missing or unreadable: nothing can be checked against it"
        )),
        Ok(text) => match parse_sums(&text) {
            Err(m) => report.problems.push(format!("{SUMS}: {m}")),
            Ok(entries) => {
                let listed: BTreeSet<String> = entries.iter().map(|(p, _)| p.clone()).collect();
                if listed.len() != entries.len() {
                    // Two lines for one file: which hash counts is anyone's guess.
                    report
                        .problems
                        .push(format!("{SUMS} lists a file more than once"));
                }
                for (path, hash) in &entries {
                    // Only files of the bundle are hashed: never `../secret` or `/etc/hostname`.
                    if let Some(why) = bundle_path_problem(path) {
                        report.problems.push(format!(
                            "{path:?} in {SUMS} is {why}: only files inside the bundle may be listed"
                        ));
                        continue;
                    }
                    let p = dir.join(path);
                    if is_symlink(&p) {
                        report.problems.push(format!(
                            "{path}: a symbolic link; a bundle holds only regular files"
                        ));
                        continue;
                    }
                    if !present.contains(path) || !p.is_file() {
                        report
                            .problems
                            .push(format!("{path}: listed in {SUMS} but missing"));
                        continue;
                    }
                    let actual = sha256_file(&p)?;
                    report.checked += 1;
                    if &actual != hash {
                        report.problems.push(format!(
                            "{path}: checksum mismatch (expected {hash}, found {actual})"
                        ));
                    }
                }
                for extra in present.difference(&listed) {
                    report
                        .problems
                        .push(format!("{extra}: present but not listed in {SUMS}"));
                }
            }
        },
    }
    // 2. Validity against the bundle's own schemas.
    let dataset = match Dataset::load(&dir.join("dataset.json")) {
        Ok(d) => d,
        Err(e) => {
            report.problems.push(format!("dataset.json: {e}"));
            return Ok(report);
        }
    };
    let mut invalid = Vec::new();
    let today = crate::clock::today();
    if let Err(e) = crate::validate::validate_dataset(&dataset, today, &mut |p| {
        if p.severity == Severity::Error {
            invalid.push(format!(
                "{}:{}: {} [{}] {}",
                relative(dir, &p.file),
                p.line.unwrap_or(0),
                p.field.as_deref().unwrap_or(""),
                p.rule,
                p.message
            ));
        }
        Ok(())
    }) {
        report
            .problems
            .push(format!("validation could not run: {e}"));
    }
    report
        .problems
        .extend(invalid.into_iter().map(|m| format!("invalid: {m}")));
    // 3. The formats agree.
    for r in &dataset.meta.resources {
        let schema = match Schema::load(&dataset.schema_path(r)) {
            Ok(s) => s,
            Err(e) => {
                report.problems.push(e.to_string());
                continue;
            }
        };
        match compare_formats(dir, &dataset, &r.name, &schema, &dataset.data_path(r)) {
            Ok((rows, mut found)) => {
                report.tables.push((r.name.clone(), rows));
                report.problems.append(&mut found);
            }
            Err(e) => report.problems.push(format!("{}: {e}", r.name)),
        }
    }
    Ok(report)
}

fn is_symlink(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

fn relative(dir: &Path, file: &str) -> String {
    Path::new(file)
        .strip_prefix(dir)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| file.to_string())
}

/// Compares a table's CSV with its JSON, JSON Lines and Parquet copies (which carry the
/// convenience columns of the schema's `expand`, when it has one).
fn compare_formats(
    dir: &Path,
    dataset: &Dataset,
    name: &str,
    table_schema: &Schema,
    csv_path: &Path,
) -> Result<(usize, Vec<String>)> {
    let csv = std::fs::read(csv_path).map_err(|e| Error::io(csv_path, e))?;
    let expansion = expansion(dataset, table_schema)?;
    let (schema, typed) = match &expansion {
        Some(x) => (&x.schema, x.expand_bytes(table_schema, &csv, name)?),
        None => (table_schema, csv.clone()),
    };
    let mut expected = Vec::new();
    let mut rows = Rows::new(schema, typed.as_slice(), name)?;
    while let Some(r) = rows.next_row()? {
        expected.push(record_object(schema, r));
    }
    let mut problems = Vec::new();
    let mut check = |format: &str, got: std::result::Result<Vec<Value>, String>| match got {
        Err(e) => problems.push(format!("{name}.{format}: {e}")),
        Ok(got) => {
            if got.len() != expected.len() {
                problems.push(format!(
                    "{name}.{format}: {} rows, the CSV has {}",
                    got.len(),
                    expected.len()
                ));
            }
            if let Some((i, (a, b))) = got
                .iter()
                .zip(&expected)
                .enumerate()
                .find(|(_, (a, b))| a != b)
            {
                let col = schema
                    .columns
                    .iter()
                    .find(|c| a.get(&c.name) != b.get(&c.name))
                    .map_or("?".to_string(), |c| c.name.clone());
                problems.push(format!(
                    "{name}.{format}: row {} differs from the CSV in {col}: {} vs {}",
                    i + 1,
                    a.get(&col).unwrap_or(&Value::Null),
                    b.get(&col).unwrap_or(&Value::Null)
                ));
            }
        }
    };
    check("json", read_json(&dir.join(format!("{name}.json"))));
    check("jsonl", read_jsonl(&dir.join(format!("{name}.jsonl"))));
    let parquet = dir.join(format!("{name}.parquet"));
    check("parquet", read_parquet(&parquet, schema));
    // The Parquet file names the CSV it was built from.
    if let Ok(kv) = parquet_key_values(&parquet) {
        let sha = crate::release::checksum::sha256_hex(&csv);
        if kv.get("aabc:source_csv_sha256") != Some(&sha) {
            problems.push(format!(
                "{name}.parquet: its aabc:source_csv_sha256 is not the SHA-256 of {name}.csv"
            ));
        }
    }
    Ok((expected.len(), problems))
}

/// The expansion of a table of the bundle, reading the tables it references from the bundle.
fn expansion(
    dataset: &Dataset,
    schema: &Schema,
) -> Result<Option<crate::release::export::expand::Expansion>> {
    use crate::release::tables::Tables;
    Tables::referenced_by(dataset, schema)?.expansion(schema)
}

fn read_json(path: &Path) -> std::result::Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    match serde_json::from_str(&text).map_err(|e| e.to_string())? {
        Value::Array(a) => Ok(a),
        _ => Err("not a JSON array".into()),
    }
}

fn read_jsonl(path: &Path) -> std::result::Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    text.lines()
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

fn parquet_key_values(path: &Path) -> std::result::Result<HashMap<String, String>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let b = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
    Ok(b.metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
        .collect())
}

/// Reads a Parquet file back into typed JSON rows, as the schema would write them.
///
/// Files other tools wrote are read too: large and view strings, dictionaries with any key
/// type, narrower integers, 32-bit floats and 64-bit dates are converted first. A type that
/// has no JSON form here, or a value out of range, is an error naming the column (and row),
/// never a panic.
pub fn read_parquet(path: &Path, schema: &Schema) -> std::result::Result<Vec<Value>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| e.to_string())?
        .build()
        .map_err(|e| e.to_string())?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| e.to_string())?;
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let expected: Vec<&str> = schema.column_names().collect();
        if names != expected {
            return Err(format!(
                "columns {names:?} are not the schema's {expected:?}"
            ));
        }
        let columns = batch
            .columns()
            .iter()
            .zip(&names)
            .map(|(col, name)| normalize(col).map_err(|m| format!("column {name}: {m}")))
            .collect::<std::result::Result<Vec<ArrayRef>, String>>()?;
        for row in 0..batch.num_rows() {
            let mut obj = serde_json::Map::new();
            for (col, name) in columns.iter().zip(&names) {
                let v = value(col, row, epoch)
                    .map_err(|m| format!("row {} (in this batch), column {name}: {m}", row + 1))?;
                obj.insert(name.clone(), v);
            }
            out.push(Value::Object(obj));
        }
    }
    Ok(out)
}

/// A column converted to the few types [`value`] reads: Utf8, Int64, Float64, Boolean,
/// Date32, or a List of Utf8.
fn normalize(col: &ArrayRef) -> std::result::Result<ArrayRef, String> {
    use arrow::compute::{cast_with_options, CastOptions};
    let to = match col.data_type() {
        DataType::Utf8 | DataType::Int64 | DataType::Float64 | DataType::Boolean => {
            return Ok(col.clone())
        }
        DataType::Date32 | DataType::Int32 => return Ok(col.clone()),
        DataType::Dictionary(_, values) => {
            let decoded = cast_with_options(col, values, &CastOptions::default())
                .map_err(|e| e.to_string())?;
            return normalize(&decoded);
        }
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::Int8
        | DataType::Int16
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => DataType::Int64,
        DataType::Float16 | DataType::Float32 => DataType::Float64,
        DataType::Date64 => DataType::Date32,
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            DataType::List(std::sync::Arc::new(
                f.as_ref().clone().with_data_type(DataType::Utf8),
            ))
        }
        other => return Err(format!("type {other} has no counterpart in the schema")),
    };
    // Not "safe": a value that does not fit is an error, not a silent null.
    let options = CastOptions {
        safe: false,
        ..CastOptions::default()
    };
    cast_with_options(col, &to, &options)
        .map_err(|e| format!("cannot read type {} as {to}: {e}", col.data_type()))
}

/// One value of a [`normalize`]d column, as JSON.
fn value(
    col: &ArrayRef,
    row: usize,
    epoch: chrono::NaiveDate,
) -> std::result::Result<Value, String> {
    if col.is_null(row) {
        return Ok(Value::Null);
    }
    let unexpected = || format!("unexpected type {}", col.data_type());
    Ok(match col.data_type() {
        DataType::Utf8 => Value::from(
            col.as_string_opt::<i32>()
                .ok_or_else(unexpected)?
                .value(row),
        ),
        DataType::Int32 => Value::from(
            col.as_primitive_opt::<Int32Type>()
                .ok_or_else(unexpected)?
                .value(row),
        ),
        DataType::Int64 => Value::from(
            col.as_primitive_opt::<Int64Type>()
                .ok_or_else(unexpected)?
                .value(row),
        ),
        DataType::Float64 => Value::from(
            col.as_primitive_opt::<Float64Type>()
                .ok_or_else(unexpected)?
                .value(row),
        ),
        DataType::Boolean => Value::from(col.as_boolean_opt().ok_or_else(unexpected)?.value(row)),
        DataType::Date32 => {
            let days = col
                .as_primitive_opt::<Date32Type>()
                .ok_or_else(unexpected)?
                .value(row);
            // Before 1970 the day count is negative.
            let date = chrono::TimeDelta::try_days(i64::from(days))
                .and_then(|d| epoch.checked_add_signed(d))
                .ok_or_else(|| format!("day {days} is outside the calendar"))?;
            Value::from(date.to_string())
        }
        DataType::List(_) => {
            let items = col.as_list_opt::<i32>().ok_or_else(unexpected)?.value(row);
            let s = items.as_string_opt::<i32>().ok_or_else(unexpected)?;
            Value::Array(
                (0..s.len())
                    .map(|i| {
                        if s.is_null(i) {
                            Value::Null
                        } else {
                            Value::from(s.value(i))
                        }
                    })
                    .collect(),
            )
        }
        _ => return Err(unexpected()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Date32Array, DictionaryArray, Int8Array, LargeStringArray};
    use std::sync::Arc;

    fn epoch() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
    }

    #[test]
    fn a_date_before_1970_reads_back_without_panicking() {
        let col: ArrayRef = Arc::new(Date32Array::from(vec![-1, -719_162, 0]));
        let col = normalize(&col).unwrap();
        assert_eq!(value(&col, 0, epoch()).unwrap(), "1969-12-31");
        assert_eq!(value(&col, 1, epoch()).unwrap(), "0001-01-01");
        assert_eq!(value(&col, 2, epoch()).unwrap(), "1970-01-01");
        let far: ArrayRef = Arc::new(Date32Array::from(vec![i32::MIN]));
        let err = value(&far, 0, epoch()).unwrap_err();
        assert!(err.contains("outside the calendar"), "{err}");
    }

    #[test]
    fn strings_other_tools_write_read_as_strings() {
        let large: ArrayRef = Arc::new(LargeStringArray::from(vec!["a", "b"]));
        let dict: ArrayRef = Arc::new(DictionaryArray::new(
            Int8Array::from(vec![1, 0]),
            Arc::new(LargeStringArray::from(vec!["x", "y"])),
        ));
        let large = normalize(&large).unwrap();
        let dict = normalize(&dict).unwrap();
        assert_eq!(value(&large, 1, epoch()).unwrap(), "b");
        assert_eq!(value(&dict, 0, epoch()).unwrap(), "y");
    }

    #[test]
    fn a_type_without_a_json_form_is_an_error_not_a_panic() {
        let col: ArrayRef = Arc::new(arrow::array::BinaryArray::from(vec![&b"x"[..]]));
        let err = normalize(&col).unwrap_err();
        assert!(err.contains("has no counterpart"), "{err}");
    }
}
