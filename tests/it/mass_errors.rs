//! `aabc validate` on a file with thousands of problems: a summary by rule that counts every
//! one, `--max-errors N` that shows only the first N, and GitHub annotations kept within what
//! a step shows, followed by one summary notice. The exit code and JSON Lines do not change.

use crate::common::{aabc, run_aabc, SCHEMA};
use std::collections::BTreeMap;

/// 10,000 synthetic rows, about 3,000 of them broken in six ways (`aabc synth`).
fn many() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.csv").to_str().unwrap().to_string();
    let out = aabc()
        .args([
            "synth", "--schema", SCHEMA, "--rows", "10000", "--seed", "7",
        ])
        .args(["--invalid-rate", "0.3", "--out", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    (dir, file)
}

fn validate(file: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["validate", "--schema", SCHEMA, file];
    args.extend_from_slice(extra);
    run_aabc(&args)
}

/// Errors by rule, counted from JSON Lines (every problem, one per line).
fn true_counts(file: &str) -> BTreeMap<String, u64> {
    let (code, out, _) = validate(file, &["--format", "json"]);
    assert_eq!(code, 1);
    let mut counts = BTreeMap::new();
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["severity"], "error");
        *counts
            .entry(v["rule"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    counts
}

/// The human summary's `by rule:` block, in its order: (rule, errors).
fn by_rule(human: &str) -> Vec<(String, u64)> {
    let block = human.split("\nby rule:\n").nth(1).expect(human);
    block
        .lines()
        .map_while(|l| l.strip_prefix("  "))
        .map(|l| {
            let (rule, rest) = l.split_once(": ").unwrap();
            let errors = rest.split(' ').next().unwrap().parse().unwrap();
            assert!(rest.ends_with(", 0 warning(s)"), "{l}");
            (rule.to_string(), errors)
        })
        .collect()
}

fn problems_shown(out: &str, start: &str) -> usize {
    out.lines().filter(|l| l.starts_with(start)).count()
}

#[test]
fn the_summary_by_rule_counts_every_problem_most_first() {
    let (_d, file) = many();
    let truth = true_counts(&file);
    let total: u64 = truth.values().sum();
    assert!(total > 2500 && truth.len() >= 6, "{truth:?}");
    let (code, out, _) = validate(&file, &["--max-errors", "5"]);
    assert_eq!(code, 1);
    let rows = by_rule(&out);
    let got: BTreeMap<String, u64> = rows.iter().cloned().collect();
    assert_eq!(got, truth);
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    assert_eq!(rows, sorted);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("INVALID: 1 file(s), 10000 row(s) checked")
            && last.ends_with(&format!("; {total} error(s), 0 warning(s)")),
        "{last}"
    );
}

#[test]
fn max_errors_shows_that_many_problems_then_the_summary() {
    let (_d, file) = many();
    let total: u64 = true_counts(&file).values().sum();
    let (code, out, err) = validate(&file, &["--max-errors", "5"]);
    assert_eq!((code, err.as_str()), (1, ""));
    assert_eq!(problems_shown(&out, &file), 5, "{out}");
    assert_eq!(problems_shown(&out, "    hint: "), 5);
    let note = format!(
        "{} more problem(s) not shown (the first 5; `--max-errors N` shows N)",
        total - 5
    );
    assert!(out.contains(&format!("\n{note}\nINVALID: ")), "{out}");
}

#[test]
fn github_shows_ten_annotations_then_one_summary_notice() {
    let (_d, file) = many();
    let truth = true_counts(&file);
    let total: u64 = truth.values().sum();
    for (extra, shown) in [(vec![], 10), (vec!["--max-errors", "3"], 3)] {
        let mut args = vec!["--format", "github"];
        args.extend(extra);
        let (code, out, _) = validate(&file, &args);
        assert_eq!(code, 1);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), shown + 1, "{out}");
        assert_eq!(problems_shown(&out, "::error file="), shown);
        let notice = lines[shown];
        assert!(
            notice.starts_with(&format!(
                "::notice title=aabc validate summary::{total} error(s), 0 warning(s); by rule: "
            )),
            "{notice}"
        );
        for (rule, n) in &truth {
            assert!(notice.contains(&format!("{rule} {n} error(s)")), "{notice}");
        }
        let left = total - shown as u64;
        assert!(
            notice.ends_with(&format!(
                ". {left} more problem(s) not shown (the first {shown}; `--max-errors N` shows N)"
            )),
            "{notice}"
        );
    }
}

#[test]
fn the_exit_code_does_not_depend_on_what_is_shown() {
    let (_d, file) = many();
    for format in ["human", "json", "github", "markdown"] {
        for max in ["0", "5", "100000"] {
            let (code, _, _) = validate(&file, &["--format", format, "--max-errors", max]);
            assert_eq!(code, 1, "{format} --max-errors {max}");
        }
    }
    let valid = "tests/fixtures/valid.csv";
    let (code, out, _) = validate(valid, &["--max-errors", "0"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("valid: ") && !out.contains("by rule"),
        "{out}"
    );
}

#[test]
fn json_lines_stay_problems_only_and_the_rest_is_told_on_stderr() {
    let (_d, file) = many();
    let total: u64 = true_counts(&file).values().sum();
    let (code, out, err) = validate(&file, &["--format", "json", "--max-errors", "5"]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 5);
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["rule"].is_string(), "{line}");
    }
    assert_eq!(
        err,
        format!(
            "aabc: {} more problem(s) not shown (--max-errors); {total} error(s), 0 warning(s) in all\n",
            total - 5
        )
    );
    let (_, all, err) = validate(&file, &["--format", "json"]);
    assert_eq!((all.lines().count() as u64, err.as_str()), (total, ""));
}
