//! The one loader of a dataset's tables: every command that reads the tables says the same
//! thing about the same fault, and a table declared in `dataset.json` with its schema is
//! released, exported and offered by the page with no code of its own.

use crate::common::*;
use std::path::Path;

/// The message every reader of the tables gives for an `expand` from a missing table.
const NOT_EXPANDABLE: &str =
    "a foreign key expands columns of \"nowhere\", which is not a table of the dataset";

/// A copy of the repository's dataset in `d` whose events expand columns of a table
/// "nowhere" instead of "places".
fn expanding_from_nowhere(d: &Path) {
    repo_copy(d);
    let path = d.join("schema/events.schema.json");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "\"resource\": \"places\"",
        "\"resource\": \"nowhere\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
}

#[test]
fn an_expand_from_a_missing_table_gets_one_message_from_every_reader() {
    let d = tempfile::tempdir().unwrap();
    expanding_from_nowhere(d.path());
    let out = d.path().join("out");
    let parquet = out.join("e.parquet");
    for args in [
        vec![
            "export",
            "--format",
            "parquet",
            "--out",
            parquet.to_str().unwrap(),
        ],
        vec!["site", "--out", out.to_str().unwrap()],
    ] {
        let (code, stdout, stderr) = run(d.path(), &args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(NOT_EXPANDABLE), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?} wrote something");
    }
    let dataset = aabc::schema::metadata::Dataset::open(d.path()).unwrap();
    let e = aabc::release::site::svg::dataset_figures(&dataset)
        .expect_err("the pictures need the places")
        .to_string();
    assert!(e.contains(NOT_EXPANDABLE), "{e}");
}

#[test]
fn an_unknown_table_is_not_found_in_the_dataset() {
    let (code, _, stderr) =
        run_aabc(&["export", "--format", "csv", "--out", "x", "--table", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no table \"nope\" in the dataset"),
        "{stderr}"
    );
}

/// A copy of the geo fixture in `d` with one more table, `name`, holding the rows of
/// `sources.csv` under the schema file `schema` (a copy of the sources schema when it is not
/// there yet).
pub fn geo_with_table(d: &Path, name: &str, schema: &str) {
    copy_tree(&root().join("tests/fixtures/geo"), d);
    let copy = d.join("schema").join(schema);
    if !copy.exists() {
        std::fs::copy(d.join("schema/sources.schema.json"), copy).unwrap();
    }
    let meta = d.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["resources"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": name,
            "path": "sources.csv",
            "schema": format!("../schema/{schema}")
        }));
    std::fs::write(&meta, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn two_tables_of_one_schema_file_are_released_with_it_once() {
    let d = tempfile::tempdir().unwrap();
    geo_with_table(d.path(), "evidence", "sources.schema.json");
    let dist = d.path().join("dist");
    let (code, out, err) = run(d.path(), &["release", "--out", dist.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let sums = std::fs::read_to_string(dist.join("geo-fixture-2.0.0/SHA256SUMS")).unwrap();
    assert_eq!(
        sums.matches("  schema/sources.schema.json\n").count(),
        1,
        "{sums}"
    );
    assert!(sums.contains("  evidence.parquet\n"), "{sums}");
}

#[test]
fn a_table_declared_in_the_metadata_alone_is_released_and_offered_by_the_page() {
    let d = tempfile::tempdir().unwrap();
    geo_with_table(d.path(), "evidence", "evidence.schema.json");
    let dist = d.path().join("dist");
    let (code, out, err) = run(d.path(), &["release", "--out", dist.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let bundle = dist.join("geo-fixture-2.0.0");
    for ext in ["csv", "parquet", "json", "jsonl"] {
        assert!(
            bundle.join(format!("evidence.{ext}")).is_file(),
            "evidence.{ext}"
        );
    }
    assert!(bundle.join("schema/evidence.schema.json").is_file());
    let package = std::fs::read_to_string(bundle.join("datapackage.json")).unwrap();
    assert!(package.contains("\"evidence\""));
    let page = d.path().join("page");
    let (code, out, err) = run(d.path(), &["site", "--out", page.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        std::fs::read(page.join("data/evidence.csv")).unwrap(),
        std::fs::read(bundle.join("evidence.csv")).unwrap()
    );
}

#[test]
fn two_different_schemas_of_one_file_name_are_refused_rather_than_one_lost() {
    let d = tempfile::tempdir().unwrap();
    geo_with_table(d.path(), "evidence", "sources.schema.json");
    let other = d.path().join("schema/other");
    std::fs::create_dir(&other).unwrap();
    let text = std::fs::read_to_string(d.path().join("schema/sources.schema.json")).unwrap();
    std::fs::write(
        other.join("sources.schema.json"),
        text.replacen("{", "{\n  ", 1),
    )
    .unwrap();
    let meta = d.path().join("dataset/dataset.json");
    let text = std::fs::read_to_string(&meta).unwrap().replace(
        "\"../schema/sources.schema.json\"\n    }\n  ]",
        "\"../schema/other/sources.schema.json\"\n    }\n  ]",
    );
    std::fs::write(&meta, text).unwrap();
    let dist = d.path().join("dist");
    let (code, _, err) = run(d.path(), &["release", "--out", dist.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("two files of the bundle would have this name"),
        "{err}"
    );
    assert!(!dist.join("geo-fixture-2.0.0").exists());
}
