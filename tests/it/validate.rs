//! `aabc validate`: one fixture per kind of problem with exact line, column and rule id; strict
//! CSV reading (LF, CRLF and CR files, quotes, invalid UTF-8) with located faults; accepted
//! values (canonical integers, no formulas, no control characters); references between the 2.0
//! tables; the fast path agreeing with the whole-row validator; output formats and exit codes.

mod header_scale;
mod markdown;
mod pattern_cost;

use crate::common::*;
use std::path::Path;

/// Replaces the cell of `column` on data line `line` (1-based, header = 1) of a CSV whose
/// rows hold no quoted comma before that column; returns the 1-based character column of the
/// cell.
fn set_cell(file: &Path, line: usize, column: &str, value: &str) -> u64 {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let index = lines[0].split(',').position(|c| c == column).unwrap();
    let mut cells: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    let at: usize = cells[..index].iter().map(|c| c.chars().count() + 1).sum();
    cells[index] = value.to_string();
    lines[line - 1] = cells.join(",");
    std::fs::write(file, lines.join("\n")).unwrap();
    at as u64 + 1
}

/// The fixture dataset without its planted problems (an unknown and an unused source).
fn clean_dataset() -> tempfile::TempDir {
    let dir = valid_fixture_copy();
    let sources = dir.path().join("dataset/sources.csv");
    let text = std::fs::read_to_string(&sources).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("S006,")).collect();
    std::fs::write(&sources, kept.join("\n") + "\n").unwrap();
    dir
}

fn validate_root(dir: &Path) -> (i32, Vec<serde_json::Value>) {
    validate_json(&["--root", dir.to_str().unwrap()])
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

/// `validate --format json` on a fixture: exit code and the problems.
fn check_with(schema: &str, fixture: &str) -> (i32, Vec<serde_json::Value>) {
    validate_json(&["--schema", schema, &format!("tests/fixtures/{fixture}")])
}

fn hints(problems: &[serde_json::Value]) -> Vec<String> {
    problems
        .iter()
        .map(|p| p["hint"].as_str().unwrap().to_string())
        .collect()
}

/// The same schema with a root keyword the fast path does not split (`$defs`), so that every
/// row goes to the whole-row validator.
fn whole_row_only(mut doc: serde_json::Value) -> serde_json::Value {
    doc.as_object_mut()
        .unwrap()
        .insert("$defs".into(), serde_json::json!({}));
    doc
}

/// A schema in the plain keywords another dataset would use.
fn plain_schema() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/plain.schema.json")).unwrap(),
    )
    .unwrap()
}

fn check(fixture: &str) -> (i32, Vec<Seen>) {
    let path = format!("tests/fixtures/{fixture}");
    let (code, problems) = validate_json(&["--schema", SCHEMA, &path]);
    for p in &problems {
        assert_eq!(p["file"], path.as_str());
        assert!(!p["message"].as_str().unwrap().is_empty());
        assert!(
            !p["hint"].as_str().unwrap().is_empty(),
            "every problem says how to fix it: {p}"
        );
    }
    (code, reduce(&problems))
}

/// Each fixture is invalid with exactly the problems listed.
fn expect_each(cases: &[(&str, Vec<Seen>)]) {
    for (fixture, expected) in cases {
        assert_eq!(&check(fixture), &(1, expected.clone()), "{fixture}");
    }
}

#[test]
fn the_fixture_dataset_in_the_2_0_layout_is_valid_without_warnings() {
    let dir = clean_dataset();
    assert_eq!(validate_root(dir.path()), (0, vec![]));
}

#[test]
fn an_event_naming_an_unknown_place_is_located() {
    let dir = clean_dataset();
    let events = dir.path().join("dataset/events.csv");
    let col = set_cell(&events, 2, "place_ids", "am-lake-sev;am-atlantis");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [seen(2, col, "foreign-key", Some("place_ids"))]
    );
    assert_eq!(
        problems[0]["message"],
        "refers to \"am-atlantis\", which is not a key of places"
    );
}

#[test]
fn an_event_naming_an_unknown_actor_in_any_role_is_located() {
    for column in [
        "actor1_ids",
        "actor2_ids",
        "mediator_ids",
        "reported_by_ids",
    ] {
        let dir = clean_dataset();
        let events = dir.path().join("dataset/events.csv");
        let col = set_cell(&events, 2, column, "A002;A999");
        let (code, problems) = validate_root(dir.path());
        assert_eq!(code, 1, "{column}");
        let found = reduce(&problems);
        assert!(
            found.contains(&seen(2, col, "foreign-key", Some(column))),
            "{column}: {found:?}"
        );
        assert!(
            problems
                .iter()
                .all(|p| p["rule"] == "foreign-key" || p["rule"] == "unused-key"),
            "{problems:?}"
        );
    }
}

#[test]
fn an_actor_may_name_another_actor_of_its_table_and_an_unknown_one_is_located() {
    // A006 (Government of Armenia) is named only by A015's part_of: used, so no warning (see
    // the_fixture_dataset_in_the_2_0_layout_is_valid_without_warnings). An unknown one is an
    // error on the actors table.
    let dir = clean_dataset();
    let actors = dir.path().join("dataset/actors.csv");
    let text = std::fs::read_to_string(&actors).unwrap();
    let line = text.lines().position(|l| l.starts_with("A015,")).unwrap() + 1;
    let col = set_cell(&actors, line, "part_of", "A900");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    let found = reduce(&problems);
    assert_eq!(
        found,
        [
            seen(line as u64, col, "foreign-key", Some("part_of")),
            // A006 is now named by nothing.
            seen(4, 1, "unused-key", Some("actor_id")),
        ]
    );
    assert!(problems[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("dataset/actors.csv"));
}

#[test]
fn released_counts_only_on_release_rows() {
    let dir = clean_dataset();
    let events = dir.path().join("dataset/events.csv");
    // An incursion row with a release count.
    let col = set_cell(&events, 2, "released_am", "4");
    set_cell(&events, 2, "casualty_estimate", "exact");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [seen(2, col, "released-on-release", Some("released_am"))]
    );
    assert_eq!(
        problems[0]["message"],
        "is filled, but event_type is \"incursion\": released_am is kept only when event_type is \"prisoner_release\""
    );
    assert_eq!(
        problems[0]["hint"],
        "leave released_am blank on this row, or correct event_type; a release reported on another row (e.g. captives freed later, undated) stays in notes"
    );
    // The same count on a release row is fine.
    set_cell(&events, 2, "event_type", "prisoner_release");
    set_cell(&events, 2, "acled_sub_event_type", "Agreement");
    assert_eq!(validate_root(dir.path()), (0, vec![]));
}

#[test]
fn a_release_count_is_a_figure_that_needs_an_estimate() {
    let dir = clean_dataset();
    let events = dir.path().join("dataset/events.csv");
    set_cell(&events, 2, "event_type", "prisoner_release");
    set_cell(&events, 2, "acled_sub_event_type", "Agreement");
    set_cell(&events, 2, "released_az", "2");
    let col = set_cell(&events, 2, "casualty_estimate", "");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [seen(2, col, "casualty-estimate", Some("casualty_estimate"))]
    );
}

#[test]
fn coordinates_come_in_pairs_with_a_precision_and_within_bounds() {
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        // A latitude without its longitude.
        ("longitude", "", "coordinates-pair", Some("latitude")),
        // A precision without coordinates.
        ("latitude", "", "coordinates-pair", Some("latitude")),
        // A latitude off the globe.
        ("latitude", "95.00000", "schema/maximum", Some("latitude")),
    ];
    for (column, value, rule, field) in cases {
        let dir = clean_dataset();
        let places = dir.path().join("dataset/places.csv");
        set_cell(&places, 2, column, value);
        let (code, problems) = validate_root(dir.path());
        assert_eq!(code, 1, "{column}={value}");
        let rules: Vec<(&str, Option<&str>)> = problems
            .iter()
            .map(|p| (p["rule"].as_str().unwrap(), p["field"].as_str()))
            .collect();
        assert!(
            rules.contains(&(rule, *field)),
            "{column}={value}: {rules:?}"
        );
    }
    // Both coordinates gone but a precision kept: the precision is the finding.
    let dir = clean_dataset();
    let places = dir.path().join("dataset/places.csv");
    set_cell(&places, 2, "latitude", "");
    set_cell(&places, 2, "longitude", "");
    set_cell(&places, 2, "geonames_id", "");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(&places).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let i = header.iter().position(|c| *c == "geo_precision").unwrap();
    let at = row[..i]
        .iter()
        .map(|c| c.chars().count() + 1)
        .sum::<usize>() as u64
        + 1;
    assert_eq!(
        reduce(&problems),
        [seen(
            2,
            at,
            "precision-with-coordinates",
            Some("geo_precision")
        )]
    );
}

// A stray quote at the start of a cell makes the cell quoted up to the next quote, where the
// fault shows: the message names the opening quote too, so the one really at fault is found.
#[test]
fn a_stray_opening_quote_is_named_with_the_fault_it_causes() {
    let (code, found, messages) = check_messages(&fixture_path("stray_opening_quote.csv"));
    assert_eq!((code, found), (1, vec![seen(2, 176, "csv/quote", None)]));
    assert!(
        messages[0].contains("(line 2, column 39) is stray"),
        "{messages:?}"
    );
}

// An undoubled quote inside a quoted cell used to pass validate, and fmt moved it.
#[test]
fn an_undoubled_quote_in_a_quoted_cell_is_a_located_fault() {
    let (code, found, messages) = check_messages(&fixture_path("undoubled_quote.csv"));
    assert_eq!((code, found), (1, vec![seen(2, 278, "csv/quote", None)]));
    assert_eq!(
        messages,
        ["a double quote inside a quoted cell is not doubled, or the quote that opened the cell (line 2, column 241) is stray"]
    );
    let (_dir, file) = fixture_file_copy("undoubled_quote.csv");
    let before = std::fs::read(&file).unwrap();
    let (code, _, err) = fmt_file(&file);
    assert_eq!(code, 1);
    assert!(err.contains("events.csv:2:278: a double quote"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn a_quote_inside_an_unquoted_cell_is_a_located_fault() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    let text = std::fs::read_to_string(fixture_path("valid.csv"))
        .unwrap()
        .replace("Lake Sev,", "Lake \"Sev\",");
    std::fs::write(&file, text).unwrap();
    let (code, found, _) = check_messages(file.to_str().unwrap());
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

// CRLF files used to be reported one line early at column 1, CR-only files on line 1.
#[test]
fn crlf_and_cr_files_are_located_like_lf_files() {
    let bad_dates = vec![
        seen(5, 11, "schema/format", Some("date_start")),
        seen(5, 22, "schema/format", Some("date_end")),
    ];
    let (code, found, _) = check_messages(&fixture_path("multiline_then_bad_date.csv"));
    assert_eq!((code, &found), (1, &bad_dates));
    // In these two the line end inside the multi-line note is a CR too: that is flagged (a
    // warning, which `fmt` does not touch), at the cell, and the rest is located as in LF.
    let mut with_cr = vec![seen(3, 282, "text/carriage-return", Some("notes"))];
    with_cr.extend(bad_dates.clone());
    for name in [
        "multiline_then_bad_date_crlf.csv",
        "multiline_then_bad_date_cr.csv",
    ] {
        let (code, found, _) = check_messages(&fixture_path(name));
        assert_eq!((code, &found), (1, &with_cr), "{name}");
    }
    let (code, found, _) = check_messages(&fixture_path("integer_crlf.csv"));
    assert_eq!(
        (code, found),
        (
            1,
            vec![seen(2, 185, "schema/type", Some("killed_am_military"))]
        )
    );
}

// Invalid UTF-8 inside a quoted cell used to be located one column short.
#[test]
fn invalid_utf8_inside_a_quoted_cell_is_located_at_the_byte() {
    let (code, found, _) = check_messages(&fixture_path("utf8_in_quoted_cell.csv"));
    assert_eq!(
        (code, found),
        (1, vec![seen(2, 245, "csv/utf8", Some("notes"))])
    );
    let (_dir, file) = fixture_file_copy("utf8_in_quoted_cell.csv");
    let (code, _, err) = fmt_file(&file);
    assert_eq!(code, 1);
    assert!(err.contains("events.csv:2:245: invalid UTF-8"), "{err}");
}

// A quote opened on one line and closed on the next used to give only a field count on the
// second line.
#[test]
fn a_quote_closed_on_a_later_line_names_the_line_where_it_opened() {
    let (code, found, messages) = check_messages(&fixture_path("quote_opened_line_before.csv"));
    assert_eq!((code, found), (1, vec![seen(2, 241, "csv/quote", None)]));
    assert_eq!(
        messages,
        ["the quoted cell opened here runs on to line 3, and that row has 52 fields where the header has 32"]
    );
}

// A dataset CSV that cannot be parsed used to give exit 2 and an `unused-key` warning from the
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

// Error::Csv keeps its source, a typed fault with its position.
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

// In a repository with a release record, the published-id check used to read the broken
// table on its own and stopped the validation with exit 2.
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

#[test]
fn integers_must_be_written_in_canonical_form() {
    let (code, problems) = check_with(SCHEMA, "integer_not_canonical.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 185, "schema/type", Some("killed_am_military")),
            seen(3, 190, "schema/type", Some("killed_total")),
            seen(4, 185, "schema/type", Some("killed_am_military")),
        ]
    );
    let hints = hints(&problems);
    assert!(hints[0].starts_with("write 3:"), "{}", hints[0]);
    assert!(hints[1].starts_with("write 3:"), "{}", hints[1]);
    assert!(hints[2].starts_with("write 0:"), "{}", hints[2]);
}

#[test]
fn infinities_and_nans_are_formulas_in_text_and_not_numbers_in_number_columns() {
    let (code, problems) = check_with(SCHEMA, "number_formula.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 241, "no-formula", Some("notes")),
            seen(3, 241, "no-formula", Some("notes")),
            seen(4, 241, "no-formula", Some("notes")),
            seen(5, 187, "schema/type", Some("killed_civilians")),
        ]
    );
}

#[test]
fn control_invisible_and_bidi_characters_are_errors_and_a_carriage_return_a_warning() {
    let (code, problems) = check_with(SCHEMA, "control_characters.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 241, "text/control", Some("notes")),
            seen(3, 125, "text/invisible", Some("location")),
            seen(4, 161, "text/bidi", Some("actor2")),
            seen(5, 241, "text/invisible", Some("notes")),
            seen(6, 199, "text/control", Some("reported_by")),
            seen(7, 241, "text/carriage-return", Some("notes")),
        ]
    );
    let severities: Vec<&str> = problems
        .iter()
        .map(|p| p["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        ["error", "error", "error", "error", "error", "warning"]
    );
    assert!(problems[0]["message"]
        .as_str()
        .unwrap()
        .contains("U+0000 (NUL) at character 7"));
    assert!(problems[2]["message"].as_str().unwrap().contains("U+202E"));
}

#[test]
fn a_carriage_return_alone_is_only_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cr_in_cell.csv");
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/control_characters.csv")).unwrap();
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.drain(1..6);
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (code, problems) = validate_json(&["--schema", SCHEMA, file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        reduce(&problems),
        [seen(2, 241, "text/carriage-return", Some("notes"))]
    );
    let (code, _) = validate_json(&["--strict", "--schema", SCHEMA, file.to_str().unwrap()]);
    assert_eq!(code, 1);
}

#[test]
fn the_fast_path_and_the_whole_row_validator_agree_on_these_values() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("events_whole.schema.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(SCHEMA)).unwrap()).unwrap();
    std::fs::write(&whole, whole_row_only(doc).to_string()).unwrap();
    for fixture in [
        "integer_not_canonical.csv",
        "number_formula.csv",
        "control_characters.csv",
        "killed_total_overflow.csv",
    ] {
        let (fast_code, fast) = check_with(SCHEMA, fixture);
        let (whole_code, slow) = check_with(whole.to_str().unwrap(), fixture);
        assert_eq!(
            (fast_code, reduce(&fast), hints(&fast)),
            (whole_code, reduce(&slow), hints(&slow)),
            "{fixture}"
        );
    }
}

#[test]
fn plain_keywords_give_the_same_problems_on_the_fast_path_and_whole() {
    let valid = [
        "AB-123",
        "A01",
        "2024-02-29",
        "2024-01-01T00:00:00Z",
        "a",
        "x",
        "k",
        "7",
        "1.5",
        "1",
        "abc",
        "true",
        "ab;cd",
    ];
    let probes = [
        "",
        "AB-12",
        "ab-123",
        "AB-١٢٣",
        "A01;",
        "2023-02-29",
        "2024-1-01",
        "2016-12-31T23:59:60Z",
        "2016-12-31T18:59:60-05:00",
        "2016-12-31T18:59:60+05:00",
        "2024-01-01T00:00:00",
        "2024-01-01t00:00:00.5+01:00",
        "y",
        "K",
        "-6",
        "1000",
        "1001",
        "90",
        "89.99",
        "-90.6",
        "1e2",
        "1.0",
        "0.5",
        "03",
        "é",
        "éééééé",
        "false",
        "abc;abc",
        "a;b;c;d",
        "abcd",
        "a;;b",
        "null",
    ];
    let mut csv = String::from("code,list,day,at,kind,kind2,fixed,n,x,i2,name,ok,tags\n");
    for c in 0..valid.len() {
        for probe in probes {
            let mut row = valid;
            row[c] = probe;
            csv += &row.join(",");
            csv.push('\n');
        }
    }
    let (_dir, fast_schema, file) = table(plain_schema(), &csv);
    let (_dir2, whole_schema, _) = table(whole_row_only(plain_schema()), "");
    let (fast_code, fast) = validate_json(&["--schema", &fast_schema, &file]);
    let (whole_code, whole) = validate_json(&["--schema", &whole_schema, &file]);
    assert_eq!(fast_code, 1);
    // Dozens of rows break a keyword; the messages, hints and places are the same either way.
    assert!(fast.len() > 100, "{}", fast.len());
    let strip = |ps: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        ps.into_iter()
            .map(|mut p| {
                p.as_object_mut().unwrap().remove("file");
                p
            })
            .collect()
    };
    assert_eq!((fast_code, strip(fast)), (whole_code, strip(whole)));
}

#[test]
fn a_total_whose_parts_overflow_is_a_finding_not_a_panic() {
    let (code, problems) = check_with(SCHEMA, "killed_total_overflow.csv");
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 185, "schema/maximum", Some("killed_am_military")),
            seen(2, 209, "killed-total", Some("killed_total")),
        ]
    );
    assert!(problems[1]["message"]
        .as_str()
        .unwrap()
        .contains("more than 9223372036854775807"));
}

#[test]
fn composite_keys_that_join_to_the_same_text_are_not_duplicates() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "x-primaryKey": ["a", "b"]
    });
    let (_dir, s, f) = table(schema, "a,b\nx\u{1f}y,z\nx,y\u{1f}z\nx,y\u{1f}z\n");
    let (code, problems) = validate_json(&["--schema", &s, &f]);
    assert_eq!(code, 1);
    // The unit separator itself is a control character; the only duplicate is line 4.
    assert_eq!(
        reduce(&problems),
        [
            seen(2, 1, "text/control", Some("a")),
            seen(3, 3, "text/control", Some("b")),
            seen(4, 3, "text/control", Some("b")),
            seen(4, 1, "primary-key", Some("a")),
        ]
    );
    assert!(problems[3]["message"].as_str().unwrap().contains("line 3"));
}

// Names and values from input are escaped and cut wherever they are printed.
#[test]
fn a_huge_header_cell_with_terminal_escapes_prints_a_few_hundred_bytes_and_no_escape_byte() {
    let dir = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string(root().join("tests/fixtures/killed_total.csv")).unwrap();
    let mut lines = header.lines();
    let (head, row) = (lines.next().unwrap(), lines.next().unwrap());
    let big = format!("\u{1b}]0;owned\u{7}\u{1b}[31m{}", "x".repeat(1 << 20));
    // An extra column with a 1 MB name, and the same name in place of a known column.
    let extra = dir.path().join("extra.csv");
    std::fs::write(&extra, format!("{head},{big}\n{row},1\n")).unwrap();
    let renamed = dir.path().join("named \u{1b}[2J.csv");
    std::fs::write(
        &renamed,
        format!("{}\n{row}\n", head.replacen("event_id", &big, 1)),
    )
    .unwrap();
    for file in [&extra, &renamed] {
        for format in ["human", "json", "github"] {
            let out = aabc()
                .args(["validate", "--format", format, "--schema"])
                .arg(root().join("schema/events.schema.json"))
                .arg(file)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{format}");
            let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
            assert!(
                !all.contains(&0x1b),
                "{format}: an ESC byte reached the output"
            );
            assert!(
                !all.contains(&0x07),
                "{format}: a BEL byte reached the output"
            );
            let problems = String::from_utf8_lossy(&out.stdout).lines().count();
            assert!(
                all.len() < 400 * problems.max(1) + 400,
                "{format}: {} bytes for {problems} line(s)",
                all.len()
            );
            let text = String::from_utf8_lossy(&all);
            assert!(text.contains("(1048591 characters)"), "{format}: {text}");
        }
    }
    // An error naming the file (it cannot run) escapes it too.
    let missing = dir.path().join("gone \u{1b}[2J.csv");
    let out = aabc()
        .args(["validate", "--schema", "schema/events.schema.json"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.contains(&0x1b));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gone \\u{1b}[2J.csv"));
}

// The retired-id file's column names come from its schema, not from the code.
#[test]
fn the_retired_id_columns_and_their_hints_come_from_the_retired_schema() {
    let dir = git_fixture();
    let d = dir.path();
    edit(&d.join("schema/retired.schema.json"), |t| {
        t.replace("\"event_id\"", "\"key\"")
            .replace("\"retired_in\"", "\"since\"")
            .replace("\"reason\": {", "\"why\": {")
            .replace("\"reason\"\n", "\"why\"\n")
            .replace("duplicate of AABC-0042", "merged into another row")
    });
    std::fs::write(
        d.join("dataset/retired.csv"),
        "key,since,why\nAABC-0007,one,\n",
    )
    .unwrap();
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 1, "{problems:?}");
    let got: Vec<(&str, &str, &str)> = errors(&problems)
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap_or(""),
                p["message"].as_str().unwrap(),
                p["hint"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "since",
                "is not a version",
                "write the version that retired the id (e.g. 1.1.0)"
            ),
            (
                "why",
                "is blank",
                "say why the id was retired (e.g. merged into another row)"
            ),
            (
                "key",
                "is retired but still (or again) in the table",
                "a retired id is never reused: give the row a new id, or remove it from the retired list if it was retired by mistake"
            ),
        ]
    );
}

// Hints in the dataset's words come from the schema (`hint` in `x-rules`).
#[test]
fn a_rule_hint_declared_in_the_schema_is_added_to_the_generic_hint() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/events.1.schema.json"))
        .unwrap()
        .replacen(
            "\"id\": \"killed-total\",\n      \"rule\": \"sum\",\n",
            "\"id\": \"killed-total\",\n      \"rule\": \"sum\",\n      \"hint\": \"put an unattributed figure in killed_unknown\",\n",
            1,
        );
    assert!(text.contains("in killed_unknown\""));
    let schema = dir.path().join("events.schema.json");
    std::fs::write(&schema, text).unwrap();
    let out = aabc()
        .args(["validate", "--format", "json", "--schema"])
        .arg(&schema)
        .arg("tests/fixtures/killed_total.csv")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let p: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(p["rule"], "killed-total");
    assert_eq!(
        p["hint"],
        "killed_total must equal the sum of killed_am_military, killed_az_military, killed_civilians, killed_unknown (blank counts as 0); put an unattributed figure in killed_unknown"
    );
}

#[test]
fn a_valid_file_passes() {
    assert_eq!(check("valid.csv"), (0, vec![]));
}

#[test]
fn file_level_problems() {
    let cases: &[(&str, Vec<Seen>)] = &[
        ("bom.csv", vec![seen(1, 1, "csv/bom", None)]),
        ("empty.csv", vec![seen(1, 1, "csv/empty", None)]),
        ("field_count.csv", vec![seen(3, 1, "csv/field-count", None)]),
        ("utf8.csv", vec![seen(3, 128, "csv/utf8", Some("location"))]),
        (
            "unclosed_quote.csv",
            // Only the fault: no finding (such as `trimmed`, whose hint says to run fmt) from
            // the cell that swallowed the rest of the file.
            vec![seen(3, 241, "csv/quote", None)],
        ),
    ];
    expect_each(cases);
}

#[test]
fn header_problems_name_the_column() {
    let cases: &[(&str, Vec<Seen>)] = &[
        (
            "header_misspelled.csv",
            vec![seen(1, 10, "csv/header", Some("date_strat"))],
        ),
        (
            "header_missing.csv",
            vec![seen(1, 1, "csv/header", Some("location"))],
        ),
        (
            "header_moved.csv",
            vec![seen(1, 10, "csv/header", Some("date_end"))],
        ),
        (
            "header_extra.csv",
            vec![seen(1, 412, "csv/header", Some("colour"))],
        ),
    ];
    expect_each(cases);
}

#[test]
fn schema_problems_point_at_the_cell() {
    let cases: &[(&str, Vec<Seen>)] = &[
        (
            "vocabulary.csv",
            vec![seen(2, 37, "schema/oneOf", Some("event_type"))],
        ),
        (
            "acled_pair.csv",
            vec![seen(2, 55, "schema/enum", Some("acled_sub_event_type"))],
        ),
        (
            "integer.csv",
            vec![seen(2, 185, "schema/type", Some("killed_am_military"))],
        ),
        (
            "boolean.csv",
            vec![seen(2, 230, "schema/type", Some("disputed"))],
        ),
        // The note of the row before spans lines 3-4: the bad row is on physical line 5.
        (
            "multiline_then_bad_date.csv",
            vec![
                seen(5, 11, "schema/format", Some("date_start")),
                seen(5, 22, "schema/format", Some("date_end")),
            ],
        ),
    ];
    expect_each(cases);
}

#[test]
fn consistency_rules_point_at_the_cell() {
    let cases: &[(&str, Vec<Seen>)] = &[
        (
            "date_order.csv",
            vec![seen(2, 22, "date-order", Some("date_end"))],
        ),
        (
            "date_precision.csv",
            vec![seen(2, 22, "date-precision", Some("date_end"))],
        ),
        (
            "future.csv",
            vec![
                seen(2, 11, "date-coverage", Some("date_start")),
                seen(2, 22, "date-coverage", Some("date_end")),
            ],
        ),
        (
            "killed_total.csv",
            vec![seen(2, 191, "killed-total", Some("killed_total"))],
        ),
        (
            "casualty_estimate.csv",
            vec![seen(2, 199, "casualty-estimate", Some("casualty_estimate"))],
        ),
        (
            "admin1_country.csv",
            vec![seen(2, 119, "admin1-in-country", Some("admin1_code"))],
        ),
        (
            "whitespace.csv",
            vec![seen(2, 125, "trimmed", Some("location"))],
        ),
        (
            "formula.csv",
            vec![seen(2, 241, "no-formula", Some("notes"))],
        ),
        (
            "duplicate_id.csv",
            vec![seen(3, 1, "primary-key", Some("event_id"))],
        ),
        (
            "unsorted.csv",
            vec![seen(4, 11, "sort-order", Some("date_start"))],
        ),
    ];
    expect_each(cases);
}

#[test]
fn references_between_tables_and_unused_sources() {
    let dir = fixture_copy("dataset_refs");
    let (code, problems) = validate_json(&["--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let got = reduce(&problems);
    assert_eq!(
        got,
        [
            seen(2, 159, "foreign-key", Some("source_ids")),
            seen(4, 1, "unused-key", Some("source_id"))
        ]
    );
    assert_eq!(problems[0]["severity"], "error");
    assert_eq!(problems[1]["severity"], "warning");
    assert_eq!(problems[1]["value"], "S006");
}

#[test]
fn warnings_pass_unless_strict() {
    // Without the unknown reference: valid, with one unused-source warning.
    let dir = valid_fixture_copy();
    let root_arg = dir.path().to_str().unwrap();
    let (code, problems) = validate_json(&["--root", root_arg]);
    assert_eq!((code, problems.len()), (0, 1));
    let (code, _) = validate_json(&["--root", root_arg, "--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn human_output_has_location_rule_hint_and_summary() {
    let out = aabc()
        .args([
            "validate",
            "--schema",
            SCHEMA,
            "tests/fixtures/killed_total.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "tests/fixtures/killed_total.csv:2:191: error[killed-total] killed_total = \"3\": is 3, but the parts add up to 4 (killed_am_military 3 + killed_az_military 1)\n    hint: killed_total must equal the sum of killed_am_military, killed_az_military, killed_civilians, killed_unknown (blank counts as 0)\nby rule:\n  killed-total: 1 error(s), 0 warning(s)\nINVALID: 1 file(s), 1 row(s) checked (tests/fixtures/killed_total.csv); 1 error(s), 0 warning(s)\n"
    );
}

#[test]
fn github_output_is_workflow_annotations() {
    let out = aabc()
        .args([
            "validate",
            "--format",
            "github",
            "--schema",
            SCHEMA,
            "tests/fixtures/date_order.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("::error file=tests/fixtures/date_order.csv,line=2,col=22,title=date-order::date_end = \"2021-05-11\": "),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2);
    assert_eq!(
        text.lines().last(),
        Some("::notice title=aabc validate summary::1 error(s), 0 warning(s); by rule: date-order 1 error(s), 0 warning(s)")
    );
}

#[test]
fn cannot_run_exits_2_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{ not json").unwrap();
    let no_props = dir.path().join("noprops.json");
    std::fs::write(&no_props, r#"{"type": "object"}"#).unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "--schema".into(),
            SCHEMA.into(),
            "tests/fixtures/nope.csv".into(),
        ],
        vec![
            "--schema".into(),
            "schema/nope.json".into(),
            "tests/fixtures/valid.csv".into(),
        ],
        vec![
            "--schema".into(),
            bad_json.to_str().unwrap().into(),
            "tests/fixtures/valid.csv".into(),
        ],
        vec![
            "--schema".into(),
            no_props.to_str().unwrap().into(),
            "tests/fixtures/valid.csv".into(),
        ],
        vec!["--root".into(), dir.path().to_str().unwrap().into()],
    ];
    for args in cases {
        let out = aabc().arg("validate").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("aabc: error: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// `AABC_TODAY` fixes the date validation takes as today: the shipped events lie in its future
/// when it says 2020, and a value that is not a date is refused, not replaced by the clock.
#[test]
fn aabc_today_fixes_the_date_validation_takes_as_today() {
    let out = aabc()
        .env("AABC_TODAY", "2020-01-01")
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"rule\":\"date-coverage\"")
            && text.contains("is in the future (today is 2020-01-01)"),
        "{text}"
    );
    let out = aabc()
        .env("AABC_TODAY", "tomorrow")
        .arg("validate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("AABC_TODAY=\"tomorrow\" is not a date: write it as YYYY-MM-DD"),
        "{err}"
    );
}
