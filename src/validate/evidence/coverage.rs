//! Every row of the evidenced table, streamed, against its quotes: a quote must name its first
//! date column (and each other date column whose value differs from the first), and every
//! non-blank figure cell must be named by a quote that states the number, unless it is a total
//! equal to the sum of its non-blank parts (a `sum` rule of the table's schema). With a claims
//! table, each such figure must also be the value of one of its claims.

use super::claims::Claims;
use super::quotes::{contains_number, one_by_name};
use super::table::Table;
use super::{report_io, Evidence, EvidenceRow};
use crate::error::Result;
use crate::schema::RuleSpec;
use crate::table::text::shown;
use crate::table::RecordPos;
use crate::validate::report::Problem;
use crate::validate::report::Severity;
use crate::validate::Emit;
use std::collections::HashMap;

/// Checks the dates and figures of every row of the evidenced table.
pub fn check(ev: &mut Evidence, claims: Option<&Claims>, emit: &mut Emit<'_>) -> Result<()> {
    let Evidence {
        spec,
        of,
        rows,
        by_key,
        ..
    } = ev;
    let Some(key) = of.schema.primary_key.first() else {
        return Ok(());
    };
    let key_name = of.schema.columns[*key].name.clone();
    let Some(key) = of.field(&key_name) else {
        return Ok(());
    };
    let dates = fields(of, &spec.dates);
    let figures = fields(of, &spec.figures);
    let sums = sums(of);
    let mut stream = of.rows()?;
    let mut found = Vec::new();
    while let Some((cells, pos)) = stream.next() {
        let cell = |i: usize| cells.get(i).unwrap_or("");
        let id = cell(key);
        let quotes: Vec<&EvidenceRow> = by_key
            .get(id)
            .map(|v| v.iter().map(|&i| &rows[i]).collect())
            .unwrap_or_default();
        let row = Row {
            id,
            pos,
            quotes: &quotes,
        };
        date_problems(of, &row, &dates, &cell, &mut found);
        for (name, field) in &figures {
            let value = cell(*field);
            let Ok(n) = value.parse::<u64>() else {
                continue;
            };
            if sum_only(&sums, name, n, &|c| of.field(c).map_or("", cell)) {
                continue;
            }
            let figure = Figure {
                column: name,
                at: (pos, *field),
                value,
                n,
            };
            found.extend(figure_problem(of, &row, &figure));
            found.extend(claims.and_then(|c| claim_problem(of, c, &row, &figure)));
        }
        for p in found.drain(..) {
            emit(p).map_err(report_io)?;
        }
    }
    Ok(())
}

/// One row of the evidenced table: its key, where it starts, and its quotes.
struct Row<'a> {
    id: &'a str,
    pos: RecordPos,
    quotes: &'a [&'a EvidenceRow],
}

impl Row<'_> {
    fn naming<'q>(&'q self, column: &'q str) -> impl Iterator<Item = &'q EvidenceRow> + 'q {
        self.quotes
            .iter()
            .copied()
            .filter(move |q| q.columns.iter().any(|c| c == column))
    }

    /// The ids of its quotes that name `column`, for a message.
    fn ids_naming(&self, column: &str) -> String {
        self.naming(column)
            .map(|q| shown(&q.id))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A non-blank figure cell: its column, where it is, its value as written and as a number.
struct Figure<'a> {
    column: &'a str,
    at: (RecordPos, usize),
    value: &'a str,
    n: u64,
}

/// The named columns that the file has, with where they are.
fn fields(of: &Table, names: &[String]) -> Vec<(String, usize)> {
    names
        .iter()
        .filter_map(|n| Some((n.clone(), of.field(n)?)))
        .collect()
}

/// The `sum` rules of the table: each total's name with its parts' names.
fn sums(of: &Table) -> HashMap<String, Vec<String>> {
    let name = |c: &usize| of.schema.columns[*c].name.clone();
    of.schema
        .rules
        .iter()
        .filter_map(|r| match r {
            RuleSpec::Sum { total, parts, .. } => {
                Some((name(total), parts.iter().map(name).collect()))
            }
            _ => None,
        })
        .collect()
}

/// Whether `column` is a total equal to the sum of its non-blank parts (at least one given).
fn sum_only<'c>(
    sums: &HashMap<String, Vec<String>>,
    column: &str,
    n: u64,
    cell: &dyn Fn(&str) -> &'c str,
) -> bool {
    let Some(parts) = sums.get(column) else {
        return false;
    };
    let given: Vec<u64> = parts.iter().filter_map(|p| cell(p).parse().ok()).collect();
    !given.is_empty() && given.iter().sum::<u64>() == n
}

/// The first date needs a quote naming it; each other date too, where it differs.
fn date_problems<'c>(
    of: &mut Table,
    row: &Row<'_>,
    dates: &[(String, usize)],
    cell: &dyn Fn(usize) -> &'c str,
    found: &mut Vec<Problem>,
) {
    let Some((first, first_field)) = dates.first() else {
        return;
    };
    let first_value = cell(*first_field);
    for (i, (name, field)) in dates.iter().enumerate() {
        let value = cell(*field);
        let needed = i == 0 || (!value.is_empty() && value != first_value);
        if !needed || row.naming(name).next().is_some() {
            continue;
        }
        let mut p = of.problem((row.pos, *field), value, "evidence-date");
        p.message = if i == 0 {
            format!("no quote of {} names {}", shown(row.id), shown(name))
        } else {
            format!(
                "{} differs from {} but no quote of {} names it",
                shown(name),
                shown(first),
                shown(row.id)
            )
        };
        p.hint = format!(
            "add the passage that dates the row to the evidence, with {} among its columns",
            shown(name)
        );
        found.push(p);
    }
}

/// A figure that no quote naming its column states.
fn figure_problem(of: &mut Table, row: &Row<'_>, figure: &Figure<'_>) -> Option<Problem> {
    let Figure {
        column,
        at,
        value,
        n,
    } = *figure;
    if row.naming(column).any(|q| contains_number(&q.quote, n)) {
        return None;
    }
    let mut p = of.problem(at, value, "evidence-figure");
    let naming = row.ids_naming(column);
    p.message = if naming.is_empty() {
        format!("no quote of {} names {}", shown(row.id), shown(column))
    } else {
        format!(
            "the quotes of {} that name {} ({naming}) do not state {n}",
            shown(row.id),
            shown(column)
        )
    };
    p.hint = format!(
        "a figure needs the passage that states it (in digits or words) in the evidence, with {} among its columns; if the figure changed, change its evidence too",
        shown(column)
    );
    if one_by_name(n) && !naming.is_empty() {
        p.severity = Severity::Warning;
        p.hint = "a count of one carried only by a name the validator cannot read: check that the quote names exactly one person or thing".into();
    }
    Some(p)
}

/// A figure that no claim of its row and column gives.
fn claim_problem(
    of: &mut Table,
    claims: &Claims,
    row: &Row<'_>,
    figure: &Figure<'_>,
) -> Option<Problem> {
    let Figure {
        column,
        at,
        value,
        n,
    } = *figure;
    let given = claims.values(row.id, column);
    if given.contains(&n) {
        return None;
    }
    let mut p = of.problem(at, value, "claim-value");
    let list: Vec<String> = given.iter().map(u64::to_string).collect();
    p.message = if list.is_empty() {
        format!("no claim of {} gives {}", shown(row.id), shown(column))
    } else {
        format!(
            "{n} is not the value of any claim of {} about {} (they give {})",
            shown(row.id),
            shown(column),
            list.join(", ")
        )
    };
    p.hint = "the figure is chosen among its claims: add the claim that gives it, or set the figure to a claimed value".into();
    Some(p)
}
