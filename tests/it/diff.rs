//! `aabc diff`: added, removed and changed events and schema changes between versions or
//! bundles, composite keys told apart, a CSV it cannot read refused with its place, and printed
//! values escaped and cut.

mod inputs;

use crate::common::*;
use std::path::Path;

// A CSV with an open quote was read silently.
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
fn diff_tells_composite_keys_apart_that_would_join_to_the_same_text() {
    use aabc::versions::snapshot::{Snapshot, TableSnap};
    let snap = |a: &str, b: &str| {
        let schema = aabc::schema::Schema::from_value(
            Path::new("t.schema.json"),
            serde_json::json!({
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "x-primaryKey": ["a", "b"]
            }),
        )
        .unwrap();
        Snapshot {
            label: "v".into(),
            version: None,
            release_format: None,
            tables: vec![TableSnap {
                name: "t".into(),
                schema,
                rows: vec![serde_json::json!({"a": a, "b": b})],
            }],
            partial: false,
        }
    };
    let d = aabc::versions::diff::diff(&snap("x,y", "z"), &snap("x", "y,z"));
    let t = &d.tables[0];
    assert_eq!(t.removed, [r#"["x,y","z"]"#]);
    assert_eq!(t.added, [r#"["x","y,z"]"#]);
    assert!(t.changed.is_empty());
    assert!(aabc::versions::diff::diff(&snap("x,y", "z"), &snap("x,y", "z")).is_empty());
}

#[test]
fn diff_prints_a_changed_value_with_terminal_escapes_escaped_and_cut() {
    let dir = git_fixture();
    let d = dir.path();
    let events = d.join("dataset/events.csv");
    edit(&events, |t| {
        t.replacen(
            "AABC-0093,",
            &format!("AABC-0093\u{1b}[2J{},", "9".repeat(100_000)),
            1,
        )
    });
    let (code, out, err) = run(d, &["diff", "HEAD", events.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains('\u{1b}') && !err.contains('\u{1b}'),
        "an ESC byte reached the output"
    );
    assert!(out.len() < 2000, "{} bytes: {out}", out.len());
    assert!(out.contains("added (1): AABC-0093\\u{1b}[2J999"), "{out}");
}

#[test]
fn diff_lists_added_removed_and_changed_events_and_schema_changes() {
    let dir = git_fixture();
    let d = dir.path();
    let first = git(d, &["rev-parse", "HEAD"]).trim().to_string();
    add_event(d, "AABC-9001");
    edit_events(d, |text| {
        let text: String = text
            .lines()
            .filter(|l| !l.starts_with("AABC-0005,"))
            .map(|l| format!("{l}\n"))
            .collect();
        text.replacen(
            "AABC-0093,2022-09-12,2022-09-14,day,offensive",
            "AABC-0093,2022-09-12,2022-09-15,day,offensive",
            1,
        )
    });
    let csv = d.join("dataset/events.csv");
    let csv = csv.to_str().unwrap();
    let (code, out, err) = run(d, &["diff", &first, csv]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added (1): AABC-9001"), "{out}");
    assert!(out.contains("removed (1): AABC-0005"), "{out}");
    assert!(
        out.contains("changed AABC-0093:\n      date_end: \"2022-09-14\" → \"2022-09-15\""),
        "{out}"
    );
    assert!(out.contains("required version bump: major"), "{out}");

    let (code, out, _) = run(d, &["diff", "--format", "json", "--exit-code", &first, csv]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let events = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "events")
        .unwrap();
    assert_eq!(events["added"], serde_json::json!(["AABC-9001"]));
    assert_eq!(events["removed"], serde_json::json!(["AABC-0005"]));
    assert_eq!(events["changed"][0]["fields"][0]["before"], "2022-09-14");
    assert_eq!(v["required_bump"], "major");

    let (_, md, _) = run(d, &["diff", "--format", "markdown", &first, csv]);
    assert!(md.starts_with("### Changes from "), "{md}");
    assert!(md.contains("- added (1): `AABC-9001`"), "{md}");
    assert!(
        md.contains("  - `date_end`: `\"2022-09-14\"` → `\"2022-09-15\"`"),
        "{md}"
    );

    // Schema changes between two revisions.
    git(d, &["commit", "-qam", "edits"]);
    let schema = d.join("schema/events.schema.json");
    let text = std::fs::read_to_string(&schema).unwrap().replacen(
        "\"maximum\": 1000000",
        "\"maximum\": 2000000",
        1,
    );
    std::fs::write(&schema, text).unwrap();
    git(d, &["commit", "-qam", "looser"]);
    let (code, out, _) = run(d, &["diff", "--exit-code", "HEAD~1", "HEAD"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("events: column killed_am_military: maximum 1000000 → 2000000 (minor)"),
        "{out}"
    );
    let (code, out, _) = run(d, &["diff", "--exit-code", "HEAD", "HEAD"]);
    assert_eq!(code, 0);
    assert!(out.contains("no differences"), "{out}");
}

#[test]
fn diff_compares_bundles() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let dir = git_fixture();
    let d = dir.path();
    set_version(d, "0.5.0");
    let (code, _, _) = run(d, &["release", "--out", a.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    add_event(d, "AABC-9001");
    set_version(d, "0.6.0");
    let (code, _, err) = run(d, &["release", "--out", b.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let old = a.path().join("aabc-events-0.5.0.zip");
    let new = b.path().join("aabc-events-0.6.0");
    let (code, out, _) = run(d, &["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("(0.5.0) →") && out.contains("(0.6.0)"),
        "{out}"
    );
    assert!(out.contains("added (1): AABC-9001"), "{out}");
    // The added event's quotes are compared too: the evidence table is in both bundles.
    assert!(out.contains("\nevidence:\n  added (2): "), "{out}");
}

/// A contributed row cannot inject Markdown or HTML into the pull request's job summary
/// (`diff --format markdown`): values are code spans fenced longer than any backtick run in
/// them, and prose quoting the data is escaped.
#[test]
fn diff_markdown_shows_markup_from_the_data_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(root().join("dataset/events.csv")).unwrap();
    let old = dir.path().join("old.csv");
    let new = dir.path().join("new.csv");
    std::fs::write(&old, &shipped).unwrap();
    let payload = "``<h1>Passed</h1> [click](https://e) ![x](https://e/t.png)";
    let mut reader = csv::Reader::from_reader(shipped.as_bytes());
    let header = reader.headers().unwrap().clone();
    let notes = header.iter().position(|h| h == "notes").unwrap();
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for (i, r) in reader.records().enumerate() {
        let r = r.unwrap();
        let cells: Vec<&str> = (0..r.len())
            .map(|c| if i == 0 && c == notes { payload } else { &r[c] })
            .collect();
        writer.write_record(&cells).unwrap();
    }
    std::fs::write(&new, writer.into_inner().unwrap()).unwrap();
    let out = aabc()
        .args(["diff", "--format", "markdown"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = md.lines().find(|l| l.contains("`notes`")).expect(&md);
    assert!(line.ends_with(&format!("→ ```\"{payload}\"```")), "{line}");
}
