//! `aabc site` and the static pictures (`timeline.svg`, `map.svg`): drawn from the dataset by
//! the `site` section of its metadata, valid XML, accessible, one marker per geocoded event,
//! byte-reproducible, in release bundles from format 3 (listed in `SHA256SUMS`), and the copies
//! in `docs/` (shown by the README) current.

use crate::common::*;
use aabc::release::site::svg;
use aabc::release::site::svg::Figure;
use aabc::schema::metadata::Dataset;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file of a folder, by relative path.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            for (rel, b) in tree(&p) {
                out.push((
                    format!("{}/{rel}", p.file_name().unwrap().to_string_lossy()),
                    b,
                ));
            }
        } else {
            out.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

fn bundle_of_format_carries_the_site(format: u32) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo_copy(d);
    set_version(d, "9.0.0");
    let meta = d.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["release_format"] = serde_json::json!(format);
    std::fs::write(&meta, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, said, err) = run(d, &["release"]);
    assert_eq!(code, 0, "{said}{err}");
    let bundle = d.join("dist/aabc-events-9.0.0");
    let sums = std::fs::read_to_string(bundle.join("SHA256SUMS")).unwrap();
    for f in ["site/index.html", "site/site.css", "site/site.js"] {
        let bytes = std::fs::read(bundle.join(f)).unwrap();
        let line = format!("{}  {f}", aabc::release::checksum::sha256_hex(&bytes));
        assert!(
            sums.lines().any(|l| l == line),
            "{f} not in SHA256SUMS:\n{sums}"
        );
    }
    // The page offers the bundle's files with their SHA-256, by relative links.
    let html = std::fs::read_to_string(bundle.join("site/index.html")).unwrap();
    let csv = std::fs::read(bundle.join("events.csv")).unwrap();
    assert!(html.contains("<a href=\"../events.csv\">events.csv</a>"));
    assert!(html.contains(&aabc::release::checksum::sha256_hex(&csv)));
    assert!(html.contains("<a href=\"../events.parquet\">events.parquet</a>"));
    // Format 3 keeps the page 2.1.0 was published with: every row in the script's table.
    // From format 4 the rows are in the table for readers without JavaScript only.
    let js = std::fs::read(bundle.join("site/site.js")).unwrap();
    let frozen = std::fs::read(root().join("src/release/site/assets/format3/site.js")).unwrap();
    let first_row = html.find("<tr id=\"AABC-").unwrap();
    if format == 3 {
        assert_eq!(js, frozen);
        assert!(!html.contains("<noscript>"));
        assert!(html[..first_row].ends_with("<tbody>\n"));
    } else {
        assert_ne!(js, frozen);
        assert!(html.contains("<tbody></tbody>"));
        assert!(html[..first_row]
            .contains("<noscript><div class=\"scroll\"><table id=\"events-table-all\">"));
    }
    // The bundle checks out, and building it again gives the same bytes.
    let zip = d.join("dist/aabc-events-9.0.0.zip");
    let (code, said, err) = run_aabc(&["verify", zip.to_str().unwrap()]);
    assert_eq!(code, 0, "{said}{err}");
    let (code, said, err) = run(d, &["release"]);
    assert_eq!(code, 0, "{said}{err}");
    assert!(said.contains("identical"), "{said}");
}

/// The dataset's pictures as release format 5 draws them: the tests of this module describe
/// the pictures of formats 3 to 5 (those of format 6 are in `pictures6`).
fn figures() -> (Figure, Figure) {
    let mut dataset = Dataset::open(&root()).unwrap();
    dataset.meta.release_format = Some(5);
    figures_of(&dataset)
}

/// The pictures the dataset draws in its own release format (those the README shows).
fn current_figures() -> (Figure, Figure) {
    figures_of(&Dataset::open(&root()).unwrap())
}

fn figures_of(dataset: &Dataset) -> (Figure, Figure) {
    let (timeline, map) = svg::dataset_figures(dataset)
        .unwrap()
        .expect("dataset.json has a site section");
    (timeline, map.expect("the dataset has coordinates"))
}

/// The dataset's events whose first place has coordinates: (id, geo_precision), the
/// precision being the coarsest of all the event's places, and 3 when they lie in more than one
/// province (what `schema/events.schema.json` declares for the typed exports). Read with the
/// csv crate, apart from the code under test.
fn geocoded_events() -> (usize, Vec<(String, String)>) {
    let mut places = BTreeMap::new();
    let mut r = csv::Reader::from_path(root().join("dataset/places.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |h: &csv::StringRecord, n: &str| h.iter().position(|c| c == n).unwrap();
    let (pid, lat, prec, admin1) = (
        col(&h, "place_id"),
        col(&h, "latitude"),
        col(&h, "geo_precision"),
        col(&h, "admin1_code"),
    );
    for row in r.records() {
        let row = row.unwrap();
        places.insert(
            row[pid].to_string(),
            (
                row[lat].to_string(),
                row[prec].to_string(),
                row[admin1].to_string(),
            ),
        );
    }
    let mut r = csv::Reader::from_path(root().join("dataset/events.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let (eid, pids) = (col(&h, "event_id"), col(&h, "place_ids"));
    let mut total = 0;
    let mut out = Vec::new();
    for row in r.records() {
        let row = row.unwrap();
        total += 1;
        let all: Vec<_> = row[pids].split(';').filter_map(|p| places.get(p)).collect();
        let Some((lat, _, _)) = row[pids].split(';').next().and_then(|p| places.get(p)) else {
            continue;
        };
        if lat.is_empty() {
            continue;
        }
        let coarsest = all
            .iter()
            .filter_map(|(_, p, _)| p.parse::<u8>().ok())
            .max();
        let provinces: std::collections::BTreeSet<&str> = all
            .iter()
            .map(|(_, _, a)| a.as_str())
            .filter(|a| !a.is_empty())
            .collect();
        let precision = match coarsest {
            Some(p) if provinces.len() > 1 => p.max(3).to_string(),
            Some(p) => p.to_string(),
            None => String::new(),
        };
        out.push((row[eid].to_string(), precision));
    }
    (total, out)
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"))
}

/// A copy of the repository's dataset (metadata, tables, schemas, changelog) at
/// `release_format`, released into `dist/`; returns the bundle directory.
pub fn release_at_format(d: &std::path::Path, release_format: u32) -> std::path::PathBuf {
    for dir in ["dataset", "schema"] {
        copy_tree(&root().join(dir), &d.join(dir));
    }
    let meta = d.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["release_format"] = serde_json::json!(release_format);
    let mut changelog = std::fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    // A version no release has used, so that either layout may be built from the same data.
    v["version"] = serde_json::json!("9.0.0");
    changelog = changelog.replacen(
        "## [Unreleased]\n",
        "## [Unreleased]\n\n## [9.0.0] - 2026-11-26\n### Changed\n- A test release.\n",
        1,
    );
    std::fs::write(d.join("CHANGELOG.md"), changelog).unwrap();
    std::fs::write(&meta, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let out = aabc()
        .current_dir(d)
        .args(["release", "--out", d.join("dist").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    d.join(format!(
        "dist/aabc-events-{}",
        v["version"].as_str().unwrap()
    ))
}

/// A copy of the repository's dataset with `edit` applied to its `site` section, in release
/// format 5 (whose pictures this module describes).
fn with_site(edit: impl FnOnce(&mut serde_json::Value)) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for dir in ["dataset", "schema"] {
        copy_tree(&root().join(dir), &d.path().join(dir));
    }
    let meta = d.path().join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    edit(&mut v["site"]);
    v["release_format"] = 5.into();
    std::fs::write(&meta, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    d
}

#[test]
fn site_is_byte_reproducible_and_readable_without_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build_site(&root(), &a);
    build_site(&root(), &b);
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta, tb);
    let names: Vec<&str> = ta.iter().map(|(n, _)| n.as_str()).collect();
    // The page's three files and, under data/, the CSV of every table the metadata lists.
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    let mut expected: Vec<String> = meta["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("data/{}.csv", r["name"].as_str().unwrap()))
        .chain(["index.html", "site.css", "site.js"].map(String::from))
        .collect();
    expected.sort();
    assert!(expected.contains(&"data/evidence.csv".to_string()));
    assert_eq!(names, expected);
    let html = std::fs::read_to_string(a.join("index.html")).unwrap();
    let (_, events) = read_csv(&root().join("dataset/events.csv"));
    // Every row is in the HTML itself (for readers without JavaScript), with its permalink
    // target.
    assert_eq!(html.matches("<tr id=\"AABC-").count(), events.len());
    assert!(html.contains("<tr id=\"AABC-0056\""));
    // No address outside the page is loaded: no remote script, stylesheet or image.
    for bad in [
        "<script src=\"http",
        "<link rel=\"stylesheet\" href=\"http",
        "<img src=\"http",
        "fetch(",
    ] {
        assert!(!html.contains(bad), "{bad}");
    }
    // The downloads list every table with its SHA-256.
    let events_sha =
        aabc::release::checksum::sha256_hex(&std::fs::read(a.join("data/events.csv")).unwrap());
    assert!(html.contains("<a href=\"data/events.csv\">events.csv</a>"));
    assert!(html.contains(&events_sha));
    // The citation, as `aabc cite` writes it.
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("dataset/dataset.json")).unwrap(),
    )
    .unwrap();
    let version = meta["version"].as_str().unwrap().replace('.', "_");
    assert!(html.contains(&format!("@misc{{aabc_events_{version},")));
}

#[test]
fn site_needs_its_output_folder() {
    let (code, _, err) = run_aabc(&["site"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out"), "{err}");
}

#[test]
fn release_bundles_from_format_3_carry_the_site_listed_in_sha256sums() {
    for format in [3, 4] {
        bundle_of_format_carries_the_site(format);
    }
}

#[test]
fn release_format_2_bundles_have_no_site() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo_copy(d);
    set_version(d, "9.0.0");
    let meta = d.join("dataset/dataset.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["release_format"] = serde_json::json!(2);
    std::fs::write(&meta, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, said, err) = run(d, &["release"]);
    assert_eq!(code, 0, "{said}{err}");
    assert!(d.join("dist/aabc-events-9.0.0/events.geojson").exists());
    assert!(!d.join("dist/aabc-events-9.0.0/site").exists());
}

#[test]
fn map_has_one_marker_per_geocoded_event_with_its_id_and_title() {
    let (_, map) = figures();
    let doc = parse(&map.svg);
    let markers: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("event"))
        .collect();
    let (total, geocoded) = geocoded_events();
    // 3.0.0: 135 events, 62 with coordinates at their first place (2.2.0: 64 of 132; the
    // audit left 0071 and 0072 without a place, and 0133-0135 have none with coordinates).
    assert_eq!(total, 135);
    assert_eq!(geocoded.len(), 62);
    assert_eq!(markers.len(), geocoded.len());
    let mut ids: Vec<&str> = markers
        .iter()
        .map(|m| m.attribute("data-id").unwrap())
        .collect();
    ids.sort();
    let mut expected: Vec<&str> = geocoded.iter().map(|(id, _)| id.as_str()).collect();
    expected.sort();
    assert_eq!(ids, expected);
    for m in &markers {
        let title = m
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or("");
        assert!(
            title.starts_with(m.attribute("data-id").unwrap()),
            "marker title {title:?}"
        );
    }
    // One marker of the September 2022 offensive, sized by its casualties.
    let m = markers
        .iter()
        .find(|m| m.attribute("data-id") == Some("AABC-0056"))
        .unwrap();
    assert!(m.attribute("r").unwrap().parse::<f64>().unwrap() > 10.0);
}

#[test]
fn map_draws_precision_3_events_hollow_and_only_those() {
    let (_, map) = figures();
    let doc = parse(&map.svg);
    let hollow: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("event") && n.attribute("fill") == Some("none"))
        .map(|n| n.attribute("data-id").unwrap())
        .collect();
    let (_, geocoded) = geocoded_events();
    let mut expected: Vec<&str> = geocoded
        .iter()
        .filter(|(_, p)| p == "3")
        .map(|(id, _)| id.as_str())
        .collect();
    let mut hollow = hollow;
    hollow.sort();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(hollow, expected);
    assert!(map
        .description
        .contains(&format!("{} hollow circles", expected.len())));
}

#[test]
fn pictures_are_xml_with_title_desc_and_role() {
    let (timeline, map) = figures();
    for f in [&timeline, &map] {
        let doc = parse(&f.svg);
        let svg = doc.root_element();
        assert_eq!(svg.tag_name().name(), "svg");
        assert_eq!(svg.attribute("role"), Some("img"));
        assert_eq!(svg.attribute("aria-label"), Some(f.title.as_str()));
        let child = |name: &str| {
            svg.children()
                .find(|c| c.has_tag_name(name))
                .and_then(|c| c.text())
                .map(str::to_string)
        };
        assert_eq!(child("title").as_deref(), Some(f.title.as_str()));
        assert_eq!(child("desc").as_deref(), Some(f.description.as_str()));
        assert!(!f.description.is_empty());
    }
    let (total, geocoded) = geocoded_events();
    assert!(
        map.description
            .contains(&format!("{} of {total} events", geocoded.len())),
        "{}",
        map.description
    );
    assert!(
        timeline
            .description
            .contains(&format!("{total} events per month")),
        "{}",
        timeline.description
    );
    assert!(
        timeline.description.contains("Natural Earth") || map.description.contains("Natural Earth")
    );
}

#[test]
fn timeline_marks_ceasefires_and_agreements_and_sums_killed_by_side() {
    let (timeline, _) = figures();
    // 3 ceasefires and 3 agreements in 2.0.0.
    assert!(
        timeline
            .description
            .contains("Dashed lines mark 6 events of type ceasefire or agreement"),
        "{}",
        timeline.description
    );
    assert_eq!(
        timeline.svg.matches("stroke-dasharray").count(),
        12,
        "6 marks in each panel"
    );
    // Killed by side: the sum of the four killed columns over all rows.
    let mut r = csv::Reader::from_path(root().join("dataset/events.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let cols: Vec<usize> = [
        "killed_am_military",
        "killed_az_military",
        "killed_civilians",
        "killed_unknown",
    ]
    .iter()
    .map(|n| h.iter().position(|c| c == *n).unwrap())
    .collect();
    let total: u64 = r
        .records()
        .map(|row| {
            let row = row.unwrap();
            cols.iter()
                .map(|&c| row[c].parse::<u64>().unwrap_or(0))
                .sum::<u64>()
        })
        .sum();
    assert!(
        timeline
            .description
            .contains(&format!("Bottom: {total} killed")),
        "{total}: {}",
        timeline.description
    );
}

#[test]
fn pictures_are_byte_reproducible() {
    let a = current_figures();
    let b = current_figures();
    assert_eq!(a, b);
    let dir = tempfile::tempdir().unwrap();
    let written = svg::write_pictures(&root(), dir.path()).unwrap();
    assert_eq!(written.len(), 2);
    assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), a.0.svg);
    assert_eq!(std::fs::read_to_string(&written[1]).unwrap(), a.1.svg);
}

#[test]
fn without_a_site_section_there_are_no_pictures() {
    let dir = valid_fixture_copy();
    let out = tempfile::tempdir().unwrap();
    let written = svg::write_pictures(dir.path(), out.path()).unwrap();
    assert!(written.is_empty());
}

/// `docs/timeline.svg` and `docs/map.svg`, shown by the README, are what the dataset draws
/// now. Regenerate them with `AABC_UPDATE_PICTURES=1 cargo test --test it site::docs_`.
#[test]
fn docs_pictures_are_up_to_date() {
    let docs = root().join("docs");
    if std::env::var_os("AABC_UPDATE_PICTURES").is_some() {
        svg::write_pictures(&root(), &docs).unwrap();
    }
    let (timeline, map) = current_figures();
    for (file, f) in [(svg::TIMELINE_FILE, timeline), (svg::MAP_FILE, map)] {
        let committed = std::fs::read_to_string(docs.join(file)).unwrap_or_default();
        assert!(
            committed == f.svg,
            "docs/{file} is stale: regenerate it with `AABC_UPDATE_PICTURES=1 cargo test --test it site::docs_`"
        );
    }
}

/// The vendored basemaps (the region at 1:50m, the world at 1:110m) are what
/// `scripts/basemap/clip.mjs` makes of the pinned world-atlas package. Needs node and npm (the
/// script fetches the pinned package from the npm registry).
#[test]
fn vendored_basemap_is_reproduced_by_its_script() {
    let node = require_tool("Node.js", "node");
    require_tool("npm", "npm");
    let out = tempfile::tempdir().unwrap();
    let region = out.path().join("region.geojson");
    let world = out.path().join("world.geojson");
    let run = std::process::Command::new(node)
        .arg(root().join("scripts/basemap/clip.mjs"))
        .args([&region, &world])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "clip.mjs failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (made, vendored) in [
        (region, "region-50m.geojson"),
        (world, "world-110m.geojson"),
    ] {
        assert!(
            std::fs::read(&made).unwrap()
                == std::fs::read(root().join("vendor/natural-earth").join(vendored)).unwrap(),
            "vendor/natural-earth/{vendored} differs from what scripts/basemap/clip.mjs writes: rerun it"
        );
    }
}

#[test]
fn from_release_format_3_the_bundle_has_the_pictures_listed_in_its_sums() {
    let d = tempfile::tempdir().unwrap();
    let b = release_at_format(d.path(), 3);
    let (timeline, map) = figures();
    assert_eq!(
        std::fs::read_to_string(b.join("timeline.svg")).unwrap(),
        timeline.svg
    );
    assert_eq!(std::fs::read_to_string(b.join("map.svg")).unwrap(), map.svg);
    let sums = std::fs::read_to_string(b.join("SHA256SUMS")).unwrap();
    assert!(
        sums.contains("  map.svg\n") && sums.contains("  timeline.svg\n"),
        "{sums}"
    );
    let readme = std::fs::read_to_string(b.join("README.md")).unwrap();
    assert!(readme.contains("| `timeline.svg`, `map.svg` | the data as pictures"));
}

#[test]
fn a_format_2_bundle_has_no_pictures() {
    let d = tempfile::tempdir().unwrap();
    let b = release_at_format(d.path(), 2);
    assert!(b.join("events.geojson").exists());
    assert!(!b.join("timeline.svg").exists());
    assert!(!b.join("map.svg").exists());
    let readme = std::fs::read_to_string(b.join("README.md")).unwrap();
    assert!(!readme.contains("timeline.svg"));
}

#[test]
fn a_site_section_naming_an_unknown_column_or_value_is_refused_with_the_fix() {
    let d = with_site(|s| s["date"] = serde_json::json!("date_begin"));
    let out = tempfile::tempdir().unwrap();
    let e = svg::write_pictures(d.path(), out.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"site\".date names \"date_begin\", which is not a column here"),
        "{e}"
    );
    let d = with_site(|s| s["mark"] = serde_json::json!(["ceasefire", "truce"]));
    let e = svg::write_pictures(d.path(), out.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"site\".mark names \"truce\", which is not a value of event_type: use one of incursion,"),
        "{e}"
    );
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn without_groups_each_type_gets_its_own_colour_and_the_pictures_still_draw() {
    let d = with_site(|s| {
        s.as_object_mut().unwrap().remove("groups");
        s.as_object_mut().unwrap().remove("killed");
    });
    let out = tempfile::tempdir().unwrap();
    svg::write_pictures(d.path(), out.path()).unwrap();
    let timeline = std::fs::read_to_string(out.path().join("timeline.svg")).unwrap();
    let doc = parse(&timeline);
    assert!(doc
        .descendants()
        .any(|n| n.text().map(str::trim) == Some("armed_clash")));
    assert!(!timeline.contains("Killed per month"));
    // One legend line per type leaves no room beside the map for the 3 events outside it
    // (Brussels, Prague, Washington): the description says where they are.
    let map = std::fs::read_to_string(out.path().join("map.svg")).unwrap();
    let (_, geocoded) = geocoded_events();
    assert_eq!(map.matches("class=\"event\"").count(), geocoded.len() - 3);
    assert!(!map.contains("Outside the map"));
    assert!(map.contains("3 of them lie outside the map and are only in the table."));
}

#[test]
fn points_far_outside_the_map_are_listed_beside_it_only_as_far_as_there_is_room() {
    // Every place moved 20 degrees south: all geocoded events lie outside the basemap. The
    // box beside the map lists as many as fit above the credit line and says how many more.
    let all = geocoded_events().1.len();
    let d = with_site(|_| {});
    let places = d.path().join("dataset/places.csv");
    let mut r = csv::Reader::from_path(&places).unwrap();
    let h = r.headers().unwrap().clone();
    let lat = h.iter().position(|c| c == "latitude").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let mut w = csv::Writer::from_path(&places).unwrap();
    w.write_record(&h).unwrap();
    for row in rows {
        let mut row: Vec<String> = row.iter().map(String::from).collect();
        if let Ok(v) = row[lat].parse::<f64>() {
            row[lat] = format!("{:.4}", v - 20.0);
        }
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    let out = tempfile::tempdir().unwrap();
    svg::write_pictures(d.path(), out.path()).unwrap();
    let map = std::fs::read_to_string(out.path().join("map.svg")).unwrap();
    let doc = parse(&map);
    let height: f64 = doc
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    let markers: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("event"))
        .collect();
    assert!(
        !markers.is_empty() && markers.len() < all,
        "{}",
        markers.len()
    );
    for m in &markers {
        let cy: f64 = m.attribute("cy").unwrap().parse().unwrap();
        let r: f64 = m.attribute("r").unwrap().parse().unwrap();
        assert!(
            cy + r < height - 40.0,
            "a marker below the legend's room: {cy} + {r}"
        );
    }
    let more = format!("and {} more (in the table)", all - markers.len());
    assert!(
        doc.descendants()
            .any(|n| n.text().map(str::trim) == Some(more.as_str())),
        "no line {more:?}"
    );
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        desc.contains(&format!(
            "{all} of them lie outside the map; the first {} are drawn in the box \"Outside the map\" beside it, the others only in the table.",
            markers.len()
        )),
        "{desc}"
    );
}
