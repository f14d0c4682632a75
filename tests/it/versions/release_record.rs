//! The release record is what `verify --rebuild`, `cite` and the published-id check trust: a
//! change that rewrites its rows (here: every row pointed at the 1.0.0 commit and zip, so that a
//! published event can be deleted unnoticed) is refused by every command that reads it, and a
//! release appended the ordinary way still passes.

use crate::common::*;
use std::path::Path;

const COMMIT_1_0_0: &str = "d6d103e66617c1ee38f601c26e70832296633cb7";
const ZIP_1_0_0: &str = "b556709bbef1f20dcee93154141aa08bd6164935b840a2753ca2b7cc40bfd552";

/// A clone of this repository (its committed history, release record and data).
fn clone() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("r");
    git(
        &root(),
        &["clone", "-q", "--no-local", ".", to.to_str().unwrap()],
    );
    dir
}

/// The attack: a published event deleted, and every row of the release record pointed at the
/// 1.0.0 commit and zip (whose table never had the event).
fn rewrite_record(d: &Path) {
    let events = d.join("dataset/events.csv");
    let text = std::fs::read_to_string(&events).unwrap();
    assert!(
        text.contains("\nAABC-0130,"),
        "the event to delete is there"
    );
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("AABC-0130,"))
        .collect();
    std::fs::write(&events, kept).unwrap();
    let record = d.join("dataset/releases.csv");
    let text = std::fs::read_to_string(&record).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[2] = COMMIT_1_0_0;
        cells[3] = ZIP_1_0_0;
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    std::fs::write(&record, out).unwrap();
}

#[test]
fn a_rewritten_release_record_is_an_error_of_validate_naming_the_file_and_row() {
    let dir = clone();
    let d = &dir.path().join("r");
    rewrite_record(d);
    let (code, out, err) = run(d, &["validate"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("dataset/releases.csv:6: error[release-record]")
            && out.contains("release 2.2.0 differs in commit from its row recorded in commit"),
        "{out}"
    );
    assert!(
        out.contains(
            "release 2.2.0: this commit holds version \"1.0.0\" of the dataset, not 2.2.0"
        ),
        "{out}"
    );
}

#[test]
fn release_check_refuses_a_rewritten_release_record() {
    let dir = clone();
    let d = &dir.path().join("r");
    rewrite_record(d);
    // A version after every published one, so that only the record can be wrong.
    set_version(d, "3.0.0");
    let (code, out, err) = run(d, &["release", "--check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("REFUSED: ") && out.contains("dataset/releases.csv:3: release 1.1.0 differs"),
        "{out}"
    );
}

#[test]
fn verify_rebuild_and_cite_refuse_a_release_whose_commit_holds_another_version() {
    let dir = clone();
    let d = &dir.path().join("r");
    rewrite_record(d);
    let (code, out, err) = run(d, &["verify", "--rebuild", "2.2.0"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!out.contains("identical"), "{out}");
    assert!(
        err.contains("holds version \"1.0.0\" of the dataset, not 2.2.0"),
        "{err}"
    );
    let (code, out, err) = run(d, &["cite", "2.2.0"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!out.contains(ZIP_1_0_0), "{out}");
    assert!(err.contains("dataset/releases.csv:"), "{err}");
}

#[test]
fn a_removed_release_row_is_an_error() {
    let dir = clone();
    let d = &dir.path().join("r");
    let record = d.join("dataset/releases.csv");
    let text = std::fs::read_to_string(&record).unwrap();
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("2.1.0,"))
        .collect();
    std::fs::write(&record, kept).unwrap();
    let (code, out, err) = run(d, &["validate"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("release 2.1.0 was recorded in commit") && out.contains("is gone"),
        "{out}"
    );
}

#[test]
fn a_release_appended_by_publish_and_a_doi_filled_in_still_pass() {
    let dir = clone();
    let d = &dir.path().join("r");
    // The next major version after the last published one: whatever the data changed since.
    let record = std::fs::read_to_string(d.join("dataset/releases.csv")).unwrap();
    let last = record.lines().last().unwrap().split(['.', ',']).next();
    let next = format!("{}.0.0", last.unwrap().parse::<u32>().unwrap() + 1);
    set_version(d, &next);
    git(d, &["commit", "-qam", &next]);
    let (code, out, err) = run(d, &["release", "--publish"]);
    assert_eq!(code, 0, "{out}{err}");
    // The minted DOI of 1.0.0 is filled in afterwards.
    let record = d.join("dataset/releases.csv");
    let text = std::fs::read_to_string(&record).unwrap();
    let with_doi = text.replacen(
        &format!("{ZIP_1_0_0},125,\n"),
        &format!("{ZIP_1_0_0},125,10.5281/zenodo.1234567\n"),
        1,
    );
    assert_ne!(text, with_doi);
    std::fs::write(&record, with_doi).unwrap();
    let (code, out, err) = run(d, &["validate"]);
    assert_eq!(code, 0, "{out}{err}");
    git(d, &["commit", "-qam", &format!("record {next}")]);
    let (code, out, err) = run(d, &["validate", "--base", "HEAD~1"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(d, &["release", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_tag_that_names_another_commit_than_the_row_is_an_error() {
    let dir = clone();
    let d = &dir.path().join("r");
    git(d, &["tag", "v2.2.0", COMMIT_1_0_0]);
    let (code, out, err) = run(d, &["validate"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!(
            "release 2.2.0: the tag v2.2.0 names commit {COMMIT_1_0_0}, not this one"
        )),
        "{out}"
    );
}

#[test]
fn a_row_rewritten_in_a_history_of_its_own_is_caught_against_the_base() {
    let dir = clone();
    let d = &dir.path().join("r");
    let base = git(d, &["rev-parse", "HEAD"]).trim().to_string();
    // A history without the commits that recorded the rows: only the base still has them.
    git(d, &["checkout", "-q", "--orphan", "rewritten"]);
    let record = d.join("dataset/releases.csv");
    let text = std::fs::read_to_string(&record).unwrap();
    let line = text.lines().find(|l| l.starts_with("2.2.0,")).unwrap();
    let zip = line.split(',').nth(3).unwrap();
    std::fs::write(&record, text.replace(zip, &"0".repeat(64))).unwrap();
    git(d, &["commit", "-qam", "rewritten"]);
    let (code, out, err) = run(d, &["validate", "--base", &base]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("release 2.2.0 differs in zip_sha256 from its row recorded in commit"),
        "{out}"
    );
}

#[test]
fn a_rewritten_record_that_is_committed_is_still_compared_with_the_rows_before() {
    let dir = clone();
    let d = &dir.path().join("r");
    let record = d.join("dataset/releases.csv");
    let text = std::fs::read_to_string(&record).unwrap();
    let line = text.lines().find(|l| l.starts_with("2.1.0,")).unwrap();
    let zip = line.split(',').nth(3).unwrap();
    std::fs::write(&record, text.replace(zip, &"0".repeat(64))).unwrap();
    git(d, &["commit", "-qam", "rewrite"]);
    let (code, out, err) = run(d, &["validate"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("release 2.1.0 differs in zip_sha256 from its row recorded in commit"),
        "{out}"
    );
}

/// A table file moved after releases were published: each release is read at the path its own
/// commit's metadata gives, so the published ids are still found and compared.
#[test]
fn a_table_file_moved_after_a_release_is_read_where_each_release_had_it() {
    let dir = clone();
    let d = dir.path().join("r");
    std::fs::create_dir_all(d.join("dataset/tables")).unwrap();
    git(
        &d,
        &["mv", "dataset/events.csv", "dataset/tables/events.csv"],
    );
    let meta = d.join("dataset/dataset.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    assert_eq!(text.matches("\"path\": \"events.csv\"").count(), 1);
    let moved = text.replace(
        "\"path\": \"events.csv\"",
        "\"path\": \"tables/events.csv\"",
    );
    std::fs::write(&meta, moved).unwrap();
    git(&d, &["commit", "-qam", "move the events table"]);
    let out = aabc().arg("validate").current_dir(&d).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");

    // A published event deleted from the moved file is still caught.
    let events = d.join("dataset/tables/events.csv");
    let kept: String = std::fs::read_to_string(&events)
        .unwrap()
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("AABC-0130,"))
        .collect();
    std::fs::write(&events, kept).unwrap();
    let out = aabc().arg("validate").current_dir(&d).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("AABC-0130") && stdout.contains("was published in version"),
        "{stdout}"
    );
}
