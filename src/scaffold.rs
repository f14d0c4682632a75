//! `aabc init`: a new dataset repository that validates and releases as it is, for projects
//! that want the same checks for their own event data. The files are templates kept in
//! `src/scaffold/`; the names in them come from the options, never from this dataset.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// What the new repository is called, and where its CI installs aabc from.
#[derive(Debug, Clone)]
pub struct Options {
    /// Machine name (`my-events`): the bundle's file name and the schema ids.
    pub name: String,
    /// Human title of the dataset.
    pub title: String,
    /// Git URL the CI workflow builds aabc from; empty installs the published wheel from PyPI.
    pub aabc_git: String,
    /// The date of the first changelog entry.
    pub today: chrono::NaiveDate,
}

/// The files of a new repository: path, template.
const FILES: &[(&str, &str)] = &[
    ("dataset/dataset.json", include_str!("scaffold/dataset.json")),
    ("dataset/events.csv", "event_id,date_start,date_end,date_precision,event_type,country,location,actor1,actor2,fatalities,source_url,notes\n"),
    ("dataset/releases.csv", "version,date,commit,zip_sha256,rows\n"),
    ("dataset/retired.csv", "event_id,retired_in,reason\n"),
    ("schema/events.schema.json", include_str!("scaffold/events.schema.json")),
    ("schema/retired.schema.json", include_str!("scaffold/retired.schema.json")),
    ("CHANGELOG.md", include_str!("scaffold/CHANGELOG.md")),
    ("README.md", include_str!("scaffold/README.md")),
    (".github/workflows/validate.yml", include_str!("scaffold/validate.yml")),
    (".gitignore", "/dist\n/target\n"),
];

/// A dataset name made of lower-case letters, digits and dashes, from a directory name.
pub fn name_from(dir: &Path) -> String {
    let raw = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_string();
    if name.is_empty() {
        "events".into()
    } else {
        name
    }
}

/// Checks the options: the name is used in file names and ids, the title in JSON and YAML.
fn check(opts: &Options) -> Result<()> {
    let ok_name = !opts.name.is_empty()
        && opts.name.len() <= 64
        && opts
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !opts.name.starts_with('-');
    if !ok_name {
        return Err(Error::Refused(format!(
            "dataset name {}: use lower-case letters, digits and dashes (at most 64)",
            crate::table::text::shown(&opts.name)
        )));
    }
    let ok_text = |t: &str| !t.chars().any(|c| c.is_control() || c == '"' || c == '\\');
    if opts.title.trim().is_empty() || !ok_text(&opts.title) || !ok_text(&opts.aabc_git) {
        return Err(Error::Refused(
            "the title and the aabc git URL may not be empty (title) or hold quotes, backslashes or control characters".into(),
        ));
    }
    Ok(())
}

/// Refuses a `dir` that is not a new or empty directory: a file, a symbolic link that leads
/// nowhere, or a directory with files (nothing is overwritten).
fn check_target(dir: &Path) -> Result<()> {
    let shown = crate::table::text::shown(&dir.to_string_lossy());
    let refused = |why: &str| {
        Err(Error::Refused(format!(
            "{shown} {why}: choose a new directory (nothing is overwritten)"
        )))
    };
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
        Ok(_) => {}
    }
    match std::fs::metadata(dir) {
        Err(_) => refused("is a symbolic link that leads nowhere"),
        Ok(m) if !m.is_dir() => refused("is a file, not a directory"),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
            match entries.next() {
                Some(_) => refused("is not empty"),
                None => Ok(()),
            }
        }
    }
}

/// The template with each known mark (`{{name}}`) replaced by its value, in one pass: a value
/// is never read for marks (a title holding `{{today}}` stays as written), and text that is no
/// known mark (the workflow's `${{ … }}`) stays as it is.
fn fill(template: &str, marks: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let inner = &rest[at + 2..];
        let known = marks
            .iter()
            .find(|(name, _)| inner.starts_with(name) && inner[name.len()..].starts_with("}}"));
        match known {
            Some((name, value)) => {
                out.push_str(value);
                rest = &inner[name.len() + 2..];
            }
            None => {
                out.push_str("{{");
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The Rust release aabc is built and tested with: this repository's workflows pin it, so that
/// CI does not change compiler on its own. Not `rust-version`, the oldest that builds aabc. (A
/// scaffolded repository needs no Rust: its CI installs the aabc wheel.)
pub const RUST_TOOLCHAIN: &str = "1.95.0";

/// The pip requirement the scaffold's CI installs aabc by: this release's wheel from PyPI (no
/// Rust needed), or, given a git URL, this release's tag built from source (a fork, say).
pub fn aabc_requirement(aabc_git: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    if aabc_git.is_empty() {
        format!("aabc=={version}")
    } else {
        format!("aabc @ git+{aabc_git}@aabc-v{version}")
    }
}

/// What `aabc init` did about git: releases record the commit of their data, so a new
/// repository needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Git {
    /// `git init` made a new repository in the directory.
    Initialised,
    /// The directory already is inside a git work tree (e.g. a subdirectory of a monorepo).
    Inside,
    /// git could not be run: the files are written, and the user runs `git init` later.
    Missing,
}

/// Makes `dir` a git repository unless it already is inside a work tree. A missing git is not
/// an error: the scaffold validates without one, and only releases need it.
pub fn git_init(dir: &Path) -> Result<Git> {
    let inside = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match inside {
        Err(_) => return Ok(Git::Missing),
        Ok(s) if s.success() => return Ok(Git::Inside),
        Ok(_) => {}
    }
    let out = std::process::Command::new("git")
        .args(["init", "-q"])
        .arg(dir)
        .output()
        .map_err(|e| Error::io(dir, e))?;
    if !out.status.success() {
        return Err(Error::Other(format!(
            "git init {} failed: {}",
            crate::table::text::shown(&dir.to_string_lossy()),
            crate::table::text::shown(String::from_utf8_lossy(&out.stderr).trim())
        )));
    }
    Ok(Git::Initialised)
}

/// Writes a new repository into `dir`, which must not exist or be empty; returns the files
/// written. Nothing is overwritten.
pub fn init(dir: &Path, opts: &Options) -> Result<Vec<PathBuf>> {
    check(opts)?;
    check_target(dir)?;
    let today = opts.today.to_string();
    let requirement = aabc_requirement(&opts.aabc_git);
    let marks = [
        ("name", opts.name.as_str()),
        ("title", opts.title.as_str()),
        ("aabc_requirement", requirement.as_str()),
        ("aabc_version", env!("CARGO_PKG_VERSION")),
        ("today", today.as_str()),
    ];
    let rendered: Vec<(&str, String)> = FILES
        .iter()
        .map(|(path, template)| (*path, fill(template, &marks)))
        .collect();
    // The metadata must pass the checks `validate` applies, before anything is written.
    let meta_text = &rendered
        .iter()
        .find(|(p, _)| *p == "dataset/dataset.json")
        .expect("the scaffold has a metadata file")
        .1;
    let meta: crate::schema::metadata::Metadata = serde_json::from_str(meta_text)
        .map_err(|e| Error::Refused(format!("the title makes invalid metadata: {e}")))?;
    crate::schema::metadata::check_texts(&meta).map_err(Error::Refused)?;
    let mut written = Vec::new();
    for (path, text) in rendered {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, text).map_err(|e| Error::io(&target, e))?;
        written.push(PathBuf::from(path));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn marks_are_filled_once_and_other_braces_stay() {
        let marks = [("title", "{{today}}"), ("today", "2026-01-01")];
        assert_eq!(
            fill("{{title}} {{today}} ${{ github.ref }} {{", &marks),
            "{{today}} 2026-01-01 ${{ github.ref }} {{"
        );
    }
}
