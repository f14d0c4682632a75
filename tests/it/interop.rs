//! Interoperability: a freshly built release bundle is loaded by independent readers (pyarrow,
//! pandas, polars, DuckDB, frictionless, Python's jsonschema, cffconvert, geopandas with
//! pyogrio, Spark in local mode) in `tests/interop/test_bundle.py`, and the repository's
//! `CITATION.cff` is valid for cffconvert. The readers live in virtualenvs made by
//! `bash tests/interop/setup.sh` (which `.ci/run` runs).

use crate::common::*;
use std::process::Command;

#[test]
fn independent_readers_load_the_release_bundle() {
    let python = require_tool("the pinned readers' Python", ".venv/bin/python");
    let cffconvert = require_tool("cffconvert", ".venv-cff/bin/cffconvert");
    let dist = tempfile::tempdir().unwrap();
    aabc_ok(&["release", "--out", dist.path().to_str().unwrap()]);
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    let bundle = dist.path().join(format!(
        "{}-{}",
        meta["name"].as_str().unwrap(),
        meta["version"].as_str().unwrap()
    ));
    // The events, also as a Hive-partitioned directory.
    let partitioned = dist.path().join("events-by-year");
    aabc_ok(&[
        "export",
        "--format",
        "parquet",
        "--partition-by",
        "year",
        "--out",
        partitioned.to_str().unwrap(),
    ]);
    // The 2.0 layout (GeoJSON, convenience columns, category sets) on a small fixture, until
    // the dataset itself has it.
    let geo = dist.path().join("geo");
    copy_tree(&root().join("tests/fixtures/geo"), &geo);
    let geo_dist = dist.path().join("geo-dist");
    aabc_ok(&[
        "release",
        "--root",
        geo.to_str().unwrap(),
        "--out",
        geo_dist.to_str().unwrap(),
    ]);
    let geo_partitioned = dist.path().join("geo-by-year");
    aabc_ok(&[
        "export",
        "--root",
        geo.to_str().unwrap(),
        "--format",
        "parquet",
        "--partition-by",
        "year",
        "--out",
        geo_partitioned.to_str().unwrap(),
    ]);
    let run = Command::new(python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/interop/test_bundle.py",
        ])
        .current_dir(root())
        .env("AABC_BUNDLE", &bundle)
        .env("AABC_CFFCONVERT", &cffconvert)
        .env("AABC_PARTITIONED", &partitioned)
        .env("AABC_GEO_BUNDLE", geo_dist.join("geo-fixture-2.0.0"))
        .env("AABC_GEO_PARTITIONED", &geo_partitioned)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    println!("{report}");
    assert!(
        run.status.success(),
        "the interoperability tests failed:\n{report}"
    );
    assert!(report.contains(" passed"), "{report}");
}

#[test]
fn the_repository_citation_file_is_valid_cff() {
    let out = Command::new(require_tool("cffconvert", ".venv-cff/bin/cffconvert"))
        .args([
            "--validate",
            "-i",
            root().join("CITATION.cff").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
