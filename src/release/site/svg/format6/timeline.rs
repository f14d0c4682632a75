//! The timeline: events per month stacked by type, killed per month stacked by series (when
//! the `site` section names any), the marked events as labelled dashed lines (merged when they
//! would crowd), and a transparent target per month.

use super::*;
use crate::error::Result;
use crate::release::site::svg::timeline::{series_columns, Months};
use crate::release::site::svg::{column, month_label, nice_max, Figure, Groups};

use crate::schema::metadata::Site;
use std::collections::BTreeMap;

/// Left edge of the plots (the y labels are right of 0 and left of it), and right edge.
const LEFT: f64 = 48.0;
const RIGHT: f64 = WIDTH - 8.0;
/// Heights of the events plot and of the killed plot.
const EVENTS_H: f64 = 190.0;
const KILLED_H: f64 = 140.0;
/// Marks closer than this (in viewBox units: a line of text) are drawn as one, labelled
/// with their number, so that labels never cross.
const MERGE: f64 = 18.0;
/// The most mark lines a timeline draws: when marks are dense (thousands of events), they
/// are merged over a wider span, so that the lines leave the columns readable.
const MAX_MARKS: f64 = 12.0;

/// Events per month by type, killed per month by series, the marked events, and a target per
/// month. `rows_csv` is the table of `schema` (canonical or expanded: only `site`'s columns
/// are read).
pub fn timeline(site: &Site, schema: &Schema, rows_csv: &[u8]) -> Result<Figure> {
    let date = column(schema, "date", &site.date)?;
    let kind = column(schema, "type", &site.kind)?;
    let series = series_columns(site, schema)?;
    let groups = Groups::new(site, schema, kind)?.titled(site, schema, kind);
    let mut months = Months::tally(schema, rows_csv, site, &groups, (date, kind), &series)?;
    let labels = fold(groups.labels, &mut months.events);
    let with_killed = !series.is_empty();
    let title = if with_killed {
        "Events per month by type, and killed per month"
    } else {
        "Events per month by type"
    }
    .to_string();
    let what = What {
        site,
        schema,
        kind,
        labels: &labels,
        months: &months,
        with_killed,
    };
    let description = describe(&what);
    let svg = draw(&what, (&title, &description));
    Ok(Figure {
        svg,
        title,
        description,
    })
}

/// The colour groups, at most one per colour of [`GROUP_COLORS`] so that no colour stands for
/// two: past that, the groups with the fewest events (the later of equals) join one last group
/// "Other (N types)", and `events` is counted again by the groups kept.
fn fold(labels: Vec<String>, events: &mut BTreeMap<i32, Vec<u64>>) -> Vec<String> {
    let room = GROUP_COLORS.len();
    if labels.len() <= room {
        return labels;
    }
    let total = |g: usize| events.values().map(|v| v[g]).sum::<u64>();
    let mut by_size: Vec<usize> = (0..labels.len()).collect();
    by_size.sort_by_key(|&g| (std::cmp::Reverse(total(g)), g));
    let mut kept: Vec<usize> = by_size[..room - 1].to_vec();
    kept.sort_unstable();
    let to = |g: usize| kept.iter().position(|&k| k == g).unwrap_or(room - 1);
    for v in events.values_mut() {
        let mut folded = vec![0; room];
        for (g, n) in v.iter().enumerate() {
            folded[to(g)] += n;
        }
        *v = folded;
    }
    let mut out: Vec<String> = kept.iter().map(|&g| labels[g].clone()).collect();
    out.push(format!("Other ({} types)", labels.len() - kept.len()));
    out
}

/// What the timeline draws: the `site` section, the table's schema and type column, the
/// colour groups, the tally, and whether there is a killed chart.
struct What<'a> {
    site: &'a Site,
    schema: &'a Schema,
    kind: usize,
    labels: &'a [String],
    months: &'a Months,
    with_killed: bool,
}

/// The text alternative, naming the marks by their values' titles.
fn describe(w: &What<'_>) -> String {
    let (site, months) = (w.site, w.months);
    let mut s = format!(
        "Column chart of {} events per month from {} to {}, stacked by type ({}).",
        months.total_events,
        month_label(months.first),
        month_label(months.last),
        w.labels.join("; "),
    );
    s.push_str(&months.busiest());
    if w.with_killed {
        let total: u64 = months.killed.values().flatten().sum();
        let labels: Vec<&str> = site.killed.iter().map(|s| s.label.as_str()).collect();
        s.push_str(&format!(
            " Below it, {total} killed per month, stacked ({}).",
            labels.join("; ")
        ));
        s.push_str(&months.deadliest());
    }
    if !months.marks.is_empty() {
        let names: Vec<String> = site
            .mark
            .iter()
            .map(|v| value_title(w.schema, w.kind, v))
            .collect();
        s.push_str(&format!(
            " Dashed lines mark the {} events of type {} on their day, one line for those less than a few days apart, labelled with their number.",
            months.marks.len(),
            names.join(" or ")
        ));
    }
    s
}

/// The plots' horizontal scale: months onto `LEFT..RIGHT`.
struct Scale {
    first: i32,
    per_month: f64,
}

impl Scale {
    fn x(&self, month: i32) -> f64 {
        LEFT + (month - self.first) as f64 * self.per_month
    }
}

/// One stacked chart: its caption, data, labels and colours.
struct Panel<'a> {
    caption: &'a str,
    data: &'a BTreeMap<i32, Vec<u64>>,
    labels: &'a [String],
    colors: &'a [&'a str],
    height: f64,
}

fn draw(w: &What<'_>, (title, description): (&str, &str)) -> String {
    let (site, months) = (w.site, w.months);
    let scale = Scale {
        first: months.first,
        per_month: (RIGHT - LEFT) / (months.last - months.first + 1) as f64,
    };
    let mut body = String::new();
    let events = Panel {
        caption: "Events per month, by type",
        data: &months.events,
        labels: w.labels,
        colors: &GROUP_COLORS,
        height: EVENTS_H,
    };
    let top = 8.0;
    let (events_plot, mut y) = panel(&mut body, &events, &scale, months, top);
    let mut plots = vec![(events_plot, events_plot + EVENTS_H)];
    if w.with_killed {
        let labels: Vec<String> = site.killed.iter().map(|s| s.label.clone()).collect();
        let killed = Panel {
            caption: "Killed per month",
            data: &months.killed,
            labels: &labels,
            colors: &SERIES_COLORS,
            height: KILLED_H,
        };
        let (plot, next) = panel(&mut body, &killed, &scale, months, y + 8.0);
        plots.push((plot, plot + KILLED_H));
        y = next;
    }
    month_targets(&mut body, months, &scale, &plots);
    marks(&mut body, w.schema, w.kind, months, &scale, &plots);
    let mut svg = open(y + 4.0, "img", title, description, "");
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// One chart from `top`: caption, y axis, years, stacked columns, legend below. Returns the
/// top of its plot and where the next thing goes.
fn panel(out: &mut String, p: &Panel<'_>, scale: &Scale, months: &Months, top: f64) -> (f64, f64) {
    text(out, (8.0, top + 15.0), p.caption, " font-weight=\"bold\"");
    let plot = top + 30.0;
    let base = plot + p.height;
    let y_max = nice_max(
        p.data
            .values()
            .map(|v| v.iter().sum::<u64>())
            .max()
            .unwrap_or(0),
    );
    let y = |v: u64| base - v as f64 / y_max as f64 * p.height;
    let ticks: Vec<u64> = if y_max.is_multiple_of(2) {
        vec![0, y_max / 2, y_max]
    } else {
        vec![0, y_max]
    };
    for t in ticks {
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{v}\" x2=\"{}\" y2=\"{v}\" stroke=\"#DDDDDD\" stroke-width=\"1\"/>",
            num(LEFT),
            num(RIGHT),
            v = num(y(t))
        );
        text(
            out,
            (LEFT - 4.0, y(t) + 5.0),
            &t.to_string(),
            " text-anchor=\"end\"",
        );
    }
    years(out, months, scale, (plot, base));
    let width = (scale.per_month * 0.8).max(0.6);
    for (&m, v) in p.data {
        let mut below = 0u64;
        for (i, &n) in v.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                num(scale.x(m) + scale.per_month * 0.1),
                num(y(below + n)),
                num(width),
                num(y(below) - y(below + n)),
                p.colors[i % p.colors.len()]
            );
            below += n;
        }
    }
    let _ = writeln!(
        out,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{INK}\" stroke-width=\"1\"/>",
        num(LEFT),
        num(RIGHT),
        b = num(base)
    );
    (plot, legend(out, p, base + 28.0 + LINE))
}

/// A line and a label at each year's first month, as far apart as the labels need.
fn years(out: &mut String, months: &Months, scale: &Scale, (plot, base): (f64, f64)) {
    let mut last_end = f64::MIN;
    for m in months.first..=months.last {
        let first = m == months.first;
        if !first && m.rem_euclid(12) != 0 {
            continue;
        }
        let x = scale.x(m);
        let label = if first {
            month_label(m)
        } else {
            m.div_euclid(12).to_string()
        };
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#BBBBBB\" stroke-width=\"1\"/>",
            num(plot),
            num(base + 4.0),
            x = num(x)
        );
        if x >= last_end + 6.0 && x + label.len() as f64 * CHAR_W <= WIDTH {
            text(out, (x + 2.0, base + 20.0), &label, "");
            last_end = x + label.len() as f64 * CHAR_W;
        }
    }
}

/// The legend, one entry a line in the order of the stack (top first). Returns where the next
/// thing goes.
fn legend(out: &mut String, p: &Panel<'_>, mut y: f64) -> f64 {
    for (i, label) in p.labels.iter().enumerate().rev() {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\"/>",
            num(LEFT),
            num(y - 12.0),
            p.colors[i % p.colors.len()]
        );
        text(out, (LEFT + 20.0, y), &cut(label, 50), "");
        y += LINE;
    }
    y
}

/// A transparent target over each month with events, on each plot.
fn month_targets(out: &mut String, months: &Months, scale: &Scale, plots: &[(f64, f64)]) {
    for (&m, v) in &months.events {
        let n: u64 = v.iter().sum();
        let killed: u64 = months.killed.get(&m).map(|k| k.iter().sum()).unwrap_or(0);
        let mut title = format!("{}: {}", month_label(m), events(n));
        if !months.killed.is_empty() && killed > 0 {
            title.push_str(&format!(", {killed} killed"));
        }
        for (top, bottom) in plots {
            let _ = writeln!(
                out,
                "<rect class=\"month\" data-month=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"transparent\"><title>{}</title></rect>",
                month_label(m),
                num(scale.x(m)),
                num(*top),
                num(scale.per_month),
                num(bottom - top),
                crate::release::site::svg::escape(&title)
            );
        }
    }
}

/// The marks: one dashed line per group of marked events less than [`MERGE`] apart (or more,
/// to draw at most [`MAX_MARKS`]), labelled
/// with their types' titles (and their number when more than one), reading upwards along the
/// line.
fn marks(
    out: &mut String,
    schema: &Schema,
    kind: usize,
    months: &Months,
    scale: &Scale,
    plots: &[(f64, f64)],
) {
    let (top, bottom) = plots[0];
    let mut placed: Vec<(f64, String, String)> = months
        .marks
        .iter()
        .map(|(m, d, t)| {
            let x = scale.x(*m) + (*d as f64 - 0.5) / 31.0 * scale.per_month;
            (x, format!("{}-{d:02}", month_label(*m)), t.clone())
        })
        .collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let span = MERGE.max((RIGHT - LEFT) / MAX_MARKS);
    let mut groups: Vec<Vec<(f64, String, String)>> = Vec::new();
    for p in placed {
        match groups.last_mut() {
            Some(g) if p.0 - g[0].0 < span => g.push(p),
            _ => groups.push(vec![p]),
        }
    }
    let max_chars = ((bottom - top) / CHAR_W) as usize;
    for g in groups {
        let x = g.iter().map(|p| p.0).sum::<f64>() / g.len() as f64;
        let mut types: Vec<String> = Vec::new();
        for (_, _, t) in &g {
            let name = value_title(schema, kind, t);
            if !types.contains(&name) {
                types.push(name);
            }
        }
        // The number first, so that a label cut short keeps it.
        let mut label = types.join(", ");
        if g.len() > 1 {
            label = format!("{}× {label}", g.len());
        }
        let dates: Vec<&str> = g.iter().map(|p| p.1.as_str()).collect();
        let listed: Vec<String> = g
            .iter()
            .take(12)
            .map(|p| format!("{} {}", p.1, value_title(schema, kind, &p.2)))
            .collect();
        let mut title = format!("{}: {}", events(g.len() as u64), listed.join("; "));
        if g.len() > 12 {
            title.push_str(&format!("; and {} more", g.len() - 12));
        }
        let _ = writeln!(
            out,
            "<g class=\"mark\" data-n=\"{}\" data-dates=\"{}\"><title>{}</title>",
            g.len(),
            dates.join(" "),
            crate::release::site::svg::escape(&title)
        );
        for (top, bottom) in plots {
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>",
                num(*top),
                num(*bottom),
                x = num(x)
            );
        }
        let _ = writeln!(
            out,
            "<text transform=\"translate({} {}) rotate(-90)\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"{}\" fill=\"{INK}\" stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>\n</g>",
            num(x - 3.0),
            num(top + 2.0),
            num(FONT_SIZE),
            crate::release::site::svg::escape(&cut(&label, max_chars))
        );
    }
}
