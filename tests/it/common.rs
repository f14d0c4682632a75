//! Helpers shared by the integration tests: run the real binary, parse its JSON report, copy
//! fixture datasets and git repositories to change, and find the outside tools a test needs
//! (`require_tool`). `Workdir` (in `workdir`) builds on them.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The setup command that installs every outside tool the tests use.
pub const SETUP: &str = "bash tests/interop/setup.sh";

/// The path of an outside tool a test needs: relative to the repository root (the virtualenvs
/// `tests/interop/setup.sh` makes, `tests/browser/node_modules`), absolute, or a bare command
/// name looked up on the PATH. A missing tool fails the test with the setup command to run, so
/// that no test passes without checking what it says it checks; `bash .ci/run` installs them all
/// and runs the tests.
pub fn require_tool(what: &str, tool: &str) -> PathBuf {
    let found = if tool.contains('/') {
        Some(root().join(tool)).filter(|p| p.exists())
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(tool))
                .find(|p| p.is_file())
        })
    };
    match found {
        Some(path) => {
            println!("with {what}: {}", path.display());
            path
        }
        None => panic!(
            "{what} ({tool}) is missing: run `{SETUP}` once, or `bash .ci/run`, which installs \
             what the tests need and runs them"
        ),
    }
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
    git_fixture_in(dir.path());
    dir
}

/// Makes `d` the repository of `git_fixture`.
pub fn git_fixture_in(d: &Path) {
    repo_copy(d);
    std::fs::write(
        d.join("dataset/releases.csv"),
        "version,date,commit,zip_sha256,rows\n",
    )
    .unwrap();
    std::fs::write(
        d.join("dataset/retired.csv"),
        "event_id,retired_in,reason\n",
    )
    .unwrap();
    std::fs::write(d.join(".gitignore"), "/dist\n").unwrap();
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "data"]);
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

/// A CSV file as its header and rows of strings.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// `aabc site --root ROOT --out OUT`.
pub fn build_site(root: &Path, out: &Path) {
    let (code, said, err) = run(root, &["site", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{said}{err}");
}

/// Metadata of release format 2 with every citation field, a team and a person as creators,
/// and one ShareAlike source.
pub fn complete(v: &mut Value) {
    v["release_format"] = json!(2);
    v["publisher"] = json!("Example publisher");
    v["homepage"] = json!("https://example.org/aabc");
    v["doi"] = json!("10.5281/zenodo.1234567");
    v["creators"] = json!([
        {"name": "Example maintainers"},
        {"name": "Ada Lovelace", "given_names": "Ada", "family_names": "Lovelace",
         "affiliation": "Example Institute", "orcid": "0000-0002-1825-0097"}
    ]);
    // The shipped source's pinned text stays, so that the evidence still has its document.
    let pinned = v["sources"][0].clone();
    v["sources"] = json!([{
        "name": pinned["name"],
        "text": pinned["text"],
        "title": "Source article",
        "container": "Wikipedia",
        "path": "https://en.wikipedia.org/wiki/Source_(2021%E2%80%93present)",
        "authors": ["Wikipedia contributors"],
        "type": "encyclopedia",
        "used_for": "the facts",
        "license": "CC-BY-SA-4.0",
        "license_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "notice": "ShareAlike: share adaptations under the same licence."
    }]);
}

/// The shipped dataset's bundle name (`NAME-VERSION` of its metadata).
pub fn bundle_name() -> String {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    format!(
        "{}-{}",
        meta["name"].as_str().unwrap(),
        meta["version"].as_str().unwrap()
    )
}

/// `aabc release --out DIST` from the repository root.
pub fn release_into(dist: &Path) -> std::process::Output {
    aabc()
        .args(["release", "--out", dist.to_str().unwrap()])
        .output()
        .unwrap()
}

// Release format 2: link tables with roles, convenience columns, GeoJSON, category sets.
// Built on tests/fixtures/geo, a small dataset in the 2.0 layout: four events
// (one naming no place, one naming a place without coordinates), places, actors, sources.

/// A writable copy of the geo fixture.
pub fn geo_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/geo"), dir.path());
    dir
}

/// Releases the geo fixture; returns the bundle directory.
pub fn geo_bundle_dir(d: &Path) -> PathBuf {
    let (code, out, err) = run(d, &["release", "--out", d.join("dist").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    d.join("dist/geo-fixture-2.0.0")
}

/// A text file's contents; the panic names the file.
pub fn read_text(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The objects of a JSON Lines file.
pub fn jsonl(p: &Path) -> Vec<serde_json::Value> {
    read_text(p)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The Arrow schema and key-value metadata of a Parquet file.
pub fn parquet_meta(p: &Path) -> (arrow::datatypes::SchemaRef, Vec<(String, String)>) {
    let file = std::fs::File::open(p).unwrap();
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let kv = b
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value.unwrap_or_default()))
        .collect();
    (b.schema().clone(), kv)
}

/// `aabc validate --schema SCHEMA FILE`: exit code and (line, column, rule, field) of each
/// problem, plus the messages.
pub fn check_messages(path: &str) -> (i32, Vec<Seen>, Vec<String>) {
    let (code, problems) = validate_json(&["--schema", SCHEMA, path]);
    let messages = problems
        .iter()
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect();
    (code, reduce(&problems), messages)
}

/// The path of a fixture file, relative to the repository root.
pub fn fixture_path(name: &str) -> String {
    format!("tests/fixtures/{name}")
}

/// A copy of a fixture in a temporary directory.
pub fn fixture_file_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    std::fs::copy(root().join("tests/fixtures").join(name), &file).unwrap();
    (dir, file)
}

/// `aabc fmt --schema SCHEMA FILE`: exit code, stdout, stderr.
pub fn fmt_file(file: &Path) -> (i32, String, String) {
    run_aabc(&["fmt", "--schema", SCHEMA, file.to_str().unwrap()])
}

/// A release bundle of the shipped dataset, built once: (dist dir, bundle name).
pub fn shipped_bundle() -> &'static (tempfile::TempDir, String) {
    static BUNDLE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let dist = tempfile::tempdir().unwrap();
        aabc_ok(&["release", "--out", dist.path().to_str().unwrap()]);
        let zip = std::fs::read_dir(dist.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".zip"))
            .unwrap();
        let name = zip.trim_end_matches(".zip").to_string();
        (dist, name)
    })
}

/// `aabc verify PATH`: exit code, stdout, stderr.
pub fn verify_path(path: &Path) -> (i32, String, String) {
    run_aabc(&["verify", path.to_str().unwrap()])
}

/// Writes a schema and a CSV into a temporary directory.
pub fn table(schema: serde_json::Value, csv: &str) -> (tempfile::TempDir, String, String) {
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

/// Rewrites a text file through `f`.
pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// Rewrites `dataset/dataset.json` of a dataset root through `f`.
pub fn edit_meta(dir: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let p = dir.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
}

/// `aabc synth` of `rows` rows with `seed` and problem rate `rate` into `dir/name`: the file and
/// what the command printed.
pub fn synth(
    dir: &Path,
    name: &str,
    rows: u64,
    seed: u64,
    rate: &str,
) -> (std::path::PathBuf, String) {
    let out = dir.join(name);
    let (rows, seed) = (rows.to_string(), seed.to_string());
    let args = [
        "synth",
        "--rows",
        &rows,
        "--seed",
        &seed,
        "--invalid-rate",
        rate,
        "--out",
        out.to_str().unwrap(),
    ];
    let (_, said) = aabc_ok(&args);
    (out, said)
}

/// The fixtures keep the 1.x column layout: they test the validator, not the dataset's columns.
pub const SCHEMA: &str = "tests/fixtures/events.1.schema.json";

/// Rewrites `dataset/events.csv` of a dataset root through `f`.
pub fn edit_events(dir: &Path, f: impl FnOnce(String) -> String) {
    let p = dir.join("dataset/events.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(text)).unwrap();
}

/// Adds a copy of the last row under a new id (2026-01-01 sorts last), with copies of that
/// row's quotes under new evidence ids, so that the evidence checks of release format 5 still
/// pass.
pub fn add_event(dir: &Path, id: &str) {
    let mut copied = String::new();
    edit_events(dir, |text| {
        let last = text.lines().last().unwrap().to_string();
        let fields: Vec<&str> = last.splitn(2, ',').collect();
        copied = fields[0].to_string();
        format!("{text}{id},{}\n", fields[1])
    });
    edit_rows(&dir.join("dataset/evidence.csv"), |rows| {
        let last = last_evidence_number(rows);
        let copies: Vec<Vec<String>> = rows.iter().filter(|r| r[1] == copied).cloned().collect();
        for (n, mut r) in copies.into_iter().enumerate() {
            r[0] = format!("E{:04}", last + 1 + n as u32);
            r[1] = id.to_string();
            rows.push(r);
        }
    });
}

/// The highest number of an evidence id (`E0216` → 216) in `rows`, 0 without any.
pub fn last_evidence_number(rows: &[Vec<String>]) -> u32 {
    let numbers = rows
        .iter()
        .filter_map(|r| r[0].get(1..)?.parse::<u32>().ok());
    numbers.max().unwrap_or(0)
}

/// Removes the event `id`, with its quotes and claims.
pub fn remove_event(dir: &Path, id: &str) {
    edit_events(dir, |text| {
        text.lines()
            .filter(|l| !l.starts_with(&format!("{id},")))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    for table in ["evidence", "claims"] {
        edit_rows(&dir.join(format!("dataset/{table}.csv")), |rows| {
            rows.retain(|r| r[1] != id)
        });
    }
}

/// Rewrites the rows of a CSV file (header kept) through `f`.
pub fn edit_rows(path: &Path, f: impl FnOnce(&mut Vec<Vec<String>>)) {
    let (header, mut rows) = read_csv(path);
    f(&mut rows);
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&header).unwrap();
    for row in &rows {
        w.write_record(row).unwrap();
    }
    w.flush().unwrap();
}

/// The problems that are not warnings: the shipped dataset has warnings of its own (pinned in
/// `dataset::`) that a fixture built from it keeps.
pub fn errors(problems: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    problems
        .iter()
        .filter(|p| p["severity"] != "warning")
        .collect()
}

/// A YAML file (a workflow, an action, a pre-commit configuration) read by the pinned PyYAML
/// (`.venv-ci`), as JSON.
pub fn yaml_json(path: &Path) -> Value {
    let python = require_tool("PyYAML", ".venv-ci/bin/python");
    let code = "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
    let out = std::process::Command::new(python)
        .args(["-c", code])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}
