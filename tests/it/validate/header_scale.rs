//! A header of hundreds of thousands of columns: checked in time linear in its width, and
//! reported in a few dozen lines (the first issues of each kind, then how many more).

use crate::common::*;

const SCHEMA: &str = "tests/fixtures/events.1.schema.json";
const WIDE: usize = 200_000;

/// Writes `header` and one `row` (padded with blank cells to the header's width).
fn wide_file(dir: &std::path::Path, header: &[String], row: &[&str]) -> String {
    let path = dir.join("wide.csv");
    let mut cells: Vec<&str> = row.to_vec();
    cells.resize(header.len(), "");
    std::fs::write(
        &path,
        format!("{}\n{}\n", header.join(","), cells.join(",")),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

/// The fixture's valid header and row, split into cells.
fn valid_columns() -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(root().join("tests/fixtures/header_extra.csv")).unwrap();
    let mut lines = text.lines();
    let split = |l: &str| l.split(',').map(str::to_string).collect::<Vec<_>>();
    let (mut header, mut row) = (split(lines.next().unwrap()), split(lines.next().unwrap()));
    // The fixture ends with one extra column ("colour"): drop it.
    header.pop();
    row.pop();
    (header, row)
}

fn messages(problems: &[serde_json::Value]) -> Vec<(Option<&str>, &str)> {
    problems
        .iter()
        .map(|p| (p["field"].as_str(), p["message"].as_str().unwrap()))
        .collect()
}

#[test]
fn two_hundred_thousand_extra_columns_give_twenty_lines_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let (mut header, mut row) = valid_columns();
    // Two columns missing, so that every extra column is weighed as a misspelling of them.
    for name in ["notes", "location"] {
        let at = header.iter().position(|h| h == name).unwrap();
        header.remove(at);
        row.remove(at);
    }
    let extras: Vec<String> = (0..WIDE).map(|i| format!("x{i}")).collect();
    header.extend(extras.iter().cloned());
    let row: Vec<&str> = row.iter().map(String::as_str).collect();
    let file = wide_file(dir.path(), &header, &row);
    let (code, problems) = validate_json(&["--schema", SCHEMA, &file]);
    assert_eq!(code, 1);
    assert!(
        problems.iter().all(|p| p["rule"] == "csv/header"),
        "{problems:?}"
    );
    let mut expected: Vec<(Option<String>, String)> = extras[..20]
        .iter()
        .map(|x| {
            (
                Some(x.clone()),
                format!("column \"{x}\" is not in the schema"),
            )
        })
        .collect();
    expected.push((
        Some("location".into()),
        "column \"location\" is missing".into(),
    ));
    expected.push((Some("notes".into()), "column \"notes\" is missing".into()));
    expected.push((
        None,
        format!("and {} more column(s) are not in the schema", WIDE - 20),
    ));
    let got: Vec<(Option<String>, String)> = messages(&problems)
        .into_iter()
        .map(|(f, m)| (f.map(str::to_string), m.to_string()))
        .collect();
    assert_eq!(got, expected);
    // The shown columns are located where they are in the header.
    let first_extra = header
        .iter()
        .take(header.len() - WIDE)
        .map(|h| h.len() + 1)
        .sum::<usize>();
    assert_eq!(problems[0]["column"], first_extra as u64 + 1);
}

#[test]
fn two_hundred_thousand_repeated_columns_give_twenty_lines_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let (mut header, row) = valid_columns();
    header.extend(std::iter::repeat_n("event_id".to_string(), WIDE));
    let row: Vec<&str> = row.iter().map(String::as_str).collect();
    let file = wide_file(dir.path(), &header, &row);
    let (code, problems) = validate_json(&["--schema", SCHEMA, &file]);
    assert_eq!(code, 1);
    let got = messages(&problems);
    assert_eq!(got.len(), 21, "{got:?}");
    assert!(got[..20].iter().all(|&g| g
        == (
            Some("event_id"),
            "column \"event_id\" appears twice in the header"
        )));
    assert_eq!(
        got[20],
        (None, "and 199980 more column(s) appear twice in the header")
    );
}
