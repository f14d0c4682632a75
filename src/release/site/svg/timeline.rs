//! The timeline of release formats 3 to 5: events per month stacked by group of type, killed
//! per month stacked by side, a dashed line on the day of every marked event. Its month tally
//! ([`Months`]) serves format 6 too.

use super::*;
use crate::schema::rows::Rows;

/// Events per month by type (stacked columns), killed per month by side (stacked columns),
/// and a dashed line on the day of each row whose type is in `site.mark`. `events_csv` is the
/// table of `schema` (canonical or expanded: only `site`'s columns are read).
pub(super) fn timeline(site: &Site, schema: &Schema, events_csv: &[u8]) -> Result<Figure> {
    let date = column(schema, "date", &site.date)?;
    let kind = column(schema, "type", &site.kind)?;
    let series = series_columns(site, schema)?;
    let groups = Groups::new(site, schema, kind)?;
    let months = Months::tally(schema, events_csv, site, &groups, (date, kind), &series)?;
    let title = "Events per month by type, and killed per month by side".to_string();
    let description = months.describe(site, &groups, !series.is_empty());
    let svg = draw_timeline(site, &groups, &months, !series.is_empty())?;
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

/// The columns of each killed series of the `site` section.
pub(super) fn series_columns(site: &Site, schema: &Schema) -> Result<Vec<Vec<usize>>> {
    site.killed
        .iter()
        .map(|s| {
            s.columns
                .iter()
                .map(|c| column(schema, "killed", c))
                .collect::<Result<Vec<_>>>()
        })
        .collect()
}

/// What the timeline draws, month by month (months as numbers: year × 12 + month − 1).
pub(super) struct Months {
    /// Events by colour group.
    pub(super) events: BTreeMap<i32, Vec<u64>>,
    /// Killed by series (side).
    pub(super) killed: BTreeMap<i32, Vec<u64>>,
    /// The marked rows: month, day, type.
    pub(super) marks: Vec<(i32, u32, String)>,
    /// Rows with a date.
    pub(super) total_events: u64,
    /// The first and last month with events (0 and 0 when there are none).
    pub(super) first: i32,
    pub(super) last: i32,
}

impl Months {
    /// Reads every row once, with its date and type columns.
    pub(super) fn tally(
        schema: &Schema,
        events_csv: &[u8],
        site: &Site,
        groups: &Groups,
        (date, kind): (usize, usize),
        series: &[Vec<usize>],
    ) -> Result<Months> {
        let mut events: BTreeMap<i32, Vec<u64>> = BTreeMap::new();
        let mut killed: BTreeMap<i32, Vec<u64>> = BTreeMap::new();
        let mut marks = Vec::new();
        let mut total_events = 0u64;
        let mut rows = Rows::new(schema, events_csv, &site.table)?;
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
        Ok(Months {
            events,
            killed,
            marks,
            total_events,
            first,
            last,
        })
    }

    /// The month with the highest sum (the earliest of equals), with that sum.
    pub(super) fn peak(by_month: &BTreeMap<i32, Vec<u64>>) -> Option<(i32, u64)> {
        by_month
            .iter()
            .map(|(m, v)| (*m, v.iter().sum::<u64>()))
            .max_by_key(|&(m, n)| (n, -m))
    }

    /// " The busiest month is YYYY-MM (N events).", or nothing without events.
    pub(super) fn busiest(&self) -> String {
        Self::peak(&self.events)
            .map(|(m, n)| format!(" The busiest month is {} ({n} events).", month_label(m)))
            .unwrap_or_default()
    }

    /// " The deadliest month is YYYY-MM (N killed).", or nothing when none were killed.
    pub(super) fn deadliest(&self) -> String {
        Self::peak(&self.killed)
            .filter(|&(_, n)| n > 0)
            .map(|(m, n)| format!(" The deadliest month is {} ({n} killed).", month_label(m)))
            .unwrap_or_default()
    }

    /// The text alternative: what the charts show, in words.
    fn describe(&self, site: &Site, groups: &Groups, with_killed: bool) -> String {
        let mut s = format!(
            "Two column charts over the months {} to {}. Top: {} events per month, stacked by type ({}).",
            month_label(self.first),
            month_label(self.last),
            self.total_events,
            groups.labels.join("; "),
        );
        s.push_str(&self.busiest());
        if with_killed {
            let total: u64 = self.killed.values().flatten().sum();
            let sides: Vec<&str> = site.killed.iter().map(|s| s.label.as_str()).collect();
            s.push_str(&format!(
                " Bottom: {total} killed, per month, stacked by side ({}).",
                sides.join("; ")
            ));
            s.push_str(&self.deadliest());
        }
        if !self.marks.is_empty() {
            s.push_str(&format!(
                " Dashed lines mark {} events of type {} on their day.",
                self.marks.len(),
                site.mark.join(" or ")
            ));
        }
        s
    }
}

/// The highest stacked column of a chart.
fn max_sum(by_month: &BTreeMap<i32, Vec<u64>>) -> u64 {
    by_month
        .values()
        .map(|v| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
}

/// The timeline's SVG as plotters draws it: the events chart, and the killed chart below it
/// when the metadata names killed series.
fn draw_timeline(
    site: &Site,
    groups: &Groups,
    months: &Months,
    with_killed: bool,
) -> Result<String> {
    let (w, h) = (960u32, if with_killed { 640 } else { 360 });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, bottom) = if with_killed {
            let (a, b) = root.split_vertically(340);
            (a, Some(b))
        } else {
            (root.clone(), None)
        };
        let events = Panel {
            caption: "Events per month, by type",
            y_desc: "events",
            data: &months.events,
            labels: &groups.labels,
            colors: &|i| groups.color(i),
        };
        draw_panel(&top, &events, months)?;
        if let Some(bottom) = bottom {
            let labels: Vec<String> = site.killed.iter().map(|s| s.label.clone()).collect();
            let killed = Panel {
                caption: "Killed per month, by side",
                y_desc: "killed",
                data: &months.killed,
                labels: &labels,
                colors: &|i| SIDES[i % SIDES.len()],
            };
            draw_panel(&bottom, &killed, months)?;
        }
        if !months.marks.is_empty() {
            root.draw(&Text::new(
                format!("Dashed lines: {}", site.mark.join(", ")),
                (10, h as i32 - 16),
                (FONT, 12).into_font().color(&BLACK),
            ))
            .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// One column chart of the timeline: stacked columns per month, one colour per label.
struct Panel<'a> {
    caption: &'a str,
    y_desc: &'a str,
    data: &'a BTreeMap<i32, Vec<u64>>,
    labels: &'a [String],
    colors: &'a dyn Fn(usize) -> RGBColor,
}

fn draw_panel(area: &Area<'_>, p: &Panel<'_>, months: &Months) -> Result<()> {
    let y_max = nice_max(max_sum(p.data));
    let x_range = (months.first as f64 - 0.5)..(months.last as f64 + 0.5);
    let mut chart = ChartBuilder::on(area)
        .caption(p.caption, (FONT, 16))
        .margin_left(10)
        .margin_right(250)
        .margin_top(6)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(x_range, 0f64..y_max as f64)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_desc(p.y_desc)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style((FONT, 12))
        .light_line_style(WHITE)
        .draw()
        .map_err(draw_err)?;
    year_ticks(&mut chart, months, y_max)?;
    for (i, label) in p.labels.iter().enumerate() {
        let color = (p.colors)(i);
        let rects = p.data.iter().filter_map(|(&m, v)| {
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
        legend_entry(area, &chart, p.labels.len(), i, label, color)?;
    }
    for (m, d, _) in &months.marks {
        let x = *m as f64 - 0.5 + (*d as f64 - 0.5) / 31.0;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, y_max as f64)],
                MARK.stroke_width(1),
            )))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Year ticks: a line and the year at every January (and the first month, labelled in full).
fn year_ticks(chart: &mut Chart<'_, '_>, months: &Months, y_max: u64) -> Result<()> {
    let first = months.first;
    for m in (first..=months.last).filter(|&m| m.rem_euclid(12) == 0 || m == first) {
        let x = m as f64 - 0.5;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, y_max as f64)],
                RGBColor(0xBB, 0xBB, 0xBB),
            )))
            .map_err(draw_err)?;
        let (px, py) = chart.backend_coord(&(x, 0.0));
        let label = if m == first {
            month_label(m)
        } else {
            m.div_euclid(12).to_string()
        };
        let base = chart.plotting_area().get_base_pixel();
        chart
            .plotting_area()
            .strip_coord_spec()
            .draw(&Text::new(
                label,
                (px - base.0 + 3, py - base.1 + 4),
                (FONT, 12).into_font().color(&BLACK),
            ))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// One line of a panel's legend, drawn by hand to the right of the plot (plotters' own box
/// would sit over the columns). Entries close up when there are many (one per type, without
/// groups).
fn legend_entry(
    area: &Area<'_>,
    chart: &Chart<'_, '_>,
    entries: usize,
    i: usize,
    label: &str,
    color: RGBColor,
) -> Result<()> {
    let room = area.dim_in_pixel().1 as i32 - 50;
    let step = (room / entries.max(1) as i32).clamp(12, 20);
    let (x0, y0) = (
        chart.plotting_area().dim_in_pixel().0 as i32 + 70,
        40 + step * i as i32,
    );
    area.draw(&Rectangle::new(
        [(x0, y0 - 6), (x0 + 12, y0 + 6)],
        color.filled(),
    ))
    .map_err(draw_err)?;
    area.draw(&Text::new(
        label.to_string(),
        (x0 + 18, y0 - 5),
        (FONT, 12).into_font().color(&BLACK),
    ))
    .map_err(draw_err)?;
    Ok(())
}
