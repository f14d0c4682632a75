//! Geography that claims no more than it knows: an `expand` with `"aggregate": "coarsest"`
//! exports the least precise `geo_precision` of a row's places (at least 3 when they lie in
//! more than one province), and `"aggregate": "distinct"` every country a row touches, as a
//! list. On a small dataset made in the test, and on the real one.

use crate::workdir::Workdir;
use serde_json::{json, Value};

/// Places in two provinces of two countries, and events naming one or several of them, with
/// `place_ids` expanded by `expand` (the aggregates unless a test changes them).
fn dataset(expand: Value) -> Workdir {
    let w = Workdir::new("geography");
    let meta = json!({
        "name": "geo", "title": "Geo", "version": "1.0.0",
        "description": "Events and their places.",
        "licenses": [{"name": "CC0-1.0"}],
        "coverage": {"start": null, "end": null},
        "creators": [{"name": "Test team"}],
        "release_format": 4,
        "resources": [
            {"name": "events", "path": "events.csv", "schema": "../schema/events.schema.json"},
            {"name": "places", "path": "places.csv", "schema": "../schema/places.schema.json"}
        ]
    });
    let places = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Place", "type": "object",
        "properties": {
            "place_id": {"type": "string", "description": "Id."},
            "country": {"description": "Country.", "oneOf": [
                {"const": "AM", "title": "Armenia", "description": "Armenia."},
                {"const": "AZ", "title": "Azerbaijan", "description": "Azerbaijan."}
            ]},
            "admin1_code": {"type": ["string", "null"], "description": "Province."},
            "latitude": {"type": ["number", "null"], "x-role": "latitude", "description": "Latitude."},
            "longitude": {"type": ["number", "null"], "x-role": "longitude", "description": "Longitude."},
            "geo_precision": {"description": "Precision.", "oneOf": [
                {"const": 1, "description": "The place."},
                {"const": 2, "description": "Near it."},
                {"const": 3, "description": "Its region."},
                {"type": "null", "description": "No coordinates."}
            ]}
        },
        "required": ["place_id", "country", "admin1_code", "latitude", "longitude", "geo_precision"],
        "additionalProperties": false,
        "x-primaryKey": ["place_id"]
    });
    let events = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Event", "type": "object",
        "properties": {
            "event_id": {"type": "string", "description": "Id."},
            "place_ids": {"type": ["array", "null"], "items": {"type": "string"}, "description": "Places."}
        },
        "required": ["event_id", "place_ids"],
        "additionalProperties": false,
        "x-primaryKey": ["event_id"],
        "x-foreignKeys": [{"fields": "place_ids",
                           "reference": {"resource": "places", "fields": "place_id"},
                           "expand": expand}]
    });
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap();
    w.create("dataset/dataset.json", pretty(&meta));
    w.create("schema/places.schema.json", pretty(&places));
    w.create("schema/events.schema.json", pretty(&events));
    w.create(
        "dataset/places.csv",
        "place_id,country,admin1_code,latitude,longitude,geo_precision\n\
         am-a,AM,AM-GR,40.1,45.1,1\n\
         am-b,AM,AM-GR,40.2,45.2,2\n\
         am-c,AM,AM-SU,39.5,46.3,1\n\
         az-d,AZ,AZ-KAL,40.0,46.0,1\n",
    );
    // E1: two provinces of two countries; E2: one place; E3: two places of one province;
    // E4: no place; E5: two provinces of one country.
    w.create(
        "dataset/events.csv",
        "event_id,place_ids\nE1,am-a;az-d\nE2,am-a\nE3,am-a;am-b\nE4,\nE5,am-c;am-a\n",
    );
    w
}

fn aggregates() -> Value {
    json!([
        "latitude",
        {"field": "geo_precision", "aggregate": "coarsest", "spread": "admin1_code", "spread_value": 3},
        "country",
        {"field": "country", "as": "countries", "aggregate": "distinct"}
    ])
}

/// The JSON Lines export of the events.
fn exported(w: &Workdir) -> Vec<Value> {
    w.stdout(&["export", "--format", "jsonl", "--out", "events.jsonl"]);
    w.read("events.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn places_in_two_provinces_export_precision_3_and_every_country() {
    let rows = exported(&dataset(aggregates()));
    let got: Vec<(Value, Value, Value)> = rows
        .iter()
        .map(|r| {
            (
                r["geo_precision"].clone(),
                r["country"].clone(),
                r["countries"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (json!(3), json!("AM"), json!(["AM", "AZ"])),
            // One place keeps its own precision.
            (json!(1), json!("AM"), json!(["AM"])),
            // One province: the coarsest of the places.
            (json!(2), json!("AM"), json!(["AM"])),
            (Value::Null, Value::Null, Value::Null),
            (json!(3), json!("AM"), json!(["AM"])),
        ]
    );
    // The added columns sit right after the list, in the declared order.
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "event_id",
            "place_ids",
            "latitude",
            "geo_precision",
            "country",
            "countries"
        ]
    );
}

#[test]
fn the_first_place_alone_is_what_a_plain_expand_gives() {
    let rows = exported(&dataset(json!(["geo_precision", "country"])));
    assert_eq!(rows[0]["geo_precision"], json!(1));
    assert_eq!(rows[4]["geo_precision"], json!(1));
    assert!(rows[0].get("countries").is_none());
}

#[test]
fn countries_are_a_list_of_strings_in_parquet_and_precision_stays_an_integer() {
    let w = dataset(aggregates());
    w.stdout(&["export", "--format", "parquet", "--out", "events.parquet"]);
    let script = r#"
import json, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(json.dumps({"countries": str(t.schema.field("countries").type),
                  "precision": str(t.schema.field("geo_precision").type),
                  "rows": [[r["geo_precision"], r["countries"]] for r in t.to_pylist()]}))
"#;
    let got = crate::bounds::pyarrow_json(script, &w.join("events.parquet"));
    // The countries' vocabulary makes the items categories (`aabc export` writes the newest
    // layout: release format 6's dictionary-encoded list items).
    assert_eq!(
        got["countries"],
        "list<item: dictionary<values=string, indices=int32, ordered=0> not null>"
    );
    // No range is declared, so the integer is 64 bits wide.
    assert_eq!(got["precision"], "int64");
    assert_eq!(
        got["rows"],
        json!([
            [3, ["AM", "AZ"]],
            [1, ["AM"]],
            [2, ["AM"]],
            [null, null],
            [3, ["AM"]]
        ])
    );
}

#[test]
fn aggregates_that_cannot_hold_are_refused_with_the_schema() {
    for (expand, said) in [
        (
            json!([{"field": "admin1_code", "aggregate": "coarsest"}]),
            "\"coarsest\" needs a vocabulary or a number",
        ),
        (
            json!([{"field": "geo_precision", "aggregate": "coarsest", "spread": "admin1_code", "spread_value": 4}]),
            "\"spread_value\" \"4\" is not a value of geo_precision",
        ),
        (
            json!([{"field": "geo_precision", "aggregate": "distinct"}]),
            "\"distinct\" makes a list of strings",
        ),
        (
            json!([{"field": "country", "aggregate": "distinct"}]),
            "adds a column \"country\", but the table already has one",
        ),
    ] {
        let w = dataset(expand.clone());
        // The last case collides only with a column the table has: give it one.
        if said.contains("already has one") {
            w.create(
                "dataset/events.csv",
                "event_id,place_ids,country\nE1,am-a,AM\n",
            );
            let mut s: Value = serde_json::from_str(&w.read("schema/events.schema.json")).unwrap();
            s["properties"]["country"] = json!({"type": ["string", "null"]});
            s["required"] = json!(["event_id", "place_ids", "country"]);
            w.create("schema/events.schema.json", s.to_string());
        }
        let err = w.assert_err(&["export", "--format", "jsonl", "--out", "events.jsonl"], 2);
        assert!(err.contains(said), "{expand}: {err}");
    }
}

#[test]
fn the_real_dataset_exports_vardenis_at_precision_3_and_cross_border_rows_with_both_countries() {
    let w = Workdir::with_dataset("geography-real");
    let rows = exported(&w);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["event_id"] == id)
            .unwrap_or_else(|| panic!("{id} is not exported"))
            .clone()
    };
    let vardenis = row("AABC-0093");
    assert_eq!(vardenis["geo_precision"], json!(3), "{vardenis}");
    assert_eq!(vardenis["countries"], json!(["AM"]));
    let both = rows
        .iter()
        .filter(|r| {
            let c = r["countries"].as_array().map_or(0, Vec::len);
            c > 1
        })
        .count();
    assert!(both >= 3, "{both} rows touch more than one country");
    // The map draws what the expanded rows say: AABC-0093 is hollow (only the region is known),
    // one marker per event as release format 5 draws it.
    let mut meta: Value = serde_json::from_str(&w.read("dataset/dataset.json")).unwrap();
    meta["release_format"] = json!(5);
    w.create("dataset/dataset.json", meta.to_string());
    let site = w.join("site-out");
    w.stdout(&["site", "--out", site.to_str().unwrap()]);
    let map = std::fs::read_to_string(site.join("index.html")).unwrap();
    let marker = map
        .split("<circle")
        .find(|l| l.contains("data-id=\"AABC-0093\""))
        .and_then(|c| c.split('>').next())
        .expect("AABC-0093 is on the map");
    assert!(marker.contains("fill=\"none\""), "{marker}");
}
