//! The files around the data that GitHub and contributors run: the pull-request job summary (run
//! as the workflow runs it), and every workflow, action and issue form checked against GitHub's
//! schemas. (The pre-commit hooks, which install the wheel, are tried in `wheel::`.)

use crate::common::*;
use crate::workdir::Workdir;
use std::path::Path;

/// The `run:` script of the workflow step named `step` (a `run: |` block).
fn step_script(workflow: &Path, step: &str) -> String {
    let text = std::fs::read_to_string(workflow).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start() == format!("- name: {step}"))
        .unwrap_or_else(|| panic!("no step {step:?} in {}", workflow.display()));
    let run = (at..lines.len())
        .find(|&i| lines[i].trim_start() == "run: |")
        .expect("the step runs a block");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body_indent = indent(lines[run + 1]);
    lines[run + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) >= body_indent)
        .map(|l| l.get(body_indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rewrites the events table of `dir` with `f` applied to its parsed rows (header first).
fn edit_rows(dir: &Path, f: impl FnOnce(&mut Vec<Vec<String>>)) {
    let path = dir.join("dataset/events.csv");
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    f(&mut rows);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(&path)
        .unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// Runs the pinned check-jsonschema (`tests/interop/setup.sh` installs it) with one of the
/// GitHub schemas it ships, offline, on `files`.
fn check_jsonschema(schema: &str, files: &[std::path::PathBuf]) {
    let tool = require_tool("check-jsonschema", ".venv-ci/bin/check-jsonschema");
    let out = std::process::Command::new(tool)
        .args(["--builtin-schema", schema])
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{schema}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn yaml_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_pull_request_summary_lists_the_changes_and_the_bump_they_need() {
    let dir = git_fixture();
    let d = dir.path();
    // The base branch as actions/checkout fetches it.
    git(d, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    edit_rows(d, |rows| {
        let notes = rows[0].iter().position(|c| c == "notes").unwrap();
        rows[2][notes] = "A corrected note.".into();
        let mut added = rows.last().unwrap().clone();
        added[0] = "AABC-9001".into();
        rows.push(added);
    });
    let (code, out, err) = run(d, &["fmt"]);
    assert_eq!(code, 0, "{out}{err}");
    git(d, &["commit", "-qam", "pull request"]);
    let changed = git(d, &["show", "HEAD~1:dataset/events.csv"]);
    let changed_id = changed.lines().nth(2).unwrap().split(',').next().unwrap();

    // The workflow calls the release build; here it is the binary under test.
    std::fs::create_dir_all(d.join("target/release")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_aabc"), d.join("target/release/aabc")).unwrap();
    let script = step_script(
        &root().join(".github/workflows/validate.yml"),
        "Summarise the data change against the base branch",
    );
    let summary = d.join("summary.md");
    let status = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(d)
        .env("BASE", "main")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .status()
        .unwrap();
    assert!(status.success());
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("### Changes from origin/main"), "{md}");
    assert!(md.contains("- required version bump: minor\n"), "{md}");
    assert!(md.contains("events\\: 1 row(s) added (AABC-9001)"), "{md}");
    assert!(md.contains("- added (1): `AABC-9001`"), "{md}");
    assert!(
        md.contains(&format!("- changed `{changed_id}`:"))
            && md.contains("→ `\"A corrected note.\"`"),
        "{md}"
    );
    // The release check's verdict follows, as an indented code block (no text can end it).
    assert!(
        md.lines()
            .any(|l| l.starts_with("    ") && l.contains("may be released")),
        "{md}"
    );
}

#[test]
fn workflows_actions_and_issue_forms_follow_githubs_schemas() {
    let workflows = yaml_files(".github/workflows");
    assert!(!workflows.is_empty());
    check_jsonschema("vendor.github-workflows", &workflows);
    check_jsonschema("vendor.github-actions", &[root().join("action.yml")]);
    let (config, forms): (Vec<_>, Vec<_>) = yaml_files(".github/ISSUE_TEMPLATE")
        .into_iter()
        .partition(|p| p.ends_with("config.yml"));
    assert_eq!(forms.len(), 2, "{forms:?}");
    check_jsonschema("vendor.github-issue-forms", &forms);
    check_jsonschema("vendor.github-issue-config", &config);

    // The workflow `aabc init` writes for a new dataset, too.
    let w = Workdir::init(
        "workflow",
        "new",
        &["--aabc-git", "https://example.org/aabc.git"],
    );
    check_jsonschema(
        "vendor.github-workflows",
        &[w.join(".github/workflows/validate.yml")],
    );
}

#[test]
fn a_broken_workflow_is_caught_by_the_schema_check() {
    // The check above can fail: a job without `runs-on` or `uses` is refused.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  x:\n    steps:\n      - run: true\n",
    )
    .unwrap();
    let out = std::process::Command::new(require_tool(
        "check-jsonschema",
        ".venv-ci/bin/check-jsonschema",
    ))
    .args(["--builtin-schema", "vendor.github-workflows"])
    .arg(&bad)
    .output()
    .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("'runs-on' is a required property"), "{said}");
}
