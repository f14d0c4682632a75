//! A closed pipe ends every command quietly (exit 0, no panic), except that a finding still
//! exits 1.

use crate::common::*;
use std::process::Stdio;

/// Runs aabc with its stdout pipe closed before it writes; returns exit code and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aabc"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_quiet_on_closed_pipe(args: &[&str]) {
    let (code, err) = with_closed_stdout(args);
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert_eq!(code, Some(0), "{args:?}: {err}");
}

#[test]
fn codebook_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["codebook"]);
}

#[test]
fn cite_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["cite"]);
}

#[test]
fn diff_into_a_closed_pipe_ends_quietly() {
    let (dist, name) = shipped_bundle();
    let b = dist.path().join(name);
    assert_quiet_on_closed_pipe(&["diff", "HEAD", b.to_str().unwrap()]);
}

#[test]
fn release_check_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["release", "--check"]);
}

#[test]
fn release_into_a_closed_pipe_ends_quietly() {
    let dist = tempfile::tempdir().unwrap();
    assert_quiet_on_closed_pipe(&["release", "--out", dist.path().to_str().unwrap()]);
}

#[test]
fn verify_rebuild_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["verify", "--rebuild", "1.1.0"]);
}

#[test]
fn validate_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["validate"]);
}

// A report into a closed pipe keeps its exit code: `aabc validate | head -1` in CI must not
// turn invalid data into a pass.
#[test]
fn a_finding_into_a_closed_pipe_still_exits_1() {
    for args in [
        vec![
            "validate",
            "--schema",
            SCHEMA,
            "tests/fixtures/vocabulary.csv",
        ],
        vec![
            "validate",
            "--format",
            "github",
            "--schema",
            SCHEMA,
            "tests/fixtures/vocabulary.csv",
        ],
        vec!["diff", "--exit-code", "1.0.0", "1.1.0"],
    ] {
        let (code, err) = with_closed_stdout(&args);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code, Some(1), "{args:?}: {err}");
    }
}

#[test]
fn export_into_a_closed_pipe_ends_quietly() {
    // What `--out /dev/stdout` is, without touching the real /dev: a link to the process's fd 1.
    let dir = tempfile::tempdir().unwrap();
    let stdout = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &stdout).unwrap();
    for format in ["csv", "json", "jsonl", "parquet"] {
        assert_quiet_on_closed_pipe(&[
            "export",
            "--format",
            format,
            "--out",
            stdout.to_str().unwrap(),
        ]);
        assert!(std::fs::symlink_metadata(&stdout)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

#[test]
fn synth_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["synth", "--rows", "1000"]);
}

#[test]
fn verify_into_a_closed_pipe_ends_quietly() {
    let (dist, name) = shipped_bundle();
    let zip = dist.path().join(format!("{name}.zip"));
    assert_quiet_on_closed_pipe(&["verify", zip.to_str().unwrap()]);
}

#[test]
fn fmt_check_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("events.csv");
    let canonical = std::fs::read_to_string(root().join("tests/fixtures/valid.csv")).unwrap();
    std::fs::write(&f, canonical.replace('\n', "\r\n")).unwrap();
    // Not canonical: exit 1 whether or not anyone reads the report, and no error message.
    let (code, err) =
        with_closed_stdout(&["fmt", "--check", "--schema", SCHEMA, f.to_str().unwrap()]);
    assert_eq!((code, err.as_str()), (Some(1), ""));
}
