//! The parts of the page that release format 6 words anew ("the page for everyone"): the
//! section links (no Timeline or Map without pictures), the downloads as a list that starts
//! with the main table, and the filters in the schemas' words, with search over ids, dates,
//! linked names and notes, a date range, and one filter per linked table (places, actors).
//! Formats up to 5 keep the parts in `page.rs` as published.

use super::{column_title, esc, label_column, read_rows, term_labels, Download, Layout};
use crate::error::Result;
use crate::release::tables::{Table, Tables};
use crate::schema::{Kind, Schema};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The links to the sections, the pictures' only when the page has them.
pub(super) fn nav(pictures: bool) -> String {
    let mut s = String::from(
        "<a href=\"#about\">About</a> <a href=\"#cite\">Cite</a> <a href=\"#downloads\">Downloads</a> <a href=\"#figures\">Figures</a> ",
    );
    if pictures {
        s.push_str("<a href=\"#timeline\">Timeline</a> <a href=\"#map\">Map</a> ");
    }
    s.push_str("<a href=\"#events\">Events</a>");
    s
}

/// The Timeline and Map sections, each only when its figure was drawn.
pub(super) fn pictures(timeline: &str, map: &str) -> String {
    let mut s = String::new();
    if !timeline.is_empty() {
        let _ = write!(
            s,
            "<section id=\"timeline\" aria-labelledby=\"h-timeline\">\n<h2 id=\"h-timeline\">Timeline</h2>\n<div id=\"timeline-live\"></div>\n{timeline}</section>\n"
        );
    }
    if !map.is_empty() {
        let _ = write!(
            s,
            "<section id=\"map\" aria-labelledby=\"h-map\">\n<h2 id=\"h-map\">Map</h2>\n<p class=\"note\">The map shows the rows that match the filters. Select a point (or focus it and press Enter) to open its rows.</p>\n{map}</section>\n"
        );
    }
    s
}

/// Sizes as people read them: bytes, then kB, MB, GB (powers of 1,000, one decimal).
pub(super) fn human_size(bytes: u64) -> String {
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut x = bytes as f64 / 1000.0;
    for unit in ["kB", "MB", "GB"] {
        if x < 1000.0 || unit == "GB" {
            return format!("{x:.1} {unit}");
        }
        x /= 1000.0;
    }
    unreachable!("the last unit returns")
}

/// The files to download, as a list: first "start here" (the main table's files, whose names
/// start with `main`: its CSV, its Parquet, the others; then the README), then the rest in the
/// bundle's order; each with its size and its SHA-256
/// (wrapped, and copyable).
pub(super) fn downloads(list: &[Download], main: &str) -> String {
    // The main table's own files beside the page's folder (not its schemas), and the README
    // (the codebook).
    let starts =
        |d: &Download| !d.path.contains('/') && (d.path.starts_with(main) || d.path == "README.md");
    let (mut first, rest): (Vec<&Download>, Vec<&Download>) = list.iter().partition(|d| starts(d));
    // The CSV (any spreadsheet), then the Parquet (typed), then the main table's other files.
    let rank = |d: &Download| match d.path.rsplit('.').next() {
        Some("csv") => 0,
        Some("parquet") => 1,
        Some("md") => 3,
        _ => 2,
    };
    first.sort_by_key(|d| rank(d));
    let mut s = String::new();
    if !first.is_empty() {
        s.push_str("<h3>Start here</h3>\n<p class=\"note\">The main table's files (the CSV opens in any spreadsheet) and the README that explains them.</p>\n");
        item_list(&mut s, &first, 0);
    }
    if !rest.is_empty() {
        let _ = writeln!(
            s,
            "<details class=\"all-files\"{}><summary>{} {} files</summary>",
            if first.is_empty() { " open" } else { "" },
            if first.is_empty() { "All" } else { "The other" },
            rest.len()
        );
        item_list(&mut s, &rest, first.len());
        s.push_str("</details>\n");
    }
    s
}

fn item_list(s: &mut String, list: &[&Download], from: usize) {
    s.push_str("<ul class=\"downloads\">\n");
    for (n, d) in list.iter().enumerate() {
        let id = format!("sha-{}", from + n);
        let _ = writeln!(
            s,
            "<li><a href=\"{}\">{}</a> <span class=\"size\">{}</span><div class=\"sha\"><span class=\"note\">SHA-256</span> <code id=\"{id}\">{}</code> <button type=\"button\" class=\"copy\" data-copy=\"{id}\" aria-label=\"Copy the SHA-256 of {}\" hidden>Copy</button></div></li>",
            esc(&d.href),
            esc(&d.path),
            human_size(d.bytes),
            esc(&d.sha256),
            esc(&d.path),
        );
    }
    s.push_str("</ul>\n");
}

/// The filters and the search box, in the schemas' words. Each control's `name` is its key
/// in the page's address (`#q=…&event_type=…`), so a copied link reproduces the view.
pub(super) fn filters(
    tables: &Tables,
    main: &Table,
    schema: &Schema,
    rows: &[Vec<String>],
    layout: &Layout,
) -> Result<String> {
    let mut s = String::from("<form id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"Filter the events\" aria-controls=\"events-table\" hidden>\n");
    search(&mut s, schema, layout);
    if let Some(d) = layout.date {
        date_range(&mut s, schema, rows, d);
    }
    for &col in &layout.filters {
        vocabulary(&mut s, schema, rows, col);
    }
    for (resource, cols) in links(main, schema) {
        linked(&mut s, tables, schema, rows, &resource, &cols)?;
    }
    s.push_str("<div class=\"actions\"><button type=\"reset\">Clear</button> <button type=\"button\" id=\"download-rows\" hidden>Download these rows (CSV)</button></div>\n</form>\n");
    Ok(s)
}

/// What the search reads: the key, the dates and the free text (the script adds the names of
/// the linked rows).
fn search(s: &mut String, schema: &Schema, layout: &Layout) {
    let mut cols = vec![layout.key];
    cols.extend((0..schema.columns.len()).filter(|&i| schema.columns[i].kind == Kind::Date));
    cols.extend(layout.search.iter().copied());
    cols.dedup();
    let list: Vec<String> = cols.iter().map(usize::to_string).collect();
    let _ = writeln!(
        s,
        "<div class=\"search\"><label for=\"search\">Search ids, dates, places, actors and notes</label><input type=\"search\" id=\"search\" name=\"q\" data-cols=\"{}\" autocomplete=\"off\"></div>",
        list.join(",")
    );
}

fn date_range(s: &mut String, schema: &Schema, rows: &[Vec<String>], col: usize) {
    let dates = rows
        .iter()
        .filter_map(|r| r.get(col))
        .filter(|v| !v.is_empty());
    let min = dates.clone().min().cloned().unwrap_or_default();
    let max = dates.max().cloned().unwrap_or_default();
    let _ = writeln!(
        s,
        "<fieldset class=\"range\"><legend>{}</legend><label>from<input type=\"date\" name=\"from\" data-col=\"{col}\" min=\"{1}\" max=\"{2}\"></label><label>to<input type=\"date\" name=\"to\" data-col=\"{col}\" min=\"{1}\" max=\"{2}\"></label></fieldset>",
        esc(&column_title(schema, col)),
        esc(&min),
        esc(&max)
    );
}

/// A vocabulary column's filter: each value by its title, in the vocabulary's order, with
/// its count.
fn vocabulary(s: &mut String, schema: &Schema, rows: &[Vec<String>], col: usize) {
    let c = &schema.columns[col];
    let labels = term_labels(c);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *counts
            .entry(r.get(col).map_or("", String::as_str))
            .or_default() += 1;
    }
    let mut values: Vec<&str> = c
        .terms
        .iter()
        .flatten()
        .map(|t| t.value.as_str())
        .filter(|v| counts.contains_key(v))
        .collect();
    for v in counts.keys() {
        if !values.contains(v) {
            values.push(v);
        }
    }
    let _ = write!(
        s,
        "<label>{}<select name=\"{}\" data-col=\"{col}\"><option value=\"\">all</option>",
        esc(&column_title(schema, col)),
        esc(&c.name)
    );
    for v in values {
        let name = if v.is_empty() {
            "(blank)"
        } else {
            labels.get(v).map_or(v, String::as_str)
        };
        // A blank cell is "(blank)" in the script too ("" is "all").
        let value = if v.is_empty() { "(blank)" } else { v };
        let _ = write!(
            s,
            "<option value=\"{}\">{} ({})</option>",
            esc(value),
            esc(name),
            counts[v]
        );
    }
    s.push_str("</select></label>\n");
}

/// The tables the main table's foreign keys reference, each with the columns that do, in the
/// schema's order.
fn links(main: &Table, schema: &Schema) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for fk in &main.schema.foreign_keys {
        let Some(col) = schema.column_index(&main.schema.columns[fk.field].name) else {
            continue;
        };
        match out.iter_mut().find(|(r, _)| *r == fk.resource) {
            Some((_, cols)) => cols.push(col),
            None => out.push((fk.resource.clone(), vec![col])),
        }
    }
    out
}

/// One filter for a linked table (e.g. places, actors): its rows by name, each with the
/// number of rows that reference it in any of `cols`. The filter is named after the table,
/// labelled with the first column's title.
fn linked(
    s: &mut String,
    tables: &Tables,
    schema: &Schema,
    rows: &[Vec<String>],
    resource: &str,
    cols: &[usize],
) -> Result<()> {
    let t = tables.get(resource)?;
    let Some(label) = label_column(&t.schema) else {
        return Ok(());
    };
    let key = t.schema.primary_key.first().copied().unwrap_or(0);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        let mut ids: Vec<&str> = cols
            .iter()
            .filter_map(|&c| r.get(c).map(|v| (v, &schema.columns[c].delimiter)))
            .flat_map(|(v, d)| v.split(d.as_str()))
            .filter(|v| !v.is_empty())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            *counts.entry(id).or_default() += 1;
        }
    }
    let mut named: Vec<(String, String)> = read_rows(&t.schema, &t.csv, &t.name)?
        .into_iter()
        .filter(|r| counts.contains_key(r[key].as_str()))
        .map(|r| (r[label].clone(), r[key].clone()))
        .collect();
    named.sort();
    let _ = write!(
        s,
        "<label>{}<select name=\"{}\" data-link=\"{}\"><option value=\"\">all</option>",
        esc(&column_title(schema, cols[0])),
        esc(resource),
        esc(resource)
    );
    for (name, id) in named {
        let _ = write!(
            s,
            "<option value=\"{}\">{} ({})</option>",
            esc(&id),
            esc(&name),
            counts[id.as_str()]
        );
    }
    s.push_str("</select></label>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1000), "1.0 kB");
        assert_eq!(human_size(559_904), "559.9 kB");
        assert_eq!(human_size(13_471_000), "13.5 MB");
        assert_eq!(human_size(2_000_000_000_000), "2000.0 GB");
    }

    #[test]
    fn downloads_start_with_the_main_tables_csv_and_parquet() {
        let file = |path: &str| Download {
            href: path.into(),
            path: path.into(),
            bytes: 1,
            sha256: "0".into(),
        };
        let list = [
            "README.md",
            "events.geojson",
            "events.parquet",
            "events.csv",
            "events_actors.csv",
            "schema/events.schema.json",
        ]
        .map(file);
        let html = downloads(&list, "events.");
        let at = |name: &str| html.find(&format!(">{name}<")).unwrap();
        assert!(html.find("Start here").unwrap() < at("events.csv"));
        assert!(at("events.csv") < at("events.parquet"));
        assert!(at("events.parquet") < at("events.geojson"));
        assert!(at("events.geojson") < at("README.md"));
        assert!(at("README.md") < html.find("The other 2 files").unwrap());
        assert!(html.find("The other 2 files").unwrap() < at("events_actors.csv"));
        assert!(at("events_actors.csv") < at("schema/events.schema.json"));
    }

    #[test]
    fn nav_links_the_pictures_only_when_there_are_some() {
        assert!(nav(true).contains("#timeline"));
        assert!(!nav(false).contains("#timeline"));
        assert!(!nav(false).contains("#map"));
        assert_eq!(pictures("", ""), "");
    }
}
