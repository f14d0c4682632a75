//! A fast, exact validity test of one row against its JSON Schema, for the common case of a
//! valid row: each column is checked on its own (a vocabulary by set membership, anything else
//! by the column's own compiled sub-schema), and the schema's cross-column part (`allOf`,
//! `if`/`then`, …) on a small object holding only the columns it mentions.
//!
//! It answers the same as validating the whole row object whenever the schema has the shape the
//! toolkit reads (properties, required, no additional properties, combinators at the top, no
//! `$ref`); otherwise it falls back to the whole-row validator. Either way, a row found invalid
//! is then validated whole, so that its errors are described exactly as before.

use crate::schema::{Kind, Schema};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashSet};
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

enum ColumnCheck {
    /// A closed vocabulary: valid when blank (if allowed) or one of the values.
    Terms {
        values: HashSet<String, Xxh3DefaultBuilder>,
        nullable: bool,
    },
    /// A plain string, at most `max` characters.
    Text { nullable: bool, max: Option<usize> },
    /// An integer within bounds.
    Integer {
        nullable: bool,
        min: Option<i64>,
        max: Option<i64>,
    },
    /// An ISO date (`format: date`).
    Date { nullable: bool },
    /// The column's own schema, compiled.
    Schema(Box<jsonschema::Validator>),
}

/// Keywords whose meaning a native check reproduces exactly (the others are annotations).
const NATIVE: [&str; 9] = [
    "type",
    "description",
    "title",
    "examples",
    "$comment",
    "maxLength",
    "minimum",
    "maximum",
    "format",
];

/// A native check for a column whose schema uses only simple keywords, when there is one.
fn native(c: &crate::schema::Column) -> Option<ColumnCheck> {
    let m = c.schema.as_object()?;
    if !m.keys().all(|k| NATIVE.contains(&k.as_str())) || c.terms.is_some() {
        return None;
    }
    let int = |k: &str| m.get(k).map(|v| v.as_i64().ok_or(())).transpose();
    let format = m.get("format").and_then(Value::as_str);
    match (c.kind, format) {
        (Kind::String, None) if !m.contains_key("minimum") && !m.contains_key("maximum") => {
            Some(ColumnCheck::Text {
                nullable: c.nullable,
                max: match m.get("maxLength") {
                    None => None,
                    Some(v) => Some(v.as_u64()? as usize),
                },
            })
        }
        (Kind::Integer, None) if !m.contains_key("maxLength") => Some(ColumnCheck::Integer {
            nullable: c.nullable,
            min: int("minimum").ok()?,
            max: int("maximum").ok()?,
        }),
        (Kind::Date, Some("date"))
            if m.keys()
                .all(|k| !matches!(k.as_str(), "maxLength" | "minimum" | "maximum")) =>
        {
            Some(ColumnCheck::Date {
                nullable: c.nullable,
            })
        }
        _ => None,
    }
}

/// The cross-column part of the schema and the columns it reads.
struct Rest {
    validator: jsonschema::Validator,
    columns: Vec<usize>,
}

pub struct FastSchema {
    /// `None` when the schema cannot be split exactly: use the whole-row validator.
    columns: Option<Vec<ColumnCheck>>,
    rest: Option<Rest>,
}

/// Root keywords whose meaning the split preserves.
const SPLITTABLE: [&str; 17] = [
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "examples",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
];

fn compile(doc: &Value) -> Option<jsonschema::Validator> {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(doc)
        .ok()
}

fn has_ref(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.contains_key("$ref") || m.contains_key("$dynamicRef") || m.values().any(has_ref)
        }
        Value::Array(a) => a.iter().any(has_ref),
        _ => false,
    }
}

/// Property names a sub-schema mentions (under `properties`, `required`, `dependentRequired`).
fn mentioned(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("properties", Value::Object(p)) => {
                        out.extend(p.keys().cloned());
                        p.values().for_each(|s| mentioned(s, out));
                    }
                    ("required", Value::Array(a)) => {
                        out.extend(a.iter().filter_map(|s| s.as_str().map(str::to_string)))
                    }
                    _ => mentioned(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| mentioned(x, out)),
        _ => {}
    }
}

impl FastSchema {
    pub fn new(schema: &Schema) -> FastSchema {
        let doc = &schema.document;
        let whole = FastSchema {
            columns: None,
            rest: None,
        };
        let Some(root) = doc.as_object() else {
            return whole;
        };
        let splittable = root
            .keys()
            .all(|k| k.starts_with("x-") || SPLITTABLE.contains(&k.as_str()))
            && root.get("additionalProperties") == Some(&Value::Bool(false))
            && !has_ref(doc);
        if !splittable {
            return whole;
        }
        let draft = root
            .get("$schema")
            .cloned()
            .unwrap_or(Value::from("https://json-schema.org/draft/2020-12/schema"));
        let mut columns = Vec::with_capacity(schema.columns.len());
        for c in &schema.columns {
            let pure_terms = c.kind == Kind::String
                && c.terms.is_some()
                && c.schema.as_object().is_some_and(|m| {
                    m.keys().all(|k| {
                        matches!(
                            k.as_str(),
                            "oneOf" | "anyOf" | "enum" | "description" | "title" | "examples"
                        )
                    })
                })
                && c.schema
                    .get("oneOf")
                    .or_else(|| c.schema.get("anyOf"))
                    .and_then(Value::as_array)
                    .is_none_or(|bs| {
                        bs.iter().all(|b| {
                            b.as_object().is_some_and(|m| {
                                m.keys().all(|k| {
                                    matches!(k.as_str(), "const" | "description" | "title" | "type")
                                }) && (m.contains_key("const")
                                    || m.get("type") == Some(&Value::from("null")))
                            })
                        })
                    });
            if pure_terms {
                let values = c.terms.iter().flatten().map(|t| t.value.clone()).collect();
                columns.push(ColumnCheck::Terms {
                    values,
                    nullable: c.nullable,
                });
            } else if let Some(check) = native(c) {
                columns.push(check);
            } else {
                let mut sub = c.schema.clone();
                if let Value::Object(m) = &mut sub {
                    m.insert("$schema".into(), draft.clone());
                }
                match compile(&sub) {
                    Some(v) => columns.push(ColumnCheck::Schema(Box::new(v))),
                    None => return whole,
                }
            }
        }
        // The cross-column rest: the root without its per-column parts.
        let mut rest_doc = Map::new();
        for (k, v) in root {
            if matches!(
                k.as_str(),
                "allOf" | "anyOf" | "oneOf" | "not" | "if" | "then" | "else"
            ) {
                rest_doc.insert(k.clone(), v.clone());
            }
        }
        let rest = if rest_doc.is_empty() {
            None
        } else {
            let mut names = BTreeSet::new();
            mentioned(&Value::Object(rest_doc.clone()), &mut names);
            rest_doc.insert("$schema".into(), draft);
            let cols: Option<Vec<usize>> = names.iter().map(|n| schema.column_index(n)).collect();
            match (compile(&Value::Object(rest_doc)), cols) {
                (Some(validator), Some(columns)) => Some(Rest { validator, columns }),
                _ => return whole,
            }
        };
        FastSchema {
            columns: Some(columns),
            rest,
        }
    }

    /// Whether the row (cells in schema order; `present` false for columns the file lacks) is
    /// valid against the whole schema, ignoring absent columns.
    pub fn is_valid(&self, schema: &Schema, cells: &[&str], present: &[bool]) -> bool {
        let Some(columns) = &self.columns else {
            let row = crate::schema::row_object(schema, cells, Some(present));
            return schema.validator().is_valid(&row);
        };
        for (i, check) in columns.iter().enumerate() {
            if !present[i] {
                continue;
            }
            let cell = cells[i];
            let ok = match check {
                ColumnCheck::Schema(v) => v.is_valid(&schema.cell_to_json(i, cell)),
                _ if cell.is_empty() => match check {
                    ColumnCheck::Terms { nullable, .. }
                    | ColumnCheck::Text { nullable, .. }
                    | ColumnCheck::Integer { nullable, .. }
                    | ColumnCheck::Date { nullable } => *nullable,
                    ColumnCheck::Schema(_) => unreachable!("handled above"),
                },
                ColumnCheck::Terms { values, .. } => values.contains(cell),
                ColumnCheck::Text { max, .. } => {
                    max.is_none_or(|m| cell.len() <= m || cell.chars().count() <= m)
                }
                ColumnCheck::Integer { min, max, .. } => crate::schema::parse_integer(cell)
                    .is_some_and(|n| min.is_none_or(|lo| n >= lo) && max.is_none_or(|hi| n <= hi)),
                ColumnCheck::Date { .. } => crate::schema::parse_date(cell).is_some(),
            };
            if !ok {
                return false;
            }
        }
        match &self.rest {
            None => true,
            Some(rest) => {
                let mut m = Map::with_capacity(rest.columns.len());
                for &c in &rest.columns {
                    if present[c] {
                        m.insert(
                            schema.columns[c].name.clone(),
                            schema.cell_to_json(c, cells[c]),
                        );
                    }
                }
                rest.validator.is_valid(&Value::Object(m))
            }
        }
    }

    /// Whether the split is in use (false: whole-row validation).
    pub fn is_split(&self) -> bool {
        self.columns.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The split test agrees with whole-row validation on valid and invalid rows.
    #[test]
    fn agrees_with_whole_row_validation() {
        let s =
            Schema::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/events.schema.json"))
                .unwrap();
        let fast = FastSchema::new(&s);
        assert!(fast.is_split());
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/dataset_refs/dataset/events.csv"),
        )
        .unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let row: csv::StringRecord = r.records().next().unwrap().unwrap();
        let base: Vec<String> = row.iter().map(str::to_string).collect();
        let all = vec![true; s.columns.len()];
        let mut cases = vec![base.clone()];
        let bad_cells: Vec<(&str, String)> = vec![
            ("event_type", "clash".into()),
            ("acled_sub_event_type", "Attack".into()),
            ("killed_total", "three".into()),
            ("date_start", "2022-02-30".into()),
            ("event_id", "X-1".into()),
            ("disputed", "yes".into()),
            ("source_ids", "".into()),
            ("place_ids", "AM".into()),
            ("place_ids", "am-goris;am-goris".into()),
            ("place_ids", "".into()),
            ("actor2_ids", "A001;".into()),
            ("mediator_ids", "a001".into()),
            ("released_am", "-1".into()),
            ("released_az", "2".into()),
            ("sector", "".into()),
            ("killed_total", "-1".into()),
            ("killed_total", "1000001".into()),
            ("killed_total", "1.5".into()),
            ("killed_total", "+3".into()),
            ("killed_total", "03".into()),
            ("killed_total", "-0".into()),
            ("killed_total", "-inf".into()),
            ("killed_total", "NaN".into()),
            ("notes", "é".repeat(401)),
            ("notes", "é".repeat(400)),
            ("date_end", "2022-9-01".into()),
            ("actor1_ids", "".into()),
            ("reported_by_ids", "A015;A016".into()),
        ];
        for (col, bad) in bad_cells {
            let mut r = base.clone();
            r[s.column_index(col).unwrap()] = bad;
            cases.push(r);
        }
        for case in cases {
            let cells: Vec<&str> = case.iter().map(String::as_str).collect();
            let whole = s
                .validator()
                .is_valid(&crate::schema::row_object(&s, &cells, None));
            assert_eq!(fast.is_valid(&s, &cells, &all), whole, "{cells:?}");
        }
    }
}
