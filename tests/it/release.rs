//! `aabc release`, `aabc verify` and `aabc export`: reproducible bundles, refusals, tamper
//! detection, single-table exports.

use crate::common::*;
use std::path::{Path, PathBuf};

fn bundle_name() -> String {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    format!(
        "{}-{}",
        meta["name"].as_str().unwrap(),
        meta["version"].as_str().unwrap()
    )
}

fn release_into(dist: &Path) -> std::process::Output {
    aabc()
        .args(["release", "--out", dist.to_str().unwrap()])
        .output()
        .unwrap()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn two_builds_at_different_times_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(release_into(a.path()).status.code(), Some(0));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(release_into(b.path()).status.code(), Some(0));
    let name = bundle_name();
    let fa = files_under(&a.path().join(&name));
    let fb = files_under(&b.path().join(&name));
    assert_eq!(fa.len(), fb.len());
    assert!(fa.len() >= 20);
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(
            x.strip_prefix(a.path()).unwrap(),
            y.strip_prefix(b.path()).unwrap()
        );
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{} differs",
            x.display()
        );
    }
    let zip = format!("{name}.zip");
    assert!(
        std::fs::read(a.path().join(&zip)).unwrap() == std::fs::read(b.path().join(&zip)).unwrap()
    );
    // No temporary directory is left behind.
    let left: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn rebuilding_the_same_version_is_a_no_op_and_other_bytes_are_refused() {
    let dist = tempfile::tempdir().unwrap();
    assert_eq!(release_into(dist.path()).status.code(), Some(0));
    let out = release_into(dist.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("identical bytes; nothing changed"));
    // Someone changed a published file: the release refuses and touches nothing.
    let readme = dist.path().join(bundle_name()).join("README.md");
    std::fs::write(&readme, "changed\n").unwrap();
    let zip = dist.path().join(format!("{}.zip", bundle_name()));
    let zip_before = std::fs::read(&zip).unwrap();
    let out = release_into(dist.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists with different bytes"));
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), "changed\n");
    assert_eq!(std::fs::read(&zip).unwrap(), zip_before);
}

#[test]
fn an_invalid_dataset_is_not_released() {
    let dir = fixture_copy("dataset_refs");
    std::fs::copy(root().join("CHANGELOG.md"), dir.path().join("CHANGELOG.md")).unwrap();
    let out = aabc()
        .args(["release", "--root", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[foreign-key]"), "{err}");
    assert!(err.contains("refusing to build"), "{err}");
    assert!(!dir.path().join("dist").exists());
}

#[test]
fn a_version_without_a_dated_changelog_section_is_refused() {
    // Without the unknown reference: valid, with one unused-source warning.
    let dir = valid_fixture_copy();
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n",
    )
    .unwrap();
    let out = aabc()
        .args(["release", "--root", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no dated section for version"));
    let dist = dir.path().join("dist");
    assert!(!dist.exists() || std::fs::read_dir(&dist).unwrap().next().is_none());
}

#[test]
fn verify_accepts_a_bundle_and_its_zip_and_catches_a_tampered_byte() {
    let dist = tempfile::tempdir().unwrap();
    assert_eq!(release_into(dist.path()).status.code(), Some(0));
    let name = bundle_name();
    let dir = dist.path().join(&name);
    for target in [dir.clone(), dist.path().join(format!("{name}.zip"))] {
        let out = aabc().arg("verify").arg(&target).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("verified: "));
    }
    // One flipped byte in the Parquet file.
    let parquet = dir.join("events.parquet");
    let mut bytes = std::fs::read(&parquet).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&parquet, &bytes).unwrap();
    let out = aabc().arg("verify").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("events.parquet: checksum mismatch"), "{text}");
}

#[test]
fn verify_catches_formats_that_disagree_even_with_matching_checksums() {
    let dist = tempfile::tempdir().unwrap();
    assert_eq!(release_into(dist.path()).status.code(), Some(0));
    let dir = dist.path().join(bundle_name());
    // Change a figure in the JSON copy and update SHA256SUMS to match, as a careless edit would.
    let json = dir.join("events.json");
    let text = std::fs::read_to_string(&json).unwrap().replacen(
        "\"killed_am_military\":105",
        "\"killed_am_military\":106",
        1,
    );
    std::fs::write(&json, &text).unwrap();
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let fixed: String = sums
        .lines()
        .map(|l| {
            if l.ends_with("  events.json") {
                format!(
                    "{}  events.json\n",
                    aabc::release::checksum::sha256_hex(text.as_bytes())
                )
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("SHA256SUMS"), fixed).unwrap();
    let out = aabc().arg("verify").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("events.json: row") && text.contains("killed_am_military: 106 vs 105"),
        "{text}"
    );
}

#[test]
fn verify_cannot_read_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let not_zip = dir.path().join("x.zip");
    std::fs::write(&not_zip, b"not a zip").unwrap();
    for target in [dir.path().join("missing"), not_zip] {
        let out = aabc().arg("verify").arg(&target).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
    }
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
    // The data is wrong, not the tool: exit 1 (issue 8, item 8).
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
fn the_repository_citation_file_is_generated_from_the_metadata() {
    let dataset = aabc::schema::metadata::Dataset::open(&root()).unwrap();
    let date =
        aabc::release::changelog::release_date(&root().join("CHANGELOG.md"), &dataset.meta.version)
            .ok();
    let expected = aabc::release::citation::cff(&dataset.meta, date);
    let actual = std::fs::read_to_string(root().join("CITATION.cff")).unwrap();
    assert!(
        actual == expected,
        "CITATION.cff is stale; expected:\n{expected}"
    );
}

#[test]
fn a_build_that_fails_midway_leaves_no_partial_bundle() {
    let dir = valid_fixture_copy();
    std::fs::copy(root().join("CHANGELOG.md"), dir.path().join("CHANGELOG.md")).unwrap();
    // Reading the licence fails after the data files were already written to the staging area.
    std::fs::create_dir(dir.path().join("dataset/LICENSE.md")).unwrap();
    let dist = dir.path().join("dist");
    let out = aabc()
        .args(["release", "--root", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(&dist)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
}

// ---- Release format 2 (issue 9): link tables with roles, convenience columns, GeoJSON,
// category sets. Built on tests/fixtures/geo, a small dataset in the 2.0 layout: four events
// (one naming no place, one naming a place without coordinates), places, actors, sources.

/// A writable copy of the geo fixture.
fn geo_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/geo"), dir.path());
    dir
}

/// Releases the geo fixture; returns the bundle directory.
fn geo_bundle(d: &Path) -> PathBuf {
    let (code, out, err) = run(d, &["release", "--out", d.join("dist").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    d.join("dist/geo-fixture-2.0.0")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn jsonl(p: &Path) -> Vec<serde_json::Value> {
    read(p)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn link_tables_shared_by_several_lists_get_a_role_column() {
    let d = geo_fixture();
    let b = geo_bundle(d.path());
    assert_eq!(
        read(&b.join("event_actors.csv")),
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
        read(&b.join("event_places.csv")),
        "event_id,place_id\nE-0001,P001\nE-0001,P002\nE-0002,P003\nE-0004,P004\n"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&read(&b.join("schema/event_actors.schema.json"))).unwrap();
    assert_eq!(
        schema["x-primaryKey"],
        serde_json::json!(["event_id", "role", "actor_id"])
    );
    assert_eq!(
        schema["properties"]["role"]["enum"],
        serde_json::json!(["actor1_ids", "reported_by_ids"])
    );
    let dp: serde_json::Value = serde_json::from_str(&read(&b.join("datapackage.json"))).unwrap();
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
    let b = geo_bundle(d.path());
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
        serde_json::from_str::<serde_json::Value>(&read(&b.join("events.json"))).unwrap(),
        serde_json::Value::Array(rows)
    );
    // The canonical CSV is the contributors' file.
    assert_eq!(
        read(&b.join("events.csv")),
        read(&root().join("tests/fixtures/geo/dataset/events.csv"))
    );
    // The added columns are described, typed and nullable in the expanded schema.
    let x: serde_json::Value =
        serde_json::from_str(&read(&b.join("schema/events.expanded.schema.json"))).unwrap();
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
    assert_eq!(read(&one), read(&b.join("events.jsonl")));
    let csv = d.path().join("events.csv");
    let (code, _, err) = run(
        d.path(),
        &["export", "--format", "csv", "--out", csv.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(&csv), read(&b.join("events.csv")));
}

#[test]
fn an_expanded_export_naming_an_unknown_place_exits_1_with_the_line() {
    let d = geo_fixture();
    let events = d.path().join("dataset/events.csv");
    std::fs::write(&events, read(&events).replace("P003", "P999")).unwrap();
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
    let g: serde_json::Value = serde_json::from_str(&read(&out)).unwrap();
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
    let b = geo_bundle(d.path());
    let props: Vec<serde_json::Value> = f.iter().map(|f| f["properties"].clone()).collect();
    assert_eq!(props, jsonl(&b.join("events.jsonl")));
    assert_eq!(read(&out), read(&b.join("events.geojson")));
    // Places have coordinates of their own.
    let places: serde_json::Value = serde_json::from_str(&read(&b.join("places.geojson"))).unwrap();
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
    let b = geo_bundle(d.path());
    assert!(!b.join("sources.geojson").exists() && !b.join("actors.geojson").exists());
}

/// The Arrow schema and key-value metadata of a Parquet file.
fn parquet_meta(p: &Path) -> (arrow::datatypes::SchemaRef, Vec<(String, String)>) {
    let file = std::fs::File::open(p).unwrap();
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let kv = b
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value.unwrap_or_default()))
        .collect();
    (b.schema().clone(), kv)
}

#[test]
fn parquet_carries_every_category_in_codebook_order_and_orders_marked_vocabularies() {
    let d = geo_fixture();
    let b = geo_bundle(d.path());
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
fn a_format_1_bundle_of_the_same_data_keeps_the_1x_layout() {
    let d = geo_fixture();
    let meta = d.path().join("dataset/dataset.json");
    std::fs::write(
        &meta,
        read(&meta).replace("\"release_format\": 2", "\"release_format\": 1"),
    )
    .unwrap();
    let b = geo_bundle(d.path());
    assert!(!b.join("events.geojson").exists());
    assert!(!b.join("schema/events.expanded.schema.json").exists());
    assert!(jsonl(&b.join("events.jsonl"))[0].get("latitude").is_none());
    let (schema, kv) = parquet_meta(&b.join("events.parquet"));
    assert!(!kv.iter().any(|(k, _)| k == "aabc:categories"));
    let precision = schema.field_with_name("date_precision").unwrap();
    assert!(precision.metadata().get("categories").is_none());
    assert_eq!(precision.dict_is_ordered(), Some(false));
    let readme = read(&b.join("README.md"));
    assert!(!readme.contains("geojson") && !readme.contains("aabc:categories"));
}

#[test]
fn the_format_2_readme_gives_the_loading_lines_the_interop_tests_run() {
    let d = geo_fixture();
    let readme = read(&geo_bundle(d.path()).join("README.md"));
    for line in [
        "events = pq.read_table(\"events.parquet\").to_pandas(date_as_object=False)",
        "cats = json.loads(pl.read_parquet_metadata(\"events.parquet\")[\"aabc:categories\"])",
        "events = pl.read_ndjson(\"events.jsonl\", infer_schema_length=None, schema_overrides={\"date_start\": pl.Date, ",
        "events = gpd.read_file(\"events.geojson\")",
        "Ordered: `date_precision` (`day` < `month` < `year`).",
        "| `events.geojson` |",
        "`event_actors` has one row per item (its `role` is `reported_by_ids`)",
        "add after `place_ids` the columns `latitude`, `longitude`, `geo_precision`, `country` of its first (primary) item in `places`",
    ] {
        assert!(readme.contains(line), "missing {line:?} in:\n{readme}");
    }
}
