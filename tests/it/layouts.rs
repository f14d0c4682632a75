//! The tables in other datasets' layouts (release format 6): `events.acled.csv` and
//! `events.ucdp.csv` in the shipped dataset's bundle, read by pandas and appended to frames
//! typed as ACLED and UCDP type their data; `aabc export --layout`; a dataset that declares
//! none; a declaration the language cannot express.

use crate::common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const ACLED: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

const UCDP: &[&str] = &[
    "id",
    "year",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "source_article",
];

/// A copy of the repository's dataset whose version 3.1.0 has a dated changelog section, and
/// its bundle, built once for the module.
fn released() -> &'static (tempfile::TempDir, PathBuf) {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        dated_copy(d);
        let dist = d.join("dist");
        let (code, out, err) = run(d, &["release", "--out", dist.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}{err}");
        let bundle = dist.join("aabc-events-3.1.0");
        (dir, bundle)
    })
}

/// A copy of the repository's dataset, with a dated changelog section for its version when it
/// has none yet.
fn dated_copy(d: &Path) {
    repo_copy(d);
    let log = std::fs::read_to_string(d.join("CHANGELOG.md")).unwrap();
    if !log.contains("## [3.1.0] - ") {
        set_version(d, "3.1.0");
    }
}

fn bundle() -> &'static Path {
    &released().1
}

#[test]
fn both_layouts_keep_their_columns_in_order() {
    let (acled, rows) = read_csv(&bundle().join("events.acled.csv"));
    assert_eq!(acled, ACLED);
    assert!(!rows.is_empty());
    let (ucdp, rows) = read_csv(&bundle().join("events.ucdp.csv"));
    let mut with_id = UCDP.to_vec();
    with_id.push("aabc_event_id");
    assert_eq!(ucdp, with_id);
    // Every row finds its AABC row, and UCDP's integer id is the number of that id.
    for r in &rows {
        let n: u64 = r[28].trim_start_matches("AABC-").parse().unwrap();
        assert_eq!(r[0], n.to_string());
    }
}

#[test]
fn pandas_appends_each_layout_to_a_typed_frame_and_keeps_the_types() {
    let python = require_tool("the pinned readers' Python", ".venv/bin/python");
    let script = r#"
import sys
import pandas as pd

def frame(types, row):
    return pd.DataFrame({c: pd.Series([row.get(c)], dtype=t) for c, t in types.items()})

def check(path, types, row, dates):
    typed = frame(types, row)
    merged = pd.concat([typed, pd.read_csv(path, parse_dates=dates)], ignore_index=True)
    for c, t in types.items():
        if t != "str":
            assert str(merged[c].dtype) == str(typed[c].dtype), (path, c, merged[c].dtype, typed[c].dtype)
    assert list(merged.columns[: len(types)]) == list(types), path
    print(path.rsplit("/", 1)[-1], len(merged) - 1, "rows appended")

I, F, D, S = "int64", "float64", "datetime64[ns]", "str"
acled = dict(event_id_cnty=S, event_date=D, year=I, time_precision=I, disorder_type=S,
    event_type=S, sub_event_type=S, actor1=S, assoc_actor_1=S, inter1=I, actor2=S,
    assoc_actor_2=S, inter2=I, interaction=I, civilian_targeting=S, iso=I, region=S,
    country=S, admin1=S, admin2=S, admin3=S, location=S, latitude=F, longitude=F,
    geo_precision=I, source=S, source_scale=S, notes=S, fatalities=I, tags=S, timestamp=I)
check(sys.argv[1], acled, dict(event_id_cnty="ARM1", event_date=pd.Timestamp("2022-09-13"),
    year=2022, time_precision=1, inter1=1, inter2=8, interaction=18, iso=51, latitude=39.2,
    longitude=46.4, geo_precision=1, fatalities=0, timestamp=1663200000), ["event_date"])
ucdp = dict(id=I, year=I, type_of_violence=I, side_a=S, side_b=S, where_prec=I,
    where_coordinates=S, adm_1=S, adm_2=S, latitude=F, longitude=F, geom_wkt=S,
    priogrid_gid=I, country=S, country_id=I, region=S, event_clarity=I, date_prec=I,
    date_start=D, date_end=D, deaths_a=I, deaths_b=I, deaths_civilians=I, deaths_unknown=I,
    best=I, high=I, low=I, source_article=S)
check(sys.argv[2], ucdp, dict(id=1, year=2022, type_of_violence=1, where_prec=1,
    latitude=39.2, longitude=46.4, priogrid_gid=187653, country_id=373, event_clarity=1,
    date_prec=1, date_start=pd.Timestamp("2022-09-13"), date_end=pd.Timestamp("2022-09-14"),
    deaths_a=1, deaths_b=2, deaths_civilians=0, deaths_unknown=0, best=3, high=3, low=3),
    ["date_start", "date_end"])
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(bundle().join("events.acled.csv"))
        .arg(bundle().join("events.ucdp.csv"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("events.acled.csv"), "{said}");
    assert!(said.contains("events.ucdp.csv"), "{said}");
}

#[test]
fn interaction_puts_the_lower_code_first() {
    let (h, rows) = read_csv(&bundle().join("events.acled.csv"));
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (i1, i2, i) = (at("inter1"), at("inter2"), at("interaction"));
    let mut mixed = 0;
    for r in &rows {
        let (a, b): (u8, u8) = (r[i1].parse().unwrap(), r[i2].parse().unwrap());
        let want = if b == 0 {
            format!("{a}0")
        } else {
            format!("{}{}", a.min(b), a.max(b))
        };
        assert_eq!(r[i], want, "{r:?}");
        mixed += usize::from(a > b && b != 0);
    }
    // Some row names the higher code first, so the order is really tested.
    assert!(mixed > 0 || rows.iter().any(|r| r[i2] == "0"));
}

#[test]
fn ucdp_deaths_add_up_to_best_between_low_and_high() {
    let (h, rows) = read_csv(&bundle().join("events.ucdp.csv"));
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    for r in &rows {
        let n = |c: &str| -> i64 { r[at(c)].parse().unwrap() };
        let parts = n("deaths_a") + n("deaths_b") + n("deaths_civilians") + n("deaths_unknown");
        assert_eq!(parts, n("best"), "{r:?}");
        assert!(n("low") <= n("best") && n("best") <= n("high"), "{r:?}");
        assert!(n("best") >= 1, "GED rows have a death: {r:?}");
        assert!(["1", "2", "3"].contains(&r[at("type_of_violence")].as_str()));
        assert!((1..=7).contains(&n("where_prec")));
        assert!((1..=5).contains(&n("date_prec")));
    }
}

#[test]
fn the_bundle_lists_describes_and_sums_the_layouts() {
    let b = bundle();
    let sums = std::fs::read_to_string(b.join("SHA256SUMS")).unwrap();
    let readme = std::fs::read_to_string(b.join("README.md")).unwrap();
    let package: Value =
        serde_json::from_str(&std::fs::read_to_string(b.join("datapackage.json")).unwrap())
            .unwrap();
    let events = read_csv(&b.join("events.csv")).1.len();
    for (file, columns) in [
        ("events.acled.csv", ACLED.len()),
        ("events.ucdp.csv", UCDP.len() + 1),
    ] {
        assert!(
            sums.contains(&format!("  {file}\n")),
            "{file} not in SHA256SUMS"
        );
        let r = package["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["path"] == file)
            .unwrap_or_else(|| panic!("{file} not in datapackage.json"));
        assert_eq!(r["schema"]["fields"].as_array().unwrap().len(), columns);
        assert!(
            readme.contains(&format!("| `{file}` |")),
            "{file} not in the file list"
        );
        let kept = read_csv(&b.join(file)).1.len();
        let section = readme
            .split(&format!("### `{file}`"))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {file}"));
        assert!(
            section.contains(&format!(
                "{kept} rows of `events`. {} left out.",
                events - kept
            )),
            "{file}: {}",
            &section[..300]
        );
    }
    // The loss table says what each column loses, the left-out rows are named.
    assert!(readme.contains("| `admin3` | string | lost | AABC records no third-level division. |"));
    assert!(readme.contains("UCDP GED records only organised violence with at least one death"));
    assert!(readme.contains("Left out: `AABC-0001`"));
}

#[test]
fn export_layout_writes_the_bundles_table_from_the_dataset_or_the_bundle() {
    let (dir, b) = released();
    let out = dir.path().join("ucdp.csv");
    for root in [dir.path(), b.as_path()] {
        let (code, said, err) = run(
            root,
            &["export", "--layout", "ucdp", "--out", out.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{said}{err}");
        assert!(err.contains("rows in UCDP GED's layout"), "{err}");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(b.join("events.ucdp.csv")).unwrap()
        );
    }
}

/// A copy of the repository's dataset at release format 6 whose metadata `change`s.
fn edited(change: impl FnOnce(&mut Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dated_copy(d);
    let meta = d.join("dataset/dataset.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    change(&mut v);
    std::fs::write(&meta, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    dir
}

#[test]
fn a_dataset_without_layouts_writes_none_and_export_layout_says_so() {
    let dir = edited(|v| {
        v.as_object_mut().unwrap().remove("layouts");
    });
    let d = dir.path();
    // Other metadata than the published 3.1.0's: another version.
    set_version(d, "4.0.0");
    let out = d.join("acled.csv");
    let (code, _, err) = run(
        d,
        &[
            "export",
            "--layout",
            "acled",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no layout \"acled\" in the dataset, whose metadata declares no \"layouts\""),
        "{err}"
    );
    assert!(!out.exists());
    let dist = d.join("dist");
    let (code, said, err) = run(d, &["release", "--out", dist.to_str().unwrap()]);
    assert_eq!(code, 0, "{said}{err}");
    let bundle = dist.join("aabc-events-4.0.0");
    assert!(bundle.join("events.csv").exists());
    assert!(!bundle.join("events.acled.csv").exists());
    let readme = std::fs::read_to_string(bundle.join("README.md")).unwrap();
    assert!(!readme.contains("Other datasets' layouts"));
}

#[test]
fn a_declaration_the_language_cannot_express_is_refused_with_its_path() {
    let dir = edited(|v| {
        v["layouts"]["acled"]["columns"][3] = json!({"name": "time_precision", "type": "integer", "fidelity": "exact", "fn": "median", "args": ["date_start"]});
    });
    let (code, _, err) = run(dir.path(), &["validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("layouts.acled.columns[3].fn \"median\" is not a function of the language"),
        "{err}"
    );
    // A name the typed rows do not have is refused when the layout is resolved.
    let dir = edited(|v| {
        v["layouts"]["ucdp"]["columns"][1]["args"] = json!(["date_begun"]);
    });
    let out = dir.path().join("u.csv");
    let (code, _, err) = run(
        dir.path(),
        &["export", "--layout", "ucdp", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "layouts.ucdp.columns[1].args[0]: \"date_begun\" is not a column of the typed rows"
        ),
        "{err}"
    );
}

#[test]
fn an_integer_column_that_gets_text_is_refused_naming_the_row() {
    let dir = edited(|v| {
        v["layouts"]["acled"]["columns"][2] =
            json!({"name": "year", "type": "integer", "fidelity": "exact", "column": "date_start"});
    });
    let out = dir.path().join("a.csv");
    let (code, _, err) = run(
        dir.path(),
        &[
            "export",
            "--layout",
            "acled",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("layouts.acled.columns[2] (\"year\"): row \"AABC-0005\" gives \"2021-05-01\", which is not an integer"),
        "{err}"
    );
}

#[test]
fn typed_exports_carry_where_prec_and_the_priogrid_cell_after_geo_precision() {
    let text = std::fs::read_to_string(bundle().join("events.jsonl")).unwrap();
    let mut with_point = 0;
    for line in text.lines() {
        let row: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
        let keys: Vec<&str> = row.keys().map(String::as_str).collect();
        let at = keys.iter().position(|k| *k == "geo_precision").unwrap();
        assert_eq!(keys[at + 1..at + 3], ["where_prec", "priogrid_gid"]);
        match (row["latitude"].as_f64(), row["longitude"].as_f64()) {
            (Some(lat), Some(lon)) => {
                with_point += 1;
                let row_ = ((lat + 90.0) * 2.0).floor() as i64;
                let col = ((lon + 180.0) * 2.0).floor() as i64;
                assert_eq!(row["priogrid_gid"].as_i64(), Some(row_ * 720 + col + 1));
                let w = row["where_prec"].as_i64().unwrap();
                assert!((1..=6).contains(&w), "{line}");
                // Never more precise than what the point stands for.
                let geo = row["geo_precision"].as_i64().unwrap();
                assert!(w >= [0, 1, 2, 4][geo as usize], "{line}");
            }
            _ => assert!(row["priogrid_gid"].is_null(), "{line}"),
        }
    }
    assert!(with_point > 0);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(bundle().join("schema/events.expanded.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        schema["properties"]["priogrid_gid"]["type"],
        json!(["integer", "null"])
    );
    // `aabc export` of the dataset writes the same typed rows as the bundle.
    let (dir, b) = released();
    let out = dir.path().join("events.jsonl");
    let (code, said, err) = run(
        dir.path(),
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{said}{err}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(b.join("events.jsonl")).unwrap()
    );
}

#[test]
fn a_hostile_layout_name_or_output_folder_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dated_copy(d);
    // A name that climbs out of the repository is only a name: no such layout.
    let out = d.join("x.csv");
    let (code, _, err) = run(
        d,
        &[
            "export",
            "--layout",
            "../etc",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no layout \"../etc\" in the dataset (it declares acled, ucdp)"),
        "{err}"
    );
    assert!(!out.exists());
    // An option-looking name is refused by the argument parser, not taken for a layout.
    let (code, _, err) = run(
        d,
        &["export", "--layout", "-x", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unexpected argument '-x'"), "{err}");
    // An output folder that does not exist: named, and nothing is left behind.
    let missing = d.join("missing");
    let (code, _, err) = run(
        d,
        &[
            "export",
            "--layout",
            "acled",
            "--out",
            missing.join("a.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing"), "{err}");
    assert!(!missing.exists());
}
