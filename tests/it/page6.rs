//! The page for everyone (release format 6), on a format 6 copy of the shipped data and on
//! 10,000 synthetic events, in headless Chromium (`tests/browser/page6.mjs`, with axe-core): no
//! sideways scrolling on a phone (390×844) and the events as cards there; no serious or
//! critical axe-core violation in light or dark; search over places, ids and dates kept in the
//! address (a fresh page at the address shows the same rows); the shown rows downloaded as
//! exactly the lines `events.csv` has for them; focus back on the link that opened a card;
//! the card leading with the event; lower-case and unknown permalinks; the schemas' words in
//! place of column names; the timeline and map following the filters; a print style. Without a
//! `site` section a format 6 page has no Timeline or Map heading or link (a format 5 page
//! keeps its published layout). Screenshots go to `target/page6/`.

use crate::browser::{col, most_frequent, node_script, synthetic_dataset, target_dir};
use crate::common::*;
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The dataset at `d` set to release format `format`.
fn set_format(d: &Path, format: u32) {
    edit_meta(d, |m| m["release_format"] = json!(format));
}

fn shots() -> PathBuf {
    let dir = target_dir().join("page6");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Each record of a CSV file as the file writes it (its bytes, line end included), by the
/// record's first cell; and the header line.
fn raw_lines(path: &Path) -> (String, HashMap<String, String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.headers().unwrap();
    let header_end = r.position().byte() as usize;
    let mut starts = vec![header_end];
    let mut ids = Vec::new();
    let mut record = csv::StringRecord::new();
    while r.read_record(&mut record).unwrap() {
        ids.push(record[0].to_string());
        starts.push(r.position().byte() as usize);
    }
    let lines = ids
        .into_iter()
        .enumerate()
        .map(|(n, id)| (id, text[starts[n]..starts[n + 1]].to_string()))
        .collect();
    (text[..header_end].to_string(), lines)
}

/// What the page must do, computed from the CSV files alone.
fn expectations(dataset: &Path) -> serde_json::Value {
    let (h, events) = read_csv(&dataset.join("events.csv"));
    let (ph, places) = read_csv(&dataset.join("places.csv"));
    let (ah, actors) = read_csv(&dataset.join("actors.csv"));
    let id = |e: &Vec<String>| e[col(&h, "event_id")].clone();
    // The event at Jermuk, which the search must find by the place's name.
    let (card, word) = ("AABC-0093", "Jermuk");
    let event = events.iter().find(|e| id(e) == card).unwrap();
    assert_eq!(event[col(&h, "event_type")], "offensive");
    let place = places
        .iter()
        .find(|p| p[col(&ph, "name")] == word)
        .map(|p| p[col(&ph, "place_id")].clone())
        .unwrap();
    assert!(event[col(&h, "place_ids")].split(';').any(|p| p == place));
    let actor = event[col(&h, "actor1_ids")].split(';').next().unwrap();
    let actor_name = actors
        .iter()
        .find(|a| a[col(&ah, "actor_id")] == actor)
        .map(|a| a[col(&ah, "name")].clone())
        .unwrap();
    let date = &event[col(&h, "date_start")];
    // The most frequent type: its rows as events.csv writes them, and their months.
    let ty = col(&h, "event_type");
    let (value, count) = most_frequent(events.iter().map(|e| e[ty].as_str()));
    let (header, lines) = raw_lines(&dataset.join("events.csv"));
    let chosen: Vec<&Vec<String>> = events.iter().filter(|e| e[ty] == value).collect();
    let mut csv = header;
    for e in &chosen {
        csv.push_str(&lines[&id(e)]);
    }
    let month_of = |e: &Vec<String>| e[col(&h, "date_start")][..7].to_string();
    let months: Vec<String> = chosen.iter().map(|e| month_of(e)).collect();
    let all_months: Vec<String> = events.iter().map(month_of).collect();
    let (month, in_month) = most_frequent(all_months.iter().map(String::as_str));
    // A marker of the first two places of the card's event: the rows at either, and those of
    // the filter's type.
    let marker: Vec<&str> = event[col(&h, "place_ids")].split(';').take(2).collect();
    let at = |e: &Vec<String>| {
        e[col(&h, "place_ids")]
            .split(';')
            .any(|p| marker.contains(&p))
    };
    let marker_rows = events.iter().filter(|e| at(e)).count();
    let marker_filtered = chosen.iter().filter(|e| at(e)).count();
    json!({
        "marker": {
            "places": marker, "label": "Two places", "rows": marker_rows,
            "filtered": marker_filtered,
        },
        "search": {
            "word": word,
            "id": card,
            "also": [["AABC-0042", "AABC-0042"], [&date[..7], card], [actor_name, card]],
        },
        "filter": {
            "col": "event_type", "value": value, "count": count, "csv": csv,
            "file": "events.csv", "months": months,
        },
        "sort": "killed_total",
        "card": {
            "id": card, "shows": [word, date, actor_name], "notes": event[col(&h, "notes")],
            "type": "Offensive",
        },
        "rows": events.len(),
        "unknown": "AABC-9999",
        "raw": ["event_type", "geo_precision", "killed_am_military", "armed_clash"],
        "titles": ["Type of event", "Armenian servicemen killed", "Armed clash"],
        "month": {"month": month, "count": in_month},
    })
}

#[test]
fn page_for_everyone_in_chromium() {
    let w = crate::workdir::Workdir::with_dataset("page6");
    set_format(w.path(), 6);
    let site = w.path().join("site");
    build_site(w.path(), &site);
    let expect = expectations(&w.path().join("dataset"));
    let file = w.path().join("expect.json");
    std::fs::write(&file, expect.to_string()).unwrap();
    let shots = shots();
    node_script(
        "page6.mjs",
        &[
            "check",
            site.to_str().unwrap(),
            file.to_str().unwrap(),
            shots.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::metadata(site.join("index.html")).unwrap().len();
    println!("index.html: {bytes} bytes");
    node_script(
        "page6.mjs",
        &["contract", site.to_str().unwrap(), file.to_str().unwrap()],
    );
}

#[test]
fn page_of_10000_events_fits_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    synthetic_dataset(d, 10_000);
    set_format(d, 6);
    let site = d.join("site");
    build_site(d, &site);
    let bytes = std::fs::metadata(site.join("index.html")).unwrap().len();
    println!("index.html: {bytes} bytes");
    let shots = shots();
    node_script(
        "page6.mjs",
        &[
            "phone",
            site.to_str().unwrap(),
            shots.to_str().unwrap(),
            "10000",
        ],
    );
    let said = node_script("test.mjs", &["tti", site.to_str().unwrap()]);
    assert!(said.contains("time to interactive"));
}

#[test]
fn no_pictures_without_a_site_section() {
    for format in [5, 6] {
        let w = crate::workdir::Workdir::with_dataset("page6-nosite");
        set_format(w.path(), format);
        edit_meta(w.path(), |m| {
            m.as_object_mut().unwrap().remove("site");
        });
        let site = w.path().join("site");
        build_site(w.path(), &site);
        let html = std::fs::read_to_string(site.join("index.html")).unwrap();
        let pictures = [
            "id=\"h-timeline\"",
            "id=\"h-map\"",
            "href=\"#timeline\"",
            "href=\"#map\"",
        ];
        for p in pictures {
            // Format 5 keeps the page it was published with; format 6 drops the empty sections.
            assert_eq!(html.contains(p), format == 5, "format {format}: {p}");
        }
        if format == 6 {
            node_script("page6.mjs", &["nosite", site.to_str().unwrap()]);
        }
    }
}

#[test]
fn a_format_5_page_keeps_its_published_template_stylesheet_and_script() {
    let w = crate::workdir::Workdir::with_dataset("page6-format5");
    set_format(w.path(), 5);
    let site = w.path().join("site");
    build_site(w.path(), &site);
    let assets = root().join("src/release/site/assets/format5");
    for f in ["site.css", "site.js"] {
        assert_eq!(
            std::fs::read(site.join(f)).unwrap(),
            std::fs::read(assets.join(f)).unwrap(),
            "{f}"
        );
    }
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(html.contains("crisis vocabulary.\">event_type</th>"));
    assert!(!html.contains("Start here"));
}

#[test]
fn a_format_6_page_keeps_markup_in_the_data_as_text() {
    // In the lean table, the packed data and the filters' options alike.
    let w = crate::workdir::Workdir::with_dataset("page6-markup");
    set_format(w.path(), 6);
    let hostile = "</noscript></script><script>alert(1)</script><!-- <b>x</b>";
    let events = w.path().join("dataset/events.csv");
    let (h, mut rows) = read_csv(&events);
    rows[0][col(&h, "notes")] = hostile.to_string();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(&events)
        .unwrap();
    out.write_record(&h).unwrap();
    for r in &rows {
        out.write_record(r).unwrap();
    }
    out.flush().unwrap();
    let site = w.path().join("site");
    build_site(w.path(), &site);
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(!html.contains(hostile));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("\\u003c/noscript>\\u003c/script>\\u003cscript>alert(1)"));
    assert_eq!(html.matches("<script").count(), 3);
    assert_eq!(html.matches("</noscript>").count(), 1);
}
