//! The `aabc` wheel (`pyproject.toml`: maturin's `bin` bindings), as a contributor without Rust
//! gets it. The pinned maturin (`tests/interop/setup.sh`) builds it once per run from what the
//! test build already compiled (its profile and target directory: seconds, not a release
//! build); pip installs it offline into fresh virtualenvs, by hand and by the very steps that
//! install it elsewhere (the scaffold's workflow, the Action, pre-commit's local hooks), and
//! the installed command checks a scaffolded dataset. Also: the sdist carries what the build
//! reads, the wheels workflow covers the three systems, and `rust-version` is one the locked
//! dependencies build with.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The directory holding the wheel, built once for this run into the test build's target
/// directory (`wheel-test/`, replaced on each run).
fn wheels() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(build_wheel)
}

fn build_wheel() -> PathBuf {
    let maturin = require_tool("maturin", ".venv-ci/bin/maturin");
    let profile_dir = Path::new(env!("CARGO_BIN_EXE_aabc")).parent().unwrap();
    let target = profile_dir.parent().unwrap();
    // The profile the test build used: maturin then finds the binary already built.
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "dev",
        Some(other) => other,
        None => panic!("no profile directory in {}", profile_dir.display()),
    };
    let out = target.join("wheel-test");
    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap();
    }
    let started = std::time::Instant::now();
    let built = Command::new(maturin)
        .args(["build", "--locked", "--offline", "--profile", profile])
        // Stored, not deflated: the wheel of an unoptimised build is large and only goes to pip.
        .args(["--compression-method", "stored", "--target-dir"])
        .arg(target)
        .arg("--out")
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(built.status.success(), "maturin build: {}", said(&built));
    eprintln!("built the wheel in {:.1?}", started.elapsed());
    out
}

/// What a process printed, both streams.
fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A new virtualenv in `dir` (with pip, without aabc); returns its `bin` directory.
fn virtualenv(dir: &Path) -> PathBuf {
    let python = require_tool("the CI tools' Python", ".venv-ci/bin/python");
    let venv = dir.join("venv");
    let made = Command::new(python)
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap();
    assert!(made.status.success(), "python -m venv: {}", said(&made));
    venv.join("bin")
}

/// `cmd` with pip offline: packages come from the built wheel's directory only, and the
/// virtualenv's own setuptools builds pre-commit's placeholder package.
fn offline_pip(cmd: &mut Command) -> &mut Command {
    cmd.env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", wheels())
        .env("PIP_NO_BUILD_ISOLATION", "0")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
}

/// The PATH with `bin` first.
fn path_with(bin: &Path) -> String {
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

/// Runs a workflow or action step's `script` with bash in `dir`, with `env` and pip offline.
fn step(dir: &Path, script: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    // As GitHub runs `shell: bash`.
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    offline_pip(&mut cmd).output().unwrap()
}

/// A scaffolded dataset with one row, `aabc init` run by the test build, in `dir/events`.
fn scaffold_with_a_row(dir: &Path) -> PathBuf {
    let d = dir.join("events");
    let (code, out, err) = run_aabc(&["init", d.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    append_event(&d, "EV-0001,2024-03-01,2024-03-01,day,protest,ML,Bamako,Protesters (Mali),,0,https://example.org/a,");
    d
}

fn append_event(d: &Path, row: &str) {
    let events = d.join("dataset/events.csv");
    let text = std::fs::read_to_string(&events).unwrap();
    std::fs::write(&events, format!("{text}{row}\n")).unwrap();
}

/// The `run:` step of `steps` (a workflow job's or an action's) whose name is `name`.
fn script<'a>(steps: &'a Value, name: &str) -> &'a str {
    steps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("no step {name:?} that runs a script"))
}

/// Fails unless the installed distribution `aabc` carries the `[project]` of the pyproject.toml
/// given as its argument.
const PYPROJECT_IS_THE_METADATA: &str = "import importlib.metadata as m, sys, tomllib
p = tomllib.load(open(sys.argv[1], 'rb'))['project']
d = m.metadata('aabc')
for field, key in [('Requires-Python', 'requires-python'), ('License-Expression', 'license'), ('Summary', 'description')]:
    assert d[field] == p[key], (field, d[field])
assert sorted(d.get_all('Classifier')) == sorted(p['classifiers']), d.get_all('Classifier')
";

#[test]
fn the_wheel_installs_offline_into_a_fresh_virtualenv_and_checks_a_new_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let wheel = std::fs::read_dir(wheels())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .expect("a wheel");
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    let version = env!("CARGO_PKG_VERSION");
    // No Python in it: one wheel serves every Python of a platform.
    assert!(
        name.starts_with(&format!("aabc-{version}-py3-none-")),
        "{name}"
    );

    let bin = virtualenv(tmp.path());
    let mut pip = Command::new(bin.join("python"));
    pip.args(["-m", "pip", "install", "--quiet", "--no-index"])
        .arg(&wheel);
    let installed = offline_pip(&mut pip).output().unwrap();
    assert!(
        installed.status.success(),
        "pip install: {}",
        said(&installed)
    );

    // pip sees the metadata of pyproject.toml.
    let metadata = Command::new(bin.join("python"))
        .args(["-c", PYPROJECT_IS_THE_METADATA])
        .arg(root().join("pyproject.toml"))
        .output()
        .unwrap();
    assert!(metadata.status.success(), "{}", said(&metadata));

    let aabc = bin.join("aabc");
    let out = Command::new(&aabc).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("aabc {version}\n")
    );
    let d = tmp.path().join("new");
    let out = Command::new(&aabc).arg("init").arg(&d).output().unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let out = Command::new(&aabc)
        .arg("validate")
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    eprintln!(
        "wheel built, installed and run in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn the_scaffolds_workflow_installs_the_pinned_wheel_and_checks_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = scaffold_with_a_row(tmp.path());
    let workflow = yaml_json(&d.join(".github/workflows/validate.yml"));
    let requirement = workflow["env"]["AABC_REQUIREMENT"].as_str().unwrap();
    assert_eq!(requirement, format!("aabc=={}", env!("CARGO_PKG_VERSION")));
    let steps = &workflow["jobs"]["dataset"]["steps"];
    let setup = steps.as_array().unwrap().iter().find(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/setup-python"))
    });
    assert_eq!(setup.unwrap()["with"]["cache"], "pip");

    // The runner's `python` is a fresh virtualenv's; the install step puts aabc in it.
    let bin = virtualenv(tmp.path());
    let path = path_with(&bin);
    let env = [("PATH", path.as_str()), ("AABC_REQUIREMENT", requirement)];
    let out = step(&d, script(steps, "Install aabc"), &env);
    assert!(out.status.success(), "{}", said(&out));
    assert!(bin.join("aabc").is_file());
    for name in [
        "Validate the dataset (problems appear as annotations on the changed lines)",
        "Check canonical form",
    ] {
        let out = step(&d, script(steps, name), &env);
        assert!(out.status.success(), "{name}: {}", said(&out));
    }
    // The installed aabc stops a bad row, with an annotation on its line.
    append_event(&d, "EV-0002,2023-02-30,2023-02-30,day,protest,ML,Gao,Protesters (Mali),,0,https://example.org/b,");
    let name = "Validate the dataset (problems appear as annotations on the changed lines)";
    let out = step(&d, script(steps, name), &env);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(
        said(&out).contains("::error file=dataset/events.csv,line=3"),
        "{}",
        said(&out)
    );
}

#[test]
fn the_action_installs_the_wheel_of_its_own_release_and_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let d = scaffold_with_a_row(tmp.path());
    let action = yaml_json(&root().join("action.yml"));
    let steps = &action["runs"]["steps"];
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(!text.contains("cargo"), "{text}");

    // `version: action` is the version in the action's Cargo.toml.
    let output = tmp.path().join("output");
    let root = root();
    let python_bin = require_tool("the CI tools' Python", ".venv-ci/bin/python");
    let path = path_with(python_bin.parent().unwrap());
    let out = step(
        &d,
        script(steps, "Which aabc"),
        &[
            ("VERSION", "action"),
            ("ACTION_PATH", root.to_str().unwrap()),
            ("GITHUB_OUTPUT", output.to_str().unwrap()),
            ("PATH", &path),
        ],
    );
    assert!(out.status.success(), "{}", said(&out));
    let outputs = std::fs::read_to_string(&output).unwrap();
    let version = format!("version={}\n", env!("CARGO_PKG_VERSION"));
    assert!(outputs.starts_with(&version), "{outputs}");
    // Anything but a version is refused before it reaches pip or a cache key.
    let out = step(
        &d,
        script(steps, "Which aabc"),
        &[("VERSION", "1.0; rm -rf /"), ("GITHUB_OUTPUT", "/dev/null")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));

    let github_path = tmp.path().join("github-path");
    let runner_temp = tmp.path().join("runner");
    std::fs::create_dir(&runner_temp).unwrap();
    let out = step(
        &d,
        script(steps, "Install aabc"),
        &[
            ("VERSION", env!("CARGO_PKG_VERSION")),
            ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
            ("GITHUB_PATH", github_path.to_str().unwrap()),
            ("PATH", &path),
        ],
    );
    assert!(out.status.success(), "{}", said(&out));
    let bin = std::fs::read_to_string(&github_path).unwrap();
    let bin = Path::new(bin.trim());
    assert!(bin.join("aabc").is_file(), "{}", bin.display());

    let path = path_with(bin);
    let validate = |d: &Path| {
        let root = d.to_str().unwrap();
        let env = [
            ("ROOT", root),
            ("SCHEMA", ""),
            ("FILE", ""),
            ("FORMAT", "github"),
            ("PATH", &path),
        ];
        step(d, script(steps, "Validate"), &env)
    };
    let out = validate(&d);
    assert!(out.status.success(), "{}", said(&out));
    append_event(&d, "EV-0002,2023-02-30,2023-02-30,day,protest,ML,Gao,Protesters (Mali),,0,https://example.org/b,");
    let out = validate(&d);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("::error file="), "{}", said(&out));
}

/// The README's pre-commit configuration: the block that declares the hooks locally.
fn readme_hooks() -> (String, Value) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = crate::readme_blocks::fenced_blocks(&readme)
        .into_iter()
        .find(|b| b.lang == "yaml" && b.code.contains("repo: local"))
        .expect("the README declares the hooks in a `repo: local` block");
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), &block.code).unwrap();
    let config = yaml_json(tmp.path());
    (block.code, config)
}

#[test]
fn the_readmes_local_hooks_are_the_published_hooks_on_the_wheel() {
    let (_, config) = readme_hooks();
    let local = config["repos"][0]["hooks"].as_array().unwrap();
    let published = yaml_json(&root().join(".pre-commit-hooks.yaml"));
    let published = published.as_array().unwrap();
    assert_eq!(local.len(), published.len());
    let pin = format!("aabc=={}", env!("CARGO_PKG_VERSION"));
    for hook in published {
        let mine = local.iter().find(|h| h["id"] == hook["id"]).unwrap();
        for key in ["name", "entry", "language", "pass_filenames", "files"] {
            assert_eq!(mine[key], hook[key], "{key} of {}", hook["id"]);
        }
        assert_eq!(hook["language"], "python");
        assert_eq!(mine["additional_dependencies"], serde_json::json!([pin]));
    }
    // The hooks file's own comment shows the same pin, and a scaffolded repository's README
    // the same configuration.
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(text.contains(&format!("[\"{pin}\"]")), "{text}");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("new");
    let (code, out, err) = run_aabc(&["init", d.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let scaffolded = std::fs::read_to_string(d.join("README.md")).unwrap();
    assert!(scaffolded.contains(&readme_hooks().0), "{scaffolded}");
}

/// `pre-commit run HOOK --all-files` in `dir`, with its environments under `home` and pip
/// offline; whether it passed, and what it printed.
fn pre_commit(dir: &Path, home: &Path, hook: &str) -> (bool, String) {
    let tool = require_tool("pre-commit", ".venv-ci/bin/pre-commit");
    let mut cmd = Command::new(tool);
    cmd.args(["run", hook, "--all-files", "--color", "never"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home);
    let out = offline_pip(&mut cmd).output().unwrap();
    (out.status.success(), said(&out))
}

#[test]
fn the_readmes_local_hooks_install_the_wheel_and_stop_a_bad_row() {
    let tmp = tempfile::tempdir().unwrap();
    let d = scaffold_with_a_row(tmp.path());
    let (code, _) = readme_hooks();
    std::fs::write(d.join(".pre-commit-config.yaml"), code).unwrap();
    git(&d, &["add", "-A"]);
    git(&d, &["commit", "-qm", "first row"]);
    let home = tmp.path().join("pre-commit");

    let (ok, out) = pre_commit(&d, &home, "aabc-validate");
    assert!(
        ok && out.contains("aabc validate") && out.contains("Passed"),
        "{out}"
    );

    // A row out of order: fmt rewrites it (and the hook fails, as pre-commit hooks that
    // change files do); an impossible date: validate stops the commit and says where.
    append_event(&d, "EV-0000,2023-02-30,2023-02-30,day,protest,ML,Gao,Protesters (Mali),,,https://example.org/b,");
    let (ok, out) = pre_commit(&d, &home, "aabc-validate");
    assert!(
        !ok && out.contains("dataset/events.csv:3:") && out.contains("date_start"),
        "{out}"
    );
    let events = d.join("dataset/events.csv");
    let before = std::fs::read_to_string(&events).unwrap();
    std::fs::write(&events, before.replace("2023-02-30", "2023-02-28")).unwrap();
    let (ok, out) = pre_commit(&d, &home, "aabc-fmt");
    assert!(
        !ok && out.contains("files were modified by this hook"),
        "{out}"
    );
    let after = std::fs::read_to_string(&events).unwrap();
    assert!(
        after
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("EV-0000,2023-02-28"),
        "{after}"
    );
    let (ok, out) = pre_commit(&d, &home, "aabc-validate");
    assert!(ok, "{out}");
}

#[test]
fn the_sdist_carries_every_file_the_build_reads() {
    let maturin = require_tool("maturin", ".venv-ci/bin/maturin");
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(maturin)
        .args(["sdist", "--out"])
        .arg(tmp.path())
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "maturin sdist: {}", said(&out));
    let sdist = tmp
        .path()
        .join(format!("aabc-{}.tar.gz", env!("CARGO_PKG_VERSION")));
    let listed = Command::new("tar").arg("tzf").arg(&sdist).output().unwrap();
    assert!(listed.status.success(), "{}", said(&listed));
    let prefix = format!("aabc-{}/", env!("CARGO_PKG_VERSION"));
    let files: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix).map(str::to_string))
        .collect();
    let mut needed = vec![
        "Cargo.toml".to_string(),
        "Cargo.lock".into(),
        "pyproject.toml".into(),
        "README.md".into(),
        "src/main.rs".into(),
    ];
    needed.extend(embedded_files());
    let missing: Vec<_> = needed.iter().filter(|f| !files.contains(f)).collect();
    assert!(missing.is_empty(), "missing from the sdist: {missing:?}");
    // The dataset and the tests stay in the repository.
    assert!(!files
        .iter()
        .any(|f| f.starts_with("dataset/") || f.starts_with("tests/")));
}

/// The files that `include_str!`/`include_bytes!` embed in the binary, relative to the root:
/// every such path in `src/`, but for the test modules (`tests.rs`), which no wheel builds.
fn embedded_files() -> Vec<String> {
    let re = regex::Regex::new(r#"include_(?:str|bytes)!\(\s*"([^"]+)"\s*\)"#).unwrap();
    let mut files = Vec::new();
    let mut sources = Vec::new();
    rust_files(&root().join("src"), &mut sources);
    for source in sources.iter().filter(|p| !p.ends_with("tests.rs")) {
        let text = std::fs::read_to_string(source).unwrap();
        for m in re.captures_iter(&text) {
            let path = source.parent().unwrap().join(&m[1]);
            let path = path.canonicalize().unwrap();
            let relative = path.strip_prefix(root().canonicalize().unwrap()).unwrap();
            files.push(relative.to_string_lossy().into_owned());
        }
    }
    // The map the page embeds lies outside src/: the count keeps the search honest.
    assert!(files.iter().any(|f| f.starts_with("vendor/")), "{files:?}");
    files
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_wheels_workflow_builds_for_linux_macos_and_windows_with_the_lock_file() {
    let w = yaml_json(&root().join(".github/workflows/wheels.yml"));
    // PyYAML reads the key `on` as true.
    let on = &w["true"];
    assert_eq!(on["push"]["tags"], serde_json::json!(["aabc-v*"]));
    let job = &w["jobs"]["wheels"];
    let builds: Vec<(String, String)> = job["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["os"].as_str().unwrap().to_string(),
                m["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (system, targets) in [
        ("ubuntu", &["x86_64", "aarch64"][..]),
        ("macos", &["x86_64", "aarch64"]),
        ("windows", &["x64"]),
    ] {
        for target in targets {
            assert!(
                builds
                    .iter()
                    .any(|(os, t)| os.starts_with(system) && t == target),
                "no {system} {target} wheel in {builds:?}"
            );
        }
    }
    let build = maturin_step(&job["steps"]);
    let args = build["with"]["args"].as_str().unwrap();
    assert!(
        args.contains("--locked") && args.contains("--release"),
        "{args}"
    );
    assert_eq!(
        build["with"]["rust-toolchain"],
        aabc::scaffold::RUST_TOOLCHAIN
    );
    let sdist = maturin_step(&w["jobs"]["sdist"]["steps"]);
    assert_eq!(sdist["with"]["command"], "sdist");
    // Published only from a tag, after both.
    let publish = &w["jobs"]["publish"];
    assert_eq!(publish["needs"], serde_json::json!(["wheels", "sdist"]));
    assert!(publish["if"].as_str().unwrap().contains("refs/tags/aabc-v"));
}

fn maturin_step(steps: &Value) -> &Value {
    steps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("PyO3/maturin-action@"))
        })
        .expect("a maturin-action step")
}

/// A `rust-version` as numbers, `1.88` as `[1, 88, 0]`.
fn rust_release(v: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().unwrap()).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn rust_version_is_one_every_locked_dependency_builds_with() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let rustc = Command::new("rustc").arg("-vV").output().unwrap();
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap();
    // The packages this platform builds (all of them would need the others' sources: offline).
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "cargo metadata: {}", said(&out));
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages.iter().find(|p| p["name"] == "aabc").unwrap();
    let ours = rust_release(ours["rust_version"].as_str().unwrap());
    let newest = packages
        .iter()
        .filter_map(|p| {
            Some((
                rust_release(p["rust_version"].as_str()?),
                p["name"].to_string(),
            ))
        })
        .max()
        .unwrap();
    assert!(
        ours >= newest.0,
        "rust-version {ours:?}, but {} needs {:?}",
        newest.1,
        newest.0
    );
}
