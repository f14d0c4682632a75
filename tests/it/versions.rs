//! Versions you can cite: the bump policy enforced by `aabc release`, the release record and
//! `verify --rebuild`, published ids that may not vanish, `aabc diff` and `aabc cite`.

use crate::common::*;
use std::path::Path;

fn edit_events(dir: &Path, f: impl FnOnce(String) -> String) {
    let p = dir.join("dataset/events.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(text)).unwrap();
}

/// Adds a copy of the last row under a new id (2026-01-01 sorts last).
fn add_event(dir: &Path, id: &str) {
    edit_events(dir, |text| {
        let last = text.lines().last().unwrap().to_string();
        let fields: Vec<&str> = last.splitn(2, ',').collect();
        format!("{text}{id},{}\n", fields[1])
    });
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
    edit_events(d, |text| {
        text.lines()
            .filter(|l| !l.starts_with("AABC-0007,"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
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
    assert_eq!((code, problems.len()), (0, 0), "{problems:?}");

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
fn diff_lists_added_removed_and_changed_events_and_schema_changes() {
    let dir = git_fixture();
    let d = dir.path();
    let first = git(d, &["rev-parse", "HEAD"]).trim().to_string();
    add_event(d, "AABC-9001");
    edit_events(d, |text| {
        let text: String = text
            .lines()
            .filter(|l| !l.starts_with("AABC-0005,"))
            .map(|l| format!("{l}\n"))
            .collect();
        text.replacen(
            "AABC-0093,2022-09-12,2022-09-14,day,offensive",
            "AABC-0093,2022-09-12,2022-09-15,day,offensive",
            1,
        )
    });
    let csv = d.join("dataset/events.csv");
    let csv = csv.to_str().unwrap();
    let (code, out, err) = run(d, &["diff", &first, csv]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added (1): AABC-9001"), "{out}");
    assert!(out.contains("removed (1): AABC-0005"), "{out}");
    assert!(
        out.contains("changed AABC-0093:\n      date_end: \"2022-09-14\" → \"2022-09-15\""),
        "{out}"
    );
    assert!(out.contains("required version bump: major"), "{out}");

    let (code, out, _) = run(d, &["diff", "--format", "json", "--exit-code", &first, csv]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let events = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "events")
        .unwrap();
    assert_eq!(events["added"], serde_json::json!(["AABC-9001"]));
    assert_eq!(events["removed"], serde_json::json!(["AABC-0005"]));
    assert_eq!(events["changed"][0]["fields"][0]["before"], "2022-09-14");
    assert_eq!(v["required_bump"], "major");

    let (_, md, _) = run(d, &["diff", "--format", "markdown", &first, csv]);
    assert!(md.starts_with("### Changes from "), "{md}");
    assert!(md.contains("- added (1): `AABC-9001`"), "{md}");
    assert!(
        md.contains("  - `date_end`: \"2022-09-14\" → \"2022-09-15\""),
        "{md}"
    );

    // Schema changes between two revisions.
    git(d, &["commit", "-qam", "edits"]);
    let schema = d.join("schema/events.schema.json");
    let text = std::fs::read_to_string(&schema).unwrap().replacen(
        "\"maximum\": 1000000",
        "\"maximum\": 2000000",
        1,
    );
    std::fs::write(&schema, text).unwrap();
    git(d, &["commit", "-qam", "looser"]);
    let (code, out, _) = run(d, &["diff", "--exit-code", "HEAD~1", "HEAD"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("events: column killed_am_military: maximum 1000000 → 2000000 (minor)"),
        "{out}"
    );
    let (code, out, _) = run(d, &["diff", "--exit-code", "HEAD", "HEAD"]);
    assert_eq!(code, 0);
    assert!(out.contains("no differences"), "{out}");
}

#[test]
fn diff_compares_bundles() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let dir = git_fixture();
    let d = dir.path();
    set_version(d, "0.5.0");
    let (code, _, _) = run(d, &["release", "--out", a.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    add_event(d, "AABC-9001");
    set_version(d, "0.6.0");
    let (code, _, err) = run(d, &["release", "--out", b.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let old = a.path().join("aabc-events-0.5.0.zip");
    let new = b.path().join("aabc-events-0.6.0");
    let (code, out, _) = run(d, &["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("(0.5.0) →") && out.contains("(0.6.0)"),
        "{out}"
    );
    assert!(out.contains("added (1): AABC-9001"), "{out}");
}

#[test]
fn cite_a_version_or_an_event_in_every_format() {
    let dir = git_fixture();
    let d = dir.path();
    let (code, _, err) = run(d, &["cite"]);
    assert_eq!(code, 2);
    assert!(err.contains("no version has been published yet"), "{err}");
    set_version(d, "1.0.0");
    git(d, &["commit", "-qam", "1.0.0"]);
    publish(d);
    let sha = aabc::release::checksum::sha256_file(&d.join("dist/aabc-events-1.0.0.zip")).unwrap();

    let (code, out, _) = run(d, &["cite", "--format", "bibtex"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("@misc{aabc_events_1_0_0,\n"), "{out}");
    assert!(
        out.contains("version = {1.0.0}") && out.contains(&sha) && out.contains("year = {2026}"),
        "{out}"
    );

    let (code, out, _) = run(d, &["cite", "--version", "v1.0.0", "--event", "AABC-0093"]);
    assert_eq!(code, 0);
    assert!(out.contains("Event AABC-0093. In: Armenia–Azerbaijan Border Crisis Event Dataset (AABC) (Version 1.0.0)"), "{out}");

    let (_, ris, _) = run(d, &["cite", "--format", "ris"]);
    assert!(
        ris.starts_with("TY  - DATA\n")
            && ris.contains("ET  - 1.0.0\n")
            && ris.ends_with("ER  - \n"),
        "{ris}"
    );
    let (_, cff, _) = run(d, &["cite", "--format", "cff"]);
    assert!(
        cff.contains("version: \"1.0.0\"") && cff.contains(&format!("sha256:{sha}")),
        "{cff}"
    );

    for (args, needle) in [
        (
            vec!["cite", "--version", "9.9.9"],
            "no version \"9.9.9\" in the release record (published versions: 1.0.0)",
        ),
        (
            vec!["cite", "--event", "AABC-9999"],
            "no event \"AABC-9999\" in version 1.0.0",
        ),
        (vec!["cite", "--version", "one"], "not a SemVer version"),
    ] {
        let (code, _, err) = run(d, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{err}");
    }
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
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo_copy(d);
    set_version(d, "9.0.0");
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 0, "{problems:?}");
    assert!(problems.iter().all(|p| p["severity"] == "warning"));
    assert!(
        problems.iter().any(|p| p["rule"] == "published-ids"),
        "{problems:?}"
    );
    let (code, _, err) = run(d, &["release"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no git history here"), "{err}");
    // The version order is still checked.
    set_version(d, "0.9.0");
    let (code, _, err) = run(d, &["release"]);
    assert_eq!(code, 1);
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
