//! Checks of the real data: the shipped dataset is valid and canonical, the audit corrections
//! (`scripts/audit/corrections.md`) hold, the places are what the pinned GeoNames gazetteer gives
//! (`scripts/places`), the actor drafts and the 2.0 migration (`scripts/actors`,
//! `scripts/migrate`) reproduce `dataset/`, and the metadata credits its sources. The gazetteer
//! and pytest live in the virtualenv that `bash tests/interop/setup.sh` makes.

use crate::common::*;
use serde_json::{json, Value};
use std::process::Command;

fn run(program: &std::path::Path, args: &[&str]) {
    run_in(&root(), program, args);
}

/// Runs `program` in `dir` and fails the test with its output unless it succeeds.
fn run_in(dir: &std::path::Path, program: &std::path::Path, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Python of the gazetteer's virtualenv (with pytest).
fn geo_python() -> std::path::PathBuf {
    require_tool("the gazetteer's Python", ".venv-geo/bin/python")
}

#[test]
fn audit_corrections_hold_in_the_events() {
    let out = Command::new(require_tool("Python 3", "python3"))
        .args(["scripts/audit/check_corrections.py", "dataset/events.csv"])
        .current_dir(root())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "check_corrections.py failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("31 of 31 checks pass"));
}

#[test]
fn audit_check_fails_on_the_uncorrected_data() {
    // The 1.0.0 data predates every correction: the checker must reject it.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("events-1.0.0.csv");
    // The commit recorded for 1.0.0 in releases.csv (works in a clone without tags).
    let commit = recorded_commit("1.0.0");
    let git = Command::new("git")
        .args(["show", &format!("{commit}:dataset/events.csv")])
        .current_dir(root())
        .output()
        .expect("git runs");
    assert!(
        git.status.success(),
        "{}",
        String::from_utf8_lossy(&git.stderr)
    );
    let data = git.stdout;
    std::fs::write(&old, data).unwrap();
    let out = Command::new(require_tool("Python 3", "python3"))
        .args(["scripts/audit/check_corrections.py", old.to_str().unwrap()])
        .current_dir(root())
        .output()
        .expect("python3 runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FAIL: #1 AABC-0093 acled_sub_event_type"),
        "{err}"
    );
    assert!(err.contains("FAIL: AABC-0126 exists"), "{err}");
}

#[test]
fn the_shipped_metadata_credits_the_article_and_geonames_and_records_the_infobox() {
    let meta: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    assert!(meta["release_format"].as_u64().unwrap() >= 2);
    let sources = meta["sources"].as_array().unwrap();
    let article = &sources[0];
    assert_eq!(article["authors"], json!(["Wikipedia contributors"]));
    assert_eq!(article["license"], json!("CC-BY-SA-4.0"));
    assert!(article["notice"]
        .as_str()
        .unwrap()
        .starts_with("ShareAlike"));
    assert!(sources
        .iter()
        .any(|s| s["authors"] == json!(["GeoNames"]) && s["license"] == json!("CC-BY-4.0")));
    assert!(meta["licenses"][0]["notice"]
        .as_str()
        .unwrap()
        .contains("ACLED"));
    assert_eq!(meta["coverage"]["end"], json!("2024-11-07"));
    let figures = meta["coverage"]["totals"]["figures"].as_array().unwrap();
    let find = |side: &str, category: &str| {
        figures
            .iter()
            .find(|f| f["side"] == json!(side) && f["category"] == json!(category))
            .unwrap_or_else(|| panic!("no figure {side} {category}"))
    };
    assert_eq!(find("Armenia", "servicemen killed")["total"], json!(436));
    assert_eq!(
        find("Armenia", "servicemen killed")["at_least"],
        json!(true)
    );
    assert_eq!(find("Azerbaijan", "servicemen killed")["total"], json!(283));
    assert_eq!(
        find("Either side", "non-combatants killed")["total"],
        json!(22)
    );
    assert_eq!(find("Armenia", "servicemen injured")["total"], json!(328));
    assert_eq!(
        find("Azerbaijan", "servicemen injured")["total"],
        json!(296)
    );
    assert_eq!(find("Armenia", "servicemen captured")["total"], json!(38));
    assert_eq!(find("Azerbaijan", "servicemen captured")["total"], json!(2));
    let licence = std::fs::read_to_string(root().join("dataset/LICENSE.md")).unwrap();
    assert!(
        licence.contains("GeoNames") && licence.contains("CC BY 4.0"),
        "{licence}"
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("GeoNames") && readme.contains("ACLED"),
        "README"
    );
}

/// The warnings the shipped dataset is known to give: the two counts of one carried only by
/// a soldier's name (AABC-0042 and AABC-0043, "two further Armenian soldiers were killed"
/// split by place; scripts/evidence/README.md), each at its figure and at its claim.
fn known_warnings(problems: &[Value]) -> Vec<(String, String, String)> {
    problems
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
            (s("severity"), s("rule"), s("value"))
        })
        .collect()
}

#[test]
fn the_shipped_dataset_is_valid_without_warnings() {
    // No unknown place or actor, no place or actor that nothing refers to; the only warnings
    // are the named counts of one.
    let (code, problems) = validate_json(&["--root", root().to_str().unwrap()]);
    assert_eq!(code, 0, "{problems:?}");
    let w = |rule: &str, value: &str| ("warning".to_string(), rule.to_string(), value.to_string());
    assert_eq!(
        known_warnings(&problems),
        vec![
            w("claim-evidence", "E0067"),
            w("claim-evidence", "E0069"),
            w("evidence-figure", "1"),
            w("evidence-figure", "1"),
        ],
        "{problems:?}"
    );
}

#[test]
fn the_shipped_dataset_is_canonical() {
    let out = aabc().args(["fmt", "--check"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn places_are_derived_from_the_pinned_gazetteer_and_up_to_date() {
    run(
        &geo_python(),
        &["scripts/places/derive_places.py", "--check"],
    );
}

#[test]
fn place_matching_tests_pass() {
    run(
        &geo_python(),
        &[
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "scripts/places",
        ],
    );
}

#[test]
fn actor_drafts_are_consistent_with_the_events() {
    run(
        &require_tool("Python 3", "python3"),
        &["scripts/actors/check_drafts.py"],
    );
}

/// The commit `releases.csv` records for a published version (works in a clone without tags).
fn recorded_commit(version: &str) -> String {
    std::fs::read_to_string(root().join("dataset/releases.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(&format!("{version},")))
        .and_then(|l| l.split(',').nth(2).map(str::to_owned))
        .unwrap_or_else(|| panic!("{version} in releases.csv"))
}

/// The repository's files at a published version's commit, in a temporary directory: the 2.0
/// migration is history, reproduced against the data it produced, not against today's.
fn tree_at(version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let archive = Command::new("git")
        .args(["archive", "--format=tar", &recorded_commit(version)])
        .current_dir(root())
        .output()
        .expect("git runs");
    assert!(
        archive.status.success(),
        "{}",
        String::from_utf8_lossy(&archive.stderr)
    );
    let tar = dir.path().join("tree.tar");
    std::fs::write(&tar, archive.stdout).unwrap();
    let untar = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .current_dir(dir.path())
        .status()
        .expect("tar runs");
    assert!(untar.success());
    dir
}

#[test]
fn the_2_0_events_and_actors_are_the_migration_of_the_1x_events_and_the_drafts() {
    let tree = tree_at("2.0.0");
    let python = require_tool("Python 3", "python3");
    run_in(
        tree.path(),
        &python,
        &["scripts/migrate/to_2_0.py", "--check"],
    );
}

#[test]
fn migration_tests_pass() {
    // The 2.0 migration's own tests, on the tree it was published with.
    let tree = tree_at("2.0.0");
    let args = [
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "scripts/migrate",
    ];
    run_in(tree.path(), &geo_python(), &args);
}

#[test]
fn the_shipped_dataset_is_valid() {
    let (code, problems) = validate_json(&[]);
    let errors: Vec<&Value> = problems
        .iter()
        .filter(|p| p["severity"] == "error")
        .collect();
    assert_eq!(errors, Vec::<&Value>::new());
    assert_eq!(code, 0);
}
