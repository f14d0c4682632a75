//! The generic functions of the layout language ([`crate::schema::metadata::layouts::FUNCTIONS`]):
//! each takes cell texts and gives a cell text, blank when an input it needs is blank. None
//! knows a column of any dataset.

use crate::schema::{parse_integer, parse_number};
use chrono::{Datelike, NaiveDate};

/// What a function needs besides its arguments.
pub struct Call<'a> {
    pub format: Option<&'a str>,
    pub sep: &'a str,
    /// The release date (`unix_seconds`).
    pub released: NaiveDate,
}

/// Applies the function `name` (known to the parser) to `args`.
pub fn apply(name: &str, args: &[String], call: &Call<'_>) -> String {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match name {
        "year" => date(arg(0)).map_or_else(String::new, |d| d.year().to_string()),
        "date" => date(arg(0)).map_or_else(String::new, |d| {
            d.format(call.format.unwrap_or("%Y-%m-%d")).to_string()
        }),
        "unix_seconds" => unix_seconds(call.released).to_string(),
        "interaction" => interaction(arg(0), arg(1)),
        "priogrid" => point(arg(0), arg(1))
            .and_then(|(lat, lon)| priogrid(lat, lon))
            .map_or_else(String::new, |g| g.to_string()),
        "wkt_point" => point(arg(0), arg(1))
            .map_or_else(String::new, |_| format!("POINT ({} {})", arg(1), arg(0))),
        "time_precision_acled" => span(arg(0), arg(1))
            .map_or_else(String::new, |days| time_precision_acled(days).to_string()),
        "date_prec_ucdp" => {
            span(arg(0), arg(1)).map_or_else(String::new, |days| date_prec_ucdp(days).to_string())
        }
        "number" => number(arg(0)),
        "sum" => fold(args, |a, b| a + b),
        "min" => fold(args, f64::min),
        "max" => fold(args, f64::max),
        "difference" => difference(args),
        "coalesce" => args
            .iter()
            .find(|a| !a.is_empty())
            .cloned()
            .unwrap_or_default(),
        "join" => {
            let given: Vec<&str> = args
                .iter()
                .map(String::as_str)
                .filter(|a| !a.is_empty())
                .collect();
            given.join(call.sep)
        }
        _ => String::new(),
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Seconds from 1970-01-01T00:00:00Z to the day's midnight UTC.
pub fn unix_seconds(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
}

/// ACLED's `interaction`: the two codes, lower first (`12`, not `21`); a missing second code
/// (blank, or ACLED's 0 for "no actor") goes last as 0 (`10`).
pub fn interaction(a: &str, b: &str) -> String {
    let code = |s: &str| parse_integer(s).filter(|c| *c != 0);
    match (code(a), code(b)) {
        (Some(a), Some(b)) => format!("{}{}", a.min(b), a.max(b)),
        (Some(x), None) | (None, Some(x)) => format!("{x}0"),
        (None, None) => String::new(),
    }
}

/// A latitude and a longitude, when both are numbers in range.
fn point(lat: &str, lon: &str) -> Option<(f64, f64)> {
    let (lat, lon) = (parse_number(lat)?, parse_number(lon)?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// The PRIO-GRID (v2) cell of a point: 0.5° cells, 720 columns and 360 rows, numbered from 1
/// at the corner (−180, −90), west to east along a row, rows south to north. A point on a
/// cell's west or south edge lies in that cell; the east edge (180) and the north pole (90),
/// which no cell has as its west or south edge, fall in the last column and the last row.
pub fn priogrid(lat: f64, lon: f64) -> Option<u32> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    let row = (((lat + 90.0) * 2.0).floor() as u32).min(359);
    let col = (((lon + 180.0) * 2.0).floor() as u32).min(719);
    Some(row * 720 + col + 1)
}

/// Days from the first to the last day (0: one day).
fn span(start: &str, end: &str) -> Option<i64> {
    let (s, e) = (
        date(start)?,
        date(if end.is_empty() { start } else { end })?,
    );
    Some((e - s).num_days()).filter(|d| *d >= 0)
}

/// ACLED's `time_precision` of a span of `days` after the first: 1 the day, 2 the week, 3
/// longer (ACLED has nothing coarser than a month: a year is 3 too).
pub fn time_precision_acled(days: i64) -> u8 {
    match days {
        0 => 1,
        1..=6 => 2,
        _ => 3,
    }
}

/// UCDP's `date_prec` of a span of `days` after the first: 1 one day, 2 two to six days, 3 a
/// week, 4 up to a month (31 days), 5 longer.
pub fn date_prec_ucdp(days: i64) -> u8 {
    match days {
        0 => 1,
        1..=5 => 2,
        6 => 3,
        7..=30 => 4,
        _ => 5,
    }
}

/// The integer the digits of a text make (`AABC-0042` → `42`); blank without digits.
fn number(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    digits
        .trim_start_matches('0')
        .parse::<u64>()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| {
            if digits.is_empty() {
                String::new()
            } else {
                "0".into()
            }
        })
}

/// A number as a cell: an integer without a decimal point.
fn cell(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

/// Folds the non-blank numbers; blank when there is none.
fn fold(args: &[String], f: impl Fn(f64, f64) -> f64) -> String {
    args.iter()
        .filter_map(|a| parse_number(a))
        .reduce(f)
        .map_or_else(String::new, cell)
}

/// The first number less the non-blank others; blank when the first is blank.
fn difference(args: &[String]) -> String {
    let Some(first) = args.first().and_then(|a| parse_number(a)) else {
        return String::new();
    };
    let rest: f64 = args[1..].iter().filter_map(|a| parse_number(a)).sum();
    cell(first - rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priogrid_numbers_cells_from_the_south_west_corner() {
        // The first and the last cell, at their corners.
        assert_eq!(priogrid(-90.0, -180.0), Some(1));
        assert_eq!(priogrid(-89.75, -179.75), Some(1));
        assert_eq!(priogrid(-89.5, -180.0), Some(721));
        assert_eq!(priogrid(-90.0, -179.5), Some(2));
        assert_eq!(priogrid(89.75, 179.75), Some(259_200));
        // The poles and the antimeridian: 90 and 180 close the last row and column.
        assert_eq!(priogrid(90.0, 180.0), Some(259_200));
        assert_eq!(priogrid(90.0, -180.0), Some(258_481));
        assert_eq!(priogrid(-90.0, 180.0), Some(720));
        assert_eq!(priogrid(0.0, 0.0), Some(180 * 720 + 360 + 1));
        // A known cell: 10.51 N, 2.29 E is cell 145085 (row 202, column 365, counted from 1).
        assert_eq!(priogrid(10.51, 2.29), Some(145_085));
        // Yerevan lies in row 261 and column 450 (counted from 1).
        assert_eq!(priogrid(40.1811, 44.5136), Some(260 * 720 + 449 + 1));
        assert_eq!(priogrid(90.5, 0.0), None);
        assert_eq!(priogrid(0.0, -180.5), None);
    }

    #[test]
    fn interaction_puts_the_lower_code_first_and_zero_for_no_second_actor() {
        assert_eq!(interaction("8", "1"), "18");
        assert_eq!(interaction("1", "8"), "18");
        assert_eq!(interaction("1", "1"), "11");
        assert_eq!(interaction("7", ""), "70");
        assert_eq!(interaction("1", "0"), "10");
        assert_eq!(interaction("0", "8"), "80");
        assert_eq!(interaction("", ""), "");
    }

    #[test]
    fn precisions_follow_the_span() {
        let acled: Vec<u8> = [0, 1, 6, 7, 30, 364].map(time_precision_acled).to_vec();
        assert_eq!(acled, [1, 2, 2, 3, 3, 3]);
        let ucdp: Vec<u8> = [0, 1, 5, 6, 7, 30, 31, 364].map(date_prec_ucdp).to_vec();
        assert_eq!(ucdp, [1, 2, 2, 3, 4, 4, 5, 5]);
    }

    #[test]
    fn numbers_fold_over_what_is_given() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(fold(&s(&["2", "", "3"]), |a, b| a + b), "5");
        assert_eq!(fold(&s(&["", ""]), f64::max), "");
        assert_eq!(difference(&s(&["10", "3", "", "2"])), "5");
        assert_eq!(difference(&s(&["", "3"])), "");
        assert_eq!(number("AABC-0042"), "42");
        assert_eq!(number("AABC-0000"), "0");
        assert_eq!(number("none"), "");
        assert_eq!(
            unix_seconds(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            1_767_225_600
        );
    }
}
