//! Rules a dataset declares beyond the generic kinds: `forbid-when` ("if A is x then B must
//! not be y"), whose `description` is its message, and any rule of warning level, listed
//! without failing validation or release.

use crate::workdir::Workdir;
use aabc::schema::Schema;
use aabc::validate::rules::{Context, RowRules};
use aabc::versions::diff::schema_changes;
use aabc::versions::versioning::Bump;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;

/// The clash row has no second actor; the protest row has none either, which is fine.
const ROWS: &str = "EV-0001,2024-03-01,2024-03-01,day,armed_clash,ML,Bamako,Army (Mali),,0,https://example.org/a,\n\
EV-0002,2024-03-02,2024-03-02,day,protest,ML,Bamako,Protesters (Mali),,0,https://example.org/b,\n";

fn clash_rule() -> Value {
    json!({
        "id": "clash-two-sides", "rule": "forbid-when",
        "if": {"column": "event_type", "values": ["armed_clash"]},
        "then": {"column": "actor2", "values": [null]},
        "description": "A clash has two sides: name the second actor."
    })
}

/// A scaffolded dataset with two rows and `rule` added to its events schema.
fn dataset(name: &str, rule: Value) -> Workdir {
    let w = Workdir::init(
        name,
        "events",
        &["--aabc-git", "https://example.org/aabc.git"],
    );
    let header = w.read("dataset/events.csv");
    w.create("dataset/events.csv", format!("{header}{ROWS}"));
    let mut schema: Value = serde_json::from_str(&w.read("schema/events.schema.json")).unwrap();
    schema["x-rules"].as_array_mut().unwrap().push(rule);
    w.create(
        "schema/events.schema.json",
        serde_json::to_string_pretty(&schema).unwrap(),
    );
    w
}

fn problems(json_lines: &str) -> Vec<Value> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|p| p.get("rule").is_some())
        .collect()
}

#[test]
fn forbid_when_reports_its_description_at_the_then_cell_of_the_breaking_row_only() {
    let w = dataset("forbid", clash_rule());
    let (code, out, _) = w.output(&["validate", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let found = problems(&out);
    assert_eq!(found.len(), 1, "{out}");
    let p = &found[0];
    assert_eq!(p["severity"], "error");
    assert_eq!(p["rule"], "clash-two-sides");
    assert_eq!(p["line"], 2);
    assert_eq!(p["field"], "actor2");
    assert_eq!(
        p["message"],
        "A clash has two sides: name the second actor (event_type is \"armed_clash\", actor2 is blank)"
    );
    assert_eq!(p["hint"], "correct actor2 or event_type");
    // Naming the second side mends the row.
    let fixed = w
        .read("dataset/events.csv")
        .replace("Army (Mali),,0", "Army (Mali),Rebels (Mali),0");
    w.create("dataset/events.csv", fixed);
    w.stdout(&["validate"]);
}

#[test]
fn the_codebook_lists_the_rule_with_its_description() {
    let w = dataset("codebook-rule", clash_rule());
    let book = w.stdout(&["codebook"]);
    assert!(
        book.contains("- `clash-two-sides`: A clash has two sides: name the second actor (when `event_type` is `armed_clash`, `actor2` is not blank).\n"),
        "{book}"
    );
}

#[test]
fn a_bad_declaration_is_refused_naming_the_schema() {
    let mut unknown_column = clash_rule();
    unknown_column["then"]["column"] = json!("actor9");
    let mut unknown_value = clash_rule();
    unknown_value["if"]["values"] = json!(["armed_clsh"]);
    let mut bad_severity = clash_rule();
    bad_severity["severity"] = json!("warn");
    let mut no_description = clash_rule();
    no_description
        .as_object_mut()
        .unwrap()
        .remove("description");
    let cases = [
        (unknown_column, "names column \"actor9\""),
        (
            unknown_value,
            "\"armed_clsh\" is not a value of column \"event_type\"",
        ),
        (no_description, "needs a \"description\""),
        (
            bad_severity,
            "\"severity\" is \"warn\"; write \"error\" or \"warning\"",
        ),
    ];
    for (i, (rule, what)) in cases.into_iter().enumerate() {
        let w = dataset(&format!("bad-rule-{i}"), rule);
        let err = w.assert_err(&["validate"], 2);
        assert!(
            err.contains("schema/events.schema.json: x-rules: rule") && err.contains(what),
            "{err}"
        );
    }
}

fn schema_with(rule: Value) -> Schema {
    Schema::from_value(
        Path::new("t.schema.json"),
        json!({
            "properties": {"a": {"type": ["string", "null"]}, "b": {"type": ["string", "null"]}},
            "x-rules": [rule]
        }),
    )
    .unwrap()
}

fn changes(old: Value, new: Value) -> Vec<(Bump, String)> {
    schema_changes("t", &schema_with(old), &schema_with(new))
        .into_iter()
        .map(|c| (c.bump, c.change))
        .collect()
}

#[test]
fn a_forbid_when_rule_added_is_major_and_its_description_reworded_a_patch() {
    let rule = json!({
        "id": "r", "rule": "forbid-when",
        "if": {"column": "a", "values": ["x"]},
        "then": {"column": "b", "values": ["y"]},
        "description": "no y with x"
    });
    // The description is wording; the values are the rule.
    let mut reworded = rule.clone();
    reworded["description"] = json!("x never comes with y");
    assert_eq!(
        changes(rule.clone(), reworded),
        [(Bump::Patch, "rule \"r\": wording changed".into())]
    );
    let mut wider = rule.clone();
    wider["then"]["values"] = json!(["y", null]);
    assert_eq!(
        changes(rule.clone(), wider),
        [(Bump::Major, "rule \"r\" changed".into())]
    );
    let none = Schema::from_value(
        Path::new("t.schema.json"),
        json!({"properties": {"a": {"type": ["string", "null"]}, "b": {"type": ["string", "null"]}}}),
    )
    .unwrap();
    let added = schema_changes("t", &none, &schema_with(rule));
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].bump, Bump::Major);
    assert_eq!(added[0].change, "rule \"r\" added");
}

#[test]
fn a_warning_rule_is_listed_passes_validate_fails_strict_and_releases() {
    let mut rule = clash_rule();
    rule["severity"] = json!("warning");
    let w = dataset("warning-rule", rule);
    let (code, out, _) = w.output(&["validate"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning[clash-two-sides]") && out.contains("0 error(s), 1 warning(s)"),
        "{out}"
    );
    w.assert_err(&["validate", "--strict"], 1);
    let (code, out, err) = w.output(&["release"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("built events-0.1.0"), "{out}");
    assert!(err.contains("warning[clash-two-sides]"), "{err}");
}

#[test]
fn the_codebook_marks_a_warning_rule_and_leaves_error_rules_as_they_read() {
    let mut rule = clash_rule();
    rule["severity"] = json!("warning");
    let w = dataset("codebook-warning", rule);
    let book = w.stdout(&["codebook"]);
    assert!(
        book.contains("- `clash-two-sides`: A clash has two sides: name the second actor (when `event_type` is `armed_clash`, `actor2` is not blank). Severity: warning (listed, not refused).\n"),
        "{book}"
    );
    assert!(
        book.contains("- `trimmed`: no cell has leading or trailing whitespace.\n"),
        "{book}"
    );
}

#[test]
fn a_severity_loosened_is_minor_and_tightened_is_major() {
    let rule = json!({"id": "r", "rule": "trimmed"});
    let mut warning = rule.clone();
    warning["severity"] = json!("warning");
    assert_eq!(
        changes(rule.clone(), warning.clone()),
        [(Bump::Minor, "rule \"r\" loosened: error → warning".into())]
    );
    assert_eq!(
        changes(warning.clone(), rule.clone()),
        [(Bump::Major, "rule \"r\" tightened: warning → error".into())]
    );
    // Saying the default out loud changes nothing.
    let mut explicit = rule.clone();
    explicit["severity"] = json!("error");
    assert!(changes(rule.clone(), explicit).is_empty());
    // A rule whose checks change as well is changed, whatever its severity.
    let mut other = warning.clone();
    other["rule"] = json!("no-formula");
    assert_eq!(
        changes(rule, other),
        [(Bump::Major, "rule \"r\" changed".into())]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Over random cells (blank and near misses included), the rule fires exactly when A
    /// holds an `if` value and B a `then` value, and always at B.
    #[test]
    fn forbid_when_fires_exactly_when_its_condition_holds(a in "[xyz ]{0,2}", b in "[xyY]{0,2}") {
        let schema = schema_with(json!({
            "id": "r", "rule": "forbid-when",
            "if": {"column": "a", "values": ["x", null]},
            "then": {"column": "b", "values": ["y", "yy"]},
            "description": "no y with x or blank"
        }));
        let rules = RowRules::new(&schema, Context::today_only(), |_| true);
        let mut out = Vec::new();
        rules.check(&[a.as_str(), b.as_str()], &mut out);
        out.retain(|f| f.rule == "r");
        let holds = (a.is_empty() || a == "x") && (b == "y" || b == "yy");
        prop_assert_eq!(out.len(), usize::from(holds), "{:?} {:?}: {:?}", a, b, out);
        prop_assert!(out.iter().all(|f| f.column == Some(1)));
    }
}

#[test]
fn synthetic_rows_keep_a_forbid_when_rule() {
    let w = dataset("synth-forbid", clash_rule());
    w.stdout(&[
        "synth",
        "--rows",
        "300",
        "--schema",
        "schema/events.schema.json",
        "--out",
        "dataset/events.csv",
    ]);
    let rows = w.read("dataset/events.csv");
    assert!(rows.contains(",armed_clash,"), "no clash row drawn");
    w.stdout(&["validate"]);
}
