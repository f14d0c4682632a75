//! Paths named by input files (the metadata's tables, schemas, release record) must stay inside
//! the repository or bundle they describe: nothing is read from an absolute path, from a path
//! that climbs out with `..`, or through a symlink that resolves outside.

use std::path::{Component, Path};

/// Whether `rel`, written relative to the directory `dir`, names a place inside `root`.
/// `Err` says why not. `dir` must exist; `rel` need not (a file that does not exist yet cannot
/// lead outside, and reading it fails later with its own message).
pub fn inside(root: &Path, dir: &Path, rel: &str) -> Result<(), String> {
    if rel.is_empty() {
        return Err("is empty".into());
    }
    let p = Path::new(rel);
    if p.is_absolute() || p.has_root() || rel.starts_with('\\') || rel.get(1..2) == Some(":") {
        return Err("is an absolute path".into());
    }
    let base = |p: &Path| {
        std::fs::canonicalize(if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        })
    };
    let root =
        base(root).map_err(|e| format!("cannot resolve the root {}: {e}", root.display()))?;
    let mut at = base(dir).map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
    if !at.starts_with(&root) {
        return Err(format!("its base {} is outside the root", dir.display()));
    }
    for c in p.components() {
        match c {
            Component::Normal(part) => at.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if at == root || !at.pop() {
                    return Err("climbs out of the root with '..'".into());
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err("is an absolute path".into());
            }
        }
    }
    if !at.starts_with(&root) {
        return Err("climbs out of the root with '..'".into());
    }
    match std::fs::canonicalize(&at) {
        Ok(real) if !real.starts_with(&root) => {
            Err("is a symlink (or under one) that resolves outside the root".into())
        }
        _ => Ok(()),
    }
}

/// Path as shown to users: relative stays relative, without a leading `./`.
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// Path as printed to a terminal: as [`display`], with control characters and terminal
/// escapes escaped ([`crate::table::text::path`]), so that a hostile file name cannot act on
/// the terminal. Printable names print unchanged.
pub fn printable(path: &Path) -> String {
    crate::table::text::path(&display(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("dataset")).unwrap();
        std::fs::create_dir_all(root.join("schema")).unwrap();
        let d = root.join("dataset");
        assert!(inside(root, &d, "events.csv").is_ok());
        assert!(inside(root, &d, "../schema/e.json").is_ok());
        assert!(inside(root, &d, "./a/../b.csv").is_ok());
        assert!(inside(root, &d, "../../etc/passwd").is_err());
        assert!(inside(root, &d, "/etc/passwd").is_err());
        assert!(inside(root, &d, "").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", d.join("out")).unwrap();
            assert!(inside(root, &d, "out/hostname").is_err());
        }
    }
}
