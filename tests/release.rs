//! `aabc release`, `aabc verify` and `aabc export`: reproducible bundles, refusals, tamper
//! detection, single-table exports.

mod common;
use common::*;
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
    let schema = aabc::schema::Schema::load(&root().join("schema/events.schema.json")).unwrap();
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
