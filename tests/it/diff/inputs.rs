//! `aabc diff` names the input it cannot read as a version, and says what it expected, rather
//! than blaming a file the user never gave.

use crate::common::*;

#[test]
fn a_file_that_is_neither_csv_nor_zip_is_named_with_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, "# notes\n").unwrap();
    // From outside any repository, and from inside this one.
    for cwd in [dir.path().to_path_buf(), root()] {
        let out = aabc()
            .current_dir(&cwd)
            .args(["diff", notes.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("notes.md: neither a CSV file (.csv) nor a release zip (.zip)"),
            "{err}"
        );
        assert!(!err.contains("dataset.json"), "{err}");
    }
}

#[test]
fn a_csv_file_outside_a_repository_says_its_schemas_are_missing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("events.csv");
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    let out = aabc()
        .current_dir(dir.path())
        .args(["diff", csv.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no dataset metadata \"dataset/dataset.json\" in the repository (--root), whose schemas type the CSV file"),
        "{err}"
    );
}
