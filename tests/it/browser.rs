//! The dataset's page in headless Chromium (Debian's `chromium`, driven by `playwright-core`
//! from `tests/browser/`, both installed by `tests/browser/setup.sh`): it loads from `file://`
//! with no console error and no network request, has one table row per event, filters and
//! searches to the counts computed here from the CSV, opens an event with its citation, draws one
//! map marker per geocoded event, and escapes markup in the data. A screenshot is saved as
//! `target/site-screenshot.png`; the time to interactive of a 10,000-event page is printed.

use crate::common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

/// Runs `node tests/browser/test.mjs ARGS` (see [`node_script`]).
fn node(args: &[&str]) -> String {
    node_script("test.mjs", args)
}

/// Runs `node tests/browser/SCRIPT ARGS`, prints what it said, and fails the test when it
/// fails. Chromium and playwright-core come from `tests/browser/setup.sh`.
pub(crate) fn node_script(script: &str, args: &[&str]) -> String {
    let dir = root().join("tests/browser");
    require_tool("Chromium", "chromium");
    require_tool(
        "playwright-core",
        "tests/browser/node_modules/playwright-core",
    );
    let out = Command::new(require_tool("Node.js 18 or later", "node"))
        .arg(dir.join(script))
        .args(args)
        .output()
        .expect("node runs (Node.js 18 or later)");
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{said}");
    said
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// The most frequent of `values` (the first in sort order among equals), and how often it
/// occurs.
pub(crate) fn most_frequent<'a>(values: impl Iterator<Item = &'a str>) -> (String, usize) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(k, v)| (k.to_string(), v))
        .unwrap()
}

/// What the page must show, computed from the CSV files alone.
fn expectations(dataset: &Path) -> serde_json::Value {
    let (h, events) = read_csv(&dataset.join("events.csv"));
    let (ph, places) = read_csv(&dataset.join("places.csv"));
    let (sh, sources) = read_csv(&dataset.join("sources.csv"));
    let has_point: HashMap<&str, bool> = places
        .iter()
        .map(|p| {
            (
                p[col(&ph, "place_id")].as_str(),
                !p[col(&ph, "latitude")].is_empty(),
            )
        })
        .collect();
    // The most frequent event type, and how many rows have it.
    let ty = col(&h, "event_type");
    let (type_value, type_count) = most_frequent(events.iter().map(|e| e[ty].as_str()));
    let word = "ceasefire";
    let notes = col(&h, "notes");
    let search_count = events
        .iter()
        .filter(|e| e[notes].to_lowercase().contains(word))
        .count();
    // The map shows a row at its first place, when that place has coordinates.
    let pl = col(&h, "place_ids");
    let geocoded = events
        .iter()
        .filter(|e| {
            e[pl]
                .split(';')
                .next()
                .is_some_and(|p| has_point.get(p) == Some(&true))
        })
        .count();
    // Sorted by killed_total descending (blanks last, ties in table order): the first row.
    let kt = col(&h, "killed_total");
    let max = events
        .iter()
        .filter_map(|e| e[kt].parse::<i64>().ok())
        .max();
    let first = events
        .iter()
        .find(|e| max.is_some() && e[kt].parse::<i64>().ok() == max)
        .map(|e| e[0].clone())
        .unwrap_or_else(|| events[0][0].clone());
    // An event with a place and a source: its record shows their names.
    let e = events.iter().find(|e| !e[pl].is_empty()).unwrap();
    let place = e[pl].split(';').next().unwrap();
    let place_name = places
        .iter()
        .find(|p| p[col(&ph, "place_id")] == place)
        .map(|p| p[col(&ph, "name")].clone())
        .unwrap();
    let source = e[col(&h, "source_ids")]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let source_title = sources
        .iter()
        .find(|s| s[col(&sh, "source_id")] == source)
        .map(|s| s[col(&sh, "title")].clone())
        .unwrap();
    serde_json::json!({
        "rows": events.len(),
        "filter": {"col": "event_type", "value": type_value, "count": type_count},
        "search": {"word": word, "count": search_count},
        "sort": {"col": "killed_total", "first": first},
        "geocoded": geocoded,
        "event": {
            "id": e[0],
            "citation": format!("Event {}. In: ", e[0]),
            "shows": [place_name, source_title, format!("{}: {place_name}", place)],
        },
    })
}

/// A scratch copy of the dataset whose events are `rows` synthetic rows (`aabc synth`), their
/// references pointing at the dataset's own places, actors and sources.
pub fn synthetic_dataset(d: &Path, rows: u64) {
    repo_copy(d);
    let events = d.join("dataset/events.csv");
    let synth = d.join("synth.csv");
    let (code, said, err) = run(
        d,
        &[
            "synth",
            "--rows",
            &rows.to_string(),
            "--seed",
            "1",
            "--out",
            synth.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{said}{err}");
    let ids = |file: &str, key: &str| -> Vec<String> {
        let (h, rows) = read_csv(&d.join("dataset").join(file));
        rows.iter().map(|r| r[col(&h, key)].clone()).collect()
    };
    let places = ids("places.csv", "place_id");
    let actors = ids("actors.csv", "actor_id");
    let sources = ids("sources.csv", "source_id");
    let (h, body) = read_csv(&synth);
    let mut w = csv::Writer::from_path(&events).unwrap();
    w.write_record(&h).unwrap();
    for (n, mut r) in body.into_iter().enumerate() {
        for (c, name) in h.iter().enumerate() {
            let pool = match name.as_str() {
                "place_ids" => &places,
                "source_ids" => &sources,
                "actor1_ids" | "actor2_ids" | "mediator_ids" | "reported_by_ids" => &actors,
                _ => continue,
            };
            if !r[c].is_empty() {
                r[c] = pool[(n * 7 + c) % pool.len()].clone();
            }
        }
        w.write_record(&r).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn site_of_the_dataset_works_in_chromium() {
    // The page of release format 5 (`page6` checks the page of format 6).
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("dataset-format-5");
    for part in ["dataset", "schema"] {
        copy_tree(&root().join(part), &copy.join(part));
    }
    let meta = copy.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["release_format"] = 5.into();
    std::fs::write(&meta, v.to_string()).unwrap();
    let site = dir.path().join("site");
    build_site(&copy, &site);
    let expect = expectations(&root().join("dataset"));
    assert!(expect["search"]["count"].as_u64().unwrap() > 0);
    let expect_file = dir.path().join("expect.json");
    std::fs::write(&expect_file, expect.to_string()).unwrap();
    let shot = target_dir().join("site-screenshot.png");
    node(&[
        "check",
        site.to_str().unwrap(),
        expect_file.to_str().unwrap(),
        shot.to_str().unwrap(),
    ]);
    assert!(shot.exists());
    let said = node(&["tti", site.to_str().unwrap()]);
    let bytes = std::fs::metadata(site.join("index.html")).unwrap().len();
    println!("index.html: {bytes} bytes");
    assert!(said.contains("time to interactive"));
}

#[test]
fn site_of_10000_synthetic_events_time_to_interactive() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    synthetic_dataset(d, 10_000);
    let site = d.join("site");
    build_site(d, &site);
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert_eq!(html.matches("<tr id=").count(), 10_000);
    println!("index.html: {} bytes", html.len());
    let said = node(&["tti", site.to_str().unwrap()]);
    assert!(said.contains("time to interactive"));
}

#[test]
fn site_of_a_scaffolded_dataset_loads_without_errors() {
    // Nothing of this dataset is built into the page: a new dataset (`aabc init`, no rows, no
    // summary, no coverage totals) gets its own page, which loads cleanly.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("new");
    aabc_ok(&["init", repo.to_str().unwrap()]);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(html.contains("<p id=\"count\" aria-live=\"polite\">0 of 0 rows</p>"));
    assert!(
        !html.contains("AABC"),
        "nothing of the AABC dataset on another's page"
    );
    node(&["tti", site.to_str().unwrap()]);
}

#[test]
fn site_escapes_markup_in_the_data() {
    // A note that looks like markup stays text: in the table and in the embedded JSON.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo_copy(d);
    let events = d.join("dataset/events.csv");
    let text = std::fs::read_to_string(&events).unwrap();
    let hostile = "</noscript></script><script>alert(1)</script><!-- <b>x</b>";
    let first_note_end = text.find("\nAABC-0002").unwrap();
    let line_start = text.find("\nAABC-0001").unwrap();
    let line = &text[line_start..first_note_end];
    let quote = line.rfind(",\"").unwrap();
    let changed = format!(
        "{}{},\"{hostile}\"{}",
        &text[..line_start],
        &line[..quote],
        &text[first_note_end..]
    );
    std::fs::write(&events, changed).unwrap();
    let site = d.join("site");
    build_site(d, &site);
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(!html.contains(hostile));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains(
        "\\u003c/noscript>\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u003c!-- \\u003cb>x\\u003c/b>"
    ));
    // One script block of data, one script file, one inline line that marks JavaScript on;
    // the table for readers without JavaScript closes its <noscript> once.
    assert_eq!(html.matches("<script").count(), 3);
    assert_eq!(html.matches("</noscript>").count(), 1);
    // The page still loads without a console error, the note shown as text.
    node(&["tti", site.to_str().unwrap()]);
}
