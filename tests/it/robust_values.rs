//! Accepted values, arithmetic and schema loading (issue 8, items 9 and 20): what `validate`
//! must refuse in a cell, totals that overflow, composite keys that must not collide, and
//! schemas no row can satisfy, refused when they are loaded.

use crate::common::*;
use std::path::Path;

/// The fixtures keep the 1.x column layout: they test the validator, not the dataset's columns.
const SCHEMA: &str = "tests/fixtures/events.1.schema.json";

/// `validate --format json` on a fixture: exit code and the problems.
fn check_with(schema: &str, fixture: &str) -> (i32, Vec<serde_json::Value>) {
    validate_json(&["--schema", schema, &format!("tests/fixtures/{fixture}")])
}

fn hints(problems: &[serde_json::Value]) -> Vec<String> {
    problems
        .iter()
        .map(|p| p["hint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn integers_must_be_written_in_canonical_form() {
    let (code, problems) = check_with(SCHEMA, "integer_not_canonical.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 185, "schema/type", Some("killed_am_military")),
            seen(3, 190, "schema/type", Some("killed_total")),
            seen(4, 185, "schema/type", Some("killed_am_military")),
        ]
    );
    let hints = hints(&problems);
    assert!(hints[0].starts_with("write 3:"), "{}", hints[0]);
    assert!(hints[1].starts_with("write 3:"), "{}", hints[1]);
    assert!(hints[2].starts_with("write 0:"), "{}", hints[2]);
}

#[test]
fn infinities_and_nans_are_formulas_in_text_and_not_numbers_in_number_columns() {
    let (code, problems) = check_with(SCHEMA, "number_formula.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 241, "no-formula", Some("notes")),
            seen(3, 241, "no-formula", Some("notes")),
            seen(4, 241, "no-formula", Some("notes")),
            seen(5, 187, "schema/type", Some("killed_civilians")),
        ]
    );
}

#[test]
fn control_invisible_and_bidi_characters_are_errors_and_a_carriage_return_a_warning() {
    let (code, problems) = check_with(SCHEMA, "control_characters.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 241, "text/control", Some("notes")),
            seen(3, 125, "text/invisible", Some("location")),
            seen(4, 161, "text/bidi", Some("actor2")),
            seen(5, 241, "text/invisible", Some("notes")),
            seen(6, 199, "text/control", Some("reported_by")),
            seen(7, 241, "text/carriage-return", Some("notes")),
        ]
    );
    let severities: Vec<&str> = problems
        .iter()
        .map(|p| p["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        ["error", "error", "error", "error", "error", "warning"]
    );
    assert!(problems[0]["message"]
        .as_str()
        .unwrap()
        .contains("U+0000 (NUL) at character 7"));
    assert!(problems[2]["message"].as_str().unwrap().contains("U+202E"));
}

#[test]
fn a_carriage_return_alone_is_only_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cr_in_cell.csv");
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/control_characters.csv")).unwrap();
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.drain(1..6);
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (code, problems) = validate_json(&["--schema", SCHEMA, file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        reduce(&problems),
        [seen(2, 241, "text/carriage-return", Some("notes"))]
    );
    let (code, _) = validate_json(&["--strict", "--schema", SCHEMA, file.to_str().unwrap()]);
    assert_eq!(code, 1);
}

#[test]
fn the_fast_path_and_the_whole_row_validator_agree_on_these_values() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("events_whole.schema.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(SCHEMA)).unwrap()).unwrap();
    std::fs::write(&whole, whole_row_only(doc).to_string()).unwrap();
    for fixture in [
        "integer_not_canonical.csv",
        "number_formula.csv",
        "control_characters.csv",
        "killed_total_overflow.csv",
    ] {
        let (fast_code, fast) = check_with(SCHEMA, fixture);
        let (whole_code, slow) = check_with(whole.to_str().unwrap(), fixture);
        assert_eq!(
            (fast_code, reduce(&fast), hints(&fast)),
            (whole_code, reduce(&slow), hints(&slow)),
            "{fixture}"
        );
    }
}

/// The same schema with a root keyword the fast path does not split (`$defs`), so that every
/// row goes to the whole-row validator.
fn whole_row_only(mut doc: serde_json::Value) -> serde_json::Value {
    doc.as_object_mut()
        .unwrap()
        .insert("$defs".into(), serde_json::json!({}));
    doc
}

/// A schema in the plain keywords another dataset would use (issue 11, item 5).
fn plain_schema() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/plain.schema.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn plain_keywords_give_the_same_problems_on_the_fast_path_and_whole() {
    let valid = [
        "AB-123",
        "A01",
        "2024-02-29",
        "2024-01-01T00:00:00Z",
        "a",
        "x",
        "k",
        "7",
        "1.5",
        "1",
        "abc",
        "true",
        "ab;cd",
    ];
    let probes = [
        "",
        "AB-12",
        "ab-123",
        "AB-١٢٣",
        "A01;",
        "2023-02-29",
        "2024-1-01",
        "2016-12-31T23:59:60Z",
        "2016-12-31T18:59:60-05:00",
        "2016-12-31T18:59:60+05:00",
        "2024-01-01T00:00:00",
        "2024-01-01t00:00:00.5+01:00",
        "y",
        "K",
        "-6",
        "1000",
        "1001",
        "90",
        "89.99",
        "-90.6",
        "1e2",
        "1.0",
        "0.5",
        "03",
        "é",
        "éééééé",
        "false",
        "abc;abc",
        "a;b;c;d",
        "abcd",
        "a;;b",
        "null",
    ];
    let mut csv = String::from("code,list,day,at,kind,kind2,fixed,n,x,i2,name,ok,tags\n");
    for c in 0..valid.len() {
        for probe in probes {
            let mut row = valid;
            row[c] = probe;
            csv += &row.join(",");
            csv.push('\n');
        }
    }
    let (_dir, fast_schema, file) = table(plain_schema(), &csv);
    let (_dir2, whole_schema, _) = table(whole_row_only(plain_schema()), "");
    let (fast_code, fast) = validate_json(&["--schema", &fast_schema, &file]);
    let (whole_code, whole) = validate_json(&["--schema", &whole_schema, &file]);
    assert_eq!(fast_code, 1);
    // Dozens of rows break a keyword; the messages, hints and places are the same either way.
    assert!(fast.len() > 100, "{}", fast.len());
    let strip = |ps: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        ps.into_iter()
            .map(|mut p| {
                p.as_object_mut().unwrap().remove("file");
                p
            })
            .collect()
    };
    assert_eq!((fast_code, strip(fast)), (whole_code, strip(whole)));
}

#[test]
fn a_total_whose_parts_overflow_is_a_finding_not_a_panic() {
    let (code, problems) = check_with(SCHEMA, "killed_total_overflow.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 185, "schema/maximum", Some("killed_am_military")),
            seen(2, 209, "killed-total", Some("killed_total")),
        ]
    );
    assert!(problems[1]["message"]
        .as_str()
        .unwrap()
        .contains("more than 9223372036854775807"));
}

/// Writes a schema and a CSV into a temporary directory.
fn table(schema: serde_json::Value, csv: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("t.schema.json");
    let f = dir.path().join("t.csv");
    std::fs::write(&s, schema.to_string()).unwrap();
    std::fs::write(&f, csv).unwrap();
    let (s, f) = (
        s.to_str().unwrap().to_string(),
        f.to_str().unwrap().to_string(),
    );
    (dir, s, f)
}

#[test]
fn composite_keys_that_join_to_the_same_text_are_not_duplicates() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "x-primaryKey": ["a", "b"]
    });
    let (_dir, s, f) = table(schema, "a,b\nx\u{1f}y,z\nx,y\u{1f}z\nx,y\u{1f}z\n");
    let (code, problems) = validate_json(&["--schema", &s, &f]);
    assert_eq!(code, 1);
    // The unit separator itself is a control character; the only duplicate is line 4.
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 1, "text/control", Some("a")),
            seen(3, 3, "text/control", Some("b")),
            seen(4, 3, "text/control", Some("b")),
            seen(4, 1, "primary-key", Some("a")),
        ]
    );
    assert!(problems[3]["message"].as_str().unwrap().contains("line 3"));
}

fn impossible(props: serde_json::Value, rules: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"type": "object", "properties": props, "x-rules": rules})
}

#[test]
fn synth_and_validate_refuse_a_sum_without_parts() {
    let schema = impossible(
        serde_json::json!({"t": {"type": ["integer", "null"]}}),
        serde_json::json!([{"id": "total", "rule": "sum", "total": "t", "parts": []}]),
    );
    let (_dir, s, f) = table(schema, "t\n1\n");
    for args in [
        vec!["synth", "--rows", "3", "--schema", &s],
        vec!["validate", "--schema", &s, &f],
    ] {
        let (code, out, err) = run_aabc(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(&s), "names the schema file: {err}");
        assert!(
            err.contains("rule \"total\": \"parts\" is empty"),
            "names the rule: {err}"
        );
    }
}

#[test]
fn synth_and_validate_refuse_a_maximum_below_the_minimum() {
    let schema = impossible(
        serde_json::json!({"n": {"type": "integer", "minimum": 10, "maximum": 5}}),
        serde_json::json!([]),
    );
    let (_dir, s, f) = table(schema, "n\n7\n");
    for args in [
        vec!["synth", "--rows", "3", "--schema", &s],
        vec!["validate", "--schema", &s, &f],
    ] {
        let (code, out, err) = run_aabc(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(&s), "names the schema file: {err}");
        assert!(err.contains("property \"n\""), "names the column: {err}");
    }
}

#[test]
fn synth_stays_inside_bounds_far_from_zero() {
    // A minimum above synth's old default range made it underflow.
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "big": {"type": "integer", "minimum": 5000},
            "neg": {"type": "integer", "maximum": -7},
            "x": {"type": "number", "minimum": -2.5, "maximum": -2.25}
        },
        "additionalProperties": false
    });
    let (dir, s, _) = table(schema, "");
    let out = dir.path().join("synth.csv");
    let out = out.to_str().unwrap();
    aabc_ok(&[
        "synth", "--rows", "50", "--seed", "3", "--schema", &s, "--out", out,
    ]);
    let (code, problems) = validate_json(&["--schema", &s, out]);
    assert_eq!((code, problems), (0, vec![]));
}

#[test]
fn diff_tells_composite_keys_apart_that_would_join_to_the_same_text() {
    use aabc::versions::snapshot::{Snapshot, TableSnap};
    let snap = |a: &str, b: &str| {
        let schema = aabc::schema::Schema::from_value(
            Path::new("t.schema.json"),
            serde_json::json!({
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "x-primaryKey": ["a", "b"]
            }),
        )
        .unwrap();
        Snapshot {
            label: "v".into(),
            version: None,
            tables: vec![TableSnap {
                name: "t".into(),
                schema,
                rows: vec![serde_json::json!({"a": a, "b": b})],
            }],
            partial: false,
        }
    };
    let d = aabc::versions::diff::diff(&snap("x,y", "z"), &snap("x", "y,z"));
    let t = &d.tables[0];
    assert_eq!(t.removed, [r#"["x,y","z"]"#]);
    assert_eq!(t.added, [r#"["x","y,z"]"#]);
    assert!(t.changed.is_empty());
    assert!(aabc::versions::diff::diff(&snap("x,y", "z"), &snap("x,y", "z")).is_empty());
}

#[test]
fn parquet_export_reads_numbers_as_validate_does() {
    // `+3` was exported as 3 to Parquet while validate, JSON and the rules saw no integer.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.parquet");
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/integer_not_canonical.csv"),
        &["--format", "parquet", "--out", out.to_str().unwrap()],
    );
    // The data is wrong, not the run: exit 1.
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("line 2: killed_am_military = \"+3\" is not a valid integer"),
        "{err}"
    );
    assert!(!out.exists());
}

// Every format refuses what Parquet refuses: a cell that is not its column's type (JSON wrote
// "03" as a string in an integer column, CSV copied it).
#[test]
fn every_export_format_refuses_a_cell_that_is_not_its_type() {
    for format in ["parquet", "json", "jsonl", "csv"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(format!("t.{format}"));
        let (code, _, err) = export_csv(
            &root().join("tests/fixtures/integer_not_canonical.csv"),
            &["--format", format, "--out", out.to_str().unwrap()],
        );
        assert_eq!(code, 1, "{format}: {err}");
        assert!(
            err.contains("line 2: killed_am_military = \"+3\" is not a valid integer"),
            "{format}: {err}"
        );
        assert!(!out.exists(), "{format}: nothing is written");
    }
}

#[test]
fn synth_writes_fractions_in_number_columns_and_the_floats_benchmark_schema_validates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("floats.csv");
    let out = out.to_str().unwrap();
    let schema = "bench/floats.schema.json";
    aabc_ok(&[
        "synth", "--rows", "300", "--seed", "1", "--schema", schema, "--out", out,
    ]);
    let (code, problems) = validate_json(&["--schema", schema, out]);
    assert_eq!((code, problems), (0, vec![]));
    let text = std::fs::read_to_string(out).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let lat = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "lat")
        .unwrap();
    let fractions = r
        .records()
        .map(|rec| rec.unwrap()[lat].to_string())
        .filter(|c| c.split_once('.').is_some_and(|(_, f)| f != "00"))
        .count();
    assert!(
        fractions > 200,
        "{fractions} of 300 latitudes have a fraction"
    );
}
