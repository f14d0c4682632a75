//! `aabc init`: another project's event dataset, scaffolded, validates, releases and
//! publishes as it is, and nothing of this dataset leaks into it.

mod scaffold;

use crate::common::*;
use crate::workdir::Workdir;
use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Files under `dir` that mention this dataset (its name, ids, countries or article).
fn leaks(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    // The toolkit's own name may appear (`aabc release`); this dataset's may not.
    let words = [
        "AABC-",
        "aabc-events",
        "Armenia",
        "Azerbaijan",
        "Wikipedia",
        "border crisis",
    ];
    let mut found = Vec::new();
    for f in files {
        if f.extension().is_some_and(|x| x == "zip" || x == "parquet") {
            continue; // compressed or base64-encoded: their text is the other files'
        }
        let bytes = std::fs::read(&f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for w in words {
            if text.contains(w) {
                found.push(format!("{}: {w}", f.display()));
            }
        }
    }
    found
}

#[test]
fn a_scaffolded_dataset_validates_releases_and_publishes_out_of_the_box() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("Sahel Events");
    let (code, out, err) = run_aabc(&[
        "init",
        d.to_str().unwrap(),
        "--title",
        "Sahel Events",
        "--aabc-git",
        "https://example.org/aabc.git",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("dataset/dataset.json") && out.contains("validate.yml"),
        "{out}"
    );

    // Empty, it is valid and releases.
    let (code, out, err) = run(&d, &["validate"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(&d, &["release"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("built sahel-events-0.1.0"), "{out}");

    // With rows, numbered by next-id, it still is, and the bundle verifies.
    // The first id follows the key's example in the schema.
    let (code, id, _) = run(&d, &["next-id", "-n", "2"]);
    assert_eq!((code, id.as_str()), (0, "EV-0001\nEV-0002\n"));
    let events = d.join("dataset/events.csv");
    let mut text = std::fs::read_to_string(&events).unwrap();
    text.push_str("EV-0002,2024-05-02,2024-05-02,day,protest,ML,Bamako,Protesters (Mali),,0,https://example.org/a,\n");
    text.push_str("EV-0001,2024-03-01,2024-03-31,month,armed_clash,,,Armed group A,Armed group B,,https://example.org/b,Month only.\n");
    std::fs::write(&events, text).unwrap();
    let (code, out, err) = run(&d, &["fmt"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(&d, &["validate", "--strict"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = run(&d, &["next-id"]);
    assert_eq!((code, out.as_str()), (0, "EV-0003\n"));

    // The trial bundle of the empty table was never published: it may go.
    std::fs::remove_dir_all(d.join("dist")).unwrap();
    git(&d, &["init", "-q"]);
    git(&d, &["add", "-A"]);
    git(&d, &["commit", "-qm", "first rows"]);
    let (code, out, err) = run(&d, &["release", "--publish"]);
    assert_eq!(code, 0, "{out}{err}");
    let zip = d.join("dist/sahel-events-0.1.0.zip");
    let (code, out, err) = run_aabc(&["verify", zip.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");

    // Names come from the new dataset's metadata and schema only.
    assert_eq!(leaks(&d), Vec::<String>::new());
}

#[test]
fn init_refuses_a_directory_with_files_and_a_bad_name() {
    let w = Workdir::new("init-refusals");
    w.create("keep.txt", "mine");
    let err = w.assert_err(&["init", "."], 1);
    assert!(err.contains("is not empty"), "{err}");
    assert_eq!(w.read("keep.txt"), "mine");

    let err = w.assert_err(&["init", "new", "--name", "../up"], 1);
    assert!(err.contains("lower-case letters"), "{err}");
    assert!(!w.join("new").exists());

    // A title that the metadata checks refuse is refused before anything is written.
    let err = w.assert_err(&["init", "new", "--title", "a\u{202e}b"], 1);
    assert!(err.contains("U+202E"), "{err}");
    assert!(!w.join("new").exists());
}
