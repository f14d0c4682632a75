//! Low and high bounds of figure columns, derived from the claims table that the metadata's
//! `claims` block declares (UCDP-style `<column>_low` and `<column>_high` in the typed
//! exports). Each claim gives a range: `exact` and `approximate` v give [v, v] (approximate
//! figures are taken at face value), `at_least` v gives [v, none], `up_to` v gives [0, v]. A
//! row's bounds for a column are the lowest low of its claims and the highest high, when one
//! claim has a high and it is not below any `at_least` value (otherwise no high). A column
//! without claims that is the total of a `sum` rule adds up its parts' bounds; any other
//! figure without claims is taken at face value; a blank figure without claims has none.
//!
//! The claims are read into memory once (they are small beside the table); the table is
//! streamed, and each row's bounds are computed as it passes.

use crate::error::{Error, Result};
use crate::schema::metadata::Claims;
use crate::schema::rows::Rows;
use crate::schema::{RuleSpec, Schema};
use crate::table::text::shown;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The claims table, as the bounds need it: what the metadata says of it, its schema, its CSV.
pub struct ClaimsSource<'a> {
    pub claims: &'a Claims,
    pub schema: &'a Schema,
    pub csv: &'a [u8],
}

/// What one claim allows: at least `low`, at most `high` (none: no upper bound), and the
/// value of an `at_least` claim, which a high must not fall below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub low: i64,
    pub high: Option<i64>,
    pub at_least: Option<i64>,
}

impl Range {
    /// The range of one claim; `None` for a qualifier the claims do not know.
    pub fn of(qualifier: &str, value: i64) -> Option<Range> {
        let (low, high, at_least) = match qualifier {
            "exact" | "approximate" => (value, Some(value), None),
            "at_least" => (value, None, Some(value)),
            "up_to" => (value.min(0), Some(value), None),
            _ => return None,
        };
        Some(Range {
            low,
            high,
            at_least,
        })
    }
}

/// The bounds of a set of claims: the lowest low, and the highest high when some claim has
/// one that no `at_least` claim exceeds. `None` when there is no claim.
pub fn combine(ranges: &[Range]) -> Option<(i64, Option<i64>)> {
    let low = ranges.iter().map(|r| r.low).min()?;
    let high = ranges.iter().filter_map(|r| r.high).max();
    let floor = ranges.iter().filter_map(|r| r.at_least).max();
    let high = high.filter(|&h| floor.is_none_or(|f| h >= f));
    Some((low, high))
}

/// The bounds of a table's rows: which columns get them, the `sum` rules that derive a total's
/// bounds from its parts, and the claims by row key and column.
pub struct Bounds {
    /// Index of the row key (the table's one-column primary key).
    key: usize,
    /// Columns that get `_low` and `_high`, in table order.
    columns: Vec<usize>,
    /// Parts of each total of a `sum` rule.
    sums: HashMap<usize, Vec<usize>>,
    /// Claims by row key, then column.
    claims: HashMap<String, HashMap<usize, Vec<Range>>>,
}

impl Bounds {
    /// The bounds of `schema`'s rows from the claims; `None` when the claims name no bound
    /// column.
    pub fn new(schema: &Schema, source: &ClaimsSource<'_>) -> Result<Option<Bounds>> {
        let c = source.claims;
        if c.bounds.is_empty() {
            return Ok(None);
        }
        let fail = |message: String| Error::Schema {
            path: schema.path.clone(),
            message,
        };
        let key = match schema.primary_key.as_slice() {
            [k] => *k,
            _ => {
                return Err(fail(format!(
                    "the claims' bounds need a one-column primary key in {}",
                    shown(&c.of)
                )))
            }
        };
        let mut columns = c
            .bounds
            .iter()
            .map(|n| {
                schema.column_index(n).ok_or_else(|| {
                    fail(format!(
                        "claims.bounds names {}, which is not a column of {}",
                        shown(n),
                        shown(&c.of)
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        columns.sort_unstable();
        columns.dedup();
        let sums = schema
            .rules
            .iter()
            .filter_map(|r| match r {
                RuleSpec::Sum { total, parts, .. } => Some((*total, parts.clone())),
                _ => None,
            })
            .collect();
        let claims = read_claims(schema, source)?;
        Ok(Some(Bounds {
            key,
            columns,
            sums,
            claims,
        }))
    }

    /// Columns that get bounds, in table order.
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// The `_low` and `_high` properties added after `column`.
    pub fn properties(&self, schema: &Schema, column: usize) -> Vec<(String, Value)> {
        let name = &schema.columns[column].name;
        let blank = format!("{name} is blank and no claim gives it.");
        // The bounds take the column's own range, so that they get its type in every export
        // (a 32-bit column gets 32-bit bounds).
        let maximum = schema.columns[column].schema.get("maximum").cloned();
        let prop = |what: &str| {
            let mut p = json!({
                "type": ["integer", "null"],
                "minimum": 0,
                "description": format!("{what} of {name} the claims allow: see the codebook's rules for bounds."),
                "x-blank": blank,
            });
            if let Some(m) = &maximum {
                p["maximum"] = m.clone();
            }
            p
        };
        vec![
            (format!("{name}_low"), prop("The lowest value")),
            (
                format!("{name}_high"),
                prop("The highest value (blank when a claim says \"at least\" and none bounds it)"),
            ),
        ]
    }

    /// The bounds of every bound column of one row, in [`Bounds::columns`] order.
    pub fn row(&self, cells: &[&str]) -> Vec<(Option<i64>, Option<i64>)> {
        let claims = cells.get(self.key).and_then(|k| self.claims.get(*k));
        self.columns
            .iter()
            .map(|&c| self.bound(claims, cells, c, self.sums.len()))
            .collect()
    }

    /// One column's bounds: its claims, else the sum of its parts' bounds (a total), else its
    /// own figure; `depth` stops sums that would nest forever.
    fn bound(
        &self,
        claims: Option<&HashMap<usize, Vec<Range>>>,
        cells: &[&str],
        column: usize,
        depth: usize,
    ) -> (Option<i64>, Option<i64>) {
        if let Some((low, high)) = claims.and_then(|m| m.get(&column)).and_then(|r| combine(r)) {
            return (Some(low), high);
        }
        if let Some(parts) = self.sums.get(&column).filter(|_| depth > 0) {
            let given: Vec<_> = parts
                .iter()
                .map(|&p| self.bound(claims, cells, p, depth - 1))
                .filter(|(low, _)| low.is_some())
                .collect();
            if !given.is_empty() {
                let add = |v: Vec<Option<i64>>| {
                    v.into_iter()
                        .try_fold(0i64, |a, b| b.and_then(|b| a.checked_add(b)))
                };
                return (
                    add(given.iter().map(|b| b.0).collect()),
                    add(given.iter().map(|b| b.1).collect()),
                );
            }
        }
        let figure = cells
            .get(column)
            .and_then(|c| crate::schema::parse_integer(c));
        (figure, figure)
    }
}

/// The claims, by row key and column of the table they are about.
fn read_claims(
    schema: &Schema,
    source: &ClaimsSource<'_>,
) -> Result<HashMap<String, HashMap<usize, Vec<Range>>>> {
    let c = source.claims;
    let cs = source.schema;
    let index = |name: &str| {
        cs.column_index(name).ok_or_else(|| Error::Schema {
            path: cs.path.clone(),
            message: format!(
                "the metadata's claims block names {}, which is not a column of {}",
                shown(name),
                shown(&c.table)
            ),
        })
    };
    let (key, column, value, qualifier) = (
        index(&c.key)?,
        index(&c.column)?,
        index(&c.value)?,
        index(&c.qualifier)?,
    );
    let mut out: HashMap<String, HashMap<usize, Vec<Range>>> = HashMap::new();
    let mut rows = Rows::new(cs, source.csv, &c.table)?;
    while let Some(r) = rows.next_row()? {
        let [k, col, v, q] =
            [key, column, value, qualifier].map(|i| r.get(i).unwrap_or("").to_string());
        let refused = |what: String| {
            Error::Refused(format!(
                "{}:{}: {what}: run `aabc validate` to see every such claim",
                shown(&c.table),
                rows.line()
            ))
        };
        let col = schema.column_index(&col).ok_or_else(|| {
            refused(format!(
                "{} is not a column of {}",
                shown(&col),
                shown(&c.of)
            ))
        })?;
        let range = crate::schema::parse_integer(&v)
            .and_then(|n| Range::of(&q, n))
            .ok_or_else(|| {
                refused(format!(
                    "{} {} is not a claim the bounds can read",
                    shown(&q),
                    shown(&v)
                ))
            })?;
        out.entry(k)
            .or_default()
            .entry(col)
            .or_default()
            .push(range);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(q: &str, v: i64) -> Range {
        Range::of(q, v).unwrap()
    }

    #[test]
    fn each_qualifier_gives_its_range() {
        assert_eq!(combine(&[r("exact", 4)]), Some((4, Some(4))));
        assert_eq!(combine(&[r("approximate", 40)]), Some((40, Some(40))));
        assert_eq!(combine(&[r("at_least", 7)]), Some((7, None)));
        assert_eq!(combine(&[r("up_to", 9)]), Some((0, Some(9))));
        assert_eq!(combine(&[]), None);
        assert!(Range::of("about", 3).is_none());
    }

    #[test]
    fn conflicting_claims_give_the_range_and_at_least_keeps_the_high_open() {
        assert_eq!(combine(&[r("exact", 4), r("exact", 9)]), Some((4, Some(9))));
        assert_eq!(
            combine(&[r("at_least", 5), r("exact", 8)]),
            Some((5, Some(8)))
        );
        // An exact figure below an "at least" one bounds nothing above it.
        assert_eq!(
            combine(&[r("at_least", 10), r("exact", 8)]),
            Some((8, None))
        );
    }
}
