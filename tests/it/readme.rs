//! Every command the README (and CONTRIBUTING.md) shows in a shell block (`sh`, `bash`, `shell`) runs, so that no example
//! can rot. The commands run in a clone of the repository (for the published versions in its history)
//! holding the working tree's data, with `aabc` and `cargo run --release --` both meaning the
//! binary under test.

use crate::common::*;
use std::path::Path;

/// Commands of a `sh` block, one per line (a trailing `\` joins lines), without comments.
fn commands(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in block.lines() {
        let line = match line.find(" #") {
            Some(i) => &line[..i],
            None if line.trim_start().starts_with('#') => "",
            None => line,
        };
        let line = line.trim_end();
        if let Some(part) = line.strip_suffix('\\') {
            cur.push_str(part);
            continue;
        }
        cur.push_str(line);
        if !cur.trim().is_empty() {
            out.push(cur.trim().to_string());
        }
        cur.clear();
    }
    out
}

/// The shell blocks (`sh`, `bash`, `shell`) of a Markdown file.
fn sh_blocks(markdown: &str) -> Vec<String> {
    crate::readme_blocks::fenced_blocks(markdown)
        .into_iter()
        .filter(|b| crate::readme_blocks::how(&b.lang) == Some(crate::readme_blocks::How::Shell))
        .map(|b| b.code)
        .collect()
}

/// Why a command is not run here, if it is not: the test suite itself, installs, the benchmark
/// (minutes), and lines with placeholders for the reader to fill in.
fn skipped(cmd: &str) -> Option<&'static str> {
    let placeholder = cmd
        .split_whitespace()
        .any(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()) && w != "HEAD");
    if cmd.starts_with("cargo test")
        || cmd.contains("tests/interop/setup.sh")
        || cmd.contains(".ci/run")
    {
        Some("the test suite itself")
    } else if cmd.starts_with("bash bench/") {
        Some("the benchmark takes minutes")
    } else if cmd.contains("pytest") {
        Some("the interop suite runs in tests/interop.rs")
    } else if cmd.starts_with("cargo install") || cmd.starts_with("pip ") {
        Some("an install")
    } else if placeholder {
        Some("a placeholder")
    } else {
        None
    }
}

/// A clone of this repository with the working tree's data, schemas, README and changelog.
fn clone_with_working_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("repo");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--no-hardlinks"])
        .arg(root())
        .arg(&d)
        .status()
        .unwrap();
    assert!(status.success());
    for sub in ["dataset", "schema"] {
        std::fs::remove_dir_all(d.join(sub)).unwrap();
    }
    repo_copy(&d);
    std::fs::copy(root().join("README.md"), d.join("README.md")).unwrap();
    dir
}

fn run_line(dir: &Path, cmd: &str) -> (bool, String) {
    // The test's binary stands in for the installed one and for `cargo run --release --`;
    // the synthetic table is kept small.
    let prelude = format!(
        "aabc() {{ {:?} \"$@\"; }}\ncargo() {{ shift 3; aabc \"$@\"; }}\n",
        env!("CARGO_BIN_EXE_aabc")
    );
    let cmd = cmd.replace("--rows 1000000", "--rows 2000");
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &format!("{prelude}{cmd}")])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn every_command_of_the_readme_and_contributing_runs() {
    let mut all: Vec<String> = Vec::new();
    for page in ["README.md", "CONTRIBUTING.md"] {
        let text = std::fs::read_to_string(root().join(page)).unwrap();
        all.extend(sh_blocks(&text).iter().flat_map(|b| commands(b)));
    }
    assert!(all.len() >= 18, "{all:#?}");
    let tmp = clone_with_working_tree();
    let dir = tmp.path().join("repo");
    let mut ran = 0;
    for cmd in &all {
        if let Some(why) = skipped(cmd) {
            eprintln!("skipped ({why}): {cmd}");
            continue;
        }
        let (ok, out) = run_line(&dir, cmd);
        assert!(ok, "README command failed: {cmd}\n{out}");
        ran += 1;
    }
    assert!(ran >= 12, "only {ran} commands ran");
}

#[test]
fn the_readme_command_reader_sees_continued_lines_and_skips_placeholders() {
    let block = "a one  # comment\n# only a comment\nb \\\n  two\n";
    assert_eq!(commands(block), ["a one", "b   two"]);
    assert!(skipped("aabc diff OLD NEW --format json").is_some());
    assert!(skipped("aabc diff 1.1.0 HEAD").is_none());
}

/// The repository's dataset, with `edit` applied to its metadata, released into `dist` under
/// `dir`; returns the bundle README.
fn bundle_readme(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let repo = dir.join("repo");
    repo_copy(&repo);
    let meta_path = repo.join("dataset/dataset.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    edit(&mut meta);
    std::fs::write(&meta_path, serde_json::to_string_pretty(&meta).unwrap()).unwrap();
    // The edited metadata builds other bytes than the published version: in this copy the
    // version is not published yet (the record keeps only its header).
    let record = repo.join("dataset/releases.csv");
    let header = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, format!("{}\n", header.lines().next().unwrap())).unwrap();
    let dist = dir.join("dist");
    let (code, out, err) = run(&repo, &["release", "--out", dist.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let name = format!(
        "{}-{}",
        meta["name"].as_str().unwrap(),
        meta["version"].as_str().unwrap()
    );
    std::fs::read_to_string(dist.join(name).join("README.md")).unwrap()
}

#[test]
fn the_format_5_bundle_readme_says_how_to_check_a_figure_from_the_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let mut meta = serde_json::Value::Null;
    let readme = bundle_readme(dir.path(), |m| {
        m["release_format"] = 5.into();
        meta = m.clone();
    });
    let at = readme
        .find("## Checking a figure\n")
        .expect("a section on checking a figure");
    let section = &readme[at..at + readme[at..].find("\n## Figures").unwrap()];
    let text = meta["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s.get("text"))
        .unwrap();
    for said in [
        format!(
            "- `{}.csv`: the passages",
            meta["evidence"]["table"].as_str().unwrap()
        ),
        format!(
            "- `{}.csv`: every figure claimed",
            meta["claims"]["table"].as_str().unwrap()
        ),
        format!("- `{}`: the text of `", text["path"].as_str().unwrap()),
        format!("SHA-256 `{}`", text["sha256"].as_str().unwrap()),
        format!(
            "add `<column>_low` and `<column>_high` after `{}`",
            meta["claims"]["bounds"][0].as_str().unwrap()
        ),
        "`aabc trace ID`".to_string(),
        "quoted = claims.merge(evidence, left_on=\"evidence_id\"".to_string(),
    ] {
        assert!(section.contains(&said), "missing {said:?} in:\n{section}");
    }
    // The polars line casts only the categoricals: an integer vocabulary stays an integer.
    assert!(readme.contains("for c, v in cats.items() if events.schema[c] == pl.Categorical)"));
    assert!(readme.contains("# (integer codes keep their integer type: `geo_precision`)"));
}

#[test]
fn a_bundle_readme_without_evidence_claims_or_pinned_texts_has_no_checking_section() {
    let dir = tempfile::tempdir().unwrap();
    let readme = bundle_readme(dir.path(), |m| {
        m["release_format"] = 5.into();
        let m = m.as_object_mut().unwrap();
        m.remove("evidence");
        m.remove("claims");
        for s in m["sources"].as_array_mut().unwrap() {
            s.as_object_mut().unwrap().remove("text");
        }
    });
    assert!(!readme.contains("## Checking a figure"), "{readme}");
}
