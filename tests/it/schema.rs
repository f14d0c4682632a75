//! The shipped schemas document themselves (every column and value described, blank meanings
//! stated once, keys and links of 2.0 declared), and a schema no row can satisfy is refused when
//! it is loaded.

use crate::common::*;
use serde_json::Value;

fn impossible(props: serde_json::Value, rules: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"type": "object", "properties": props, "x-rules": rules})
}

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("schema").join(name)).unwrap())
        .unwrap()
}

#[test]
fn every_nullable_column_says_what_blank_means_once() {
    for name in ["events", "places", "actors"] {
        let path = root().join(format!("schema/{name}.schema.json"));
        let schema = aabc::schema::Schema::load(&path).unwrap();
        for c in schema.columns.iter().filter(|c| c.nullable) {
            let blank = c
                .null_description
                .as_deref()
                .unwrap_or_else(|| panic!("{name}.{}: no meaning for blank", c.name));
            assert!(!blank.is_empty(), "{name}.{}", c.name);
            // Said once: the description does not say it again.
            let d = c.description.as_deref().unwrap_or("");
            assert!(!d.contains("Blank"), "{name}.{}: {d}", c.name);
        }
    }
    // "Both sides" or "several" is a value, never a blank: sector has `multiple`.
    let events = aabc::schema::Schema::load(&root().join("schema/events.schema.json")).unwrap();
    let sector = &events.columns[events.column_index("sector").unwrap()];
    assert!(sector.terms.iter().flatten().any(|t| t.value == "multiple"));
    assert!(!sector.null_description.as_deref().unwrap().contains(" or "));
}

#[test]
fn the_2_0_schemas_declare_keys_links_and_expansions() {
    let events: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/events.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(events["$id"], "urn:aabc:schema:events:2");
    let fks = events["x-foreignKeys"].as_array().unwrap();
    let by_field = |f: &str| fks.iter().find(|k| k["fields"] == f).unwrap().clone();
    assert_eq!(by_field("place_ids")["link"], "event_places");
    assert_eq!(
        by_field("place_ids")["expand"],
        serde_json::json!([
            "latitude",
            "longitude",
            {"field": "geo_precision", "aggregate": "coarsest", "spread": "admin1_code", "spread_value": 3},
            "country",
            {"field": "country", "as": "countries", "aggregate": "distinct"},
            "admin1",
            "admin1_code"
        ])
    );
    assert_eq!(
        by_field("actor1_ids")["expand"],
        serde_json::json!([{"field": "name", "as": "actor1"}])
    );
    for f in [
        "actor1_ids",
        "actor2_ids",
        "mediator_ids",
        "reported_by_ids",
    ] {
        assert_eq!(by_field(f)["link"], "event_actors", "{f}");
        assert_eq!(by_field(f)["reference"]["resource"], "actors", "{f}");
    }
    // Every expanded column exists in the referenced schema.
    let places = aabc::schema::Schema::load(&root().join("schema/places.schema.json")).unwrap();
    for c in by_field("place_ids")["expand"].as_array().unwrap() {
        let field = c.as_str().or(c["field"].as_str()).unwrap();
        assert!(places.column_index(field).is_some(), "{c}");
    }
    assert_eq!(places.id.as_deref(), Some("urn:aabc:schema:places:2"));
    let roles: Vec<&str> = places
        .columns
        .iter()
        .filter_map(|c| c.schema.get("x-role").and_then(|r| r.as_str()))
        .collect();
    assert_eq!(roles, ["latitude", "longitude"]);
}

#[test]
fn synth_and_validate_refuse_a_sum_without_parts() {
    let schema = impossible(
        serde_json::json!({"t": {"type": ["integer", "null"]}}),
        serde_json::json!([{"id": "total", "rule": "sum", "total": "t", "parts": []}]),
    );
    let (_dir, s, f) = table(schema, "t\n1\n");
    for args in [
        vec!["synth", "--rows", "3", "--schema", &s],
        vec!["validate", "--schema", &s, &f],
    ] {
        let (code, out, err) = run_aabc(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(&s), "names the schema file: {err}");
        assert!(
            err.contains("rule \"total\": \"parts\" is empty"),
            "names the rule: {err}"
        );
    }
}

#[test]
fn synth_and_validate_refuse_a_maximum_below_the_minimum() {
    let schema = impossible(
        serde_json::json!({"n": {"type": "integer", "minimum": 10, "maximum": 5}}),
        serde_json::json!([]),
    );
    let (_dir, s, f) = table(schema, "n\n7\n");
    for args in [
        vec!["synth", "--rows", "3", "--schema", &s],
        vec!["validate", "--schema", &s, &f],
    ] {
        let (code, out, err) = run_aabc(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(&s), "names the schema file: {err}");
        assert!(err.contains("property \"n\""), "names the column: {err}");
    }
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
    let out = std::process::Command::new(require_tool("Python 3", "python3"))
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
