//! Declared boolean spellings (`x-trueValues`, `x-falseValues`): a table written by pandas'
//! `to_csv` (`True`/`False`) validates, stays canonical and exports typed booleans that
//! pyarrow and frictionless read; an undeclared spelling is reported at its cell; any declared
//! spellings round-trip through validate, fmt and export.

use crate::common::*;
use crate::workdir::Workdir;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::process::Command;

/// A boolean property with the given spellings.
fn boolean(nullable: bool, t: &[&str], f: &[&str]) -> Value {
    let ty = if nullable {
        json!(["boolean", "null"])
    } else {
        json!("boolean")
    };
    json!({"type": ty, "x-trueValues": t, "x-falseValues": f, "description": "A yes or no."})
}

/// The row schema of Fatal Force incidents, reduced to a key, a date and two booleans spelt
/// `True`/`False`.
fn incidents_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:ff:schema:incidents:1",
        "title": "Incident",
        "description": "One fatal shooting.",
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1, "maximum": 100000, "description": "Incident number."},
            "date": {"type": "string", "format": "date", "description": "Day of the shooting."},
            "was_mental_illness_related": boolean(false, &["True"], &["False"]),
            "body_camera": boolean(true, &["True"], &["False"])
        },
        "required": ["id", "date", "was_mental_illness_related"],
        "additionalProperties": false,
        "x-primaryKey": ["id"],
        "x-sortKey": ["id"]
    })
}

/// What pandas writes: `DataFrame.to_csv(index=False)` of Python booleans (and a missing one).
const PANDAS: &str = r#"
import sys, pandas as pd
pd.DataFrame({
    "id": [1, 2, 3],
    "date": ["2015-01-02", "2015-01-03", "2015-01-04"],
    "was_mental_illness_related": [True, False, True],
    "body_camera": pd.Series([False, None, True], dtype=object),
}).to_csv(sys.argv[1], index=False)
"#;

/// Reads the release's Parquet file in pyarrow and its descriptor in frictionless, and prints
/// what each makes of the boolean columns.
const READERS: &str = r#"
import json, sys, pyarrow.parquet as pq, frictionless
bundle = sys.argv[1]
t = pq.read_table(bundle + "/incidents.parquet")
out = {"arrow": {n: str(t.schema.field(n).type) for n in ["was_mental_illness_related", "body_camera"]},
       "arrow_values": t.column("body_camera").to_pylist()}
package = frictionless.Package(bundle + "/datapackage.json")
rows = package.get_resource("incidents").read_rows()
out["frictionless"] = [[r["was_mental_illness_related"], r["body_camera"]] for r in rows]
print(json.dumps(out))
"#;

/// Runs a Python snippet in the pinned readers' virtualenv; returns its stdout.
fn python(script: &str, args: &[&str]) -> String {
    let python = require_tool("the pinned readers' Python", ".venv/bin/python");
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "python failed: {err}");
    String::from_utf8(out.stdout).unwrap()
}

/// A scaffolded dataset whose one table is `incidents`, written by pandas.
fn pandas_dataset(name: &str) -> Workdir {
    let w = Workdir::init(name, "ff", &["--title", "Fatal Force"]);
    std::fs::remove_file(w.join("schema/events.schema.json")).unwrap();
    std::fs::remove_file(w.join("dataset/events.csv")).unwrap();
    let schema = serde_json::to_string_pretty(&incidents_schema()).unwrap();
    w.create("schema/incidents.schema.json", schema);
    let csv = w.join("dataset/incidents.csv");
    python(PANDAS, &[csv.to_str().unwrap()]);
    let meta_path = w.join("dataset/dataset.json");
    let mut m: Value = serde_json::from_str(&w.read("dataset/dataset.json")).unwrap();
    m["resources"] = json!([{"name": "incidents", "path": "incidents.csv", "schema": "../schema/incidents.schema.json"}]);
    m["summary"] = json!({"table": "incidents", "year_of": "date", "count_by": [], "sum": []});
    m["releases"]["table"] = json!("incidents");
    std::fs::write(meta_path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    w
}

#[test]
fn a_table_written_by_pandas_validates_stays_canonical_and_exports_booleans() {
    let w = pandas_dataset("bools-pandas");
    let csv = w.read("dataset/incidents.csv");
    assert_eq!(
        csv,
        "id,date,was_mental_illness_related,body_camera\n1,2015-01-02,True,False\n2,2015-01-03,False,\n3,2015-01-04,True,True\n"
    );
    let out = w.stdout(&["validate", "--format", "json"]);
    assert!(!out.contains("\"severity\""), "{out}");
    w.stdout(&["fmt", "--check"]);
    w.stdout(&["fmt"]);
    assert_eq!(
        w.read("dataset/incidents.csv"),
        csv,
        "fmt changed a spelling"
    );
    w.stdout(&["release"]);
    let bundle = w.join("dist/ff-0.1.0");
    let dp: Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("datapackage.json")).unwrap())
            .unwrap();
    let field = &dp["resources"][0]["schema"]["fields"][2];
    assert_eq!(field["trueValues"], json!(["True"]), "{field}");
    assert_eq!(field["falseValues"], json!(["False"]), "{field}");
    let read: Value = serde_json::from_str(&python(READERS, &[bundle.to_str().unwrap()])).unwrap();
    assert_eq!(
        read,
        json!({
            "arrow": {"was_mental_illness_related": "bool", "body_camera": "bool"},
            "arrow_values": [false, null, true],
            "frictionless": [[true, false], [false, null], [true, true]]
        })
    );
    let codebook = w.stdout(&["codebook"]);
    assert!(
        codebook.contains("| boolean: true is `True`, false is `False` |"),
        "{codebook}"
    );
}

/// The problems `aabc validate --schema` reports on `csv` against a one-table schema.
fn problems(schema: &Value, csv: &str) -> (i32, Vec<Value>) {
    let (_dir, s, f) = table(schema.clone(), csv);
    validate_json(&["--schema", &s, &f])
}

/// A schema of `id` and one boolean column `ok` of the given property.
fn one_boolean(ok: Value) -> Value {
    json!({"type": "object", "properties": {"id": {"type": "integer"}, "ok": ok}, "x-sortKey": ["id"]})
}

#[test]
fn an_undeclared_spelling_is_reported_at_its_cell_naming_the_declared_ones() {
    // The native check, and a column checked by its compiled sub-schema (`not` is no native
    // keyword): both read the declared spellings.
    for ok in [
        boolean(false, &["True", "Yes"], &["False"]),
        json!({"type": "boolean", "x-trueValues": ["True", "Yes"], "x-falseValues": ["False"], "not": {"const": 7}}),
    ] {
        let (code, found) = problems(
            &one_boolean(ok.clone()),
            "id,ok\n1,True\n2,true\n3,Yes\n4,False\n",
        );
        assert_eq!(code, 1, "{ok}");
        assert_eq!(
            reduce(&found),
            [seen(3, 3, "schema/type", Some("ok"))],
            "{found:?}"
        );
        let hint = found[0]["hint"].as_str().unwrap();
        assert_eq!(
            hint,
            "write one of the spellings the column declares: \"True\", \"Yes\" or \"False\""
        );
    }
    // Without a declaration, `True` is still an error with today's hint.
    let (code, found) = problems(&one_boolean(json!({"type": "boolean"})), "id,ok\n1,True\n");
    assert_eq!(code, 1);
    assert_eq!(found[0]["hint"], "write true or false, in lower case");
}

#[test]
fn a_bad_declaration_is_refused_naming_the_schema_and_column() {
    let (_dir, s, f) = table(one_boolean(boolean(false, &["Y"], &["Y"])), "id,ok\n1,Y\n");
    let (code, _, err) = run_aabc(&["validate", "--schema", &s, &f]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("t.schema.json: property \"ok\": the spelling \"Y\" is listed twice"),
        "{err}"
    );
}

#[test]
fn synth_writes_the_first_declared_spelling() {
    let w = pandas_dataset("bools-synth");
    let (code, out, err) = w.output(&["synth", "--rows", "40", "--seed", "3", "--out", "s.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    let (header, rows) = read_csv(&w.join("s.csv"));
    let c = header
        .iter()
        .position(|h| h == "was_mental_illness_related")
        .unwrap();
    let mut seen: Vec<&str> = rows.iter().map(|r| r[c].as_str()).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["False", "True"]);
}

/// Spellings as a person might declare them: a letter or digit first, then letters, digits,
/// and the characters a CSV writer must quote (`,` and `"`), never padded.
fn spelling() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9,\". _-]{0,5}".prop_filter("not padded", |s| s.trim() == s)
}

/// Non-empty, disjoint true and false spellings.
fn spellings() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    proptest::collection::btree_set(spelling(), 2..6).prop_flat_map(|set| {
        let all: Vec<String> = set.into_iter().collect();
        let n = all.len();
        (Just(all), 1..n).prop_map(|(all, split)| (all[..split].to_vec(), all[split..].to_vec()))
    })
}

/// The `ok` column of a Parquet file, which must be Arrow booleans.
fn parquet_booleans(p: &std::path::Path) -> Vec<Value> {
    use arrow::array::AsArray;
    let file = std::fs::File::open(p).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut values = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let column = batch.column_by_name("ok").unwrap().as_boolean();
        values.extend(column.iter().map(|b| json!(b)));
    }
    values
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever the declared spellings, a table written in them validates, is canonical (fmt
    /// keeps every cell), and exports the booleans they spell.
    #[test]
    fn declared_spellings_round_trip_through_validate_fmt_and_export(
        (t, f) in spellings(),
        picks in proptest::collection::vec((any::<bool>(), 0usize..8), 1..12),
    ) {
        let tr: Vec<&str> = t.iter().map(String::as_str).collect();
        let fa: Vec<&str> = f.iter().map(String::as_str).collect();
        let schema = one_boolean(boolean(true, &tr, &fa));
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        w.write_record(["id", "ok"]).unwrap();
        let mut expected = Vec::new();
        for (i, (value, k)) in picks.iter().enumerate() {
            let list = if *value { &t } else { &f };
            w.write_record([(i + 1).to_string(), list[k % list.len()].clone()]).unwrap();
            expected.push(json!(value));
        }
        let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let (dir, s, file) = table(schema, &csv);
        let (code, found) = validate_json(&["--schema", &s, &file]);
        prop_assert_eq!(code, 0, "{:?}", found);
        let (code, out, err) = run_aabc(&["fmt", "--check", "--schema", &s, &file]);
        prop_assert_eq!(code, 0, "{}{}", out, err);
        let jsonl = dir.path().join("t.jsonl");
        let (code, out, err) = export_with(&s, std::path::Path::new(&file), &["--format", "jsonl", "--out", jsonl.to_str().unwrap()]);
        prop_assert_eq!(code, 0, "{}{}", out, err);
        let got: Vec<Value> = crate::common::jsonl(&jsonl).iter().map(|r| r["ok"].clone()).collect();
        prop_assert_eq!(&got, &expected);
        let parquet = dir.path().join("t.parquet");
        let (code, out, err) = export_with(&s, std::path::Path::new(&file), &["--format", "parquet", "--out", parquet.to_str().unwrap()]);
        prop_assert_eq!(code, 0, "{}{}", out, err);
        prop_assert_eq!(parquet_booleans(&parquet), expected);
    }
}
