use super::*;
use serde_json::json;

#[test]
fn a_long_text_is_shown_where_it_changed() {
    let before = json!(format!(
        "{} at least one soldier died (side not given).",
        "x".repeat(100)
    ));
    let after = json!(format!(
        "{} at least one serviceman died (side not given).",
        "x".repeat(100)
    ));
    let b = show_changed(&before, &after);
    let a = show_changed(&after, &before);
    assert!(
        b.starts_with("…\"") && b.contains("one soldier died") && b.ends_with("(144 characters)"),
        "{b}"
    );
    assert!(a.contains("one serviceman died"), "{a}");
    // Short values and non-strings are shown whole.
    assert_eq!(show_changed(&json!("abc"), &json!("abd")), "\"abc\"");
    assert_eq!(show_changed(&json!(3), &json!(4)), "3");
}
use std::path::Path;

fn schema(props: Value) -> Schema {
    Schema::from_value(Path::new("t.json"), json!({"properties": props})).unwrap()
}

fn bumps(old: Value, new: Value) -> Vec<(Bump, String)> {
    schema_changes("t", &schema(old), &schema(new))
        .into_iter()
        .map(|c| (c.bump, c.change))
        .collect()
}

#[test]
fn a_rule_hint_reworded_is_a_patch_and_a_rule_changed_is_major() {
    let with = |rule: Value| {
        Schema::from_value(
            Path::new("t.json"),
            json!({"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "x-rules": [rule]}),
        )
        .unwrap()
    };
    let changes = |old: Value, new: Value| -> Vec<(Bump, String)> {
        schema_changes("t", &with(old), &with(new))
            .into_iter()
            .map(|c| (c.bump, c.change))
            .collect()
    };
    let sum = json!({"id": "s", "rule": "sum", "total": "a", "parts": ["b"]});
    let mut hinted = sum.clone();
    hinted["hint"] = json!("in our words");
    assert_eq!(changes(sum.clone(), hinted.clone()).len(), 1);
    assert_eq!(changes(sum.clone(), hinted.clone())[0].0, Bump::Patch);
    let mut other = hinted.clone();
    other["total"] = json!("b");
    other["parts"] = json!(["a"]);
    assert_eq!(changes(hinted, other)[0].0, Bump::Major);
}

#[test]
fn columns_removed_moved_or_appended() {
    let base = json!({"a": {"type": "string"}, "b": {"type": "string"}});
    assert_eq!(
        bumps(base.clone(), json!({"a": {"type": "string"}})),
        [(Bump::Major, "column b removed or renamed".into())]
    );
    assert_eq!(
        bumps(
            base.clone(),
            json!({"b": {"type": "string"}, "a": {"type": "string"}})
        ),
        [(Bump::Major, "columns reordered".into())]
    );
    assert_eq!(
        bumps(
            base.clone(),
            json!({"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": ["string", "null"]}})
        ),
        [(Bump::Minor, "optional column c appended".into())]
    );
    assert_eq!(
        bumps(
            base,
            json!({"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}})
        ),
        [(Bump::Major, "required column c added".into())]
    );
}

#[test]
fn patterns_loosened_or_tightened() {
    assert_eq!(
        regex_contained("^AABC-[0-9]{4}$", "^AABC-[0-9]{4,}$"),
        Some(true)
    );
    assert_eq!(
        regex_contained("^AABC-[0-9]{4,}$", "^AABC-[0-9]{4}$"),
        Some(false)
    );
    assert_eq!(regex_contained("^S[0-9]{3}$", "^S[0-9]+$"), Some(true));
    assert_eq!(regex_contained("^[a-z]+$", "^[a-y]+$"), Some(false));
    // Unanchored patterns match anywhere.
    assert_eq!(regex_contained("abc", "b"), Some(true));
    assert_eq!(regex_contained("b", "abc"), Some(false));
    let p = |pat: &str| json!({"id": {"type": "string", "pattern": pat}});
    assert_eq!(bumps(p("^A[0-9]{4}$"), p("^A[0-9]{4,}$"))[0].0, Bump::Minor);
    assert_eq!(bumps(p("^A[0-9]{4,}$"), p("^A[0-9]{4}$"))[0].0, Bump::Major);
}

#[test]
fn types_constraints_and_vocabularies() {
    assert_eq!(
        bumps(
            json!({"n": {"type": "integer"}}),
            json!({"n": {"type": "string"}})
        )[0]
        .0,
        Bump::Major
    );
    assert_eq!(
        bumps(
            json!({"n": {"type": "integer", "maximum": 5}}),
            json!({"n": {"type": "integer", "maximum": 9}})
        )[0]
        .0,
        Bump::Minor
    );
    assert_eq!(
        bumps(
            json!({"n": {"type": "integer", "maximum": 9}}),
            json!({"n": {"type": "integer", "maximum": 5}})
        )[0]
        .0,
        Bump::Major
    );
    assert_eq!(
        bumps(
            json!({"n": {"type": "integer"}}),
            json!({"n": {"type": ["integer", "null"]}})
        )[0]
        .0,
        Bump::Minor
    );
    let v = |items: Value| json!({"k": {"oneOf": items}});
    let ab = v(json!([{"const": "a", "description": "A"}, {"const": "b", "description": "B"}]));
    let abc = v(
        json!([{"const": "a", "description": "A"}, {"const": "b", "description": "B"}, {"const": "c", "description": "C"}]),
    );
    let a2 = v(
        json!([{"const": "a", "description": "A, redefined"}, {"const": "b", "description": "B"}]),
    );
    assert_eq!(
        bumps(ab.clone(), abc.clone()),
        [(Bump::Minor, "column k: value c added".into())]
    );
    assert_eq!(
        bumps(abc, ab.clone()),
        [(Bump::Major, "column k: value c removed".into())]
    );
    assert_eq!(
        bumps(ab, a2),
        [(Bump::Major, "column k: value a redefined".into())]
    );
    assert_eq!(
        bumps(
            json!({"n": {"type": "integer", "description": "x"}}),
            json!({"n": {"type": "integer", "description": "y"}})
        ),
        [(Bump::Patch, "column n: description reworded".into())]
    );
}

#[test]
fn every_keyword_of_a_list_columns_items_enters_the_version_policy() {
    let list = |items: Value| json!({"tags": {"type": ["array", "null"], "items": items}});
    let two = json!({"type": "string", "enum": ["a", "b"]});
    let three = json!({"type": "string", "enum": ["a", "b", "c"]});
    assert_eq!(
        bumps(list(two.clone()), list(three.clone())),
        vec![(Bump::Minor, "column tags, items: value c added".to_string())]
    );
    assert_eq!(
        bumps(list(three), list(two.clone())),
        vec![(
            Bump::Major,
            "column tags, items: value c removed".to_string()
        )]
    );
    let described = |d: &str| json!({"type": "string", "oneOf": [{"const": "a", "description": d}, {"const": "b"}]});
    assert_eq!(
        bumps(list(described("one")), list(described("two"))),
        vec![(
            Bump::Major,
            "column tags, items: value a redefined".to_string()
        )]
    );
    assert_eq!(
        bumps(list(json!({"type": "string"})), list(two)),
        vec![(
            Bump::Major,
            "column tags, items: closed vocabulary introduced".to_string()
        )]
    );
    let long = |n: u64| json!({"type": "string", "maxLength": n});
    assert_eq!(
        bumps(list(long(10)), list(long(5))),
        vec![(
            Bump::Major,
            "column tags: maxLength of the items 10 → 5".to_string()
        )]
    );
    assert_eq!(bumps(list(long(5)), list(long(10)))[0].0, Bump::Minor);
}

#[test]
fn a_new_release_format_is_named_as_a_reason_for_a_minor_bump() {
    let snap = |format: u32| Snapshot {
        label: format!("v{format}"),
        version: None,
        release_format: Some(format),
        tables: Vec::new(),
        partial: false,
    };
    let d = diff(&snap(3), &snap(4));
    assert!(!d.is_empty());
    let (bump, why) = d.required_bump().unwrap();
    assert_eq!(bump, Bump::Minor);
    assert_eq!(
        why,
        vec!["dataset.json: release format 3 → 4 (the files of the bundle)".to_string()]
    );
    assert!(diff(&snap(4), &snap(4)).is_empty());
}

#[test]
fn a_boolean_spelling_added_is_minor_and_one_removed_or_moved_is_major() {
    let ok = |t: Value, f: Value| json!({"ok": {"type": "boolean", "x-trueValues": t, "x-falseValues": f}});
    let plain = json!({"ok": {"type": "boolean"}});
    assert_eq!(
        bumps(plain.clone(), ok(json!(["true", "True"]), json!(["false"]))),
        [(
            Bump::Minor,
            "column ok: spelling \"True\" of true added".into()
        )]
    );
    assert_eq!(
        bumps(ok(json!(["True"]), json!(["False"])), plain.clone()),
        [
            (
                Bump::Major,
                "column ok: spelling \"True\" of true removed".into()
            ),
            (
                Bump::Minor,
                "column ok: spelling \"true\" of true added".into()
            ),
            (
                Bump::Major,
                "column ok: spelling \"False\" of false removed".into()
            ),
            (
                Bump::Minor,
                "column ok: spelling \"false\" of false added".into()
            ),
        ]
    );
    let moved = bumps(
        ok(json!(["Y"]), json!(["N", "0"])),
        ok(json!(["Y", "0"]), json!(["N"])),
    );
    assert!(
        moved
            .iter()
            .any(|(b, c)| *b == Bump::Major && c.contains("\"0\" of false removed")),
        "{moved:?}"
    );
    assert!(bumps(plain.clone(), plain).is_empty());
}
