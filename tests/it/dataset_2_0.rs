//! Dataset 2.0 (issue 9, items 1, 2, 4, 5, 6): places and actors are tables the events point
//! at by id, released prisoners sit only on release rows, and every blank has one meaning.
//! The tests build what they break from the `dataset_refs` fixture (a 2.0 dataset of two
//! events) in a tempdir, and check the shipped dataset and schemas as they are.

use crate::common::*;
use std::path::Path;

/// Replaces the cell of `column` on data line `line` (1-based, header = 1) of a CSV whose
/// rows hold no quoted comma before that column; returns the 1-based character column of the
/// cell.
fn set_cell(file: &Path, line: usize, column: &str, value: &str) -> u64 {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let index = lines[0].split(',').position(|c| c == column).unwrap();
    let mut cells: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    let at: usize = cells[..index].iter().map(|c| c.chars().count() + 1).sum();
    cells[index] = value.to_string();
    lines[line - 1] = cells.join(",");
    std::fs::write(file, lines.join("\n")).unwrap();
    at as u64 + 1
}

/// The fixture dataset without its planted problems (an unknown and an unused source).
fn clean_dataset() -> tempfile::TempDir {
    let dir = valid_fixture_copy();
    let sources = dir.path().join("dataset/sources.csv");
    let text = std::fs::read_to_string(&sources).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("S006,")).collect();
    std::fs::write(&sources, kept.join("\n") + "\n").unwrap();
    dir
}

fn validate_root(dir: &Path) -> (i32, Vec<serde_json::Value>) {
    validate_json(&["--root", dir.to_str().unwrap()])
}

#[test]
fn the_fixture_dataset_in_the_2_0_layout_is_valid_without_warnings() {
    let dir = clean_dataset();
    assert_eq!(validate_root(dir.path()), (0, vec![]));
}

#[test]
fn the_shipped_dataset_is_valid_without_warnings() {
    // No unknown place or actor, no place or actor that nothing refers to.
    let (code, problems) = validate_json(&["--root", root().to_str().unwrap()]);
    assert_eq!((code, problems.len()), (0, 0), "{problems:?}");
}

#[test]
fn an_event_naming_an_unknown_place_is_located() {
    let dir = clean_dataset();
    let events = dir.path().join("dataset/events.csv");
    let col = set_cell(&events, 2, "place_ids", "am-lake-sev;am-atlantis");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [seen(2, col, "foreign-key", Some("place_ids"))]
    );
    assert_eq!(
        problems[0]["message"],
        "refers to \"am-atlantis\", which is not a key of places"
    );
}

#[test]
fn an_event_naming_an_unknown_actor_in_any_role_is_located() {
    for column in [
        "actor1_ids",
        "actor2_ids",
        "mediator_ids",
        "reported_by_ids",
    ] {
        let dir = clean_dataset();
        let events = dir.path().join("dataset/events.csv");
        let col = set_cell(&events, 2, column, "A002;A999");
        let (code, problems) = validate_root(dir.path());
        assert_eq!(code, 1, "{column}");
        let found = reduce(&problems);
        assert!(
            found.contains(&seen(2, col, "foreign-key", Some(column))),
            "{column}: {found:?}"
        );
        assert!(
            problems
                .iter()
                .all(|p| p["rule"] == "foreign-key" || p["rule"] == "unused-key"),
            "{problems:?}"
        );
    }
}

#[test]
fn an_actor_may_name_another_actor_of_its_table_and_an_unknown_one_is_located() {
    // A006 (Government of Armenia) is named only by A015's part_of: used, so no warning (see
    // the_fixture_dataset_in_the_2_0_layout_is_valid_without_warnings). An unknown one is an
    // error on the actors table.
    let dir = clean_dataset();
    let actors = dir.path().join("dataset/actors.csv");
    let text = std::fs::read_to_string(&actors).unwrap();
    let line = text.lines().position(|l| l.starts_with("A015,")).unwrap() + 1;
    let col = set_cell(&actors, line, "part_of", "A900");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    let found = reduce(&problems);
    assert_eq!(
        found,
        [
            seen(line as u64, col, "foreign-key", Some("part_of")),
            // A006 is now named by nothing.
            seen(4, 1, "unused-key", Some("actor_id")),
        ]
    );
    assert!(problems[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("dataset/actors.csv"));
}

#[test]
fn released_counts_only_on_release_rows() {
    let dir = clean_dataset();
    let events = dir.path().join("dataset/events.csv");
    // An incursion row with a release count.
    let col = set_cell(&events, 2, "released_am", "4");
    set_cell(&events, 2, "casualty_estimate", "exact");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [seen(2, col, "released-on-release", Some("released_am"))]
    );
    assert_eq!(
        problems[0]["message"],
        "is filled, but event_type is \"incursion\": released_am is kept only when event_type is \"prisoner_release\""
    );
    assert_eq!(
        problems[0]["hint"],
        "leave released_am blank on this row, or correct event_type; a release reported on another row (e.g. captives freed later, undated) stays in notes"
    );
    // The same count on a release row is fine.
    set_cell(&events, 2, "event_type", "prisoner_release");
    set_cell(&events, 2, "acled_sub_event_type", "Agreement");
    assert_eq!(validate_root(dir.path()), (0, vec![]));
}

#[test]
fn a_release_count_is_a_figure_that_needs_an_estimate() {
    let dir = clean_dataset();
    let events = dir.path().join("dataset/events.csv");
    set_cell(&events, 2, "event_type", "prisoner_release");
    set_cell(&events, 2, "acled_sub_event_type", "Agreement");
    set_cell(&events, 2, "released_az", "2");
    let col = set_cell(&events, 2, "casualty_estimate", "");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [seen(2, col, "casualty-estimate", Some("casualty_estimate"))]
    );
}

#[test]
fn coordinates_come_in_pairs_with_a_precision_and_within_bounds() {
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        // A latitude without its longitude.
        ("longitude", "", "coordinates-pair", Some("latitude")),
        // A precision without coordinates.
        ("latitude", "", "coordinates-pair", Some("latitude")),
        // A latitude off the globe.
        ("latitude", "95.00000", "schema/maximum", Some("latitude")),
    ];
    for (column, value, rule, field) in cases {
        let dir = clean_dataset();
        let places = dir.path().join("dataset/places.csv");
        set_cell(&places, 2, column, value);
        let (code, problems) = validate_root(dir.path());
        assert_eq!(code, 1, "{column}={value}");
        let rules: Vec<(&str, Option<&str>)> = problems
            .iter()
            .map(|p| (p["rule"].as_str().unwrap(), p["field"].as_str()))
            .collect();
        assert!(
            rules.contains(&(rule, *field)),
            "{column}={value}: {rules:?}"
        );
    }
    // Both coordinates gone but a precision kept: the precision is the finding.
    let dir = clean_dataset();
    let places = dir.path().join("dataset/places.csv");
    set_cell(&places, 2, "latitude", "");
    set_cell(&places, 2, "longitude", "");
    set_cell(&places, 2, "geonames_id", "");
    let (code, problems) = validate_root(dir.path());
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(&places).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let i = header.iter().position(|c| *c == "geo_precision").unwrap();
    let at = row[..i]
        .iter()
        .map(|c| c.chars().count() + 1)
        .sum::<usize>() as u64
        + 1;
    assert_eq!(
        reduce(&problems),
        [seen(
            2,
            at,
            "precision-with-coordinates",
            Some("geo_precision")
        )]
    );
}

#[test]
fn every_nullable_column_says_what_blank_means_once() {
    for name in ["events", "places", "actors"] {
        let path = root().join(format!("schema/{name}.schema.json"));
        let schema = aabc::schema::Schema::load(&path).unwrap();
        for c in schema.columns.iter().filter(|c| c.nullable) {
            let blank = c
                .null_description
                .as_deref()
                .unwrap_or_else(|| panic!("{name}.{}: no meaning for blank", c.name));
            assert!(!blank.is_empty(), "{name}.{}", c.name);
            // Said once: the description does not say it again.
            let d = c.description.as_deref().unwrap_or("");
            assert!(!d.contains("Blank"), "{name}.{}: {d}", c.name);
        }
    }
    // "Both sides" or "several" is a value, never a blank: sector has `multiple`.
    let events = aabc::schema::Schema::load(&root().join("schema/events.schema.json")).unwrap();
    let sector = &events.columns[events.column_index("sector").unwrap()];
    assert!(sector.terms.iter().flatten().any(|t| t.value == "multiple"));
    assert!(!sector.null_description.as_deref().unwrap().contains(" or "));
}

#[test]
fn the_2_0_schemas_declare_keys_links_and_expansions() {
    let events: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/events.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(events["$id"], "urn:aabc:schema:events:2");
    let fks = events["x-foreignKeys"].as_array().unwrap();
    let by_field = |f: &str| fks.iter().find(|k| k["fields"] == f).unwrap().clone();
    assert_eq!(by_field("place_ids")["link"], "event_places");
    assert_eq!(
        by_field("place_ids")["expand"],
        serde_json::json!([
            "latitude",
            "longitude",
            "geo_precision",
            "country",
            "admin1",
            "admin1_code"
        ])
    );
    assert_eq!(
        by_field("actor1_ids")["expand"],
        serde_json::json!([{"field": "name", "as": "actor1"}])
    );
    for f in [
        "actor1_ids",
        "actor2_ids",
        "mediator_ids",
        "reported_by_ids",
    ] {
        assert_eq!(by_field(f)["link"], "event_actors", "{f}");
        assert_eq!(by_field(f)["reference"]["resource"], "actors", "{f}");
    }
    // Every expanded column exists in the referenced schema.
    let places = aabc::schema::Schema::load(&root().join("schema/places.schema.json")).unwrap();
    for c in by_field("place_ids")["expand"].as_array().unwrap() {
        assert!(places.column_index(c.as_str().unwrap()).is_some(), "{c}");
    }
    assert_eq!(places.id.as_deref(), Some("urn:aabc:schema:places:2"));
    let roles: Vec<&str> = places
        .columns
        .iter()
        .filter_map(|c| c.schema.get("x-role").and_then(|r| r.as_str()))
        .collect();
    assert_eq!(roles, ["latitude", "longitude"]);
}

#[test]
fn the_codebook_states_the_release_rule_the_links_and_a_blank_meaning() {
    let (out, _) = aabc_ok(&["codebook"]);
    assert!(
        out.contains("- `released-on-release`: each of `released_am`, `released_az` is blank unless `event_type` is `prisoner_release`."),
        "{out}"
    );
    assert!(
        out.contains("every item of `place_ids` is a `place_id` of the places table"),
        "{out}"
    );
    assert!(out.contains("The place has no coordinates (a whole country)."));
}
