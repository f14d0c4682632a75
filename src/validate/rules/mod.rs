//! Consistency rules beyond what JSON Schema can say about one row: date order and precision,
//! coverage, totals, codes, text hygiene (row rules), and uniqueness, order and references
//! (table rules, which keep state across rows), and the declared rules across rows and tables
//! (`unique`, `equal`, `count`: [`TableRules`] and [`count`]).
//!
//! Each rule kind is implemented once, generically, over the columns a schema's `x-rules`,
//! `x-primaryKey`, `x-sortKey` and `x-foreignKeys` name; see [`crate::schema::RuleSpec`].
//! Messages and hints say only what holds for any dataset; an `x-rules` entry may add a
//! `hint` in the dataset's own words, appended to the generic one, and may be declared
//! `"severity": "warning"` so that its findings are listed without failing validation.

mod codes;
pub mod count;
mod dates;
mod equal;
mod forbid;
mod hygiene;
mod keys;
mod totals;
mod unique;
mod when;

pub use keys::{KeyIndex, KeyValues, PrimaryKey, References, SortOrder};

use crate::schema::{RuleSpec, Schema};
use crate::validate::report::Severity;
use chrono::NaiveDate;

/// What a rule found in one row, before the validator attaches file and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    /// Schema column the finding points at (its cell gives line, column and value).
    pub column: Option<usize>,
    pub message: String,
    pub hint: String,
    pub severity: Severity,
}

impl Finding {
    pub fn error(rule: &str, column: usize, message: String, hint: impl Into<String>) -> Finding {
        Finding {
            rule: rule.to_string(),
            column: Some(column),
            message,
            hint: hint.into(),
            severity: Severity::Error,
        }
    }
}

/// Facts the rules need from outside the row: the declared coverage and today's date.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub coverage_start: Option<NaiveDate>,
    pub coverage_end: Option<NaiveDate>,
    pub today: NaiveDate,
}

impl Context {
    /// No coverage declared; today from `clock::today` (the system clock unless fixed).
    pub fn today_only() -> Context {
        Context {
            coverage_start: None,
            coverage_end: None,
            today: crate::clock::today(),
        }
    }
}

/// The row rules of a schema, ready to run on each row.
pub struct RowRules<'s> {
    schema: &'s Schema,
    /// Each rule with what its `x-rules` entry adds.
    rules: Vec<(&'s RuleSpec, Declared<'s>)>,
    ctx: Context,
    /// Columns the date rules read, parsed once per row for all of them.
    date_columns: Vec<usize>,
}

/// What an `x-rules` entry says of its findings beyond the rule kind's own wording.
#[derive(Clone, Copy)]
pub struct Declared<'s> {
    /// Appended to the generic hint.
    hint: Option<&'s str>,
    /// [`Severity::Warning`] for a rule declared a warning.
    severity: Severity,
}

impl<'s> Declared<'s> {
    /// What rule `i` of `schema` declares.
    pub fn of(schema: &'s Schema, i: usize) -> Declared<'s> {
        let hint = schema
            .rule_entry(i)
            .and_then(|d| d.get("hint"))
            .and_then(|h| h.as_str());
        let severity = match schema.rule_warns(i) {
            true => Severity::Warning,
            false => Severity::Error,
        };
        Declared { hint, severity }
    }

    /// Gives the rule's findings its severity and hint.
    pub fn apply(self, found: &mut [Finding]) {
        for f in found {
            f.severity = self.severity;
            if let Some(h) = self.hint {
                f.hint.push_str("; ");
                f.hint.push_str(h);
            }
        }
    }
}

/// Whether a rule reads more than one row: it runs in file order ([`TableRules`]) or once
/// the tables are read ([`count`]), not with the row rules.
fn across_rows(rule: &RuleSpec) -> bool {
    matches!(
        rule,
        RuleSpec::Count(_) | RuleSpec::Unique(_) | RuleSpec::Equal(_)
    )
}

/// The non-blank items of a cell: the cell itself, or each item of a list column.
pub fn items<'a>(
    schema: &'a Schema,
    column: usize,
    cell: &'a str,
) -> impl Iterator<Item = &'a str> {
    let col = &schema.columns[column];
    // No cell is split by a NUL (the reader refuses none, and a key holds none).
    let delimiter = if col.kind.is_list() {
        col.delimiter.as_str()
    } else {
        "\u{0}"
    };
    cell.split(delimiter).filter(|s| !s.is_empty())
}

/// The declared rules that run on the rows in file order: `unique` within the table and
/// `equal` against tables read before it.
pub struct TableRules<'s> {
    unique: Vec<(unique::Seen<'s>, Declared<'s>)>,
    equal: Vec<(equal::Lookup<'s>, Declared<'s>)>,
}

impl<'s> TableRules<'s> {
    /// The schema's `unique` and `equal` rules whose columns the file has; an `equal` rule
    /// whose cited table's cells `index` does not give is not checked.
    pub fn new(
        schema: &'s Schema,
        present: impl Fn(usize) -> bool,
        index: impl Fn(&str) -> Option<&'s KeyIndex> + Copy,
    ) -> TableRules<'s> {
        let mut t = TableRules {
            unique: Vec::new(),
            equal: Vec::new(),
        };
        for (i, r) in schema.rules.iter().enumerate() {
            match r {
                RuleSpec::Unique(u) if present(u.column) => t
                    .unique
                    .push((unique::Seen::new(u, schema), Declared::of(schema, i))),
                RuleSpec::Equal(e) if present(e.column) && present(e.via) => {
                    if let Some(l) = equal::Lookup::new(e, schema, index) {
                        t.equal.push((l, Declared::of(schema, i)));
                    }
                }
                _ => {}
            }
        }
        t
    }

    /// Columns the rules read.
    pub fn columns(&self) -> Vec<usize> {
        let unique = self.unique.iter().flat_map(|(s, _)| s.columns());
        unique
            .chain(self.equal.iter().flat_map(|(l, _)| l.columns()))
            .collect()
    }

    /// Checks one row (cells in schema column order, on line `line`).
    pub fn check(&mut self, schema: &Schema, cells: &[&str], line: u64, out: &mut Vec<Finding>) {
        for (seen, declared) in &mut self.unique {
            let before = out.len();
            seen.check(schema, cells, line, out);
            declared.apply(&mut out[before..]);
        }
        for (lookup, declared) in &self.equal {
            let before = out.len();
            lookup.check(schema, cells, out);
            declared.apply(&mut out[before..]);
        }
    }
}

/// Most date columns parsed up front per row; more are parsed when asked.
const ROW_DATES: usize = 8;

/// One row's cells with its dates parsed once for every date rule (several rules read the
/// same cells).
pub struct RowDates<'r> {
    pub cells: &'r [&'r str],
    parsed: [(usize, Option<NaiveDate>); ROW_DATES],
    len: usize,
}

impl<'r> RowDates<'r> {
    fn new(columns: &[usize], cells: &'r [&'r str]) -> RowDates<'r> {
        let mut d = RowDates {
            cells,
            parsed: [(usize::MAX, None); ROW_DATES],
            len: 0,
        };
        for &c in columns.iter().take(ROW_DATES) {
            d.parsed[d.len] = (c, date(cells[c]));
            d.len += 1;
        }
        d
    }

    /// The date in column `c`, `None` when blank or malformed.
    pub fn get(&self, c: usize) -> Option<NaiveDate> {
        match self.parsed[..self.len].iter().find(|p| p.0 == c) {
            Some(p) => p.1,
            None => date(self.cells[c]),
        }
    }
}

impl<'s> RowRules<'s> {
    /// Prepares the schema's row rules, leaving out those that need a column the file lacks
    /// (the header check reports the missing column instead).
    pub fn new(schema: &'s Schema, ctx: Context, present: impl Fn(usize) -> bool) -> RowRules<'s> {
        let rules = schema
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| !across_rows(r) && columns_of(r).iter().all(|&c| present(c)))
            .map(|(i, r)| (r, Declared::of(schema, i)))
            .collect::<Vec<_>>();
        let mut date_columns: Vec<usize> = rules
            .iter()
            .map(|&(r, _)| r)
            .filter(|r| {
                matches!(
                    r,
                    RuleSpec::DateOrder { .. }
                        | RuleSpec::DatePrecision { .. }
                        | RuleSpec::DateCoverage { .. }
                )
            })
            .flat_map(columns_of)
            .filter(|&c| schema.columns[c].kind == crate::schema::Kind::Date)
            .collect();
        date_columns.sort_unstable();
        date_columns.dedup();
        RowRules {
            schema,
            rules,
            ctx,
            date_columns,
        }
    }

    /// Runs every row rule on one row (cells in schema column order), then the character
    /// checks that apply to every schema.
    pub fn check(&self, cells: &[&str], out: &mut Vec<Finding>) {
        self.check_declared(cells, out);
        hygiene::characters(cells, out);
    }

    /// [`RowRules::check`] for cells that are all slices of `record`, the row's bytes as read:
    /// the character checks first test the whole record at once (one pass, eight bytes at a
    /// time), and look at the cells only when it holds a byte that may start a flagged
    /// character.
    pub fn check_record(&self, cells: &[&str], record: &[u8], out: &mut Vec<Finding>) {
        self.check_declared(cells, out);
        if hygiene::maybe_odd(record) {
            hygiene::characters(cells, out);
        }
    }

    /// The rules the schema declares.
    fn check_declared(&self, cells: &[&str], out: &mut Vec<Finding>) {
        let dates = RowDates::new(&self.date_columns, cells);
        for &(rule, declared) in &self.rules {
            let before = out.len();
            match rule {
                RuleSpec::DateOrder { id, start, end } => {
                    dates::order(id, &dates, *start, *end, self.schema, out)
                }
                RuleSpec::DatePrecision {
                    id,
                    start,
                    end,
                    precision,
                } => dates::precision(id, &dates, *start, *end, *precision, self.schema, out),
                RuleSpec::DateCoverage { id, fields } => {
                    dates::coverage(id, &dates, fields, &self.ctx, self.schema, out)
                }
                RuleSpec::Sum { id, total, parts } => {
                    totals::sum(id, cells, *total, parts, self.schema, out)
                }
                RuleSpec::PresentIffAny { id, field, any } => {
                    totals::present_with_any(id, cells, *field, any, true, self.schema, out)
                }
                RuleSpec::PresentIfAny { id, field, any } => {
                    totals::present_with_any(id, cells, *field, any, false, self.schema, out)
                }
                RuleSpec::OnlyWhen {
                    id,
                    fields,
                    column,
                    values,
                } => when::only_when(id, cells, fields, *column, values, self.schema, out),
                RuleSpec::CodePrefix {
                    id,
                    field,
                    prefix,
                    separator,
                } => codes::prefix(id, cells, *field, *prefix, separator, self.schema, out),
                RuleSpec::TitleOf { id, field, code } => {
                    codes::title_of(id, cells, *field, *code, self.schema, out)
                }
                RuleSpec::Trimmed { id } => hygiene::trimmed(id, cells, self.schema, out),
                RuleSpec::NoFormula { id } => hygiene::no_formula(id, cells, self.schema, out),
                RuleSpec::ForbidWhen(f) => forbid::check(f, cells, self.schema, out),
                // Left out by `new`: they read more than one row.
                RuleSpec::Count(_) | RuleSpec::Unique(_) | RuleSpec::Equal(_) => {}
            }
            // Only a failing row pays for the schema's wording.
            declared.apply(&mut out[before..]);
        }
    }
}

/// Columns a rule reads.
fn columns_of(rule: &RuleSpec) -> Vec<usize> {
    match rule {
        RuleSpec::DateOrder { start, end, .. } => vec![*start, *end],
        RuleSpec::DatePrecision {
            start,
            end,
            precision,
            ..
        } => vec![*start, *end, *precision],
        RuleSpec::DateCoverage { fields, .. } => fields.clone(),
        RuleSpec::Sum { total, parts, .. } => std::iter::once(*total)
            .chain(parts.iter().copied())
            .collect(),
        RuleSpec::PresentIffAny { field, any, .. } | RuleSpec::PresentIfAny { field, any, .. } => {
            std::iter::once(*field).chain(any.iter().copied()).collect()
        }
        RuleSpec::OnlyWhen { fields, column, .. } => fields
            .iter()
            .copied()
            .chain(std::iter::once(*column))
            .collect(),
        RuleSpec::CodePrefix { field, prefix, .. } => vec![*field, *prefix],
        RuleSpec::TitleOf { field, code, .. } => vec![*field, *code],
        RuleSpec::ForbidWhen(f) => vec![f.if_column, f.then_column],
        RuleSpec::Count(c) => vec![c.column],
        RuleSpec::Unique(u) => vec![u.column],
        RuleSpec::Equal(e) => vec![e.column, e.via],
        RuleSpec::Trimmed { .. } | RuleSpec::NoFormula { .. } => Vec::new(),
    }
}

pub use crate::schema::parse_date as date;

/// Parses an integer cell: `Ok(None)` when blank, `Err` when malformed or not in canonical
/// form (the schema reports it).
pub(crate) fn integer(cell: &str) -> Result<Option<i64>, ()> {
    if cell.is_empty() {
        Ok(None)
    } else {
        crate::schema::parse_integer(cell).map(Some).ok_or(())
    }
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn dates_parse_strictly() {
        assert_eq!(super::date("2022-09-12").unwrap().to_string(), "2022-09-12");
        for bad in [
            "2022-02-30",
            "2022-9-12",
            "2022/09/12",
            "20a2-09-12",
            "",
            "2022-09-123",
        ] {
            assert!(super::date(bad).is_none(), "{bad}");
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A small schema and helpers shared by the rule tests.
    use super::*;
    use serde_json::json;
    use std::path::Path;

    pub fn schema() -> Schema {
        Schema::from_value(
            Path::new("test.schema.json"),
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "start": {"type": "string", "format": "date"},
                    "end": {"type": "string", "format": "date"},
                    "precision": {"oneOf": [{"const": "day"}, {"const": "month"}, {"const": "year"}]},
                    "a": {"type": ["integer", "null"]},
                    "b": {"type": ["integer", "null"]},
                    "total": {"type": ["integer", "null"]},
                    "estimate": {"type": ["string", "null"]},
                    "country": {"type": ["string", "null"]},
                    "region": {"type": ["string", "null"]},
                    "region_code": {"oneOf": [
                        {"const": "AM-SU", "title": "Syunik"},
                        {"const": "AZ-KAL", "title": "Kalbajar"},
                        {"type": "null"}
                    ]},
                    "note": {"type": ["string", "null"]},
                    "freed": {"type": ["integer", "null"]}
                },
                "x-rules": [
                    {"id": "date-order", "rule": "date-order", "start": "start", "end": "end"},
                    {"id": "date-precision", "rule": "date-precision", "start": "start", "end": "end", "precision": "precision"},
                    {"id": "date-coverage", "rule": "date-coverage", "fields": ["start", "end"]},
                    {"id": "total", "rule": "sum", "total": "total", "parts": ["a", "b"]},
                    {"id": "estimate", "rule": "present-iff-any", "field": "estimate", "any": ["a", "b", "total"]},
                    {"id": "code-in-country", "rule": "code-prefix", "field": "region_code", "prefix": "country"},
                    {"id": "region-name", "rule": "title-of", "field": "region", "code": "region_code"},
                    {"id": "freed-on-day", "rule": "only-when", "fields": ["freed"], "column": "precision", "values": ["day"]},
                    {"rule": "trimmed"},
                    {"rule": "no-formula"}
                ]
            }),
        )
        .unwrap()
    }

    /// A valid row; tests change one cell at a time.
    pub fn row() -> Vec<&'static str> {
        vec![
            "E1",
            "2022-09-12",
            "2022-09-14",
            "day",
            "3",
            "4",
            "7",
            "exact",
            "AM",
            "Syunik",
            "AM-SU",
            "a note",
            "",
        ]
    }

    pub fn ctx() -> Context {
        Context {
            coverage_start: NaiveDate::from_ymd_opt(2021, 1, 1),
            coverage_end: None,
            today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        }
    }

    /// Rule ids found in a row.
    pub fn found(cells: &[&str]) -> Vec<String> {
        let s = schema();
        let rules = RowRules::new(&s, ctx(), |_| true);
        let mut out = Vec::new();
        rules.check(cells, &mut out);
        // The validator's path, which tests the record's bytes first, finds the same.
        let mut from_record = Vec::new();
        rules.check_record(cells, cells.concat().as_bytes(), &mut from_record);
        assert_eq!(from_record, out, "{cells:?}");
        out.into_iter().map(|f| f.rule).collect()
    }

    pub fn with(i: usize, v: &'static str) -> Vec<&'static str> {
        let mut r = row();
        r[i] = v;
        r
    }

    #[test]
    fn the_sample_row_passes_every_rule() {
        assert!(found(&row()).is_empty(), "{:?}", found(&row()));
    }
}
