//! The release's two static pictures, drawn with `plotters` into SVG strings:
//!
//! - the **timeline**: events per month, stacked by group of type; killed per month, stacked by
//!   side; a dashed line on the day of every marked event (ceasefires, agreements);
//! - the **map**: the vendored Natural Earth borders ([`super::basemap`]) and one circle per
//!   event with coordinates, coloured by group of type, its area growing with the casualty
//!   count, hollow when only the region is known.
//!
//! That is what release formats 3 to 5 draw, byte for byte as published. From format 6
//! ([`ReleaseFormat::has_accessible_pictures`]) the pictures are those of [`format6`]: a map of
//! places whose markers are links, on a basemap clipped to the data, and a timeline readable on
//! a phone and by colour-blind readers; its module doc is the contract with the page.
//!
//! Which columns are read comes from the `site` section of `dataset.json` ([`Site`]) and the
//! schema's roles (`x-role` latitude and longitude of the expanded rows): nothing here names a
//! column of the dataset. The bytes depend only on the data: no clock, fixed float formatting,
//! rows in file order. Each picture carries `role="img"`, an `aria-label`, a `<title>` and a
//! `<desc>` that says in words what it shows; each map marker has `class="event"`, `data-id`
//! (the row's key) and its own `<title>`, so a page can wire it up and a test can count it.

use super::basemap;
use crate::error::{Error, Result};
use crate::release::tables::Tables;
use crate::schema::metadata::{Dataset, Metadata, ReleaseFormat, Site};
use crate::schema::Schema;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub mod format6;
mod map;
mod timeline;

/// The timeline of a `site` table as release `format` draws it. `rows_csv` is the table of
/// `schema` (canonical or expanded: only `site`'s columns are read).
pub fn timeline(
    format: ReleaseFormat,
    site: &Site,
    schema: &Schema,
    rows_csv: &[u8],
) -> Result<Figure> {
    if format.has_accessible_pictures() {
        format6::timeline(site, schema, rows_csv)
    } else {
        timeline::timeline(site, schema, rows_csv)
    }
}

/// The map of a `site` table as release `format` draws it, from its expanded rows (`schema`
/// and `rows_csv`, with the coordinate columns). From format 6, `None` when no row has
/// coordinates; before, a table without coordinate columns is refused.
pub fn map(
    format: ReleaseFormat,
    site: &Site,
    schema: &Schema,
    rows_csv: &[u8],
) -> Result<Option<Figure>> {
    if format.has_accessible_pictures() {
        format6::map(site, schema, rows_csv)
    } else {
        map::map(site, schema, rows_csv).map(Some)
    }
}

/// A picture: the SVG document, its title, and a text alternative for readers who cannot see
/// it (also inside the SVG as `<title>` and `<desc>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub svg: String,
    pub title: String,
    pub description: String,
}

/// File names of the pictures, in a bundle and in `docs/`.
pub const TIMELINE_FILE: &str = "timeline.svg";
pub const MAP_FILE: &str = "map.svg";

/// Okabe–Ito, the colour-blind-safe palette (black last: it is the text colour).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];
/// Killed by side: vermilion, blue, bluish green, grey (Okabe–Ito order that keeps the two
/// sides far apart).
const SIDES: [RGBColor; 5] = [
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x99, 0x99, 0x99),
    RGBColor(0xCC, 0x79, 0xA7),
];
const FONT: &str = "sans-serif";
/// The colour the mark lines are drawn in, so that they can be found and dashed afterwards
/// (plotters has no dashed line): nothing else uses it.
const MARK: RGBColor = RGBColor(0x01, 0x01, 0x01);

/// The timeline and the map of a dataset's `site` table, or `None` when the metadata has no
/// `site` section; the map is `None` when there is nothing to map (from release format 6). The
/// map reads the table's expanded rows (its places' coordinates).
pub fn figures(meta: &Metadata, tables: &Tables) -> Result<Option<(Figure, Option<Figure>)>> {
    let Some(site) = &meta.site else {
        return Ok(None);
    };
    let t = tables.get(&site.table)?;
    let timeline = timeline(meta.format(), site, &t.schema, &t.csv)?;
    let (schema, rows) = t.typed()?;
    let map = map(meta.format(), site, schema, &rows)?;
    Ok(Some((timeline, map)))
}

/// The pictures of the dataset under the repository root `dataset_root`, written into
/// `out_dir` as `timeline.svg` and `map.svg`; returns the paths written (none when the
/// metadata has no `site` section, no map when there is nothing to map).
pub fn write_pictures(dataset_root: &Path, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let dataset = Dataset::open(dataset_root)?;
    let Some((timeline, map)) = dataset_figures(&dataset)? else {
        return Ok(Vec::new());
    };
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let mut written = Vec::new();
    for (file, f) in [(TIMELINE_FILE, Some(timeline)), (MAP_FILE, map)] {
        let Some(f) = f else { continue };
        let p = out_dir.join(file);
        crate::table::atomic::write_file(&p, f.svg.as_bytes(), file)?;
        written.push(p);
    }
    Ok(written)
}

/// [`figures`] of a dataset read from its files.
pub fn dataset_figures(dataset: &Dataset) -> Result<Option<(Figure, Option<Figure>)>> {
    if dataset.meta.site.is_none() {
        return Ok(None);
    }
    figures(&dataset.meta, &Tables::load(dataset)?)
}

/// A column of `schema` named by the `site` section.
fn column(schema: &Schema, key: &str, name: &str) -> Result<usize> {
    schema.column_index(name).ok_or_else(|| Error::Schema {
        path: schema.path.clone(),
        message: format!(
            "dataset.json's \"site\".{key} names {name:?}, which is not a column here: name a column of this table"
        ),
    })
}

/// Colour groups of the type column: the configured ones (plus "Other" for the rest), or one
/// per vocabulary value.
struct Groups {
    labels: Vec<String>,
    of: BTreeMap<String, usize>,
    other: Option<usize>,
}

impl Groups {
    /// Refuses a value of `groups` or `mark` that the type column's vocabulary does not have
    /// (a typo would otherwise leave a colour empty or a mark missing, silently).
    fn new(site: &Site, schema: &Schema, kind: usize) -> Result<Groups> {
        if let Some(terms) = &schema.columns[kind].terms {
            let named = site
                .groups
                .iter()
                .flat_map(|g| {
                    g.values
                        .iter()
                        .map(move |v| (format!("groups ({:?})", g.label), v))
                })
                .chain(site.mark.iter().map(|v| ("mark".to_string(), v)));
            for (key, v) in named {
                if !terms.iter().any(|t| &t.value == v) {
                    return Err(Error::Schema {
                        path: schema.path.clone(),
                        message: format!(
                            "dataset.json's \"site\".{key} names {v:?}, which is not a value of {}: use one of {}",
                            site.kind,
                            terms.iter().map(|t| t.value.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
            }
        }
        let mut labels = Vec::new();
        let mut of = BTreeMap::new();
        if site.groups.is_empty() {
            for t in schema.columns[kind].terms.iter().flatten() {
                of.insert(t.value.clone(), labels.len());
                labels.push(t.value.clone());
            }
        } else {
            for g in &site.groups {
                for v in &g.values {
                    of.insert(v.clone(), labels.len());
                }
                labels.push(g.label.clone());
            }
        }
        let known = schema.columns[kind]
            .terms
            .iter()
            .flatten()
            .all(|t| of.contains_key(&t.value));
        let other = (!known || schema.columns[kind].terms.is_none()).then(|| {
            labels.push("Other".into());
            labels.len() - 1
        });
        Ok(Groups { labels, of, other })
    }

    /// The labels of one colour per vocabulary value (no `groups`) in the schema's words: each
    /// value's `title` where it has one.
    fn titled(mut self, site: &Site, schema: &Schema, kind: usize) -> Groups {
        if site.groups.is_empty() {
            for (value, &i) in &self.of {
                if let Some(t) = schema.columns[kind].title_of(value) {
                    self.labels[i] = t.to_string();
                }
            }
        }
        self
    }

    fn of(&self, value: &str) -> Option<usize> {
        self.of.get(value).copied().or(self.other)
    }

    fn color(&self, i: usize) -> RGBColor {
        PALETTE[i % PALETTE.len()]
    }
}

/// `YYYY-MM` as a month number, and the day of the month.
fn month_of(date: &str) -> Option<(i32, u32)> {
    let y: i32 = date.get(0..4)?.parse().ok()?;
    let m: i32 = date.get(5..7)?.parse().ok()?;
    let d: u32 = date.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(1);
    Some((y * 12 + m - 1, d))
}

fn month_label(m: i32) -> String {
    format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

fn count(cell: &str) -> u64 {
    cell.trim()
        .parse::<f64>()
        .map(|v| v.max(0.0) as u64)
        .unwrap_or(0)
}

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Other(format!("cannot draw the picture: {e:?}"))
}

pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
pub(super) type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A round upper bound for an axis (at least 1).
fn nice_max(max: u64) -> u64 {
    let max = max.max(1);
    let step = 10u64.pow((max as f64).log10().floor() as u32).max(1);
    let step = if max / step < 3 { step / 2 } else { step }.max(1);
    max.div_ceil(step) * step
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Greedy word wrap at `width` characters.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// XML text and attribute escaping.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Adds `role="img"`, `aria-label`, `<title>` and `<desc>` to plotters' SVG, and `extra`
/// (hand-written elements) on top of the drawing.
fn accessible(svg: &str, title: &str, description: &str, extra: &str) -> String {
    let body = svg.trim_start();
    let end = body.find('>').map(|i| i + 1).unwrap_or(0);
    let (open, rest) = body.split_at(end);
    let open = open.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)),
        1,
    );
    let rest = rest.trim_start_matches('\n');
    let close = rest.rfind("</svg>").unwrap_or(rest.len());
    format!(
        "{open}\n<title>{}</title>\n<desc>{}</desc>\n{}{extra}</svg>\n",
        escape(title),
        escape(description),
        &rest[..close],
    )
}
