use super::*;
use std::path::Path;

/// The split test agrees with whole-row validation on valid and invalid rows.
#[test]
fn agrees_with_whole_row_validation() {
    let s = Schema::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/events.schema.json"))
        .unwrap();
    let fast = FastSchema::new(&s);
    assert!(fast.is_split());
    // Vocabularies, lists, integers, dates and text alike: no column needs its sub-schema.
    for c in 0..s.columns.len() {
        assert!(fast.is_native(c), "{}", s.columns[c].name);
    }
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/dataset_refs/dataset/events.csv"),
    )
    .unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let row: csv::StringRecord = r.records().next().unwrap().unwrap();
    let base: Vec<String> = row.iter().map(str::to_string).collect();
    let all = vec![true; s.columns.len()];
    let mut cases = vec![base.clone()];
    let bad_cells: Vec<(&str, String)> = vec![
        ("event_type", "clash".into()),
        ("acled_sub_event_type", "Attack".into()),
        ("killed_total", "three".into()),
        ("date_start", "2022-02-30".into()),
        ("event_id", "X-1".into()),
        ("disputed", "yes".into()),
        ("source_ids", "".into()),
        ("place_ids", "AM".into()),
        ("place_ids", "am-goris;am-goris".into()),
        ("place_ids", "".into()),
        ("actor2_ids", "A001;".into()),
        ("mediator_ids", "a001".into()),
        ("released_am", "-1".into()),
        ("released_az", "2".into()),
        ("sector", "".into()),
        ("killed_total", "-1".into()),
        ("killed_total", "1000001".into()),
        ("killed_total", "1.5".into()),
        ("killed_total", "+3".into()),
        ("killed_total", "03".into()),
        ("killed_total", "-0".into()),
        ("killed_total", "-inf".into()),
        ("killed_total", "NaN".into()),
        ("notes", "é".repeat(401)),
        ("notes", "é".repeat(400)),
        ("date_end", "2022-9-01".into()),
        ("actor1_ids", "".into()),
        ("reported_by_ids", "A015;A016".into()),
    ];
    for (col, bad) in bad_cells {
        let mut r = base.clone();
        r[s.column_index(col).unwrap()] = bad;
        cases.push(r);
    }
    for case in cases {
        let cells: Vec<&str> = case.iter().map(String::as_str).collect();
        let whole = s
            .validator()
            .is_valid(&crate::schema::row_object(&s, &cells, None));
        assert_eq!(fast.is_valid(&s, &cells, &all), whole, "{cells:?}");
    }
}

/// A schema written with the plain keywords other datasets use (shared with the integration
/// tests), and cells that probe each.
fn plain_schema() -> Schema {
    let doc = serde_json::from_str(include_str!("../../../tests/fixtures/plain.schema.json"))
        .expect("the fixture is JSON");
    Schema::from_value(Path::new("plain.schema.json"), doc).unwrap()
}

/// Cells that sit on the edges of the plain keywords.
const PROBES: &[&str] = &[
    "",
    "AB-123",
    "AB-12",
    "ab-123",
    "AB-١٢٣",
    "xAB-123",
    "A01",
    "A01;A02",
    "A01;",
    "A1",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "2024-1-01",
    "2024-01-01T00:00:00Z",
    "2024-01-01t23:59:60z",
    "2016-12-31T23:59:60Z",
    "2016-12-31T18:59:60-05:00",
    "2016-12-31T18:59:60+05:00",
    "2024-01-01T00:00:00.5+01:00",
    "2024-01-01T00:00:00",
    "2024-01-01T00:00:00.Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00+24:00",
    "a",
    "b",
    "c d",
    "x",
    "y",
    "k",
    "K",
    "0",
    "-5",
    "-6",
    "1000",
    "1001",
    "90",
    "89.99",
    "-90.5",
    "-90.6",
    "1e2",
    "1.0",
    "0.5",
    "1",
    "03",
    "+3",
    "-0",
    "9223372036854775808",
    "é",
    "éé",
    "ééééé",
    "éééééé",
    "ab",
    "true",
    "false",
    "TRUE",
    "abc;de",
    "abc;abc",
    "a;b;c;d",
    "abcd",
    "a;;b",
    " a",
    "null",
];

/// Every probe in every column of the plain schema: the native checks answer as the whole
/// row validator does, and every column of that schema is checked natively.
#[test]
fn plain_keywords_are_checked_natively_and_agree_with_whole_row_validation() {
    let s = plain_schema();
    let fast = FastSchema::new(&s);
    assert!(fast.is_split());
    for c in 0..s.columns.len() {
        assert!(fast.is_native(c), "{}", s.columns[c].name);
    }
    let base = [
        "AB-123",
        "A01",
        "2024-02-29",
        "2024-01-01T00:00:00Z",
        "a",
        "x",
        "k",
        "7",
        "1.5",
        "1",
        "abc",
        "true",
        "ab;cd",
    ];
    let all = vec![true; s.columns.len()];
    let whole = |cells: &[&str]| {
        s.validator()
            .is_valid(&crate::schema::row_object(&s, cells, None))
    };
    assert!(whole(&base));
    let mut disagree = Vec::new();
    for c in 0..base.len() {
        for probe in PROBES {
            let mut cells = base;
            cells[c] = probe;
            if fast.is_valid(&s, &cells, &all) != whole(&cells) {
                disagree.push((s.columns[c].name.clone(), *probe));
            }
        }
    }
    assert!(disagree.is_empty(), "{disagree:?}");
}

/// The plain schema `bench/qsv_schema.py` derives from the dataset's is checked natively
/// column by column (it has no `additionalProperties: false`, enums with a type, patterns).
#[test]
fn the_derived_plain_schema_is_checked_natively() {
    let s =
        Schema::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/qsv-events.schema.json"))
            .unwrap();
    let fast = FastSchema::new(&s);
    assert!(fast.is_split());
    let not_native: Vec<&str> = (0..s.columns.len())
        .filter(|&c| !fast.is_native(c))
        .map(|c| s.columns[c].name.as_str())
        .collect();
    assert!(not_native.is_empty(), "{not_native:?}");
}

/// A boolean column with declared spellings is checked natively, and the native check accepts
/// exactly what the whole-row validator accepts: the declared spellings, not `true`.
#[test]
fn declared_boolean_spellings_are_checked_natively_and_agree() {
    let s = Schema::from_value(
        Path::new("t.json"),
        serde_json::json!({"properties": {
            "ok": {"type": ["boolean", "null"], "x-trueValues": ["True", "Y"], "x-falseValues": ["False"]},
            "plain": {"type": "boolean"}
        }}),
    )
    .unwrap();
    let fast = FastSchema::new(&s);
    assert!(fast.is_native(0) && fast.is_native(1));
    let all = [true, true];
    for (ok, valid) in [
        ("True", true),
        ("Y", true),
        ("False", true),
        ("", true),
        ("true", false),
        ("false", false),
        ("TRUE", false),
        ("N", false),
    ] {
        let cells = [ok, "true"];
        let whole = s
            .validator()
            .is_valid(&crate::schema::row_object(&s, &cells, None));
        assert_eq!(whole, valid, "{ok:?}");
        assert_eq!(fast.is_valid(&s, &cells, &all), valid, "{ok:?}");
    }
    assert!(!fast.is_valid(&s, &["True", "True"], &all));
}
