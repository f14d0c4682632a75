//! Names that become file names are plain tokens: a table name in `dataset.json` or a link
//! table name in a schema that is absolute, climbs (`../x`), holds a folder (`a/b`), passes for
//! an option (`-x`) or is empty is refused before anything is written (exit 2, naming the
//! field), by every command that reads the dataset. The filesystem is checked: nothing appears
//! outside the output folder (nor inside it).

use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(p);
            }
        }
    }
    out
}

/// The bad names, one per kind of fault; `outer` is where an absolute name points.
fn bad_names(outer: &Path) -> Vec<String> {
    vec![
        outer.join("abs").to_string_lossy().into_owned(),
        "../x".into(),
        "a/b".into(),
        "-x".into(),
        String::new(),
    ]
}

/// A copy of the geo fixture at `outer/repo` whose metadata declares one more table, a second
/// view of `sources.csv` named `name` (no foreign key references it, so only its name is wrong).
fn repo_with_table(outer: &Path, name: &str) -> PathBuf {
    let repo = outer.join("repo");
    crate::loader::geo_with_table(&repo, name, "sources.schema.json");
    repo
}

/// The commands that read the dataset, each with its output folder under `repo`.
fn commands(repo: &Path) -> Vec<(Vec<String>, PathBuf)> {
    let out = |p: &str| repo.join(p).to_string_lossy().into_owned();
    vec![
        (vec!["validate".into()], repo.join("nowhere")),
        (
            vec!["release".into(), "--out".into(), out("dist")],
            repo.join("dist"),
        ),
        (
            vec!["site".into(), "--out".into(), out("page")],
            repo.join("page"),
        ),
        (
            vec![
                "export".into(),
                "--format".into(),
                "csv".into(),
                "--out".into(),
                out("x/e.csv"),
            ],
            repo.join("x"),
        ),
    ]
}

/// Runs `args --root repo`; asserts exit 2 with `expect` in the message and no new file
/// anywhere under `outer` outside `out`.
fn refused(outer: &Path, repo: &Path, args: &[String], out: &Path, expect: &str) {
    let before = files(outer);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run(repo, &args);
    assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
    assert!(stderr.contains(expect), "{args:?}: {stderr}");
    let written: Vec<PathBuf> = files(outer)
        .difference(&before)
        .filter(|p| !p.starts_with(out))
        .cloned()
        .collect();
    assert!(written.is_empty(), "{args:?} wrote {written:?}");
}

#[test]
fn a_table_name_that_is_not_a_plain_token_is_refused_by_every_command() {
    let outer = tempfile::tempdir().unwrap();
    for name in bad_names(outer.path()) {
        for (args, out) in commands(&repo_with_table(outer.path(), &name)) {
            let repo = outer.path().join("repo");
            refused(
                outer.path(),
                &repo,
                &args,
                &out,
                "\"resources\"[4].\"name\"",
            );
            assert!(!out.exists() || files(&out).is_empty(), "{args:?}");
        }
        std::fs::remove_dir_all(outer.path().join("repo")).unwrap();
    }
}

#[test]
fn the_message_says_which_names_are_plain() {
    let outer = tempfile::tempdir().unwrap();
    let repo = repo_with_table(outer.path(), "../x");
    let (code, _, stderr) = run(&repo, &["validate"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("\"resources\"[4].\"name\" is \"../x\": not a plain name: use lowercase letters, digits, '_', '-' and '.'"),
        "{stderr}"
    );
}

/// A copy of the geo fixture at `outer/repo` whose `place_ids` foreign key names the link
/// table `link`.
fn repo_with_link(outer: &Path, link: &str) -> PathBuf {
    let repo = outer.join("repo");
    copy_tree(&root().join("tests/fixtures/geo"), &repo);
    let path = repo.join("schema/events.schema.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for fk in v["x-foreignKeys"].as_array_mut().unwrap() {
        if fk["link"] == "event_places" {
            fk["link"] = serde_json::json!(link);
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    repo
}

#[test]
fn a_link_table_name_that_is_not_a_plain_token_is_refused_by_release() {
    let outer = tempfile::tempdir().unwrap();
    for link in bad_names(outer.path()) {
        let repo = repo_with_link(outer.path(), &link);
        let dist = repo.join("dist");
        let args = [
            "release".to_string(),
            "--out".into(),
            dist.to_string_lossy().into(),
        ];
        refused(
            outer.path(),
            &repo,
            &args,
            &dist,
            "the \"link\" of a foreign key is",
        );
        assert!(!dist.exists() || files(&dist).is_empty(), "{link:?}");
        std::fs::remove_dir_all(&repo).unwrap();
    }
}

#[test]
fn a_link_table_named_like_a_table_is_refused_rather_than_replacing_its_files() {
    let outer = tempfile::tempdir().unwrap();
    let repo = repo_with_link(outer.path(), "places");
    let dist = repo.join("dist");
    let (code, _, stderr) = run(&repo, &["release", "--out", dist.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the \"link\" of a foreign key is \"places\": another table of the bundle has that name"),
        "{stderr}"
    );
    assert!(!dist.exists() || files(&dist).is_empty());
}

#[test]
fn verify_refuses_a_bundle_whose_table_name_points_outside_it() {
    // A bundle whose dataset.json renames a table to climb out: verify reports the name
    // instead of comparing `../x.csv` with `../x.json` beside the bundle.
    let outer = tempfile::tempdir().unwrap();
    let repo = outer.path().join("repo");
    copy_tree(&root().join("tests/fixtures/geo"), &repo);
    let dist = repo.join("dist");
    let (code, out, err) = run(&repo, &["release", "--out", dist.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let bundle = dist.join("geo-fixture-2.0.0");
    let meta = bundle.join("dataset.json");
    let text = std::fs::read_to_string(&meta).unwrap().replacen(
        "\"name\": \"sources\"",
        "\"name\": \"../x\"",
        1,
    );
    std::fs::write(&meta, text).unwrap();
    let (code, stdout, stderr) = run_aabc(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("\"resources\"[3].\"name\" is \"../x\""),
        "{stdout}{stderr}"
    );
}
