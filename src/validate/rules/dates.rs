//! Date rules: order of start and end, consistency with the declared precision, coverage.

use super::{Context, Finding, RowDates};
use crate::schema::Schema;
use chrono::{Datelike, NaiveDate};

pub fn order(
    id: &str,
    row: &RowDates,
    start: usize,
    end: usize,
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    if let (Some(s), Some(e)) = (row.get(start), row.get(end)) {
        if s > e {
            out.push(Finding::error(
                id,
                end,
                format!("{} is before {} {s}", e, schema.columns[start].name),
                format!(
                    "{} must be on or after {}: swap the dates or correct one",
                    schema.columns[end].name, schema.columns[start].name
                ),
            ));
        }
    }
}

fn last_day_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("first of a month exists") - chrono::Days::new(1)
}

pub fn precision(
    id: &str,
    row: &RowDates,
    start: usize,
    end: usize,
    precision: usize,
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    let (Some(s), Some(e)) = (row.get(start), row.get(end)) else {
        return;
    };
    let (sn, en) = (&schema.columns[start].name, &schema.columns[end].name);
    let expected = match row.cells[precision] {
        "month" => Some((
            s.with_day(1).expect("day 1 exists"),
            last_day_of_month(s),
            "month",
        )),
        "year" => Some((
            NaiveDate::from_ymd_opt(s.year(), 1, 1).expect("1 January exists"),
            NaiveDate::from_ymd_opt(s.year(), 12, 31).expect("31 December exists"),
            "year",
        )),
        _ => None,
    };
    if let Some((first, last, unit)) = expected {
        if s != first {
            out.push(Finding::error(
                id,
                start,
                format!(
                    "with {unit} precision, the range must start on the first day of its {unit} ({first})"
                ),
                format!("set {sn} to {first}, or use day precision if the source gives the day"),
            ));
        } else if e != last {
            out.push(Finding::error(
                id,
                end,
                format!("with {unit} precision, the range must end on the last day of its {unit} ({last})"),
                format!("set {en} to {last}, or use day precision if the source gives the days"),
            ));
        }
    }
}

pub fn coverage(
    id: &str,
    row: &RowDates,
    fields: &[usize],
    ctx: &Context,
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    for &f in fields {
        let Some(d) = row.get(f) else {
            continue;
        };
        let name = &schema.columns[f].name;
        if let Some(first) = ctx.coverage_start.filter(|&c| d < c) {
            out.push(Finding::error(
                id,
                f,
                format!("{d} is before the dataset's coverage, which starts on {first}"),
                format!("check {name}; if the row belongs in the dataset, extend the coverage in the metadata file"),
            ));
        } else if let Some(last) = ctx.coverage_end.filter(|&c| d > c) {
            out.push(Finding::error(
                id,
                f,
                format!("{d} is after the dataset's coverage, which ends on {last}"),
                format!("check {name}; if the row belongs in the dataset, extend the coverage in the metadata file"),
            ));
        } else if d > ctx.today {
            out.push(Finding::error(
                id,
                f,
                format!("{d} is in the future (today is {})", ctx.today),
                format!(
                    "only what has happened can be recorded; check {name} for a typo in the year"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::testing::{found, row, with};

    #[test]
    fn date_order() {
        assert!(!found(&row()).contains(&"date-order".to_string()));
        assert_eq!(found(&with(2, "2022-09-11")), ["date-order"]);
    }

    #[test]
    fn date_precision() {
        let mut r = row();
        r[1] = "2022-09-01";
        r[2] = "2022-09-30";
        r[3] = "month";
        assert!(found(&r).is_empty());
        r[2] = "2022-09-29";
        assert_eq!(found(&r), ["date-precision"]);
        let mut r = row();
        r[1] = "2022-01-01";
        r[2] = "2022-12-31";
        r[3] = "year";
        assert!(found(&r).is_empty());
        r[1] = "2022-02-01";
        assert_eq!(found(&r), ["date-precision"]);
        // Day precision allows a span of named days.
        assert!(found(&with(2, "2022-09-20")).is_empty());
    }

    #[test]
    fn date_coverage_and_future() {
        let mut r = row();
        r[1] = "2020-12-31";
        assert_eq!(found(&r), ["date-coverage"]);
        let mut r = row();
        r[2] = "2026-01-02";
        assert_eq!(found(&r), ["date-coverage"]);
        assert!(found(&with(2, "2026-01-01")).is_empty());
    }
}
