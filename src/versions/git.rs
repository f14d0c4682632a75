//! The few git operations the versioning needs, through the `git` command: the commit a
//! release was built from, whether the data is committed, and the files of an old commit.

use crate::error::{Error, Result};
use std::path::Path;
use std::process::Command;

fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| Error::Other(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Error::Other(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// The full commit id a revision names.
pub fn rev_parse(repo: &Path, rev: &str) -> Result<String> {
    let out = git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        Error::Other(format!(
            "{rev:?} is not a commit of the repository at {}",
            repo.display()
        ))
    })?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// Whether `paths` have no uncommitted changes (staged, unstaged or untracked).
pub fn is_clean(repo: &Path, paths: &[&str]) -> Result<bool> {
    let mut args = vec!["status", "--porcelain", "--"];
    args.extend_from_slice(paths);
    Ok(git(repo, &args)?.is_empty())
}

/// Whether `repo` is inside a git work tree.
pub fn is_repo(repo: &Path) -> bool {
    git(repo, &["rev-parse", "--is-inside-work-tree"]).is_ok()
}

/// The path of `repo` relative to the top of its work tree (empty at the top), with `/`.
pub fn prefix(repo: &Path) -> Result<String> {
    Ok(
        String::from_utf8_lossy(&git(repo, &["rev-parse", "--show-prefix"])?)
            .trim()
            .to_string(),
    )
}

/// Writes the files under `paths` (relative to `repo`) as they are in `commit` into `into`.
pub fn materialize(repo: &Path, commit: &str, paths: &[&str], into: &Path) -> Result<()> {
    let pre = prefix(repo)?;
    let mut args = vec!["ls-tree", "-r", "--name-only", "--full-tree", commit, "--"];
    let full: Vec<String> = paths.iter().map(|p| format!("{pre}{p}")).collect();
    args.extend(full.iter().map(String::as_str));
    let list = String::from_utf8_lossy(&git(repo, &args)?).into_owned();
    for name in list.lines() {
        let rel = name.strip_prefix(&pre).unwrap_or(name);
        let bytes = git(repo, &["show", &format!("{commit}:{name}")])?;
        let out = into.join(rel);
        if let Some(p) = out.parent() {
            std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
        }
        std::fs::write(&out, bytes).map_err(|e| Error::io(&out, e))?;
    }
    Ok(())
}
