//! Property tests: what must hold for every input, not only the fixtures.
//!
//! - validation of arbitrary bytes and CSV-like text never panics, reports only lines that
//!   exist, and exits 0 or 1 (2 only for I/O);
//! - `fmt` on anything it accepts keeps every record and every cell up to the canonical form
//!   (trimmed, schema column order, sort order), and is idempotent;
//! - export then read back (Parquet, JSON, JSONL, CSV) gives every cell exactly;
//! - `diff(a, a)` is empty;
//! - the fast path answers as the whole-row validator does on a schema in plain keywords.
//!
//! Everything runs in-process through the library (no binary spawned per case), on one small
//! schema with string, date, integer, number, boolean and vocabulary columns and a sum rule.
//! Case counts keep the whole module within about a minute in a debug build.

use aabc::release::export::{export, Format, Options};
use aabc::schema::{Kind, Schema};
use aabc::validate::report::{Problem, Severity};
use aabc::validate::rules::Context;
use aabc::validate::{validate_table, TableJob};
use aabc::versions::snapshot::{Snapshot, TableSnap};
use aabc::Error;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{json, Value};
use std::path::Path;

const COLUMNS: [&str; 9] = ["id", "day", "n", "m", "t", "x", "ok", "kind", "note"];

fn schema() -> Schema {
    Schema::from_value(
        Path::new("p.schema.json"),
        json!({
            "type": "object",
            "properties": {
                "id": {"type": "string", "maxLength": 40},
                "day": {"type": "string", "format": "date"},
                "n": {"type": ["integer", "null"]},
                "m": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000},
                "t": {"type": ["integer", "null"]},
                "x": {"type": ["number", "null"]},
                "ok": {"type": "boolean"},
                "kind": {"oneOf": [
                    {"const": "a", "description": "A."},
                    {"const": "b", "description": "B."},
                    {"const": "c d", "description": "C D."},
                    {"type": "null", "description": "none"}
                ]},
                "note": {"type": ["string", "null"], "maxLength": 60}
            },
            "required": COLUMNS,
            "additionalProperties": false,
            "x-primaryKey": ["id"],
            "x-sortKey": ["day", "id"],
            "x-rules": [
                {"rule": "trimmed"},
                {"rule": "no-formula"},
                {"id": "total", "rule": "sum", "total": "t", "parts": ["n", "m"]}
            ]
        }),
    )
    .unwrap()
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// Cell values worth trying: valid ones of every column, and the hostile ones (formulas, control characters, extreme figures).
const VALUES: &[&str] = &[
    "E1",
    "E2",
    "E10",
    "2022-01-31",
    "2022-02-30",
    "1969-07-20",
    "7",
    "-12",
    "0",
    "+3",
    "03",
    "9223372036854775807",
    "-9223372036854775808",
    "1.5",
    "-inf",
    "NaN",
    "true",
    "false",
    "a",
    "c d",
    " x ",
    "=1+1",
    "@SUM(A1)",
    "a\u{202e}b",
    "zero\u{200b}width",
    "nul\0",
    "Հայաստան – Azərbaycan",
    "",
];

/// Bytes that break CSV structure or encoding.
const BREAKERS: &[&[u8]] = &[
    b",",
    b"\"",
    b"\"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\0",
];

const LINE_ENDS: &[&[u8]] = &[b"\n", b"\r\n", b"\r"];

/// One cell as written in a file: bare, or quoted (with quotes doubled).
fn written_cell() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        4 => prop::sample::select(VALUES).prop_map(str::to_string),
        1 => "[a-z ,\"\n\r;é]{0,8}",
    ];
    (text, any::<bool>()).prop_map(|(t, quoted)| {
        if quoted || t.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", t.replace('"', "\"\"")).into_bytes()
        } else {
            t.into_bytes()
        }
    })
}

/// CSV-like text: a header (mostly the schema's, sometimes shuffled or absent), rows of about
/// the right width with LF, CRLF or CR line ends, then a few bytes that break it inserted
/// anywhere.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        6 => Just(COLUMNS.join(",")),
        2 => Just(COLUMNS.to_vec()).prop_shuffle().prop_map(|c| c.join(",")),
        1 => Just(String::new()),
    ];
    // Mostly the schema's width, so that rows reach the schema and the rules.
    let width = prop_oneof![4 => Just(COLUMNS.len()), 1 => 7usize..=10];
    let row = width.prop_flat_map(|n| prop::collection::vec(written_cell(), n));
    let end = prop::sample::select(LINE_ENDS);
    let breaks = prop::collection::vec(
        (any::<prop::sample::Index>(), prop::sample::select(BREAKERS)),
        0..4,
    );
    (header, prop::collection::vec(row, 0..6), end, breaks).prop_map(|(h, rows, end, breaks)| {
        let mut out = h.into_bytes();
        out.extend_from_slice(end);
        for r in rows {
            out.extend(r.join(&b","[..]));
            out.extend_from_slice(end);
        }
        for (at, b) in breaks {
            let i = at.index(out.len() + 1);
            out.splice(i..i, b.iter().copied());
        }
        out
    })
}

/// Rows that are valid but for figures at the edges of 64 bits (sums that overflow).
fn extreme_figures() -> impl Strategy<Value = Vec<u8>> {
    let figure = prop::sample::select(
        &[
            "9223372036854775807",
            "-9223372036854775808",
            "1",
            "-1",
            "0",
            "",
        ][..],
    );
    prop::collection::vec((figure.clone(), figure.clone(), figure), 1..5).prop_map(|rows| {
        let mut out = COLUMNS.join(",") + "\n";
        for (i, (n, m, t)) in rows.into_iter().enumerate() {
            out += &format!("E{i},2022-01-31,{n},{m},{t},1.5,true,a,note\n");
        }
        out.into_bytes()
    })
}

fn any_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..300),
        6 => csv_like(),
        1 => extreme_figures(),
    ]
}

/// A valid row of the schema (cells in schema order), its id made unique by `i`.
fn valid_row() -> impl Strategy<Value = Vec<String>> {
    let text = "[a-zA-Z0-9 ,;\"'\n\r.–éՀ]{0,30}".prop_map(|s| {
        let t = s.trim();
        match t.chars().next() {
            Some('=' | '+' | '-' | '@') => format!("x{t}"),
            _ => t.to_string(),
        }
    });
    let number = prop_oneof![
        Just(String::new()),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| Value::from(x).to_string()),
        (-1000i64..1000).prop_map(|n| n.to_string()),
    ];
    (
        "[A-Z][a-z0-9,\" ]{0,8}[a-z0-9]",
        (1i32..=9999, 1u32..=12, 1u32..=28),
        prop::option::of(i64::MIN / 2..i64::MAX / 2),
        prop::option::of(0i64..=1000),
        number,
        any::<bool>(),
        prop::sample::select(&["a", "b", "c d", ""][..]),
        text,
    )
        .prop_map(|(id, (y, mo, d), n, m, x, ok, kind, note)| {
            let total = match (n, m) {
                (None, None) => None,
                _ => Some(n.unwrap_or(0) + m.unwrap_or(0)),
            };
            let cell = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
            vec![
                id,
                format!("{y:04}-{mo:02}-{d:02}"),
                cell(n),
                cell(m),
                cell(total),
                x,
                ok.to_string(),
                kind.to_string(),
                note,
            ]
        })
}

/// Valid rows with unique ids, as canonical CSV.
fn valid_table() -> impl Strategy<Value = (Vec<Vec<String>>, Vec<u8>)> {
    prop::collection::vec(valid_row(), 0..25).prop_map(|mut rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r[0] = format!("{}{i}", r[0]);
        }
        let bytes = write_csv(&COLUMNS, &rows);
        (rows, bytes)
    })
}

fn write_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

// ---------------------------------------------------------------------------------------------
// (a) validation

/// Physical lines of a file: LF, CRLF and a lone CR each end one; the last line may be empty.
fn physical_lines(bytes: &[u8]) -> u64 {
    let mut n = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => n += 1,
            b'\r' => {
                n += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// Validates bytes as a file in-process: the exit code `aabc validate` would give, and the
/// problems.
fn validate_bytes(bytes: &[u8]) -> (u8, Vec<Problem>, Option<Error>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, bytes).unwrap();
    let s = schema();
    let job = TableJob {
        schema: &s,
        path: &path,
        ctx: Context::today_only(),
        collect_keys: true,
    };
    let mut problems = Vec::new();
    let result = validate_table(&job, &Default::default(), &mut |p| {
        problems.push(p);
        Ok(())
    });
    match result {
        Ok(_) if problems.iter().any(|p| p.severity == Severity::Error) => (1, problems, None),
        Ok(_) => (0, problems, None),
        Err(Error::Refused(_)) => (1, problems, None),
        Err(e) => (2, problems, Some(e)),
    }
}

fn lines_exist(bytes: &[u8], problems: &[Problem]) -> Result<(), TestCaseError> {
    let lines = physical_lines(bytes);
    for p in problems {
        if let Some(line) = p.line {
            prop_assert!(
                (1..=lines).contains(&line),
                "{} reported on line {line} of a file of {lines} lines: {p:?}",
                p.rule
            );
        }
        if let Some(column) = p.column {
            prop_assert!(column >= 1, "column 0: {p:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1500))]

    /// Never a panic; exit 0 or 1 (a broken file is the contributor's data, not a failure to
    /// run); every problem on a line the file has, whatever its line ends.
    #[test]
    fn validation_never_panics_exits_0_or_1_and_reports_lines_that_exist(bytes in any_input()) {
        let (code, problems, error) = validate_bytes(&bytes);
        prop_assert!(code <= 1, "exit {}: {:?}", code, error);
        lines_exist(&bytes, &problems)?;
    }
}

/// A copy of the shipped dataset and schemas (no git history), made once for the dataset-mode
/// property; its events table is overwritten by each case.
fn dataset_copy() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        crate::common::copy_tree(
            &crate::common::root().join("dataset"),
            &dir.path().join("dataset"),
        );
        crate::common::copy_tree(
            &crate::common::root().join("schema"),
            &dir.path().join("schema"),
        );
        dir
    })
    .path()
}

/// The first rows of the shipped events table, with line ends rewritten and bytes that break
/// CSV structure or encoding inserted anywhere.
fn hostile_events() -> impl Strategy<Value = Vec<u8>> {
    let text = std::fs::read_to_string(crate::common::root().join("dataset/events.csv")).unwrap();
    let head: String = text.split_inclusive('\n').take(12).collect();
    let breaks = prop::collection::vec(
        (any::<prop::sample::Index>(), prop::sample::select(BREAKERS)),
        0..4,
    );
    (prop::sample::select(LINE_ENDS), breaks).prop_map(move |(end, breaks)| {
        let mut out = Vec::new();
        for line in head.split_inclusive('\n') {
            match line.strip_suffix('\n') {
                Some(l) => {
                    out.extend_from_slice(l.as_bytes());
                    out.extend_from_slice(end);
                }
                None => out.extend_from_slice(line.as_bytes()),
            }
        }
        for (at, b) in breaks {
            let i = at.index(out.len() + 1);
            out.splice(i..i, b.iter().copied());
        }
        out
    })
}

/// `aabc validate` in dataset mode, in-process (what `cmd::validate` runs): the exit code and
/// the problems found in the events table.
fn validate_dataset_with_events(events: &[u8]) -> (u8, Vec<Problem>, Option<Error>) {
    let root = dataset_copy();
    std::fs::write(root.join("dataset/events.csv"), events).unwrap();
    let mut problems = Vec::new();
    let today = chrono::Local::now().date_naive();
    let result = aabc::schema::metadata::Dataset::open(root).and_then(|d| {
        aabc::validate::validate_dataset(&d, today, &mut |p| {
            problems.push(p);
            Ok(())
        })?;
        // As `aabc validate` does: published ids only when the rows were read as meant.
        if !problems.iter().any(aabc::validate::is_structure_fault) {
            problems.extend(aabc::versions::retired::published_id_problems(root, &d)?);
        }
        Ok(())
    });
    let code = match &result {
        Ok(()) if problems.iter().any(|p| p.severity == Severity::Error) => 1,
        Ok(()) => 0,
        // As `aabc` maps them: a refusal or a file that is not well-formed CSV is the data's fault.
        Err(Error::Refused(_) | Error::Csv { .. }) => 1,
        Err(_) => 2,
    };
    problems.retain(|p| p.file.ends_with("events.csv"));
    (code, problems, result.err())
}

proptest! {
    #![proptest_config(config(200))]

    /// The dataset with a broken events table: located problems and exit 1, never exit 2 (it
    /// is the contributor's data that is wrong, not a failure to run).
    #[test]
    fn dataset_validation_exits_0_or_1_on_a_broken_table(events in hostile_events()) {
        let (code, problems, error) = validate_dataset_with_events(&events);
        prop_assert!(code <= 1, "exit {}: {:?}", code, error);
        lines_exist(&events, &problems)?;
    }
}

// ---------------------------------------------------------------------------------------------
// (b) fmt

/// A strict RFC 4180 reader (LF, CRLF or CR end a record; a quote inside a quoted cell is
/// doubled; no quote inside an unquoted cell; blank lines skipped): the records, or `None`
/// when the text is not well-formed CSV. The reference `fmt` is compared with.
fn strict_records(bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)).ok()?;
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted_cell = false;
    let mut started = false;
    while let Some(c) = chars.next() {
        started = true;
        match c {
            '"' if cell.is_empty() && !quoted_cell => {
                quoted_cell = true;
                loop {
                    match chars.next()? {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            cell.push('"');
                        }
                        '"' => break,
                        other => cell.push(other),
                    }
                }
                if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                    return None;
                }
            }
            '"' => return None,
            ',' => {
                record.push(std::mem::take(&mut cell));
                quoted_cell = false;
            }
            '\n' | '\r' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                // A blank line holds no record (as in the csv crate).
                if !(record.is_empty() && cell.is_empty() && !quoted_cell) {
                    record.push(std::mem::take(&mut cell));
                    records.push(std::mem::take(&mut record));
                }
                quoted_cell = false;
                started = false;
            }
            other => cell.push(other),
        }
    }
    if started {
        record.push(cell);
        records.push(record);
    }
    Some(records)
}

/// What `fmt` must produce from well-formed records: cells trimmed, in schema column order,
/// rows in the sort order (a stable sort, so equal keys keep their order).
fn canonical_rows(s: &Schema, records: &[Vec<String>]) -> Option<Vec<Vec<String>>> {
    let Some((header, rows)) = records.split_first() else {
        return Some(Vec::new()); // an empty file gets the header
    };
    let header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    let order: Vec<usize> = s
        .column_names()
        .map(|n| header.iter().position(|h| *h == n))
        .collect::<Option<_>>()?;
    let mut out: Vec<Vec<String>> = rows
        .iter()
        .map(|r| order.iter().map(|&i| r[i].trim().to_string()).collect())
        .collect();
    let kinds: Vec<Kind> = s.sort_key.iter().map(|&c| s.columns[c].kind).collect();
    out.sort_by(|a, b| {
        let ka: Vec<&str> = s.sort_key.iter().map(|&c| a[c].as_str()).collect();
        let kb: Vec<&str> = s.sort_key.iter().map(|&c| b[c].as_str()).collect();
        aabc::schema::compare_keys(&kinds, &ka, &kb)
    });
    Some(out)
}

fn fmt_bytes(bytes: &[u8]) -> aabc::Result<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, bytes).unwrap();
    aabc::schema::canonical::canonical_bytes(&schema(), &path)
}

/// `fmt` kept every record and cell (up to the canonical form) and is idempotent.
fn fmt_is_lossless(input: &[u8]) -> Result<(), TestCaseError> {
    let Ok(out) = fmt_bytes(input) else {
        return Ok(()); // refused: nothing rewritten
    };
    let shown = String::from_utf8_lossy(input);
    let records = strict_records(input);
    prop_assert!(
        records.is_some(),
        "fmt accepted a file that is not well-formed CSV: {:?}",
        shown
    );
    let expected = canonical_rows(&schema(), &records.unwrap());
    let got = strict_records(&out).expect("fmt writes well-formed CSV");
    let (header, rows) = got.split_first().expect("fmt writes a header");
    prop_assert_eq!(header.clone(), COLUMNS.map(String::from).to_vec());
    prop_assert_eq!(Some(rows.to_vec()), expected, "input: {:?}", shown);
    let again = fmt_bytes(&out).expect("fmt accepts its own output");
    prop_assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&out)
    );
    Ok(())
}

/// Well-formed CSV files without carriage returns inside cells: every header order, spaces to
/// trim, quoted cells with commas, quotes and line feeds, LF or CRLF line ends, optional BOM.
fn well_formed() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        3 => prop::sample::select(VALUES).prop_map(str::to_string),
        1 => "[a-z ,\"\n;é]{0,8}",
    ];
    (
        Just(COLUMNS.to_vec()).prop_shuffle(),
        prop::collection::vec(prop::collection::vec(cell, 9), 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(header, rows, crlf, bom)| {
            let mut w = csv::WriterBuilder::new()
                .terminator(if crlf {
                    csv::Terminator::CRLF
                } else {
                    csv::Terminator::Any(b'\n')
                })
                .from_writer(Vec::new());
            w.write_record(&header).unwrap();
            for r in &rows {
                w.write_record(r).unwrap();
            }
            let mut out = if bom {
                b"\xef\xbb\xbf".to_vec()
            } else {
                Vec::new()
            };
            out.extend(w.into_inner().unwrap());
            out
        })
}

proptest! {
    #![proptest_config(config(600))]

    #[test]
    fn fmt_is_lossless_and_idempotent_on_well_formed_files(input in well_formed()) {
        prop_assert!(fmt_bytes(&input).is_ok(), "fmt refused a well-formed file");
        fmt_is_lossless(&input)?;
    }
}

proptest! {
    #![proptest_config(config(1500))]

    /// Broken quotes, CR inside cells, field counts: fmt refuses, or keeps every cell.
    #[test]
    fn fmt_refuses_or_is_lossless_on_csv_like_text(input in csv_like()) {
        fmt_is_lossless(&input)?;
    }
}

// ---------------------------------------------------------------------------------------------
// (c) export and read back

/// The typed value a cell must come back as (the schema's own conversion).
fn expected_values(s: &Schema, row: &[String]) -> Vec<Value> {
    row.iter()
        .enumerate()
        .map(|(i, c)| s.cell_to_json(i, c))
        .collect()
}

/// Exact equality, floats compared bit for bit.
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_f64() || b.is_f64() => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

fn assert_rows_equal(
    got: &[Vec<Value>],
    want: &[Vec<Value>],
    what: &str,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.len(), want.len(), "{}: number of rows", what);
    for (r, (g, w)) in got.iter().zip(want).enumerate() {
        for (c, (x, y)) in g.iter().zip(w).enumerate() {
            prop_assert!(
                same(x, y),
                "{}: row {} column {}: {} != {}",
                what,
                r,
                COLUMNS[c],
                x,
                y
            );
        }
    }
    Ok(())
}

fn export_bytes(csv: &[u8], format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    export(
        &schema(),
        csv,
        "t.csv",
        format,
        &Options::default(),
        &mut out,
    )
    .unwrap();
    out
}

fn read_parquet(bytes: Vec<u8>) -> Vec<Vec<Value>> {
    use arrow::array::*;
    use arrow::datatypes::DataType;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    std::fs::write(&path, bytes).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .map(|a| match a.data_type() {
                DataType::Dictionary(..) => arrow::compute::cast(a, &DataType::Utf8).unwrap(),
                _ => a.clone(),
            })
            .collect();
        for r in 0..batch.num_rows() {
            let row = columns
                .iter()
                .map(|a| {
                    if a.is_null(r) {
                        return Value::Null;
                    }
                    let any = a.as_any();
                    if let Some(a) = any.downcast_ref::<StringArray>() {
                        Value::from(a.value(r))
                    } else if let Some(a) = any.downcast_ref::<Int64Array>() {
                        Value::from(a.value(r))
                    } else if let Some(a) = any.downcast_ref::<Int32Array>() {
                        Value::from(a.value(r))
                    } else if let Some(a) = any.downcast_ref::<Float64Array>() {
                        Value::from(a.value(r))
                    } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
                        Value::from(a.value(r))
                    } else if let Some(a) = any.downcast_ref::<Date32Array>() {
                        let d = epoch + chrono::Duration::days(a.value(r) as i64);
                        Value::from(d.to_string())
                    } else {
                        panic!("unexpected Arrow type {}", a.data_type())
                    }
                })
                .collect();
            rows.push(row);
        }
    }
    rows
}

fn json_rows(objects: Vec<Value>) -> Vec<Vec<Value>> {
    objects
        .into_iter()
        .map(|o| {
            let o = o.as_object().unwrap();
            assert_eq!(o.keys().collect::<Vec<_>>(), COLUMNS);
            o.values().cloned().collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(config(150))]

    #[test]
    fn export_then_read_back_gives_every_cell(table in valid_table()) {
        let (rows, csv) = table;
        let s = schema();
        let want: Vec<Vec<Value>> = rows.iter().map(|r| expected_values(&s, r)).collect();

        let got = read_parquet(export_bytes(&csv, Format::Parquet));
        assert_rows_equal(&got, &want, "parquet")?;

        let json: Vec<Value> = serde_json::from_slice(&export_bytes(&csv, Format::Json)).unwrap();
        assert_rows_equal(&json_rows(json), &want, "json")?;

        let jsonl = export_bytes(&csv, Format::Jsonl);
        let lines: Vec<Value> = std::str::from_utf8(&jsonl)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_rows_equal(&json_rows(lines), &want, "jsonl")?;

        let back = export_bytes(&csv, Format::Csv);
        let mut r = csv::Reader::from_reader(back.as_slice());
        prop_assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS.to_vec());
        let cells: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect();
        prop_assert_eq!(cells, rows);
    }
}

// ---------------------------------------------------------------------------------------------
// (d) diff

fn snapshot(csv: &[u8]) -> Snapshot {
    let s = schema();
    let mut reader = csv::Reader::from_reader(csv);
    let rows = reader
        .records()
        .map(|r| aabc::schema::rows::record_object(&s, &r.unwrap()))
        .collect();
    Snapshot {
        label: "a".into(),
        version: None,
        release_format: None,
        tables: vec![TableSnap {
            name: "t".into(),
            schema: s,
            rows,
        }],
        partial: false,
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn diff_of_a_version_with_itself_is_empty(table in valid_table(), repeat in any::<bool>()) {
        let (mut rows, _) = table;
        // Duplicated keys too: the comparison must not depend on keys being unique.
        if repeat && !rows.is_empty() {
            rows.push(rows[0].clone());
        }
        let csv = write_csv(&COLUMNS, &rows);
        let d = aabc::versions::diff::diff(&snapshot(&csv), &snapshot(&csv));
        prop_assert!(d.is_empty(), "{}", aabc::versions::diff::text(&d));
    }
}

/// A schema in the plain keywords another dataset would use: `type` unions with null, `enum`,
/// `const`, `pattern`, `format` date and date-time, lengths, bounds, and a list column.
fn plain_schema() -> Schema {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plain.schema.json");
    Schema::load(&path).unwrap()
}

/// Cells near the edges of the plain keywords, and random short text.
fn plain_cell() -> impl Strategy<Value = String> {
    let edges = prop::sample::select(
        &[
            "",
            "AB-123",
            "AB-12",
            "AB-١٢٣",
            "A01",
            "A01;A02",
            "A01;",
            "2024-02-29",
            "2023-02-29",
            "2024-01-01T00:00:00Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T18:59:60-05:00",
            "2016-12-31T18:59:60+05:00",
            "2024-01-01T00:00:00.5+01:00",
            "2024-01-01T00:00:00",
            "a",
            "c d",
            "x",
            "k",
            "0",
            "-5",
            "-6",
            "1000",
            "1001",
            "90",
            "89.99",
            "-90.5",
            "-90.6",
            "1e2",
            "1.0",
            "0.5",
            "1",
            "03",
            "-0",
            "é",
            "éééééé",
            "ab",
            "true",
            "false",
            "abc;de",
            "abc;abc",
            "a;b;c;d",
            "a;;b",
            "null",
        ][..],
    );
    prop_oneof![
        3 => edges.prop_map(str::to_string),
        1 => "[-+0-9A-Za-z.:;T é١]{0,12}",
    ]
}

proptest! {
    #![proptest_config(config(400))]

    /// The fast path answers as the whole-row validator does on any row of the plain schema,
    /// and checks every column of it natively.
    #[test]
    fn the_fast_path_agrees_with_the_whole_row_validator_on_plain_keywords(
        changes in prop::collection::vec((0..13usize, plain_cell()), 0..4)
    ) {
        // A valid row with a few cells replaced: rows valid and invalid both come up.
        let mut cells: Vec<String> = [
            "AB-123", "A01", "2024-02-29", "2024-01-01T00:00:00Z", "a", "x", "k", "7", "1.5", "1",
            "abc", "true", "ab;cd",
        ]
        .map(str::to_string)
        .to_vec();
        for (c, cell) in changes {
            cells[c] = cell;
        }
        let s = plain_schema();
        let fast = aabc::validate::fastpath::FastSchema::new(&s);
        prop_assert!((0..s.columns.len()).all(|c| fast.is_native(c)));
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        let whole = s.validator().is_valid(&aabc::schema::row_object(&s, &refs, None));
        prop_assert_eq!(fast.is_valid(&s, &refs, &[true; 13]), whole, "{:?}", refs);
    }
}
