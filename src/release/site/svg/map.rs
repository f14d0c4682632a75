//! The map of release formats 3 to 5: the vendored borders of the region and one circle per
//! event with coordinates, with its legend.

use super::basemap::{self, Basemap};
use super::*;
use crate::release::export::geojson::coordinates;
use crate::schema::rows::Rows;

/// Map: the vendored borders and one `<circle class="event" data-id=…>` per row with
/// coordinates. `schema` and `events_csv` are the rows with their coordinate columns
/// (`x-role` latitude and longitude), i.e. the expanded table when the coordinates come from a
/// referenced table.
pub(super) fn map(site: &Site, schema: &Schema, events_csv: &[u8]) -> Result<Figure> {
    let cols = MapColumns::of(site, schema)?;
    let groups = Groups::new(site, schema, cols.kind)?;
    let base: Basemap = basemap::load()?;
    let points = Points::read(site, schema, events_csv, &cols, &groups, base.bbox)?;
    let title = "Events on the map, by type and casualties".to_string();
    let (svg, markers, listed) = draw_map(site, &groups, &base, &points)?;
    let description = points.describe(site, &groups, base.bbox, listed);
    let svg = accessible(&svg, &title, &description, &markers);
    Ok(Figure {
        svg,
        title,
        description,
    })
}

/// The columns the map reads.
struct MapColumns {
    lat: usize,
    lon: usize,
    date: usize,
    kind: usize,
    size: Option<usize>,
    precision: Option<usize>,
    /// The key a marker is named by (a single-column primary key), else the row number.
    key: Option<usize>,
}

impl MapColumns {
    fn of(site: &Site, schema: &Schema) -> Result<MapColumns> {
        let (lat, lon) = coordinates(schema).ok_or_else(|| Error::Schema {
            path: schema.path.clone(),
            message: "the map needs a latitude and a longitude column (\"x-role\": \"latitude\" and \"longitude\"), here or in a table a foreign key's \"expand\" reads them from".into(),
        })?;
        let optional = |key: &str, name: &Option<String>| {
            name.as_deref().map(|c| column(schema, key, c)).transpose()
        };
        Ok(MapColumns {
            lat,
            lon,
            date: column(schema, "date", &site.date)?,
            kind: column(schema, "type", &site.kind)?,
            size: optional("size", &site.size)?,
            precision: optional("precision", &site.precision)?,
            key: (schema.primary_key.len() == 1).then(|| schema.primary_key[0]),
        })
    }
}

/// One marker of the map.
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

/// Every row with coordinates, as a marker, with the counts the description gives.
struct Points {
    points: Vec<Point>,
    /// Rows read (with or without coordinates).
    total: u64,
    /// Points outside the basemap's box.
    outside: u64,
}

impl Points {
    fn read(
        site: &Site,
        schema: &Schema,
        events_csv: &[u8],
        cols: &MapColumns,
        groups: &Groups,
        [west, south, east, north]: [f64; 4],
    ) -> Result<Points> {
        let mut points = Vec::new();
        let mut rows = Rows::new(schema, events_csv, &site.table)?;
        let (mut total, mut outside) = (0u64, 0u64);
        while let Some(r) = rows.next_row()? {
            total += 1;
            let cell = |i: usize| r.get(i).unwrap_or("");
            let (Ok(y), Ok(x)) = (cell(cols.lat).parse::<f64>(), cell(cols.lon).parse::<f64>())
            else {
                continue;
            };
            let inside = (west..=east).contains(&x) && (south..=north).contains(&y);
            outside += u64::from(!inside);
            let id = cols
                .key
                .map(|k| cell(k).to_string())
                .unwrap_or_else(|| format!("row-{total}"));
            let n = cols.size.map(|s| count(cell(s))).unwrap_or(0);
            let hollow = cols
                .precision
                .is_some_and(|p| site.hollow.iter().any(|h| h == cell(p)));
            let mut title = format!("{id}: {}, {}", cell(cols.date), cell(cols.kind));
            if let (Some(s), true) = (&site.size, n > 0) {
                title.push_str(&format!(", {s} {n}"));
            }
            if let (Some(p), Some(i)) = (&site.precision, cols.precision) {
                title.push_str(&format!(", {p} {}", cell(i)));
            }
            points.push(Point {
                id,
                lon: x,
                lat: y,
                group: groups.of(cell(cols.kind)),
                size: n,
                hollow,
                title,
                inside,
            });
        }
        Ok(Points {
            points,
            total,
            outside,
        })
    }

    /// The text alternative: what the map shows, in words. `listed` of the points outside the
    /// map are drawn beside it.
    fn describe(
        &self,
        site: &Site,
        groups: &Groups,
        [west, south, east, north]: [f64; 4],
        listed: u64,
    ) -> String {
        let (geocoded, total, outside) = (self.points.len(), self.total, self.outside);
        let hollow = self.points.iter().filter(|p| p.hollow).count();
        let mut s = format!(
            "Map of {} (longitude {west} to {east}, latitude {south} to {north}), with {geocoded} of {total} events drawn as circles at their first place, coloured by type ({}).",
            basemap::REGION,
            groups.labels.join("; ")
        );
        if let Some(size) = &site.size {
            s.push_str(&format!(" A circle's area grows with {size}."));
        }
        if let Some(p) = &site.precision {
            s.push_str(&format!(
                " {hollow} hollow circles are events whose {p} is {} (only the region is known).",
                site.hollow.join(" or ")
            ));
        }
        if outside > 0 && listed == outside {
            s.push_str(&format!(
                " {outside} of them lie outside the map and are drawn in the box \"Outside the map\" beside it."
            ));
        } else if outside > 0 && listed == 0 {
            s.push_str(&format!(
                " {outside} of them lie outside the map and are only in the table."
            ));
        } else if outside > 0 {
            s.push_str(&format!(
                " {outside} of them lie outside the map; the first {listed} are drawn in the box \"Outside the map\" beside it, the others only in the table."
            ));
        }
        s.push_str(&format!(" {}.", basemap::CREDIT));
        s
    }
}

/// Water, behind the land and inside its holes.
const WATER: RGBColor = RGBColor(0xE8, 0xF1, 0xF8);
/// Width of the map and of the legend beside it, in pixels.
const MAP_W: u32 = 760;
const LEGEND_W: u32 = 230;

/// The map's SVG as plotters draws it, the markers (written by hand, so each carries its id
/// and title) to put on top of it, and how many of the points outside the map are drawn
/// beside it.
fn draw_map(
    site: &Site,
    groups: &Groups,
    base: &Basemap,
    points: &Points,
) -> Result<(String, String, u64)> {
    let [west, south, east, north] = base.bbox;
    // Equirectangular, stretched by the cosine of the middle latitude so shapes look right.
    let aspect = (east - west) * ((south + north) / 2.0).to_radians().cos() / (north - south);
    let map_h = (MAP_W as f64 / aspect).round() as u32;
    let mut svg = String::new();
    let mut markers = String::new();
    let listed;
    {
        let root = SVGBackend::with_string(&mut svg, (MAP_W + LEGEND_W, map_h)).into_drawing_area();
        root.fill(&WATER).map_err(draw_err)?;
        let (left, right) = root.split_horizontally(MAP_W);
        right.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&left)
            .build_cartesian_2d(west..east, south..north)
            .map_err(draw_err)?;
        draw_countries(&mut chart, base)?;
        // Big markers first, so small ones stay clickable on top.
        let mut order: Vec<&Point> = points.points.iter().filter(|p| p.inside).collect();
        order.sort_by_key(|p| std::cmp::Reverse(p.size));
        for p in order {
            markers.push_str(&marker(p, groups, chart.backend_coord(&(p.lon, p.lat))));
        }
        let (beside, n) = draw_legend(&right, site, groups, points, map_h)?;
        markers.push_str(&beside);
        listed = n;
        root.present().map_err(draw_err)?;
    }
    Ok((svg, markers, listed))
}

/// The countries of the basemap: land with its holes, borders, and each country's name.
fn draw_countries(chart: &mut Chart<'_, '_>, base: &Basemap) -> Result<()> {
    let land = RGBColor(0xF4, 0xF1, 0xEA);
    let border = RGBColor(0x66, 0x66, 0x66);
    for c in &base.countries {
        for polygon in &c.polygons {
            for (i, ring) in polygon.iter().enumerate() {
                let fill = if i == 0 { land } else { WATER };
                chart
                    .draw_series(std::iter::once(Polygon::new(ring.clone(), fill.filled())))
                    .map_err(draw_err)?;
                chart
                    .draw_series(std::iter::once(PathElement::new(ring.clone(), border)))
                    .map_err(draw_err)?;
            }
        }
    }
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    for c in &base.countries {
        if let Some(p) = c.label_point() {
            let style = (FONT, 13)
                .into_font()
                .color(&RGBColor(0x55, 0x55, 0x55))
                .pos(Pos::new(HPos::Center, VPos::Center));
            chart
                .draw_series(std::iter::once(Text::new(c.name.clone(), p, style)))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// One marker: coloured by group, its area by size, hollow when only the region is known.
fn marker(p: &Point, groups: &Groups, (x, y): (i32, i32)) -> String {
    let r = radius(p.size);
    let hex = hex(p.group.map(|g| groups.color(g)).unwrap_or(BLACK));
    let paint = if p.hollow {
        format!("fill=\"none\" stroke=\"{hex}\" stroke-width=\"2\"")
    } else {
        format!("fill=\"{hex}\" fill-opacity=\"0.85\" stroke=\"#000000\" stroke-width=\"0.75\"")
    };
    format!(
        "<circle class=\"event\" data-id=\"{}\" cx=\"{x}\" cy=\"{y}\" r=\"{r:.1}\" {paint}><title>{}</title></circle>\n",
        escape(&p.id),
        escape(&p.title)
    )
}

/// The legend beside the map: types, sizes, what hollow means, the points outside the map
/// (as many as fit above the credit line; it returns their markers and their number), and the
/// credit line.
fn draw_legend(
    right: &Area<'_>,
    site: &Site,
    groups: &Groups,
    points: &Points,
    map_h: u32,
) -> Result<(String, u64)> {
    let text = |s: &str, x: i32, y: i32, size: u32| {
        right
            .draw(&Text::new(
                s.to_string(),
                (x, y),
                (FONT, size).into_font().color(&BLACK),
            ))
            .map_err(draw_err)
    };
    text("Type", 12, 14, 14)?;
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
        let lines = wrap(label, 26);
        for (j, line) in lines.iter().enumerate() {
            text(line, 34, y - 7 + line_h * j as i32, 12)?;
        }
        y += line_h * lines.len() as i32 + gap;
    }
    if let Some(s) = &site.size {
        y += 8;
        text(s, 12, y, 14)?;
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
            text(&n.to_string(), 52, y + 2, 12)?;
            y += (2.0 * r) as i32 + 10;
        }
    }
    if let Some(p) = &site.precision {
        y += 8;
        right
            .draw(&Circle::new((20, y + 6), 6, BLACK.stroke_width(2)))
            .map_err(draw_err)?;
        let hollow = format!("hollow: {p} {}", site.hollow.join(", "));
        for (j, line) in wrap(&hollow, 26).iter().enumerate() {
            text(line, 34, y + 15 * j as i32, 12)?;
        }
    }
    let mut markers = String::new();
    let mut listed = 0;
    let credit_top = map_h as i32 - 40;
    // The box of points outside the map, when its title and one line fit above the credit.
    if points.outside > 0 && y + 44 + 18 + 16 <= credit_top {
        y += 44;
        text("Outside the map", 12, y, 14)?;
        y += 18;
        for p in points.points.iter().filter(|p| !p.inside) {
            let r = radius(p.size);
            // Room for this point and a line saying how many more there are.
            if y + (2.0 * r) as i32 + 8 + 16 > credit_top {
                break;
            }
            markers.push_str(&marker(p, groups, (MAP_W as i32 + 20, y + r as i32)));
            let label = format!("{} ({}, {})", p.id, fmt_coord(p.lat), fmt_coord(p.lon));
            text(&label, 34, y + r as i32 - 7, 12)?;
            y += (2.0 * r) as i32 + 8;
            listed += 1;
        }
        if listed < points.outside {
            let more = format!("and {} more (in the table)", points.outside - listed);
            text(&more, 12, y, 12)?;
        }
    }
    for (j, line) in wrap(basemap::CREDIT, 34).iter().enumerate() {
        text(line, 12, credit_top + 14 * j as i32, 10)?;
    }
    Ok((markers, listed))
}

/// A coordinate with two decimals (about 1 km), for labels.
fn fmt_coord(v: f64) -> String {
    format!("{v:.2}")
}

/// A circle's radius: area in proportion to 1 + the count, at least 3 px.
fn radius(n: u64) -> f64 {
    3.0 + 1.6 * (n as f64).sqrt()
}
