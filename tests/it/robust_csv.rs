//! Issue 8, strict CSV reading: structure faults are found and located exactly (LF, CRLF and
//! CR files), `validate` exits 1 for them with no finding computed from a partial read, `fmt`
//! refuses a file it cannot read as meant and never loses a record or a cell's bytes, and every
//! other reader of tables (diff, export) goes through the same strict reader.

use crate::common::*;
use std::path::{Path, PathBuf};

/// The fixtures keep the 1.x column layout: they test the validator, not the dataset's columns.
const SCHEMA: &str = "tests/fixtures/events.1.schema.json";

/// `aabc validate --schema SCHEMA FILE`: exit code and (line, column, rule, field) of each
/// problem, plus the messages.
fn check(path: &str) -> (i32, Vec<Seen>, Vec<String>) {
    let (code, problems) = validate_json(&["--schema", SCHEMA, path]);
    let messages = problems
        .iter()
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect();
    (code, reduce(&problems), messages)
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/{name}")
}

/// A copy of a fixture in a temporary directory.
fn copy_of(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    std::fs::copy(root().join("tests/fixtures").join(name), &file).unwrap();
    (dir, file)
}

/// `aabc fmt --schema SCHEMA FILE`: exit code, stdout, stderr.
fn fmt(file: &Path) -> (i32, String, String) {
    run_aabc(&["fmt", "--schema", SCHEMA, file.to_str().unwrap()])
}

// Item 1: fmt swallowed the row after a note whose quote is left open.
#[test]
fn fmt_refuses_an_open_quote_and_leaves_the_file_unchanged() {
    let (_dir, file) = copy_of("unclosed_quote.csv");
    let before = std::fs::read(&file).unwrap();
    let (code, out, err) = fmt(&file);
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
    let (code, found, _) = check(file.to_str().unwrap());
    assert_eq!((code, found), (1, vec![seen(3, 241, "csv/quote", None)]));
}

#[test]
fn fmt_keeps_every_record_and_every_cell() {
    // Quotes doubled, commas, a multi-line note, rows out of order, a padded cell.
    let (_dir, file) = copy_of("valid.csv");
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
    let (code, out, err) = fmt(&file);
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
        let (code, _, err) = fmt(&file);
        assert_eq!(code, 1, "{text:?}: {err}");
        assert!(err.contains("the file is empty"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
}

// A stray quote at the start of a cell makes the cell quoted up to the next quote, where the
// fault shows: the message names the opening quote too, so the one really at fault is found.
#[test]
fn a_stray_opening_quote_is_named_with_the_fault_it_causes() {
    let (code, found, messages) = check(&fixture("stray_opening_quote.csv"));
    assert_eq!((code, found), (1, vec![seen(2, 176, "csv/quote", None)]));
    assert!(
        messages[0].contains("(line 2, column 39) is stray"),
        "{messages:?}"
    );
}

// Item 2: an undoubled quote inside a quoted cell passed validate, and fmt moved it.
#[test]
fn an_undoubled_quote_in_a_quoted_cell_is_a_located_fault() {
    let (code, found, messages) = check(&fixture("undoubled_quote.csv"));
    assert_eq!((code, found), (1, vec![seen(2, 278, "csv/quote", None)]));
    assert_eq!(
        messages,
        ["a double quote inside a quoted cell is not doubled, or the quote that opened the cell (line 2, column 241) is stray"]
    );
    let (_dir, file) = copy_of("undoubled_quote.csv");
    let before = std::fs::read(&file).unwrap();
    let (code, _, err) = fmt(&file);
    assert_eq!(code, 1);
    assert!(err.contains("events.csv:2:278: a double quote"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn a_quote_inside_an_unquoted_cell_is_a_located_fault() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    let text = std::fs::read_to_string(fixture("valid.csv"))
        .unwrap()
        .replace("Lake Sev,", "Lake \"Sev\",");
    std::fs::write(&file, text).unwrap();
    let (code, found, _) = check(file.to_str().unwrap());
    assert_eq!(
        (code, found),
        (
            1,
            vec![
                seen(2, 130, "csv/quote", None),
                seen(2, 134, "csv/quote", None)
            ]
        )
    );
}

// Item 4: `\r\n` or a lone `\r` inside a quoted cell became `\n` after fmt.
#[test]
fn fmt_keeps_the_line_ends_inside_a_cell() {
    let (_dir, file) = copy_of("valid.csv");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("A note that\nspans", "A note that\r\nspans")
        .replace(
            "Troops crossed into Syunik.",
            "\"Troops crossed\rinto Syunik.\"",
        );
    std::fs::write(&file, &text).unwrap();
    let (code, out, err) = fmt(&file);
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

// Item 5: CRLF files were reported one line early at column 1, CR-only files on line 1.
#[test]
fn crlf_and_cr_files_are_located_like_lf_files() {
    let bad_dates = vec![
        seen(5, 11, "schema/format", Some("date_start")),
        seen(5, 22, "schema/format", Some("date_end")),
    ];
    let (code, found, _) = check(&fixture("multiline_then_bad_date.csv"));
    assert_eq!((code, &found), (1, &bad_dates));
    // In these two the line end inside the multi-line note is a CR too: that is flagged (a
    // warning, which `fmt` does not touch), at the cell, and the rest is located as in LF.
    let mut with_cr = vec![seen(3, 282, "text/carriage-return", Some("notes"))];
    with_cr.extend(bad_dates.clone());
    for name in [
        "multiline_then_bad_date_crlf.csv",
        "multiline_then_bad_date_cr.csv",
    ] {
        let (code, found, _) = check(&fixture(name));
        assert_eq!((code, &found), (1, &with_cr), "{name}");
    }
    let (code, found, _) = check(&fixture("integer_crlf.csv"));
    assert_eq!(
        (code, found),
        (
            1,
            vec![seen(2, 185, "schema/type", Some("killed_am_military"))]
        )
    );
}

// Item 6: invalid UTF-8 inside a quoted cell was located one column short.
#[test]
fn invalid_utf8_inside_a_quoted_cell_is_located_at_the_byte() {
    let (code, found, _) = check(&fixture("utf8_in_quoted_cell.csv"));
    assert_eq!(
        (code, found),
        (1, vec![seen(2, 245, "csv/utf8", Some("notes"))])
    );
    let (_dir, file) = copy_of("utf8_in_quoted_cell.csv");
    let (code, _, err) = fmt(&file);
    assert_eq!(code, 1);
    assert!(err.contains("events.csv:2:245: invalid UTF-8"), "{err}");
}

// Item 7: a quote opened on one line and closed on the next gave only a field count on the
// second line.
#[test]
fn a_quote_closed_on_a_later_line_names_the_line_where_it_opened() {
    let (code, found, messages) = check(&fixture("quote_opened_line_before.csv"));
    assert_eq!((code, found), (1, vec![seen(2, 241, "csv/quote", None)]));
    assert_eq!(
        messages,
        ["the quoted cell opened here runs on to line 3, and that row has 52 fields where the header has 32"]
    );
}

fn replace_first(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("present");
    [&bytes[..at], to, &bytes[at + from.len()..]].concat()
}

/// The dataset_refs fixture with events.csv changed by `change`.
fn broken_dataset(change: impl Fn(Vec<u8>) -> Vec<u8>) -> tempfile::TempDir {
    let dir = valid_fixture_copy();
    let events = dir.path().join("dataset/events.csv");
    let bytes = change(std::fs::read(&events).unwrap());
    std::fs::write(&events, bytes).unwrap();
    dir
}

// Item 8: a dataset CSV that cannot be parsed gave exit 2 and an `unused-key` warning from the
// partial read.
#[test]
fn a_dataset_table_that_is_not_well_formed_exits_1_with_only_located_faults() {
    let cases: [(&str, &[u8], &[u8]); 3] = [
        // The first note opens a quote: the quote of the next row's note does not close it.
        ("open quote", b"Troops crossed", b"\"Troops crossed"),
        ("invalid UTF-8", b"Syunik.", b"Syun\xe9k."),
        ("field count", b"Troops crossed", b"Troops, crossed"),
    ];
    for (what, from, to) in cases {
        let dir = broken_dataset(|b| replace_first(&b, from, to));
        let (code, problems) = validate_json(&["--root", dir.path().to_str().unwrap()]);
        let rules: Vec<&str> = problems
            .iter()
            .map(|p| p["rule"].as_str().unwrap())
            .collect();
        assert_eq!(code, 1, "{what}: {problems:?}");
        assert!(
            rules
                .iter()
                .all(|r| ["csv/quote", "csv/utf8", "csv/field-count"].contains(r)),
            "{what}: only structure faults, no finding from a partial read: {problems:?}"
        );
        assert!(!rules.is_empty(), "{what}");
    }
}

// Item 19 (part): diff read a CSV with an open quote silently.
#[test]
fn diff_refuses_a_csv_with_an_open_quote_and_says_where() {
    // Two files in the dataset's own layout: the fixture dataset's events, and its header and
    // first row with a note that opens a quote and never closes it.
    let dir = fixture_copy("dataset_refs");
    let old = dir.path().join("dataset/events.csv");
    let new = dir.path().join("open_quote.csv");
    let text = std::fs::read_to_string(&old).unwrap();
    let head: Vec<&str> = text.lines().take(2).collect();
    let broken =
        format!("{}\n{}\n", head[0], head[1]).replacen("Troops crossed", "\"Troops crossed", 1);
    std::fs::write(&new, broken).unwrap();
    let column = head[1].find("Troops").unwrap() + 1;
    let (code, out, err) = run_aabc(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    let shown = format!(
        "{}:2:{column}: a quoted cell is opened here and never closed",
        new.display()
    );
    assert!(err.contains(&shown), "{err}");
}

#[test]
fn export_refuses_a_csv_with_an_undoubled_quote_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.json");
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/undoubled_quote.csv"),
        &["--format", "json", "--out", out_file.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(":2:278: a double quote"), "{err}");
    assert!(!out_file.exists());
}

// Section 7: Error::Csv keeps its source, a typed fault with its position.
#[test]
fn a_csv_error_keeps_a_typed_fault_as_its_source() {
    use aabc::error::{CsvError, CsvFaultKind, Position};
    let schema = aabc::schema::Schema::load(&root().join(SCHEMA)).unwrap();
    let bytes = std::fs::read(root().join("tests/fixtures/undoubled_quote.csv")).unwrap();
    let mut rows = aabc::schema::rows::Rows::new(&schema, bytes.as_slice(), "t.csv").unwrap();
    let err = loop {
        match rows.next_row() {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("read without a fault"),
            Err(e) => break e,
        }
    };
    let source = std::error::Error::source(&err).expect("a source");
    let Some(CsvError::Fault(fault)) = source.downcast_ref::<CsvError>() else {
        panic!("{err:?}");
    };
    assert_eq!(
        fault.kind,
        CsvFaultKind::UndoubledQuote {
            opened: Position {
                line: 2,
                column: 241
            }
        }
    );
    assert_eq!(
        fault.at,
        Position {
            line: 2,
            column: 278
        }
    );
}

// Item 8, in a repository with a release record: the published-id check read the broken table
// on its own and stopped the validation with exit 2.
#[test]
fn a_broken_table_in_a_repository_exits_1_without_the_published_id_check() {
    let dir = git_fixture();
    let events = dir.path().join("dataset/events.csv");
    let bytes = std::fs::read(&events).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 20;
    std::fs::write(&events, [&bytes[..at], b"\xe9", &bytes[at..]].concat()).unwrap();
    let (code, problems) = validate_json(&["--root", dir.path().to_str().unwrap()]);
    let rules: Vec<&str> = problems
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    assert_eq!((code, rules), (1, vec!["csv/utf8"]), "{problems:?}");
}
