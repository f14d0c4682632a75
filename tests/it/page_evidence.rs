//! The dataset's page shows the quotes behind each event (release format 5): in the event's
//! record (the dialog the permalink opens) and, for readers without JavaScript, in a last
//! column of the table, each quote verbatim in a `<blockquote>` with the columns it supports
//! in the schema's words and its claimants' names, all read through the metadata's `evidence`
//! block. Markup in a quote stays text; a format 4 page of the same data has none of it and
//! keeps its published script and stylesheet. The browser checks (`tests/browser/evidence.mjs`,
//! with axe-core) run in headless Chromium.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A passage of the pinned text, as the fixture's first quote.
const PASSAGE: &str = "On 25 May, an Armenian soldier was killed 7 kilometers (5 miles) within Armenian territory which Azerbaijan denied.";
/// A line added to the fixture's pinned text: markup and quotes that must stay text.
const HOSTILE: &str =
    "Test passage: <script>window.__quoted=1</script> \"quoted\" & <img src=x onerror=\"window.__quoted=2\">.";
const EVENT: &str = "AABC-0018";

/// The repository's dataset in release format `format`, with two quotes of `EVENT` in its
/// evidence table: the shipped one (`PASSAGE`, no claimant) and the hostile line, with a
/// claimant, added as a new row; the hostile line is added to the pinned text and its SHA-256
/// recorded.
fn fixture(d: &Path, format: u32) {
    repo_copy(d);
    let meta_path = d.join("dataset/dataset.json");
    let mut meta: Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["release_format"] = format.into();
    let text = meta["sources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find_map(|s| s.get_mut("text"))
        .expect("a source with a pinned text");
    let path = d.join("dataset").join(text["path"].as_str().unwrap());
    let mut body = std::fs::read_to_string(&path).unwrap();
    body.push_str(HOSTILE);
    body.push('\n');
    std::fs::write(&path, &body).unwrap();
    text["sha256"] = aabc::release::checksum::sha256_hex(body.as_bytes()).into();
    std::fs::write(
        &meta_path,
        serde_json::to_string_pretty(&meta).unwrap() + "\n",
    )
    .unwrap();
    edit_rows(&d.join("dataset/evidence.csv"), |rows| {
        let quotes: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == EVENT).collect();
        assert!(
            quotes.len() == 1 && quotes[0][5] == PASSAGE && quotes[0][4].is_empty(),
            "the shipped evidence of {EVENT} is the one passage, with no claimant: {quotes:?}"
        );
        let next = format!("E{:04}", last_evidence_number(rows) + 1);
        let hostile = [&next, EVENT, "article", "event_type", "A020", HOSTILE, ""];
        rows.push(hostile.map(String::from).to_vec());
    });
}

/// The page of the fixture in `format`, built into `out`; returns its `index.html`.
fn page(d: &Path, format: u32, out: &Path) -> String {
    fixture(d, format);
    build_site(d, out);
    std::fs::read_to_string(out.join("index.html")).unwrap()
}

/// The source's title, a column's title (its name when it has none), an actor's name: what
/// the captions say, read from the fixture's own files.
fn words(d: &Path) -> (String, String, String) {
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("dataset/dataset.json")).unwrap())
            .unwrap();
    let title = meta["sources"][0]["title"].as_str().unwrap().to_string();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("schema/events.schema.json")).unwrap(),
    )
    .unwrap();
    let said = schema["properties"]["killed_am_military"]["title"]
        .as_str()
        .unwrap_or("killed_am_military");
    let (h, actors) = read_csv(&d.join("dataset/actors.csv"));
    let name = h.iter().position(|c| c == "name").unwrap();
    let a020 = actors.iter().find(|a| a[0] == "A020").unwrap()[name].clone();
    (title, said.to_string(), a020)
}

#[test]
fn the_table_without_javascript_shows_each_quote_with_its_columns_and_claimant() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("repo");
    let html = page(&d, 5, &dir.path().join("site"));
    let (title, supports, claimant) = words(&d);
    let row_start = html.find(&format!("<tr id=\"{EVENT}\"")).unwrap();
    let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
    assert!(row.contains("<summary>2 quotes</summary>"), "{row}");
    assert!(
        row.contains(&format!("<blockquote>{PASSAGE}</blockquote>")),
        "{row}"
    );
    assert!(
        row.contains(&format!("From {title}. Supports First day")),
        "{row}"
    );
    assert!(row.contains(&supports), "{supports} in {row}");
    assert!(
        row.contains(&format!("Claimed by {}.", claimant.replace('\'', "&#39;"))),
        "{row}"
    );
    // Markup in a quote is text, in the table and in the embedded data.
    assert!(row.contains("<blockquote>Test passage: &lt;script&gt;window.__quoted=1&lt;/script&gt; &quot;quoted&quot; &amp; &lt;img src=x onerror=&quot;window.__quoted=2&quot;&gt;.</blockquote>"), "{row}");
    assert!(!html.contains("<script>window"));
    assert!(html.contains("\\u003cscript>window.__quoted=1\\u003c/script> \\\"quoted\\\""));
    assert_eq!(html.matches("<script").count(), 3);
    assert!(html.contains("<th scope=\"col\">quotes from the source</th>"));
}

#[test]
fn a_format_4_page_of_the_same_data_shows_no_quotes_and_keeps_its_script() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("repo");
    let site = dir.path().join("site");
    let html = page(&d, 4, &site);
    assert!(!html.contains("quotes from the source") && !html.contains("<blockquote>"));
    assert!(!html.contains("\"evidence\":{\"AABC"));
    let frozen = root().join("src/release/site/assets/format4");
    for f in ["site.js", "site.css"] {
        assert_eq!(
            std::fs::read(site.join(f)).unwrap(),
            std::fs::read(frozen.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn the_record_shows_the_quotes_in_chromium_with_no_new_accessibility_violation() {
    let dir = tempfile::tempdir().unwrap();
    let d5 = dir.path().join("repo5");
    let site5 = dir.path().join("site5");
    page(&d5, 5, &site5);
    let d4 = dir.path().join("repo4");
    let site4 = dir.path().join("site4");
    page(&d4, 4, &site4);
    let (title, supports, claimant) = words(&d5);
    let expect = serde_json::json!({"events": [{
        "id": EVENT,
        "quotes": [PASSAGE, HOSTILE],
        "captions": [format!("From {title}."), supports, format!("Claimed by {claimant}.")],
    }]});
    let expect_file = dir.path().join("expect.json");
    std::fs::write(&expect_file, expect.to_string()).unwrap();
    require_tool("Chromium", "chromium");
    require_tool(
        "playwright-core",
        "tests/browser/node_modules/playwright-core",
    );
    require_tool("axe-core", "tests/browser/node_modules/axe-core/axe.min.js");
    let out = Command::new(require_tool("Node.js 18 or later", "node"))
        .arg(root().join("tests/browser/evidence.mjs"))
        .args([&site5, &site4, &expect_file])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    println!("{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "browser checks failed:\n{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
