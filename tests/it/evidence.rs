//! `aabc validate` on evidence and claims: a small dataset built here (two events, their
//! quotes from a pinned article, their claims) that passes, and one change at a time that
//! must fail at the cell it breaks: a figure changed without its evidence, a quote changed by
//! one character, a date no quote names, a pinned text that changed.

use crate::workdir::Workdir;
use serde_json::{json, Value};

pub const ARTICLE: &str = "= Tiny article =\n\nIntro line.\n\n==May 2021==\n\nOn 12 May 2021, eleven soldiers were killed near the border, and\nat least 49 civilians were wounded.\n\n==June 2021==\n\nOn 3 June 2021 the Ministry of Defence said 149 people fled;\n2 soldiers died and 3 more died later.\n";

pub const EVENTS: &str = "event_id,date_start,date_end,killed_a,killed_b,killed_total,wounded\n\
EV-1,2021-05-12,2021-05-12,11,,11,49\n\
EV-2,2021-06-03,2021-06-04,2,3,5,\n";

pub const EVIDENCE: &str = "evidence_id,event_id,document,columns,claimant_ids,quote\n\
E0001,EV-1,article,date_start;killed_a,,\"On 12 May 2021, eleven soldiers were killed\"\n\
E0002,EV-1,article,wounded,,at least 49 civilians were wounded\n\
E0003,EV-2,article,date_start;date_end,A1,On 3 June 2021 the Ministry of Defence said\n\
E0004,EV-2,article,killed_a;killed_b,A1,2 soldiers died and 3 more died later\n";

pub const CLAIMS: &str = "claim_id,event_id,column,claimant_id,value,qualifier,evidence_id\n\
C0001,EV-1,killed_a,,11,exact,E0001\n\
C0002,EV-1,wounded,,49,at_least,E0002\n\
C0003,EV-2,killed_a,A1,2,exact,E0004\n\
C0004,EV-2,killed_b,A1,3,exact,E0004\n";

fn string() -> Value {
    json!({"type": "string"})
}

fn count() -> Value {
    json!({"type": ["integer", "null"], "minimum": 0})
}

fn list() -> Value {
    json!({"type": ["array", "null"], "x-delimiter": ";", "items": {"type": "string"}})
}

fn schema(id: &str, properties: Value, extra: Value) -> Value {
    let mut s = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:tiny:{id}"),
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    let names: Vec<Value> = s["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| json!(k))
        .collect();
    s["required"] = Value::Array(names);
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    s
}

fn fk(field: &str, resource: &str, key: &str) -> Value {
    json!({"fields": field, "reference": {"resource": resource, "fields": key}})
}

fn schemas() -> Vec<(&'static str, Value)> {
    let date = json!({"type": "string", "format": "date"});
    let events = schema(
        "events",
        json!({"event_id": string(), "date_start": date, "date_end": date,
               "killed_a": count(), "killed_b": count(), "killed_total": count(),
               "wounded": count()}),
        json!({"x-primaryKey": ["event_id"], "x-rules": [
            {"id": "killed-total", "rule": "sum", "total": "killed_total",
             "parts": ["killed_a", "killed_b"]}]}),
    );
    let actors = schema(
        "actors",
        json!({"actor_id": string(), "name": string()}),
        json!({"x-primaryKey": ["actor_id"]}),
    );
    // Typed exports show each claimant's name; `aabc trace` does too.
    let mut claimants = fk("claimant_ids", "actors", "actor_id");
    claimants["expand"] = json!([{"field": "name", "as": "claimant"}]);
    let evidence = schema(
        "evidence",
        json!({"evidence_id": string(), "event_id": string(), "document": string(),
               "columns": {"type": "array", "x-delimiter": ";", "items": {"type": "string"}},
               "claimant_ids": list(), "quote": string()}),
        json!({"x-primaryKey": ["evidence_id"], "x-foreignKeys": [
            fk("event_id", "events", "event_id"), claimants]}),
    );
    let claims = schema(
        "claims",
        json!({"claim_id": string(), "event_id": string(), "column": string(),
               "claimant_id": {"type": ["string", "null"]}, "value": {"type": "integer"},
               "qualifier": string(), "evidence_id": string()}),
        json!({"x-primaryKey": ["claim_id"], "x-foreignKeys": [
            fk("event_id", "events", "event_id"), fk("claimant_id", "actors", "actor_id"),
            fk("evidence_id", "evidence", "evidence_id")]}),
    );
    vec![
        ("events", events),
        ("actors", actors),
        ("evidence", evidence),
        ("claims", claims),
    ]
}

/// The SHA-256 of `text`, as the metadata pins it.
pub fn sha(text: &str) -> String {
    aabc::release::checksum::sha256_hex(text.as_bytes())
}

/// The metadata of the small dataset: one pinned article, evidence and claims blocks.
pub fn metadata() -> Value {
    let resources: Vec<Value> = ["events", "actors", "evidence", "claims"]
        .iter()
        .map(|n| json!({"name": n, "path": format!("{n}.csv"), "schema": format!("../schema/{n}.schema.json")}))
        .collect();
    json!({
        "name": "tiny",
        "title": "Tiny",
        "version": "0.1.0",
        "description": "Two events and their quotes.",
        "licenses": [{"name": "CC-BY-4.0"}],
        "coverage": {"start": null, "end": null},
        "creators": [{"name": "Tiny maintainers"}],
        "resources": resources,
        "sources": [{
            "title": "Tiny article", "name": "article",
            "text": {"path": "texts/article.txt", "sha256": sha(ARTICLE), "version": 1,
                     "heading": "^=+ *(.+?) *=+$"}
        }],
        "evidence": {
            "table": "evidence", "of": "events", "key": "event_id", "document": "document",
            "columns": "columns", "quote": "quote", "claimant": "claimant_ids",
            "figures": ["killed_a", "killed_b", "killed_total", "wounded"],
            "dates": ["date_start", "date_end"]
        },
        "claims": {
            "table": "claims", "of": "events", "key": "event_id", "column": "column",
            "value": "value", "qualifier": "qualifier", "claimant": "claimant_id",
            "evidence": "evidence_id", "best_estimate": "the lowest claim",
            "bounds": ["killed_a", "killed_b"]
        },
        "release_format": 5
    })
}

/// The small dataset, valid, in a new workdir.
pub fn tiny(name: &str) -> Workdir {
    let w = Workdir::new(name).env("AABC_TODAY", "2026-12-06");
    for (n, s) in schemas() {
        w.create(
            &format!("schema/{n}.schema.json"),
            serde_json::to_string_pretty(&s).unwrap(),
        );
    }
    write_metadata(&w, &metadata());
    w.create("dataset/texts/article.txt", ARTICLE);
    w.create("dataset/events.csv", EVENTS);
    w.create(
        "dataset/actors.csv",
        "actor_id,name\nA1,Ministry of Defence\n",
    );
    w.create("dataset/evidence.csv", EVIDENCE);
    w.create("dataset/claims.csv", CLAIMS);
    w.create(
        "CHANGELOG.md",
        "# Changelog\n\n## [0.1.0] - 2026-12-01\n\n### Added\n- Two events.\n",
    );
    w
}

pub fn write_metadata(w: &Workdir, meta: &Value) {
    w.create(
        "dataset/dataset.json",
        serde_json::to_string_pretty(meta).unwrap(),
    );
}

/// Replaces `from` by `to` in the file `rel` (which must hold it).
pub fn edit(w: &Workdir, rel: &str, from: &str, to: &str) {
    let text = w.read(rel);
    assert!(text.contains(from), "{rel} lacks {from:?}");
    w.create(rel, text.replacen(from, to, 1));
}

/// The errors `aabc validate --format json` reports, as (rule, file, line, field).
fn errors(w: &Workdir) -> Vec<(String, String, u64, String)> {
    let (code, out, err) = w.output(&["validate", "--format", "json"]);
    let found: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let errors: Vec<_> = found
        .iter()
        .filter(|p| p["severity"] == "error")
        .map(|p| {
            (
                p["rule"].as_str().unwrap().to_string(),
                p["file"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(code, i32::from(!errors.is_empty()), "{out}{err}");
    errors
}

fn error(rule: &str, file: &str, line: u64, field: &str) -> (String, String, u64, String) {
    (rule.into(), file.into(), line, field.into())
}

#[test]
fn a_valid_evidence_set_passes() {
    // "eleven" states 11, "at least 49" states 49, and killed_total (the sum of its parts)
    // needs no quote of its own.
    let w = tiny("evidence-valid");
    assert_eq!(errors(&w), []);
}

#[test]
fn a_figure_changed_without_its_evidence_fails_at_the_figure() {
    let w = tiny("evidence-figure");
    edit(&w, "dataset/events.csv", "11,,11,49", "11,,11,50");
    assert_eq!(
        errors(&w),
        [
            error("evidence-figure", "dataset/events.csv", 2, "wounded"),
            error("claim-value", "dataset/events.csv", 2, "wounded"),
        ]
    );
}

#[test]
fn a_figure_is_not_found_inside_a_longer_number() {
    // The quote says 149 (people fled), not 49.
    let w = tiny("evidence-149");
    edit(
        &w,
        "dataset/evidence.csv",
        "at least 49 civilians were wounded",
        "the Ministry of Defence said 149 people fled",
    );
    let found = errors(&w);
    assert!(found.contains(&error(
        "evidence-figure",
        "dataset/events.csv",
        2,
        "wounded"
    )));
    assert!(found.contains(&error(
        "claim-evidence",
        "dataset/claims.csv",
        3,
        "evidence_id"
    )));
}

#[test]
fn a_quote_changed_by_one_character_fails_at_the_quote() {
    let w = tiny("evidence-quote");
    edit(
        &w,
        "dataset/evidence.csv",
        "soldiers were killed",
        "soldiers wera killed",
    );
    let (_, out, _) = w.output(&["validate"]);
    assert_eq!(
        errors(&w),
        [error("evidence-quote", "dataset/evidence.csv", 2, "quote")]
    );
    assert!(out.contains("first 35 characters do"), "{out}");
}

#[test]
fn white_space_in_a_quote_may_differ_from_the_text() {
    let w = tiny("evidence-spacing");
    edit(
        &w,
        "dataset/evidence.csv",
        "at least 49 civilians were wounded",
        "\"border, and   at least 49\ncivilians were wounded\"",
    );
    assert_eq!(errors(&w), []);
}

#[test]
fn a_quote_not_in_the_source_fails() {
    let w = tiny("evidence-absent");
    edit(
        &w,
        "dataset/evidence.csv",
        "2 soldiers died and 3 more died later",
        "2 soldiers died and 3 more were never found",
    );
    assert_eq!(
        errors(&w),
        [error("evidence-quote", "dataset/evidence.csv", 5, "quote")]
    );
}

#[test]
fn a_date_no_quote_names_fails_at_the_date() {
    let w = tiny("evidence-date");
    edit(
        &w,
        "dataset/evidence.csv",
        "date_start;date_end",
        "date_start",
    );
    edit(
        &w,
        "dataset/evidence.csv",
        "date_start;killed_a",
        "killed_a",
    );
    assert_eq!(
        errors(&w),
        [
            error("evidence-date", "dataset/events.csv", 2, "date_start"),
            error("evidence-date", "dataset/events.csv", 3, "date_end"),
        ]
    );
}

#[test]
fn a_total_that_is_not_the_sum_of_its_parts_needs_its_own_quote() {
    let w = tiny("evidence-total");
    // Parts unknown, total given: the total is a figure of its own.
    edit(&w, "dataset/events.csv", "2,3,5,", ",,5,");
    edit(
        &w,
        "dataset/claims.csv",
        "C0003,EV-2,killed_a,A1,2,exact,E0004\nC0004,EV-2,killed_b,A1,3,exact,E0004\n",
        "",
    );
    let found = errors(&w);
    assert!(found.contains(&error(
        "evidence-figure",
        "dataset/events.csv",
        3,
        "killed_total"
    )));
    assert!(found.contains(&error(
        "claim-value",
        "dataset/events.csv",
        3,
        "killed_total"
    )));
}

#[test]
fn a_claim_must_cite_a_quote_of_its_row_that_states_it() {
    let w = tiny("evidence-claims");
    edit(
        &w,
        "dataset/claims.csv",
        "C0001,EV-1,killed_a,,11,exact,E0001",
        "C0001,EV-1,killed_a,,11,exact,E0004",
    );
    edit(
        &w,
        "dataset/claims.csv",
        "C0004,EV-2,killed_b,A1,3,exact,E0004",
        "C0004,EV-2,killed_b,A1,3,exact,E0003",
    );
    let found = errors(&w);
    assert_eq!(
        found,
        [
            error("claim-evidence", "dataset/claims.csv", 2, "evidence_id"),
            error("claim-evidence", "dataset/claims.csv", 5, "evidence_id"),
        ]
    );
}

#[test]
fn unknown_documents_and_columns_fail_at_their_cells() {
    let w = tiny("evidence-names");
    edit(
        &w,
        "dataset/evidence.csv",
        "E0002,EV-1,article,wounded",
        "E0002,EV-1,articel,wounded;wounded_x",
    );
    let found = errors(&w);
    assert!(found.contains(&error(
        "evidence-document",
        "dataset/evidence.csv",
        3,
        "document"
    )));
    assert!(found.contains(&error(
        "evidence-column",
        "dataset/evidence.csv",
        3,
        "columns"
    )));
}

#[test]
fn a_pinned_text_that_changed_fails_at_the_metadata() {
    let w = tiny("evidence-sha");
    w.create(
        "dataset/texts/article.txt",
        ARTICLE.replace("Intro", "Intro."),
    );
    let found = errors(&w);
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, file, line, field) = &found[0];
    assert_eq!(
        (rule.as_str(), file.as_str(), field.as_str()),
        (
            "evidence-text",
            "dataset/dataset.json",
            "sources[0].text.sha256"
        )
    );
    assert!(*line > 1);
    let (_, out, _) = w.output(&["validate"]);
    assert!(out.contains("raise \"version\""), "{out}");
}

#[test]
fn a_changed_text_is_reported_even_when_a_table_is_not_well_formed() {
    let w = tiny("evidence-sha-fault");
    w.create(
        "dataset/texts/article.txt",
        ARTICLE.replace("Intro", "Intro."),
    );
    edit(&w, "dataset/events.csv", "EV-2,", "\"EV-2,");
    let rules: Vec<String> = errors(&w).into_iter().map(|e| e.0).collect();
    assert!(rules.contains(&"evidence-text".to_string()), "{rules:?}");
    assert!(!rules
        .iter()
        .any(|r| r.starts_with("evidence-") && r != "evidence-text"));
}

#[test]
fn a_missing_or_non_utf8_pinned_text_fails_at_the_metadata() {
    let w = tiny("evidence-missing");
    std::fs::remove_file(w.join("dataset/texts/article.txt")).unwrap();
    let found = errors(&w);
    assert_eq!(found[0].0, "evidence-text");
    assert_eq!(found[0].3, "sources[0].text.path");
    w.create("dataset/texts/article.txt", b"caf\xe9\n");
    assert_eq!(errors(&w)[0].0, "evidence-text");
}

#[cfg(unix)]
#[test]
fn a_pinned_text_that_is_a_pipe_is_reported_not_read() {
    // Reading a FIFO would wait for a writer forever: validate and trace must not open it.
    let w = tiny("evidence-fifo");
    let text = w.join("dataset/texts/article.txt");
    std::fs::remove_file(&text).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&text)
        .status()
        .unwrap();
    assert!(made.success());
    let found = errors(&w);
    assert_eq!(found[0].0, "evidence-text");
    assert_eq!(found[0].3, "sources[0].text.path");
}

#[test]
fn a_pinned_text_path_may_not_climb_out_of_the_repository() {
    let w = tiny("evidence-outside");
    let mut meta = metadata();
    meta["sources"][0]["text"]["path"] = json!("../../../etc/hostname");
    write_metadata(&w, &meta);
    let err = w.assert_err(&["validate"], 2);
    assert!(err.contains("climbs out"), "{err}");
}

#[test]
fn each_quote_is_checked_against_its_own_document() {
    let w = tiny("evidence-two");
    let notes = "Field notes.\nThe patrol counted 11 dead.\n";
    w.create("dataset/texts/notes.txt", notes);
    let mut meta = metadata();
    let second = json!({"title": "Field notes", "name": "notes",
        "text": {"path": "texts/notes.txt", "sha256": sha(notes), "version": 1}});
    meta["sources"].as_array_mut().unwrap().push(second);
    write_metadata(&w, &meta);
    let row = "E0005,EV-1,notes,killed_a,,The patrol counted 11 dead.\n";
    w.create("dataset/evidence.csv", format!("{EVIDENCE}{row}"));
    assert_eq!(errors(&w), []);
    // The same passage named as the article's is not in the article.
    edit(
        &w,
        "dataset/evidence.csv",
        "E0005,EV-1,notes",
        "E0005,EV-1,article",
    );
    assert_eq!(
        errors(&w),
        [error("evidence-quote", "dataset/evidence.csv", 6, "quote")]
    );
    // And a passage of the article named as the notes' is not in the notes.
    edit(
        &w,
        "dataset/evidence.csv",
        "E0001,EV-1,article",
        "E0001,EV-1,notes",
    );
    assert!(errors(&w).contains(&error("evidence-quote", "dataset/evidence.csv", 2, "quote")));
}

#[test]
fn every_output_format_carries_the_evidence_problems() {
    let w = tiny("evidence-formats");
    edit(
        &w,
        "dataset/evidence.csv",
        "eleven soldiers",
        "elevan soldiers",
    );
    let (code, out, _) = w.output(&["validate", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("file=dataset/evidence.csv,line=2") && out.contains("evidence-quote"),
        "{out}"
    );
    let (code, out, _) = w.output(&["validate", "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(out.contains("evidence-quote"), "{out}");
    let (code, out, _) = w.output(&["validate"]);
    assert_eq!(code, 1);
    assert!(out.contains("dataset/evidence.csv:2:"), "{out}");
}

#[test]
fn an_evidence_block_naming_what_the_dataset_lacks_cannot_run() {
    let w = tiny("evidence-block");
    let mut meta = metadata();
    meta["evidence"]["figures"] = json!(["killed_a", "killed_c"]);
    write_metadata(&w, &meta);
    let err = w.assert_err(&["validate"], 2);
    assert!(err.contains("\"killed_c\" of table \"events\""), "{err}");
    meta["evidence"]["table"] = json!("quotes");
    write_metadata(&w, &meta);
    let err = w.assert_err(&["validate"], 2);
    assert!(err.contains("names the table \"quotes\""), "{err}");
}

#[test]
fn a_dataset_without_an_evidence_block_is_checked_as_before() {
    let w = tiny("evidence-none");
    let mut meta = metadata();
    let m = meta.as_object_mut().unwrap();
    m.remove("evidence");
    m.remove("claims");
    write_metadata(&w, &meta);
    // Quotes that match nothing and figures without quotes are no one's business now.
    edit(&w, "dataset/events.csv", "11,,11,49", "11,,11,50");
    assert_eq!(errors(&w), []);
}

/// Releases the small dataset into `dist/` of its workdir; returns the bundle's folder.
fn release(w: &Workdir) -> std::path::PathBuf {
    w.stdout(&["release", "--out", "dist"]);
    w.join("dist/tiny-0.1.0")
}

#[test]
fn the_bundle_carries_the_pinned_text_and_verify_checks_it() {
    let w = tiny("evidence-bundle");
    let dir = release(&w);
    let text = std::fs::read_to_string(dir.join("texts/article.txt")).unwrap();
    assert_eq!(text, ARTICLE);
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    assert!(
        sums.contains(&format!("{}  texts/article.txt", sha(ARTICLE))),
        "{sums}"
    );
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dataset.json")).unwrap()).unwrap();
    assert_eq!(meta["sources"][0]["text"]["path"], "texts/article.txt");
    // The evidence and claims tables are exported like every other table.
    for table in ["evidence", "claims"] {
        for ext in ["csv", "parquet", "json", "jsonl"] {
            assert!(
                dir.join(format!("{table}.{ext}")).is_file(),
                "{table}.{ext}"
            );
        }
    }
    w.stdout(&["verify", "dist/tiny-0.1.0"]);
    w.stdout(&["verify", "dist/tiny-0.1.0.zip"]);
}

#[test]
fn verify_finds_a_pinned_text_edited_in_the_bundle() {
    let w = tiny("evidence-bundle-edit");
    let dir = release(&w);
    let edited = ARTICLE.replace("Intro", "Outro");
    std::fs::write(dir.join("texts/article.txt"), &edited).unwrap();
    // Even with SHA256SUMS recomputed, the text is not the one the metadata pins.
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    std::fs::write(
        dir.join("SHA256SUMS"),
        sums.replace(&sha(ARTICLE), &sha(&edited)),
    )
    .unwrap();
    let (code, out, err) = w.output(&["verify", "dist/tiny-0.1.0", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("evidence-text") && out.contains("\"file\":\"dataset.json\""),
        "{out}"
    );
}

#[test]
fn a_bundle_of_an_older_format_carries_no_text_and_pins_none() {
    let w = tiny("evidence-bundle-4");
    let mut meta = metadata();
    meta["release_format"] = json!(4);
    write_metadata(&w, &meta);
    let dir = release(&w);
    assert!(!dir.join("texts").exists());
    let bundled: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dataset.json")).unwrap()).unwrap();
    assert!(bundled["sources"][0].get("text").is_none(), "{bundled}");
    assert!(bundled.get("evidence").is_none() && bundled.get("claims").is_none());
    w.stdout(&["verify", "dist/tiny-0.1.0"]);
}

#[test]
fn release_refuses_a_dataset_whose_evidence_fails() {
    let w = tiny("evidence-release");
    edit(&w, "dataset/events.csv", "11,,11,49", "11,,11,50");
    let (code, out, err) = w.output(&["release", "--out", "dist"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("evidence-figure"),
        "{out}{err}"
    );
    assert!(!w.join("dist/tiny-0.1.0").exists());
}

mod properties {
    use aabc::validate::evidence::quotes::{contains_number, english, Spaced};
    use proptest::prelude::*;

    /// `n` with a comma between groups of three digits.
    fn grouped(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn a_number_matches_its_digits_and_its_words(n in 0u64..1_000_000) {
            for written in [n.to_string(), grouped(n), english(n), english(n).to_uppercase()] {
                let quote = format!("officials said at least {written} people were affected.");
                prop_assert!(contains_number(&quote, n), "{}", quote);
            }
        }

        #[test]
        fn a_number_is_not_found_inside_a_longer_one(n in 0u64..1_000_000, d in 1u64..10) {
            for longer in [format!("{d}{n} people"), format!("{n}{d} people"), format!("{d}.{n} km")] {
                prop_assert!(!contains_number(&longer, n), "{}", longer);
            }
        }

        #[test]
        fn a_quote_is_found_however_it_is_spaced(
            words in proptest::collection::vec("[A-Za-z0-9,.]{1,8}", 2..30),
            gaps in proptest::collection::vec(prop_oneof![
                Just(" "), Just("  "), Just("\n"), Just("\r\n"), Just("\t "), Just("\u{a0}")
            ], 30),
            from in 0usize..30,
            len in 1usize..30,
        ) {
            let text: String = words.iter().zip(&gaps).map(|(w, g)| format!("{g}{w}")).collect();
            let from = from % words.len();
            let to = (from + len).min(words.len());
            // The same words, spaced otherwise.
            let quote = words[from..to].join(" \n ");
            let found = Spaced::new(&text).find(&quote);
            prop_assert!(found.is_some(), "{:?} in {:?}", quote, text);
        }
    }
}

/// The shipped dataset, changed as a careless edit would change it: each change must fail.
mod shipped {
    use super::{edit, errors};
    use crate::workdir::Workdir;

    fn rules(w: &Workdir) -> Vec<(String, u64, String)> {
        errors(w)
            .into_iter()
            .map(|(r, _, l, f)| (r, l, f))
            .collect()
    }

    fn line_of(w: &Workdir, file: &str, start: &str) -> u64 {
        let text = w.read(file);
        1 + text.lines().position(|l| l.starts_with(start)).unwrap() as u64
    }

    #[test]
    fn a_figure_of_the_shipped_dataset_changed_without_its_evidence_fails() {
        let w = Workdir::with_dataset("shipped-figure");
        let line = line_of(&w, "dataset/events.csv", "AABC-0093,");
        edit(
            &w,
            "dataset/events.csv",
            ",A002,A001;A056,,105,71,",
            ",A002,A001;A056,,106,71,",
        );
        let got = rules(&w);
        let at = |rule: &str| (rule.to_string(), line, "killed_am_military".to_string());
        assert!(got.contains(&at("evidence-figure")), "{got:?}");
        assert!(got.contains(&at("claim-value")), "{got:?}");
    }

    #[test]
    fn a_quote_of_the_shipped_dataset_changed_by_one_character_fails() {
        let w = Workdir::with_dataset("shipped-quote");
        let text = w.read("dataset/evidence.csv");
        let row = text
            .lines()
            .find(|l| l.starts_with("E0001,"))
            .unwrap()
            .to_string();
        // One letter of the quote, upper-cased: the quote no longer occurs in the text.
        let at = row.find("Armenia").expect("the first quote names Armenia");
        let mut changed = row.clone();
        changed.replace_range(at..at + 1, "a");
        edit(&w, "dataset/evidence.csv", &row, &changed);
        let got = rules(&w);
        assert_eq!(
            got,
            vec![("evidence-quote".to_string(), 2, "quote".to_string())],
            "{got:?}"
        );
    }

    #[test]
    fn a_count_of_one_carried_by_a_name_is_an_error_once_it_is_changed() {
        let w = Workdir::with_dataset("shipped-one");
        assert!(rules(&w).is_empty());
        let line = line_of(&w, "dataset/events.csv", "AABC-0042,");
        let row = w
            .read("dataset/events.csv")
            .lines()
            .nth(line as usize - 1)
            .unwrap()
            .to_string();
        let changed = row.replacen(",A001,,1,,,,1,", ",A001,,2,,,,2,", 1);
        assert_ne!(row, changed, "AABC-0042 holds one killed: {row}");
        edit(&w, "dataset/events.csv", &row, &changed);
        let got = rules(&w);
        assert!(
            got.contains(&(
                "evidence-figure".to_string(),
                line,
                "killed_am_military".to_string()
            )),
            "{got:?}"
        );
    }
}
