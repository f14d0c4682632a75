//! Versions you can cite: the bump policy enforced by `aabc release` and `release --check`, the
//! release record (every field checked, never passed to git) and `verify --rebuild`, published ids
//! that may not vanish, and every recorded release rebuilt byte for byte.

mod release_record;

use crate::common::*;
use crate::workdir::Workdir;

// A commit in the release record is exactly 40 hex digits, and never an option to git.
#[test]
fn a_release_record_commit_that_is_a_git_option_is_a_located_problem_and_never_reaches_git() {
    let dir = git_fixture();
    let d = dir.path();
    let target = tempfile::tempdir().unwrap();
    let written = target.path().join("x");
    let commit = format!("--output={}", written.display());
    std::fs::write(
        d.join("dataset/releases.csv"),
        format!(
            "version,date,commit,zip_sha256,rows\n1.0.0,2026-11-25,{commit},{},125\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 1, "{problems:?}");
    let p = problems
        .iter()
        .find(|p| p["rule"] == "release-record")
        .unwrap_or_else(|| panic!("no release-record problem: {problems:?}"));
    assert_eq!(p["file"], d.join("dataset/releases.csv").to_str().unwrap());
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(2), Some(18))
    );
    assert_eq!(p["field"], "commit");
    assert_eq!(p["value"], commit.as_str());
    assert!(!written.exists(), "git wrote {}", written.display());

    // Every command that reads the record refuses it, with its place, and runs no git on it.
    for args in [
        vec!["release", "--check"],
        vec!["release"],
        vec!["cite"],
        vec!["verify", "--rebuild", "1.0.0"],
    ] {
        let (code, out, err) = run(d, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(
            err.contains("releases.csv:2:18: commit \"--output="),
            "{args:?}: {err}"
        );
        assert!(
            !written.exists(),
            "{args:?}: git wrote {}",
            written.display()
        );
    }

    // A revision named on the command line that looks like an option is refused, not run.
    let out = aabc()
        .args(["diff", "--", &commit, "HEAD"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "no published version, bundle, CSV file, directory or git revision \"{commit}\""
        )),
        "{err}"
    );
    assert!(!written.exists());
}

// One policy for `release` and `release --check` (and `verify --rebuild`).
#[test]
fn a_licence_change_without_a_version_bump_is_refused_by_release_check_as_by_release() {
    let dir = published_fixture();
    let d = dir.path();
    let (code, out, _) = run(d, &["release", "--check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok: 1.0.0 may be released"), "{out}");

    edit(&d.join("dataset/LICENSE.md"), |t| {
        t.replace("CC BY-SA 4.0", "CC BY 4.0")
    });
    let (code, out, _) = run(d, &["release", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("REFUSED: version 1.0.0 is published (zip SHA-256 ")
            && out.contains("a published version is immutable"),
        "{out}"
    );
    let (code, _, err) = run(d, &["release"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a published version is immutable"), "{err}");

    // The licence named in the metadata counts the same.
    git(d, &["checkout", "-q", "--", "dataset/LICENSE.md"]);
    edit_meta(d, |m| m["licenses"][0]["name"] = "CC-BY-4.0".into());
    let (code, out, _) = run(d, &["release", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("REFUSED: version 1.0.0 is published"), "{out}");

    // The published bytes still rebuild from their commit.
    let (code, out, _) = run(d, &["verify", "--rebuild", "1.0.0"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn every_field_of_a_release_record_is_checked_with_its_line_and_column() {
    let dir = git_fixture();
    let d = dir.path();
    let head = git(d, &["rev-parse", "HEAD"]).trim().to_string();
    std::fs::write(
        d.join("dataset/releases.csv"),
        format!(
            "version,date,commit,zip_sha256,rows\none,25.11.2026,{head},\"}}\nTY  - JOUR\",125\n"
        ),
    )
    .unwrap();
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 1, "{problems:?}");
    let got: Vec<(u64, u64, &str)> = problems
        .iter()
        .filter(|p| p["rule"] == "release-record")
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
                p["field"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(2, 1, "version"), (2, 5, "date"), (2, 57, "zip_sha256")]
    );

    // A record that is not even CSV of the right width is a located problem too (exit 1).
    std::fs::write(
        d.join("dataset/releases.csv"),
        format!("version,date,commit,zip_sha256,rows\n1.0.0,2026-11-25,{head}\n"),
    )
    .unwrap();
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 1, "{problems:?}");
    assert_eq!(errors(&problems)[0]["rule"], "release-record");
    assert_eq!(errors(&problems)[0]["line"], 2);
}

// The release record is held to the same rules as a data table: an empty file would switch
// the published-id protection off; a row wider than the header would lose a field.
#[test]
fn a_release_record_that_is_empty_wide_or_has_a_bom_is_a_located_problem() {
    let header = "version,date,commit,zip_sha256,rows\n";
    let row = format!("1.0.0,2026-11-25,{},{},125", "a".repeat(40), "b".repeat(64));
    for (what, text, at) in [
        ("empty", String::new(), (1, 1)),
        ("wide", format!("{header}{row},extra\n"), (2, 128)),
        ("bom", format!("\u{feff}{header}"), (1, 1)),
    ] {
        let dir = git_fixture();
        let d = dir.path();
        std::fs::write(d.join("dataset/releases.csv"), text).unwrap();
        let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
        assert_eq!(code, 1, "{what}: {problems:?}");
        let found: Vec<(u64, u64)> = problems
            .iter()
            .filter(|p| p["rule"] == "release-record")
            .map(|p| (p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap()))
            .collect();
        assert_eq!(found, [at], "{what}: {problems:?}");
    }
}

#[test]
fn publish_records_the_release_and_the_rebuild_matches_it() {
    let dir = git_fixture();
    let d = dir.path();
    set_version(d, "1.0.0");
    git(d, &["commit", "-qam", "1.0.0"]);
    let head = git(d, &["rev-parse", "HEAD"]).trim().to_string();
    let out = publish(d);
    assert!(out.contains("published 1.0.0"), "{out}");
    let record = std::fs::read_to_string(d.join("dataset/releases.csv")).unwrap();
    let line = record.lines().nth(1).unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(fields[0], "1.0.0");
    assert_eq!(fields[1], "2026-11-25");
    assert_eq!(fields[2], head);
    let zip = d.join("dist/aabc-events-1.0.0.zip");
    assert_eq!(
        fields[3],
        aabc::release::checksum::sha256_file(&zip).unwrap()
    );
    assert_eq!(
        fields[4].parse::<usize>().unwrap(),
        std::fs::read_to_string(d.join("dataset/events.csv"))
            .unwrap()
            .lines()
            .count()
            - 1
    );

    // Publishing tags the commit; the tag's message holds the zip's SHA-256.
    let tagged = git(d, &["rev-parse", "v1.0.0^{commit}"]);
    assert_eq!(tagged.trim(), head);
    let message = git(d, &["tag", "-l", "--format=%(contents)", "v1.0.0"]);
    assert!(message.contains(fields[3]), "{message}");

    // Later commits change nothing of the published bytes: the rebuild from the record matches.
    add_event(d, "AABC-9001");
    git(d, &["commit", "-qam", "more data"]);
    let (code, out, _) = run(d, &["verify", "--rebuild", "v1.0.0"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("identical: the published bytes are reproducible"),
        "{out}"
    );
}

#[test]
fn too_small_a_bump_and_a_rewrite_of_a_published_version_are_refused() {
    let dir = published_fixture();
    let d = dir.path();

    // New data under the published version number: refused, nothing recorded.
    add_event(d, "AABC-9001");
    let (code, _, err) = run(d, &["release"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("version 1.0.0 is published") && err.contains("immutable"),
        "{err}"
    );

    // A patch bump is too small for added events.
    set_version(d, "1.0.1");
    let (code, out, _) = run(d, &["release", "--check"]);
    assert_eq!(code, 1);
    assert!(out.contains("required bump: minor because:"), "{out}");
    assert!(out.contains("events: 1 row(s) added (AABC-9001)"), "{out}");
    assert!(
        out.contains(
            "REFUSED: version 1.0.1 is a patch bump from 1.0.0, but the changes need a minor bump"
        ),
        "{out}"
    );
    let (code, _, err) = run(d, &["release"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("needs a minor bump") || err.contains("need a minor bump"),
        "{err}"
    );

    // A minor bump is enough.
    set_version(d, "1.1.0");
    let (code, out, _) = run(d, &["release", "--check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok: 1.1.0 may be released"), "{out}");

    // A schema change that removes a vocabulary value needs a major bump.
    let schema = d.join("schema/events.schema.json");
    let text = std::fs::read_to_string(&schema).unwrap();
    let start = text
        .find("{\n          \"const\": \"construction\"")
        .unwrap();
    let end = start + text[start..].find("},\n").unwrap() + 3;
    std::fs::write(&schema, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let (code, out, _) = run(d, &["release", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("required bump: major") && out.contains("value construction removed"),
        "{out}"
    );
}

#[test]
fn published_ids_cannot_silently_disappear_or_be_reused() {
    let dir = published_fixture();
    let d = dir.path();
    remove_event(d, "AABC-0007");
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 1);
    let p = problems
        .iter()
        .find(|p| p["rule"] == "published-ids")
        .expect("a published-ids problem");
    assert_eq!(p["value"], "AABC-0007");
    assert!(p["message"]
        .as_str()
        .unwrap()
        .contains("published in version 1.0.0"));

    // Retiring it, with the version and a reason, is the honest way.
    std::fs::write(
        d.join("dataset/retired.csv"),
        "event_id,retired_in,reason\nAABC-0007,2.0.0,duplicate of AABC-0008\n",
    )
    .unwrap();
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!((code, errors(&problems).len()), (0, 0), "{problems:?}");

    // A retired id never comes back.
    add_event(d, "AABC-0007");
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        problems
            .iter()
            .any(|p| p["rule"] == "retired-id" && p["value"] == "AABC-0007"),
        "{problems:?}"
    );
}

#[test]
fn every_recorded_release_rebuilds_byte_identical() {
    let record = std::fs::read_to_string(root().join("dataset/releases.csv")).unwrap();
    let versions: Vec<&str> = record
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert!(!versions.is_empty(), "no release is recorded");
    for v in versions {
        let out = aabc().args(["verify", "--rebuild", v]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{v}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("identical"), "{text}");
    }
}

#[test]
fn without_git_history_the_checks_warn_instead_of_failing() {
    // A copy of the data as a tarball would give it: no .git, but a release record.
    let w = Workdir::with_dataset("no-git");
    set_version(w.path(), "9.0.0");
    let problems: Vec<serde_json::Value> = w
        .stdout(&["validate", "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(problems.iter().all(|p| p["severity"] == "warning"));
    assert!(
        problems.iter().any(|p| p["rule"] == "published-ids"),
        "{problems:?}"
    );
    let (code, _, err) = w.output(&["release"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no git history here"), "{err}");
    // The version order is still checked.
    set_version(w.path(), "0.9.0");
    let err = w.assert_err(&["release"], 1);
    assert!(
        err.contains("is not greater than the last published version"),
        "{err}"
    );
}

#[test]
fn versions_are_named_by_number_through_the_release_record_even_without_tags() {
    let dir = published_fixture();
    let d = dir.path();
    // A clone without tags, as a fresh CI checkout often is.
    git(d, &["tag", "-d", "v1.0.0"]);
    add_event(d, "AABC-9001");
    let (code, out, err) = run(d, &["diff", "1.0.0"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added (1): AABC-9001"), "{out}");
    git(d, &["commit", "-qam", "more data"]);
    for (old, new) in [("1.0.0", "HEAD"), ("v1.0.0", "HEAD")] {
        let (code, out, err) = run(d, &["diff", old, new]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("added (1): AABC-9001"), "{out}");
    }
    let (code, out, _) = run(d, &["cite", "1.0.0"]);
    assert_eq!(code, 0);
    assert!(out.contains("(Version 1.0.0)"), "{out}");
    let (code, _, err) = run(d, &["diff", "3.0.0", "HEAD"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no version \"3.0.0\" in the release record (published versions: 1.0.0)"),
        "{err}"
    );
}
