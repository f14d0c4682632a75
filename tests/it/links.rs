//! Link tables of datasets other than this one: two tables keyed `id` (The Washington Post's
//! Fatal Force: incidents and the agencies involved) release a link table whose columns are
//! named after their tables, and whatever a release would refuse in the schemas or the
//! metadata is refused by `aabc validate` first, so that a dataset that validates releases.

use crate::workdir::Workdir;
use serde_json::{json, Value};

/// The row schema of `incidents`: key `id`, a list of agencies linked to `agencies.id`.
fn incidents_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:ff:schema:incidents:1",
        "title": "Incident",
        "description": "One fatal shooting.",
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9]+$", "description": "Incident number."},
            "date": {"type": "string", "format": "date", "description": "Day of the shooting."},
            "agency_ids": {
                "type": "array", "x-delimiter": ";", "minItems": 1, "uniqueItems": true,
                "items": {"type": "string", "pattern": "^[0-9]+$"},
                "description": "Agencies involved."
            }
        },
        "required": ["id", "date", "agency_ids"],
        "additionalProperties": false,
        "x-primaryKey": ["id"],
        "x-sortKey": ["id"],
        "x-foreignKeys": [{
            "fields": "agency_ids",
            "reference": {"resource": "agencies", "fields": "id"},
            "link": "incident_agencies"
        }]
    })
}

/// The row schema of `agencies`: key `id`.
fn agencies_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:ff:schema:agencies:1",
        "title": "Agency",
        "description": "One police agency.",
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9]+$", "description": "Agency number."},
            "name": {"type": "string", "description": "Name of the agency."}
        },
        "required": ["id", "name"],
        "additionalProperties": false,
        "x-primaryKey": ["id"],
        "x-sortKey": ["id"]
    })
}

/// Writes `v` as the JSON file `rel`.
fn put_json(w: &Workdir, rel: &str, v: &Value) {
    w.create(rel, serde_json::to_string_pretty(v).unwrap());
}

/// Edits the JSON file `rel` in place.
fn edit_json(w: &Workdir, rel: &str, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&w.read(rel)).unwrap();
    f(&mut v);
    put_json(w, rel, &v);
}

const INCIDENTS: &str = "schema/incidents.schema.json";
const META: &str = "dataset/dataset.json";

/// The first foreign key of `incidents`.
fn link_fk(v: &mut Value) -> &mut Value {
    &mut v["x-foreignKeys"][0]
}

/// A scaffolded dataset made into two tables keyed `id`, release format 5.
fn fatal_force(name: &str) -> Workdir {
    let w = Workdir::init(name, "ff", &["--title", "Fatal Force"]);
    std::fs::remove_file(w.join("schema/events.schema.json")).unwrap();
    std::fs::remove_file(w.join("dataset/events.csv")).unwrap();
    put_json(&w, INCIDENTS, &incidents_schema());
    put_json(&w, "schema/agencies.schema.json", &agencies_schema());
    w.create(
        "dataset/incidents.csv",
        "id,date,agency_ids\n1,2015-01-02,10\n2,2015-01-03,10;11\n",
    );
    w.create(
        "dataset/agencies.csv",
        "id,name\n10,Springfield Police\n11,County Sheriff\n",
    );
    edit_json(&w, META, |m| {
        m["resources"] = json!([
            {"name": "incidents", "path": "incidents.csv", "schema": "../schema/incidents.schema.json"},
            {"name": "agencies", "path": "agencies.csv", "schema": "../schema/agencies.schema.json"},
        ]);
        m["summary"] = json!({"table": "incidents", "year_of": "date", "count_by": [], "sum": []});
        m["releases"]["table"] = json!("incidents");
        m["release_format"] = json!(5);
    });
    w
}

/// The bundle's folder under `dist/`.
fn bundle(w: &Workdir) -> std::path::PathBuf {
    w.join("dist/ff-0.1.0")
}

#[test]
fn two_tables_keyed_id_release_a_link_table_with_columns_named_after_their_tables() {
    let w = fatal_force("links-id");
    w.stdout(&["validate"]);
    w.stdout(&["release"]);
    let dir = bundle(&w);
    let csv = std::fs::read_to_string(dir.join("incident_agencies.csv")).unwrap();
    assert_eq!(csv, "incidents_id,agencies_id\n1,10\n2,10\n2,11\n");
    let dp: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("datapackage.json")).unwrap())
            .unwrap();
    let link = dp["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "incident_agencies")
        .unwrap();
    assert_eq!(
        link["schema"]["foreignKeys"],
        json!([
            {"fields": "incidents_id", "reference": {"resource": "incidents", "fields": "id"}},
            {"fields": "agencies_id", "reference": {"resource": "agencies", "fields": "id"}},
        ])
    );
    assert_eq!(
        link["schema"]["primaryKey"],
        json!(["incidents_id", "agencies_id"])
    );
}

#[test]
fn key_columns_of_different_names_keep_their_names() {
    let w = fatal_force("links-names");
    edit_json(&w, "schema/agencies.schema.json", |v| {
        let props = v["properties"].as_object_mut().unwrap();
        let id = props.remove("id").unwrap();
        let name = props.remove("name").unwrap();
        props.insert("agency_id".into(), id);
        props.insert("name".into(), name);
        v["required"] = json!(["agency_id", "name"]);
        v["x-primaryKey"] = json!(["agency_id"]);
        v["x-sortKey"] = json!(["agency_id"]);
    });
    edit_json(&w, INCIDENTS, |v| {
        link_fk(v)["reference"]["fields"] = json!("agency_id");
    });
    edit_csv_header(&w, "dataset/agencies.csv", "agency_id,name");
    w.stdout(&["release"]);
    let csv = std::fs::read_to_string(bundle(&w).join("incident_agencies.csv")).unwrap();
    assert_eq!(csv.lines().next(), Some("id,agency_id"));
}

/// Replaces the header line of the CSV file `rel`.
fn edit_csv_header(w: &Workdir, rel: &str, header: &str) {
    let text = w.read(rel);
    let rest = text.split_once('\n').unwrap().1;
    w.create(rel, format!("{header}\n{rest}"));
}
