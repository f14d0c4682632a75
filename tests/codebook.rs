//! The codebook is generated from the schemas; the committed CODEBOOK.md must match it.

mod common;
use common::*;

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
