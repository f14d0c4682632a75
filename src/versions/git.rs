//! The few git operations the versioning needs, through the `git` command: the commit a
//! release was built from, whether the data is committed, and the files of an old commit.
//!
//! Every call goes through one runner, `git()`. Nothing from input reaches git where it could
//! be read as an option: revisions are validated first (a [`CommitId`] is exactly 40 hex
//! digits; a revision a user names may not start with `-`) and come after `--end-of-options`,
//! and paths come after `--`.

use crate::error::{Error, Result};
use std::path::Path;
use std::process::Command;

/// A full commit id: exactly 40 hexadecimal digits, so it can never be read as an option.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommitId(String);

impl CommitId {
    /// The id, if `s` is exactly 40 hex digits.
    pub fn parse(s: &str) -> Option<CommitId> {
        (s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| CommitId(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CommitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs `git -C repo ARGS` and returns its standard output. The one place that starts git.
fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let failed = |stderr: String| Error::Git {
        args: args.iter().map(|a| a.to_string()).collect(),
        stderr,
    };
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(out.stdout)
}

/// Makes the annotated tag `name` on `commit`, with `message`; refused when the tag exists.
pub fn tag(repo: &Path, name: &str, commit: &CommitId, message: &str) -> Result<()> {
    let name = checked_rev(name)?;
    let exists = git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("refs/tags/{name}"),
        ],
    );
    if exists.is_ok() {
        return Err(Error::Refused(format!(
            "the tag {name} exists already: a published version is tagged once"
        )));
    }
    git(
        repo,
        &[
            "tag",
            "-a",
            "-m",
            message,
            "--end-of-options",
            name,
            commit.as_str(),
        ],
    )?;
    Ok(())
}

/// A revision as a user names it (`HEAD~1`, a tag, a commit id), if it cannot be taken for an
/// option or smuggle anything else in.
fn checked_rev(rev: &str) -> Result<&str> {
    if rev.is_empty()
        || rev.starts_with('-')
        || rev.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Error::Refused(format!(
            "{} is not a git revision (a revision does not start with '-' or hold spaces or control characters)",
            crate::table::text::shown(rev)
        )));
    }
    Ok(rev)
}

/// The full commit id a revision names.
pub fn rev_parse(repo: &Path, rev: &str) -> Result<CommitId> {
    let spec = format!("{}^{{commit}}", checked_rev(rev)?);
    let not_a_commit = || Error::NotFound {
        what: "commit",
        name: rev.to_string(),
        within: format!("the repository at {}", crate::table::paths::display(repo)),
    };
    let out = git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )
    .map_err(|_| not_a_commit())?;
    CommitId::parse(String::from_utf8_lossy(&out).trim()).ok_or_else(not_a_commit)
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

/// The path of the file `path` (under `repo`) relative to the top of the work tree, with `/`:
/// how git names it in a commit.
pub fn tree_path(repo: &Path, path: &Path) -> Result<String> {
    let rel = path
        .strip_prefix(repo)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(format!("{}{rel}", prefix(repo)?))
}

/// The bytes of the file `path` (relative to the top of the work tree) in `commit`.
pub fn file_at(repo: &Path, commit: &CommitId, path: &str) -> Result<Vec<u8>> {
    let object = format!("{commit}:{path}");
    git(repo, &["cat-file", "blob", "--end-of-options", &object])
}

/// The commits reachable from `rev` that changed the file `path` (from the top of the work tree, see [`tree_path`]), newest
/// first: the versions of a file that history holds.
pub fn commits_changing(repo: &Path, rev: &CommitId, path: &str) -> Result<Vec<CommitId>> {
    let out = git(
        repo,
        &[
            "log",
            "--format=%H",
            "--end-of-options",
            rev.as_str(),
            "--",
            path,
        ],
    )?;
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .filter_map(CommitId::parse)
        .collect())
}

/// The commit the tag `name` points at, or `None` when there is no such tag.
pub fn tagged(repo: &Path, name: &str) -> Result<Option<CommitId>> {
    let name = checked_rev(name)?;
    let spec = format!("refs/tags/{name}^{{commit}}");
    let args = [
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &spec,
    ];
    Ok(git(repo, &args)
        .ok()
        .and_then(|out| CommitId::parse(String::from_utf8_lossy(&out).trim())))
}

/// Writes the files under `paths` (relative to `repo`) as they are in `commit` into `into`.
pub fn materialize(repo: &Path, commit: &CommitId, paths: &[&str], into: &Path) -> Result<()> {
    let pre = prefix(repo)?;
    let mut args = vec![
        "ls-tree",
        "-r",
        "--name-only",
        "--full-tree",
        "--end-of-options",
        commit.as_str(),
        "--",
    ];
    let full: Vec<String> = paths.iter().map(|p| format!("{pre}{p}")).collect();
    args.extend(full.iter().map(String::as_str));
    let list = String::from_utf8_lossy(&git(repo, &args)?).into_owned();
    for name in list.lines() {
        let rel = name.strip_prefix(&pre).unwrap_or(name);
        // Names come from git's own tree listing; still, never write outside `into`.
        if rel.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(Error::Refused(format!(
                "commit {commit} holds a path that is not a plain relative path: {}",
                crate::table::text::shown(rel)
            )));
        }
        let bytes = file_at(repo, commit, name)?;
        let out = into.join(rel);
        if let Some(p) = out.parent() {
            std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
        }
        std::fs::write(&out, bytes).map_err(|e| Error::io(&out, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_id_is_exactly_40_hex_digits() {
        assert!(CommitId::parse("d6d103e66617c1ee38f601c26e70832296633cb7").is_some());
        for bad in [
            "--output=/tmp/x",
            "d6d103e",
            "d6d103e66617c1ee38f601c26e70832296633cb7 ",
            "g6d103e66617c1ee38f601c26e70832296633cb7",
            "",
        ] {
            assert!(CommitId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn revisions_that_look_like_options_are_refused() {
        assert!(checked_rev("HEAD~1").is_ok());
        assert!(checked_rev("--output=/tmp/x").is_err());
        assert!(checked_rev("a b").is_err());
    }
}
