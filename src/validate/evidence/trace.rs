//! What `aabc trace` shows of one row of the evidenced table: its quotes in file order, each
//! with the columns it supports, who it attributes the claim to, where it sits in its pinned
//! text (section and line), and the claims that cite it.

use super::claims::Claims;
use super::table::Table;
use super::{texts, Evidence};
use crate::error::{Error, Result};
use crate::schema::metadata::Dataset;
use crate::schema::Schema;
use serde::Serialize;
use std::collections::HashMap;

/// One quote of the row, as `aabc trace` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Traced {
    pub evidence_id: String,
    /// The columns of the row the quote supports.
    pub columns: Vec<String>,
    pub quote: String,
    /// The source document (its name in the metadata).
    pub document: String,
    /// The section of the pinned text where the quote starts, when the text has headings.
    pub section: Option<String>,
    /// The 1-based line of the pinned text where the quote starts (none when it does not occur).
    pub line: Option<u64>,
    pub claimant_ids: Vec<String>,
    /// The name of each claimant (in the order of `claimant_ids`; null where it has none), from
    /// the table the claimant column refers to.
    pub claimant_names: Vec<Option<String>>,
    /// The claims that cite this quote.
    pub claims: Vec<TracedClaim>,
}

/// One claim citing a quote.
#[derive(Debug, Clone, Serialize)]
pub struct TracedClaim {
    pub column: String,
    /// Who gave the figure (none: the source, in its own voice).
    pub claimant_id: Option<String>,
    /// The number, as an integer when it reads as one.
    pub value: serde_json::Value,
    pub qualifier: String,
}

/// The quotes of the row whose key is `key`, in file order. A dataset whose metadata has no
/// `evidence` block is an error; so is a key that no row and no quote has
/// ([`Error::NotFound`]).
pub fn trace(dataset: &Dataset, key: &str) -> Result<Vec<Traced>> {
    let Some(spec) = &dataset.meta.evidence else {
        return Err(Error::Metadata {
            path: dataset.path.clone(),
            message:
                "there is no \"evidence\" block: the dataset names no table of quotes to trace"
                    .into(),
        });
    };
    let evidence = Evidence::read(dataset, spec)?.ok_or_else(|| {
        Error::Refused(format!(
            "the header of table {} lacks a column the \"evidence\" block names: run `aabc validate`",
            crate::table::text::shown(&spec.table)
        ))
    })?;
    if evidence.of_key(key).next().is_none() && !evidence.has_row(key)? {
        return Err(Error::NotFound {
            what: "row",
            name: key.to_string(),
            within: format!("table {}", crate::table::text::shown(&spec.of)),
        });
    }
    let (texts, _) = texts::load(dataset);
    let names = claimant_names(dataset, &evidence)?;
    let claims = match &dataset.meta.claims {
        Some(c) => Claims::read(dataset, c)?,
        None => None,
    };
    Ok(evidence
        .of_key(key)
        .map(|e| {
            let place = texts.get(&e.document).and_then(|t| t.place(&e.quote));
            Traced {
                evidence_id: e.id.clone(),
                columns: e.columns.clone(),
                quote: e.quote.clone(),
                document: e.document.clone(),
                section: place.as_ref().and_then(|p| p.section.clone()),
                line: place.map(|p| p.line),
                claimant_ids: e.claimants.clone(),
                claimant_names: e.claimants.iter().map(|c| names.get(c).cloned()).collect(),
                claims: claims
                    .as_ref()
                    .map(|c| cited(c, key, &e.id))
                    .unwrap_or_default(),
            }
        })
        .collect())
}

/// Claimants' names by key, from the table the claimant column refers to: the column an
/// `expand` of a foreign key to that table shows (an actor's name, say); none without one.
fn claimant_names(dataset: &Dataset, evidence: &Evidence) -> Result<HashMap<String, String>> {
    let schema = &evidence.table.schema;
    let Some(fk) = evidence.spec.claimant.as_ref().and_then(|c| {
        let col = schema.column_index(c)?;
        schema.foreign_keys.iter().find(|fk| fk.field == col)
    }) else {
        return Ok(HashMap::new());
    };
    let mut shown = None;
    for r in &dataset.meta.resources {
        let s = Schema::load(&dataset.schema_path(r))?;
        let to = s.foreign_keys.iter().filter(|f| f.resource == fk.resource);
        if let Some(e) = to.flat_map(|f| f.expand.first()).next() {
            shown = Some(e.field.clone());
            break;
        }
    }
    let Some(shown) = shown else {
        return Ok(HashMap::new());
    };
    let table = Table::open(dataset, &fk.resource, "a foreign key of the evidence table")?;
    let (Some(k), Some(n)) = (table.field(&fk.reference_field), table.field(&shown)) else {
        return Ok(HashMap::new());
    };
    let mut names = HashMap::new();
    let mut rows = table.rows()?;
    while let Some((cells, _)) = rows.next() {
        let cell = |i: usize| cells.get(i).unwrap_or("").to_string();
        names.insert(cell(k), cell(n));
    }
    Ok(names)
}

/// The claims of row `key` that cite evidence `id`.
fn cited(claims: &Claims, key: &str, id: &str) -> Vec<TracedClaim> {
    claims
        .rows
        .iter()
        .filter(|c| c.key == key && c.evidence == id)
        .map(|c| TracedClaim {
            column: c.column.clone(),
            claimant_id: (!c.claimant.is_empty()).then(|| c.claimant.clone()),
            value: c
                .value
                .parse::<u64>()
                .map_or_else(|_| c.value.clone().into(), Into::into),
            qualifier: c.qualifier.clone(),
        })
        .collect()
}
