//! Helpers shared by the integration tests: run the real binary, parse its JSON report.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn aabc() -> Command {
    let mut c = Command::cargo_bin("aabc").unwrap();
    c.current_dir(root());
    c
}

/// One problem of `--format json`, reduced to what the tests assert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub line: u64,
    pub column: u64,
    pub rule: String,
    pub field: Option<String>,
}

pub fn seen(line: u64, column: u64, rule: &str, field: Option<&str>) -> Seen {
    Seen {
        line,
        column,
        rule: rule.to_string(),
        field: field.map(str::to_string),
    }
}

/// Runs `aabc validate --format json` with extra args; returns exit code and problems.
pub fn validate_json(args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out = aabc()
        .arg("validate")
        .arg("--format")
        .arg("json")
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let problems = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (out.status.code().unwrap(), problems)
}

pub fn reduce(problems: &[serde_json::Value]) -> Vec<Seen> {
    problems
        .iter()
        .map(|p| Seen {
            line: p["line"].as_u64().unwrap(),
            column: p["column"].as_u64().unwrap(),
            rule: p["rule"].as_str().unwrap().to_string(),
            field: p["field"].as_str().map(str::to_string),
        })
        .collect()
}

/// Copies a directory tree (for tests that change files).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A writable copy of a fixture dataset root (tests/fixtures/NAME), with a copy of the
/// repository's schemas beside it (paths in the metadata must stay inside the root).
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures").join(name), dir.path());
    copy_tree(&root().join("schema"), &dir.path().join("schema"));
    dir
}

/// The dataset_refs fixture with its unknown source reference removed: valid, with one warning
/// (an unused source).
pub fn valid_fixture_copy() -> tempfile::TempDir {
    let dir = fixture_copy("dataset_refs");
    let events = dir.path().join("dataset/events.csv");
    let text = std::fs::read_to_string(&events)
        .unwrap()
        .replace("S004;S404", "S004");
    std::fs::write(&events, text).unwrap();
    dir
}

/// Runs git in `dir` with a fixed identity; panics on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A git repository holding a copy of the shipped dataset, schemas and changelog, with an
/// empty release record, committed once.
pub fn git_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("dataset"), &dir.path().join("dataset"));
    copy_tree(&root().join("schema"), &dir.path().join("schema"));
    std::fs::copy(root().join("CHANGELOG.md"), dir.path().join("CHANGELOG.md")).unwrap();
    std::fs::write(
        dir.path().join("dataset/releases.csv"),
        "version,date,commit,zip_sha256,rows\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("dataset/retired.csv"),
        "event_id,retired_in,reason\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".gitignore"), "/dist\n").unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "data"]);
    dir
}

/// Sets the dataset version in a fixture and adds a dated changelog section for it.
pub fn set_version(dir: &Path, version: &str) {
    let meta = dir.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["version"] = serde_json::json!(version);
    std::fs::write(&meta, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
    let log = dir.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&log).unwrap();
    // Before the newest dated section (below Unreleased).
    let at = text
        .match_indices("\n## [")
        .map(|(i, _)| i + 1)
        .find(|&i| !text[i..].starts_with("## [Unreleased]"))
        .unwrap_or(text.len());
    let entry =
        format!("## [{version}] - 2026-11-25\n\n### Changed\n- Test release {version}.\n\n");
    std::fs::write(&log, format!("{}{entry}{}", &text[..at], &text[at..])).unwrap();
}

/// Runs `aabc` with `args` from the repository root: exit code, stdout, stderr.
pub fn run_aabc(args: &[&str]) -> (i32, String, String) {
    let out = aabc().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `aabc` and asserts it succeeded; returns stdout and stderr.
pub fn aabc_ok(args: &[&str]) -> (String, String) {
    let (code, out, err) = run_aabc(args);
    assert_eq!(code, 0, "aabc {args:?} failed:\n{out}{err}");
    (out, err)
}

/// `aabc export --schema tests/fixtures/events.1.schema.json FILE` plus `args` (the fixtures keep
/// the 1.x column layout).
pub fn export_csv(file: &Path, args: &[&str]) -> (i32, String, String) {
    export_with("tests/fixtures/events.1.schema.json", file, args)
}

/// `aabc export --schema SCHEMA FILE` plus `args`.
pub fn export_with(schema: &str, file: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--schema", schema, file.to_str().unwrap()]);
    run_aabc(&all)
}

/// Runs `aabc ARGS --root DIR`: exit code, stdout, stderr.
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = args.to_vec();
    all.extend(["--root", dir.to_str().unwrap()]);
    run_aabc(&all)
}

/// Publishes the fixture's current version (`release --publish`) and commits the record;
/// returns what the command printed.
pub fn publish(dir: &Path) -> String {
    let (code, out, err) = run(dir, &["release", "--publish"]);
    assert_eq!(code, 0, "{out}{err}");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "record release"]);
    out
}

/// A git fixture whose version 1.0.0 is published and recorded.
pub fn published_fixture() -> tempfile::TempDir {
    let dir = git_fixture();
    let d = dir.path();
    set_version(d, "1.0.0");
    git(d, &["commit", "-qam", "1.0.0"]);
    publish(d);
    dir
}

/// Copies the repository's data, schemas and changelog into `d` (no git history).
pub fn repo_copy(d: &Path) {
    copy_tree(&root().join("dataset"), &d.join("dataset"));
    copy_tree(&root().join("schema"), &d.join("schema"));
    std::fs::copy(root().join("CHANGELOG.md"), d.join("CHANGELOG.md")).unwrap();
}
