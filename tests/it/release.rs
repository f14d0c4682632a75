//! `aabc release`: reproducible bundles (byte-identical at any time), refusals (an invalid
//! dataset, a version without a dated changelog section, paths that would leave `dist/`), no
//! partial bundle after a failed build, the bundle README's coverage and attribution sections, and
//! the format-1 layout kept for published versions.

use crate::common::*;
use crate::workdir::Workdir;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A releasable copy of the two-row fixture, with the repository's changelog.
fn releasable(edit: impl FnOnce(&mut Value)) -> tempfile::TempDir {
    let dir = valid_fixture_copy();
    std::fs::copy(root().join("CHANGELOG.md"), dir.path().join("CHANGELOG.md")).unwrap();
    edit_meta(dir.path(), |v| {
        complete(v);
        edit(v);
    });
    dir
}

fn totals(figures: Value) -> Value {
    json!({
        "start": "2021-03-01",
        "end": "2024-11-07",
        "totals": {
            "table": "events",
            "source": "the infobox of the test article",
            "figures": figures
        }
    })
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
fn release_shows_how_much_of_the_source_totals_the_rows_account_for() {
    // The fixture's rows give killed_am_military 3 (one row) and wounded_am_military 4 (one
    // row), and no killed_az_military.
    let dir = releasable(|v| {
        v["coverage"] = totals(json!([
            {"side": "Armenia", "category": "servicemen killed", "total": 436, "at_least": true,
             "section": "Infobox, Casualties2", "columns": ["killed_am_military"]},
            {"side": "Azerbaijan", "category": "servicemen killed", "total": 283, "at_least": true,
             "section": "Infobox, Casualties1", "columns": ["killed_az_military"]},
            {"side": "Armenia", "category": "servicemen injured or killed", "total": 10,
             "section": "Infobox, Casualties2", "columns": ["killed_am_military", "wounded_am_military"]},
            {"side": "Armenia", "category": "captured servicemen later released", "total": 20,
             "section": "Infobox, Casualties2", "columns": [], "note": "no column yet"}
        ]));
    });
    let d = dir.path();
    let (code, out, err) = run(d, &["release"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.ends_with(
            "coverage of the source's totals:\n  Armenia, servicemen killed (Infobox, Casualties2): event rows account for 3 of at least 436 (1 %)\n  Azerbaijan, servicemen killed (Infobox, Casualties1): event rows account for 0 of at least 283 (0 %)\n  Armenia, servicemen injured or killed (Infobox, Casualties2): event rows account for 7 of 10 (70 %)\n  Armenia, captured servicemen later released (Infobox, Casualties2): not recorded by any column (source: 20)\n"
        ),
        "{out}"
    );
    let readme = std::fs::read_to_string(d.join("dist/fixture-0.1.0/README.md")).unwrap();
    for part in [
        "## Coverage of the source's totals\n\nHow much of the totals the source states the event rows account for. Source: the infobox of the test article.",
        "| side | category | source says | where | columns summed | event rows | rows giving a figure | event rows account for |\n|---|---|---|---|---|---|---|---|\n| Armenia | servicemen killed | at least 436 | Infobox, Casualties2 | `killed_am_military` | 3 | 1 | 3 of at least 436 |\n| Azerbaijan | servicemen killed | at least 283 | Infobox, Casualties1 | `killed_az_military` | 0 | 0 | 0 of at least 283 |\n| Armenia | servicemen injured or killed | 10 | Infobox, Casualties2 | `killed_am_military` + `wounded_am_military` | 7 | 1 | 7 of 10 |\n| Armenia | captured servicemen later released | 20 | Infobox, Casualties2 | (none) | — | 0 | not recorded by any column |\n",
        "- Armenia captured servicemen later released: no column yet\n",
        // Attribution of the source, its licence and what ShareAlike asks.
        "## Sources, licence and attribution\n\nThis dataset is drawn from the following sources; credit them when you use it:\n\n- Wikipedia contributors. “Source article”. Wikipedia. https://en.wikipedia.org/wiki/Source_(2021%E2%80%93present). Used for: the facts. Licence: CC-BY-SA-4.0 (https://creativecommons.org/licenses/by-sa/4.0/). ShareAlike: share adaptations under the same licence.\n",
        "## Citation\n\nCite the version you used:\n\n> Example maintainers, Lovelace, A. (2026). Armenia–Azerbaijan Border Crisis Event Dataset (AABC) (Version 0.1.0) [Data set]. Example publisher. https://doi.org/10.5281/zenodo.1234567\n",
    ] {
        assert!(readme.contains(part), "missing {part:?} in:\n{readme}");
    }
    let cff = std::fs::read_to_string(d.join("dist/fixture-0.1.0/CITATION.cff")).unwrap();
    assert!(cff.contains("preferred-citation:\n"), "{cff}");
}

#[test]
fn a_coverage_total_naming_a_column_the_table_lacks_is_refused() {
    let dir = releasable(|v| {
        v["coverage"] = totals(json!([
            {"side": "Armenia", "category": "servicemen killed", "total": 436,
             "section": "Infobox, Casualties2", "columns": ["killed_armenians"]}
        ]));
    });
    let (code, out, err) = run(dir.path(), &["release"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("coverage.totals in the metadata: \"Infobox, Casualties2\" (Armenia servicemen killed) names \"killed_armenians\", which is not an integer column of table \"events\""),
        "{err}"
    );
    assert!(!dir.path().join("dist/fixture-0.1.0").exists());
}

#[test]
fn format_1_metadata_builds_no_coverage_or_attribution_sections() {
    let dir = valid_fixture_copy();
    std::fs::copy(root().join("CHANGELOG.md"), dir.path().join("CHANGELOG.md")).unwrap();
    edit_meta(dir.path(), |v| {
        // Totals recorded, but the bundle layout is still 1: published bytes must not change.
        v["coverage"] = totals(json!([
            {"side": "Armenia", "category": "servicemen killed", "total": 436,
             "section": "Infobox", "columns": ["killed_am_military"]}
        ]));
    });
    let (code, out, err) = run(dir.path(), &["release"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("coverage"), "{out}");
    let readme = std::fs::read_to_string(dir.path().join("dist/fixture-0.1.0/README.md")).unwrap();
    assert!(!readme.contains("## Coverage"), "{readme}");
    assert!(!readme.contains("## Sources, licence"), "{readme}");
    assert!(readme.contains("## Citation\n\nSee `CITATION.cff`. Cite version 0.1.0 and, for the facts, the sources listed in the data.\n"), "{readme}");
    assert!(
        readme.contains("| # | column | type | blank allowed | meaning |"),
        "{readme}"
    );
}

/// Two builds of the same data on different days (the clock fixed by `AABC_TODAY`), from inputs
/// last written at different times, are byte-identical, zip included: nothing in a bundle
/// depends on when it was made.
#[test]
fn two_builds_at_different_times_are_byte_identical() {
    let a = Workdir::with_dataset("release-a").env("AABC_TODAY", "2027-01-01");
    let b = Workdir::with_dataset("release-b").env("AABC_TODAY", "2040-06-30");
    let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
    for file in files_under(b.path()) {
        let f = std::fs::File::options().write(true).open(&file).unwrap();
        f.set_modified(long_ago).unwrap();
    }
    a.stdout(&["release"]);
    b.stdout(&["release"]);
    let (a, b) = (a.join("dist"), b.join("dist"));
    let name = bundle_name();
    let fa = files_under(&a.join(&name));
    let fb = files_under(&b.join(&name));
    assert_eq!(fa.len(), fb.len());
    assert!(fa.len() >= 20);
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.strip_prefix(&a).unwrap(), y.strip_prefix(&b).unwrap());
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{} differs",
            x.display()
        );
    }
    let zip = format!("{name}.zip");
    assert!(std::fs::read(a.join(&zip)).unwrap() == std::fs::read(b.join(&zip)).unwrap());
    // No temporary directory is left behind.
    let left: Vec<_> = std::fs::read_dir(&a)
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

#[test]
fn a_format_1_bundle_of_the_same_data_keeps_the_1x_layout() {
    let d = geo_fixture();
    let meta = d.path().join("dataset/dataset.json");
    std::fs::write(
        &meta,
        read_text(&meta).replace("\"release_format\": 2", "\"release_format\": 1"),
    )
    .unwrap();
    let b = geo_bundle_dir(d.path());
    assert!(!b.join("events.geojson").exists());
    assert!(!b.join("schema/events.expanded.schema.json").exists());
    assert!(jsonl(&b.join("events.jsonl"))[0].get("latitude").is_none());
    let (schema, kv) = parquet_meta(&b.join("events.parquet"));
    assert!(!kv.iter().any(|(k, _)| k == "aabc:categories"));
    let precision = schema.field_with_name("date_precision").unwrap();
    assert!(precision.metadata().get("categories").is_none());
    assert_eq!(precision.dict_is_ordered(), Some(false));
    let readme = read_text(&b.join("README.md"));
    assert!(!readme.contains("geojson") && !readme.contains("aabc:categories"));
}

#[test]
fn the_format_2_readme_gives_the_loading_lines_the_interop_tests_run() {
    let d = geo_fixture();
    let readme = read_text(&geo_bundle_dir(d.path()).join("README.md"));
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

#[test]
fn a_name_or_version_that_is_a_path_is_refused_so_no_release_file_lands_outside_dist() {
    for (key, value) in [("name", "../../escaped"), ("version", "1.0.0/../../x")] {
        let dir = git_fixture();
        let d = dir.path();
        edit_meta(d, |m| m[key] = value.into());
        let (code, out, err) = run(d, &["release"]);
        assert_eq!(code, 2, "{key}: {out}{err}");
        assert!(err.contains("is not a plain token"), "{err}");
        assert!(!d.join("escaped").exists() && !d.join("x").exists());
    }
}

#[test]
fn a_changelog_or_licence_symlink_leading_outside_is_not_copied_into_a_release() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "TOPSECRET\n").unwrap();
    for link in ["CHANGELOG.md", "dataset/LICENSE.md"] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        repo_copy(d);
        set_version(d, "9.0.0");
        std::fs::remove_file(d.join(link)).unwrap();
        std::os::unix::fs::symlink(&secret, d.join(link)).unwrap();
        let (code, out, err) = run(d, &["release"]);
        assert_eq!(code, 1, "{link}: {out}{err}");
        assert!(err.contains("symlink") && err.contains("inside"), "{err}");
        assert!(!d.join("dist").exists(), "{link}: a bundle was written");
        assert!(!out.contains("TOPSECRET") && !err.contains("TOPSECRET"));
    }
}
