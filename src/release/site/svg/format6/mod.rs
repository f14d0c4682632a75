//! The pictures of release format 6, written as SVG by hand (no `plotters`), for every reader
//! and any dataset:
//!
//! - **Readable on a phone.** Both pictures are 480 units wide and every text is 15 units, so
//!   drawn 360 px wide (a phone) it is 15 × 360 / 480 = 11.25 px; a marker is at least 12
//!   units (9 px) across.
//! - **Colour means one thing.** The types of the events chart and the series of the killed
//!   chart take their colours from two disjoint colour-blind-safe palettes ([`GROUP_COLORS`],
//!   [`SERIES_COLORS`]); the map's markers and the timeline's marks are in ink, not in a
//!   series colour. Each chart's legend lists its entries in the order of the stack, top first.
//! - **Words from the schema.** Captions and legends name only what the `site` section and the
//!   schema give: a column's `title`, a vocabulary value's `title`; no "killed" without killed
//!   series.
//!
//! The contract with the page's script, which may redraw or filter from these attributes:
//!
//! - the map's root `<svg>` is `role="group"` (its markers are links), with `data-bbox="west
//!   south east north"` (degrees) and `data-plot="x y width height"` (the map's rectangle in
//!   viewBox units): the projection is equirectangular from the box onto that rectangle, so a
//!   point is at `x + (lon − west) / (east − west) × width`, `y + (north − lat) / (north −
//!   south) × height`;
//! - each marker is `<a class="marker" href="#places=ID1,ID2" data-places="ID1 ID2"
//!   data-n="N" aria-label="N events at Name1, Name2">` holding a `<circle>` and, for N ≥ 2,
//!   a `<text class="count">`. Ids are the place ids of the events' first places (or
//!   `latitude:longitude` when the rows have no place id), percent-encoded except for RFC
//!   3986's unreserved characters; the markers' `data-n` sum to the events on the map;
//! - the timeline's root is `role="img"`; each month with events has a transparent
//!   `<rect class="month" data-month="YYYY-MM">` across the charts, with a `<title>`, for a
//!   click to filter by; each mark is a `<g class="mark" data-n="N" data-dates="YYYY-MM-DD …">`.

mod map;
mod markers;
mod timeline;

pub use map::map;
pub use timeline::timeline;

use crate::schema::Schema;
use std::fmt::Write;

/// Width of both pictures, in viewBox units.
const WIDTH: f64 = 480.0;
/// Size of every text, in viewBox units (see the module doc).
const FONT_SIZE: f64 = 15.0;
/// Height of one line of text.
const LINE: f64 = 20.0;
/// Average width of a character at [`FONT_SIZE`], to lay out and cut labels.
const CHAR_W: f64 = 8.0;
/// Ink: text, axes, marks, markers.
const INK: &str = "#222222";
/// Colours of the event types (or groups), in stack order: picked from Okabe–Ito and Paul
/// Tol's palettes for the largest smallest CIELAB distance between any two, in normal vision
/// and simulated deuteranopia, protanopia and tritanopia (Machado et al. 2009), disjoint from
/// [`SERIES_COLORS`] (tested in `tests`).
const GROUP_COLORS: [&str; 7] = [
    "#0072B2", "#EE6677", "#332288", "#56B4E9", "#882255", "#999933", "#CC79A7",
];
/// Colours of the killed series, in stack order (see [`GROUP_COLORS`]).
const SERIES_COLORS: [&str; 5] = ["#E69F00", "#117733", "#AA4499", "#44AA99", "#D55E00"];

/// A number with at most one decimal, as SVG coordinates are written.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// `<text>` at `(x, y)` in ink, in the house font and size, escaped, with extra attributes.
fn text(out: &mut String, at: (f64, f64), s: &str, attrs: &str) {
    text_in(out, INK, at, s, attrs);
}

/// `<text>` as [`text`], in `fill`.
fn text_in(out: &mut String, fill: &str, (x, y): (f64, f64), s: &str, attrs: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-family=\"sans-serif\" font-size=\"{}\" fill=\"{fill}\"{attrs}>{}</text>",
        num(x),
        num(y),
        num(FONT_SIZE),
        super::escape(s)
    );
}

/// The root element: its size, its role and what it is, in a `<title>` and a `<desc>`.
fn open(height: f64, role: &str, title: &str, description: &str, attrs: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"{role}\" aria-label=\"{t}\"{attrs}>\n<title>{t}</title>\n<desc>{}</desc>\n",
        super::escape(description),
        w = num(WIDTH),
        h = num(height),
        t = super::escape(title),
    )
}

/// A column's `title` in its schema, else its name.
fn column_title(schema: &Schema, i: usize) -> String {
    let c = &schema.columns[i];
    c.schema
        .get("title")
        .and_then(|t| t.as_str())
        .unwrap_or(&c.name)
        .to_string()
}

/// A vocabulary value's `title` in the schema, else the value.
fn value_title(schema: &Schema, i: usize, value: &str) -> String {
    schema.columns[i]
        .title_of(value)
        .unwrap_or(value)
        .to_string()
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// "1 event" or "N events".
fn events(n: u64) -> String {
    if n == 1 {
        "1 event".into()
    } else {
        format!("{n} events")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB.
    const SIMULATIONS: [[[f64; 3]; 3]; 4] = [
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ],
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ],
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ],
    ];

    /// CIELAB of `#RRGGBB` as seen through `m`.
    fn lab(hex: &str, m: &[[f64; 3]; 3]) -> [f64; 3] {
        let lin = |i: usize| {
            let c = u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap() as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let v = [lin(0), lin(1), lin(2)];
        let s: Vec<f64> = m
            .iter()
            .map(|row| (0..3).map(|j| row[j] * v[j]).sum::<f64>().clamp(0.0, 1.0))
            .collect();
        let x = (0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2]) / 0.95047;
        let y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
        let z = (0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    /// The smallest distance between two colours of `set`, in any of the four visions.
    fn closest(set: &[&str]) -> f64 {
        let mut min = f64::MAX;
        for m in &SIMULATIONS {
            for (i, a) in set.iter().enumerate() {
                for b in &set[i + 1..] {
                    let (p, q) = (lab(a, m), lab(b, m));
                    let d = (0..3).map(|k| (p[k] - q[k]).powi(2)).sum::<f64>().sqrt();
                    min = min.min(d);
                }
            }
        }
        min
    }

    #[test]
    fn palettes_stay_apart_for_colour_blind_readers_and_share_no_colour() {
        // Okabe–Ito's first five, as format 5 used them, come as close as 16.
        assert!(
            closest(&GROUP_COLORS[..6]) > 24.0,
            "{}",
            closest(&GROUP_COLORS)
        );
        assert!(closest(&GROUP_COLORS) > 20.0);
        assert!(closest(&SERIES_COLORS[..4]) > 22.0);
        assert!(closest(&SERIES_COLORS) > 17.0);
        assert!(GROUP_COLORS
            .iter()
            .all(|c| !SERIES_COLORS.contains(c) && *c != INK));
        assert!(!SERIES_COLORS.contains(&INK));
    }

    #[test]
    fn numbers_are_written_short() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.25), "2.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
