//! The map of places: the basemap that holds the data ([`basemap::for_points`]) and one link
//! marker per place or merged neighbours ([`super::markers`]), with its legend below.

use super::markers::{self, Spot};
use super::*;
use crate::error::Result;
use crate::release::export::geojson::coordinates;
use crate::release::site::basemap::{self, Basemap, Layer};
use crate::release::site::svg::{column, count, Figure};
use crate::schema::metadata::Site;
use crate::schema::rows::Rows;
use crate::schema::Kind;

/// Water, behind the land and in its holes; land; borders.
const WATER: &str = "#E8F1F8";
const LAND: &str = "#F4F1EA";
const BORDER: &str = "#666666";
/// Places outside the regional map listed below it, at most.
const LISTED: usize = 8;
/// Tallest and shortest map, in viewBox units.
const MAP_H: (f64, f64) = (220.0, 560.0);

/// The map of places, or `None` when no row has coordinates (or the rows have no coordinate
/// columns): there is nothing to map. `schema` and `rows_csv` are the expanded rows.
pub fn map(site: &Site, schema: &Schema, rows_csv: &[u8]) -> Result<Option<Figure>> {
    let Some(cols) = Columns::of(site, schema)? else {
        return Ok(None);
    };
    let placed = Placed::read(site, schema, rows_csv, &cols)?;
    let points: Vec<(f64, f64)> = placed.rows.iter().map(|r| (r.lon, r.lat)).collect();
    let Some(layer) = basemap::for_points(&points)? else {
        return Ok(None);
    };
    let frame = Frame::of(&layer.basemap);
    let (inside, outside): (Vec<&Row>, Vec<&Row>) = placed
        .rows
        .iter()
        .partition(|r| layer.basemap.contains((r.lon, r.lat)));
    let listed = spots(&outside, |_| (0.0, 0.0));
    let spots = markers::merge(spots(&inside, |r| frame.at(r.lon, r.lat)));
    let title = "Events by place".to_string();
    let description = describe(site, schema, &cols, &placed, &layer, spots.len(), &listed);
    let svg = draw(
        site,
        schema,
        &cols,
        &layer,
        &frame,
        &spots,
        &listed,
        (&title, &description),
    );
    Ok(Some(Figure {
        svg,
        title,
        description,
    }))
}

/// The columns the map reads.
struct Columns {
    lat: usize,
    lon: usize,
    place: Option<usize>,
    name: Option<usize>,
    size: Option<usize>,
    precision: Option<usize>,
}

impl Columns {
    /// `None` when the rows have no coordinate columns.
    fn of(site: &Site, schema: &Schema) -> Result<Option<Columns>> {
        let Some((lat, lon)) = coordinates(schema) else {
            return Ok(None);
        };
        let named = |key: &str, name: &Option<String>| {
            name.as_deref().map(|c| column(schema, key, c)).transpose()
        };
        // The foreign key whose expansion gives the latitude names the place it is of.
        let place = match named("place", &site.place)? {
            Some(p) => Some(p),
            None => schema
                .foreign_keys
                .iter()
                .find(|fk| fk.expand.iter().any(|x| x.name == schema.columns[lat].name))
                .map(|fk| fk.field),
        };
        Ok(Some(Columns {
            lat,
            lon,
            place,
            name: named("place_name", &site.place_name)?,
            size: named("size", &site.size)?,
            precision: named("precision", &site.precision)?,
        }))
    }
}

/// One row with coordinates.
struct Row {
    lon: f64,
    lat: f64,
    place: String,
    name: Option<String>,
    size: u64,
    hollow: bool,
}

/// The rows with coordinates, and how many rows were read.
struct Placed {
    rows: Vec<Row>,
    total: u64,
}

impl Placed {
    fn read(site: &Site, schema: &Schema, rows_csv: &[u8], cols: &Columns) -> Result<Placed> {
        let mut rows = Rows::new(schema, rows_csv, &site.table)?;
        let (mut out, mut total) = (Vec::new(), 0u64);
        let first = |i: usize, cell: &str| -> String {
            let c = &schema.columns[i];
            match c.kind {
                Kind::List(_) => cell.split(c.delimiter.as_str()).next().unwrap_or(""),
                _ => cell,
            }
            .trim()
            .to_string()
        };
        while let Some(r) = rows.next_row()? {
            total += 1;
            let cell = |i: usize| r.get(i).unwrap_or("");
            let (Ok(lat), Ok(lon)) = (cell(cols.lat).parse::<f64>(), cell(cols.lon).parse::<f64>())
            else {
                continue;
            };
            let place = cols
                .place
                .map(|p| first(p, cell(p)))
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| format!("{}:{}", cell(cols.lat), cell(cols.lon)));
            out.push(Row {
                lon,
                lat,
                place,
                name: cols
                    .name
                    .map(|n| first(n, cell(n)))
                    .filter(|n| !n.is_empty()),
                size: cols.size.map(|s| count(cell(s))).unwrap_or(0),
                hollow: cols
                    .precision
                    .is_some_and(|p| site.hollow.iter().any(|h| h == cell(p))),
            });
        }
        Ok(Placed { rows: out, total })
    }
}

/// One spot per place, at the position `at` gives (the first row's), in order of first
/// appearance.
fn spots(rows: &[&Row], at: impl Fn(&Row) -> (f64, f64)) -> Vec<Spot> {
    let mut out: Vec<Spot> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for r in rows {
        let i = *index.entry(r.place.as_str()).or_insert_with(|| {
            let (x, y) = at(r);
            out.push(Spot {
                x,
                y,
                n: 0,
                size: 0,
                hollow: 0,
                places: vec![(r.place.clone(), r.name.clone())],
            });
            out.len() - 1
        });
        out[i].n += 1;
        out[i].size += r.size;
        out[i].hollow += u64::from(r.hollow);
    }
    out
}

/// Where the map is drawn: the box in degrees onto `0 0 WIDTH height`.
struct Frame {
    bbox: [f64; 4],
    height: f64,
}

impl Frame {
    /// Equirectangular, stretched by the cosine of the middle latitude so that shapes look
    /// right, within [`MAP_H`].
    fn of(base: &Basemap) -> Frame {
        let [w, s, e, n] = base.bbox;
        let aspect = (e - w) * ((s + n) / 2.0).to_radians().cos() / (n - s);
        let height = (WIDTH / aspect).round().clamp(MAP_H.0, MAP_H.1);
        Frame {
            bbox: base.bbox,
            height,
        }
    }

    fn at(&self, lon: f64, lat: f64) -> (f64, f64) {
        let [w, s, e, n] = self.bbox;
        (
            (lon - w) / (e - w) * WIDTH,
            (n - lat) / (n - s) * self.height,
        )
    }

    /// An SVG path of rings, in map units (`evenodd` makes the holes).
    fn path(&self, rings: &[Vec<(f64, f64)>]) -> String {
        let mut d = String::new();
        for ring in rings {
            for (i, &(lon, lat)) in ring.iter().enumerate() {
                let (x, y) = self.at(lon, lat);
                let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { "L" }, num(x), num(y));
            }
            d.push('Z');
        }
        d
    }
}

/// The text alternative: what the map shows, in words.
fn describe(
    site: &Site,
    schema: &Schema,
    cols: &Columns,
    placed: &Placed,
    layer: &Layer,
    markers: usize,
    listed: &[Spot],
) -> String {
    let [w, s, e, n] = layer.basemap.bbox;
    let names: Vec<&str> = layer
        .basemap
        .countries
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let shown = match layer.region {
        Some(region) => region.to_string(),
        None => format!("the data's extent ({})", names.join(", ")),
    };
    let mut out = format!(
        "Map of {shown} (longitude {} to {}, latitude {} to {}), with {} of {} events drawn at their place: {markers} circles, one per place or group of places too close to tell apart, each with an area that grows with its number of events, written in it when 2 or more.",
        num(w), num(e), num(s), num(n), placed.rows.len(), placed.total
    );
    if let Some(sz) = cols.size {
        out.push_str(&format!(
            " Each circle's title gives the sum of {} over its events.",
            column_title(schema, sz)
        ));
    }
    if let Some(p) = cols.precision.filter(|_| !site.hollow.is_empty()) {
        let hollow = placed.rows.iter().filter(|r| r.hollow).count();
        out.push_str(&format!(
            " {hollow} events are placed only by their region ({} {}); a circle with only such events is drawn dashed.",
            column_title(schema, p),
            hollow_values(site, schema, p)
        ));
    }
    let outside: u64 = listed.iter().map(|s| s.n).sum();
    if outside > 0 {
        out.push_str(&format!(
            " {} at {} places lie outside the map and are listed below it.",
            events(outside),
            listed.len()
        ));
    }
    out.push_str(&format!(" {}.", layer.credit));
    out
}

/// The values drawn hollow, in the schema's words.
fn hollow_values(site: &Site, schema: &Schema, p: usize) -> String {
    site.hollow
        .iter()
        .map(|v| value_title(schema, p, v))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The whole SVG: water, countries, their names, the markers, the legend below the map.
#[allow(clippy::too_many_arguments)]
fn draw(
    site: &Site,
    schema: &Schema,
    cols: &Columns,
    layer: &Layer,
    frame: &Frame,
    spots: &[Spot],
    listed: &[Spot],
    (title, description): (&str, &str),
) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<rect class=\"water\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{WATER}\"/>",
        num(WIDTH),
        num(frame.height)
    );
    for c in &layer.basemap.countries {
        let rings: Vec<Vec<(f64, f64)>> = c.polygons.iter().flatten().cloned().collect();
        let _ = writeln!(
            body,
            "<path class=\"land\" d=\"{}\" fill=\"{LAND}\" fill-rule=\"evenodd\" stroke=\"{BORDER}\" stroke-width=\"0.75\"/>",
            frame.path(&rings)
        );
    }
    country_names(&mut body, &layer.basemap, frame);
    let max = spots.iter().map(|s| s.n).max().unwrap_or(1);
    for s in spots {
        marker(
            &mut body,
            schema,
            cols,
            s,
            (s.x, s.y),
            markers::radius(s.n, max),
        );
    }
    let y = legend(&mut body, site, schema, cols, frame.height + 12.0 + LINE);
    let y = listed_below(&mut body, schema, cols, listed, y);
    let mut credit_y = y + 6.0;
    for line in crate::release::site::svg::wrap(layer.credit, 56) {
        text(&mut body, (8.0, credit_y), &line, "");
        credit_y += LINE;
    }
    let attrs = format!(
        " data-bbox=\"{}\" data-plot=\"0 0 {} {}\"",
        frame
            .bbox
            .iter()
            .map(|v| format!("{v}"))
            .collect::<Vec<_>>()
            .join(" "),
        num(WIDTH),
        num(frame.height)
    );
    let mut svg = open(credit_y, "group", title, description, &attrs);
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// Each country's name where it fits: inside the map and no wider than its own box.
fn country_names(out: &mut String, base: &Basemap, frame: &Frame) {
    for c in &base.countries {
        let Some((lon, lat)) = c.label_point() else {
            continue;
        };
        let (x, y) = frame.at(lon, lat);
        let half = c.name.chars().count() as f64 * CHAR_W / 2.0;
        let width = c
            .whole
            .or_else(|| c.largest_box())
            .map(|[w, _, e, _]| frame.at(e, 0.0).0 - frame.at(w, 0.0).0)
            .unwrap_or(0.0);
        if width >= 2.0 * half
            && x - half >= 0.0
            && x + half <= WIDTH
            && y > LINE
            && y < frame.height - 4.0
        {
            text(
                out,
                (x, y),
                &c.name,
                " class=\"country\" text-anchor=\"middle\" fill-opacity=\"0.75\"",
            );
        }
    }
}

/// One marker: a link to its places holding a circle, and its count when 2 or more.
fn marker(out: &mut String, schema: &Schema, cols: &Columns, s: &Spot, (x, y): (f64, f64), r: f64) {
    let ids: Vec<String> = s.places.iter().map(|p| encode(&p.0)).collect();
    let label = marker_label(schema, cols, s);
    let dashed = s.hollow == s.n && s.n > 0;
    let (fill, ink, dash) = if dashed {
        ("#FFFFFF", INK, " stroke-dasharray=\"3 2\"")
    } else {
        (INK, "#FFFFFF", "")
    };
    let _ = writeln!(
        out,
        "<a class=\"marker\" href=\"#places={}\" data-places=\"{}\" data-n=\"{}\" aria-label=\"{}\"><title>{}</title>",
        ids.join(","),
        ids.join(" "),
        s.n,
        super::super::escape(&label),
        super::super::escape(&label)
    );
    let _ = writeln!(
        out,
        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" fill-opacity=\"0.9\" stroke=\"{INK}\" stroke-width=\"2\"{dash}/>",
        num(x),
        num(y),
        num(r)
    );
    if s.n >= 2 {
        text_in(
            out,
            ink,
            (x, y),
            &s.n.to_string(),
            " class=\"count\" text-anchor=\"middle\" dominant-baseline=\"central\" font-weight=\"bold\"",
        );
    }
    out.push_str("</a>\n");
}

/// "N events at Name1, Name2, and 3 more places", with the size column's sum.
fn marker_label(schema: &Schema, cols: &Columns, s: &Spot) -> String {
    const NAMED: usize = 5;
    let names: Vec<&str> = s
        .places
        .iter()
        .take(NAMED)
        .map(|(id, name)| name.as_deref().unwrap_or(id))
        .collect();
    let mut label = format!("{} at {}", events(s.n), names.join(", "));
    if s.places.len() > NAMED {
        label.push_str(&format!(", and {} more places", s.places.len() - NAMED));
    }
    if let Some(sz) = cols.size {
        label.push_str(&format!("; {}: {}", column_title(schema, sz), s.size));
    }
    label
}

/// An id for a URL fragment and a space-separated list: RFC 3986's unreserved characters kept,
/// every other byte percent-encoded.
fn encode(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The legend below the map, from `y`: what a circle is, and what a dashed one is. Returns
/// where the next line goes.
fn legend(out: &mut String, site: &Site, schema: &Schema, cols: &Columns, mut y: f64) -> f64 {
    let mut lines = vec![
        "A circle marks the events at a place, or at places too close to tell apart; its area grows with their number, written in it when 2 or more."
            .to_string(),
    ];
    if let Some(sz) = cols.size {
        lines.push(format!(
            "Hover or focus a circle for the sum of {} over its events.",
            column_title(schema, sz)
        ));
    }
    for line in lines
        .iter()
        .flat_map(|l| crate::release::site::svg::wrap(l, 56))
    {
        text(out, (8.0, y), &line, "");
        y += LINE;
    }
    if let Some(p) = cols.precision.filter(|_| !site.hollow.is_empty()) {
        let _ = writeln!(
            out,
            "<circle cx=\"16\" cy=\"{}\" r=\"7\" fill=\"#FFFFFF\" stroke=\"{INK}\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>",
            num(y - 5.0)
        );
        let words = format!(
            "Dashed: only the region is known ({} {}).",
            column_title(schema, p),
            hollow_values(site, schema, p)
        );
        for line in crate::release::site::svg::wrap(&words, 52) {
            text(out, (30.0, y), &line, "");
            y += LINE;
        }
    }
    y
}

/// Places outside the map, one marker each in a column below the legend (as many as
/// [`LISTED`]; a line says how many more). Returns where the next line goes.
fn listed_below(
    out: &mut String,
    schema: &Schema,
    cols: &Columns,
    listed: &[Spot],
    mut y: f64,
) -> f64 {
    if listed.is_empty() {
        return y;
    }
    y += 8.0;
    text(out, (8.0, y), "Outside the map:", " font-weight=\"bold\"");
    y += 8.0;
    let max = listed.iter().map(|s| s.n).max().unwrap_or(1);
    for s in listed.iter().take(LISTED) {
        let r = markers::radius(s.n, max.max(2)).min(14.0);
        let cy = y + r + 2.0;
        marker(out, schema, cols, s, (8.0 + 14.0, cy), r);
        let names: Vec<&str> = s
            .places
            .iter()
            .map(|(id, n)| n.as_deref().unwrap_or(id))
            .collect();
        text(out, (44.0, cy + 5.0), &cut(&names.join(", "), 52), "");
        y = cy + r + 4.0;
    }
    if listed.len() > LISTED {
        y += LINE - 4.0;
        let more: u64 = listed[LISTED..].iter().map(|s| s.n).sum();
        text(
            out,
            (8.0, y),
            &format!(
                "and {} at {} more places (in the table)",
                events(more),
                listed.len() - LISTED
            ),
            "",
        );
    }
    y + LINE
}
