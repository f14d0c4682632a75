//! `aabc validate` on fixture files, one per kind of problem: exact line, column and rule id.

use crate::common::*;

/// The fixtures keep the 1.x column layout: they test the validator, not the dataset's columns.
const SCHEMA: &str = "tests/fixtures/events.1.schema.json";

fn check(fixture: &str) -> (i32, Vec<Seen>) {
    let path = format!("tests/fixtures/{fixture}");
    let (code, problems) = validate_json(&["--schema", SCHEMA, &path]);
    for p in &problems {
        assert_eq!(p["file"], path.as_str());
        assert!(!p["message"].as_str().unwrap().is_empty());
        assert!(
            !p["hint"].as_str().unwrap().is_empty(),
            "every problem says how to fix it: {p}"
        );
    }
    (code, reduce(&problems))
}

/// Each fixture is invalid with exactly the problems listed.
fn expect_each(cases: &[(&str, Vec<Seen>)]) {
    for (fixture, expected) in cases {
        assert_eq!(&check(fixture), &(1, expected.clone()), "{fixture}");
    }
}

#[test]
fn a_valid_file_passes() {
    assert_eq!(check("valid.csv"), (0, vec![]));
}

#[test]
fn file_level_problems() {
    let cases: &[(&str, Vec<Seen>)] = &[
        ("bom.csv", vec![seen(1, 1, "csv/bom", None)]),
        ("empty.csv", vec![seen(1, 1, "csv/empty", None)]),
        ("field_count.csv", vec![seen(3, 1, "csv/field-count", None)]),
        ("utf8.csv", vec![seen(3, 128, "csv/utf8", Some("location"))]),
        (
            "unclosed_quote.csv",
            // Only the fault: no finding (such as `trimmed`, whose hint says to run fmt) from
            // the cell that swallowed the rest of the file.
            vec![seen(3, 241, "csv/quote", None)],
        ),
    ];
    expect_each(cases);
}

#[test]
fn header_problems_name_the_column() {
    let cases: &[(&str, Vec<Seen>)] = &[
        (
            "header_misspelled.csv",
            vec![seen(1, 10, "csv/header", Some("date_strat"))],
        ),
        (
            "header_missing.csv",
            vec![seen(1, 1, "csv/header", Some("location"))],
        ),
        (
            "header_moved.csv",
            vec![seen(1, 10, "csv/header", Some("date_end"))],
        ),
        (
            "header_extra.csv",
            vec![seen(1, 412, "csv/header", Some("colour"))],
        ),
    ];
    expect_each(cases);
}

#[test]
fn schema_problems_point_at_the_cell() {
    let cases: &[(&str, Vec<Seen>)] = &[
        (
            "vocabulary.csv",
            vec![seen(2, 37, "schema/oneOf", Some("event_type"))],
        ),
        (
            "acled_pair.csv",
            vec![seen(2, 55, "schema/enum", Some("acled_sub_event_type"))],
        ),
        (
            "integer.csv",
            vec![seen(2, 185, "schema/type", Some("killed_am_military"))],
        ),
        (
            "boolean.csv",
            vec![seen(2, 230, "schema/type", Some("disputed"))],
        ),
        // The note of the row before spans lines 3-4: the bad row is on physical line 5.
        (
            "multiline_then_bad_date.csv",
            vec![
                seen(5, 11, "schema/format", Some("date_start")),
                seen(5, 22, "schema/format", Some("date_end")),
            ],
        ),
    ];
    expect_each(cases);
}

#[test]
fn consistency_rules_point_at_the_cell() {
    let cases: &[(&str, Vec<Seen>)] = &[
        (
            "date_order.csv",
            vec![seen(2, 22, "date-order", Some("date_end"))],
        ),
        (
            "date_precision.csv",
            vec![seen(2, 22, "date-precision", Some("date_end"))],
        ),
        (
            "future.csv",
            vec![
                seen(2, 11, "date-coverage", Some("date_start")),
                seen(2, 22, "date-coverage", Some("date_end")),
            ],
        ),
        (
            "killed_total.csv",
            vec![seen(2, 191, "killed-total", Some("killed_total"))],
        ),
        (
            "casualty_estimate.csv",
            vec![seen(2, 199, "casualty-estimate", Some("casualty_estimate"))],
        ),
        (
            "admin1_country.csv",
            vec![seen(2, 119, "admin1-in-country", Some("admin1_code"))],
        ),
        (
            "whitespace.csv",
            vec![seen(2, 125, "trimmed", Some("location"))],
        ),
        (
            "formula.csv",
            vec![seen(2, 241, "no-formula", Some("notes"))],
        ),
        (
            "duplicate_id.csv",
            vec![seen(3, 1, "primary-key", Some("event_id"))],
        ),
        (
            "unsorted.csv",
            vec![seen(4, 11, "sort-order", Some("date_start"))],
        ),
    ];
    expect_each(cases);
}

#[test]
fn references_between_tables_and_unused_sources() {
    let dir = fixture_copy("dataset_refs");
    let (code, problems) = validate_json(&["--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let got = reduce(&problems);
    assert_eq!(
        got,
        [
            seen(2, 159, "foreign-key", Some("source_ids")),
            seen(4, 1, "unused-key", Some("source_id"))
        ]
    );
    assert_eq!(problems[0]["severity"], "error");
    assert_eq!(problems[1]["severity"], "warning");
    assert_eq!(problems[1]["value"], "S006");
}

#[test]
fn warnings_pass_unless_strict() {
    // Without the unknown reference: valid, with one unused-source warning.
    let dir = valid_fixture_copy();
    let root_arg = dir.path().to_str().unwrap();
    let (code, problems) = validate_json(&["--root", root_arg]);
    assert_eq!((code, problems.len()), (0, 1));
    let (code, _) = validate_json(&["--root", root_arg, "--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn human_output_has_location_rule_hint_and_summary() {
    let out = aabc()
        .args([
            "validate",
            "--schema",
            SCHEMA,
            "tests/fixtures/killed_total.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "tests/fixtures/killed_total.csv:2:191: error[killed-total] killed_total = \"3\": is 3, but the parts add up to 4 (killed_am_military 3 + killed_az_military 1)\n    hint: killed_total must equal the sum of killed_am_military, killed_az_military, killed_civilians, killed_unknown (blank counts as 0)\nINVALID: 1 file(s), 1 row(s) checked (tests/fixtures/killed_total.csv); 1 error(s), 0 warning(s)\n"
    );
}

#[test]
fn github_output_is_workflow_annotations() {
    let out = aabc()
        .args([
            "validate",
            "--format",
            "github",
            "--schema",
            SCHEMA,
            "tests/fixtures/date_order.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("::error file=tests/fixtures/date_order.csv,line=2,col=22,title=date-order::date_end = \"2021-05-11\": "),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1);
}

#[test]
fn cannot_run_exits_2_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{ not json").unwrap();
    let no_props = dir.path().join("noprops.json");
    std::fs::write(&no_props, r#"{"type": "object"}"#).unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "--schema".into(),
            SCHEMA.into(),
            "tests/fixtures/nope.csv".into(),
        ],
        vec![
            "--schema".into(),
            "schema/nope.json".into(),
            "tests/fixtures/valid.csv".into(),
        ],
        vec![
            "--schema".into(),
            bad_json.to_str().unwrap().into(),
            "tests/fixtures/valid.csv".into(),
        ],
        vec![
            "--schema".into(),
            no_props.to_str().unwrap().into(),
            "tests/fixtures/valid.csv".into(),
        ],
        vec!["--root".into(), dir.path().to_str().unwrap().into()],
    ];
    for args in cases {
        let out = aabc().arg("validate").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("aabc: error: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn the_shipped_dataset_is_valid() {
    let (code, problems) = validate_json(&["--strict"]);
    assert_eq!(problems, Vec::<serde_json::Value>::new());
    assert_eq!(code, 0);
}
