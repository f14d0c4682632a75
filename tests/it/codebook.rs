//! `aabc codebook`: generated from the schemas (every column, value definition and blank
//! meaning; the format-1 layout kept), and the committed `CODEBOOK.md` current.

use crate::common::*;

/// A one-table dataset in a tempdir whose schema has a required column, a typed column with
/// `x-blank`, a typed column without it, and a vocabulary with a described null branch.
fn blank_fixture(release_format: Option<u32>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("dataset")).unwrap();
    std::fs::create_dir_all(d.join("schema")).unwrap();
    let mut meta = serde_json::json!({
        "name": "blanks",
        "title": "Blanks",
        "version": "1.0.0",
        "description": "A table whose blanks mean different things.",
        "licenses": [{"name": "CC0-1.0"}],
        "coverage": {"start": null, "end": null},
        "creators": [{"name": "Test team"}],
        "unit_of_analysis": "One row is one counted thing.",
        "resources": [{"name": "things", "path": "things.csv", "schema": "../schema/things.schema.json"}]
    });
    if let Some(f) = release_format {
        meta["release_format"] = serde_json::json!(f);
    }
    std::fs::write(
        d.join("dataset/dataset.json"),
        serde_json::to_string_pretty(&meta).unwrap(),
    )
    .unwrap();
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Thing",
        "type": "object",
        "properties": {
            "thing_id": {"type": "string", "description": "Identifier."},
            "count": {"type": ["integer", "null"], "description": "How many.", "x-blank": "Not reported by the source."},
            "weight": {"type": ["number", "null"], "description": "How heavy."},
            "kind": {"description": "What kind.", "oneOf": [
                {"const": "a", "description": "Kind a."},
                {"type": "null", "description": "Not stated, or of both kinds."}
            ]}
        },
        "required": ["thing_id", "count", "weight", "kind"],
        "additionalProperties": false
    });
    std::fs::write(
        d.join("schema/things.schema.json"),
        serde_json::to_string_pretty(&schema).unwrap(),
    )
    .unwrap();
    std::fs::write(
        d.join("dataset/things.csv"),
        "thing_id,count,weight,kind\nT1,,,\n",
    )
    .unwrap();
    dir
}

fn codebook_of(dir: &std::path::Path) -> String {
    let out = aabc()
        .args(["codebook", "--root", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn codebook_md_is_up_to_date() {
    let out = aabc().arg("codebook").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8(out.stdout).unwrap();
    let committed = std::fs::read_to_string(root().join("CODEBOOK.md")).unwrap();
    assert!(
        generated == committed,
        "CODEBOOK.md is stale: regenerate it with `cargo run -- codebook > CODEBOOK.md`"
    );
}

#[test]
fn codebook_lists_every_column_and_value_definition() {
    let out = aabc().arg("codebook").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/events.schema.json")).unwrap(),
    )
    .unwrap();
    for (name, prop) in schema["properties"].as_object().unwrap() {
        assert!(
            text.contains(&format!("| `{name}` |")),
            "column {name} missing"
        );
        for branch in prop["oneOf"].as_array().into_iter().flatten() {
            if let Some(v) = branch["const"].as_str() {
                let row = format!("| `{v}` |");
                assert!(text.contains(&row), "value {v} of {name} missing");
                let def = branch["description"].as_str().unwrap();
                assert!(text.contains(def), "definition of {v} missing");
            }
        }
    }
}

#[test]
fn from_format_2_the_codebook_says_what_blank_means_in_every_column() {
    let dir = blank_fixture(Some(2));
    let text = codebook_of(dir.path());
    assert!(
        text.contains(
            "## Unit of analysis\n\nOne row is one counted thing.\n\n## `things.csv` (Thing)\n"
        ),
        "{text}"
    );
    for row in [
        "| # | column | type | blank means | meaning |\n",
        "| 1 | `thing_id` | string | (never blank) | Identifier. |\n",
        "| 2 | `count` | integer | Not reported by the source. | How many. |\n",
        "| 3 | `weight` | number | (may be blank; meaning not stated) | How heavy. |\n",
        "| 4 | `kind` | vocabulary | Not stated, or of both kinds. | What kind. |\n",
        // The vocabulary's own table keeps its blank row.
        "| (blank) | Not stated, or of both kinds. |\n",
    ] {
        assert!(text.contains(row), "missing {row:?} in:\n{text}");
    }
}

#[test]
fn format_1_codebook_keeps_its_yes_no_column_and_no_unit_of_analysis() {
    let dir = blank_fixture(None);
    let text = codebook_of(dir.path());
    assert!(!text.contains("Unit of analysis"), "{text}");
    for row in [
        "| # | column | type | blank allowed | meaning |\n",
        "| 1 | `thing_id` | string | no | Identifier. |\n",
        "| 2 | `count` | integer | yes | How many. |\n",
    ] {
        assert!(text.contains(row), "missing {row:?} in:\n{text}");
    }
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
