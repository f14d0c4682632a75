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
pub fn put_json(w: &Workdir, rel: &str, v: &Value) {
    w.create(rel, serde_json::to_string_pretty(v).unwrap());
}

/// Edits the JSON file `rel` in place.
pub fn edit_json(w: &Workdir, rel: &str, f: impl FnOnce(&mut Value)) {
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

#[test]
fn a_key_column_named_role_in_a_shared_link_table_is_named_after_its_table() {
    let w = fatal_force("links-role");
    edit_json(&w, "schema/agencies.schema.json", |v| {
        let props = v["properties"].as_object_mut().unwrap();
        let id = props.remove("id").unwrap();
        let name = props.remove("name").unwrap();
        props.insert("role".into(), id);
        props.insert("name".into(), name);
        v["required"] = json!(["role", "name"]);
        v["x-primaryKey"] = json!(["role"]);
        v["x-sortKey"] = json!(["role"]);
    });
    edit_csv_header(&w, "dataset/agencies.csv", "role,name");
    edit_json(&w, INCIDENTS, |v| {
        link_fk(v)["reference"]["fields"] = json!("role");
    });
    add_related(
        &w,
        json!({"fields": "related_ids", "reference": {"resource": "agencies", "fields": "role"}, "link": "incident_agencies"}),
    );
    w.stdout(&["release"]);
    let csv = std::fs::read_to_string(bundle(&w).join("incident_agencies.csv")).unwrap();
    assert_eq!(
        csv,
        "incidents_id,role,agencies_role\n1,agency_ids,10\n2,agency_ids,10\n2,agency_ids,11\n"
    );
}

/// Replaces the header line of the CSV file `rel`.
fn edit_csv_header(w: &Workdir, rel: &str, header: &str) {
    let text = w.read(rel);
    let rest = text.split_once('\n').unwrap().1;
    w.create(rel, format!("{header}\n{rest}"));
}

#[test]
fn a_bundle_with_a_link_table_verifies_since_its_link_tables_are_its_own_tables() {
    let w = fatal_force("links-verify");
    w.stdout(&["release"]);
    let dir = bundle(&w);
    let out = w.stdout(&["verify", dir.to_str().unwrap()]);
    assert!(out.starts_with("verified:"), "{out}");
}

/// A fault a release would meet: how to make it, the words `aabc validate` must refuse it
/// with, and how to fix it.
struct Case {
    name: &'static str,
    make: fn(&Workdir),
    says: &'static str,
    fix: fn(&Workdir),
}

/// Adds a list column `related_ids` to the incidents (blank in every row) with the foreign key
/// `fk` (the test decides what it refers to).
fn add_related(w: &Workdir, fk: Value) {
    edit_json(w, INCIDENTS, |v| {
        v["properties"]["related_ids"] = json!({
            "type": ["array", "null"], "x-delimiter": ";",
            "items": {"type": "string"}, "description": "Related incidents."
        });
        v["x-foreignKeys"].as_array_mut().unwrap().push(fk);
    });
    edit_csv_header(w, "dataset/incidents.csv", "id,date,agency_ids,related_ids");
    let text = w
        .read("dataset/incidents.csv")
        .replace("10\n", "10,\n")
        .replace("11\n", "11,\n");
    w.create("dataset/incidents.csv", text);
}

/// Sets the `link` of the second foreign key of the incidents (or removes it).
fn set_second_link(w: &Workdir, link: Option<&str>) {
    edit_json(w, INCIDENTS, |v| {
        let fk = v["x-foreignKeys"][1].as_object_mut().unwrap();
        match link {
            Some(l) => fk.insert("link".into(), json!(l)),
            None => fk.remove("link"),
        };
    });
}

/// Moves the agencies' schema file from `schema/FROM` to `schema/TO`, and the metadata with it.
fn move_agencies_schema(w: &Workdir, from: &str, to: &str) {
    let to_path = w.join(&format!("schema/{to}"));
    std::fs::create_dir_all(to_path.parent().unwrap()).unwrap();
    std::fs::rename(w.join(&format!("schema/{from}")), to_path).unwrap();
    edit_json(w, META, |m| {
        m["resources"][1]["schema"] = json!(format!("../schema/{to}"))
    });
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "an expand field the referenced table lacks",
            make: |w| edit_json(w, INCIDENTS, |v| link_fk(v)["expand"] = json!(["city"])),
            says: "schema/incidents.schema.json: \"expand\" of \"agency_ids\" names \"city\", which is not a column of agencies",
            fix: |w| edit_json(w, INCIDENTS, |v| link_fk(v)["expand"] = json!(["name"])),
        },
        Case {
            name: "an as name colliding with a column",
            make: |w| {
                edit_json(w, INCIDENTS, |v| {
                    link_fk(v)["expand"] = json!([{"field": "name", "as": "date"}])
                })
            },
            says: "schema/incidents.schema.json: \"expand\" of \"agency_ids\" adds a column \"date\", but the table already has one",
            fix: |w| {
                edit_json(w, INCIDENTS, |v| {
                    link_fk(v)["expand"] = json!([{"field": "name", "as": "agency_name"}])
                })
            },
        },
        Case {
            name: "a link named like a table",
            make: |w| edit_json(w, INCIDENTS, |v| link_fk(v)["link"] = json!("agencies")),
            says: "schema/incidents.schema.json: the \"link\" of a foreign key is \"agencies\": another table of the bundle has that name",
            fix: |w| edit_json(w, INCIDENTS, |v| link_fk(v)["link"] = json!("incident_agencies")),
        },
        Case {
            name: "one link named by foreign keys to different key columns",
            make: |w| {
                add_related(
                    w,
                    json!({"fields": "related_ids", "reference": {"resource": "incidents", "fields": "id"}, "link": "incident_agencies"}),
                )
            },
            says: "schema/incidents.schema.json: the link table \"incident_agencies\" is named by foreign keys to agencies.id and to incidents.id",
            fix: |w| set_second_link(w, None),
        },
        Case {
            name: "a link of a table to itself",
            make: |w| {
                add_related(
                    w,
                    json!({"fields": "related_ids", "reference": {"resource": "incidents", "fields": "id"}, "link": "incident_links"}),
                )
            },
            says: "schema/incidents.schema.json: the link table \"incident_links\" would join \"incidents\" to itself, and both its key columns would be called \"incidents_id\"",
            fix: |w| set_second_link(w, None),
        },
        Case {
            name: "a link whose schema file a table's schema has",
            make: |w| {
                move_agencies_schema(w, "agencies.schema.json", "incident_agencies.schema.json")
            },
            says: "schema/incidents.schema.json: the \"link\" of a foreign key is \"incident_agencies\": the schema file of \"agencies\" has the name of the link table's",
            fix: |w| edit_json(w, INCIDENTS, |v| link_fk(v)["link"] = json!("incidents_agencies")),
        },
        Case {
            name: "two schema files of one file name",
            make: |w| {
                move_agencies_schema(w, "agencies.schema.json", "more/incidents.schema.json")
            },
            says: "schema/more/incidents.schema.json: two files of the bundle would have this name, \"schema/incidents.schema.json\": this schema and schema/incidents.schema.json",
            fix: |w| {
                move_agencies_schema(w, "more/incidents.schema.json", "more/agencies.schema.json")
            },
        },
        Case {
            name: "a summary column the table lacks",
            make: |w| edit_json(w, META, |m| m["summary"]["count_by"] = json!(["state"])),
            says: "no column \"state\" in table \"incidents\" (named by the metadata's summary)",
            fix: |w| edit_json(w, META, |m| m["summary"]["count_by"] = json!([])),
        },
    ]
}

/// Whether `aabc validate` refuses case `c` with its words, and the fixed dataset releases:
/// what went otherwise.
fn check(c: &Case) -> Option<String> {
    let w = fatal_force("links-needs");
    (c.make)(&w);
    let (code, _, err) = w.output(&["validate"]);
    if code != 2 || !err.contains(c.says) {
        return Some(format!("{}: validate exited {code} saying:\n{err}", c.name));
    }
    (c.fix)(&w);
    w.stdout(&["validate"]);
    let (code, out, err) = w.output(&["release"]);
    (code != 0).then(|| {
        format!(
            "{}: the fixed dataset does not release:\n{out}{err}",
            c.name
        )
    })
}

#[test]
fn validate_refuses_what_release_would_refuse_and_the_fixed_dataset_releases() {
    let failed: Vec<String> = cases().iter().filter_map(check).collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
