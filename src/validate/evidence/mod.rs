//! Evidence and claims, checked like every other rule of `aabc validate`: each quote occurs in
//! the pinned text of the document it names, every date and figure cell of the evidenced table
//! is supported by a quote of its row, and every figure by a claim whose quote states it.
//!
//! Everything comes from the metadata: which sources have pinned texts ([`texts`]), which
//! table holds the quotes and which table they support (its `evidence` block), which table
//! holds the claims (its `claims` block), and which columns are dates and figures. The quote
//! and claims tables are held in memory (they are small: one row per passage or figure); the
//! evidenced table is streamed ([`coverage`]). Quotes and numbers are matched as [`quotes`]
//! says. Each finding is a [`Problem`] at the offending cell, with a hint.

mod claims;
mod coverage;
pub mod quotes;
mod table;
pub mod texts;
mod trace;

pub use trace::{trace, Traced, TracedClaim};

use crate::error::{Error, Result};
use crate::schema::metadata::{self, Dataset};
use crate::table::text::{path as shown_path, shown};
use crate::table::RecordPos;
use crate::validate::report::Problem;
use crate::validate::Emit;
use std::collections::HashMap;
use table::Table;
use texts::Text;

/// Checks the pinned texts, then (when the metadata has an `evidence` block) every quote and
/// the dates and figures of the evidenced table, then (with a `claims` block) every claim.
/// Run once the tables have been read without structure faults.
pub fn check(dataset: &Dataset, emit: &mut Emit<'_>) -> Result<()> {
    let texts = check_texts(dataset, emit)?;
    let Some(spec) = &dataset.meta.evidence else {
        return Ok(());
    };
    let Some(mut evidence) = Evidence::read(dataset, spec)? else {
        return Ok(());
    };
    evidence.check(dataset, &texts, emit)?;
    let claims = match &dataset.meta.claims {
        Some(c) => claims::Claims::read(dataset, c)?,
        None => None,
    };
    if let Some(mut c) = claims {
        c.check(&evidence, emit)?;
        return coverage::check(&mut evidence, Some(&c), emit);
    }
    coverage::check(&mut evidence, None, emit)
}

/// Checks the pinned texts alone (when the tables were not read as meant, quotes are not
/// checked, but a text that changed still is); returns those that read, by name.
pub fn check_texts(dataset: &Dataset, emit: &mut Emit<'_>) -> Result<HashMap<String, Text>> {
    let (texts, problems) = texts::load(dataset);
    for p in problems {
        emit(p).map_err(report_io)?;
    }
    Ok(texts)
}

/// Keeps the I/O error (and its kind), so that a closed pipe is recognised and ends quietly.
fn report_io(e: std::io::Error) -> Error {
    Error::io("the report", e)
}

/// One row of the evidence table.
#[derive(Debug, Clone)]
pub struct EvidenceRow {
    /// Its primary key (blank when the table has none).
    pub id: String,
    /// The key of the row it supports.
    pub key: String,
    pub document: String,
    pub columns: Vec<String>,
    pub claimants: Vec<String>,
    pub quote: String,
    pub pos: RecordPos,
}

/// Where the columns the checks read are in the evidence table's file.
struct Fields {
    id: Option<usize>,
    key: usize,
    document: usize,
    columns: usize,
    quote: usize,
    claimant: Option<usize>,
}

/// The evidence table, read whole, and the table it supports.
pub struct Evidence {
    spec: metadata::Evidence,
    table: Table,
    of: Table,
    fields: Fields,
    pub rows: Vec<EvidenceRow>,
    /// Rows by the key of the row they support, in file order.
    by_key: HashMap<String, Vec<usize>>,
    by_id: HashMap<String, usize>,
}

impl Evidence {
    /// Reads the evidence table the metadata names; `None` when its header lacks a column the
    /// checks need (the validator has reported it). A block that names a table or column the
    /// dataset does not have is refused.
    pub fn read(dataset: &Dataset, spec: &metadata::Evidence) -> Result<Option<Evidence>> {
        let table = Table::open(dataset, &spec.table, "\"evidence\".\"table\"")?;
        let of = Table::open(dataset, &spec.of, "\"evidence\".\"of\"")?;
        let mine = [&spec.key, &spec.document, &spec.columns, &spec.quote];
        for c in mine.into_iter().chain(&spec.claimant) {
            table.require(dataset, "\"evidence\"", c)?;
        }
        for c in spec.figures.iter().chain(&spec.dates) {
            of.require(dataset, "\"evidence\"", c)?;
        }
        let id_name = table
            .schema
            .primary_key
            .first()
            .map(|&c| table.schema.columns[c].name.clone());
        let fields = (|| {
            Some(Fields {
                id: match &id_name {
                    Some(n) => Some(table.field(n)?),
                    None => None,
                },
                key: table.field(&spec.key)?,
                document: table.field(&spec.document)?,
                columns: table.field(&spec.columns)?,
                quote: table.field(&spec.quote)?,
                claimant: match &spec.claimant {
                    Some(c) => Some(table.field(c)?),
                    None => None,
                },
            })
        })();
        let Some(fields) = fields else {
            return Ok(None);
        };
        let mut evidence = Evidence {
            spec: spec.clone(),
            table,
            of,
            fields,
            rows: Vec::new(),
            by_key: HashMap::new(),
            by_id: HashMap::new(),
        };
        evidence.load_rows()?;
        Ok(Some(evidence))
    }

    fn load_rows(&mut self) -> Result<()> {
        let f = &self.fields;
        let mut stream = self.table.rows()?;
        while let Some((cells, pos)) = stream.next() {
            let cell = |i: usize| cells.get(i).unwrap_or("").to_string();
            let row = EvidenceRow {
                id: f.id.map(cell).unwrap_or_default(),
                key: cell(f.key),
                document: cell(f.document),
                columns: self.table.items(&self.spec.columns, &cell(f.columns)),
                claimants: f
                    .claimant
                    .map(|c| {
                        self.table
                            .items(self.spec.claimant.as_deref().unwrap_or(""), &cell(c))
                    })
                    .unwrap_or_default(),
                quote: cell(f.quote),
                pos,
            };
            let i = self.rows.len();
            self.by_key.entry(row.key.clone()).or_default().push(i);
            self.by_id.entry(row.id.clone()).or_insert(i);
            self.rows.push(row);
        }
        Ok(())
    }

    /// The evidence rows of the row whose key is `key`, in file order.
    pub fn of_key(&self, key: &str) -> impl Iterator<Item = &EvidenceRow> {
        let rows = self.by_key.get(key).map(Vec::as_slice).unwrap_or_default();
        rows.iter().map(|&i| &self.rows[i])
    }

    /// Whether the evidenced table has a row whose key is `key` (read through once).
    pub fn has_row(&self, key: &str) -> Result<bool> {
        let Some(&pk) = self.of.schema.primary_key.first() else {
            return Ok(false);
        };
        let Some(field) = self.of.field(&self.of.schema.columns[pk].name) else {
            return Ok(false);
        };
        let mut stream = self.of.rows()?;
        while let Some((cells, _)) = stream.next() {
            if cells.get(field) == Some(key) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The evidence row whose id is `id`.
    pub fn by_id(&self, id: &str) -> Option<&EvidenceRow> {
        self.by_id.get(id).map(|&i| &self.rows[i])
    }

    /// Each row's document, quote and columns.
    fn check(
        &mut self,
        dataset: &Dataset,
        texts: &HashMap<String, Text>,
        emit: &mut Emit<'_>,
    ) -> Result<()> {
        let pinned: Vec<&str> = dataset
            .meta
            .sources
            .iter()
            .filter(|s| s.text.is_some())
            .filter_map(|s| s.name.as_deref())
            .collect();
        for row in &self.rows {
            let mut found = Vec::new();
            match texts.get(&row.document) {
                Some(text) => found.extend(quote_problem(&mut self.table, &self.fields, row, text)),
                // A pinned text that does not read was reported at the metadata file.
                None if pinned.contains(&row.document.as_str()) => {}
                None => found.push(document_problem(
                    &mut self.table,
                    &self.fields,
                    row,
                    &pinned,
                )),
            }
            found.extend(column_problem(&mut self.table, &self.of, &self.fields, row));
            for p in found {
                emit(p).map_err(report_io)?;
            }
        }
        Ok(())
    }
}

/// A document that names no pinned text.
fn document_problem(table: &mut Table, f: &Fields, row: &EvidenceRow, pinned: &[&str]) -> Problem {
    let mut p = table.problem((row.pos, f.document), &row.document, "evidence-document");
    p.message = format!(
        "{} names no source whose text is pinned in the metadata",
        shown(&row.document)
    );
    p.hint = if pinned.is_empty() {
        "pin the source's text in the metadata (its \"name\" and \"text\") first".into()
    } else {
        format!("name one of: {}", pinned.join(", "))
    };
    p
}

/// A quote that does not occur in its text: where it stops matching.
fn quote_problem(table: &mut Table, f: &Fields, row: &EvidenceRow, text: &Text) -> Option<Problem> {
    if text.place(&row.quote).is_some() {
        return None;
    }
    let quote = quotes::spaced(&row.quote);
    let matched = text.spaced.matching_prefix(&quote);
    let mut p = table.problem((row.pos, f.quote), &row.quote, "evidence-quote");
    let head: String = quote.chars().take(matched).collect();
    let tail: String = head
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    p.message = if matched == 0 {
        format!("the quote does not occur in {}", shown_path(&text.file))
    } else {
        format!(
            "the quote does not occur in {}: its first {matched} characters do (up to {}), what follows differs",
            shown_path(&text.file),
            shown(&tail)
        )
    };
    p.hint = "copy the passage verbatim from the pinned text (line breaks and spacing may differ); a changed source is a new version of the pinned text".into();
    Some(p)
}

/// Columns named that the evidenced table does not have.
fn column_problem(table: &mut Table, of: &Table, f: &Fields, row: &EvidenceRow) -> Option<Problem> {
    let unknown: Vec<String> = row
        .columns
        .iter()
        .filter(|c| of.schema.column_index(c).is_none())
        .map(|c| shown(c))
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let cell = row.columns.join(";");
    let mut p = table.problem((row.pos, f.columns), &cell, "evidence-column");
    let verb = if unknown.len() == 1 { "is" } else { "are" };
    p.message = format!(
        "{} {verb} not a column of table {}",
        unknown.join(", "),
        shown(&of.name)
    );
    p.hint = format!(
        "name the columns of {} the quote supports, as its schema spells them",
        shown(&of.name)
    );
    Some(p)
}
