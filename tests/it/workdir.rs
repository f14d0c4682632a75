//! `Workdir`: a scratch directory that a test fills and runs `aabc` in, as a user would in a
//! clone (`aabc validate`, not `aabc validate --root /tmp/...`), so that a test reads like the
//! README. Made empty, as a copy of the repository's dataset, as a copy of a fixture dataset, or
//! by `aabc init`; removed when it is dropped.
#![allow(dead_code)]

use crate::common::{copy_tree, git_fixture_in, repo_copy, root};
use std::path::{Path, PathBuf};

pub struct Workdir {
    dir: tempfile::TempDir,
    /// Where commands run: the scratch directory, or a dataset made inside it.
    cwd: PathBuf,
    /// Environment of every command (`AABC_TODAY` for a fixed date).
    env: Vec<(String, String)>,
}

impl Workdir {
    /// An empty scratch directory; `name` prefixes its path, to say which test left it.
    pub fn new(name: &str) -> Workdir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("aabc-{name}-"))
            .tempdir()
            .unwrap();
        let cwd = dir.path().to_path_buf();
        Workdir {
            dir,
            cwd,
            env: Vec::new(),
        }
    }

    /// A copy of the repository's data, schemas and changelog (no git history).
    pub fn with_dataset(name: &str) -> Workdir {
        let w = Workdir::new(name);
        repo_copy(w.path());
        w
    }

    /// A git repository holding a copy of the repository's data with an empty release record,
    /// committed once (as `common::git_fixture`).
    pub fn git_dataset(name: &str) -> Workdir {
        let w = Workdir::new(name);
        git_fixture_in(w.path());
        w
    }

    /// A copy of the fixture dataset `tests/fixtures/NAME`, with the repository's schemas.
    pub fn fixture(name: &str) -> Workdir {
        let w = Workdir::new(name);
        copy_tree(&root().join("tests/fixtures").join(name), w.path());
        copy_tree(&root().join("schema"), &w.path().join("schema"));
        w
    }

    /// A new dataset made by `aabc init DIR ARGS` in a subdirectory `dir`, where commands then
    /// run.
    pub fn init(name: &str, dir: &str, args: &[&str]) -> Workdir {
        let mut w = Workdir::new(name);
        let mut all = vec!["init", dir];
        all.extend_from_slice(args);
        w.stdout(&all);
        w.cwd = w.cwd.join(dir);
        w
    }

    /// Runs every later command with `key=value` in its environment.
    pub fn env(mut self, key: &str, value: &str) -> Workdir {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Where commands run.
    pub fn path(&self) -> &Path {
        &self.cwd
    }

    /// The scratch directory itself (the parent of a dataset made by `init`).
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the workdir.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.cwd.join(rel)
    }

    /// Writes `contents` to `rel` (creating its folders); returns its path.
    pub fn create(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// The text of `rel`.
    pub fn read(&self, rel: &str) -> String {
        let path = self.join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// `aabc ARGS`, ready to run in the workdir.
    pub fn command(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("aabc").unwrap();
        c.current_dir(&self.cwd).args(args);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs `aabc ARGS`: exit code, stdout, stderr.
    pub fn output(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.command(args).output().unwrap();
        (
            out.status.code().expect("aabc ended by a signal"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs `aabc ARGS`, asserts it succeeded, and returns its stdout.
    pub fn stdout(&self, args: &[&str]) -> String {
        let (code, out, err) = self.output(args);
        assert_eq!(code, 0, "aabc {args:?} failed:\n{out}{err}");
        out
    }

    /// Runs `aabc ARGS`, asserts it exited with `code`, and returns its stderr.
    pub fn assert_err(&self, args: &[&str], code: i32) -> String {
        let (got, out, err) = self.output(args);
        assert_eq!(got, code, "aabc {args:?}:\n{out}{err}");
        err
    }
}
