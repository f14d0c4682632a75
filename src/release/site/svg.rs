//! The release's two static pictures, drawn with `plotters` into SVG strings:
//!
//! - the **timeline**: events per month, stacked by group of type; killed per month, stacked by
//!   side; a dashed line on the day of every marked event (ceasefires, agreements);
//! - the **map**: the vendored Natural Earth borders ([`super::basemap`]) and one circle per
//!   event with coordinates, coloured by group of type, its area growing with the casualty
//!   count, hollow when only the region is known.
//!
//! Which columns are read comes from the `site` section of `dataset.json` ([`Site`]) and the
//! schema's roles (`x-role` latitude and longitude of the expanded rows): nothing here names a
//! column of the dataset. The bytes depend only on the data: no clock, fixed float formatting,
//! rows in file order. Each picture carries `role="img"`, an `aria-label`, a `<title>` and a
//! `<desc>` that says in words what it shows; each map marker has `class="event"`, `data-id`
//! (the row's key) and its own `<title>`, so a page can wire it up and a test can count it.

use super::basemap::{self, Basemap};
use crate::error::{Error, Result};
use crate::release::export::expand::{Expansion, Referenced};
use crate::release::export::geojson::coordinates;
use crate::schema::metadata::{Dataset, Metadata, Site};
use crate::schema::rows::Rows;
use crate::schema::Schema;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A picture: the SVG document, its title, and a text alternative for readers who cannot see
/// it (also inside the SVG as `<title>` and `<desc>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub svg: String,
    pub title: String,
    pub description: String,
}

/// One table of the dataset as the pictures need it: its name, schema and CSV bytes.
pub struct Table<'a> {
    pub name: &'a str,
    pub schema: &'a Schema,
    pub csv: &'a [u8],
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
/// `site` section. `tables` holds every table (the map reads the expanded rows).
pub fn figures(meta: &Metadata, tables: &[Table<'_>]) -> Result<Option<(Figure, Figure)>> {
    let Some(site) = &meta.site else {
        return Ok(None);
    };
    let t = tables
        .iter()
        .find(|t| t.name == site.table)
        .ok_or_else(|| {
            Error::Other(format!(
                "dataset.json: \"site\".\"table\" is {:?}, which is not a resource: name one of {}",
                site.table,
                tables.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
            ))
        })?;
    let timeline = timeline(site, t.schema, t.csv)?;
    let expansion = Expansion::new(t.schema, |name| {
        tables
            .iter()
            .find(|r| r.name == name)
            .map(|r| Referenced {
                schema: r.schema,
                csv: r.csv,
            })
            .ok_or_else(|| {
                Error::Other(format!(
                    "{} references {name}, which is not a resource of dataset.json",
                    t.name
                ))
            })
    })?;
    let map = match &expansion {
        Some(x) => map(site, &x.schema, &x.expand_bytes(t.schema, t.csv, t.name)?)?,
        None => map(site, t.schema, t.csv)?,
    };
    Ok(Some((timeline, map)))
}

/// The pictures of the dataset under the repository root `dataset_root`, written into
/// `out_dir` as `timeline.svg` and `map.svg`; returns the paths written (none when the
/// metadata has no `site` section).
pub fn write_pictures(dataset_root: &Path, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let dataset = Dataset::open(dataset_root)?;
    let Some((timeline, map)) = dataset_figures(&dataset)? else {
        return Ok(Vec::new());
    };
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let mut written = Vec::new();
    for (file, f) in [(TIMELINE_FILE, timeline), (MAP_FILE, map)] {
        let p = out_dir.join(file);
        crate::table::atomic::write_file(&p, f.svg.as_bytes(), file)?;
        written.push(p);
    }
    Ok(written)
}

/// [`figures`] of a dataset read from its files.
pub fn dataset_figures(dataset: &Dataset) -> Result<Option<(Figure, Figure)>> {
    if dataset.meta.site.is_none() {
        return Ok(None);
    }
    let mut loaded = Vec::new();
    for r in &dataset.meta.resources {
        let path = dataset.schema_path(r);
        let schema = Schema::load(&path)?;
        let data = dataset.data_path(r);
        let csv = std::fs::read(&data).map_err(|e| Error::io(&data, e))?;
        loaded.push((r.name.as_str(), schema, csv));
    }
    let tables: Vec<Table<'_>> = loaded
        .iter()
        .map(|(name, schema, csv)| Table { name, schema, csv })
        .collect();
    figures(&dataset.meta, &tables)
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

/// Events per month by type (stacked columns), killed per month by side (stacked columns),
/// and a dashed line on the day of each row whose type is in `site.mark`. `events_csv` is the
/// table of `schema` (canonical or expanded: only `site`'s columns are read).
pub fn timeline(site: &Site, schema: &Schema, events_csv: &[u8]) -> Result<Figure> {
    let date = column(schema, "date", &site.date)?;
    let kind = column(schema, "type", &site.kind)?;
    let series = site
        .killed
        .iter()
        .map(|s| {
            s.columns
                .iter()
                .map(|c| column(schema, "killed", c))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    let groups = Groups::new(site, schema, kind)?;
    // Per month: events by group, killed by series; marks by (month, day, type).
    let mut events: BTreeMap<i32, Vec<u64>> = BTreeMap::new();
    let mut killed: BTreeMap<i32, Vec<u64>> = BTreeMap::new();
    let mut marks: Vec<(i32, u32, String)> = Vec::new();
    let mut rows = Rows::new(schema, events_csv, &site.table)?;
    let mut total_events = 0u64;
    while let Some(r) = rows.next_row()? {
        let cell = |i: usize| r.get(i).unwrap_or("");
        let Some((m, d)) = month_of(cell(date)) else {
            continue;
        };
        total_events += 1;
        let t = cell(kind);
        if let Some(g) = groups.of(t) {
            events
                .entry(m)
                .or_insert_with(|| vec![0; groups.labels.len()])[g] += 1;
        }
        let k = killed.entry(m).or_insert_with(|| vec![0; series.len()]);
        for (s, cols) in series.iter().enumerate() {
            k[s] += cols.iter().map(|&c| count(cell(c))).sum::<u64>();
        }
        if site.mark.iter().any(|v| v == t) {
            marks.push((m, d, t.to_string()));
        }
    }
    let (first, last) = match (events.keys().next(), events.keys().next_back()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => (0, 0),
    };
    let max_events = events
        .values()
        .map(|v| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let max_killed = killed
        .values()
        .map(|v| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let killed_total: u64 = killed.values().flatten().sum();

    let title = "Events per month by type, and killed per month by side".to_string();
    let busiest = events
        .iter()
        .max_by_key(|(m, v)| (v.iter().sum::<u64>(), -**m))
        .map(|(m, v)| format!("{} ({} events)", month_label(*m), v.iter().sum::<u64>()));
    let deadliest = killed
        .iter()
        .max_by_key(|(m, v)| (v.iter().sum::<u64>(), -**m))
        .filter(|(_, v)| v.iter().sum::<u64>() > 0)
        .map(|(m, v)| format!("{} ({} killed)", month_label(*m), v.iter().sum::<u64>()));
    let mut description = format!(
        "Two column charts over the months {} to {}. Top: {} events per month, stacked by type ({}).",
        month_label(first),
        month_label(last),
        total_events,
        groups.labels.join("; "),
    );
    if let Some(b) = busiest {
        description.push_str(&format!(" The busiest month is {b}."));
    }
    if !series.is_empty() {
        description.push_str(&format!(
            " Bottom: {} killed, per month, stacked by side ({}).",
            killed_total,
            site.killed
                .iter()
                .map(|s| s.label.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
        if let Some(d) = deadliest {
            description.push_str(&format!(" The deadliest month is {d}."));
        }
    }
    if !marks.is_empty() {
        description.push_str(&format!(
            " Dashed lines mark {} events of type {} on their day.",
            marks.len(),
            site.mark.join(" or ")
        ));
    }

    let (w, h) = (960u32, if series.is_empty() { 360 } else { 640 });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, bottom) = if series.is_empty() {
            (root.clone(), None)
        } else {
            let (a, b) = root.split_vertically(340);
            (a, Some(b))
        };
        let x_range = (first as f64 - 0.5)..(last as f64 + 0.5);
        let bars = |chart_area: &DrawingArea<SVGBackend<'_>, Shift>,
                    caption: &str,
                    y_desc: &str,
                    data: &BTreeMap<i32, Vec<u64>>,
                    labels: &[String],
                    colors: &dyn Fn(usize) -> RGBColor,
                    max: u64|
         -> Result<()> {
            let y_max = nice_max(max);
            let mut chart = ChartBuilder::on(chart_area)
                .caption(caption, (FONT, 16))
                .margin_left(10)
                .margin_right(250)
                .margin_top(6)
                .x_label_area_size(28)
                .y_label_area_size(44)
                .build_cartesian_2d(x_range.clone(), 0f64..y_max as f64)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_labels(6)
                .y_desc(y_desc)
                .y_label_formatter(&|v| format!("{v:.0}"))
                .label_style((FONT, 12))
                .light_line_style(WHITE)
                .draw()
                .map_err(draw_err)?;
            // Year ticks: a line and the year at every January.
            for m in first..=last {
                if m.rem_euclid(12) == 0 || m == first {
                    let x = m as f64 - 0.5;
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(x, 0.0), (x, y_max as f64)],
                            RGBColor(0xBB, 0xBB, 0xBB),
                        )))
                        .map_err(draw_err)?;
                    let (px, py) = chart.backend_coord(&(x, 0.0));
                    chart
                        .plotting_area()
                        .strip_coord_spec()
                        .draw(&Text::new(
                            if m == first {
                                month_label(m)
                            } else {
                                m.div_euclid(12).to_string()
                            },
                            (
                                px - chart.plotting_area().get_base_pixel().0 + 3,
                                py - chart.plotting_area().get_base_pixel().1 + 4,
                            ),
                            (FONT, 12).into_font().color(&BLACK),
                        ))
                        .map_err(draw_err)?;
                }
            }
            for (i, label) in labels.iter().enumerate() {
                let color = colors(i);
                let rects = data.iter().filter_map(|(&m, v)| {
                    let below: u64 = v[..i].iter().sum();
                    (v[i] > 0).then(|| {
                        Rectangle::new(
                            [
                                (m as f64 - 0.4, below as f64),
                                (m as f64 + 0.4, (below + v[i]) as f64),
                            ],
                            color.filled(),
                        )
                    })
                });
                chart.draw_series(rects).map_err(draw_err)?;
                // The legend, by hand: plotters' own box would sit over the columns. Entries
                // close up when there are many (one per type, without groups).
                let room = chart_area.dim_in_pixel().1 as i32 - 50;
                let step = (room / labels.len().max(1) as i32).clamp(12, 20);
                let (x0, y0) = (
                    chart.plotting_area().dim_in_pixel().0 as i32 + 70,
                    40 + step * i as i32,
                );
                chart_area
                    .draw(&Rectangle::new(
                        [(x0, y0 - 6), (x0 + 12, y0 + 6)],
                        color.filled(),
                    ))
                    .map_err(draw_err)?;
                chart_area
                    .draw(&Text::new(
                        label.clone(),
                        (x0 + 18, y0 - 5),
                        (FONT, 12).into_font().color(&BLACK),
                    ))
                    .map_err(draw_err)?;
            }
            for (m, d, _) in &marks {
                let x = *m as f64 - 0.5 + (*d as f64 - 0.5) / 31.0;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, 0.0), (x, y_max as f64)],
                        MARK.stroke_width(1),
                    )))
                    .map_err(draw_err)?;
            }
            Ok(())
        };
        bars(
            &top,
            "Events per month, by type",
            "events",
            &events,
            &groups.labels,
            &|i| groups.color(i),
            max_events,
        )?;
        if let Some(bottom) = bottom {
            let labels: Vec<String> = site.killed.iter().map(|s| s.label.clone()).collect();
            bars(
                &bottom,
                "Killed per month, by side",
                "killed",
                &killed,
                &labels,
                &|i| SIDES[i % SIDES.len()],
                max_killed,
            )?;
        }
        if !marks.is_empty() {
            root.draw(&Text::new(
                format!("Dashed lines: {}", site.mark.join(", ")),
                (10, h as i32 - 16),
                (FONT, 12).into_font().color(&BLACK),
            ))
            .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    let svg = accessible(&svg, &title, &description, "");
    let svg = svg.replace(
        &format!("stroke=\"{}\"", hex(MARK)),
        "stroke=\"#000000\" stroke-dasharray=\"4 3\"",
    );
    Ok(Figure {
        svg,
        title,
        description,
    })
}

/// A round upper bound for an axis (at least 1).
fn nice_max(max: u64) -> u64 {
    let max = max.max(1);
    let step = 10u64.pow((max as f64).log10().floor() as u32).max(1);
    let step = if max / step < 3 { step / 2 } else { step }.max(1);
    max.div_ceil(step) * step
}

/// Map: the vendored borders and one `<circle class="event" data-id=…>` per row with
/// coordinates. `schema` and `events_csv` are the rows with their coordinate columns
/// (`x-role` latitude and longitude), i.e. the expanded table when the coordinates come from a
/// referenced table.
pub fn map(site: &Site, schema: &Schema, events_csv: &[u8]) -> Result<Figure> {
    let (lat, lon) = coordinates(schema).ok_or_else(|| Error::Schema {
        path: schema.path.clone(),
        message: "the map needs a latitude and a longitude column (\"x-role\": \"latitude\" and \"longitude\"), here or in a table a foreign key's \"expand\" reads them from".into(),
    })?;
    let date = column(schema, "date", &site.date)?;
    let kind = column(schema, "type", &site.kind)?;
    let size = site
        .size
        .as_deref()
        .map(|c| column(schema, "size", c))
        .transpose()?;
    let precision = site
        .precision
        .as_deref()
        .map(|c| column(schema, "precision", c))
        .transpose()?;
    let key = (schema.primary_key.len() == 1).then(|| schema.primary_key[0]);
    let groups = Groups::new(site, schema, kind)?;
    let base: Basemap = basemap::load()?;
    let [west, south, east, north] = base.bbox;

    struct Point {
        id: String,
        lon: f64,
        lat: f64,
        group: Option<usize>,
        size: u64,
        hollow: bool,
        title: String,
        /// Inside the basemap's box; the others are listed beside the map.
        inside: bool,
    }
    let mut points = Vec::new();
    let mut rows = Rows::new(schema, events_csv, &site.table)?;
    let (mut total, mut outside) = (0u64, 0u64);
    while let Some(r) = rows.next_row()? {
        total += 1;
        let cell = |i: usize| r.get(i).unwrap_or("");
        let (Ok(y), Ok(x)) = (cell(lat).parse::<f64>(), cell(lon).parse::<f64>()) else {
            continue;
        };
        let inside = (west..=east).contains(&x) && (south..=north).contains(&y);
        outside += u64::from(!inside);
        let id = key
            .map(|k| cell(k).to_string())
            .unwrap_or_else(|| format!("row-{total}"));
        let n = size.map(|s| count(cell(s))).unwrap_or(0);
        let hollow = precision.is_some_and(|p| site.hollow.iter().any(|h| h == cell(p)));
        let mut title = format!("{id}: {}, {}", cell(date), cell(kind));
        if let (Some(s), true) = (&site.size, n > 0) {
            title.push_str(&format!(", {s} {n}"));
        }
        if let (Some(p), Some(i)) = (&site.precision, precision) {
            title.push_str(&format!(", {p} {}", cell(i)));
        }
        points.push(Point {
            id,
            lon: x,
            lat: y,
            group: groups.of(cell(kind)),
            size: n,
            hollow,
            title,
            inside,
        });
    }

    // Equirectangular, stretched by the cosine of the middle latitude so shapes look right.
    let aspect = (east - west) * ((south + north) / 2.0).to_radians().cos() / (north - south);
    let (map_w, legend_w) = (760u32, 230u32);
    let map_h = (map_w as f64 / aspect).round() as u32;
    let (w, h) = (map_w + legend_w, map_h);
    let title = "Events on the map, by type and casualties".to_string();
    let geocoded = points.len();
    let hollow = points.iter().filter(|p| p.hollow).count();
    let mut description = format!(
        "Map of Armenia, Azerbaijan with Nakhchivan, and their neighbours (longitude {west} to {east}, latitude {south} to {north}), with {geocoded} of {total} events drawn as circles at their first place, coloured by type ({}).",
        groups.labels.join("; ")
    );
    if let Some(s) = &site.size {
        description.push_str(&format!(" A circle's area grows with {s}."));
    }
    if let Some(p) = &site.precision {
        description.push_str(&format!(
            " {hollow} hollow circles are events whose {p} is {} (only the region is known).",
            site.hollow.join(" or ")
        ));
    }
    if outside > 0 {
        description.push_str(&format!(
            " {outside} of them lie outside the map and are drawn in the box \"Outside the map\" beside it."
        ));
    }
    description.push_str(&format!(" {}.", basemap::CREDIT));

    let mut svg = String::new();
    let mut markers = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&RGBColor(0xE8, 0xF1, 0xF8)).map_err(draw_err)?;
        let (left, right) = root.split_horizontally(map_w);
        right.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&left)
            .build_cartesian_2d(west..east, south..north)
            .map_err(draw_err)?;
        let land = RGBColor(0xF4, 0xF1, 0xEA);
        let border = RGBColor(0x66, 0x66, 0x66);
        for c in &base.countries {
            for polygon in &c.polygons {
                for (i, ring) in polygon.iter().enumerate() {
                    let fill = if i == 0 {
                        land
                    } else {
                        RGBColor(0xE8, 0xF1, 0xF8)
                    };
                    chart
                        .draw_series(std::iter::once(Polygon::new(ring.clone(), fill.filled())))
                        .map_err(draw_err)?;
                    chart
                        .draw_series(std::iter::once(PathElement::new(ring.clone(), border)))
                        .map_err(draw_err)?;
                }
            }
        }
        for c in &base.countries {
            if let Some(p) = c.label_point() {
                chart
                    .draw_series(std::iter::once(Text::new(
                        c.name.clone(),
                        p,
                        (FONT, 13)
                            .into_font()
                            .color(&RGBColor(0x55, 0x55, 0x55))
                            .pos(plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Center,
                                plotters::style::text_anchor::VPos::Center,
                            )),
                    )))
                    .map_err(draw_err)?;
            }
        }
        // Markers, written by hand so each carries its id and title: big ones first, so small
        // ones stay clickable on top.
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by(|&a, &b| points[b].size.cmp(&points[a].size).then(a.cmp(&b)));
        let marker = |p: &Point, (x, y): (i32, i32)| {
            let r = radius(p.size);
            let color = p.group.map(|g| groups.color(g)).unwrap_or(BLACK);
            let hex = hex(color);
            let paint = if p.hollow {
                format!("fill=\"none\" stroke=\"{hex}\" stroke-width=\"2\"")
            } else {
                format!(
                    "fill=\"{hex}\" fill-opacity=\"0.85\" stroke=\"#000000\" stroke-width=\"0.75\""
                )
            };
            format!(
                "<circle class=\"event\" data-id=\"{}\" cx=\"{x}\" cy=\"{y}\" r=\"{r:.1}\" {paint}><title>{}</title></circle>\n",
                escape(&p.id),
                escape(&p.title)
            )
        };
        for &i in order.iter().filter(|&&i| points[i].inside) {
            markers.push_str(&marker(
                &points[i],
                chart.backend_coord(&(points[i].lon, points[i].lat)),
            ));
        }
        // Legend on the right.
        let text = |s: &str, x: i32, y: i32, size: u32| {
            right.draw(&Text::new(
                s.to_string(),
                (x, y),
                (FONT, size).into_font().color(&BLACK),
            ))
        };
        text("Type", 12, 14, 14).map_err(draw_err)?;
        let mut y = 38;
        // Many types (no groups): one tighter line each.
        let (line_h, gap) = if groups.labels.len() > 8 {
            (13, 1)
        } else {
            (15, 8)
        };
        for (i, label) in groups.labels.iter().enumerate() {
            right
                .draw(&Circle::new((20, y), 5, groups.color(i).filled()))
                .map_err(draw_err)?;
            for (j, line) in wrap(label, 26).iter().enumerate() {
                text(line, 34, y - 7 + line_h * j as i32, 12).map_err(draw_err)?;
            }
            y += line_h * wrap(label, 26).len() as i32 + gap;
        }
        if let Some(s) = &site.size {
            y += 8;
            text(s, 12, y, 14).map_err(draw_err)?;
            y += 22;
            for n in [0u64, 10, 100] {
                let r = radius(n);
                right
                    .draw(&Circle::new(
                        (24, y + 8),
                        r.round() as u32,
                        BLACK.stroke_width(1),
                    ))
                    .map_err(draw_err)?;
                text(&n.to_string(), 52, y + 2, 12).map_err(draw_err)?;
                y += (2.0 * r) as i32 + 10;
            }
        }
        if let Some(p) = &site.precision {
            y += 8;
            right
                .draw(&Circle::new((20, y + 6), 6, BLACK.stroke_width(2)))
                .map_err(draw_err)?;
            for (j, line) in wrap(&format!("hollow: {p} {}", site.hollow.join(", ")), 26)
                .iter()
                .enumerate()
            {
                text(line, 34, y + 15 * j as i32, 12).map_err(draw_err)?;
            }
        }
        if outside > 0 {
            y += 44;
            text("Outside the map", 12, y, 14).map_err(draw_err)?;
            y += 18;
            for p in points.iter().filter(|p| !p.inside) {
                let r = radius(p.size);
                let at = (map_w as i32 + 20, y + r as i32);
                markers.push_str(&marker(p, at));
                text(
                    &format!("{} ({}, {})", p.id, fmt_coord(p.lat), fmt_coord(p.lon)),
                    34,
                    y + r as i32 - 7,
                    12,
                )
                .map_err(draw_err)?;
                y += (2.0 * r) as i32 + 8;
            }
        }
        for (j, line) in wrap(basemap::CREDIT, 34).iter().enumerate() {
            text(line, 12, h as i32 - 40 + 14 * j as i32, 10).map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    let svg = accessible(&svg, &title, &description, &markers);
    Ok(Figure {
        svg,
        title,
        description,
    })
}

/// A coordinate with two decimals (about 1 km), for labels.
fn fmt_coord(v: f64) -> String {
    format!("{v:.2}")
}

/// A circle's radius: area in proportion to 1 + the count, at least 3 px.
fn radius(n: u64) -> f64 {
    3.0 + 1.6 * (n as f64).sqrt()
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
