//! `aabc fmt` and another program writing the same file: a write made after fmt read the file
//! is kept, and the rewrite is refused (exit 2), never silently dropped. The race is made
//! deterministic by writing between the two library steps fmt runs, [`Snapshot::read`] and
//! [`replace_unchanged`]. Also: fmt prints file names escaped.

use crate::common::*;
use aabc::table::atomic::{replace_unchanged, Snapshot};
use std::io::Write;
use std::path::{Path, PathBuf};

const READ: &str = "id,value\n2,b\n1,a\n";
const REWRITE: &str = "id,value\n1,a\n2,b\n";

/// Names left in `dir` other than `keep` (temporaries would show here).
fn others(dir: &Path, keep: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != keep)
        .collect()
}

/// A file holding [`READ`] in a new directory, read as fmt reads it.
fn read_by_fmt() -> (tempfile::TempDir, PathBuf, Snapshot) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.csv");
    std::fs::write(&path, READ).unwrap();
    let (bytes, snapshot) = Snapshot::read(&path).unwrap();
    assert_eq!(bytes, READ.as_bytes());
    (dir, path, snapshot)
}

#[test]
fn a_row_appended_after_the_read_is_kept_and_the_rewrite_refused() {
    let (dir, path, snapshot) = read_by_fmt();
    // Another program appends a row while fmt works on what it read.
    let mut other = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    other.write_all(b"3,c\n").unwrap();
    drop(other);

    let err = replace_unchanged(&path, &snapshot, REWRITE.as_bytes(), "fmt").unwrap_err();
    // An I/O error: exit 2, the tool could not do its job (not a finding about the data).
    assert!(matches!(err, aabc::Error::Io { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("changed while it was being rewritten"),
        "{err}"
    );
    let kept = std::fs::read_to_string(&path).unwrap();
    assert_eq!(kept, format!("{READ}3,c\n"));
    assert!(others(dir.path(), "events.csv").is_empty());
}

#[test]
fn a_write_of_the_same_bytes_after_the_read_is_seen_by_its_time() {
    let (_dir, path, snapshot) = read_by_fmt();
    // Same bytes, written again later: what fmt computed may come from bytes in between.
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    file.set_modified(later).unwrap();
    drop(file);
    assert!(!snapshot.unchanged(&path).unwrap());
    assert!(replace_unchanged(&path, &snapshot, REWRITE.as_bytes(), "fmt").is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), READ);
}

#[test]
fn an_unchanged_file_is_replaced() {
    let (dir, path, snapshot) = read_by_fmt();
    assert!(snapshot.unchanged(&path).unwrap());
    replace_unchanged(&path, &snapshot, REWRITE.as_bytes(), "fmt").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), REWRITE);
    assert!(others(dir.path(), "events.csv").is_empty());
}

/// A file name that would turn a terminal red, were it printed raw.
const RED: &str = "\u{1b}[31mevents.csv";

#[test]
fn fmt_prints_a_file_name_with_a_terminal_escape_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(RED);
    // Not canonical: the header ends with CRLF.
    let shipped = std::fs::read_to_string(root().join("dataset/events.csv")).unwrap();
    std::fs::write(&path, shipped.replacen('\n', "\r\n", 1)).unwrap();
    let schema = root().join("schema/events.schema.json");
    for (args, code, says) in [
        (&["fmt", "--check"][..], 1, "not canonical"),
        (&["fmt"][..], 0, "rewritten in canonical form"),
        (&["fmt"][..], 0, "already canonical"),
    ] {
        let out = aabc()
            .args(args)
            .arg("--schema")
            .arg(&schema)
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(code), "{stdout}");
        assert!(stdout.contains("\\u{1b}[31mevents.csv: "), "{stdout:?}");
        assert!(stdout.contains(says), "{stdout:?}");
        assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    }
}
