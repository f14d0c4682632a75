//! The pre-commit hooks of `.pre-commit-hooks.yaml`, tried as another project would try them:
//! `pre-commit try-repo` on a scratch dataset repository made by `aabc init`. pre-commit
//! installs the hooks with `cargo install`; the build is kept cheap (no optimisation, the
//! target directory kept under `target/`) and offline (the crates `cargo test` fetched).

use crate::common::*;
use std::path::Path;

fn try_repo(dir: &Path, hook: &str) -> (bool, String) {
    let tool = root().join(".venv-ci/bin/pre-commit");
    assert!(
        tool.exists(),
        "{} is missing: run `bash tests/interop/setup.sh`",
        tool.display()
    );
    let out = std::process::Command::new(tool)
        .args(["try-repo"])
        .arg(root())
        .args([hook, "--all-files", "--color", "never"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", root().join("target/pre-commit/home"))
        .env("CARGO_TARGET_DIR", root().join("target/pre-commit/build"))
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("pre-commit try-repo {hook}:\n{text}");
    (out.status.success(), text)
}

#[test]
fn the_hooks_pass_a_good_dataset_and_stop_a_bad_one() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("events");
    let (code, _, err) = run_aabc(&[
        "init",
        d.to_str().unwrap(),
        "--aabc-git",
        "https://example.org/aabc.git",
    ]);
    assert_eq!(code, 0, "{err}");
    let events = d.join("dataset/events.csv");
    let header = std::fs::read_to_string(&events).unwrap();
    std::fs::write(
        &events,
        format!("{header}EV-0001,2024-03-01,2024-03-01,day,protest,ML,Bamako,Protesters (Mali),,0,https://example.org/a,\n"),
    )
    .unwrap();
    git(&d, &["init", "-q"]);
    git(&d, &["add", "-A"]);
    git(&d, &["commit", "-qm", "first row"]);

    let (ok, out) = try_repo(&d, "aabc-validate");
    assert!(
        ok && out.contains("aabc validate") && out.contains("Passed"),
        "{out}"
    );

    // A row out of order: fmt rewrites it (and the hook fails, as pre-commit hooks that
    // change files do); an impossible date: validate stops the commit and says where.
    let text = std::fs::read_to_string(&events).unwrap();
    std::fs::write(
        &events,
        format!("{text}EV-0002,2023-02-30,2023-02-30,day,protest,ML,Bamako,Protesters (Mali),,,https://example.org/b,\n"),
    )
    .unwrap();
    let (ok, out) = try_repo(&d, "aabc-validate");
    assert!(!ok, "{out}");
    assert!(
        out.contains("dataset/events.csv:3:") && out.contains("date_start"),
        "{out}"
    );

    let before = std::fs::read_to_string(&events).unwrap();
    std::fs::write(&events, before.replace("2023-02-30", "2023-02-28")).unwrap();
    let (ok, out) = try_repo(&d, "aabc-fmt");
    assert!(
        !ok && out.contains("files were modified by this hook"),
        "{out}"
    );
    let after = std::fs::read_to_string(&events).unwrap();
    let first = after.lines().nth(1).unwrap();
    assert!(first.starts_with("EV-0002,2023-02-28"), "{after}");
    let (ok, out) = try_repo(&d, "aabc-validate");
    assert!(ok, "{out}");
}
