//! The claims table, read whole: each claim's evidence must be a quote of the same row that
//! names the claim's column and states its value. Which figure values each row's claims give
//! is kept for [`super::coverage`], which asks that every figure be one of them.

use super::quotes::{contains_number, one_by_name};
use super::table::Table;
use super::{report_io, Evidence};
use crate::error::Result;
use crate::schema::metadata::{self, Dataset};
use crate::table::text::shown;
use crate::table::RecordPos;
use crate::validate::report::Severity;
use crate::validate::Emit;
use std::collections::HashMap;

/// One claim.
#[derive(Debug, Clone)]
pub struct ClaimRow {
    pub key: String,
    pub column: String,
    pub claimant: String,
    /// The value as written.
    pub value: String,
    pub qualifier: String,
    /// The evidence row it cites (blank when the claims table has no such column).
    pub evidence: String,
    pos: RecordPos,
}

/// The claims table, read whole.
pub struct Claims {
    table: Table,
    /// Where the evidence column is in the file.
    evidence_field: Option<usize>,
    pub rows: Vec<ClaimRow>,
    /// The values claimed, by row key and column.
    values: HashMap<(String, String), Vec<u64>>,
}

impl Claims {
    /// Reads the claims table the metadata names; `None` when its header lacks a column the
    /// checks need (the validator has reported it).
    pub fn read(dataset: &Dataset, spec: &metadata::Claims) -> Result<Option<Claims>> {
        let table = Table::open(dataset, &spec.table, "\"claims\".\"table\"")?;
        let named = [&spec.key, &spec.column, &spec.value, &spec.qualifier];
        let optional = [&spec.claimant, &spec.evidence];
        for c in named.into_iter().chain(optional.into_iter().flatten()) {
            table.require(dataset, "\"claims\"", c)?;
        }
        let field = |c: &String| table.field(c);
        let (Some(key), Some(column), Some(value), Some(qualifier)) = (
            field(&spec.key),
            field(&spec.column),
            field(&spec.value),
            field(&spec.qualifier),
        ) else {
            return Ok(None);
        };
        let claimant = spec.claimant.as_ref().and_then(field);
        let evidence_field = spec.evidence.as_ref().and_then(field);
        let mut rows = Vec::new();
        let mut values: HashMap<(String, String), Vec<u64>> = HashMap::new();
        let mut stream = table.rows()?;
        while let Some((cells, pos)) = stream.next() {
            let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).unwrap_or("").to_string();
            let row = ClaimRow {
                key: cell(Some(key)),
                column: cell(Some(column)),
                claimant: cell(claimant),
                value: cell(Some(value)),
                qualifier: cell(Some(qualifier)),
                evidence: cell(evidence_field),
                pos,
            };
            if let Ok(n) = row.value.parse() {
                let at = (row.key.clone(), row.column.clone());
                values.entry(at).or_default().push(n);
            }
            rows.push(row);
        }
        Ok(Some(Claims {
            table,
            evidence_field,
            rows,
            values,
        }))
    }

    /// The values the claims of row `key` give for `column`.
    pub fn values(&self, key: &str, column: &str) -> &[u64] {
        self.values
            .get(&(key.to_string(), column.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Each claim's evidence: of the same row, naming its column, stating its value.
    pub fn check(&mut self, evidence: &Evidence, emit: &mut Emit<'_>) -> Result<()> {
        let Some(field) = self.evidence_field else {
            return Ok(());
        };
        for c in &self.rows {
            // An unknown evidence id is a foreign-key problem, reported by the validator.
            let Some(e) = evidence.by_id(&c.evidence) else {
                continue;
            };
            let why = if e.key != c.key {
                format!(
                    "{} is evidence of {}, not of {}",
                    shown(&c.evidence),
                    shown(&e.key),
                    shown(&c.key)
                )
            } else if !e.columns.contains(&c.column) {
                format!(
                    "{} does not name {} among its columns",
                    shown(&c.evidence),
                    shown(&c.column)
                )
            } else if c.value.parse().is_ok_and(|n| !contains_number(&e.quote, n)) {
                format!(
                    "the quote of {} does not state {}",
                    shown(&c.evidence),
                    c.value
                )
            } else {
                continue;
            };
            let mut p = self
                .table
                .problem((c.pos, field), &c.evidence, "claim-evidence");
            p.message = why;
            p.hint = "cite the passage of the same row that states the claimed number, with the claim's column among its columns".into();
            let by_name = e.key == c.key
                && e.columns.contains(&c.column)
                && c.value.parse().is_ok_and(one_by_name);
            if by_name {
                p.severity = Severity::Warning;
                p.hint = "a count of one carried only by a name the validator cannot read: check that the quote names exactly one person or thing".into();
            }
            emit(p).map_err(report_io)?;
        }
        Ok(())
    }
}
