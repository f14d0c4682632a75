//! `aabc fmt`: canonical form, `--check`, and refusal to touch files it cannot fix safely.

use crate::common::*;

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
fn check_names_the_file_and_line_then_fmt_rewrites_it() {
    let dir = fixture_copy("dataset_refs");
    let root_arg = dir.path().to_str().unwrap();
    let events = dir.path().join("dataset/events.csv");
    let canonical = std::fs::read_to_string(&events).unwrap();
    // Swap the two data rows, pad a cell and use CRLF line ends (between records: a line end
    // inside a cell is kept as it is).
    let mut lines: Vec<&str> = canonical.split_inclusive('\n').collect();
    let first = lines.remove(1);
    lines.push(first);
    let messy = lines
        .concat()
        .replace("am-lake-sev", " am-lake-sev ")
        .replace('\n', "\r\n")
        .replace("that\r\nspans", "that\nspans");
    std::fs::write(&events, &messy).unwrap();

    let out = aabc()
        .args(["fmt", "--check", "--root", root_arg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let shown = format!(
        "{}: not canonical (first difference at line 1)",
        events.display()
    );
    assert!(text.contains(&shown), "{text}");
    // --check changes nothing.
    assert_eq!(std::fs::read_to_string(&events).unwrap(), messy);

    let out = aabc().args(["fmt", "--root", root_arg]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&events).unwrap(), canonical);
    let out = aabc()
        .args(["fmt", "--check", "--root", root_arg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// Copies a fixture file into a temporary directory and runs `aabc fmt --schema` on the copy.
fn fmt_copy_of(fixture: &str) -> (tempfile::TempDir, std::path::PathBuf, i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    std::fs::copy(root().join("tests/fixtures").join(fixture), &file).unwrap();
    let (code, _, err) = run_aabc(&[
        "fmt",
        "--schema",
        "tests/fixtures/events.1.schema.json",
        file.to_str().unwrap(),
    ]);
    (dir, file, code, err)
}

#[test]
fn a_file_with_a_missing_column_is_refused_and_left_untouched() {
    let original = std::fs::read(root().join("tests/fixtures/header_missing.csv")).unwrap();
    let (_dir, file, code, err) = fmt_copy_of("header_missing.csv");
    // The data is wrong, not the tool: exit 1.
    assert_eq!(code, 1);
    assert!(err.contains("column \"location\" is missing"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), original);
}

#[test]
fn fmt_of_one_file_against_a_schema() {
    let (_dir, file, code, _) = fmt_copy_of("unsorted.csv");
    assert_eq!(code, 0);
    let sorted = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        sorted,
        std::fs::read_to_string(root().join("tests/fixtures/valid.csv")).unwrap()
    );
}
