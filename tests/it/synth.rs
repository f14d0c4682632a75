//! `aabc synth`: deterministic files for a seed, dates within the dataset's coverage, values
//! inside the schema's bounds, and exactly the injected problems found by `validate`.

mod keywords;

use crate::common::*;
use std::collections::BTreeSet;

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

#[test]
fn synth_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = synth(dir.path(), "a.csv", 2000, 7, "0");
    let (b, _) = synth(dir.path(), "b.csv", 2000, 7, "0");
    let (c, _) = synth(dir.path(), "c.csv", 2000, 8, "0");
    let (a, b, c) = (
        std::fs::read(a).unwrap(),
        std::fs::read(b).unwrap(),
        std::fs::read(c).unwrap(),
    );
    assert!(a == b);
    assert!(a != c);
    assert_eq!(String::from_utf8(a).unwrap().lines().count(), 2001);
}

#[test]
fn synthetic_dates_fall_within_the_datasets_coverage() {
    // The range comes from dataset.json, not from the clock: the same bytes on any day, and
    // rows that the coverage check of `aabc validate` accepts.
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    let first = meta["coverage"]["start"].as_str().unwrap().to_string();
    let last = meta["coverage"]["end"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    for rows in [100, 20_000] {
        let (file, _) = synth(dir.path(), "dates.csv", rows, 3, "0");
        let mut r = csv::Reader::from_path(&file).unwrap();
        let h = r.headers().unwrap().clone();
        let cols: Vec<usize> = ["date_start", "date_end"]
            .iter()
            .map(|n| h.iter().position(|c| c == *n).unwrap())
            .collect();
        let mut seen = BTreeSet::new();
        for row in r.records() {
            let row = row.unwrap();
            for &c in &cols {
                assert!(
                    row[c] >= *first && row[c] <= *last,
                    "{rows} rows: {} outside {first}..={last}",
                    &row[c]
                );
                seen.insert(row[c][..7].to_string());
            }
        }
        // Spread over the coverage, not bunched at its start.
        if rows == 20_000 {
            assert!(seen.len() > 36, "{} months", seen.len());
        }
    }
    // A coverage of one day, the first of a month: rows of month precision, or of a few days,
    // would end after it, so they take day precision and end that day.
    let dir = tempfile::tempdir().unwrap();
    repo_copy(dir.path());
    let meta_path = dir.path().join("dataset/dataset.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["coverage"]["start"] = serde_json::json!("2024-02-01");
    meta["coverage"]["end"] = serde_json::json!("2024-02-01");
    std::fs::write(&meta_path, serde_json::to_string_pretty(&meta).unwrap()).unwrap();
    let out = dir.path().join("short.csv");
    let (code, said, err) = run(
        dir.path(),
        &[
            "synth",
            "--rows",
            "500",
            "--seed",
            "5",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{said}{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (start, end) = (at("date_start"), at("date_end"));
    for row in r.records() {
        let row = row.unwrap();
        assert!(
            &row[start] == "2024-02-01" && &row[end] == "2024-02-01",
            "{row:?}"
        );
    }
}

#[test]
fn valid_synthetic_rows_pass_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = synth(dir.path(), "ok.csv", 20_000, 1, "0");
    let (code, problems) = validate_json(&[
        "--schema",
        "schema/events.schema.json",
        file.to_str().unwrap(),
    ]);
    assert_eq!((code, problems.len()), (0, 0), "{:?}", problems.first());
}

#[test]
fn exactly_the_injected_problems_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let (file, said) = synth(dir.path(), "bad.csv", 20_000, 3, "0.02");
    // "wrote 20000 rows, N invalid (sum a, date-order b, …)"
    let invalid: usize = said
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(invalid > 300, "{said}");
    let (code, problems) = validate_json(&[
        "--schema",
        "schema/events.schema.json",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let lines: BTreeSet<u64> = problems
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines.len(), invalid, "one problem row per damaged row");
    let rules: BTreeSet<&str> = problems
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "killed-total",
        "date-order",
        "schema/oneOf",
        "schema/type",
        "primary-key",
        "trimmed",
    ] {
        assert!(rules.contains(rule), "{rule} not found in {rules:?}");
    }
}
