//! A version's DOI, minted after publication, is recorded in the release record's `doi` column
//! and from then on cited: by `aabc cite` in every format and in the repository's
//! CITATION.cff.

use crate::common::*;
use std::path::Path;

const DOI: &str = "10.5281/zenodo.1234567";

/// Fills the `doi` cell of the release record's first version.
fn record_doi(d: &Path, doi: &str) {
    let path = d.join("dataset/releases.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(lines[0], "version,date,commit,zip_sha256,rows,doi");
    assert!(lines[1].ends_with(','), "{}", lines[1]);
    lines[1].push_str(doi);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_recorded_doi_is_cited_and_enters_the_citation_file() {
    let dir = published_fixture();
    let d = dir.path();
    // Publishing leaves the DOI blank: it does not exist yet.
    let (code, out, _) = run(d, &["cite", "1.0.0"]);
    assert_eq!(code, 0);
    assert!(!out.contains("doi.org"), "{out}");

    record_doi(d, DOI);
    git(d, &["commit", "-qam", "DOI of 1.0.0"]);
    let (code, out, err) = run(d, &["validate"]);
    assert_eq!(code, 0, "{out}{err}");
    for format in ["text", "bibtex", "ris", "cff"] {
        let (code, out, err) = run(d, &["cite", "1.0.0", "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(DOI), "{format}: {out}");
    }
    let (code, out, _) = run(d, &["cite", "--repository"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("doi: \"{DOI}\"")) || out.contains(&format!("doi: {DOI}")),
        "{out}"
    );
}

#[test]
fn a_doi_written_as_a_link_is_a_located_problem() {
    let dir = published_fixture();
    let d = dir.path();
    record_doi(d, "https://doi.org/10.5281/zenodo.1");
    let (code, out, _) = run(d, &["validate"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("dataset/releases.csv:2:") && out.contains("is not a DOI"),
        "{out}"
    );
}

#[test]
fn dois_are_recognised_by_their_form() {
    use aabc::versions::record::is_doi;
    for ok in [DOI, "10.1000/182", "10.1038.2/nphys1170"] {
        assert!(is_doi(ok), "{ok}");
    }
    for bad in [
        "",
        "10.5281",
        "11.5281/x",
        "10.12/x",
        "10.5281/",
        "10.5281/a b",
        "doi:10.5281/x",
    ] {
        assert!(!is_doi(bad), "{bad}");
    }
}

#[test]
fn the_zenodo_file_is_generated_from_the_metadata_and_current() {
    let (out, _) = aabc_ok(&["cite", "--zenodo"]);
    let file = std::fs::read_to_string(root().join(".zenodo.json")).unwrap();
    assert_eq!(
        file, out,
        ".zenodo.json is stale: run `aabc cite --zenodo > .zenodo.json`"
    );
    let v: serde_json::Value = serde_json::from_str(&file).unwrap();
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(v["upload_type"], "dataset");
    assert_eq!(v["version"], meta["version"]);
    assert_eq!(v["title"], meta["title"]);
    assert_eq!(
        v["license"],
        meta["licenses"][0]["name"].as_str().unwrap().to_lowercase()
    );
    assert!(!v["creators"].as_array().unwrap().is_empty());
    let derived: Vec<&str> = v["related_identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["relation"] == "isDerivedFrom")
        .map(|r| r["identifier"].as_str().unwrap())
        .collect();
    assert!(
        derived.contains(&meta["sources"][0]["path"].as_str().unwrap()),
        "{derived:?}"
    );
}
