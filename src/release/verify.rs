//! Verification of a release bundle (directory or zip), as [`Problem`] values: every checksum,
//! the validity of the data against the bundle's own schemas, agreement of the CSV, JSON, JSON
//! Lines and Parquet copies of each table row by row and value by value, every other file
//! against what the bundle's own data and metadata regenerate, and a zip against the SHA-256 a
//! repository at hand records for its version.
//!
//! Findings of verify's own checks have rule ids under `verify/` and a message that reads on
//! its own; rows that break the bundle's schemas keep the validator's rule, field and line.

use crate::error::{Error, Result};
use crate::release::bundle::{list_files, SUMS};
use crate::release::checksum::{parse_sums, sha256_file, Listed};
use crate::schema::metadata::Dataset;
use crate::schema::rows::record_object;
use crate::schema::rows::Rows;
use crate::schema::Schema;
use crate::table::archive::extract;
use crate::table::text::path as shown_path;
use crate::validate::report::{Problem, Severity};
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
    /// Every finding, located in the bundle (paths relative to its top folder).
    pub problems: Vec<Problem>,
}

/// A finding of one of verify's own checks, about `file` of the bundle.
fn finding(rule: &str, file: &str, message: String, hint: &str) -> Problem {
    Problem {
        severity: Severity::Error,
        file: file.to_string(),
        line: None,
        column: None,
        field: None,
        value: None,
        rule: rule.to_string(),
        message,
        hint: hint.to_string(),
    }
}

/// The same finding, at a 1-based line of its file.
fn at_line(mut p: Problem, line: u64) -> Problem {
    p.line = Some(line);
    p
}

const SUMS_HINT: &str = "take the bundle again from where it was published; `sha256sum -c SHA256SUMS` in its folder shows the same";
const FORMAT_HINT: &str = "every copy of a table is written from its CSV by `aabc release`; take the bundle again from where it was published";
const DERIVED_HINT: &str = "derived files are written by `aabc release` from the bundle's data and metadata; a file that differs was edited after the release";

/// Verifies a bundle directory or zip. `root` is a repository whose release record
/// (`dataset/releases.csv`) a zip is compared with, when it records the zip's version.
/// `Err` means the bundle could not be read at all.
pub fn verify(path: &Path, root: Option<&Path>) -> Result<Report> {
    if path.is_dir() {
        return verify_dir(path);
    }
    verify_zip(path, root)
}

/// A zip is extracted (see [`extract`] for what it refuses) and its folder verified; then its
/// top folder's name and, with a repository at hand, its SHA-256 are checked.
fn verify_zip(path: &Path, root: Option<&Path>) -> Result<Report> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let dir = extract(path, tmp.path())?;
    let mut report = verify_dir(&dir)?;
    // A message names a file of the zip by its place in the bundle, never the temporary
    // folder it was extracted to.
    let extracted = format!("{}/", dir.display());
    for p in &mut report.problems {
        p.message = p.message.replace(&extracted, "");
    }
    let meta = Dataset::load(&dir.join("dataset.json")).ok();
    if let Some(p) = meta
        .as_ref()
        .and_then(|m| top_folder_problem(path, &dir, m))
    {
        report.problems.insert(0, p);
    }
    if let (Some(meta), Some(root)) = (meta, root) {
        report
            .problems
            .extend(published_problem(path, &meta, root)?);
    }
    Ok(report)
}

/// A zip's top folder must be the bundle's own name, `<name>-<version>` of the metadata it
/// holds: a renamed folder (9.9.9 holding 1.1.0) is a bundle posing as another version.
fn top_folder_problem(zip: &Path, dir: &Path, meta: &Dataset) -> Option<Problem> {
    let expected = crate::release::bundle::bundle_name(&meta.meta);
    let top = dir.file_name()?.to_string_lossy().into_owned();
    (top != expected).then(|| {
        finding(
            "verify/top-folder",
            &zip.to_string_lossy(),
            format!(
                "the archive's top folder is {top:?} but its dataset.json describes {expected:?}: a bundle keeps the name of the version it holds"
            ),
            "a bundle renamed to another version is not that version; take the archive again from where it was published",
        )
    })
}

/// A zip of a version that the repository at `root` records as published must have the
/// recorded SHA-256: a bundle rebuilt consistently from edited data would pass every other
/// check. Nothing is compared when `root` holds no dataset of this name, or no record of this
/// version.
fn published_problem(zip: &Path, bundle: &Dataset, root: &Path) -> Result<Option<Problem>> {
    use crate::versions::{record::records, versioning::parse};
    let Ok(repo) = Dataset::open(root) else {
        return Ok(None);
    };
    if repo.meta.name != bundle.meta.name || repo.meta.releases.is_none() {
        return Ok(None);
    }
    let wanted = parse(&bundle.meta.version).ok();
    let list = records(&repo)?;
    let Some(record) = list
        .iter()
        .find(|r| wanted.is_some() && parse(&r.version).ok() == wanted)
    else {
        return Ok(None);
    };
    let actual = sha256_file(zip)?;
    Ok((actual != record.zip_sha256).then(|| {
        finding(
            "verify/published",
            &zip.to_string_lossy(),
            format!(
                "the archive's SHA-256 is {actual}, but version {} is published with zip SHA-256 {} in the release record of {}: this is not the published archive",
                record.version,
                record.zip_sha256,
                shown_path(&root.to_string_lossy())
            ),
            "take the archive from the published release, or rebuild it with `aabc verify --rebuild VERSION` in the repository",
        )
    }))
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

/// The checks, in order; a bundle whose metadata cannot be read stops after the checksums.
fn verify_dir(dir: &Path) -> Result<Report> {
    let mut report = Report::default();
    check_sums(dir, &mut report)?;
    let Some(dataset) = load_metadata(dir, &mut report) else {
        return Ok(report);
    };
    check_validity(dir, &dataset, &mut report);
    check_formats(dir, &dataset, &mut report);
    check_derived(dir, &dataset, &mut report)?;
    Ok(report)
}

/// Step 1: every file `SHA256SUMS` lists has its hash, and every file is listed.
fn check_sums(dir: &Path, report: &mut Report) -> Result<()> {
    let mut present = Vec::new();
    list_files(dir, dir, &mut present)?;
    let present: BTreeSet<String> = present.into_iter().filter(|f| f != SUMS).collect();
    let text = match std::fs::read_to_string(dir.join(SUMS)) {
        Ok(text) => text,
        Err(_) => {
            report.problems.push(finding(
                "verify/sums",
                SUMS,
                format!("{SUMS} is missing or unreadable: nothing can be checked against it"),
                SUMS_HINT,
            ));
            return Ok(());
        }
    };
    let entries = match parse_sums(&text) {
        Ok(entries) => entries,
        Err(m) => {
            let p = finding("verify/sums", SUMS, format!("{SUMS}: {m}"), SUMS_HINT);
            report.problems.push(at_line(p, m.line));
            return Ok(());
        }
    };
    let listed: BTreeSet<String> = entries.iter().map(|e| e.path.clone()).collect();
    if listed.len() != entries.len() {
        // Two lines for one file: which hash counts is anyone's guess.
        report.problems.push(finding(
            "verify/sums",
            SUMS,
            format!("{SUMS} lists a file more than once"),
            SUMS_HINT,
        ));
    }
    for entry in &entries {
        let (hashed, problem) = check_entry(dir, entry, &present)?;
        report.checked += usize::from(hashed);
        report.problems.extend(problem);
    }
    for extra in present.difference(&listed) {
        report.problems.push(finding(
            "verify/unlisted",
            extra,
            format!("{extra}: present but not listed in {SUMS}"),
            SUMS_HINT,
        ));
    }
    Ok(())
}

/// One line of `SHA256SUMS`: a path inside the bundle, a regular file, with that hash.
/// Returns whether the file was hashed, and what is wrong, if anything.
fn check_entry(
    dir: &Path,
    entry: &Listed,
    present: &BTreeSet<String>,
) -> Result<(bool, Option<Problem>)> {
    let path = entry.path.as_str();
    // Only files of the bundle are hashed: never `../secret` or `/etc/hostname`.
    if let Some(why) = bundle_path_problem(path) {
        let message =
            format!("{path:?} in {SUMS} is {why}: only files inside the bundle may be listed");
        let p = finding("verify/sums-path", SUMS, message, SUMS_HINT);
        return Ok((false, Some(at_line(p, entry.line))));
    }
    let p = dir.join(path);
    if is_symlink(&p) {
        let message = format!("{path}: a symbolic link; a bundle holds only regular files");
        return Ok((
            false,
            Some(finding("verify/symlink", path, message, SUMS_HINT)),
        ));
    }
    if !present.contains(path) || !p.is_file() {
        let message = format!("{path}: listed in {SUMS} but missing");
        return Ok((
            false,
            Some(finding("verify/missing", path, message, SUMS_HINT)),
        ));
    }
    let actual = sha256_file(&p)?;
    if actual == entry.hash {
        return Ok((true, None));
    }
    let message = format!(
        "{path}: checksum mismatch (expected {}, found {actual})",
        entry.hash
    );
    Ok((
        true,
        Some(finding("verify/checksum", path, message, SUMS_HINT)),
    ))
}

/// Step 2a: the bundle's metadata; without it nothing else can be checked.
fn load_metadata(dir: &Path, report: &mut Report) -> Option<Dataset> {
    match Dataset::load(&dir.join("dataset.json")) {
        Ok(d) => Some(d),
        Err(e) => {
            report.problems.push(finding(
                "verify/metadata",
                "dataset.json",
                format!("dataset.json: {e}"),
                "a bundle's dataset.json is written by `aabc release`; take the bundle again from where it was published",
            ));
            None
        }
    }
}

/// Step 2: validity against the bundle's own schemas: a row that breaks them is reported as the
/// validator reports it (its rule, field, line and hint), at its file in the bundle.
fn check_validity(dir: &Path, dataset: &Dataset, report: &mut Report) {
    let mut invalid = Vec::new();
    let today = crate::clock::today();
    if let Err(e) = crate::validate::validate_dataset(dataset, today, &mut |p| {
        if p.severity == Severity::Error {
            invalid.push(p);
        }
        Ok(())
    }) {
        report.problems.push(finding(
            "verify/invalid",
            "dataset.json",
            format!("validation could not run: {e}"),
            "",
        ));
    }
    report.problems.extend(invalid.into_iter().map(|mut p| {
        p.file = relative(dir, &p.file);
        p
    }));
}

/// Step 3: the formats agree (the JSON, JSON Lines and Parquet copies hold the CSV's rows).
fn check_formats(dir: &Path, dataset: &Dataset, report: &mut Report) {
    for r in &dataset.meta.resources {
        let schema = match Schema::load(&dataset.schema_path(r)) {
            Ok(s) => s,
            Err(e) => {
                let p = finding("verify/schema", &r.schema, e.to_string(), FORMAT_HINT);
                report.problems.push(p);
                continue;
            }
        };
        match compare_formats(dir, dataset, &r.name, &schema, &dataset.data_path(r)) {
            Ok((rows, found)) => {
                report.tables.push((r.name.clone(), rows));
                report.problems.extend(found);
            }
            Err(e) => report.problems.push(finding(
                "verify/format-mismatch",
                &r.path,
                format!("{}: {e}", r.name),
                FORMAT_HINT,
            )),
        }
    }
}

/// Step 4: every other file is what the bundle's own data and metadata produce: the bundle is
/// regenerated from its `dataset.json`, schemas, CSV files, `CHANGELOG.md` and `LICENSE.md`
/// and compared byte for byte, so that an edited map, citation, licence or page is found even
/// when `SHA256SUMS` was recomputed. The Parquet, JSON and JSON Lines copies were compared
/// value by value (step 3) and `SHA256SUMS` line by line (step 1), so a copy another tool rewrote with
/// the same values still verifies; files already reported are not reported twice.
fn check_derived(dir: &Path, dataset: &Dataset, report: &mut Report) -> Result<()> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let fresh: BTreeSet<String> = match regenerate(dir, dataset, tmp.path()) {
        Ok(files) => files.into_iter().collect(),
        Err(e) => {
            let message = format!(
                "the bundle cannot be regenerated from its own data and metadata, so its derived files are unchecked: {e}"
            );
            let p = finding("verify/derived", "dataset.json", message, DERIVED_HINT);
            report.problems.push(p);
            return Ok(());
        }
    };
    let mut present = Vec::new();
    list_files(dir, dir, &mut present)?;
    let present: BTreeSet<String> = present.into_iter().collect();
    let mut skip: BTreeSet<String> = report.problems.iter().map(|p| p.file.clone()).collect();
    skip.extend(value_compared(dataset));
    for f in fresh.union(&present).filter(|f| !skip.contains(*f)) {
        let said = match (fresh.contains(f), present.contains(f)) {
            (true, false) => "missing: the bundle's data and metadata produce it",
            (false, _) => "not a file that the bundle's data and metadata produce",
            (true, true) if same_bytes(&dir.join(f), &tmp.path().join(f))? => continue,
            (true, true) => "differs from what the bundle's own data and metadata produce",
        };
        let message = format!("{f}: {said}");
        report
            .problems
            .push(finding("verify/derived", f, message, DERIVED_HINT));
    }
    Ok(())
}

/// The files step 3 compares by value, and `SHA256SUMS`.
fn value_compared(dataset: &Dataset) -> impl Iterator<Item = String> + '_ {
    let copies = dataset
        .meta
        .resources
        .iter()
        .flat_map(|r| ["parquet", "json", "jsonl"].map(|ext| format!("{}.{ext}", r.name)));
    copies.chain(std::iter::once(SUMS.to_string()))
}

/// Writes the bundle's files into `into` as `aabc release` writes them from the bundle's own
/// sources. Link tables are derived from the list columns of other tables, so they are left
/// out of the tables the bundle is rebuilt from (and written again from those).
fn regenerate(dir: &Path, dataset: &Dataset, into: &Path) -> Result<Vec<String>> {
    let mut links = BTreeSet::new();
    for r in &dataset.meta.resources {
        let schema = Schema::load(&dataset.schema_path(r))?;
        links.extend(schema.foreign_keys.iter().filter_map(|fk| fk.link.clone()));
    }
    let mut sources = dataset.clone();
    sources.meta.resources.retain(|r| !links.contains(&r.name));
    // Read only regular files of the bundle: never through a link, never a pipe.
    for name in ["CHANGELOG.md", "LICENSE.md"] {
        let p = dir.join(name);
        if std::fs::symlink_metadata(&p).is_ok_and(|m| !m.is_file()) {
            return Err(Error::Refused(format!(
                "{name} is not a regular file of the bundle"
            )));
        }
    }
    let license = dir.join("LICENSE.md");
    let inputs = crate::release::bundle::Inputs {
        dataset: &sources,
        changelog: &dir.join("CHANGELOG.md"),
        license: Some(&license),
    };
    crate::release::bundle::write_files(&inputs, into)
}

/// Whether two files hold the same bytes, read in chunks (a bundle's CSV may be large). A
/// symbolic link is never the same (step 1 reports it).
fn same_bytes(a: &Path, b: &Path) -> Result<bool> {
    use std::io::Read;
    let open = |p: &Path| std::fs::File::open(p).map_err(|e| Error::io(p, e));
    if is_symlink(a) {
        return Ok(false);
    }
    let (mut x, mut y) = (open(a)?, open(b)?);
    let len =
        |f: &std::fs::File, p: &Path| f.metadata().map(|m| m.len()).map_err(|e| Error::io(p, e));
    if len(&x, a)? != len(&y, b)? {
        return Ok(false);
    }
    let (mut bx, mut by) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = x.read(&mut bx).map_err(|e| Error::io(a, e))?;
        if n == 0 {
            return Ok(true);
        }
        y.read_exact(&mut by[..n]).map_err(|e| Error::io(b, e))?;
        if bx[..n] != by[..n] {
            return Ok(false);
        }
    }
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
) -> Result<(usize, Vec<Problem>)> {
    let csv = std::fs::read(csv_path).map_err(|e| Error::io(csv_path, e))?;
    let (expansion, all);
    let (schema, typed) = if dataset.meta.adds_typed_columns(name) {
        // The added typed columns may read every table of the bundle.
        all = crate::release::tables::Tables::load(dataset)?;
        let (schema, rows) = all.get(name)?.typed()?;
        (schema, rows.into_owned())
    } else {
        expansion = self::expansion(dataset, name, table_schema)?;
        match &expansion {
            Some(x) => (&x.schema, x.expand_bytes(table_schema, &csv, name)?),
            None => (table_schema, csv.clone()),
        }
    };
    let mut expected = Vec::new();
    let mut rows = Rows::new(schema, typed.as_slice(), name)?;
    while let Some(r) = rows.next_row()? {
        expected.push(record_object(schema, r));
    }
    let mut problems = Vec::new();
    let mut check = |format: &str, got: std::result::Result<Vec<Value>, String>| {
        let file = format!("{name}.{format}");
        let found =
            |message: String| finding("verify/format-mismatch", &file, message, FORMAT_HINT);
        match got {
            Err(e) => problems.push(found(format!("{file}: {e}"))),
            Ok(got) => {
                problems.extend(rows_differ(&file, schema, &got, &expected).into_iter().map(
                    |(row, message)| match (format, row) {
                        // One row per line: the row is the line.
                        ("jsonl", Some(row)) => at_line(found(message), row),
                        _ => found(message),
                    },
                ))
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
            problems.push(finding(
                "verify/format-mismatch",
                &format!("{name}.parquet"),
                format!(
                    "{name}.parquet: its aabc:source_csv_sha256 is not the SHA-256 of {name}.csv"
                ),
                FORMAT_HINT,
            ));
        }
    }
    Ok((expected.len(), problems))
}

/// How a copy's rows differ from the CSV's: another count, and the first row that differs
/// (with its 1-based number), each as a message about `file`.
fn rows_differ(
    file: &str,
    schema: &Schema,
    got: &[Value],
    expected: &[Value],
) -> Vec<(Option<u64>, String)> {
    let mut out = Vec::new();
    if got.len() != expected.len() {
        let message = format!("{file}: {} rows, the CSV has {}", got.len(), expected.len());
        out.push((None, message));
    }
    if let Some((i, (a, b))) = got
        .iter()
        .zip(expected)
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        let col = schema
            .columns
            .iter()
            .find(|c| a.get(&c.name) != b.get(&c.name))
            .map_or("?".to_string(), |c| c.name.clone());
        let message = format!(
            "{file}: row {} differs from the CSV in {col}: {} vs {}",
            i + 1,
            a.get(&col).unwrap_or(&Value::Null),
            b.get(&col).unwrap_or(&Value::Null)
        );
        out.push((Some(i as u64 + 1), message));
    }
    out
}

/// The expansion of a table of the bundle, reading the tables it references from the bundle.
fn expansion(
    dataset: &Dataset,
    name: &str,
    schema: &Schema,
) -> Result<Option<crate::release::export::expand::Expansion>> {
    use crate::release::tables::Tables;
    Tables::referenced_by(dataset, name, schema)?.expansion(name, schema)
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
/// Date32, or a List (whose items [`value`] converts in turn).
fn normalize(col: &ArrayRef) -> std::result::Result<ArrayRef, String> {
    use arrow::compute::{cast_with_options, CastOptions};
    let to = match col.data_type() {
        DataType::Utf8 | DataType::Int64 | DataType::Float64 | DataType::Boolean => {
            return Ok(col.clone())
        }
        DataType::Date32 | DataType::Int32 | DataType::List(_) => return Ok(col.clone()),
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
        DataType::LargeList(f) | DataType::FixedSizeList(f, _) => DataType::List(f.clone()),
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
            let items = normalize(&items)?;
            Value::Array(
                (0..items.len())
                    .map(|i| value(&items, i, epoch))
                    .collect::<std::result::Result<_, String>>()?,
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
