//! `aabc trace ID`: the quotes behind one event of the small dataset of `evidence.rs`, with
//! their columns, claimants, section and line in the pinned text, and the claims citing them;
//! as text and as JSON.

use crate::evidence::{metadata, tiny, write_metadata};
use serde_json::{json, Value};
use std::process::Stdio;

#[test]
fn trace_prints_each_quote_with_its_place_and_claims() {
    let w = tiny("trace-human");
    let out = w.stdout(&["trace", "EV-2"]);
    assert_eq!(
        out,
        "EV-2: 2 quote(s)\n\
         \n\
         E0003 in article, section \"June 2021\", line 12\n  \
         columns: date_start, date_end\n  \
         claimants: A1 (Ministry of Defence)\n  \
         \"On 3 June 2021 the Ministry of Defence said\"\n\
         \n\
         E0004 in article, section \"June 2021\", line 13\n  \
         columns: killed_a, killed_b\n  \
         claimants: A1 (Ministry of Defence)\n  \
         \"2 soldiers died and 3 more died later\"\n  \
         claim: killed_a = 2 (exact), by A1\n  \
         claim: killed_b = 3 (exact), by A1\n"
    );
}

#[test]
fn trace_json_is_an_array_of_quotes() {
    let w = tiny("trace-json");
    let out = w.stdout(&["trace", "EV-1", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let quotes = v.as_array().unwrap();
    assert_eq!(quotes.len(), 2);
    for q in quotes {
        assert!(q["quote"].is_string(), "{q}");
        assert!(q["columns"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string));
    }
    assert_eq!(
        quotes[1],
        json!({
            "evidence_id": "E0002",
            "columns": ["wounded"],
            "quote": "at least 49 civilians were wounded",
            "document": "article",
            "section": "May 2021",
            "line": 8,
            "claimant_ids": [],
            "claimant_names": [],
            "claims": [{"column": "wounded", "claimant_id": null, "value": 49, "qualifier": "at_least"}]
        })
    );
    // A quote that begins on one line and runs over the next is placed where it starts.
    assert_eq!(quotes[0]["line"], 7);
}

#[test]
fn an_event_without_quotes_traces_to_an_empty_list() {
    let w = tiny("trace-empty");
    let events = w.read("dataset/events.csv");
    w.create(
        "dataset/events.csv",
        format!("{events}EV-3,2021-07-01,2021-07-01,,,,\n"),
    );
    assert_eq!(w.stdout(&["trace", "EV-3", "--format", "json"]), "[]\n");
}

#[test]
fn an_unknown_id_exits_1_and_says_so() {
    let w = tiny("trace-unknown");
    let err = w.assert_err(&["trace", "EV-9"], 1);
    assert!(err.contains("no row \"EV-9\" in table \"events\""), "{err}");
    // An id that looks like an option is a value after `--`.
    let err = w.assert_err(&["trace", "--", "--foo"], 1);
    assert!(err.contains("\"--foo\""), "{err}");
}

#[test]
fn a_dataset_without_evidence_cannot_be_traced() {
    let w = tiny("trace-none");
    let mut meta = metadata();
    meta.as_object_mut().unwrap().remove("evidence");
    write_metadata(&w, &meta);
    let err = w.assert_err(&["trace", "EV-1"], 2);
    assert!(err.contains("no \"evidence\" block"), "{err}");
}

#[test]
fn trace_into_a_closed_pipe_ends_quietly() {
    let w = tiny("trace-pipe");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aabc"))
        .args(["trace", "EV-2"])
        .current_dir(w.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
