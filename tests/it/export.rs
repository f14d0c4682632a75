//! Parquet dictionaries of vocabulary columns hold the whole vocabulary in codebook order (issue
//! 9, item 7): read back with the arrow-rs reader, on a table large enough for several row
//! groups and pages, on a release bundle and its year partitions; and a format 1 bundle keeps
//! arrow-rs's own dictionaries (its bytes are published).

use crate::common::*;
use arrow::array::{Array, AsArray, DictionaryArray};
use arrow::datatypes::Int32Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::HashMap;
use std::path::Path;

/// Per column: every batch's dictionary values (as they come) and the decoded values of
/// every row (`None` for blank); plus the Arrow fields' `dict_is_ordered` and the number of row
/// groups.
struct ReadBack {
    dictionaries: HashMap<String, Vec<Vec<String>>>,
    values: HashMap<String, Vec<Option<String>>>,
    ordered: HashMap<String, bool>,
    row_groups: usize,
}

fn read_back(path: &Path) -> ReadBack {
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let row_groups = builder.metadata().num_row_groups();
    let mut r = ReadBack {
        dictionaries: HashMap::new(),
        values: HashMap::new(),
        ordered: HashMap::new(),
        row_groups,
    };
    for f in builder.schema().fields() {
        if let Some(o) = f.dict_is_ordered() {
            r.ordered.insert(f.name().clone(), o);
        }
    }
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        for (f, col) in batch.schema().fields().iter().zip(batch.columns()) {
            let Some(dict) = col.as_any().downcast_ref::<DictionaryArray<Int32Type>>() else {
                continue;
            };
            let values = dict.values().as_string::<i32>();
            let terms: Vec<String> = (0..values.len())
                .map(|i| values.value(i).to_string())
                .collect();
            let rows = r.values.entry(f.name().clone()).or_default();
            for i in 0..dict.len() {
                rows.push(
                    dict.is_valid(i)
                        .then(|| terms[dict.keys().value(i) as usize].clone()),
                );
            }
            r.dictionaries
                .entry(f.name().clone())
                .or_default()
                .push(terms);
        }
    }
    r
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const TONES: usize = 20;

/// A row schema with a required vocabulary (one term without rows), a nullable one of 20
/// terms and an ordered one.
fn schema() -> serde_json::Value {
    let mut tones: Vec<serde_json::Value> = (0..TONES)
        .map(|i| serde_json::json!({"const": format!("t{i:02}"), "description": "A tone."}))
        .collect();
    tones.push(serde_json::json!({"type": "null", "description": "Not stated."}));
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:test:dictionary",
        "type": "object",
        "properties": {
            "row_id": {"type": "string", "description": "Row."},
            "kind": {"description": "Kind.", "oneOf": [
                {"const": "zeta", "description": "Z."},
                {"const": "unused", "description": "Never in the data."},
                {"const": "alpha", "description": "A."}
            ]},
            "tone": {"description": "Tone.", "oneOf": tones},
            "level": {"description": "Level.", "x-ordered": true, "oneOf": [
                {"const": "low", "description": "Low."},
                {"const": "mid", "description": "Mid."},
                {"const": "high", "description": "High."}
            ]},
            "n": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000,
                  "description": "A count.", "x-blank": "Not reported."},
            "grade": {"description": "An integer vocabulary: stays an integer column.", "oneOf": [
                {"const": 1, "description": "One."},
                {"const": 2, "description": "Two."},
                {"const": 3, "description": "Three."}
            ]}
        },
        "required": ["row_id", "kind", "tone", "level", "n", "grade"],
        "additionalProperties": false,
        "x-primaryKey": ["row_id"]
    })
}

#[test]
fn vocabulary_dictionaries_hold_the_whole_codebook_in_order_in_every_row_group_and_page() {
    let d = tempfile::tempdir().unwrap();
    let schema_path = d.path().join("t.schema.json");
    std::fs::write(&schema_path, schema().to_string()).unwrap();
    // 300,000 rows: three row groups of 128 Ki rows, pages of 20,000; runs and mixed values,
    // blanks, and only `high` in the first rows (so appearance order is not codebook order).
    let rows = 300_000usize;
    let mut csv = String::from("row_id,kind,tone,level,n,grade\n");
    let mut expected: Vec<[Option<String>; 3]> = Vec::with_capacity(rows);
    let mut x: u64 = 12345;
    for i in 0..rows {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        let kind = if (i / 1000) % 2 == 0 { "zeta" } else { "alpha" };
        let tone = match r % 7 {
            0 => None,
            1 | 2 => Some(format!("t{:02}", (i / 50) % TONES)),
            _ => Some(format!("t{:02}", (r >> 3) % (TONES - 1))),
        };
        let level = if i < 5000 {
            "high"
        } else {
            ["low", "mid", "high"][(r >> 8) % 3]
        };
        csv.push_str(&format!(
            "r{i},{kind},{},{level},{},{}\n",
            tone.as_deref().unwrap_or(""),
            i % 3,
            i % 3 + 1
        ));
        expected.push([Some(kind.into()), tone, Some(level.into())]);
    }
    let data = d.path().join("t.csv");
    std::fs::write(&data, csv).unwrap();
    let out = d.path().join("t.parquet");
    aabc_ok(&[
        "export",
        "--schema",
        schema_path.to_str().unwrap(),
        "--format",
        "parquet",
        "--out",
        out.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    let r = read_back(&out);
    assert!(r.row_groups >= 3, "{} row groups", r.row_groups);
    let tones: Vec<String> = (0..TONES).map(|i| format!("t{i:02}")).collect();
    for (name, terms) in [
        ("kind", strings(&["zeta", "unused", "alpha"])),
        ("tone", tones),
        ("level", strings(&["low", "mid", "high"])),
    ] {
        let dicts = &r.dictionaries[name];
        assert!(!dicts.is_empty());
        for dict in dicts {
            assert_eq!(dict, &terms, "{name}");
        }
    }
    assert!(r.ordered["level"]);
    assert!(!r.ordered["kind"]);
    assert!(!r.dictionaries.contains_key("grade"));
    for (c, name) in ["kind", "tone", "level"].iter().enumerate() {
        let got = &r.values[*name];
        assert_eq!(got.len(), rows, "{name}");
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, &e[c], "{name}, row {i}");
        }
    }
    // Min/max statistics of the vocabulary columns are those of the values present (byte
    // order), for readers that skip row groups by them.
    let file = std::fs::File::open(&out).unwrap();
    let meta = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .metadata()
        .clone();
    let kind = meta.row_group(0).column(1).statistics().unwrap();
    assert_eq!(kind.min_bytes_opt(), Some("alpha".as_bytes()));
    assert_eq!(kind.max_bytes_opt(), Some("zeta".as_bytes()));
    assert_eq!(
        meta.row_group(0)
            .column(2)
            .statistics()
            .unwrap()
            .null_count_opt(),
        Some(
            expected[..128 * 1024]
                .iter()
                .filter(|e| e[1].is_none())
                .count() as u64
        )
    );
    // The same rows give the same bytes.
    let again = d.path().join("again.parquet");
    aabc_ok(&[
        "export",
        "--schema",
        schema_path.to_str().unwrap(),
        "--format",
        "parquet",
        "--out",
        again.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

/// The geo fixture (release format 2): an event type without rows.
fn geo_bundle(d: &Path) -> std::path::PathBuf {
    copy_tree(&root().join("tests/fixtures/geo"), d);
    let (code, out, err) = run(d, &["release", "--out", d.join("dist").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    d.join("dist/geo-fixture-2.0.0")
}

const EVENT_TYPES: [&str; 5] = [
    "armed_clash",
    "shelling",
    "incursion",
    "prisoner_release",
    "statement",
];

#[test]
fn a_format_2_bundle_and_its_year_partitions_carry_every_category_in_their_dictionaries() {
    let d = tempfile::tempdir().unwrap();
    let b = geo_bundle(d.path());
    let r = read_back(&b.join("events.parquet"));
    assert_eq!(r.dictionaries["event_type"], vec![strings(&EVENT_TYPES)]);
    assert_eq!(
        r.dictionaries["date_precision"],
        vec![strings(&["day", "month", "year"])]
    );
    assert!(r.ordered["date_precision"]);
    // The convenience column `country` (a nullable vocabulary of places) too.
    assert_eq!(r.dictionaries["country"], vec![strings(&["AM", "AZ"])]);
    let csv = std::fs::read_to_string(b.join("events.csv")).unwrap();
    let types: Vec<Option<String>> = csv
        .lines()
        .skip(1)
        .map(|l| Some(l.split(',').nth(3).unwrap().to_string()))
        .collect();
    assert_eq!(r.values["event_type"], types);
    // So the README reads categoricals without lines that restore the categories.
    let readme = std::fs::read_to_string(b.join("README.md")).unwrap();
    assert!(!readme.contains("set_categories"), "{readme}");
    assert!(readme
        .contains("events = pq.read_table(\"events.parquet\").to_pandas(date_as_object=False)"));
    let parts = d.path().join("by-year");
    let (code, _, err) = run(
        d.path(),
        &[
            "export",
            "--format",
            "parquet",
            "--partition-by",
            "year",
            "--out",
            parts.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    for year in ["2021", "2022"] {
        let r = read_back(&parts.join(format!("year={year}/part-0.parquet")));
        assert_eq!(
            r.dictionaries["event_type"],
            vec![strings(&EVENT_TYPES)],
            "{year}"
        );
    }
}

#[test]
fn a_format_1_bundle_keeps_the_dictionaries_of_its_published_layout() {
    let d = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/geo"), d.path());
    let meta = d.path().join("dataset/dataset.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace("\"release_format\": 2", "\"release_format\": 1"),
    )
    .unwrap();
    let (code, out, err) = run(
        d.path(),
        &["release", "--out", d.path().join("dist").to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}{err}");
    let r = read_back(&d.path().join("dist/geo-fixture-2.0.0/events.parquet"));
    // Only the values present, in order of appearance, as 1.x bundles were written.
    let dict = &r.dictionaries["event_type"][0];
    assert!(!dict.contains(&"prisoner_release".to_string()), "{dict:?}");
}
