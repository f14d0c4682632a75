//! `aabc fmt`: canonical form, `--check`, and refusal to touch a file it cannot read as meant
//! (an open quote, a missing column, an empty file); it never loses a record or a cell's bytes.

mod concurrent;

use crate::common::*;
use crate::workdir::Workdir;
use std::path::Path;

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
fn check_names_the_file_and_line_then_fmt_rewrites_it() {
    let w = Workdir::fixture("dataset_refs");
    let canonical = w.read("dataset/events.csv");
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
    w.create("dataset/events.csv", &messy);

    let (code, text, _) = w.output(&["fmt", "--check"]);
    assert_eq!(code, 1);
    assert!(
        text.contains("dataset/events.csv: not canonical: white space (1), line ends ("),
        "{text}"
    );
    assert!(
        text.contains(", row order (1); run `aabc fmt` to rewrite it"),
        "{text}"
    );
    assert!(
        text.contains("  line 1: line ends: the line ends with CRLF; canonical: LF\n"),
        "{text}"
    );
    // --check changes nothing.
    assert_eq!(w.read("dataset/events.csv"), messy);

    w.stdout(&["fmt"]);
    assert_eq!(w.read("dataset/events.csv"), canonical);
    w.stdout(&["fmt", "--check"]);
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

// fmt used to swallow the row after a note whose quote is left open.
#[test]
fn fmt_refuses_an_open_quote_and_leaves_the_file_unchanged() {
    let (_dir, file) = fixture_file_copy("unclosed_quote.csv");
    let before = std::fs::read(&file).unwrap();
    let (code, out, err) = fmt_file(&file);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("events.csv:3:241: a quoted cell is opened here and never closed"),
        "{err}"
    );
    assert!(err.contains("[csv/quote]"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // --check refuses the same way.
    let (code, _, err) = run_aabc(&["fmt", "--check", "--schema", SCHEMA, file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains(":3:241:"), "{err}");
    // And validate still names it, without a `trimmed` hint that says to run fmt.
    let (code, found, _) = check_messages(file.to_str().unwrap());
    assert_eq!((code, found), (1, vec![seen(3, 241, "csv/quote", None)]));
}

#[test]
fn fmt_keeps_every_record_and_every_cell() {
    // Quotes doubled, commas, a multi-line note, rows out of order, a padded cell.
    let (_dir, file) = fixture_file_copy("valid.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first = lines.remove(1);
    lines.push(first);
    let messy = lines.concat().replace(
        "Troops crossed into Syunik.",
        "\"Troops \"\"crossed\"\", into\"\" Syunik.\"",
    );
    std::fs::write(&file, &messy).unwrap();
    let cells = |path: &Path| -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .unwrap();
        let mut rows: Vec<Vec<String>> = r
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        rows.sort();
        rows
    };
    let before = cells(&file);
    let (code, out, err) = fmt_file(&file);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(cells(&file), before);
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("\"Troops \"\"crossed\"\", into\"\" Syunik.\""));
}

// An empty file (or one of line ends only) has no header: fmt refuses it instead of writing
// a header over it.
#[test]
fn fmt_refuses_an_empty_file_and_writes_nothing() {
    for text in ["", "\n", "\r\n", "\r", "\n\n\n"] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("events.csv");
        std::fs::write(&file, text).unwrap();
        let (code, _, err) = fmt_file(&file);
        assert_eq!(code, 1, "{text:?}: {err}");
        assert!(err.contains("the file is empty"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
}

// `\r\n` or a lone `\r` inside a quoted cell used to become `\n` after fmt.
#[test]
fn fmt_keeps_the_line_ends_inside_a_cell() {
    let (_dir, file) = fixture_file_copy("valid.csv");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("A note that\nspans", "A note that\r\nspans")
        .replace(
            "Troops crossed into Syunik.",
            "\"Troops crossed\rinto Syunik.\"",
        );
    std::fs::write(&file, &text).unwrap();
    let (code, out, err) = fmt_file(&file);
    assert_eq!(code, 0, "{out}{err}");
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("\"A note that\r\nspans two lines.\""),
        "{after:?}"
    );
    assert!(
        after.contains("\"Troops crossed\rinto Syunik.\""),
        "{after:?}"
    );
    // Idempotent.
    let (code, _, _) = run_aabc(&["fmt", "--check", "--schema", SCHEMA, file.to_str().unwrap()]);
    assert_eq!(code, 0);
}
