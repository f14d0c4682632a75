//! Issue 8, release policy, git, citations, paths and printed input: hostile values in the
//! release record, the metadata and the header must not reach git, escape a citation format,
//! read outside the repository or flood a terminal; `release` and `release --check` decide
//! alike.

use crate::common::*;
use std::path::Path;

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

fn edit_meta(dir: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let p = dir.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
}

// Item 16: a commit in the release record is exactly 40 hex digits, and never an option to git.
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
    assert!(!written.exists());
}

// Item 10: one policy for `release` and `release --check` (and `verify --rebuild`).
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

// Item 17: titles, creators and licences are escaped per citation format.
#[test]
fn braces_quotes_and_colons_in_the_metadata_stay_inside_their_citation_fields() {
    let dir = git_fixture();
    let d = dir.path();
    set_version(d, "1.0.0");
    edit_meta(d, |m| {
        m["title"] = "Events} @misc{evil, title = {x".into();
        m["creators"][0]["name"] = "A \"B\": {C} 100% & co_".into();
        m["licenses"][0]["name"] = "Custom: see LICENSE".into();
    });
    git(d, &["commit", "-qam", "1.0.0"]);
    publish(d);

    let (code, bib, _) = run(d, &["cite", "--format", "bibtex"]);
    assert_eq!(code, 0);
    assert_eq!(bib.matches('{').count(), bib.matches('}').count(), "{bib}");
    // The entry's own @misc, and the title's, kept inside the title field.
    assert_eq!(bib.matches('@').count(), 2, "{bib}");
    assert!(
        bib.contains("title = {Events\\textbraceright{} @misc\\textbraceleft{}evil, title = \\textbraceleft{}x},"),
        "{bib}"
    );
    assert!(
        bib.contains(
            "author = {{A \"B\": \\textbraceleft{}C\\textbraceright{} 100\\% \\& co\\_}},"
        ),
        "{bib}"
    );

    // The citation file of the bundle and of `cite` are valid YAML of the expected shape.
    let cff = std::fs::read_to_string(d.join("dist/aabc-events-1.0.0/CITATION.cff")).unwrap();
    assert_eq!(aabc::release::citation::check_cff(&cff), Ok(()), "{cff}");
    assert!(cff.contains("license: \"Custom: see LICENSE\"\n"), "{cff}");
    assert!(
        cff.contains("  - name: \"A \\\"B\\\": {C} 100% & co_\"\n"),
        "{cff}"
    );
    let (_, cited, _) = run(d, &["cite", "--format", "cff"]);
    assert_eq!(
        aabc::release::citation::check_cff(&cited),
        Ok(()),
        "{cited}"
    );
}

#[test]
fn a_line_break_in_a_title_or_creator_is_refused_on_load_so_no_ris_record_is_injected() {
    for (field, value) in [
        ("title", "AABC\nER  - \nTY  - JOUR"),
        ("creator", "A\r\nTY  - JOUR"),
        ("licence", "MIT\nx: y"),
        // A line separator and a bidi override are no control characters, but break a line
        // or hide what the title says as well.
        ("title", "AABC\u{2028}ER  - \u{2028}TY  - JOUR"),
        ("creator", "A\u{202E}B"),
    ] {
        let dir = git_fixture();
        let d = dir.path();
        edit_meta(d, |m| match field {
            "title" => m["title"] = value.into(),
            "creator" => m["creators"][0]["name"] = value.into(),
            _ => m["licenses"][0]["name"] = value.into(),
        });
        for args in [
            vec!["validate"],
            vec!["release"],
            vec!["cite", "--format", "ris"],
        ] {
            let (code, out, err) = run(d, &args);
            assert_eq!(code, 2, "{field} {args:?}: {out}{err}");
            assert!(
                err.contains("holds the invisible or control character U+"),
                "{err}"
            );
            assert!(!out.contains("TY  - JOUR"), "{out}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}

// Item 13: paths in the metadata stay inside the repository; nothing outside is read or shown.
#[test]
fn a_table_or_schema_path_outside_the_repository_is_refused_and_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.csv");
    std::fs::write(&secret, "TOPSECRET,line\n").unwrap();
    let absolute = secret.to_str().unwrap().to_string();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "path",
            "../../../../../../../../../..".to_string() + &absolute,
            "climbs out",
        ),
        ("path", absolute.clone(), "absolute"),
        ("schema", absolute.clone(), "absolute"),
        (
            "schema",
            "../../schema/events.schema.json".to_string(),
            "climbs out",
        ),
        ("symlink", String::new(), "symlink"),
        (
            "path",
            "events\u{1b}[2J.csv".to_string(),
            "control character",
        ),
    ];
    for (key, value, why) in cases {
        let dir = fixture_copy("dataset_refs");
        let d = dir.path();
        if key == "symlink" {
            let events = d.join("dataset/events.csv");
            std::fs::remove_file(&events).unwrap();
            std::os::unix::fs::symlink(&secret, &events).unwrap();
        } else {
            edit_meta(d, |m| m["resources"][1][key] = value.clone().into());
        }
        for args in [vec!["validate"], vec!["fmt", "--check"], vec!["codebook"]] {
            let (code, out, err) = run(d, &args);
            assert_eq!(code, 2, "{key} {value} {args:?}: {out}{err}");
            assert!(err.contains(why), "{key} {args:?}: {err}");
            assert!(err.contains("inside") || err.contains("plainly"), "{err}");
            assert!(!err.contains('\u{1b}'), "{err}");
            assert!(
                !out.contains("TOPSECRET") && !err.contains("TOPSECRET"),
                "{out}{err}"
            );
        }
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

// Item 18: names and values from input are escaped and cut wherever they are printed.
#[test]
fn a_huge_header_cell_with_terminal_escapes_prints_a_few_hundred_bytes_and_no_escape_byte() {
    let dir = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string(root().join("tests/fixtures/killed_total.csv")).unwrap();
    let mut lines = header.lines();
    let (head, row) = (lines.next().unwrap(), lines.next().unwrap());
    let big = format!("\u{1b}]0;owned\u{7}\u{1b}[31m{}", "x".repeat(1 << 20));
    // An extra column with a 1 MB name, and the same name in place of a known column.
    let extra = dir.path().join("extra.csv");
    std::fs::write(&extra, format!("{head},{big}\n{row},1\n")).unwrap();
    let renamed = dir.path().join("named \u{1b}[2J.csv");
    std::fs::write(
        &renamed,
        format!("{}\n{row}\n", head.replacen("event_id", &big, 1)),
    )
    .unwrap();
    for file in [&extra, &renamed] {
        for format in ["human", "json", "github"] {
            let out = aabc()
                .args(["validate", "--format", format, "--schema"])
                .arg(root().join("schema/events.schema.json"))
                .arg(file)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{format}");
            let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
            assert!(
                !all.contains(&0x1b),
                "{format}: an ESC byte reached the output"
            );
            assert!(
                !all.contains(&0x07),
                "{format}: a BEL byte reached the output"
            );
            let problems = String::from_utf8_lossy(&out.stdout).lines().count();
            assert!(
                all.len() < 400 * problems.max(1) + 400,
                "{format}: {} bytes for {problems} line(s)",
                all.len()
            );
            let text = String::from_utf8_lossy(&all);
            assert!(text.contains("(1048591 characters)"), "{format}: {text}");
        }
    }
    // An error naming the file (it cannot run) escapes it too.
    let missing = dir.path().join("gone \u{1b}[2J.csv");
    let out = aabc()
        .args(["validate", "--schema", "schema/events.schema.json"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.contains(&0x1b));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gone \\u{1b}[2J.csv"));
}

// Section 7: the retired-id file's column names come from its schema, not from the code.
#[test]
fn the_retired_id_columns_and_their_hints_come_from_the_retired_schema() {
    let dir = git_fixture();
    let d = dir.path();
    edit(&d.join("schema/retired.schema.json"), |t| {
        t.replace("\"event_id\"", "\"key\"")
            .replace("\"retired_in\"", "\"since\"")
            .replace("\"reason\": {", "\"why\": {")
            .replace("\"reason\"\n", "\"why\"\n")
            .replace("duplicate of AABC-0042", "merged into another row")
    });
    std::fs::write(
        d.join("dataset/retired.csv"),
        "key,since,why\nAABC-0007,one,\n",
    )
    .unwrap();
    let (code, problems) = validate_json(&["--root", d.to_str().unwrap()]);
    assert_eq!(code, 1, "{problems:?}");
    let got: Vec<(&str, &str, &str)> = problems
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap_or(""),
                p["message"].as_str().unwrap(),
                p["hint"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "since",
                "is not a version",
                "write the version that retired the id (e.g. 1.1.0)"
            ),
            (
                "why",
                "is blank",
                "say why the id was retired (e.g. merged into another row)"
            ),
            (
                "key",
                "is retired but still (or again) in the table",
                "a retired id is never reused: give the row a new id, or remove it from the retired list if it was retired by mistake"
            ),
        ]
    );
}

// Section 7: hints in the dataset's words come from the schema (`hint` in `x-rules`).
#[test]
fn a_rule_hint_declared_in_the_schema_is_added_to_the_generic_hint() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/events.1.schema.json"))
        .unwrap()
        .replacen(
            "\"id\": \"killed-total\",\n      \"rule\": \"sum\",\n",
            "\"id\": \"killed-total\",\n      \"rule\": \"sum\",\n      \"hint\": \"put an unattributed figure in killed_unknown\",\n",
            1,
        );
    assert!(text.contains("in killed_unknown\""));
    let schema = dir.path().join("events.schema.json");
    std::fs::write(&schema, text).unwrap();
    let out = aabc()
        .args(["validate", "--format", "json", "--schema"])
        .arg(&schema)
        .arg("tests/fixtures/killed_total.csv")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let p: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(p["rule"], "killed-total");
    assert_eq!(
        p["hint"],
        "killed_total must equal the sum of killed_am_military, killed_az_military, killed_civilians, killed_unknown (blank counts as 0); put an unattributed figure in killed_unknown"
    );
}

#[test]
fn diff_prints_a_changed_value_with_terminal_escapes_escaped_and_cut() {
    let dir = git_fixture();
    let d = dir.path();
    let events = d.join("dataset/events.csv");
    edit(&events, |t| {
        t.replacen(
            "AABC-0093,",
            &format!("AABC-0093\u{1b}[2J{},", "9".repeat(100_000)),
            1,
        )
    });
    let (code, out, err) = run(d, &["diff", "HEAD", events.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains('\u{1b}') && !err.contains('\u{1b}'),
        "an ESC byte reached the output"
    );
    assert!(out.len() < 2000, "{} bytes: {out}", out.len());
    assert!(out.contains("added (1): AABC-0093\\u{1b}[2J999"), "{out}");
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
    assert_eq!(problems[0]["rule"], "release-record");
    assert_eq!(problems[0]["line"], 2);
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
