//! `aabc cite` and the citation files: every format of a version's and an event's citation,
//! the complete citation of release format 2 (publisher, persons, DOI, licensed sources) and the
//! short one format-1 metadata keeps, escaping of metadata per format, a recorded DOI, and the
//! generated `CITATION.cff` and Zenodo file.

use crate::common::*;
use serde_json::{json, Value};
use std::path::Path;

/// `cffconvert --validate` on a file: whether it passed, and what it said.
fn cffconvert(file: &Path) -> (bool, String) {
    let out = std::process::Command::new(require_tool("cffconvert", ".venv-cff/bin/cffconvert"))
        .args(["--validate", "-i", file.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn assert_valid_cff(dir: &Path, text: &str) {
    assert_eq!(aabc::release::citation::check_cff(text), Ok(()), "{text}");
    let file = dir.join("check.cff");
    std::fs::write(&file, text).unwrap();
    let (ok, report) = cffconvert(&file);
    assert!(ok, "cffconvert refuses:\n{report}\n{text}");
}

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
fn the_complete_citation_file_names_publisher_persons_doi_url_and_licensed_sources() {
    let dir = fixture_copy("dataset_refs");
    let d = dir.path();
    edit_meta(d, complete);
    let (code, cff, err) = run(d, &["cite", "--repository"]);
    assert_eq!(code, 0, "{err}");
    for line in [
        "message: \"If you use this dataset, please cite the version you used, as below, and credit its sources (see references).\"\n",
        "type: dataset\n",
        "authors:\n  - name: \"Example maintainers\"\n  - family-names: \"Lovelace\"\n    given-names: \"Ada\"\n    affiliation: \"Example Institute\"\n    orcid: \"https://orcid.org/0000-0002-1825-0097\"\nversion: \"0.1.0\"\n",
        "doi: \"10.5281/zenodo.1234567\"\nurl: \"https://example.org/aabc\"\n",
        "identifiers:\n  - type: doi\n    value: \"10.5281/zenodo.1234567\"\n    description: \"DOI of all versions (resolves to the latest)\"\n",
        "preferred-citation:\n  type: data\n",
        "  publisher:\n    name: \"Example publisher\"\n",
        "references:\n  - type: encyclopedia\n    title: \"Source article\"\n    authors:\n      - name: \"Wikipedia contributors\"\n    collection-title: \"Wikipedia\"\n    url: \"https://en.wikipedia.org/wiki/Source_(2021%E2%80%93present)\"\n    license: CC-BY-SA-4.0\n    notes: \"Used for: the facts. Licence: CC-BY-SA-4.0 (https://creativecommons.org/licenses/by-sa/4.0/). ShareAlike: share adaptations under the same licence.\"\n",
    ] {
        assert!(cff.contains(line), "missing {line:?} in:\n{cff}");
    }
    assert_valid_cff(d, &cff);
}

#[test]
fn without_homepage_or_doi_the_citation_has_no_empty_fields() {
    let dir = fixture_copy("dataset_refs");
    let d = dir.path();
    edit_meta(d, |v| {
        complete(v);
        v["homepage"] = Value::Null;
        v["doi"] = json!("");
        v["creators"] = json!([{"name": "Example maintainers", "orcid": ""}]);
    });
    let (code, cff, err) = run(d, &["cite", "--repository"]);
    assert_eq!(code, 0, "{err}");
    for absent in [
        "\ndoi:",
        "\nurl:",
        "\n  doi:",
        "\n  url:",
        "identifiers:",
        "orcid",
        "\"\"\n",
    ] {
        assert!(!cff.contains(absent), "{absent:?} in:\n{cff}");
    }
    assert_valid_cff(d, &cff);
}

#[test]
fn format_1_metadata_keeps_the_short_citation_file() {
    let dir = fixture_copy("dataset_refs");
    let (code, cff, err) = run(dir.path(), &["cite", "--repository"]);
    assert_eq!(code, 0, "{err}");
    let meta: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    let expected = format!(
        "cff-version: 1.2.0\nmessage: \"If you use this dataset, please cite the version you used, as below.\"\ntype: dataset\ntitle: \"Armenia–Azerbaijan Border Crisis Event Dataset (AABC)\"\nabstract: {}\nauthors:\n  - name: \"AABC contributors\"\nversion: \"0.1.0\"\ndate-released: \"2026-11-25\"\nlicense: CC-BY-SA-4.0\nkeywords:\n  - \"Armenia\"\n  - \"Azerbaijan\"\n  - \"border crisis\"\n  - \"Nagorno-Karabakh\"\n  - \"conflict events\"\n  - \"event data\"\n  - \"ACLED\"\n",
        serde_json::to_string(&meta["description"]).unwrap()
    );
    // The fixture has no changelog: no release date.
    let expected = expected.replace("date-released: \"2026-11-25\"\n", "");
    assert_eq!(cff, expected);
}

#[test]
fn an_invalid_orcid_doi_or_homepage_is_refused_with_how_to_write_it() {
    for (field, value, says) in [
        (
            "orcid",
            "0000-0002-1825-0098",
            "is not a valid ORCID iD: write it as https://orcid.org/0000-0002-1825-0097",
        ),
        (
            "doi",
            "https://doi.org/10.5281/zenodo.1",
            "is not a bare DOI: write it as 10.5281/zenodo.1234567",
        ),
        ("homepage", "example.org", "is not a web address"),
    ] {
        let dir = fixture_copy("dataset_refs");
        edit_meta(dir.path(), |v| {
            complete(v);
            if field == "orcid" {
                v["creators"][1]["orcid"] = json!(value);
            } else {
                v[field] = json!(value);
            }
        });
        let (code, _, err) = run(dir.path(), &["cite", "--repository"]);
        assert_eq!(code, 2, "{field}: {err}");
        assert!(err.contains(says), "{field}: {err}");
    }
}

#[test]
fn cite_of_a_published_format_2_version_attributes_the_source_in_every_format() {
    let dir = git_fixture();
    let d = dir.path();
    edit_meta(d, complete);
    set_version(d, "2.0.0");
    git(d, &["commit", "-qam", "2.0.0"]);
    publish(d);
    let record = std::fs::read_to_string(d.join("dataset/releases.csv")).unwrap();
    let sha = record.lines().nth(1).unwrap().split(',').nth(3).unwrap();
    let cite = |format: &str| {
        let (code, out, err) = run(d, &["cite", "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        out
    };

    let text = cite("text");
    assert_eq!(
        text,
        format!(
            "Example maintainers, Lovelace, A. (2026). Armenia–Azerbaijan Border Crisis Event Dataset (AABC) (Version 2.0.0) [Data set]. Example publisher. https://doi.org/10.5281/zenodo.1234567 Released 2026-11-25. Licence: CC-BY-SA-4.0. Archive aabc-events-2.0.0.zip (SHA-256 {sha}).\nSources (credit them too):\n- Wikipedia contributors. “Source article”. Wikipedia. https://en.wikipedia.org/wiki/Source_(2021%E2%80%93present). Used for: the facts. Licence: CC-BY-SA-4.0 (https://creativecommons.org/licenses/by-sa/4.0/). ShareAlike: share adaptations under the same licence.\n"
        )
    );

    let bib = cite("bibtex");
    for part in [
        "@misc{aabc_events_2_0_0,\n",
        "  author = {{Example maintainers} and Lovelace, Ada},\n",
        "  publisher = {Example publisher},\n",
        "  doi = {10.5281/zenodo.1234567},\n",
        "  url = {https://example.org/aabc},\n",
        "Source: Wikipedia contributors. “Source article”. Wikipedia. https://en.wikipedia.org/wiki/Source\\_(2021\\%E2\\%80\\%93present). Used for: the facts. Licence: CC-BY-SA-4.0",
        "ShareAlike: share adaptations under the same licence.},\n}\n",
    ] {
        assert!(bib.contains(part), "missing {part:?} in:\n{bib}");
    }
    assert_eq!(bib.matches('{').count(), bib.matches('}').count(), "{bib}");
    assert_eq!(bib.matches('@').count(), 1, "{bib}");

    let ris = cite("ris");
    for part in [
        "TY  - DATA\n",
        "AU  - Example maintainers\nAU  - Lovelace, A.\n",
        "M3  - Dataset\nPB  - Example publisher\nDO  - 10.5281/zenodo.1234567\nUR  - https://example.org/aabc\n",
        "N1  - Source: Wikipedia contributors. “Source article”. Wikipedia. https://en.wikipedia.org/wiki/Source_(2021%E2%80%93present). Used for: the facts. Licence: CC-BY-SA-4.0 (https://creativecommons.org/licenses/by-sa/4.0/). ShareAlike: share adaptations under the same licence.\nER  - \n",
    ] {
        assert!(ris.contains(part), "missing {part:?} in:\n{ris}");
    }
    assert_eq!(ris.matches("TY  - ").count(), 1, "{ris}");

    let cff = cite("cff");
    assert_eq!(cff.matches("identifiers:").count(), 1, "{cff}");
    assert!(
        cff.contains(&format!("    value: \"sha256:{sha}\"\n")),
        "{cff}"
    );
    assert!(
        cff.contains("  - type: doi\n    value: \"10.5281/zenodo.1234567\"\n"),
        "{cff}"
    );
    assert!(
        cff.contains("    license: CC-BY-SA-4.0\n    notes: \"Used for: the facts."),
        "{cff}"
    );
    assert_valid_cff(d, &cff);

    let (code, event, err) = run(d, &["cite", "--event", "AABC-0001"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        event.starts_with("Example maintainers, Lovelace, A. (2026). Event AABC-0001. In: Armenia–Azerbaijan Border Crisis Event Dataset (AABC) (Version 2.0.0) [Data set]."),
        "{event}"
    );
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

#[test]
fn the_repository_citation_file_is_generated_from_the_metadata() {
    let dataset = aabc::schema::metadata::Dataset::open(&root()).unwrap();
    let date =
        aabc::release::changelog::release_date(&root().join("CHANGELOG.md"), &dataset.meta.version)
            .ok();
    let expected = aabc::release::citation::cff(&dataset.meta, date);
    let actual = std::fs::read_to_string(root().join("CITATION.cff")).unwrap();
    assert!(
        actual == expected,
        "CITATION.cff is stale; expected:\n{expected}"
    );
}

// Titles, creators and licences are escaped per citation format.
#[test]
fn braces_quotes_and_colons_in_the_metadata_stay_inside_their_citation_fields() {
    let dir = git_fixture();
    let d = dir.path();
    set_version(d, "1.0.0");
    edit_meta(d, |m| {
        m["title"] = "Events} @misc{evil, title = {x".into();
        m["creators"][0]["name"] = "A \"B\": {C} 100% & co_".into();
        m["licenses"][0]["name"] = "Custom: see LICENSE".into();
    });
    git(d, &["commit", "-qam", "1.0.0"]);
    publish(d);

    let (code, bib, _) = run(d, &["cite", "--format", "bibtex"]);
    assert_eq!(code, 0);
    assert_eq!(bib.matches('{').count(), bib.matches('}').count(), "{bib}");
    // The entry's own @misc, and the title's, kept inside the title field.
    assert_eq!(bib.matches('@').count(), 2, "{bib}");
    assert!(
        bib.contains("title = {Events\\textbraceright{} @misc\\textbraceleft{}evil, title = \\textbraceleft{}x},"),
        "{bib}"
    );
    assert!(
        bib.contains(
            "author = {{A \"B\": \\textbraceleft{}C\\textbraceright{} 100\\% \\& co\\_}},"
        ),
        "{bib}"
    );

    // The citation file of the bundle and of `cite` are valid YAML of the expected shape.
    let cff = std::fs::read_to_string(d.join("dist/aabc-events-1.0.0/CITATION.cff")).unwrap();
    assert_eq!(aabc::release::citation::check_cff(&cff), Ok(()), "{cff}");
    assert!(cff.contains("license: \"Custom: see LICENSE\"\n"), "{cff}");
    assert!(
        cff.contains("  - name: \"A \\\"B\\\": {C} 100% & co_\"\n"),
        "{cff}"
    );
    let (_, cited, _) = run(d, &["cite", "--format", "cff"]);
    assert_eq!(
        aabc::release::citation::check_cff(&cited),
        Ok(()),
        "{cited}"
    );
}

#[test]
fn a_line_break_in_a_title_or_creator_is_refused_on_load_so_no_ris_record_is_injected() {
    for (field, value) in [
        ("title", "AABC\nER  - \nTY  - JOUR"),
        ("creator", "A\r\nTY  - JOUR"),
        ("licence", "MIT\nx: y"),
        // A line separator and a bidi override are no control characters, but break a line
        // or hide what the title says as well.
        ("title", "AABC\u{2028}ER  - \u{2028}TY  - JOUR"),
        ("creator", "A\u{202E}B"),
    ] {
        let dir = git_fixture();
        let d = dir.path();
        edit_meta(d, |m| match field {
            "title" => m["title"] = value.into(),
            "creator" => m["creators"][0]["name"] = value.into(),
            _ => m["licenses"][0]["name"] = value.into(),
        });
        for args in [
            vec!["validate"],
            vec!["release"],
            vec!["cite", "--format", "ris"],
        ] {
            let (code, out, err) = run(d, &args);
            assert_eq!(code, 2, "{field} {args:?}: {out}{err}");
            assert!(
                err.contains("holds the invisible or control character U+"),
                "{err}"
            );
            assert!(!out.contains("TY  - JOUR"), "{out}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}

#[test]
fn cite_a_version_or_an_event_in_every_format() {
    let dir = git_fixture();
    let d = dir.path();
    let (code, _, err) = run(d, &["cite"]);
    assert_eq!(code, 2);
    assert!(err.contains("no version has been published yet"), "{err}");
    set_version(d, "1.0.0");
    git(d, &["commit", "-qam", "1.0.0"]);
    publish(d);
    let sha = aabc::release::checksum::sha256_file(&d.join("dist/aabc-events-1.0.0.zip")).unwrap();

    let (code, out, _) = run(d, &["cite", "--format", "bibtex"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("@misc{aabc_events_1_0_0,\n"), "{out}");
    assert!(
        out.contains("version = {1.0.0}") && out.contains(&sha) && out.contains("year = {2026}"),
        "{out}"
    );

    let (code, out, _) = run(d, &["cite", "--version", "v1.0.0", "--event", "AABC-0093"]);
    assert_eq!(code, 0);
    assert!(out.contains("Event AABC-0093. In: Armenia–Azerbaijan Border Crisis Event Dataset (AABC) (Version 1.0.0)"), "{out}");

    let (_, ris, _) = run(d, &["cite", "--format", "ris"]);
    assert!(
        ris.starts_with("TY  - DATA\n")
            && ris.contains("ET  - 1.0.0\n")
            && ris.ends_with("ER  - \n"),
        "{ris}"
    );
    let (_, cff, _) = run(d, &["cite", "--format", "cff"]);
    assert!(
        cff.contains("version: \"1.0.0\"") && cff.contains(&format!("sha256:{sha}")),
        "{cff}"
    );

    for (args, needle) in [
        (
            vec!["cite", "--version", "9.9.9"],
            "no version \"9.9.9\" in the release record (published versions: 1.0.0)",
        ),
        (
            vec!["cite", "--event", "AABC-9999"],
            "no event \"AABC-9999\" in version 1.0.0",
        ),
        (vec!["cite", "--version", "one"], "not a SemVer version"),
    ] {
        let (code, _, err) = run(d, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{err}");
    }
}
