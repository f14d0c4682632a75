//! `index.html` of the dataset's page, with `site.css` and `site.js` beside it.
//!
//! Everything on the page comes from the metadata, the schemas and the tables: the title and
//! description, the citation (the same code as `aabc cite`), the downloads with their SHA-256,
//! the headline figures (the metadata's `summary`), the coverage of the source's totals, the
//! timeline and the map, and the events table. Which columns the table shows and filters on is
//! read from the schema and the metadata, never named here:
//! - filters: the year of `summary.year_of`, each `summary.count_by` column, and each
//!   vocabulary column a foreign key's `expand` adds (the primary place's country, precision);
//! - search: the free-text columns (strings with no vocabulary and no pattern);
//! - sort: the date, and the totals of the `sum` rules (e.g. the killed total).
//!
//! The table is rendered here, so the page reads without JavaScript; the script filters,
//! sorts, and opens an event's full record at its permalink (`#<key>`), from the rows embedded
//! as JSON in the page (`fetch` does not work from `file://`). From release format 4 the
//! rendered table is inside `<noscript>` and the script lays out only the rows it shows (see
//! `table`); format 3 pages keep their published stylesheet and script (`assets/format3/`).

use crate::error::{Error, Result};
use crate::release::cite::{render, Cited, Style};
use crate::release::coverage;
use crate::release::tables::{Table, Tables};
use crate::schema::metadata::{nonempty, Metadata};
use crate::schema::rows::Rows;
use crate::schema::{Kind, RuleSpec, Schema};
use crate::versions::record::Record;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::fmt::Write;

mod everyone;
mod evidence;
mod labels;
mod pack;
mod table;
use labels::{column_title, term_labels};
use table::table;

const TEMPLATE: &str = include_str!("assets/index.html");
const CSS: &str = include_str!("assets/site.css");
const JS: &str = include_str!("assets/site.js");
/// The template, stylesheet and script of release formats 3 to 5 (the template) and of format 5
/// (the stylesheet and script), kept as published (3.0.0 rebuilds with them).
const TEMPLATE_FORMAT5: &str = include_str!("assets/format5/index.html");
const CSS_FORMAT5: &str = include_str!("assets/format5/site.css");
const JS_FORMAT5: &str = include_str!("assets/format5/site.js");
/// The stylesheet and script of release format 3, kept as published (2.1.0 rebuilds with them).
const CSS_FORMAT3: &str = include_str!("assets/format3/site.css");
const JS_FORMAT3: &str = include_str!("assets/format3/site.js");
/// The stylesheet and script of release format 4, kept as published (2.2.0 rebuilds with them).
const CSS_FORMAT4: &str = include_str!("assets/format4/site.css");
const JS_FORMAT4: &str = include_str!("assets/format4/site.js");

/// Stands for the event's key in the citation templates the script fills in.
const EVENT_MARK: &str = "ZZEVENTIDZZ";

/// One file offered for download: where the page links to, its name, size and SHA-256.
pub struct Download {
    pub href: String,
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What the page is built from.
pub struct Inputs<'a> {
    pub meta: &'a Metadata,
    /// The version's release date (its CHANGELOG section), when it has one.
    pub released: Option<NaiveDate>,
    /// The dataset's tables (the link tables of a bundle may follow; they are not shown).
    pub tables: &'a Tables,
    pub downloads: &'a [Download],
}

/// The files of the page, relative to its folder, in a fixed order.
pub fn build(inputs: &Inputs<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    let meta = inputs.meta;
    let main_name = main_table(meta);
    let main = inputs.tables.get(&main_name)?;
    let (schema, rows_csv) = main.typed()?;
    let rows_csv = rows_csv.as_ref();
    let rows = read_rows(schema, rows_csv, &main.name)?;
    let layout = Layout::of(meta, &main.schema, schema);
    let quotes = evidence::quotes(meta, inputs.tables, &main_name, &main.schema)?;

    let title = esc(&meta.title);
    let format = meta.format();
    let everyone = format.has_page_for_everyone();
    // The pictures need the metadata's `site` section (which columns draw what); without it
    // the page has none (and, from release format 6, no heading or link for them either).
    let (timeline, map) = match &meta.site {
        Some(site) => (
            figure(
                "timeline",
                &super::svg::timeline(meta.format(), site, schema, rows_csv)?,
            ),
            super::svg::map(meta.format(), site, schema, rows_csv)?
                .map(|m| figure("map", &m))
                .unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    let mut parts: Vec<(&str, String)> = vec![
        ("title", format!("{title} {}", esc(&meta.version))),
        ("heading", title.clone()),
        ("about", about(meta, inputs.released, rows.len())),
        ("cite", citation_section(meta, inputs.released)),
        ("figures", figures(meta, main, &rows.len(), everyone)?),
        (
            "table",
            table(schema, &rows, &layout, format, quotes.as_ref()),
        ),
        (
            "data",
            data_json(inputs, schema, &rows, &layout, quotes.as_ref())?,
        ),
        ("footer", footer(meta)),
    ];
    if everyone {
        let main_download = format!("{main_name}.");
        parts.extend([
            ("nav", everyone::nav(meta.site.is_some())),
            ("pictures", everyone::pictures(&timeline, &map)),
            (
                "downloads",
                everyone::downloads(inputs.downloads, &main_download),
            ),
            (
                "filters",
                everyone::filters(inputs.tables, main, schema, &rows, &layout)?,
            ),
        ]);
    } else {
        parts.extend([
            ("downloads", downloads(inputs.downloads)),
            ("timeline", timeline),
            ("map", map),
            ("filters", filters(schema, &rows, &layout)),
        ]);
    }
    let (template, css, js) = if everyone {
        (TEMPLATE, CSS, JS)
    } else if format.has_evidence() {
        (TEMPLATE_FORMAT5, CSS_FORMAT5, JS_FORMAT5)
    } else if format.has_lazy_page() {
        (TEMPLATE_FORMAT5, CSS_FORMAT4, JS_FORMAT4)
    } else {
        (TEMPLATE_FORMAT5, CSS_FORMAT3, JS_FORMAT3)
    };
    let html = fill(template, &parts);
    Ok(vec![
        ("index.html".into(), html.into_bytes()),
        ("site.css".into(), css.as_bytes().to_vec()),
        ("site.js".into(), js.as_bytes().to_vec()),
    ])
}

/// The template with each `{{name}}` replaced by its part. The template is read once, from
/// left to right, so a part's own text (the data's) is never taken for a mark.
fn fill(template: &str, parts: &[(&str, String)]) -> String {
    let mut out =
        String::with_capacity(template.len() + parts.iter().map(|p| p.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find("}}").expect("the template closes its marks");
        let name = &after[..end];
        let part = parts
            .iter()
            .find(|p| p.0 == name)
            .expect("the template names only known parts");
        out.push_str(&part.1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The table the page is about: the summary's, else the protected one, else the first.
fn main_table(meta: &Metadata) -> String {
    meta.summary
        .as_ref()
        .map(|s| s.table.clone())
        .or_else(|| meta.releases.as_ref().map(|r| r.table.clone()))
        .unwrap_or_else(|| meta.resources[0].name.clone())
}

fn read_rows(schema: &Schema, csv: &[u8], name: &str) -> Result<Vec<Vec<String>>> {
    let mut rows = Rows::new(schema, csv, name)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next_row()? {
        out.push(r.iter().map(str::to_string).collect());
    }
    Ok(out)
}

/// Which columns of the (expanded) rows the page shows, filters, searches and sorts on.
struct Layout {
    key: usize,
    /// The date whose year the timeline and the year filter use.
    date: Option<usize>,
    filters: Vec<usize>,
    search: Vec<usize>,
    sort: Vec<usize>,
    shown: Vec<usize>,
}

impl Layout {
    fn of(meta: &Metadata, canonical: &Schema, schema: &Schema) -> Layout {
        let idx = |name: &str| schema.column_index(name);
        let key = canonical
            .primary_key
            .first()
            .and_then(|&i| idx(&canonical.columns[i].name))
            .unwrap_or(0);
        let summary = meta.summary.as_ref();
        let date = summary
            .and_then(|s| s.year_of.as_deref())
            .and_then(idx)
            .or_else(|| schema.columns.iter().position(|c| c.kind == Kind::Date));
        let mut filters: Vec<usize> = summary
            .map(|s| s.count_by.iter().filter_map(|n| idx(n)).collect())
            .unwrap_or_default();
        // The vocabulary columns an `expand` adds (not in the canonical table).
        let added: Vec<usize> = (0..schema.columns.len())
            .filter(|&i| {
                let c = &schema.columns[i];
                canonical.column_index(&c.name).is_none() && c.terms.is_some()
            })
            .collect();
        for i in added {
            if !filters.contains(&i) {
                filters.push(i);
            }
        }
        let search: Vec<usize> = canonical
            .columns
            .iter()
            .filter(|c| {
                c.kind == Kind::String && c.terms.is_none() && c.schema.get("pattern").is_none()
            })
            .filter_map(|c| idx(&c.name))
            .filter(|&i| i != key)
            .collect();
        let totals: Vec<usize> = canonical
            .rules
            .iter()
            .filter_map(|r| match r {
                RuleSpec::Sum { total, .. } => idx(&canonical.columns[*total].name),
                _ => None,
            })
            .collect();
        let mut sort: Vec<usize> = date.into_iter().collect();
        sort.extend(totals.iter().copied());
        let mut shown = vec![key];
        for i in date
            .into_iter()
            .chain(filters.iter().copied())
            .chain(totals)
        {
            if !shown.contains(&i) {
                shown.push(i);
            }
        }
        for &i in &search {
            if !shown.contains(&i) {
                shown.push(i);
            }
        }
        Layout {
            key,
            date,
            filters,
            search,
            sort,
            shown,
        }
    }
}

/// Text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link when the text is a web address, else the text.
fn link_or_text(s: &str) -> String {
    if s.starts_with("https://") || s.starts_with("http://") {
        format!("<a href=\"{0}\" rel=\"noopener\">{0}</a>", esc(s))
    } else {
        esc(s)
    }
}

fn about(meta: &Metadata, released: Option<NaiveDate>, rows: usize) -> String {
    let mut s = format!(
        "<p class=\"lead\">{}</p>\n<dl class=\"facts\">",
        esc(&meta.description)
    );
    let released = released.map_or_else(|| "not yet released".to_string(), |d| d.to_string());
    let period = match (meta.coverage.start, meta.coverage.end) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("from {a}"),
        (None, Some(b)) => format!("until {b}"),
        (None, None) => "not stated".into(),
    };
    let licences: Vec<String> = meta
        .licenses
        .iter()
        .map(|l| match &l.title {
            Some(t) => format!("{} ({})", esc(t), esc(&l.name)),
            None => esc(&l.name),
        })
        .collect();
    for (k, v) in [
        ("Version", esc(&meta.version)),
        ("Released", esc(&released)),
        ("Rows", rows.to_string()),
        ("Period covered", esc(&period)),
        ("Licence", licences.join(", ")),
    ] {
        let _ = write!(s, "<div><dt>{k}</dt><dd>{v}</dd></div>");
    }
    if let Some(h) = nonempty(&meta.homepage) {
        let _ = write!(s, "<div><dt>Home</dt><dd>{}</dd></div>", link_or_text(h));
    }
    if let Some(d) = nonempty(&meta.doi) {
        let _ = write!(s, "<div><dt>DOI</dt><dd>{}</dd></div>", esc(d));
    }
    s.push_str("</dl>\n");
    if let Some(a) = nonempty(&meta.attribution) {
        let _ = writeln!(s, "<p>{}</p>", esc(a));
    }
    for l in &meta.licenses {
        if let Some(n) = &l.notice {
            let _ = writeln!(
                s,
                "<details><summary>About the licence</summary><p>{}</p></details>",
                esc(n)
            );
        }
    }
    if let Some(u) = nonempty(&meta.unit_of_analysis) {
        let _ = write!(
            s,
            "<details><summary>Unit of analysis: what one row is</summary>"
        );
        for p in u.split("\n\n") {
            let _ = write!(s, "<p>{}</p>", esc(p));
        }
        s.push_str("</details>\n");
    }
    s
}

/// The citation of the version (or of one event, with [`EVENT_MARK`] for its key), as
/// `aabc cite` writes it, without the archive's SHA-256 (the page is part of the archive).
fn cite(meta: &Metadata, released: Option<NaiveDate>, event: Option<&str>, style: Style) -> String {
    let mut m = meta.clone();
    // The page always gives the complete citation (creators, publisher, sources).
    if !m.format().has_expansions() {
        m.release_format = Some(2);
    }
    let record = Record {
        version: m.version.clone(),
        date: released.map_or_else(|| "n.d.".to_string(), |d| d.to_string()),
        commit: String::new(),
        zip_sha256: String::new(),
        rows: 0,
        doi: None,
    };
    render(
        &Cited {
            meta: &m,
            record: &record,
            event,
            doi: None,
        },
        style,
    )
}

fn copyable(id: &str, label: &str, text: &str) -> String {
    format!(
        "<div class=\"copyable\"><pre id=\"{id}\" tabindex=\"0\" aria-label=\"{label}\">{}</pre><button type=\"button\" class=\"copy\" data-copy=\"{id}\" hidden>Copy {label}</button></div>\n",
        esc(text.trim_end())
    )
}

fn citation_section(meta: &Metadata, released: Option<NaiveDate>) -> String {
    let mut s = String::from("<p>Cite the version you used. The release archive's SHA-256 is in the project's release record (<code>aabc cite --format bibtex</code> prints it).</p>\n");
    s.push_str("<h3>Text</h3>\n");
    s.push_str(&copyable(
        "cite-text",
        "citation",
        &cite(meta, released, None, Style::Text),
    ));
    s.push_str("<h3>BibTeX</h3>\n");
    s.push_str(&copyable(
        "cite-bibtex",
        "BibTeX",
        &cite(meta, released, None, Style::Bibtex),
    ));
    s
}

fn downloads(list: &[Download]) -> String {
    let mut s = String::from("<table class=\"downloads\"><caption>Files and their SHA-256</caption><thead><tr><th scope=\"col\">file</th><th scope=\"col\">bytes</th><th scope=\"col\">SHA-256</th></tr></thead><tbody>\n");
    for d in list {
        let _ = writeln!(
            s,
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
            esc(&d.href),
            esc(&d.path),
            d.bytes,
            esc(&d.sha256)
        );
    }
    s.push_str("</tbody></table>\n");
    s
}

/// The headline figures and the coverage of the source's totals. In `words` (release format 6
/// on) the figures and columns are named by their schema titles and the wide coverage table
/// scrolls in its own box; before, as published.
fn figures(meta: &Metadata, main: &Table, rows: &usize, words: bool) -> Result<String> {
    let mut s = String::new();
    let named = |name: &str| -> String {
        match main.schema.column_index(name).filter(|_| words) {
            Some(i) => column_title(&main.schema, i),
            None => name.to_string(),
        }
    };
    if let Some(spec) = meta.summary.as_ref().filter(|sp| sp.table == main.name) {
        let c = crate::release::summary::counts(&main.schema, spec, &main.csv)?;
        s.push_str("<dl class=\"headline\">");
        let rows_word = if words { "Rows" } else { "rows" };
        let _ = write!(s, "<div><dt>{rows_word}</dt><dd>{rows}</dd></div>");
        for (name, total, n) in &c.sums {
            let _ = write!(
                s,
                "<div title=\"sum over the {n} rows that give a figure\"><dt>{}</dt><dd>{total}</dd></div>",
                esc(&named(name))
            );
        }
        s.push_str("</dl>\n<p class=\"note\">Sums of the figures the rows give: a blank cell is \"not reported\" and adds nothing.</p>\n");
        if !c.by_year.is_empty() {
            let head = if words {
                "<th scope=\"col\">Year</th><th scope=\"col\">Rows</th>"
            } else {
                "<th scope=\"col\">year</th><th scope=\"col\">rows</th>"
            };
            let _ = write!(s, "<table class=\"small\"><caption>Rows by year</caption><thead><tr>{head}</tr></thead><tbody>");
            for (y, n) in &c.by_year {
                let _ = write!(s, "<tr><td>{}</td><td class=\"num\">{n}</td></tr>", esc(y));
            }
            s.push_str("</tbody></table>\n");
        }
    }
    if let Some(totals) = meta
        .coverage
        .totals
        .as_ref()
        .filter(|t| t.table == main.name)
    {
        let lines = coverage::compute(&main.schema, totals, main.csv.as_slice())?;
        let head = if words {
            [
                "Side",
                "Category",
                "Source says",
                "Where",
                "Columns summed",
                "Event rows",
                "Rows giving a figure",
                "Share",
            ]
        } else {
            [
                "side",
                "category",
                "source says",
                "where",
                "columns summed",
                "event rows",
                "rows giving a figure",
                "share",
            ]
        };
        if words {
            s.push_str("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Coverage of the source's totals\">");
        }
        let _ = write!(
            s,
            "<table class=\"coverage\"><caption>Coverage of the source's totals. Source: {}</caption><thead><tr>",
            esc(&totals.source)
        );
        for h in head {
            let _ = write!(s, "<th scope=\"col\">{h}</th>");
        }
        s.push_str("</tr></thead><tbody>\n");
        for l in &lines {
            let (sum, share) = match l.rows_sum {
                None => ("—".to_string(), "not recorded by any column".to_string()),
                Some(x) if l.total.total > 0 => (
                    x.to_string(),
                    format!("{:.0} %", 100.0 * x as f64 / l.total.total as f64),
                ),
                Some(x) => (x.to_string(), String::new()),
            };
            let note = l
                .total
                .note
                .as_deref()
                .map(|n| format!(" title=\"{}\"", esc(n)))
                .unwrap_or_default();
            let summed: Vec<String> = l.total.columns.iter().map(|c| named(c)).collect();
            let summed = if words {
                esc(&summed.join(" + "))
            } else {
                format!("<code>{}</code>", esc(&summed.join(" + ")))
            };
            let _ = writeln!(
                s,
                "<tr{note}><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{summed}</td><td class=\"num\">{sum}</td><td class=\"num\">{}</td><td class=\"num\">{share}</td></tr>",
                esc(&l.total.side),
                esc(&l.total.category),
                esc(&l.stated()),
                esc(&l.total.section),
                l.rows_giving
            );
        }
        s.push_str("</tbody></table>\n");
        if words {
            s.push_str("</div>\n");
        }
    }
    Ok(s)
}

fn figure(id: &str, f: &super::svg::Figure) -> String {
    format!(
        "<figure id=\"fig-{id}\" aria-labelledby=\"cap-{id}\"><div class=\"svg\">{}</div><figcaption id=\"cap-{id}\"><strong>{}</strong>. {}</figcaption></figure>\n",
        f.svg,
        esc(&f.title),
        esc(&f.description)
    )
}

/// A value as shown: its title in a tooltip when the vocabulary gives one.
fn shown_value(schema: &Schema, col: usize, v: &str) -> String {
    match schema.columns[col].title_of(v) {
        Some(t) => format!("<abbr title=\"{}\">{}</abbr>", esc(t), esc(v)),
        None => esc(v),
    }
}

fn filter_value(schema: &Schema, layout: &Layout, col: usize, row: &[String]) -> String {
    let v = row.get(col).map(String::as_str).unwrap_or("");
    if Some(col) == layout.date {
        return v.get(..4).unwrap_or(v).to_string();
    }
    let _ = schema;
    v.to_string()
}

fn filters(schema: &Schema, rows: &[Vec<String>], layout: &Layout) -> String {
    let mut s = String::from("<form id=\"filters\" class=\"filters\" role=\"search\" aria-controls=\"events-table\" hidden>\n");
    let mut cols: Vec<(usize, String)> = Vec::new();
    if let Some(d) = layout.date {
        cols.push((d, format!("year of {}", schema.columns[d].name)));
    }
    cols.extend(
        layout
            .filters
            .iter()
            .map(|&i| (i, schema.columns[i].name.clone())),
    );
    for (col, label) in cols {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for r in rows {
            *counts
                .entry(filter_value(schema, layout, col, r))
                .or_default() += 1;
        }
        // Vocabulary order when there is one, else sorted.
        let mut values: Vec<String> = match &schema.columns[col].terms {
            Some(terms) if Some(col) != layout.date => terms
                .iter()
                .map(|t| t.value.clone())
                .filter(|v| counts.contains_key(v))
                .collect(),
            _ => Vec::new(),
        };
        for v in counts.keys() {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
        let _ = write!(
            s,
            "<label>{}<select name=\"{}\" data-col=\"{col}\" data-year=\"{}\"><option value=\"\">all</option>",
            esc(&label),
            esc(&schema.columns[col].name),
            Some(col) == layout.date
        );
        for v in values {
            let name = if v.is_empty() {
                "(blank)".to_string()
            } else {
                match schema.columns[col].title_of(&v) {
                    Some(t) => format!("{v} — {t}"),
                    None => v.clone(),
                }
            };
            // A blank cell is "(blank)" in the script too ("" is "all").
            let value = if v.is_empty() { "(blank)" } else { v.as_str() };
            let _ = write!(
                s,
                "<option value=\"{}\">{} ({})</option>",
                esc(value),
                esc(&name),
                counts[&v]
            );
        }
        s.push_str("</select></label>\n");
    }
    if !layout.search.is_empty() {
        let names: Vec<&str> = layout
            .search
            .iter()
            .map(|&i| schema.columns[i].name.as_str())
            .collect();
        let _ = writeln!(
            s,
            "<label>search {}<input type=\"search\" id=\"search\" data-cols=\"{}\"></label>",
            esc(&names.join(", ")),
            layout
                .search
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    s.push_str("<button type=\"reset\">Clear</button>\n</form>\n");
    s
}

/// The columns as the script reads them. `labelled` (release format 6 on): each with its
/// title, and each vocabulary value's title in the page's words (see `labels`).
fn columns_json(schema: &Schema, labelled: bool) -> Value {
    Value::Array(
        schema
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if labelled {
                    let labels = term_labels(c);
                    return json!({
                        "name": c.name,
                        "title": column_title(schema, i),
                        "kind": c.kind.name(),
                        "description": c.description,
                        "blank": c.null_description,
                        "terms": c.terms.as_ref().map(|ts| ts.iter().map(|t| json!([t.value, labels.get(&t.value), t.description])).collect::<Vec<_>>()),
                    });
                }
                json!({
                    "name": c.name,
                    "kind": c.kind.name(),
                    "description": c.description,
                    "blank": c.null_description,
                    "terms": c.terms.as_ref().map(|ts| ts.iter().map(|t| json!([t.value, t.title, t.description])).collect::<Vec<_>>()),
                })
            })
            .collect(),
    )
}

/// The rows and everything the script needs, as JSON safe inside `<script>`.
fn data_json(
    inputs: &Inputs<'_>,
    schema: &Schema,
    rows: &[Vec<String>],
    layout: &Layout,
    quotes: Option<&evidence::Quotes>,
) -> Result<String> {
    let main_name = main_table(inputs.meta);
    let labelled = inputs.meta.format().has_page_for_everyone();
    let mut tables = serde_json::Map::new();
    let mut links = Vec::new();
    for t in inputs.tables.iter() {
        if t.name == main_name {
            for fk in &t.schema.foreign_keys {
                let field = &t.schema.columns[fk.field];
                links.push(json!({
                    "col": schema.column_index(&field.name),
                    "resource": fk.resource,
                    "delimiter": field.delimiter,
                }));
            }
            continue;
        }
        if !inputs.meta.resources.iter().any(|r| r.name == t.name) {
            continue;
        }
        let rows = read_rows(&t.schema, &t.csv, &t.name)?;
        let key = t.schema.primary_key.first().copied().unwrap_or(0);
        let label = label_column(&t.schema);
        tables.insert(
            t.name.to_string(),
            json!({"key": key, "label": label, "columns": columns_json(&t.schema, labelled), "rows": rows}),
        );
    }
    let cite_text = cite(inputs.meta, inputs.released, Some(EVENT_MARK), Style::Text);
    let cite_bibtex = cite(
        inputs.meta,
        inputs.released,
        Some(EVENT_MARK),
        Style::Bibtex,
    );
    let mut v = json!({
        "name": main_name,
        "key": layout.key,
        "date": layout.date,
        "columns": columns_json(schema, labelled),
        "rows": rows,
        "links": links,
        "tables": tables,
        "cite": {"mark": EVENT_MARK, "text": cite_text, "bibtex": cite_bibtex},
    });
    // Release format 5 on: the quotes behind each row (a format 4 page keeps its bytes).
    if let Some(q) = quotes {
        v["evidence"] = evidence::json(q);
    }
    // Release format 6 on: the rows packed by column, and how to write the shown rows as the main
    // table's CSV (its header, and where each of its columns is in the rows).
    if labelled {
        v.as_object_mut().expect("an object").remove("rows");
        v["packed"] = pack::pack(rows, schema.columns.len());
        let canonical = &inputs.tables.get(&main_name)?.schema;
        let header: Vec<&str> = canonical.columns.iter().map(|c| c.name.as_str()).collect();
        let at: Vec<Option<usize>> = header.iter().map(|n| schema.column_index(n)).collect();
        v["csv"] = json!({"header": header, "cols": at});
    }
    let text = serde_json::to_string(&v).map_err(|e| Error::Other(e.to_string()))?;
    // Nothing in the data may close the script element or open a comment: no `<` at all
    // (it occurs only inside JSON strings, where `\u003c` reads the same).
    Ok(text.replace('<', "\\u003c"))
}

/// A row's name in a table: its first free-text column that is not the key.
fn label_column(schema: &Schema) -> Option<usize> {
    let key = schema.primary_key.first().copied().unwrap_or(0);
    schema
        .columns
        .iter()
        .enumerate()
        .position(|(i, c)| i != key && c.kind == Kind::String && c.terms.is_none())
}

fn footer(meta: &Metadata) -> String {
    let mut s = format!(
        "<p>{} {} · built by <code>aabc</code> from the dataset's metadata, schemas and tables.</p>",
        esc(&meta.name),
        esc(&meta.version)
    );
    for src in &meta.sources {
        let _ = write!(
            s,
            "<p class=\"note\">Source: {}</p>",
            esc(&crate::release::citation::source_reference(src))
        );
    }
    s
}

/// The page of a dataset on its own (`aabc site`): the page's files and, under `data/`, the
/// canonical CSV of every table, which the download list offers with its SHA-256. The release
/// date is read from `changelog` when it dates the version.
pub fn of_dataset(
    dataset: &crate::schema::metadata::Dataset,
    changelog: &std::path::Path,
) -> Result<Vec<(String, Vec<u8>)>> {
    use crate::release::checksum::sha256_hex;
    let meta = &dataset.meta;
    let tables = Tables::load(dataset)?;
    let mut files = Vec::new();
    let mut list = Vec::new();
    for t in tables.iter() {
        let path = format!("data/{}.csv", t.name);
        list.push(Download {
            href: path.clone(),
            path: format!("{}.csv", t.name),
            bytes: t.csv.len() as u64,
            sha256: sha256_hex(&t.csv),
        });
        files.push((path, t.csv.clone()));
    }
    let released = crate::release::changelog::release_date(changelog, &meta.version).ok();
    let mut page = build(&Inputs {
        meta,
        released,
        tables: &tables,
        downloads: &list,
    })?;
    page.extend(files);
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_reads_marks_in_the_template_only() {
        let parts = vec![("a", "{{b}}".to_string()), ("b", "<b>".to_string())];
        assert_eq!(fill("1{{a}}2{{b}}3", &parts), "1{{b}}2<b>3");
    }

    #[test]
    fn every_mark_of_the_template_is_filled() {
        let names = [
            "title",
            "heading",
            "about",
            "cite",
            "downloads",
            "figures",
            "timeline",
            "map",
            "filters",
            "table",
            "data",
            "footer",
        ];
        let parts: Vec<(&str, String)> = names.iter().map(|n| (*n, String::new())).collect();
        assert!(!fill(TEMPLATE_FORMAT5, &parts).contains("{{"));
        let mut parts: Vec<(&str, String)> = names
            .iter()
            .filter(|n| !["timeline", "map"].contains(n))
            .map(|n| (*n, String::new()))
            .collect();
        parts.extend([("nav", String::new()), ("pictures", String::new())]);
        assert!(!fill(TEMPLATE, &parts).contains("{{"));
    }

    #[test]
    fn esc_escapes_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
