//! `aabc init` on awkward targets and titles: a dangling symbolic link or a file is refused
//! with a message that names it, a title is written as given (marks in it are not expanded),
//! and the names it prints are quoted and escaped.

use crate::common::*;

#[cfg(unix)]
#[test]
fn init_onto_a_dangling_symlink_names_it_and_says_it_leads_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("new");
    std::os::unix::fs::symlink(dir.path().join("missing"), &link).unwrap();
    let (code, out, err) = run_aabc(&["init", link.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(&format!(
            "{:?} is a symbolic link that leads nowhere",
            link.to_str().unwrap()
        )),
        "{err}"
    );
    assert!(!err.contains("File exists"), "{err}");
    assert!(!dir.path().join("missing").exists());
}

#[test]
fn init_onto_a_file_says_it_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    let (code, _, err) = run_aabc(&["init", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is a file, not a directory"), "{err}");
}

#[test]
fn a_title_is_written_as_given_without_expanding_marks_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("events");
    let title = "Events of {{today}} by {{name}}";
    let (code, out, err) = run_aabc(&["init", repo.to_str().unwrap(), "--title", title]);
    assert_eq!(code, 0, "{out}{err}");
    let meta = std::fs::read_to_string(repo.join("dataset/dataset.json")).unwrap();
    assert!(meta.contains(title), "{meta}");
    // The marks of the templates themselves are still filled, and the workflow keeps its own.
    let workflow = std::fs::read_to_string(repo.join(".github/workflows/validate.yml")).unwrap();
    assert!(!workflow.contains("{{aabc_git}}") && workflow.contains("${{ github.base_ref }}"));
}

#[test]
fn init_prints_names_quoted_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("new\u{1b}[31mrepo");
    let (code, out, err) = run_aabc(&["init", repo.to_str().unwrap(), "--name", "new-repo"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("\\u{1b}[31mrepo\":"), "{out}");
    assert!(out.contains("  \"dataset/dataset.json\"\n"), "{out}");
}
