//! The CI workflow `aabc init` writes, run as GitHub runs it: its `run:` steps, taken from the
//! YAML, in a scaffolded repository where a pull request is a commit after a published release.
//! A pull request that keeps the version passes and names the bump the next release needs; one
//! that raises it is checked as a release. Also: `init` makes a git repository, and the job
//! summary shows the values of added rows, escaped.

use crate::common::*;
use aabc::validate::report::code_span;
use std::path::Path;

/// The steps of every job of a workflow, read by PyYAML, as JSON: `{job: [step, …]}`, with the
/// workflow's top-level `permissions` under the key `"permissions"`.
fn workflow(path: &Path) -> serde_json::Value {
    let w = yaml_json(path);
    let mut out: serde_json::Map<String, serde_json::Value> = w["jobs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["steps"].clone()))
        .collect();
    out.insert("permissions".into(), w["permissions"].clone());
    out.into()
}

/// The `run:` scripts of the workflow's `dataset` job, in order (name, script).
fn run_steps(path: &Path) -> Vec<(String, String)> {
    let w = workflow(path);
    w["dataset"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| {
            let run = s["run"].as_str()?;
            Some((
                s["name"].as_str().unwrap_or("").to_string(),
                run.to_string(),
            ))
        })
        .collect()
}

/// What the workflow's steps did in `dir`: the exit code of the first that failed (0 when none
/// did), everything they printed, and the job summary.
struct Job {
    code: i32,
    log: String,
    summary: String,
}

/// Runs the workflow's steps with bash as a pull request against `main` (`origin/main`), with
/// this build of aabc on the PATH in place of the install (which needs the network; the wheel's
/// tests run it: `wheel::`).
fn run_job(dir: &Path) -> Job {
    let steps = run_steps(&dir.join(".github/workflows/validate.yml"));
    assert!(steps
        .iter()
        .any(|(_, s)| s.contains("pip install \"$AABC_REQUIREMENT\"")));
    run_scripts(dir, &steps, |s| !s.contains("pip install"))
}

/// Runs the `steps` that `wanted` picks, as [`run_job`] does, in order, up to the first that
/// fails.
fn run_scripts(dir: &Path, steps: &[(String, String)], wanted: impl Fn(&str) -> bool) -> Job {
    let summary = tempfile::NamedTempFile::new().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_aabc")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut log = String::new();
    let mut code = 0;
    for (name, script) in steps.iter().filter(|(_, s)| wanted(s)) {
        let out = std::process::Command::new("bash")
            .args(["-e", "-c", script])
            .current_dir(dir)
            .env("PATH", &path)
            .env("GITHUB_STEP_SUMMARY", summary.path())
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("BASE", "main")
            .output()
            .unwrap();
        log.push_str(&format!(
            "== {name}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
        if !out.status.success() {
            code = out.status.code().unwrap_or(-1);
            break;
        }
    }
    let summary = std::fs::read_to_string(summary.path()).unwrap();
    Job { code, log, summary }
}

/// A row of the scaffold's events table with id `EV-NNNN` and `location`.
fn row(n: usize, location: &str) -> String {
    format!(
        "EV-{n:04},2024-05-02,2024-05-02,day,protest,ML,{location},Protesters (Mali),,0,https://example.org/{n},\n"
    )
}

fn append_rows(dir: &Path, rows: &[String]) {
    let events = dir.join("dataset/events.csv");
    let mut text = std::fs::read_to_string(&events).unwrap();
    text.extend(rows.iter().cloned());
    std::fs::write(&events, text).unwrap();
    let (code, out, err) = run(dir, &["fmt"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A scaffolded repository whose version 0.1.0 is published from one row, on `main` as
/// `origin/main` (the base of the pull requests that follow).
fn published_scaffold() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, d, _) = scaffolded(&["--aabc-git", "https://example.org/aabc.git"]);
    // `init` made the repository; a second `git init` changes nothing (and keeps the workflow's
    // tests independent of that).
    git(&d, &["init", "-q"]);
    append_rows(&d, &[row(1, "Bamako")]);
    git(&d, &["add", "-A"]);
    git(&d, &["commit", "-qm", "first rows"]);
    publish(&d);
    git(&d, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    (tmp, d)
}

/// The pull request: a commit adding `rows`, the version set to `version` when given.
fn pull_request(d: &Path, rows: &[String], version: Option<&str>) {
    append_rows(d, rows);
    if let Some(v) = version {
        set_version(d, v);
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "more rows"]);
}

/// `aabc init DIR ARGS` into a new temporary directory: it, DIR, and what init printed.
fn scaffolded(args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("events");
    let mut all = vec!["init", d.to_str().unwrap()];
    all.extend_from_slice(args);
    let (code, out, err) = run_aabc(&all);
    assert_eq!(code, 0, "{out}{err}");
    (tmp, d, out)
}

#[test]
fn init_makes_a_git_repository_and_says_so() {
    let (_tmp, d, out) = scaffolded(&[]);
    assert!(d.join(".git").is_dir());
    assert!(out.contains("initialised a git repository"), "{out}");
    // Nothing is committed: the user adds the first rows first.
    assert_eq!(git(&d, &["status", "--porcelain"]).lines().count(), 6);
}

#[test]
fn init_inside_a_work_tree_or_without_git_makes_no_repository() {
    let (_tmp, outer, _) = scaffolded(&[]);
    let inner = outer.join("sub");
    let (code, out, err) = run_aabc(&["init", inner.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!inner.join(".git").exists());
    assert!(out.contains("inside an existing git work tree"), "{out}");

    // No git on the PATH: the files are written, and the warning says what to do.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("events");
    let out = aabc()
        .args(["init", d.to_str().unwrap()])
        .env("PATH", tmp.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(d.join("dataset/dataset.json").exists() && !d.join(".git").exists());
    assert!(
        err.contains("git could not be run") && err.contains("run `git init` there"),
        "{err}"
    );
}

#[test]
fn a_pull_request_that_keeps_the_version_passes_and_names_the_bump_it_needs() {
    let (_tmp, d) = published_scaffold();
    pull_request(&d, &[row(2, "Gao")], None);
    let job = run_job(&d);
    // Shown with `--nocapture`: the simulated run and its job summary.
    println!("{}\n== job summary\n{}", job.log, job.summary);
    assert_eq!(job.code, 0, "{}", job.log);
    assert!(
        job.summary.contains("Unreleased changes")
            && job.summary.contains("required version bump: minor"),
        "{}",
        job.summary
    );
}

#[test]
fn a_pull_request_that_raises_the_version_is_checked_as_a_release() {
    let (_tmp, d) = published_scaffold();
    pull_request(&d, &[row(2, "Gao")], Some("0.2.0"));
    let job = run_job(&d);
    println!("{}\n== job summary\n{}", job.log, job.summary);
    assert_eq!(job.code, 0, "{}", job.log);
    assert!(
        job.summary.contains("ok: 0.2.0 may be released"),
        "{}",
        job.summary
    );

    // A patch bump is too small for an added row: the release check fails the job.
    let (_tmp, d) = published_scaffold();
    pull_request(&d, &[row(2, "Gao")], Some("0.1.1"));
    let job = run_job(&d);
    assert_eq!(job.code, 1, "{}", job.log);
    assert!(
        job.summary.contains("REFUSED") && job.summary.contains("need a minor bump"),
        "{}",
        job.summary
    );
}

#[test]
fn the_summary_shows_the_values_of_added_rows_escaped_and_bounded() {
    let (_tmp, d) = published_scaffold();
    let hostile = "Gao <img src=x onerror=alert(1)> `tick` **bold**";
    let mut rows = vec![row(2, &format!("\"{hostile}\""))];
    rows.extend((3..=26).map(|n| row(n, "Timbuktu")));
    pull_request(&d, &rows, None);
    let (code, s, err) = run(&d, &["diff", "origin/main", "HEAD", "--format", "markdown"]);
    assert_eq!(code, 0, "{err}");
    // The cells of an added row, each value a code span that no backtick in it can close.
    let location = code_span(&format!("\"{hostile}\""));
    assert!(
        s.contains("  - `EV-0002`: `event_id` `\"EV-0002\"`, `date_start` `\"2024-05-02\"`")
            && s.contains(&format!("`location` {location}")),
        "{s}"
    );
    // Blank cells are left out; 25 rows added, 20 shown cell by cell.
    assert!(!s.contains("`actor2`"), "{s}");
    assert!(s.contains("  - and 5 more"), "{s}");
    assert!(
        !s.contains("  - `EV-0022`:") && s.contains("  - `EV-0021`:"),
        "{s}"
    );
    // The job summary shows them so.
    let job = run_job(&d);
    assert_eq!(job.code, 0, "{}", job.log);
    assert!(job.summary.contains(&s), "{}", job.summary);
}

#[test]
fn this_repositorys_pull_requests_need_no_bump_either() {
    let dir = published_fixture();
    let d = dir.path();
    git(d, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    let events = d.join("dataset/events.csv");
    edit_rows(&events, |rows| {
        let mut added = rows.last().unwrap().clone();
        added[0] = "AABC-9001".into();
        rows.push(added);
    });
    let (code, out, err) = run(d, &["fmt"]);
    assert_eq!(code, 0, "{out}{err}");
    git(d, &["commit", "-qam", "pull request"]);
    // The workflow calls the release build; here it is the binary under test.
    std::fs::create_dir_all(d.join("target/release")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_aabc"), d.join("target/release/aabc")).unwrap();
    let steps = run_steps(&root().join(".github/workflows/validate.yml"));
    let version_and_summary = |s: &str| s.contains("release --check") && !s.contains("cargo build");
    let job = run_scripts(d, &steps, version_and_summary);
    assert_eq!(job.code, 0, "{}", job.log);
    assert!(
        job.summary.contains("### Changes from 1\\.0\\.0")
            && job.summary.contains("required version bump: minor"),
        "{}",
        job.summary
    );
    // Raised too little, it is checked as a release and fails.
    set_version(d, "1.0.1");
    git(d, &["commit", "-qam", "bump"]);
    let job = run_scripts(d, &steps, version_and_summary);
    assert_eq!(job.code, 1, "{}", job.log);
    assert!(job.log.contains("need a minor bump"), "{}", job.log);
}

#[test]
fn the_workflows_read_only_and_pin_one_rust_release() {
    let (_tmp, d, _) = scaffolded(&[]);
    let scaffold = d.join(".github/workflows/validate.yml");
    let ours = root().join(".github/workflows");
    for path in [scaffold.clone(), ours.join("validate.yml")] {
        let w = workflow(&path);
        assert_eq!(
            w["permissions"],
            serde_json::json!({"contents": "read"}),
            "{}",
            path.display()
        );
    }
    let mut pins = 0;
    for path in [
        scaffold,
        ours.join("validate.yml"),
        ours.join("release.yml"),
    ] {
        let w = workflow(&path);
        let steps = w.as_object().unwrap().values().filter_map(|s| s.as_array());
        for step in steps.flatten() {
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("dtolnay/rust-toolchain"))
            {
                let pin = step["with"]["toolchain"].as_str();
                assert_eq!(
                    pin,
                    Some(aabc::scaffold::RUST_TOOLCHAIN),
                    "{}",
                    path.display()
                );
                pins += 1;
            }
        }
    }
    // This repository's workflows build aabc; the scaffold's installs the wheel, without Rust.
    assert_eq!(pins, 3);
    let text = std::fs::read_to_string(d.join(".github/workflows/validate.yml")).unwrap();
    let pin = format!("AABC_REQUIREMENT: \"aabc=={}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&pin), "{text}");
    assert!(
        text.contains("cache: pip") && !text.contains("cargo") && !text.contains("rust-toolchain"),
        "{text}"
    );
}

#[test]
fn a_fork_named_at_init_is_built_from_its_tag_of_this_release() {
    let (_tmp, d, _) = scaffolded(&["--aabc-git", "https://example.org/aabc.git"]);
    let text = std::fs::read_to_string(d.join(".github/workflows/validate.yml")).unwrap();
    let pin = format!(
        "AABC_REQUIREMENT: \"aabc @ git+https://example.org/aabc.git@aabc-v{}\"",
        env!("CARGO_PKG_VERSION")
    );
    assert!(text.contains(&pin), "{text}");
}
