//! `aabc export`: one table in every format (CSV, JSON, JSON Lines, Parquet, GeoJSON), typed
//! values exactly as `validate` reads them, link tables and expanded columns of release format 2,
//! Parquet dictionaries holding the whole vocabulary in codebook order, Hive-partitioned output,
//! and refusal of a cell or a CSV it cannot write as meant.

use crate::common::*;
use arrow::array::{Array, AsArray, DictionaryArray};
use arrow::datatypes::Int32Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::HashMap;
use std::path::Path;

/// Per column: every batch's dictionary values (as they come) and the decoded values of
/// every row (`None` for blank); plus the Arrow fields' `dict_is_ordered` and the number of row
/// groups.
struct ReadBack {
    dictionaries: HashMap<String, Vec<Vec<String>>>,
    values: HashMap<String, Vec<Option<String>>>,
    ordered: HashMap<String, bool>,
    row_groups: usize,
}

fn read_back(path: &Path) -> ReadBack {
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let row_groups = builder.metadata().num_row_groups();
    let mut r = ReadBack {
        dictionaries: HashMap::new(),
        values: HashMap::new(),
        ordered: HashMap::new(),
        row_groups,
    };
    for f in builder.schema().fields() {
        if let Some(o) = f.dict_is_ordered() {
            r.ordered.insert(f.name().clone(), o);
        }
    }
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        for (f, col) in batch.schema().fields().iter().zip(batch.columns()) {
            let Some(dict) = col.as_any().downcast_ref::<DictionaryArray<Int32Type>>() else {
                continue;
            };
            let values = dict.values().as_string::<i32>();
            let terms: Vec<String> = (0..values.len())
                .map(|i| values.value(i).to_string())
                .collect();
            let rows = r.values.entry(f.name().clone()).or_default();
            for i in 0..dict.len() {
                rows.push(
                    dict.is_valid(i)
                        .then(|| terms[dict.keys().value(i) as usize].clone()),
                );
            }
            r.dictionaries
                .entry(f.name().clone())
                .or_default()
                .push(terms);
        }
    }
    r
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const TONES: usize = 20;

/// A row schema with a required vocabulary (one term without rows), a nullable one of 20
/// terms and an ordered one.
fn schema() -> serde_json::Value {
    let mut tones: Vec<serde_json::Value> = (0..TONES)
        .map(|i| serde_json::json!({"const": format!("t{i:02}"), "description": "A tone."}))
        .collect();
    tones.push(serde_json::json!({"type": "null", "description": "Not stated."}));
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:test:dictionary",
        "type": "object",
        "properties": {
            "row_id": {"type": "string", "description": "Row."},
            "kind": {"description": "Kind.", "oneOf": [
                {"const": "zeta", "description": "Z."},
                {"const": "unused", "description": "Never in the data."},
                {"const": "alpha", "description": "A."}
            ]},
            "tone": {"description": "Tone.", "oneOf": tones},
            "level": {"description": "Level.", "x-ordered": true, "oneOf": [
                {"const": "low", "description": "Low."},
                {"const": "mid", "description": "Mid."},
                {"const": "high", "description": "High."}
            ]},
            "n": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000,
                  "description": "A count.", "x-blank": "Not reported."},
            "grade": {"description": "An integer vocabulary: stays an integer column.", "oneOf": [
                {"const": 1, "description": "One."},
                {"const": 2, "description": "Two."},
                {"const": 3, "description": "Three."}
            ]}
        },
        "required": ["row_id", "kind", "tone", "level", "n", "grade"],
        "additionalProperties": false,
        "x-primaryKey": ["row_id"]
    })
}

/// The geo fixture (release format 2): an event type without rows.
fn geo_bundle(d: &Path) -> std::path::PathBuf {
    copy_tree(&root().join("tests/fixtures/geo"), d);
    let (code, out, err) = run(d, &["release", "--out", d.join("dist").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    d.join("dist/geo-fixture-2.0.0")
}

const EVENT_TYPES: [&str; 5] = [
    "armed_clash",
    "shelling",
    "incursion",
    "prisoner_release",
    "statement",
];

fn keys(v: &serde_json::Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn vocabulary_dictionaries_hold_the_whole_codebook_in_order_in_every_row_group_and_page() {
    let d = tempfile::tempdir().unwrap();
    let schema_path = d.path().join("t.schema.json");
    std::fs::write(&schema_path, schema().to_string()).unwrap();
    // 300,000 rows: three row groups of 128 Ki rows, pages of 20,000; runs and mixed values,
    // blanks, and only `high` in the first rows (so appearance order is not codebook order).
    let rows = 300_000usize;
    let mut csv = String::from("row_id,kind,tone,level,n,grade\n");
    let mut expected: Vec<[Option<String>; 3]> = Vec::with_capacity(rows);
    let mut x: u64 = 12345;
    for i in 0..rows {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        let kind = if (i / 1000) % 2 == 0 { "zeta" } else { "alpha" };
        let tone = match r % 7 {
            0 => None,
            1 | 2 => Some(format!("t{:02}", (i / 50) % TONES)),
            _ => Some(format!("t{:02}", (r >> 3) % (TONES - 1))),
        };
        let level = if i < 5000 {
            "high"
        } else {
            ["low", "mid", "high"][(r >> 8) % 3]
        };
        csv.push_str(&format!(
            "r{i},{kind},{},{level},{},{}\n",
            tone.as_deref().unwrap_or(""),
            i % 3,
            i % 3 + 1
        ));
        expected.push([Some(kind.into()), tone, Some(level.into())]);
    }
    let data = d.path().join("t.csv");
    std::fs::write(&data, csv).unwrap();
    let out = d.path().join("t.parquet");
    aabc_ok(&[
        "export",
        "--schema",
        schema_path.to_str().unwrap(),
        "--format",
        "parquet",
        "--out",
        out.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    let r = read_back(&out);
    assert!(r.row_groups >= 3, "{} row groups", r.row_groups);
    let tones: Vec<String> = (0..TONES).map(|i| format!("t{i:02}")).collect();
    for (name, terms) in [
        ("kind", strings(&["zeta", "unused", "alpha"])),
        ("tone", tones),
        ("level", strings(&["low", "mid", "high"])),
    ] {
        let dicts = &r.dictionaries[name];
        assert!(!dicts.is_empty());
        for dict in dicts {
            assert_eq!(dict, &terms, "{name}");
        }
    }
    assert!(r.ordered["level"]);
    assert!(!r.ordered["kind"]);
    assert!(!r.dictionaries.contains_key("grade"));
    for (c, name) in ["kind", "tone", "level"].iter().enumerate() {
        let got = &r.values[*name];
        assert_eq!(got.len(), rows, "{name}");
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, &e[c], "{name}, row {i}");
        }
    }
    // Min/max statistics of the vocabulary columns are those of the values present (byte
    // order), for readers that skip row groups by them.
    let file = std::fs::File::open(&out).unwrap();
    let meta = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .metadata()
        .clone();
    let kind = meta.row_group(0).column(1).statistics().unwrap();
    assert_eq!(kind.min_bytes_opt(), Some("alpha".as_bytes()));
    assert_eq!(kind.max_bytes_opt(), Some("zeta".as_bytes()));
    assert_eq!(
        meta.row_group(0)
            .column(2)
            .statistics()
            .unwrap()
            .null_count_opt(),
        Some(
            expected[..128 * 1024]
                .iter()
                .filter(|e| e[1].is_none())
                .count() as u64
        )
    );
    // The same rows give the same bytes.
    let again = d.path().join("again.parquet");
    aabc_ok(&[
        "export",
        "--schema",
        schema_path.to_str().unwrap(),
        "--format",
        "parquet",
        "--out",
        again.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn a_format_2_bundle_and_its_year_partitions_carry_every_category_in_their_dictionaries() {
    let d = tempfile::tempdir().unwrap();
    let b = geo_bundle(d.path());
    let r = read_back(&b.join("events.parquet"));
    assert_eq!(r.dictionaries["event_type"], vec![strings(&EVENT_TYPES)]);
    assert_eq!(
        r.dictionaries["date_precision"],
        vec![strings(&["day", "month", "year"])]
    );
    assert!(r.ordered["date_precision"]);
    // The convenience column `country` (a nullable vocabulary of places) too.
    assert_eq!(r.dictionaries["country"], vec![strings(&["AM", "AZ"])]);
    let csv = std::fs::read_to_string(b.join("events.csv")).unwrap();
    let types: Vec<Option<String>> = csv
        .lines()
        .skip(1)
        .map(|l| Some(l.split(',').nth(3).unwrap().to_string()))
        .collect();
    assert_eq!(r.values["event_type"], types);
    // So the README reads categoricals without lines that restore the categories.
    let readme = std::fs::read_to_string(b.join("README.md")).unwrap();
    assert!(!readme.contains("set_categories"), "{readme}");
    assert!(readme
        .contains("events = pq.read_table(\"events.parquet\").to_pandas(date_as_object=False)"));
    let parts = d.path().join("by-year");
    let (code, _, err) = run(
        d.path(),
        &[
            "export",
            "--format",
            "parquet",
            "--partition-by",
            "year",
            "--out",
            parts.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    for year in ["2021", "2022"] {
        let r = read_back(&parts.join(format!("year={year}/part-0.parquet")));
        assert_eq!(
            r.dictionaries["event_type"],
            vec![strings(&EVENT_TYPES)],
            "{year}"
        );
    }
}

#[test]
fn a_format_1_bundle_keeps_the_dictionaries_of_its_published_layout() {
    let d = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/geo"), d.path());
    let meta = d.path().join("dataset/dataset.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace("\"release_format\": 2", "\"release_format\": 1"),
    )
    .unwrap();
    let (code, out, err) = run(
        d.path(),
        &["release", "--out", d.path().join("dist").to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}{err}");
    let r = read_back(&d.path().join("dist/geo-fixture-2.0.0/events.parquet"));
    // Only the values present, in order of appearance, as 1.x bundles were written.
    let dict = &r.dictionaries["event_type"][0];
    assert!(!dict.contains(&"prisoner_release".to_string()), "{dict:?}");
}

#[test]
fn export_writes_one_table_in_each_format() {
    let dist = tempfile::tempdir().unwrap();
    assert_eq!(release_into(dist.path()).status.code(), Some(0));
    let bundle = dist.path().join(bundle_name());
    let out_dir = tempfile::tempdir().unwrap();
    for (format, ext) in [
        ("json", "json"),
        ("jsonl", "jsonl"),
        ("csv", "csv"),
        ("parquet", "parquet"),
    ] {
        let out = out_dir.path().join(format!("events.{ext}"));
        let run = aabc()
            .args(["export", "--format", format, "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        if ext != "parquet" {
            // The shipped CSV is canonical, so the single export equals the bundle's file.
            assert!(
                std::fs::read(&out).unwrap()
                    == std::fs::read(bundle.join(format!("events.{ext}"))).unwrap(),
                "{ext}"
            );
        }
    }
    // The typed files of a table with convenience columns follow its expanded schema.
    let expanded = bundle.join("schema/events.expanded.schema.json");
    let schema = aabc::schema::Schema::load(&if expanded.exists() {
        expanded
    } else {
        root().join("schema/events.schema.json")
    })
    .unwrap();
    let a = aabc::release::verify::read_parquet(&out_dir.path().join("events.parquet"), &schema)
        .unwrap();
    let b = aabc::release::verify::read_parquet(&bundle.join("events.parquet"), &schema).unwrap();
    assert_eq!(a, b);
    let sources = out_dir.path().join("sources.json");
    let run = aabc()
        .args([
            "export",
            "--table",
            "sources",
            "--format",
            "json",
            "--out",
            sources.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(
        std::fs::read(&sources).unwrap() == std::fs::read(bundle.join("sources.json")).unwrap()
    );
}

#[test]
fn export_of_an_invalid_cell_fails_with_its_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.parquet");
    let (code, _, err) = export_csv(
        Path::new("tests/fixtures/integer.csv"),
        &["--format", "parquet", "--out", out.to_str().unwrap()],
    );
    // The data is wrong, not the tool: exit 1.
    assert_eq!(code, 1);
    assert!(
        err.contains("line 2: killed_am_military = \"three\" is not a valid integer"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file is left"
    );
}

#[test]
fn link_tables_shared_by_several_lists_get_a_role_column() {
    let d = geo_fixture();
    let b = geo_bundle_dir(d.path());
    assert_eq!(
        read_text(&b.join("event_actors.csv")),
        "event_id,role,actor_id\n\
         E-0001,actor1_ids,A001\n\
         E-0001,reported_by_ids,A002\n\
         E-0001,reported_by_ids,A003\n\
         E-0002,actor1_ids,A001\n\
         E-0002,actor1_ids,A002\n\
         E-0002,reported_by_ids,A002\n\
         E-0003,actor1_ids,A003\n\
         E-0004,actor1_ids,A001\n\
         E-0004,reported_by_ids,A002\n"
    );
    // One list, one link table: no role column, as in 1.x bundles.
    assert_eq!(
        read_text(&b.join("event_places.csv")),
        "event_id,place_id\nE-0001,P001\nE-0001,P002\nE-0002,P003\nE-0004,P004\n"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&read_text(&b.join("schema/event_actors.schema.json"))).unwrap();
    assert_eq!(
        schema["x-primaryKey"],
        serde_json::json!(["event_id", "role", "actor_id"])
    );
    assert_eq!(
        schema["properties"]["role"]["enum"],
        serde_json::json!(["actor1_ids", "reported_by_ids"])
    );
    let dp: serde_json::Value =
        serde_json::from_str(&read_text(&b.join("datapackage.json"))).unwrap();
    let link = dp["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "event_actors")
        .expect("event_actors is described in datapackage.json");
    assert_eq!(
        link["schema"]["primaryKey"],
        serde_json::json!(["event_id", "role", "actor_id"])
    );
}

#[test]
fn typed_exports_add_the_primary_items_columns_after_the_list_and_the_csv_keeps_the_list() {
    let d = geo_fixture();
    let b = geo_bundle_dir(d.path());
    let rows = jsonl(&b.join("events.jsonl"));
    assert_eq!(
        keys(&rows[0]),
        [
            "event_id",
            "date_start",
            "date_precision",
            "event_type",
            "place_ids",
            "latitude",
            "longitude",
            "geo_precision",
            "country",
            "actor1_ids",
            "actor1",
            "reported_by_ids",
            "killed_total",
            "source_ids",
            "notes"
        ]
    );
    // The first place of E-0001 (P001), the first actor of E-0002 (A001).
    assert_eq!(rows[0]["latitude"], serde_json::json!(39.84168));
    assert_eq!(rows[0]["longitude"], serde_json::json!(45.67393));
    assert_eq!(rows[0]["geo_precision"], serde_json::json!(1));
    assert_eq!(rows[0]["country"], serde_json::json!("AM"));
    assert_eq!(
        rows[1]["actor1"],
        serde_json::json!("Military Forces of Azerbaijan")
    );
    // No place: every added column is null; a place without coordinates: only its country.
    for k in ["latitude", "longitude", "geo_precision", "country"] {
        assert!(rows[2][k].is_null(), "{k}");
    }
    assert!(rows[3]["latitude"].is_null() && rows[3]["country"] == "AZ");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&read_text(&b.join("events.json"))).unwrap(),
        serde_json::Value::Array(rows)
    );
    // The canonical CSV is the contributors' file.
    assert_eq!(
        read_text(&b.join("events.csv")),
        read_text(&root().join("tests/fixtures/geo/dataset/events.csv"))
    );
    // The added columns are described, typed and nullable in the expanded schema.
    let x: serde_json::Value =
        serde_json::from_str(&read_text(&b.join("schema/events.expanded.schema.json"))).unwrap();
    assert_eq!(x["properties"]["latitude"]["x-role"], "latitude");
    // actor1_ids is required, so actor1 is too; place_ids may be blank, so country may be null.
    assert_eq!(x["properties"]["actor1"]["type"], "string");
    let country = x["properties"]["country"]["oneOf"].as_array().unwrap();
    assert_eq!(country.last().unwrap()["type"], "null");
    assert_eq!(
        x["properties"]["geo_precision"]["type"],
        serde_json::json!(["integer", "null"])
    );
    assert!(x["properties"]["latitude"]["description"]
        .as_str()
        .unwrap()
        .starts_with("From places.latitude of the first (primary) item of place_ids"));
    // The Parquet file has the same columns, and verify compares them with the expanded CSV.
    let schema =
        aabc::schema::Schema::from_value(Path::new("events.expanded.schema.json"), x.clone())
            .unwrap();
    let parquet = aabc::release::verify::read_parquet(&b.join("events.parquet"), &schema).unwrap();
    assert_eq!(parquet, jsonl(&b.join("events.jsonl")));
    let (code, out, err) = run_aabc(&["verify", b.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 problem(s)"), "{out}");
    // aabc export gives the same typed rows; its CSV stays the canonical one.
    let one = d.path().join("events.jsonl");
    let (code, _, err) = run(
        d.path(),
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            one.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(read_text(&one), read_text(&b.join("events.jsonl")));
    let csv = d.path().join("events.csv");
    let (code, _, err) = run(
        d.path(),
        &["export", "--format", "csv", "--out", csv.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(read_text(&csv), read_text(&b.join("events.csv")));
}

#[test]
fn an_expanded_export_naming_an_unknown_place_exits_1_with_the_line() {
    let d = geo_fixture();
    let events = d.path().join("dataset/events.csv");
    std::fs::write(&events, read_text(&events).replace("P003", "P999")).unwrap();
    let out = d.path().join("events.json");
    let (code, _, err) = run(
        d.path(),
        &["export", "--format", "json", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("events.csv:3: \"P999\" is not a key of places"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn geojson_has_lon_lat_points_and_null_geometry_for_rows_without_coordinates() {
    let d = geo_fixture();
    let out = d.path().join("events.geojson");
    let (code, _, err) = run(
        d.path(),
        &[
            "export",
            "--format",
            "geojson",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 4 rows"), "{err}");
    let g: serde_json::Value = serde_json::from_str(&read_text(&out)).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert!(g.get("crs").is_none(), "RFC 7946 has no crs member");
    let f = g["features"].as_array().unwrap();
    assert_eq!(f.len(), 4);
    assert_eq!(f[0]["type"], "Feature");
    assert_eq!(f[0]["id"], "E-0001");
    assert_eq!(
        f[0]["geometry"],
        serde_json::json!({"type": "Point", "coordinates": [45.67393, 39.84168]})
    );
    assert_eq!(
        f[1]["geometry"]["coordinates"],
        serde_json::json!([45.61, 40.33])
    );
    // No place, and a place without coordinates.
    assert!(f[2]["geometry"].is_null() && f[3]["geometry"].is_null());
    assert!(f[2].as_object().unwrap().contains_key("geometry"));
    // Properties are the typed event columns, as in the JSON Lines export.
    let b = geo_bundle_dir(d.path());
    let props: Vec<serde_json::Value> = f.iter().map(|f| f["properties"].clone()).collect();
    assert_eq!(props, jsonl(&b.join("events.jsonl")));
    assert_eq!(read_text(&out), read_text(&b.join("events.geojson")));
    // Places have coordinates of their own.
    let places: serde_json::Value =
        serde_json::from_str(&read_text(&b.join("places.geojson"))).unwrap();
    assert_eq!(places["features"].as_array().unwrap().len(), 4);
}

#[test]
fn geojson_of_a_table_without_coordinate_roles_exits_2_and_says_why() {
    let d = geo_fixture();
    let out = d.path().join("sources.geojson");
    let (code, _, err) = run(
        d.path(),
        &[
            "export",
            "--table",
            "sources",
            "--format",
            "geojson",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"x-role\": \"latitude\""), "{err}");
    assert!(!out.exists());
    // A bundle writes GeoJSON only for tables with coordinates.
    let b = geo_bundle_dir(d.path());
    assert!(!b.join("sources.geojson").exists() && !b.join("actors.geojson").exists());
}

#[test]
fn parquet_carries_every_category_in_codebook_order_and_orders_marked_vocabularies() {
    let d = geo_fixture();
    let b = geo_bundle_dir(d.path());
    let (schema, kv) = parquet_meta(&b.join("events.parquet"));
    let precision = schema.field_with_name("date_precision").unwrap();
    assert_eq!(precision.dict_is_ordered(), Some(true));
    assert_eq!(
        precision.metadata()["categories"],
        r#"["day","month","year"]"#
    );
    let kind = schema.field_with_name("event_type").unwrap();
    assert_eq!(kind.dict_is_ordered(), Some(false));
    // prisoner_release has no row: it is still a category.
    assert_eq!(
        kind.metadata()["categories"],
        r#"["armed_clash","shelling","incursion","prisoner_release","statement"]"#
    );
    let cats = kv.iter().find(|(k, _)| k == "aabc:categories").unwrap();
    let cats: serde_json::Value = serde_json::from_str(&cats.1).unwrap();
    assert_eq!(
        cats["date_precision"],
        serde_json::json!(["day", "month", "year"])
    );
    assert_eq!(cats["country"], serde_json::json!(["AM", "AZ"]));
    // So does every partition of a partitioned export, with the convenience columns.
    let parts = d.path().join("by-year");
    let (code, _, err) = run(
        d.path(),
        &[
            "export",
            "--format",
            "parquet",
            "--partition-by",
            "year",
            "--out",
            parts.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    for year in ["2021", "2022"] {
        let (s, kv) = parquet_meta(&parts.join(format!("year={year}/part-0.parquet")));
        assert!(s.field_with_name("latitude").is_ok(), "{year}");
        assert_eq!(
            s.field_with_name("event_type").unwrap().metadata()["categories"],
            kind.metadata()["categories"]
        );
        assert!(kv.iter().any(|(k, _)| k == "aabc:categories"), "{year}");
    }
}

#[test]
fn export_refuses_a_csv_with_an_undoubled_quote_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.json");
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/undoubled_quote.csv"),
        &["--format", "json", "--out", out_file.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(":2:278: a double quote"), "{err}");
    assert!(!out_file.exists());
}

#[test]
fn parquet_export_reads_numbers_as_validate_does() {
    // `+3` was exported as 3 to Parquet while validate, JSON and the rules saw no integer.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.parquet");
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/integer_not_canonical.csv"),
        &["--format", "parquet", "--out", out.to_str().unwrap()],
    );
    // The data is wrong, not the run: exit 1.
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("line 2: killed_am_military = \"+3\" is not a valid integer"),
        "{err}"
    );
    assert!(!out.exists());
}

// Every format refuses what Parquet refuses: a cell that is not its column's type (JSON wrote
// "03" as a string in an integer column, CSV copied it).
#[test]
fn every_export_format_refuses_a_cell_that_is_not_its_type() {
    for format in ["parquet", "json", "jsonl", "csv"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(format!("t.{format}"));
        let (code, _, err) = export_csv(
            &root().join("tests/fixtures/integer_not_canonical.csv"),
            &["--format", format, "--out", out.to_str().unwrap()],
        );
        assert_eq!(code, 1, "{format}: {err}");
        assert!(
            err.contains("line 2: killed_am_military = \"+3\" is not a valid integer"),
            "{format}: {err}"
        );
        assert!(!out.exists(), "{format}: nothing is written");
    }
}

#[test]
fn parquet_export_of_any_csv_holds_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = synth(dir.path(), "rows.csv", 70_000, 2, "0");
    let out = dir.path().join("rows.parquet");
    let run = export_with(
        "schema/events.schema.json",
        &file,
        &["--format", "parquet", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.0, 0, "{}", run.2);
    let schema = aabc::schema::Schema::load(&root().join("schema/events.schema.json")).unwrap();
    let from_parquet = aabc::release::verify::read_parquet(&out, &schema).unwrap();
    let text = std::fs::read(&file).unwrap();
    let mut rows = aabc::schema::rows::Rows::new(&schema, text.as_slice(), "rows").unwrap();
    let mut n = 0;
    while let Some(r) = rows.next_row().unwrap() {
        assert_eq!(
            aabc::schema::rows::record_object(&schema, r),
            from_parquet[n],
            "row {n}"
        );
        n += 1;
    }
    assert_eq!(n, from_parquet.len());
    // Exporting again gives the same bytes.
    let again = dir.path().join("again.parquet");
    let run = export_with(
        "schema/events.schema.json",
        &file,
        &["--format", "parquet", "--out", again.to_str().unwrap()],
    );
    assert_eq!(run.0, 0, "{}", run.2);
    assert!(std::fs::read(&out).unwrap() == std::fs::read(&again).unwrap());
}

#[test]
fn partitioned_export_writes_one_directory_per_year_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = synth(dir.path(), "rows.csv", 5_000, 4, "0");
    let out = dir.path().join("by-year");
    let partition = || {
        export_with(
            "schema/events.schema.json",
            &file,
            &[
                "--format",
                "parquet",
                "--partition-by",
                "year",
                "--out",
                out.to_str().unwrap(),
            ],
        )
    };
    let run = partition();
    assert_eq!(run.0, 0, "{}", run.2);
    let mut years: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    years.sort();
    assert_eq!(years.first().map(String::as_str), Some("year=2021"));
    let schema = aabc::schema::Schema::load(&root().join("schema/events.schema.json")).unwrap();
    let mut total = 0;
    for y in &years {
        assert!(y.starts_with("year=20"), "{y}");
        let rows =
            aabc::release::verify::read_parquet(&out.join(y).join("part-0.parquet"), &schema)
                .unwrap();
        assert!(rows
            .iter()
            .all(|r| r["date_start"].as_str().unwrap()[..4] == y[5..]));
        total += rows.len();
    }
    assert_eq!(total, 5_000);
    // A second run into the same directory is refused, and the first output is untouched.
    let run = partition();
    assert_eq!(run.0, 1);
    assert!(run.2.contains("exists and is not empty"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), years.len());
}
