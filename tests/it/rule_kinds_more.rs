//! Rules across rows and tables, from a dataset of incidents and the police agencies involved
//! (The Washington Post's Fatal Force): `count` (an agency's count of incidents is the number
//! of incidents citing it), `unique` (no ORI code on two agencies) and `equal` (an incident is
//! in the state of its agencies). Each fires at the cells that break it and nowhere else.
//! And `aabc verify --format github`, bounded by validate's printer: a bundle with many
//! problems gets ten annotations and one notice that counts them all.

use crate::workdir::Workdir;
use aabc::schema::{RuleSpec, Schema};
use aabc::validate::rules::count::{check, Tally};
use aabc::validate::rules::{KeyIndex, KeyValues, TableRules};
use aabc::versions::diff::schema_changes;
use aabc::versions::versioning::Bump;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

fn count_rule() -> Value {
    json!({
        "id": "incident-count", "rule": "count", "column": "incident_count",
        "of": {"table": "incidents", "column": "agency_ids"},
        "description": "An agency's count is the number of incidents it is cited in."
    })
}

fn unique_rule() -> Value {
    json!({
        "id": "one-ori", "rule": "unique", "column": "ori",
        "description": "An ORI code belongs to one agency."
    })
}

fn equal_rule() -> Value {
    json!({
        "id": "agency-state", "rule": "equal", "column": "state", "via": "agency_ids", "to": "state",
        "description": "An incident is in the state of its agencies."
    })
}

fn incidents_schema(rules: Vec<Value>) -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:ff:schema:incidents:1",
        "title": "Incident",
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9]+$", "description": "Incident number."},
            "date": {"type": "string", "format": "date", "description": "Day of the shooting."},
            "state": {"type": ["string", "null"], "description": "State of the incident."},
            "agency_ids": {
                "type": "array", "x-delimiter": ";", "minItems": 1, "uniqueItems": true,
                "items": {"type": "string", "pattern": "^[0-9]+$"},
                "description": "Agencies involved."
            }
        },
        "required": ["id", "date", "state", "agency_ids"],
        "additionalProperties": false,
        "x-primaryKey": ["id"],
        "x-sortKey": ["id"],
        "x-foreignKeys": [{
            "fields": "agency_ids",
            "reference": {"resource": "agencies", "fields": "id"}
        }],
        "x-rules": rules
    })
}

fn agencies_schema(rules: Vec<Value>) -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:ff:schema:agencies:1",
        "title": "Agency",
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9]+$", "description": "Agency number."},
            "name": {"type": "string", "description": "Name of the agency."},
            "state": {"type": ["string", "null"], "description": "State of the agency."},
            "ori": {"type": ["string", "null"], "description": "FBI ORI code."},
            "incident_count": {"type": ["integer", "null"], "minimum": 0, "description": "Incidents citing the agency."}
        },
        "required": ["id", "name", "state", "ori", "incident_count"],
        "additionalProperties": false,
        "x-primaryKey": ["id"],
        "x-sortKey": ["id"],
        "x-rules": rules
    })
}

/// Incident 4 is in IL but its agency 13 in TX.
const INCIDENTS: &str = "id,date,state,agency_ids\n\
1,2015-01-02,IL,10\n\
2,2015-01-03,IL,10;11\n\
3,2015-01-04,TX,12\n\
4,2015-01-05,IL,13\n\
5,2015-01-06,,14\n";

/// Agency 11 claims 5 incidents (1 cites it) and 13 claims 0 (1 does); 12 and 13 share an
/// ORI code; 14's count and ORI are blank (not known: not checked).
const AGENCIES: &str = "id,name,state,ori,incident_count\n\
10,Springfield Police,IL,IL001,2\n\
11,County Sheriff,IL,IL002,5\n\
12,State Police,TX,TX001,1\n\
13,Austin Police,TX,TX001,0\n\
14,Town Police,TX,,\n";

/// Writes `v` as the JSON file `rel`.
fn put_json(w: &Workdir, rel: &str, v: &Value) {
    w.create(rel, serde_json::to_string_pretty(v).unwrap());
}

/// A two-table dataset with `incidents` rules and `agencies` rules as given.
fn fatal_force(name: &str, incidents: Vec<Value>, agencies: Vec<Value>) -> Workdir {
    let w = Workdir::init(name, "ff", &["--title", "Fatal Force"]);
    std::fs::remove_file(w.join("schema/events.schema.json")).unwrap();
    std::fs::remove_file(w.join("dataset/events.csv")).unwrap();
    put_json(
        &w,
        "schema/incidents.schema.json",
        &incidents_schema(incidents),
    );
    put_json(
        &w,
        "schema/agencies.schema.json",
        &agencies_schema(agencies),
    );
    w.create("dataset/incidents.csv", INCIDENTS);
    w.create("dataset/agencies.csv", AGENCIES);
    let mut m: Value = serde_json::from_str(&w.read("dataset/dataset.json")).unwrap();
    m["resources"] = json!([
        {"name": "incidents", "path": "incidents.csv", "schema": "../schema/incidents.schema.json"},
        {"name": "agencies", "path": "agencies.csv", "schema": "../schema/agencies.schema.json"},
    ]);
    m["summary"] = json!({"table": "incidents", "year_of": "date", "count_by": [], "sum": []});
    m["releases"]["table"] = json!("incidents");
    m["release_format"] = json!(5);
    put_json(&w, "dataset/dataset.json", &m);
    w
}

/// The whole case: the three rules declared.
fn case(name: &str) -> Workdir {
    fatal_force(name, vec![equal_rule()], vec![count_rule(), unique_rule()])
}

/// The problems of `validate --format json` that name a rule.
fn problems(w: &Workdir, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["validate", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, _) = w.output(&all);
    let found = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|p| p.get("rule").is_some())
        .collect();
    (code, found)
}

/// Where each problem is: rule, file, line, field and value.
fn places(found: &[Value]) -> BTreeSet<(String, String, u64, String, String)> {
    found
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (
                s("rule"),
                s("file"),
                p["line"].as_u64().unwrap(),
                s("field"),
                s("value"),
            )
        })
        .collect()
}

fn place(
    rule: &str,
    file: &str,
    line: u64,
    field: &str,
    value: &str,
) -> (String, String, u64, String, String) {
    (
        rule.into(),
        format!("dataset/{file}.csv"),
        line,
        field.into(),
        value.into(),
    )
}

#[test]
fn each_kind_fires_exactly_at_the_cells_that_break_it() {
    let w = case("more-case");
    let (code, found) = problems(&w, &[]);
    assert_eq!(code, 1, "{found:?}");
    let expected: BTreeSet<_> = [
        place("incident-count", "agencies", 3, "incident_count", "5"),
        place("incident-count", "agencies", 5, "incident_count", "0"),
        place("one-ori", "agencies", 5, "ori", "TX001"),
        place("agency-state", "incidents", 5, "state", "IL"),
    ]
    .into_iter()
    .collect();
    assert_eq!(places(&found), expected, "{found:#?}");
    let said = |rule: &str, line: u64| {
        let p = found
            .iter()
            .find(|p| p["rule"] == rule && p["line"] == line)
            .unwrap();
        (
            p["message"].as_str().unwrap().to_string(),
            p["hint"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        said("incident-count", 3),
        (
            "An agency's count is the number of incidents it is cited in (incident_count is 5, but 1 row(s) of incidents cite \"11\" in agency_ids)".into(),
            "correct incident_count to 1, or the agency_ids of the incidents rows".into()
        )
    );
    assert_eq!(
        said("one-ori", 5),
        (
            "An ORI code belongs to one agency (ori \"TX001\" is already on line 4, row \"12\")"
                .into(),
            "keep each ori on one row only, or correct it".into()
        )
    );
    assert_eq!(
        said("agency-state", 5),
        (
            "An incident is in the state of its agencies (state is \"IL\", but agencies \"13\" has state \"TX\")".into(),
            "correct state here, or the state of agencies \"13\"".into()
        )
    );
    // The count cell is located in its file: column 5 of agencies.csv.
    let c = found
        .iter()
        .find(|p| p["rule"] == "incident-count")
        .unwrap();
    assert_eq!(
        (c["line"].as_u64(), c["column"].as_u64()),
        (Some(3), Some(28)),
        "{c}"
    );
}

#[test]
fn mended_data_passes() {
    let w = case("more-mended");
    w.create(
        "dataset/agencies.csv",
        AGENCIES
            .replace("IL002,5", "IL002,1")
            .replace("TX001,0", "TX002,1"),
    );
    w.create(
        "dataset/incidents.csv",
        INCIDENTS.replace("05,IL,13", "05,TX,13"),
    );
    let (code, found) = problems(&w, &[]);
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
}

#[test]
fn rules_declared_warnings_are_listed_without_failing() {
    let warn = |mut r: Value| {
        r["severity"] = json!("warning");
        r
    };
    let w = fatal_force(
        "more-warnings",
        vec![warn(equal_rule())],
        vec![warn(count_rule()), warn(unique_rule())],
    );
    let (code, found) = problems(&w, &[]);
    assert_eq!(code, 0, "{found:#?}");
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found.iter().all(|p| p["severity"] == "warning"),
        "{found:#?}"
    );
    w.assert_err(&["validate", "--strict"], 1);
}

#[test]
fn every_output_format_reports_them() {
    let w = case("more-formats");
    let out = w.output(&["validate", "--format", "github"]).1;
    assert!(
        out.contains("::error file=dataset/agencies.csv,line=3,col=28,title=incident-count::"),
        "{out}"
    );
    let out = w.output(&["validate", "--format", "markdown"]).1;
    assert!(
        out.contains("one-ori") && out.contains("agency-state"),
        "{out}"
    );
    let out = w.output(&["validate"]).1;
    assert!(out.contains("error[incident-count]"), "{out}");
}

#[test]
fn a_bad_declaration_of_each_kind_is_refused_naming_the_schema() {
    let edit = |mut r: Value, f: fn(&mut Value)| {
        f(&mut r);
        r
    };
    let agencies = "schema/agencies.schema.json";
    let incidents = "schema/incidents.schema.json";
    let cases: Vec<(Vec<Value>, Vec<Value>, &str, &str)> = vec![
        (vec![], vec![edit(count_rule(), |r| r["of"]["table"] = json!("incidnets"))], agencies,
            "rule \"incident-count\" (count) counts rows of table \"incidnets\", which the metadata file does not list"),
        (vec![], vec![edit(count_rule(), |r| r["of"]["column"] = json!("agency"))], agencies,
            "rule \"incident-count\" (count): table \"incidents\" has no column \"agency\""),
        (vec![], vec![edit(count_rule(), |r| r["column"] = json!("name"))], agencies,
            "column \"name\" is a string column; a count needs integer columns"),
        (vec![], vec![edit(count_rule(), |r| { r.as_object_mut().unwrap().remove("of"); })], agencies,
            "(count) needs \"column\" and \"of\""),
        (vec![], vec![edit(unique_rule(), |r| r["column"] = json!("oři"))], agencies,
            "names column \"oři\""),
        (vec![], vec![edit(unique_rule(), |r| r["column"] = json!("id"))], agencies,
            "column \"id\" is the primary key"),
        (vec![], vec![edit(unique_rule(), |r| { r.as_object_mut().unwrap().remove("description"); })], agencies,
            "(unique) needs a \"description\""),
        (vec![edit(equal_rule(), |r| r["to"] = json!("region"))], vec![], incidents,
            "rule \"agency-state\" (equal): table \"agencies\" has no column \"region\""),
        (vec![edit(equal_rule(), |r| r["via"] = json!("date"))], vec![], incidents,
            "\"via\" column \"date\" is not a foreign key"),
    ];
    for (i, (inc, ag, file, what)) in cases.into_iter().enumerate() {
        let w = fatal_force(&format!("more-bad-{i}"), inc, ag);
        let err = w.assert_err(&["validate"], 2);
        assert!(
            err.contains(&format!("{file}: x-rules: ")) && err.contains(what),
            "{i}: {err}"
        );
    }
}

#[test]
fn the_codebook_lists_all_three() {
    let w = case("more-codebook");
    let book = w.stdout(&["codebook"]);
    for line in [
        "- `incident-count`: An agency's count is the number of incidents it is cited in (`incident_count` is the number of rows of incidents whose `agency_ids` cite the row; a blank count is not checked).\n",
        "- `one-ori`: An ORI code belongs to one agency (no value of `ori` is on two rows).\n",
        "- `agency-state`: An incident is in the state of its agencies (`state` equals the `state` of each row `agency_ids` cites, when both are given).\n",
    ] {
        assert!(book.contains(line), "{line}\n{book}");
    }
}

fn agencies(rules: Vec<Value>) -> Schema {
    Schema::from_value(Path::new("agencies.schema.json"), agencies_schema(rules)).unwrap()
}

#[test]
fn a_rule_added_is_major_removed_minor_and_reworded_a_patch() {
    for rule in [count_rule(), unique_rule()] {
        let id = rule["id"].as_str().unwrap().to_string();
        let added = schema_changes("agencies", &agencies(vec![]), &agencies(vec![rule.clone()]));
        let added: Vec<_> = added.into_iter().map(|c| (c.bump, c.change)).collect();
        assert_eq!(added, [(Bump::Major, format!("rule \"{id}\" added"))]);
        let removed = schema_changes("agencies", &agencies(vec![rule.clone()]), &agencies(vec![]));
        assert_eq!(removed[0].bump, Bump::Minor);
        let mut reworded = rule.clone();
        reworded["description"] = json!("Say it otherwise.");
        let changed = schema_changes("agencies", &agencies(vec![rule]), &agencies(vec![reworded]));
        assert_eq!(changed[0].bump, Bump::Patch, "{}", changed[0].change);
    }
    let incidents =
        |rules| Schema::from_value(Path::new("i.schema.json"), incidents_schema(rules)).unwrap();
    let added = schema_changes(
        "incidents",
        &incidents(vec![]),
        &incidents(vec![equal_rule()]),
    );
    assert_eq!(
        (added[0].bump, added[0].change.as_str()),
        (Bump::Major, "rule \"agency-state\" added")
    );
    let mut other = equal_rule();
    other["to"] = json!("name");
    let changed = schema_changes(
        "incidents",
        &incidents(vec![equal_rule()]),
        &incidents(vec![other]),
    );
    assert_eq!(changed[0].bump, Bump::Major);
}

fn count_of(s: &Schema) -> &aabc::schema::Count {
    match &s.rules[0] {
        RuleSpec::Count(c) => c,
        other => panic!("{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Over random incidents citing agencies 0..5 (some twice, some none), `count` fires for
    /// exactly the agencies whose declared count is not the number of incidents citing them.
    #[test]
    fn count_fires_exactly_where_the_count_is_wrong(
        cites in prop::collection::vec(prop::collection::vec(0u8..5, 0..4), 0..20),
        declared in prop::collection::vec(0u64..5, 5),
    ) {
        let s = agencies(vec![count_rule()]);
        let incidents = Schema::from_value(Path::new("i.schema.json"), incidents_schema(vec![])).unwrap();
        let mut tally = Tally::new(3);
        for (i, c) in cites.iter().enumerate() {
            let ids = c.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(";");
            let id = i.to_string();
            tally.add(&incidents, &[id.as_str(), "2015-01-01", "", ids.as_str()]);
        }
        for (a, &d) in declared.iter().enumerate() {
            let truth = cites.iter().filter(|c| c.contains(&(a as u8))).count() as u64;
            let found = tally.rows.get(&a.to_string()).copied().unwrap_or(0);
            prop_assert_eq!(found, truth);
            let f = check(count_of(&s), &s, &a.to_string(), &d.to_string(), found);
            prop_assert_eq!(f.is_some(), d != truth);
        }
    }

    /// Over random ORI codes (blank included), `unique` fires once for every row whose code
    /// an earlier row holds, and never for a blank.
    #[test]
    fn unique_fires_for_every_later_holder_of_a_code(codes in prop::collection::vec("[AB]?", 0..12)) {
        let s = agencies(vec![unique_rule()]);
        let mut rules = TableRules::new(&s, |_| true, |_| None);
        let mut seen = std::collections::HashSet::new();
        for (i, code) in codes.iter().enumerate() {
            let id = i.to_string();
            let mut out = Vec::new();
            rules.check(&s, &[id.as_str(), "n", "TX", code.as_str(), ""], i as u64 + 2, &mut out);
            let repeated = !code.is_empty() && !seen.insert(code.clone());
            prop_assert_eq!(out.len(), usize::from(repeated));
            prop_assert!(out.iter().all(|f| f.rule == "one-ori" && f.column == Some(3)));
        }
    }

    /// Over random states of incidents and agencies (blank included), `equal` fires once for
    /// each cited agency whose state is given and differs from the incident's given state.
    #[test]
    fn equal_fires_for_each_cited_row_that_differs(
        here in "[XY]?",
        states in prop::collection::vec("[XY]?", 3),
        cited in prop::collection::btree_set(0usize..3, 1..3),
    ) {
        let s = Schema::from_value(Path::new("i.schema.json"), incidents_schema(vec![equal_rule()])).unwrap();
        let of_key: HashMap<String, String> =
            states.iter().enumerate().map(|(i, v)| (i.to_string(), v.clone())).collect();
        let mut ix = KeyIndex::default();
        ix.values.insert("state".into(), KeyValues { field: Some(2), of_key });
        let mut rules = TableRules::new(&s, |_| true, |_| Some(&ix));
        let ids = cited.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(";");
        let mut out = Vec::new();
        rules.check(&s, &["1", "2015-01-01", here.as_str(), ids.as_str()], 2, &mut out);
        let differ = cited
            .iter()
            .filter(|&&i| !here.is_empty() && !states[i].is_empty() && states[i] != here)
            .count();
        prop_assert_eq!(out.len(), differ);
        prop_assert!(out.iter().all(|f| f.rule == "agency-state" && f.column == Some(2)));
    }
}

/// A copy of the shipped bundle whose events table has every row's precision misspelt: many
/// rows break the bundle's schema, and the other formats disagree with the CSV.
fn bundle_with_many_problems() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dist, name) = crate::common::shipped_bundle();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    crate::common::copy_tree(&dist.path().join(name), &dir);
    let csv = dir.join("events.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(
        &csv,
        text.replace(",month,", ",mnth,").replace(",day,", ",dy,"),
    )
    .unwrap();
    (tmp, dir)
}

fn verify(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = crate::common::aabc()
        .arg("verify")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap(), s(&out.stdout), s(&out.stderr))
}

#[test]
fn verify_github_annotations_are_bounded_like_validate_s() {
    let (_tmp, dir) = bundle_with_many_problems();
    let (code, all, _) = verify(&dir, &["--format", "json"]);
    assert_eq!(code, 1);
    let total = all.lines().count();
    assert!(total > 50, "{total} problems");
    let (code, out, _) = verify(&dir, &["--format", "github"]);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 11, "{out}");
    assert!(
        lines[..10].iter().all(|l| l.starts_with("::error ")),
        "{out}"
    );
    let notice = lines[10];
    assert!(
        notice.starts_with(&format!(
            "::notice title=aabc verify summary::{total} error(s), 0 warning(s); by rule: "
        )) && notice.ends_with(&format!(
            ". {} more problem(s) not shown (the first 10; `--max-errors N` shows N)",
            total - 10
        )),
        "{notice}"
    );
    // --max-errors sets the bound, as for validate.
    let (_, out, _) = verify(&dir, &["--format", "github", "--max-errors", "3"]);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::error ")).count(),
        3,
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{} more problem(s) not shown (the first 3;",
            total - 3
        )),
        "{out}"
    );
    // JSON Lines stays one problem a line; what was left out is said on standard error.
    let (_, out, err) = verify(&dir, &["--format", "json", "--max-errors", "2"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        err.contains(&format!("{} more problem(s) not shown", total - 2)),
        "{err}"
    );
    // The human list is bounded too, and its summary still counts every finding.
    let (_, out, _) = verify(&dir, &["--max-errors", "1"]);
    assert_eq!(out.matches("MISMATCH: ").count(), 1, "{out}");
    assert!(
        out.contains(&format!(
            "{} more mismatch(es) not shown (--max-errors)",
            total - 1
        )) && out.contains(&format!("; {total} problem(s)\n")),
        "{out}"
    );
}

#[test]
fn synthetic_rows_keep_a_unique_rule() {
    let w = Workdir::init(
        "more-synth",
        "events",
        &["--aabc-git", "https://example.org/aabc.git"],
    );
    let mut schema: Value = serde_json::from_str(&w.read("schema/events.schema.json")).unwrap();
    schema["x-rules"].as_array_mut().unwrap().push(json!({
        "id": "one-place", "rule": "unique", "column": "location",
        "description": "One event a place."
    }));
    put_json(&w, "schema/events.schema.json", &schema);
    let (code, _, err) = w.output(&[
        "synth",
        "--rows",
        "300",
        "--schema",
        "schema/events.schema.json",
        "--out",
        "dataset/events.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 300 rows, 0 invalid"), "{err}");
    w.stdout(&["validate"]);
}
