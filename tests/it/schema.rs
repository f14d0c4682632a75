//! The shipped schemas document themselves: every column has a description, every vocabulary
//! value a definition, every column is required (blank is written as null), and the ACLED
//! sub-event types are tied to their event types.

use crate::common::*;
use serde_json::Value;

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("schema").join(name)).unwrap())
        .unwrap()
}

#[test]
fn every_column_and_value_is_described() {
    for name in [
        "events.schema.json",
        "sources.schema.json",
        "places.schema.json",
        "actors.schema.json",
    ] {
        let s = load(name);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(s["$id"].is_string());
        let props = s["properties"].as_object().unwrap();
        let required: Vec<&str> = s["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let names: Vec<&str> = props.keys().map(String::as_str).collect();
        assert_eq!(
            required, names,
            "{name}: every column is required, in column order"
        );
        for (col, p) in props {
            assert!(
                p["description"].as_str().is_some_and(|d| d.len() > 10),
                "{name}: {col} lacks a description"
            );
            for b in p["oneOf"].as_array().into_iter().flatten() {
                assert!(
                    b["description"].is_string(),
                    "{name}: a value of {col} lacks a definition: {b}"
                );
            }
        }
    }
}

#[test]
fn acled_sub_event_types_are_tied_to_their_event_types() {
    let s = load("events.schema.json");
    let types: Vec<&str> = s["properties"]["acled_event_type"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["const"].as_str().unwrap())
        .collect();
    let subs: Vec<&str> = s["properties"]["acled_sub_event_type"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["const"].as_str().unwrap())
        .collect();
    let mut tied = Vec::new();
    for rule in s["allOf"].as_array().unwrap() {
        let t = rule["if"]["properties"]["acled_event_type"]["const"]
            .as_str()
            .unwrap();
        assert!(types.contains(&t));
        for sub in rule["then"]["properties"]["acled_sub_event_type"]["enum"]
            .as_array()
            .unwrap()
        {
            tied.push(sub.as_str().unwrap());
        }
    }
    tied.sort();
    let mut all = subs.clone();
    all.sort();
    assert_eq!(
        tied, all,
        "each sub-event type belongs to exactly one event type"
    );
    assert_eq!(types.len(), 6);
}

#[test]
fn the_benchmark_schema_for_qsv_is_derived_from_the_events_schema() {
    let out = std::process::Command::new("python3")
        .arg(root().join("bench/qsv_schema.py"))
        .output()
        .expect("python3 runs bench/qsv_schema.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::fs::read(root().join("bench/qsv-events.schema.json")).unwrap();
    assert!(out.stdout == committed, "bench/qsv-events.schema.json is stale: run `python3 bench/qsv_schema.py > bench/qsv-events.schema.json`");
}
