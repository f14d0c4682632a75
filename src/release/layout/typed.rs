//! Columns the metadata's `typed_columns` adds to a table's typed exports (release format 6 on),
//! computed from each typed row by the layout language, so that the typed exports carry, for
//! example, UCDP's `where_prec` and the PRIO-GRID cell without Rust that names a column. They
//! are inserted after the column `after`, described in the typed schema, and checked against
//! their type like a layout's columns.

use super::{functions, Compiled};
use crate::error::{Error, Result};
use crate::release::tables::Tables;
use crate::schema::metadata::layouts::{Fidelity, OutColumn, OutType, Program, TypedColumns};
use crate::schema::rows::Rows;
use crate::schema::Schema;
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// The added columns of one table: its typed schema with them, and how they are computed.
pub struct Derived {
    /// The typed schema with the added columns (same `$id` as the typed rows they extend).
    pub schema: Schema,
    pub document: Value,
    compiled: Compiled,
    /// Index, in the rows they extend, of the column the added cells follow.
    after: usize,
}

const AT: &str = "typed_columns";

impl Derived {
    /// The added columns of `decl` on rows of `base` (the typed schema, as `document`), their
    /// lookups read from `tables`.
    pub fn new(
        decl: &TypedColumns,
        base: &Schema,
        document: &Value,
        tables: &Tables,
    ) -> Result<Derived> {
        let added = decl.parse(AT).map_err(Error::Other)?;
        let after = base.column_index(&decl.after).ok_or_else(|| {
            Error::Other(format!(
                "{AT}.after: {} is not a column of the typed rows of {}",
                crate::table::text::shown(&decl.after),
                crate::table::text::shown(&decl.table)
            ))
        })?;
        let program = Program {
            columns: added
                .iter()
                .map(|a| OutColumn {
                    name: a.name.clone(),
                    kind: a.kind,
                    value: Some(a.value.clone()),
                    blank: None,
                    fidelity: Fidelity::Exact,
                    note: a.description.clone(),
                })
                .collect(),
            include: None,
        };
        let compiled = Compiled::new(&program, base, tables, AT)?;
        let mut props = Map::new();
        let base_props = document.get("properties").and_then(Value::as_object);
        for (name, p) in base_props.into_iter().flatten() {
            props.insert(name.clone(), p.clone());
            if *name == decl.after {
                for a in &added {
                    if base.column_index(&a.name).is_some() {
                        return Err(Error::Other(format!(
                            "{AT}: the typed rows of {} already have a column {}",
                            crate::table::text::shown(&decl.table),
                            crate::table::text::shown(&a.name)
                        )));
                    }
                    props.insert(a.name.clone(), property(a.kind, &a.description));
                }
            }
        }
        let mut document = document.clone();
        document["properties"] = Value::Object(props);
        let mut schema = Schema::from_value(&base.path, document.clone())?;
        schema.id = base.id.clone();
        Ok(Derived {
            schema,
            document,
            compiled,
            after,
        })
    }

    /// The typed rows `csv` (of `base`) with the added columns.
    pub fn apply(&self, base: &Schema, csv: &[u8], name: &str) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(csv.len() + csv.len() / 8);
        let werr = |e: csv::Error| Error::Other(format!("{name}: cannot write a typed row: {e}"));
        let call = functions::Call {
            format: None,
            sep: "; ",
            // No release date: the added columns describe the row, not the release.
            released: NaiveDate::default(),
        };
        let key = base.primary_key.first().copied();
        {
            let mut w = crate::table::writer(&mut out);
            w.write_record(self.schema.column_names()).map_err(werr)?;
            let mut rows = Rows::new(base, csv, name)?;
            while let Some(r) = rows.next_row()? {
                let cells: Vec<&str> = r.iter().collect();
                let added = self.compiled.row(&cells, &call);
                let id = key.and_then(|k| cells.get(k)).copied().unwrap_or("");
                self.compiled.check(&added, id, AT)?;
                let row = cells[..=self.after]
                    .iter()
                    .copied()
                    .chain(added.iter().map(String::as_str))
                    .chain(cells[self.after + 1..].iter().copied());
                w.write_record(row).map_err(werr)?;
            }
            w.flush()
                .map_err(|e| Error::Other(format!("{name}: cannot write a typed row: {e}")))?;
        }
        Ok(out)
    }
}

/// The JSON Schema property of an added column: its type, nullable, and its description.
fn property(kind: OutType, description: &str) -> Value {
    let blank = "Blank when the row lacks what it is computed from.";
    match kind {
        OutType::Date => {
            json!({"type": ["string", "null"], "format": "date", "description": description, "x-blank": blank})
        }
        other => {
            json!({"type": [other.name(), "null"], "description": description, "x-blank": blank})
        }
    }
}
