//! List columns beyond lists of strings, from The Washington Post's Fatal Force data: an
//! incident's `agency_ids` is a list of integers that refers to `agencies.id`, an integer key,
//! so the link table's columns and the key have one integer type and a join needs no cast; an
//! item that is not an integer is reported at its cell; and a list with a vocabulary
//! (`armed_with`) is listed in the codebook and dictionary-encoded in Parquet from release
//! format 6, which pyarrow, pandas, polars and DuckDB read.

use crate::common::require_tool;
use crate::links::{edit_json, put_json};
use crate::workdir::Workdir;
use aabc::schema::{Item, Kind, Schema};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The row schema of `incidents`: integer key `id`, a list of weapons from a vocabulary, and
/// a list of integer agency ids linked to `agencies.id`.
fn incidents_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:ff:schema:incidents:1",
        "title": "Incident",
        "description": "One fatal shooting.",
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1, "description": "Incident number."},
            "date": {"type": "string", "format": "date", "description": "Day of the shooting."},
            "armed_with": {
                "type": ["array", "null"], "x-delimiter": ";", "minItems": 1, "uniqueItems": true,
                "items": {"type": "string", "oneOf": [
                    {"const": "gun", "description": "A firearm."},
                    {"const": "knife", "description": "A knife or blade."},
                    {"const": "vehicle", "description": "A vehicle used as a weapon."},
                    {"const": "unarmed", "description": "No weapon."}
                ]},
                "description": "What the person was armed with.",
                "x-blank": "Not known."
            },
            "agency_ids": {
                "type": "array", "x-delimiter": ";", "minItems": 1, "uniqueItems": true,
                "items": {"type": "integer", "minimum": 1},
                "description": "Agencies involved.",
                "examples": [[12, 340]]
            }
        },
        "required": ["id", "date", "agency_ids"],
        "additionalProperties": false,
        "x-primaryKey": ["id"],
        "x-sortKey": ["id"],
        "x-foreignKeys": [{
            "fields": "agency_ids",
            "reference": {"resource": "agencies", "fields": "id"},
            "link": "incident_agencies"
        }]
    })
}

/// The row schema of `agencies`: integer key `id`, and a vocabulary `type`.
fn agencies_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:ff:schema:agencies:1",
        "title": "Agency",
        "description": "One police agency.",
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1, "description": "Agency number."},
            "name": {"type": "string", "description": "Name of the agency."},
            "type": {"oneOf": [
                {"const": "local_police", "description": "A city or county police department."},
                {"const": "sheriff", "description": "A sheriff's office."},
                {"const": "state_police", "description": "A state police or highway patrol."}
            ], "description": "Kind of agency."}
        },
        "required": ["id", "name", "type"],
        "additionalProperties": false,
        "x-primaryKey": ["id"],
        "x-sortKey": ["id"]
    })
}

const INCIDENTS: &str = "id,date,armed_with,agency_ids\n\
1,2015-01-02,gun,12\n\
2,2015-01-03,gun;knife,12;340\n\
3,2015-01-04,,7\n\
4,2015-01-05,vehicle,340;7;12\n";

/// Items of `agency_ids` in `INCIDENTS`: the rows of the link table.
const ITEMS: usize = 7;

/// A scaffolded dataset made into incidents and agencies, in release format `format`.
fn fatal_force(name: &str, format: u32) -> Workdir {
    let w = Workdir::init(name, "ff", &["--title", "Fatal Force"]);
    std::fs::remove_file(w.join("schema/events.schema.json")).unwrap();
    std::fs::remove_file(w.join("dataset/events.csv")).unwrap();
    put_json(&w, "schema/incidents.schema.json", &incidents_schema());
    put_json(&w, "schema/agencies.schema.json", &agencies_schema());
    w.create("dataset/incidents.csv", INCIDENTS);
    w.create(
        "dataset/agencies.csv",
        "id,name,type\n7,State Patrol,state_police\n12,Springfield Police,local_police\n340,County Sheriff,sheriff\n",
    );
    edit_json(&w, "dataset/dataset.json", |m| {
        m["resources"] = json!([
            {"name": "incidents", "path": "incidents.csv", "schema": "../schema/incidents.schema.json"},
            {"name": "agencies", "path": "agencies.csv", "schema": "../schema/agencies.schema.json"},
        ]);
        m["summary"] = json!({"table": "incidents", "year_of": "date", "count_by": [], "sum": []});
        m["releases"]["table"] = json!("incidents");
        m["release_format"] = json!(format);
    });
    w
}

fn bundle(w: &Workdir) -> PathBuf {
    w.join("dist/ff-0.1.0")
}

/// Runs a Python program with the pinned readers, `BUNDLE` set to `dir`; returns its output.
fn python(dir: &Path, program: &str) -> String {
    let python = require_tool("the pinned readers' Python", ".venv/bin/python");
    let out = std::process::Command::new(python)
        .args(["-c", program])
        .env("BUNDLE", dir)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    said
}

/// The Arrow type of column `column` of a Parquet file of the bundle.
fn parquet_type(dir: &Path, file: &str, column: &str) -> arrow::datatypes::DataType {
    let (schema, _) = crate::common::parquet_meta(&dir.join(file));
    schema.field_with_name(column).unwrap().data_type().clone()
}

#[test]
fn integer_list_items_validate_release_and_join_their_key_without_a_cast() {
    let w = fatal_force("list-int", 6);
    w.stdout(&["validate"]);
    w.stdout(&["fmt", "--check"]);
    w.stdout(&["release"]);
    let dir = bundle(&w);
    w.stdout(&["verify", dir.to_str().unwrap()]);
    // The link table's columns take their keys' own types, as the list's items do.
    let int64 = arrow::datatypes::DataType::Int64;
    assert_eq!(parquet_type(&dir, "agencies.parquet", "id"), int64);
    assert_eq!(
        parquet_type(&dir, "incident_agencies.parquet", "agencies_id"),
        int64
    );
    assert_eq!(
        parquet_type(&dir, "incident_agencies.parquet", "incidents_id"),
        int64
    );
    match parquet_type(&dir, "incidents.parquet", "agency_ids") {
        arrow::datatypes::DataType::List(f) => assert_eq!(f.data_type(), &int64),
        other => panic!("agency_ids is {other}"),
    }
    let first = crate::common::jsonl(&dir.join("incidents.jsonl"));
    assert_eq!(first[1]["agency_ids"], json!([12, 340]));
    let dp: Value = serde_json::from_str(&w.read("dist/ff-0.1.0/datapackage.json")).unwrap();
    let field = &dp["resources"][0]["schema"]["fields"][3];
    assert_eq!(
        (&field["type"], &field["itemType"]),
        (&json!("list"), &json!("integer"))
    );
    let codebook = w.stdout(&["codebook"]);
    assert!(
        codebook.contains("| `agency_ids` | list of integers, separated by `;` |"),
        "{codebook}"
    );
    let said = python(
        &dir,
        r#"
import os, duckdb, pyarrow.parquet as pq
b = os.environ["BUNDLE"]
link = pq.read_table(f"{b}/incident_agencies.parquet")
agencies = pq.read_table(f"{b}/agencies.parquet")
assert link.schema.field("agencies_id").type == agencies.schema.field("id").type, (link.schema, agencies.schema)
joined = link.to_pandas().merge(agencies.to_pandas(), left_on="agencies_id", right_on="id")
n = duckdb.sql(f"SELECT count(*) FROM '{b}/incident_agencies.parquet' l JOIN '{b}/agencies.parquet' a ON l.agencies_id = a.id").fetchall()[0][0]
print(len(joined), n)
from frictionless import Package
report = Package(f"{b}/datapackage.json").validate()
assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
"#,
    );
    assert_eq!(said.trim(), format!("{ITEMS} {ITEMS}"));
}

#[test]
fn an_item_that_is_not_an_integer_is_reported_at_its_cell_naming_the_item() {
    let w = fatal_force("list-int-bad", 5);
    let bad = INCIDENTS
        .replace("1,2015-01-02,gun,12\n", "1,2015-01-02,gun,12;x\n")
        .replace("340;7;12\n", "340;007;12\n");
    w.create("dataset/incidents.csv", bad);
    let (code, out, _) = w.output(&["validate", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let problems: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let typed: Vec<&Value> = problems
        .iter()
        .filter(|p| p["rule"] == "schema/type")
        .collect();
    assert_eq!(typed.len(), 2, "{out}");
    // Line 2, at the cell's first character.
    assert_eq!(
        (&typed[0]["line"], &typed[0]["column"]),
        (&json!(2), &json!(18))
    );
    assert_eq!(typed[0]["field"], "agency_ids");
    let message = typed[0]["message"].as_str().unwrap();
    assert!(
        message.contains("item \"x\" is not a valid integer"),
        "{out}"
    );
    assert_eq!(typed[1]["line"], json!(5));
    let hint = typed[1]["hint"].as_str().unwrap();
    assert!(hint.starts_with("write 7:"), "{out}");
    // The typed exports refuse the cell too, saying where it is.
    let (code, _, err) = w.output(&[
        "export",
        "--format",
        "parquet",
        "--table",
        "incidents",
        "--out",
        "i.parquet",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("line 2") && err.contains("list of integers"),
        "{err}"
    );
}

#[test]
fn number_and_boolean_items_are_refused_naming_the_schema_and_the_column() {
    for (items, what) in [
        (json!({"type": "number"}), "\"number\""),
        (json!({"type": "boolean"}), "\"boolean\""),
        (json!({"type": ["integer", "null"]}), "\"null\""),
    ] {
        let w = fatal_force("list-refused", 5);
        edit_json(&w, "schema/incidents.schema.json", |v| {
            v["properties"]["agency_ids"]["items"] = items.clone();
        });
        let err = w.assert_err(&["validate"], 2);
        assert!(err.contains("incidents.schema.json"), "{err}");
        assert!(err.contains("property \"agency_ids\""), "{err}");
        assert!(err.contains(what), "{items}: {err}");
    }
}

#[test]
fn list_vocabularies_are_categories_from_release_format_6_only() {
    let old = fatal_force("list-dict-5", 5);
    old.stdout(&["release"]);
    let utf8 = arrow::datatypes::DataType::Utf8;
    match parquet_type(&bundle(&old), "incidents.parquet", "armed_with") {
        arrow::datatypes::DataType::List(f) => assert_eq!(f.data_type(), &utf8),
        other => panic!("armed_with is {other}"),
    }
    assert!(!old.stdout(&["codebook"]).contains("`armed_with` values"));

    let new = fatal_force("list-dict-6", 6);
    new.stdout(&["release"]);
    let dir = bundle(&new);
    new.stdout(&["verify", dir.to_str().unwrap()]);
    let (schema, kv) = crate::common::parquet_meta(&dir.join("incidents.parquet"));
    let field = schema.field_with_name("armed_with").unwrap();
    match field.data_type() {
        arrow::datatypes::DataType::List(f) => assert_eq!(
            f.data_type(),
            &arrow::datatypes::DataType::Dictionary(
                Box::new(arrow::datatypes::DataType::Int32),
                Box::new(utf8)
            )
        ),
        other => panic!("armed_with is {other}"),
    }
    let all = r#"["gun","knife","vehicle","unarmed"]"#;
    assert_eq!(field.metadata()["categories"], all);
    let categories = kv.iter().find(|(k, _)| k == "aabc:categories").unwrap();
    assert!(
        categories.1.contains(&format!("\"armed_with\":{all}")),
        "{categories:?}"
    );
    let codebook = new.stdout(&["codebook"]);
    assert!(
        codebook.contains(
            "### `armed_with` values\n\n| value | definition |\n|---|---|\n| `gun` | A firearm. |"
        ),
        "{codebook}"
    );
    // Every reader loads it; the category set is the whole vocabulary in codebook order,
    // `unarmed`, which no row has, included.
    let said = python(
        &dir,
        r#"
import os, duckdb, pandas as pd, polars as pl, pyarrow as pa, pyarrow.parquet as pq
p = os.environ["BUNDLE"] + "/incidents.parquet"
t = pq.read_table(p)
col = t.column("armed_with").combine_chunks()
assert pa.types.is_dictionary(col.type.value_type), col.type
print(col.values.dictionary.to_pylist())
print(t.column("armed_with").to_pylist())
df = pd.read_parquet(p, dtype_backend="pyarrow")
print(df["armed_with"].dtype)
print(pd.read_parquet(p)["armed_with"].map(lambda v: None if v is None else list(v)).tolist())
print(pl.read_parquet(p).schema["armed_with"])
print(duckdb.sql(f"SELECT sum(len(armed_with)) FROM '{p}'").fetchall()[0][0])
"#,
    );
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines[0], "['gun', 'knife', 'vehicle', 'unarmed']", "{said}");
    assert_eq!(
        lines[1], "[['gun'], ['gun', 'knife'], None, ['vehicle']]",
        "{said}"
    );
    assert!(lines[2].contains("dictionary<values=string"), "{said}");
    assert_eq!(lines[3], "[['gun'], ['gun', 'knife'], None, ['vehicle']]");
    assert!(lines[4].starts_with("List(Categorical"), "{said}");
    assert_eq!(lines[5], "4", "{said}");
    readme_blocks_run(&dir);
}

/// Every code block of a bundle's README runs in the bundle (the loading code of pandas,
/// polars, DuckDB, Spark and R, on its first table).
fn readme_blocks_run(dir: &Path) {
    use crate::readme_blocks::{fenced_blocks, how, run_block, Runners};
    let mut tools = Runners {
        python: require_tool("the pinned readers' Python", ".venv/bin/python"),
        rscript: None,
    };
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let blocks = fenced_blocks(&readme);
    assert!(blocks.iter().any(|b| b.code.contains("incidents.parquet")));
    for b in blocks {
        let runner = how(&b.lang).unwrap_or_else(|| panic!("no runner for {}", b.lang));
        if let Err(said) = run_block(&b, runner, dir, &mut tools) {
            panic!("README.md:{}: {}\n{said}", b.line, b.code);
        }
    }
}

#[test]
fn the_version_policy_sees_the_items_type_and_bounds() {
    let schema = |items: Value| {
        Schema::from_value(
            Path::new("t.json"),
            json!({"properties": {"ids": {"type": "array", "items": items}}}),
        )
        .unwrap()
    };
    let strings = schema(json!({"type": "string"}));
    let integers = schema(json!({"type": "integer"}));
    let bounded = schema(json!({"type": "integer", "minimum": 1}));
    assert_eq!(integers.columns[0].kind, Kind::List(Item::Integer));
    let changes = |a: &Schema, b: &Schema| -> Vec<(String, String)> {
        aabc::versions::diff::schema_changes("t", a, b)
            .into_iter()
            .map(|c| (format!("{:?}", c.bump), c.change))
            .collect()
    };
    assert_eq!(
        changes(&strings, &integers),
        [(
            "Major".to_string(),
            "column ids: type list of strings → list of integers".to_string()
        )]
    );
    assert_eq!(
        changes(&integers, &bounded),
        [(
            "Major".to_string(),
            "column ids: minimum of the items none → 1".to_string()
        )]
    );
}

#[test]
fn synth_writes_valid_integer_items() {
    let w = fatal_force("list-synth", 6);
    // Without examples, items are drawn from the items' bounds.
    edit_json(&w, "schema/incidents.schema.json", |v| {
        let ids = &mut v["properties"]["agency_ids"];
        ids.as_object_mut().unwrap().remove("examples");
        ids["items"]["maximum"] = json!(9);
    });
    let out = w.join("synth.csv");
    w.stdout(&[
        "synth",
        "--schema",
        "schema/incidents.schema.json",
        "--rows",
        "200",
        "--seed",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    w.stdout(&[
        "validate",
        "--schema",
        "schema/incidents.schema.json",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let cells: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap()[3].to_string())
        .collect();
    assert!(cells.iter().any(|c| c.contains(';')), "{text}");
    for c in cells {
        assert!(c
            .split(';')
            .all(|i| (1..=9).contains(&i.parse::<i64>().unwrap())));
    }
}

/// A one-column table of integer lists, in a temporary directory: its schema and CSV paths.
fn integer_list_table(rows: &[Vec<i64>]) -> (tempfile::TempDir, PathBuf, Schema) {
    let dir = tempfile::tempdir().unwrap();
    let doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "n": {"type": "integer"},
            "ids": {"type": "array", "x-delimiter": "|", "items": {"type": "integer"}}
        },
        "required": ["n", "ids"]
    });
    let schema = Schema::from_value(&dir.path().join("t.schema.json"), doc).unwrap();
    let mut csv = "n,ids\n".to_string();
    for (i, r) in rows.iter().enumerate() {
        let items: Vec<String> = r.iter().map(i64::to_string).collect();
        csv.push_str(&format!("{i},{}\n", items.join("|")));
    }
    let path = dir.path().join("t.csv");
    std::fs::write(&path, csv).unwrap();
    (dir, path, schema)
}

/// The errors `validate_table` finds in a table.
fn errors(schema: &Schema, path: &Path) -> Vec<aabc::validate::report::Problem> {
    let job = aabc::validate::TableJob {
        schema,
        path,
        ctx: aabc::validate::rules::Context::today_only(),
        collect_keys: true,
    };
    let mut problems = Vec::new();
    aabc::validate::validate_table(&job, &Default::default(), &mut |p| {
        problems.push(p);
        Ok(())
    })
    .unwrap();
    problems
}

/// The Parquet export of a table's CSV, as `aabc export` writes it.
fn parquet_of(schema: &Schema, csv: impl std::io::Read + Send) -> Vec<u8> {
    let mut bytes = Vec::new();
    let options = aabc::release::export::Options::default();
    let parquet = aabc::release::export::Format::Parquet;
    aabc::release::export::export(schema, csv, "t", parquet, &options, &mut bytes).unwrap();
    bytes
}

/// The record batches of a Parquet file, read by arrow-rs.
fn batches(bytes: Vec<u8>) -> Vec<arrow::record_batch::RecordBatch> {
    parquet::arrow::arrow_reader::ParquetRecordBatchReader::try_new(bytes::Bytes::from(bytes), 8192)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The lists of column `ids` of a Parquet export of the table.
fn exported_lists(schema: &Schema, path: &Path) -> Vec<Vec<i64>> {
    use arrow::array::{Array, AsArray};
    let bytes = parquet_of(schema, std::fs::File::open(path).unwrap());
    let mut out = Vec::new();
    for batch in batches(bytes) {
        let lists = batch.column(1).as_list::<i32>();
        for r in 0..lists.len() {
            let items = lists.value(r);
            let items = items.as_primitive::<arrow::datatypes::Int64Type>();
            out.push(items.values().to_vec());
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any lists of 64-bit integers, written as cell text, validate and come back unchanged
    /// from the Parquet export.
    #[test]
    fn any_integer_lists_round_trip_through_cell_text_validation_and_arrow(
        rows in prop::collection::vec(prop::collection::vec(any::<i64>(), 1..6), 1..20)
    ) {
        let (_dir, path, schema) = integer_list_table(&rows);
        let problems = errors(&schema, &path);
        prop_assert!(problems.is_empty(), "{problems:?}");
        prop_assert_eq!(exported_lists(&schema, &path), rows);
    }

    /// The fast path answers as the whole-row validator on lists of integers, canonical or
    /// not.
    #[test]
    fn the_fast_path_agrees_on_integer_items(
        items in prop::collection::vec(
            prop_oneof![
                any::<i64>().prop_map(|n| n.to_string()),
                Just("07".to_string()), Just("+3".to_string()), Just("-0".to_string()),
                Just("".to_string()), Just("x".to_string()), Just("1.5".to_string()),
                Just("99999999999999999999".to_string()), Just("0".to_string()), Just("12".to_string()),
            ],
            1..5,
        )
    ) {
        let schema = Schema::from_value(
            Path::new("t.json"),
            json!({"properties": {"ids": {
                "type": "array", "x-delimiter": "|", "uniqueItems": true, "maxItems": 3,
                "items": {"type": "integer", "minimum": 0, "maximum": 100}
            }}}),
        )
        .unwrap();
        let fast = aabc::validate::fastpath::FastSchema::new(&schema);
        prop_assert!(fast.is_native(0));
        let cell = items.join("|");
        let cells = [cell.as_str()];
        let whole = schema
            .validator()
            .is_valid(&aabc::schema::row_object(&schema, &cells, None));
        prop_assert_eq!(fast.is_valid(&schema, &cells, &[true]), whole, "{}", cell);
    }
}

/// A table of two lists of strings with a vocabulary, one required and one that may be blank,
/// `rows` rows long: its schema and CSV, and the expected lists (`None`: blank).
#[allow(clippy::type_complexity)]
fn vocabulary_lists(
    rows: usize,
) -> (
    Schema,
    String,
    Vec<(Vec<&'static str>, Option<Vec<&'static str>>)>,
) {
    const TERMS: [&str; 5] = ["a", "b", "c", "d", "never"];
    let schema = Schema::from_value(
        Path::new("t.json"),
        json!({"properties": {
            "all": {"type": "array", "items": {"enum": TERMS}},
            "some": {"type": ["array", "null"], "items": {"type": "string", "enum": TERMS}}
        }}),
    )
    .unwrap();
    let mut csv = "all,some\n".to_string();
    let mut expected = Vec::new();
    for r in 0..rows {
        // Lists of one to four items, runs of blanks, and a term no row has.
        let all: Vec<&str> = (0..1 + r % 4).map(|k| TERMS[(r + k) % 4]).collect();
        let some = (r % 7 != 0 && r % 1000 > 20).then(|| vec![TERMS[r % 3]; 1 + r % 2]);
        csv.push_str(&format!(
            "{},{}\n",
            all.join(";"),
            some.as_ref().map_or(String::new(), |s| s.join(";"))
        ));
        expected.push((all, some));
    }
    (schema, csv, expected)
}

#[test]
fn list_vocabularies_span_pages_and_batches_and_read_back_exactly() {
    use arrow::array::{Array, AsArray};
    let rows = 45_000;
    let (schema, csv, expected) = vocabulary_lists(rows);
    let bytes = parquet_of(&schema, csv.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.parquet");
    std::fs::write(&file, &bytes).unwrap();
    let mut got = Vec::new();
    for batch in batches(bytes) {
        let lists = |c: usize| -> Vec<Option<Vec<String>>> {
            let l = batch.column(c).as_list::<i32>();
            (0..l.len())
                .map(|r| {
                    (!l.is_null(r)).then(|| {
                        let items = l.value(r);
                        let d = items.as_dictionary::<arrow::datatypes::Int32Type>();
                        let values = d.values().as_string::<i32>();
                        assert_eq!(values.len(), 5, "the whole vocabulary");
                        d.keys()
                            .iter()
                            .map(|k| values.value(k.unwrap() as usize).to_string())
                            .collect()
                    })
                })
                .collect()
        };
        got.extend(lists(0).into_iter().zip(lists(1)));
    }
    assert_eq!(got.len(), rows);
    for (r, ((all, some), (want_all, want_some))) in got.into_iter().zip(expected).enumerate() {
        assert_eq!(all.unwrap(), want_all, "row {r}");
        assert_eq!(
            some,
            want_some.map(|s| s.iter().map(|x| x.to_string()).collect()),
            "row {r}"
        );
    }
    let said = python(
        dir.path(),
        r#"
import os, pyarrow.parquet as pq
t = pq.read_table(os.environ["BUNDLE"] + "/t.parquet")
print(t.num_rows, t.column("all").combine_chunks().values.dictionary.to_pylist(), t.column("some").null_count)
"#,
    );
    let blanks = (0..rows).filter(|r| r % 7 == 0 || r % 1000 <= 20).count();
    assert_eq!(
        said.trim(),
        format!("{rows} ['a', 'b', 'c', 'd', 'never'] {blanks}")
    );
}
