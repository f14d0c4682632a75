//! The complete citation and the coverage of the source's totals (release format 2, issue 9
//! items 8 and 9): `CITATION.cff`, `aabc cite` in every format, the bundle README's
//! attribution, coverage and citation sections, `aabc release` output, and the short citation
//! that format-1 metadata keeps.

use crate::common::*;
use serde_json::{json, Value};
use std::path::Path;

fn edit_meta(dir: &Path, f: impl FnOnce(&mut Value)) {
    let path = dir.join("dataset/dataset.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
}

/// Metadata of release format 2 with every citation field, a team and a person as creators,
/// and one ShareAlike source.
fn complete(v: &mut Value) {
    v["release_format"] = json!(2);
    v["publisher"] = json!("Example publisher");
    v["homepage"] = json!("https://example.org/aabc");
    v["doi"] = json!("10.5281/zenodo.1234567");
    v["creators"] = json!([
        {"name": "Example maintainers"},
        {"name": "Ada Lovelace", "given_names": "Ada", "family_names": "Lovelace",
         "affiliation": "Example Institute", "orcid": "0000-0002-1825-0097"}
    ]);
    v["sources"] = json!([{
        "title": "Source article",
        "container": "Wikipedia",
        "path": "https://en.wikipedia.org/wiki/Source_(2021%E2%80%93present)",
        "authors": ["Wikipedia contributors"],
        "type": "encyclopedia",
        "used_for": "the facts",
        "license": "CC-BY-SA-4.0",
        "license_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "notice": "ShareAlike: share adaptations under the same licence."
    }]);
}

/// `cffconvert --validate` on a file, when the interop virtualenv is installed; `None` when it
/// is not (the check is then left to `tests/interop.rs`, which requires it).
fn cffconvert(file: &Path) -> Option<(bool, String)> {
    let tool = root().join(".venv-cff/bin/cffconvert");
    if !tool.exists() {
        eprintln!("skipping the cffconvert check: run `bash tests/interop/setup.sh` once");
        return None;
    }
    let out = std::process::Command::new(tool)
        .args(["--validate", "-i", file.to_str().unwrap()])
        .output()
        .unwrap();
    Some((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

fn assert_valid_cff(dir: &Path, text: &str) {
    assert_eq!(aabc::release::citation::check_cff(text), Ok(()), "{text}");
    let file = dir.join("check.cff");
    std::fs::write(&file, text).unwrap();
    if let Some((ok, report)) = cffconvert(&file) {
        assert!(ok, "cffconvert refuses:\n{report}\n{text}");
    }
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

/// A releasable copy of the two-row fixture, with the repository's changelog.
fn releasable(edit: impl FnOnce(&mut Value)) -> tempfile::TempDir {
    let dir = valid_fixture_copy();
    std::fs::copy(root().join("CHANGELOG.md"), dir.path().join("CHANGELOG.md")).unwrap();
    edit_meta(dir.path(), |v| {
        complete(v);
        edit(v);
    });
    dir
}

fn totals(figures: Value) -> Value {
    json!({
        "start": "2021-03-01",
        "end": "2024-11-07",
        "totals": {
            "table": "events",
            "source": "the infobox of the test article",
            "figures": figures
        }
    })
}

#[test]
fn release_shows_how_much_of_the_source_totals_the_rows_account_for() {
    // The fixture's rows give killed_am_military 3 (one row) and wounded_am_military 4 (one
    // row), and no killed_az_military.
    let dir = releasable(|v| {
        v["coverage"] = totals(json!([
            {"side": "Armenia", "category": "servicemen killed", "total": 436, "at_least": true,
             "section": "Infobox, Casualties2", "columns": ["killed_am_military"]},
            {"side": "Azerbaijan", "category": "servicemen killed", "total": 283, "at_least": true,
             "section": "Infobox, Casualties1", "columns": ["killed_az_military"]},
            {"side": "Armenia", "category": "servicemen injured or killed", "total": 10,
             "section": "Infobox, Casualties2", "columns": ["killed_am_military", "wounded_am_military"]},
            {"side": "Armenia", "category": "captured servicemen later released", "total": 20,
             "section": "Infobox, Casualties2", "columns": [], "note": "no column yet"}
        ]));
    });
    let d = dir.path();
    let (code, out, err) = run(d, &["release"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.ends_with(
            "coverage of the source's totals:\n  Armenia, servicemen killed (Infobox, Casualties2): event rows account for 3 of at least 436 (1 %)\n  Azerbaijan, servicemen killed (Infobox, Casualties1): event rows account for 0 of at least 283 (0 %)\n  Armenia, servicemen injured or killed (Infobox, Casualties2): event rows account for 7 of 10 (70 %)\n  Armenia, captured servicemen later released (Infobox, Casualties2): not recorded by any column (source: 20)\n"
        ),
        "{out}"
    );
    let readme = std::fs::read_to_string(d.join("dist/fixture-0.1.0/README.md")).unwrap();
    for part in [
        "## Coverage of the source's totals\n\nHow much of the totals the source states the event rows account for. Source: the infobox of the test article.",
        "| side | category | source says | where | columns summed | event rows | rows giving a figure | event rows account for |\n|---|---|---|---|---|---|---|---|\n| Armenia | servicemen killed | at least 436 | Infobox, Casualties2 | `killed_am_military` | 3 | 1 | 3 of at least 436 |\n| Azerbaijan | servicemen killed | at least 283 | Infobox, Casualties1 | `killed_az_military` | 0 | 0 | 0 of at least 283 |\n| Armenia | servicemen injured or killed | 10 | Infobox, Casualties2 | `killed_am_military` + `wounded_am_military` | 7 | 1 | 7 of 10 |\n| Armenia | captured servicemen later released | 20 | Infobox, Casualties2 | (none) | — | 0 | not recorded by any column |\n",
        "- Armenia captured servicemen later released: no column yet\n",
        // Attribution of the source, its licence and what ShareAlike asks.
        "## Sources, licence and attribution\n\nThis dataset is drawn from the following sources; credit them when you use it:\n\n- Wikipedia contributors. “Source article”. Wikipedia. https://en.wikipedia.org/wiki/Source_(2021%E2%80%93present). Used for: the facts. Licence: CC-BY-SA-4.0 (https://creativecommons.org/licenses/by-sa/4.0/). ShareAlike: share adaptations under the same licence.\n",
        "## Citation\n\nCite the version you used:\n\n> Example maintainers, Lovelace, A. (2026). Armenia–Azerbaijan Border Crisis Event Dataset (AABC) (Version 0.1.0) [Data set]. Example publisher. https://doi.org/10.5281/zenodo.1234567\n",
    ] {
        assert!(readme.contains(part), "missing {part:?} in:\n{readme}");
    }
    let cff = std::fs::read_to_string(d.join("dist/fixture-0.1.0/CITATION.cff")).unwrap();
    assert!(cff.contains("preferred-citation:\n"), "{cff}");
}

#[test]
fn a_coverage_total_naming_a_column_the_table_lacks_is_refused() {
    let dir = releasable(|v| {
        v["coverage"] = totals(json!([
            {"side": "Armenia", "category": "servicemen killed", "total": 436,
             "section": "Infobox, Casualties2", "columns": ["killed_armenians"]}
        ]));
    });
    let (code, out, err) = run(dir.path(), &["release"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("coverage.totals in the metadata: \"Infobox, Casualties2\" (Armenia servicemen killed) names \"killed_armenians\", which is not an integer column of table \"events\""),
        "{err}"
    );
    assert!(!dir.path().join("dist/fixture-0.1.0").exists());
}

#[test]
fn format_1_metadata_builds_no_coverage_or_attribution_sections() {
    let dir = valid_fixture_copy();
    std::fs::copy(root().join("CHANGELOG.md"), dir.path().join("CHANGELOG.md")).unwrap();
    edit_meta(dir.path(), |v| {
        // Totals recorded, but the bundle layout is still 1: published bytes must not change.
        v["coverage"] = totals(json!([
            {"side": "Armenia", "category": "servicemen killed", "total": 436,
             "section": "Infobox", "columns": ["killed_am_military"]}
        ]));
    });
    let (code, out, err) = run(dir.path(), &["release"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("coverage"), "{out}");
    let readme = std::fs::read_to_string(dir.path().join("dist/fixture-0.1.0/README.md")).unwrap();
    assert!(!readme.contains("## Coverage"), "{readme}");
    assert!(!readme.contains("## Sources, licence"), "{readme}");
    assert!(readme.contains("## Citation\n\nSee `CITATION.cff`. Cite version 0.1.0 and, for the facts, the sources listed in the data.\n"), "{readme}");
    assert!(
        readme.contains("| # | column | type | blank allowed | meaning |"),
        "{readme}"
    );
}

#[test]
fn the_shipped_metadata_credits_the_article_and_geonames_and_records_the_infobox() {
    let meta: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    assert!(meta["release_format"].as_u64().unwrap() >= 2);
    let sources = meta["sources"].as_array().unwrap();
    let article = &sources[0];
    assert_eq!(article["authors"], json!(["Wikipedia contributors"]));
    assert_eq!(article["license"], json!("CC-BY-SA-4.0"));
    assert!(article["notice"]
        .as_str()
        .unwrap()
        .starts_with("ShareAlike"));
    assert!(sources
        .iter()
        .any(|s| s["authors"] == json!(["GeoNames"]) && s["license"] == json!("CC-BY-4.0")));
    assert!(meta["licenses"][0]["notice"]
        .as_str()
        .unwrap()
        .contains("ACLED"));
    assert_eq!(meta["coverage"]["end"], json!("2024-11-07"));
    let figures = meta["coverage"]["totals"]["figures"].as_array().unwrap();
    let find = |side: &str, category: &str| {
        figures
            .iter()
            .find(|f| f["side"] == json!(side) && f["category"] == json!(category))
            .unwrap_or_else(|| panic!("no figure {side} {category}"))
    };
    assert_eq!(find("Armenia", "servicemen killed")["total"], json!(436));
    assert_eq!(
        find("Armenia", "servicemen killed")["at_least"],
        json!(true)
    );
    assert_eq!(find("Azerbaijan", "servicemen killed")["total"], json!(283));
    assert_eq!(
        find("Either side", "non-combatants killed")["total"],
        json!(22)
    );
    assert_eq!(find("Armenia", "servicemen injured")["total"], json!(328));
    assert_eq!(
        find("Azerbaijan", "servicemen injured")["total"],
        json!(296)
    );
    assert_eq!(find("Armenia", "servicemen captured")["total"], json!(38));
    assert_eq!(find("Azerbaijan", "servicemen captured")["total"], json!(2));
    let licence = std::fs::read_to_string(root().join("dataset/LICENSE.md")).unwrap();
    assert!(
        licence.contains("GeoNames") && licence.contains("CC BY 4.0"),
        "{licence}"
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("GeoNames") && readme.contains("ACLED"),
        "README"
    );
}
