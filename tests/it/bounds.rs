//! Low and high bounds from the claims in the typed exports (`<column>_low`, `<column>_high`),
//! the codebook's best-estimate section, and the `present-if-any` rule that keeps the reporter
//! of a figure from being blank: on a small dataset made in the test.

use crate::common::require_tool;
use crate::workdir::Workdir;
use aabc::release::export::bounds::{combine, Range};
use proptest::prelude::*;
use serde_json::{json, Value};

const BEST: &str = "Each side's own figure for its own losses.";

/// A dataset of events with two figure parts and their total (a `sum` rule), who reported
/// them (`present-if-any`), and claims about the figures, in release format `format`.
fn dataset(format: u32, events: &str, claims: &str) -> Workdir {
    let w = Workdir::new("bounds");
    let meta = json!({
        "name": "bounded", "title": "Bounded", "version": "1.0.0",
        "description": "Events with claimed figures.",
        "licenses": [{"name": "CC0-1.0"}],
        "coverage": {"start": null, "end": null},
        "creators": [{"name": "Test team"}],
        "release_format": format,
        "resources": [
            {"name": "events", "path": "events.csv", "schema": "../schema/events.schema.json"},
            {"name": "claims", "path": "claims.csv", "schema": "../schema/claims.schema.json"}
        ],
        "claims": {
            "table": "claims", "of": "events", "key": "event_id", "column": "column",
            "value": "value", "qualifier": "qualifier",
            "best_estimate": BEST,
            "bounds": ["a", "b", "total"]
        }
    });
    let figure = json!({"type": ["integer", "null"], "minimum": 0, "description": "A figure."});
    let events_schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Event", "type": "object",
        "properties": {
            "event_id": {"type": "string", "description": "Id."},
            "a": figure, "b": figure, "total": figure,
            "reported_by": {"type": ["string", "null"], "description": "Who gave the figures."}
        },
        "required": ["event_id", "a", "b", "total", "reported_by"],
        "additionalProperties": false,
        "x-primaryKey": ["event_id"],
        "x-rules": [
            {"id": "total", "rule": "sum", "total": "total", "parts": ["a", "b"]},
            {"id": "reported-by", "rule": "present-if-any", "field": "reported_by",
             "any": ["a", "b", "total"], "hint": "write NN where the source names no one"}
        ]
    });
    let claims_schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Claim", "type": "object",
        "properties": {
            "claim_id": {"type": "string"},
            "event_id": {"type": "string"},
            "column": {"type": "string", "enum": ["a", "b", "total"]},
            "value": {"type": "integer", "minimum": 0},
            "qualifier": {"type": "string", "enum": ["exact", "at_least", "approximate", "up_to"]}
        },
        "required": ["claim_id", "event_id", "column", "value", "qualifier"],
        "additionalProperties": false,
        "x-primaryKey": ["claim_id"]
    });
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap();
    w.create("dataset/dataset.json", pretty(&meta));
    w.create("schema/events.schema.json", pretty(&events_schema));
    w.create("schema/claims.schema.json", pretty(&claims_schema));
    w.create(
        "dataset/events.csv",
        format!("event_id,a,b,total,reported_by\n{events}"),
    );
    w.create(
        "dataset/claims.csv",
        format!("claim_id,event_id,column,value,qualifier\n{claims}"),
    );
    w
}

/// One row per case: exact; at least (no high); at least and exact (a range); conflicting
/// exacts (a range); up to; a total with no claim of its own (the sum of its parts' bounds);
/// no figure at all; a figure without claims.
const EVENTS: &str = "\
E1,4,,4,X
E2,7,,7,X
E3,8,,8,X
E4,9,,9,X
E5,9,,9,X
E6,3,2,5,X
E7,,,,
E8,6,,6,X
";
const CLAIMS: &str = "\
C1,E1,a,4,exact
C2,E2,a,7,at_least
C3,E3,a,5,at_least
C4,E3,a,8,exact
C5,E4,a,4,exact
C6,E4,a,9,exact
C7,E5,a,9,up_to
C8,E6,a,3,exact
C9,E6,b,2,at_least
";

/// (a_low, a_high, total_low, total_high) of each row, in order.
fn expected() -> Vec<[Value; 4]> {
    let n = |v: i64| json!(v);
    let null = Value::Null;
    vec![
        [n(4), n(4), n(4), n(4)],
        [n(7), null.clone(), n(7), null.clone()],
        [n(5), n(8), n(5), n(8)],
        [n(4), n(9), n(4), n(9)],
        [n(0), n(9), n(0), n(9)],
        [n(3), n(3), n(5), null.clone()],
        [null.clone(), null.clone(), null.clone(), null.clone()],
        [n(6), n(6), n(6), n(6)],
    ]
}

#[test]
fn each_qualifier_and_a_summed_total_give_their_bounds_in_the_json_export() {
    let w = dataset(5, EVENTS, CLAIMS);
    w.stdout(&["export", "--format", "jsonl", "--out", "events.jsonl"]);
    let rows: Vec<Value> = w
        .read("events.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "event_id",
            "a",
            "a_low",
            "a_high",
            "b",
            "b_low",
            "b_high",
            "total",
            "total_low",
            "total_high",
            "reported_by"
        ]
    );
    let got: Vec<[Value; 4]> = rows
        .iter()
        .map(|r| ["a_low", "a_high", "total_low", "total_high"].map(|k| r[k].clone()))
        .collect();
    assert_eq!(got, expected());
    // E6: the part claimed "at least" keeps its high open.
    assert_eq!(
        (&rows[5]["b_low"], &rows[5]["b_high"]),
        (&json!(2), &Value::Null)
    );
}

#[test]
fn the_parquet_export_has_nullable_int64_bounds_that_pyarrow_reads() {
    let w = dataset(5, EVENTS, CLAIMS);
    w.stdout(&["export", "--format", "parquet", "--out", "events.parquet"]);
    let script = r#"
import json, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
cols = ["a_low", "a_high", "total_low", "total_high"]
print(json.dumps({"types": {c: str(t.schema.field(c).type) for c in cols},
                  "nullable": all(t.schema.field(c).nullable for c in cols),
                  "rows": [[r[c] for c in cols] for r in t.to_pylist()]}))
"#;
    let got = pyarrow_json(script, &w.join("events.parquet"));
    for c in ["a_low", "a_high", "total_low", "total_high"] {
        assert_eq!(got["types"][c], "int64", "{c}");
    }
    assert_eq!(got["nullable"], true);
    let rows: Vec<Vec<Value>> = serde_json::from_value(got["rows"].clone()).unwrap();
    let want: Vec<Vec<Value>> = expected().into_iter().map(Vec::from).collect();
    assert_eq!(rows, want);
}

#[test]
fn bundles_before_release_format_5_carry_no_bounds() {
    let w = dataset(4, EVENTS, CLAIMS);
    w.stdout(&["export", "--format", "jsonl", "--out", "events.jsonl"]);
    let first: Value =
        serde_json::from_str(w.read("events.jsonl").lines().next().unwrap()).unwrap();
    assert!(first.get("a_low").is_none(), "{first}");
}

#[test]
fn a_claim_the_bounds_cannot_read_is_refused_with_its_line() {
    let w = dataset(5, EVENTS, "C1,E1,a,4,roughly\n");
    let err = w.assert_err(&["export", "--format", "jsonl", "--out", "events.jsonl"], 1);
    assert!(err.contains("\"claims\":2"), "{err}");
    assert!(err.contains("\"roughly\" \"4\""), "{err}");
}

#[test]
fn the_codebook_prints_the_best_estimate_rule_and_the_bounds() {
    let w = dataset(5, EVENTS, CLAIMS);
    let text = w.stdout(&["codebook"]);
    assert!(text.contains("## Best estimate and bounds\n\n"), "{text}");
    assert!(text.contains(BEST), "{text}");
    assert!(
        text.contains(
            "add `<column>_low` and `<column>_high` right after each of `a`, `b`, `total`"
        ),
        "{text}"
    );
    assert!(
        text.contains("approximate figures are taken at face value"),
        "{text}"
    );
    assert!(
        text.contains(
            "`reported-by`: `reported_by` is filled whenever any of `a`, `b`, `total` is."
        ),
        "{text}"
    );
}

#[test]
fn a_figure_without_a_reporter_is_found_by_present_if_any_with_its_hint() {
    // E2 gives a figure and no reporter; E7 names a reporter without figures, which the
    // one-way rule allows.
    let events = "E1,4,,4,X\nE2,7,,7,\nE7,,,,X\n";
    let w = dataset(5, events, "");
    let (code, out, err) = w.output(&["validate", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let problems: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(problems.len(), 1, "{out}");
    let p = &problems[0];
    assert_eq!(p["rule"], "reported-by");
    assert_eq!(p["field"], "reported_by");
    assert_eq!(p["line"], 3);
    let hint = p["hint"].as_str().unwrap();
    assert!(
        hint.contains("write NN where the source names no one"),
        "{hint}"
    );
}

#[test]
fn adding_a_present_if_any_rule_is_a_major_change() {
    use aabc::schema::Schema;
    use aabc::versions::versioning::Bump;
    let doc = |rules: Value| {
        json!({"properties": {"a": {"type": ["integer", "null"]}, "who": {"type": ["string", "null"]}},
               "x-rules": rules})
    };
    let load = |v: Value| Schema::from_value(std::path::Path::new("t.schema.json"), v).unwrap();
    let old = load(doc(json!([])));
    let new = load(doc(json!([
        {"id": "who", "rule": "present-if-any", "field": "who", "any": ["a"]}
    ])));
    let changes = aabc::versions::diff::schema_changes("t", &old, &new);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].change, "rule \"who\" added");
    assert_eq!(changes[0].bump, Bump::Major);
}

/// What a Python script using pyarrow prints as JSON about a Parquet file (`sys.argv[1]`).
pub(crate) fn pyarrow_json(script: &str, parquet: &std::path::Path) -> Value {
    let python = require_tool("the pinned readers' Python", ".venv/bin/python");
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(parquet)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn range() -> impl Strategy<Value = Range> {
    let q = prop_oneof![
        Just("exact"),
        Just("approximate"),
        Just("at_least"),
        Just("up_to")
    ];
    (q, 0i64..1000).prop_map(|(q, v)| Range::of(q, v).unwrap())
}

proptest! {
    /// Whatever the claims, low never exceeds high, and every exact value lies between them.
    #[test]
    fn bounds_hold_every_exact_claim(ranges in proptest::collection::vec(range(), 1..8)) {
        let (low, high) = combine(&ranges).unwrap();
        if let Some(h) = high {
            prop_assert!(low <= h);
        }
        for r in ranges.iter().filter(|r| r.high == Some(r.low) && r.at_least.is_none()) {
            prop_assert!(low <= r.low);
            if let Some(h) = high {
                prop_assert!(r.low <= h);
            }
        }
        for r in ranges.iter().filter_map(|r| r.at_least) {
            prop_assert!(high.is_none_or(|h| h >= r));
        }
    }
}
