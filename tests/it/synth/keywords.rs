//! `aabc synth` keeps its word: the rows it calls valid pass `aabc validate`, and the number of
//! invalid rows it reports is the number `aabc validate` finds, with the keywords it could not
//! follow named.

use crate::common::*;
use std::path::Path;

/// Runs `aabc synth --rows ROWS --seed 2 --out OUT` on a dataset (`--root DIR`) or a schema
/// (`--schema S.json`); returns its summary (standard error) once it succeeded.
fn synth(rows: &str, on: &str, path: &Path, out: &Path) -> String {
    let out = (aabc().args(["synth", "--rows", rows, "--seed", "2", on]))
        .arg(path)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let said = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{said}");
    said
}

/// Lines of `file` that `aabc validate` finds an error on.
fn invalid_lines(schema: &Path, file: &Path) -> usize {
    let (_, problems) =
        validate_json(&["--schema", schema.to_str().unwrap(), file.to_str().unwrap()]);
    let lines: std::collections::BTreeSet<u64> = (problems.iter())
        .filter(|p| p["severity"] == "error")
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    lines.len()
}

#[test]
fn rows_for_a_new_dataset_follow_its_formats_and_patterns() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("ds");
    let (code, _, err) = run_aabc(&["init", repo.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let file = dir.path().join("synthetic.csv");
    let said = synth("300", "--root", &repo, &file);
    assert_eq!(said.trim(), "wrote 300 rows, 0 invalid");
    let schema = repo.join("schema/events.schema.json");
    let out = aabc()
        .args(["validate", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    // The required URI column holds URIs, not a placeholder.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text
        .lines()
        .nth(1)
        .unwrap()
        .contains(",https://example.org/"));
}

#[test]
fn the_invalid_count_is_what_validate_finds_and_the_keywords_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.csv");
    let schema = root().join("tests/fixtures/plain.schema.json");
    let said = synth("500", "--schema", &schema, &file);
    let claimed: usize = said
        .split(", ")
        .nth(1)
        .and_then(|s| s.strip_suffix(" invalid").or(s.split(" invalid").next()))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {said:?}"));
    assert!(claimed > 0, "{said}");
    assert_eq!(claimed, invalid_lines(&schema, &file), "{said}");
    assert!(said.contains("could not follow these keywords"), "{said}");
    assert!(said.contains("tags pattern ("), "{said}");
}

#[test]
fn ids_minted_from_an_example_without_digits_and_values_a_rule_asks_for_validate() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("places.csv");
    // Its id example has no digits ("am-vardenis"); a coordinate must be present when the
    // other one is.
    let schema = root().join("schema/places.schema.json");
    let said = synth("400", "--schema", &schema, &file);
    assert_eq!(said.trim(), "wrote 400 rows, 0 invalid");
    assert_eq!(invalid_lines(&schema, &file), 0);
}
