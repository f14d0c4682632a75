//! Verification of a release bundle (directory or zip): every checksum, the validity of the
//! data against the bundle's own schemas, and agreement of the CSV, JSON, JSON Lines and Parquet
//! copies of each table, row by row and value by value.

use crate::error::{Error, Result};
use crate::release::bundle::{list_files, SUMS};
use crate::release::checksum::{parse_sums, sha256_file};
use crate::release::export::json::row_object;
use crate::release::export::Rows;
use crate::schema::metadata::Dataset;
use crate::schema::Schema;
use crate::validate::report::Severity;
use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Date32Type, Float64Type, Int32Type, Int64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

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
    verify_dir(&dir)
}

/// Extracts a bundle zip (one top-level directory, no path leaving it) and returns that
/// directory.
pub fn extract(zip_path: &Path, into: &Path) -> Result<PathBuf> {
    let bad = |m: String| Error::Other(format!("{}: {m}", zip_path.display()));
    let file = std::fs::File::open(zip_path).map_err(|e| Error::io(zip_path, e))?;
    let mut z =
        zip::ZipArchive::new(file).map_err(|e| bad(format!("not a readable zip archive: {e}")))?;
    let mut top: Option<String> = None;
    for i in 0..z.len() {
        let mut entry = z.by_index(i).map_err(|e| bad(e.to_string()))?;
        let name = entry.name().to_string();
        let rel = Path::new(&name);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(bad(format!("unsafe path in archive: {name:?}")));
        }
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        match &top {
            None => top = Some(first),
            Some(t) if *t != first => {
                return Err(bad(format!(
                    "entries under more than one directory ({t}, {first})"
                )))
            }
            _ => {}
        }
        if entry.is_dir() {
            continue;
        }
        let out = into.join(rel);
        if let Some(p) = out.parent() {
            std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| bad(format!("{name}: {e}")))?;
        std::fs::write(&out, bytes).map_err(|e| Error::io(&out, e))?;
    }
    let top = top.ok_or_else(|| bad("the archive is empty".into()))?;
    Ok(into.join(top))
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
                for (path, hash) in &entries {
                    let p = dir.join(path);
                    if !p.is_file() {
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
    let today = chrono::Local::now().date_naive();
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
        match compare_formats(dir, &r.name, &schema, &dataset.data_path(r)) {
            Ok((rows, mut found)) => {
                report.tables.push((r.name.clone(), rows));
                report.problems.append(&mut found);
            }
            Err(e) => report.problems.push(format!("{}: {e}", r.name)),
        }
    }
    Ok(report)
}

fn relative(dir: &Path, file: &str) -> String {
    Path::new(file)
        .strip_prefix(dir)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| file.to_string())
}

/// Compares a table's CSV with its JSON, JSON Lines and Parquet copies.
fn compare_formats(
    dir: &Path,
    name: &str,
    schema: &Schema,
    csv_path: &Path,
) -> Result<(usize, Vec<String>)> {
    let csv = std::fs::read(csv_path).map_err(|e| Error::io(csv_path, e))?;
    let mut expected = Vec::new();
    let mut rows = Rows::new(schema, csv.as_slice(), name)?;
    while let Some(r) = rows.next_row()? {
        expected.push(row_object(schema, r));
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
        for row in 0..batch.num_rows() {
            let mut obj = serde_json::Map::new();
            for (c, col) in batch.columns().iter().enumerate() {
                let v = if col.is_null(row) {
                    Value::Null
                } else {
                    match col.data_type() {
                        DataType::Utf8 => Value::from(col.as_string::<i32>().value(row)),
                        DataType::Dictionary(_, _) => {
                            let d = col.as_dictionary::<Int32Type>();
                            let key = d.keys().value(row) as usize;
                            Value::from(d.values().as_string::<i32>().value(key))
                        }
                        DataType::Int32 => Value::from(col.as_primitive::<Int32Type>().value(row)),
                        DataType::Int64 => Value::from(col.as_primitive::<Int64Type>().value(row)),
                        DataType::Float64 => {
                            Value::from(col.as_primitive::<Float64Type>().value(row))
                        }
                        DataType::Boolean => Value::from(col.as_boolean().value(row)),
                        DataType::Date32 => {
                            let days = col.as_primitive::<Date32Type>().value(row);
                            Value::from((epoch + chrono::Days::new(days as u64)).to_string())
                        }
                        DataType::List(_) => {
                            let items = col.as_list::<i32>().value(row);
                            let s = items.as_string::<i32>();
                            Value::Array((0..s.len()).map(|i| Value::from(s.value(i))).collect())
                        }
                        other => return Err(format!("unexpected column type {other}")),
                    }
                };
                obj.insert(names[c].clone(), v);
            }
            out.push(Value::Object(obj));
        }
    }
    Ok(out)
}
