//! The pictures of release format 6 (`src/release/site/svg/format6`), drawn from scratch copies
//! of the dataset at format 6: the map's markers (one link per place or merged neighbours, none
//! covering another, counting every placed event once, at most 150 at 10,000 events), text and
//! markers readable on a phone, captions without measures the dataset lacks, a world basemap
//! for data outside the region, no map without coordinates, the world layer as its script
//! makes it, and axe-core in Chromium on the page.

use crate::common::*;
use crate::workdir::Workdir;
use aabc::release::site::svg;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A copy of the repository's dataset at release format 6, with `edit` applied to its
/// metadata.
fn format6(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Workdir {
    let w = Workdir::with_dataset(name);
    at_format6(&w, edit);
    w
}

/// The dataset in `w` set to release format 6, with `edit` applied to its metadata.
fn at_format6(w: &Workdir, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = w.join("dataset/dataset.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    meta["release_format"] = 6.into();
    edit(&mut meta);
    std::fs::write(&path, serde_json::to_string_pretty(&meta).unwrap()).unwrap();
}

/// The timeline and the map (if any) the dataset under `root` draws.
fn pictures(root: &Path) -> (String, Option<String>) {
    let out = tempfile::tempdir().unwrap();
    svg::write_pictures(root, out.path()).unwrap();
    let read = |f: &str| std::fs::read_to_string(out.path().join(f)).ok();
    (read(svg::TIMELINE_FILE).unwrap(), read(svg::MAP_FILE))
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"))
}

fn number(n: roxmltree::Node<'_, '_>, attr: &str) -> f64 {
    n.attribute(attr)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number {attr} on {n:?}"))
}

/// One marker of the map: its circle and what it says it counts.
struct Marker {
    x: f64,
    y: f64,
    r: f64,
    n: u64,
    places: Vec<String>,
    label: String,
}

fn markers(doc: &roxmltree::Document<'_>) -> Vec<Marker> {
    doc.descendants()
        .filter(|n| n.has_tag_name("a") && n.attribute("class") == Some("marker"))
        .map(|a| {
            let c = a.children().find(|c| c.has_tag_name("circle")).unwrap();
            let places: Vec<String> = a
                .attribute("data-places")
                .unwrap()
                .split(' ')
                .map(String::from)
                .collect();
            let href = format!("#places={}", places.join(","));
            assert_eq!(a.attribute("href"), Some(href.as_str()));
            Marker {
                x: number(c, "cx"),
                y: number(c, "cy"),
                r: number(c, "r"),
                n: number(a, "data-n") as u64,
                places,
                label: a.attribute("aria-label").unwrap().to_string(),
            }
        })
        .collect()
}

/// No marker's circle reaches into another's.
fn assert_apart(ms: &[Marker]) {
    for (i, a) in ms.iter().enumerate() {
        for b in &ms[i + 1..] {
            let d = (a.x - b.x).hypot(a.y - b.y);
            assert!(
                d >= a.r + b.r,
                "markers {:?} and {:?} overlap: {d} < {} + {}",
                a.places,
                b.places,
                a.r,
                b.r
            );
        }
    }
}

/// Events per first place that has coordinates, read from the CSV files apart from the code
/// under test.
fn events_by_place(dataset: &Path) -> BTreeMap<String, u64> {
    let (ph, places) = read_csv(&dataset.join("places.csv"));
    let col = |h: &[String], n: &str| h.iter().position(|c| c == n).unwrap();
    let placed: BTreeSet<&str> = places
        .iter()
        .filter(|p| !p[col(&ph, "latitude")].is_empty())
        .map(|p| p[col(&ph, "place_id")].as_str())
        .collect();
    let (h, events) = read_csv(&dataset.join("events.csv"));
    let mut out = BTreeMap::new();
    for e in &events {
        let first = e[col(&h, "place_ids")].split(';').next().unwrap_or("");
        if placed.contains(first) {
            *out.entry(first.to_string()).or_insert(0) += 1;
        }
    }
    out
}

/// Each place is in exactly one marker, and a marker counts exactly the events of its places.
fn assert_counts_every_placed_event_once(ms: &[Marker], by_place: &BTreeMap<String, u64>) {
    let mut seen = BTreeSet::new();
    for m in ms {
        let own: u64 = m.places.iter().map(|p| by_place[p.as_str()]).sum();
        assert_eq!(m.n, own, "{:?}", m.places);
        for p in &m.places {
            assert!(seen.insert(p.clone()), "{p} in two markers");
        }
        let events = if m.n == 1 {
            "1 event at ".to_string()
        } else {
            format!("{} events at ", m.n)
        };
        assert!(m.label.starts_with(&events), "{}", m.label);
    }
    assert_eq!(seen.len(), by_place.len());
    assert_eq!(
        ms.iter().map(|m| m.n).sum::<u64>(),
        by_place.values().sum::<u64>()
    );
}

#[test]
fn the_map_has_one_link_per_place_or_merged_neighbours_none_covering_another() {
    let w = format6("pictures6-map", |_| {});
    let (_, map) = pictures(w.path());
    let map = map.expect("the dataset has coordinates");
    let doc = parse(&map);
    let root = doc.root_element();
    assert_eq!(
        root.attribute("role"),
        Some("group"),
        "links inside: not an image"
    );
    let bbox: Vec<f64> = root
        .attribute("data-bbox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(
        bbox,
        [42.0, 37.5, 51.0, 42.5],
        "the region's map, as before"
    );
    assert!(root.attribute("data-plot").unwrap().starts_with("0 0 480 "));
    let ms = markers(&doc);
    let by_place = events_by_place(&w.join("dataset"));
    assert!(
        ms.len() > 5 && ms.len() < by_place.len(),
        "{} markers for {} places",
        ms.len(),
        by_place.len()
    );
    let spots: BTreeSet<(i64, i64)> = ms
        .iter()
        .map(|m| ((m.x * 10.0) as i64, (m.y * 10.0) as i64))
        .collect();
    assert_eq!(spots.len(), ms.len(), "one marker per merged position");
    assert_apart(&ms);
    assert_counts_every_placed_event_once(&ms, &by_place);
    assert!(map.contains("Natural Earth 1:50m"));
    // Format 5 draws one circle per event, an image.
    let w5 = format6("pictures6-map5", |m| m["release_format"] = 5.into());
    let (_, map5) = pictures(w5.path());
    let map5 = map5.unwrap();
    assert!(map5.contains("<svg role=\"img\""));
    assert_eq!(
        map5.matches("class=\"event\"").count() as u64,
        by_place.values().sum::<u64>()
    );
}

#[test]
fn text_and_markers_are_readable_on_a_phone() {
    // Drawn 360 px wide: text at least 11 px, markers at least 8 px across.
    let w = format6("pictures6-phone", |_| {});
    let (timeline, map) = pictures(w.path());
    for svg in [timeline, map.unwrap()] {
        let doc = parse(&svg);
        let width: f64 = doc
            .root_element()
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .nth(2)
            .unwrap()
            .parse()
            .unwrap();
        let on_phone = |v: f64| v * 360.0 / width;
        let texts: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .collect();
        assert!(!texts.is_empty());
        for t in texts {
            let size = number(t, "font-size");
            assert!(
                on_phone(size) >= 11.0,
                "{:?} at {} px",
                t.text(),
                on_phone(size)
            );
        }
        for c in doc.descendants().filter(|n| n.has_tag_name("circle")) {
            assert!(on_phone(2.0 * number(c, "r")) >= 8.0, "{c:?}");
        }
    }
}

/// A copy of the dataset at format 6 whose events are `rows` synthetic rows (`aabc synth`),
/// their place, actor and source ids pointed at the dataset's own (as the browser tests make
/// them).
fn synthetic(name: &str, rows: u64) -> Workdir {
    let w = Workdir::new(name);
    crate::browser::synthetic_dataset(w.path(), rows);
    at_format6(&w, |_| {});
    w
}

/// The timeline's marks: how many events each stands for, its label, where its line is.
fn marks(doc: &roxmltree::Document<'_>) -> Vec<(u64, String, f64)> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("mark"))
        .map(|m| {
            let child = |tag: &str| m.children().find(|c| c.has_tag_name(tag)).unwrap();
            let label = child("text").text().unwrap().to_string();
            (
                number(m, "data-n") as u64,
                label,
                number(child("line"), "x1"),
            )
        })
        .collect()
}

#[test]
fn at_10000_events_the_map_has_few_markers_and_the_marks_stay_readable() {
    let w = synthetic("pictures6-10000", 10_000);
    let (timeline, map) = pictures(w.path());
    let map = map.unwrap();
    let ms = markers(&parse(&map));
    assert!(ms.len() <= 150, "{} markers", ms.len());
    assert_apart(&ms);
    assert_counts_every_placed_event_once(&ms, &events_by_place(&w.join("dataset")));
    let doc = parse(&timeline);
    let marks = marks(&doc);
    let n: u64 = marks.iter().map(|m| m.0).sum();
    assert!(n > 500, "{n} marked events");
    assert!(marks.len() <= 12, "{} mark lines", marks.len());
    // Each mark is labelled, its count first; labels a line of text apart at least.
    for (n, label, _) in &marks {
        assert!(label.starts_with(&format!("{n}× ")), "{label}");
    }
    let xs: Vec<f64> = marks.iter().map(|m| m.2).collect();
    assert!(xs.windows(2).all(|p| p[1] - p[0] >= 15.0), "{xs:?}");
    let months: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("month"))
        .collect();
    assert!(!months.is_empty());
    for m in months {
        let month = m.attribute("data-month").unwrap();
        assert!(month.len() == 7 && month.as_bytes()[4] == b'-', "{month}");
        assert_eq!(m.attribute("fill"), Some("transparent"));
        assert!(m.children().any(|c| c.has_tag_name("title")));
    }
}

#[test]
fn the_dataset_marks_are_labelled_each_on_its_own() {
    // Six ceasefires and agreements, years apart: each its own labelled line, or merged with
    // one a few days away, labelled with their number.
    let w = format6("pictures6-marks", |_| {});
    let (timeline, _) = pictures(w.path());
    let marks = marks(&parse(&timeline));
    assert_eq!(marks.iter().map(|m| m.0).sum::<u64>(), 6);
    for (_, label, _) in &marks {
        assert!(
            label.contains("ceasefire") || label.contains("agreement"),
            "{label}"
        );
    }
}

#[test]
fn without_killed_columns_no_caption_or_legend_speaks_of_killed() {
    let edit = |m: &mut serde_json::Value| {
        let site = m["site"].as_object_mut().unwrap();
        site.remove("killed");
        site.remove("size");
    };
    let w = format6("pictures6-nokilled", edit);
    let (timeline, map) = pictures(w.path());
    for svg in [&timeline, &map.unwrap()] {
        assert!(!svg.to_lowercase().contains("killed"), "{svg}");
    }
    // Format 5 did: its title named killed per month whatever the data.
    let w5 = format6("pictures6-nokilled5", |m| {
        edit(m);
        m["release_format"] = 5.into();
    });
    assert!(pictures(w5.path()).0.contains("killed per month"));
}

/// Rewrites the coordinates of every place of `w`'s dataset with `edit` (latitude, longitude
/// cells).
fn move_places(w: &Workdir, mut edit: impl FnMut(&mut String, &mut String)) {
    let path = w.join("dataset/places.csv");
    let (h, rows) = read_csv(&path);
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (lat, lon) = (at("latitude"), at("longitude"));
    let mut out = csv::Writer::from_path(&path).unwrap();
    out.write_record(&h).unwrap();
    for mut r in rows {
        let (mut y, mut x) = (r[lat].clone(), r[lon].clone());
        edit(&mut y, &mut x);
        (r[lat], r[lon]) = (y, x);
        out.write_record(&r).unwrap();
    }
    out.flush().unwrap();
}

/// The dataset with every place moved from the Caucasus to South America (55 degrees south,
/// 105 west); places elsewhere (Brussels, Washington) lose their coordinates.
fn in_south_america(name: &str) -> Workdir {
    let w = format6(name, |_| {});
    move_places(&w, |lat, lon| {
        match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(y), Ok(x)) if x > 30.0 => {
                *lat = format!("{:.5}", y - 55.0);
                *lon = format!("{:.5}", x - 105.0);
            }
            _ => {
                lat.clear();
                lon.clear();
            }
        }
    });
    w
}

/// The box `(min x, min y, max x, max y)` of the points of the land's paths, in viewBox units.
fn land_box(doc: &roxmltree::Document<'_>) -> (f64, f64, f64, f64) {
    let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("land"))
    {
        let d = p
            .attribute("d")
            .unwrap()
            .replace(['M', 'L'], " ")
            .replace('Z', " ");
        let v: Vec<f64> = d.split_whitespace().map(|x| x.parse().unwrap()).collect();
        for xy in v.chunks(2) {
            b = (
                b.0.min(xy[0]),
                b.1.min(xy[1]),
                b.2.max(xy[0]),
                b.3.max(xy[1]),
            );
        }
    }
    b
}

#[test]
fn data_outside_the_region_is_drawn_on_the_world_clipped_to_it() {
    let w = in_south_america("pictures6-world");
    let (_, map) = pictures(w.path());
    let map = map.unwrap();
    let doc = parse(&map);
    assert!(
        map.contains("Natural Earth 1:110m"),
        "the credit names the world layer"
    );
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        desc.contains("Map of the data's extent (Bolivia, Brazil)"),
        "{desc}"
    );
    assert!(
        !map.contains("Armenia") && !map.contains("Azerbaijan"),
        "nothing of the region"
    );
    let bbox: Vec<f64> = doc
        .root_element()
        .attribute("data-bbox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let (h, places) = read_csv(&w.join("dataset/places.csv"));
    let (lat, lon) = (
        h.iter().position(|c| c == "latitude").unwrap(),
        h.iter().position(|c| c == "longitude").unwrap(),
    );
    for p in places.iter().filter(|p| !p[lat].is_empty()) {
        let (y, x): (f64, f64) = (p[lat].parse().unwrap(), p[lon].parse().unwrap());
        assert!(
            bbox[0] < x && x < bbox[2] && bbox[1] < y && y < bbox[3],
            "{x} {y} outside {bbox:?}"
        );
    }
    let ms = markers(&doc);
    assert_apart(&ms);
    assert_counts_every_placed_event_once(&ms, &events_by_place(&w.join("dataset")));
    let land = land_box(&doc);
    for m in &ms {
        assert!(
            land.0 <= m.x && m.x <= land.2 && land.1 <= m.y && m.y <= land.3,
            "({}, {}) beyond the land {land:?}",
            m.x,
            m.y
        );
    }
}

#[test]
fn without_coordinates_there_is_no_map() {
    let w = format6("pictures6-nomap", |_| {});
    move_places(&w, |lat, lon| {
        lat.clear();
        lon.clear();
    });
    let (timeline, map) = pictures(w.path());
    assert!(map.is_none());
    assert!(timeline.contains("class=\"month\""));
    let site = w.join("site");
    w.stdout(&["site", "--out", site.to_str().unwrap()]);
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(!html.contains("id=\"fig-map\""));
}

/// axe-core on the format 6 page of the dataset and of the same data in South America: no
/// `nested-interactive`, nothing in the pictures; the maps are saved under `target/`.
#[test]
fn axe_core_finds_no_nested_interactive_on_the_page() {
    require_tool("Chromium", "chromium");
    require_tool(
        "playwright-core",
        "tests/browser/node_modules/playwright-core",
    );
    require_tool("axe-core", "tests/browser/node_modules/axe-core/axe.min.js");
    for (w, png) in [
        (format6("pictures6-axe", |_| {}), "pictures6-map.png"),
        (
            in_south_america("pictures6-axe-world"),
            "pictures6-world-map.png",
        ),
    ] {
        let site = w.join("site");
        w.stdout(&["site", "--out", site.to_str().unwrap()]);
        let shot = crate::browser::target_dir().join(png);
        let out = std::process::Command::new(require_tool("Node.js 18 or later", "node"))
            .arg(root().join("tests/browser/pictures6.mjs"))
            .args([&site, &shot])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        println!("{said}{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "browser checks failed:\n{said}");
        assert!(shot.exists());
    }
}

#[test]
fn a_format_6_bundle_carries_the_new_pictures_and_says_what_they_show_in_general_words() {
    let d = tempfile::tempdir().unwrap();
    let b = crate::site::release_at_format(d.path(), 6);
    let timeline = std::fs::read_to_string(b.join("timeline.svg")).unwrap();
    assert!(timeline.contains("<rect class=\"month\" data-month="));
    let map = std::fs::read_to_string(b.join("map.svg")).unwrap();
    assert!(map.contains("<a class=\"marker\" href=\"#places="));
    let readme = std::fs::read_to_string(b.join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("| `timeline.svg`, `map.svg` |"))
        .unwrap();
    for word in ["killed", "ceasefire", "region", "side"] {
        assert!(!line.contains(word), "{line}");
    }
}

#[test]
fn without_groups_the_smallest_types_share_one_colour_as_other_and_no_colour_means_two() {
    let w = format6("pictures6-nogroups", |m| {
        m["site"].as_object_mut().unwrap().remove("groups");
    });
    let (timeline, _) = pictures(w.path());
    let doc = parse(&timeline);
    // The legend: a 14-unit swatch and its label per entry, the events chart's first.
    let swatches: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("width") == Some("14"))
        .map(|r| {
            let label = r
                .next_sibling_element()
                .unwrap()
                .text()
                .unwrap()
                .to_string();
            (r.attribute("fill").unwrap().to_string(), label)
        })
        .collect();
    let fills: BTreeSet<&str> = swatches.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        fills.len(),
        swatches.len(),
        "a colour with two labels: {swatches:?}"
    );
    assert!(
        swatches.iter().any(|s| s.1.starts_with("Other (")),
        "{swatches:?}"
    );
    // Every column is in a colour the legend names.
    for r in doc.descendants().filter(|n| {
        n.has_tag_name("rect") && n.attribute("fill").is_some_and(|f| f.starts_with('#'))
    }) {
        assert!(fills.contains(r.attribute("fill").unwrap()), "{r:?}");
    }
}

#[test]
fn markers_are_named_by_the_column_the_site_section_names() {
    // `place_name` names a column of the expanded rows (here the province, for the test):
    // the markers' labels use it; `place` names the place-id column explicitly, as inferred.
    let w = format6("pictures6-names", |m| {
        m["site"]["place"] = "place_ids".into();
        m["site"]["place_name"] = "admin1".into();
    });
    let (_, map) = pictures(w.path());
    let map = map.unwrap();
    let ms = markers(&parse(&map));
    assert!(
        ms.iter().any(|m| m.label.contains("Tavush")),
        "{:?}",
        ms.iter().map(|m| &m.label).collect::<Vec<_>>()
    );
    assert_counts_every_placed_event_once(&ms, &events_by_place(&w.join("dataset")));
    let w = format6("pictures6-badname", |m| {
        m["site"]["place_name"] = "town".into()
    });
    let out = tempfile::tempdir().unwrap();
    let e = svg::write_pictures(w.path(), out.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"site\".place_name names \"town\", which is not a column here"),
        "{e}"
    );
}
