//! The audit corrections of issue 9 (items 10 and 11, listed in `scripts/audit/corrections.md`)
//! stay in the data: `scripts/audit/check_corrections.py` checks each of them on
//! `dataset/events.csv`, reading only columns that the 1.x and 2.0 layouts share.

use crate::common::*;
use std::process::Command;

#[test]
fn audit_corrections_hold_in_the_events() {
    let out = Command::new("python3")
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
    let commit = std::fs::read_to_string(root().join("dataset/releases.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("1.0.0,"))
        .and_then(|l| l.split(',').nth(2).map(str::to_owned))
        .expect("1.0.0 in releases.csv");
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
    let out = Command::new("python3")
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
