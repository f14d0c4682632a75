//! `aabc verify --format human|json|github`: findings are the validator's `Problem` values,
//! located in the bundle (file, line where known) with a rule id and a hint; human output keeps
//! its `MISMATCH:` lines and summary.

use crate::common::*;
use crate::verify::derived::{bundle_copy, released_zip, resum};
use std::path::Path;

fn verify_as(format: &str, target: &Path) -> (i32, String) {
    let (code, out, err) = run_aabc(&["verify", "--format", format, target.to_str().unwrap()]);
    assert!(err.is_empty(), "{err}");
    (code, out)
}

/// Verifies `target` as JSON, expecting exit 1, and returns the first finding that `wanted`
/// picks (with the whole output, for messages).
fn json_finding(
    target: &Path,
    wanted: impl Fn(&serde_json::Value) -> bool,
) -> (serde_json::Value, String) {
    let (code, out) = verify_as("json", target);
    assert_eq!(code, 1, "{out}");
    let p = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|p| wanted(p))
        .unwrap_or_else(|| panic!("no such finding in:\n{out}"));
    (p, out)
}

/// A bundle copy whose Parquet file of events has one flipped byte.
fn flipped_parquet() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = bundle_copy();
    let parquet = dir.join("events.parquet");
    let mut bytes = std::fs::read(&parquet).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&parquet, &bytes).unwrap();
    (tmp, dir)
}

#[test]
fn json_findings_are_one_object_a_line_with_file_rule_and_hint() {
    let (_tmp, dir) = flipped_parquet();
    let (p, out) = json_finding(&dir, |p| p["rule"] == "verify/checksum");
    assert!(!out.contains("NOT VERIFIED"), "no summary in JSON: {out}");
    assert_eq!(p["file"], "events.parquet");
    assert_eq!(p["severity"], "error");
    assert!(p["message"]
        .as_str()
        .unwrap()
        .starts_with("events.parquet: checksum mismatch (expected "));
    assert!(!p["hint"].as_str().unwrap().is_empty(), "{p}");
}

#[test]
fn github_findings_are_workflow_commands_naming_the_file() {
    let (_tmp, dir) = flipped_parquet();
    let (code, out) = verify_as("github", &dir);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines().any(|l| l.starts_with(
            "::error file=events.parquet,title=verify/checksum::events.parquet: checksum mismatch"
        )),
        "{out}"
    );
}

#[test]
fn human_output_keeps_its_mismatch_lines_and_summary() {
    let (_tmp, dir) = flipped_parquet();
    for args in [vec!["verify"], vec!["verify", "--format", "human"]] {
        let mut args = args;
        args.push(dir.to_str().unwrap());
        let (code, out, _) = run_aabc(&args);
        assert_eq!(code, 1, "{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with("MISMATCH: events.parquet: checksum mismatch (expected "),
            "{out}"
        );
        assert!(lines.last().unwrap().starts_with("NOT VERIFIED: "), "{out}");
        assert!(!out.contains("hint:"), "{out}");
    }
}

#[test]
fn a_clean_bundle_gives_no_json_findings() {
    let (code, out) = verify_as("json", &released_zip());
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn a_jsonl_row_that_differs_is_found_at_its_line() {
    let (_tmp, dir) = bundle_copy();
    let path = dir.join("events.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen("\"date_precision\":\"", "\"date_precision\":\"x", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    resum(&dir);
    let (p, _) = json_finding(&dir, |p| p["file"] == "events.jsonl");
    assert_eq!(p["rule"], "verify/format-mismatch");
    assert_eq!(p["line"], 3, "{p}");
}

#[test]
fn a_row_that_breaks_the_schema_keeps_the_validators_rule_field_and_line() {
    let (_tmp, dir) = bundle_copy();
    let path = dir.join("events.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(",month,", ",fortnight,", 1)).unwrap();
    resum(&dir);
    let (p, _) = json_finding(&dir, |p| {
        p["file"] == "events.csv" && p["field"] == "date_precision"
    });
    assert_eq!(p["line"], 2, "{p}");
    assert!(!p["rule"].as_str().unwrap().starts_with("verify/"), "{p}");
    let (_, human, _) = run_aabc(&["verify", dir.to_str().unwrap()]);
    let rule = p["rule"].as_str().unwrap();
    assert!(
        human.contains(&format!(
            "MISMATCH: invalid: events.csv:2: date_precision [{rule}] "
        )),
        "{human}"
    );
}
