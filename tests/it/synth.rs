//! `aabc synth`, and validation and export of synthetic data at some scale: deterministic
//! files, exactly the injected problems found, Parquet that holds the same values, and
//! Hive-partitioned output.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;

fn synth(dir: &Path, name: &str, rows: u64, seed: u64, rate: &str) -> (std::path::PathBuf, String) {
    let out = dir.join(name);
    let (rows, seed) = (rows.to_string(), seed.to_string());
    let args = [
        "synth",
        "--rows",
        &rows,
        "--seed",
        &seed,
        "--invalid-rate",
        rate,
        "--out",
        out.to_str().unwrap(),
    ];
    let (_, said) = aabc_ok(&args);
    (out, said)
}

#[test]
fn synth_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = synth(dir.path(), "a.csv", 2000, 7, "0");
    let (b, _) = synth(dir.path(), "b.csv", 2000, 7, "0");
    let (c, _) = synth(dir.path(), "c.csv", 2000, 8, "0");
    let (a, b, c) = (
        std::fs::read(a).unwrap(),
        std::fs::read(b).unwrap(),
        std::fs::read(c).unwrap(),
    );
    assert!(a == b);
    assert!(a != c);
    assert_eq!(String::from_utf8(a).unwrap().lines().count(), 2001);
}

#[test]
fn synthetic_dates_fall_within_the_datasets_coverage() {
    // The range comes from dataset.json, not from the clock: the same bytes on any day, and
    // rows that the coverage check of `aabc validate` accepts.
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    let first = meta["coverage"]["start"].as_str().unwrap().to_string();
    let last = meta["coverage"]["end"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    for rows in [100, 20_000] {
        let (file, _) = synth(dir.path(), "dates.csv", rows, 3, "0");
        let mut r = csv::Reader::from_path(&file).unwrap();
        let h = r.headers().unwrap().clone();
        let cols: Vec<usize> = ["date_start", "date_end"]
            .iter()
            .map(|n| h.iter().position(|c| c == *n).unwrap())
            .collect();
        let mut seen = BTreeSet::new();
        for row in r.records() {
            let row = row.unwrap();
            for &c in &cols {
                assert!(
                    row[c] >= *first && row[c] <= *last,
                    "{rows} rows: {} outside {first}..={last}",
                    &row[c]
                );
                seen.insert(row[c][..7].to_string());
            }
        }
        // Spread over the coverage, not bunched at its start.
        if rows == 20_000 {
            assert!(seen.len() > 36, "{} months", seen.len());
        }
    }
    // A coverage of one day, the first of a month: rows of month precision, or of a few days,
    // would end after it, so they take day precision and end that day.
    let dir = tempfile::tempdir().unwrap();
    repo_copy(dir.path());
    let meta_path = dir.path().join("dataset/dataset.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["coverage"]["start"] = serde_json::json!("2024-02-01");
    meta["coverage"]["end"] = serde_json::json!("2024-02-01");
    std::fs::write(&meta_path, serde_json::to_string_pretty(&meta).unwrap()).unwrap();
    let out = dir.path().join("short.csv");
    let (code, said, err) = run(
        dir.path(),
        &[
            "synth",
            "--rows",
            "500",
            "--seed",
            "5",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{said}{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (start, end) = (at("date_start"), at("date_end"));
    for row in r.records() {
        let row = row.unwrap();
        assert!(
            &row[start] == "2024-02-01" && &row[end] == "2024-02-01",
            "{row:?}"
        );
    }
}

#[test]
fn valid_synthetic_rows_pass_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = synth(dir.path(), "ok.csv", 20_000, 1, "0");
    let (code, problems) = validate_json(&[
        "--schema",
        "schema/events.schema.json",
        file.to_str().unwrap(),
    ]);
    assert_eq!((code, problems.len()), (0, 0), "{:?}", problems.first());
}

#[test]
fn exactly_the_injected_problems_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let (file, said) = synth(dir.path(), "bad.csv", 20_000, 3, "0.02");
    // "wrote 20000 rows, N invalid (sum a, date-order b, …)"
    let invalid: usize = said
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(invalid > 300, "{said}");
    let (code, problems) = validate_json(&[
        "--schema",
        "schema/events.schema.json",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let lines: BTreeSet<u64> = problems
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines.len(), invalid, "one problem row per damaged row");
    let rules: BTreeSet<&str> = problems
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "killed-total",
        "date-order",
        "schema/oneOf",
        "schema/type",
        "primary-key",
        "trimmed",
    ] {
        assert!(rules.contains(rule), "{rule} not found in {rules:?}");
    }
}

#[test]
fn parquet_export_of_any_csv_holds_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = synth(dir.path(), "rows.csv", 70_000, 2, "0");
    let out = dir.path().join("rows.parquet");
    let run = export_with(
        "schema/events.schema.json",
        &file,
        &["--format", "parquet", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.0, 0, "{}", run.2);
    let schema = aabc::schema::Schema::load(&root().join("schema/events.schema.json")).unwrap();
    let from_parquet = aabc::release::verify::read_parquet(&out, &schema).unwrap();
    let text = std::fs::read(&file).unwrap();
    let mut rows = aabc::schema::rows::Rows::new(&schema, text.as_slice(), "rows").unwrap();
    let mut n = 0;
    while let Some(r) = rows.next_row().unwrap() {
        assert_eq!(
            aabc::schema::rows::record_object(&schema, r),
            from_parquet[n],
            "row {n}"
        );
        n += 1;
    }
    assert_eq!(n, from_parquet.len());
    // Exporting again gives the same bytes.
    let again = dir.path().join("again.parquet");
    let run = export_with(
        "schema/events.schema.json",
        &file,
        &["--format", "parquet", "--out", again.to_str().unwrap()],
    );
    assert_eq!(run.0, 0, "{}", run.2);
    assert!(std::fs::read(&out).unwrap() == std::fs::read(&again).unwrap());
}

#[test]
fn partitioned_export_writes_one_directory_per_year_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = synth(dir.path(), "rows.csv", 5_000, 4, "0");
    let out = dir.path().join("by-year");
    let partition = || {
        export_with(
            "schema/events.schema.json",
            &file,
            &[
                "--format",
                "parquet",
                "--partition-by",
                "year",
                "--out",
                out.to_str().unwrap(),
            ],
        )
    };
    let run = partition();
    assert_eq!(run.0, 0, "{}", run.2);
    let mut years: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    years.sort();
    assert_eq!(years.first().map(String::as_str), Some("year=2021"));
    let schema = aabc::schema::Schema::load(&root().join("schema/events.schema.json")).unwrap();
    let mut total = 0;
    for y in &years {
        assert!(y.starts_with("year=20"), "{y}");
        let rows =
            aabc::release::verify::read_parquet(&out.join(y).join("part-0.parquet"), &schema)
                .unwrap();
        assert!(rows
            .iter()
            .all(|r| r["date_start"].as_str().unwrap()[..4] == y[5..]));
        total += rows.len();
    }
    assert_eq!(total, 5_000);
    // A second run into the same directory is refused, and the first output is untouched.
    let run = partition();
    assert_eq!(run.0, 1);
    assert!(run.2.contains("exists and is not empty"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), years.len());
}
