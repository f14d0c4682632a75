//! Reads a row schema (JSON Schema, draft 2020-12) once and answers every question the rest of
//! the toolkit asks about columns: their order, types, nullability, vocabularies with
//! definitions, descriptions, and the consistency rules declared with `x-` keywords.
//!
//! The schema file is the single source of truth: no column name of the dataset appears in
//! the Rust code outside tests. The conventions the code relies on are:
//!
//! - the order of `properties` is the order of the CSV columns;
//! - a property's type is its `type` (with `"null"` allowed for a nullable column), or, for a
//!   vocabulary written as `oneOf` of `const` branches (each with a `description`, optionally a
//!   `title`), the type of its constants; a `{"type": "null"}` branch makes it nullable;
//! - `"format": "date"` marks an ISO date; an array of strings is written in one CSV cell,
//!   joined by `x-delimiter` (default `;`);
//! - `x-primaryKey`, `x-sortKey`, `x-foreignKeys` and `x-rules` declare table-level rules.

pub mod metadata;

use crate::error::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The value type of a column, as the CSV cell is converted to JSON and to Arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Date,
    /// An array of strings, written in one cell joined by the column's delimiter.
    StringList,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::StringList => "list of strings",
        }
    }
}

/// One allowed value of a vocabulary column, with its definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub value: String,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// One CSV column, derived from one property of the row schema.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
    pub description: Option<String>,
    /// Allowed values with their definitions, when the column is a closed vocabulary.
    pub terms: Option<Vec<Term>>,
    /// Description of a blank cell, from a vocabulary's `{"type": "null"}` branch.
    pub null_description: Option<String>,
    /// Separator of the items of a [`Kind::StringList`] cell.
    pub delimiter: String,
    /// The property's own schema, for exporters that need more than the above.
    pub schema: Value,
    /// Titles of the vocabulary values that have one, for lookups on every row.
    titles: std::collections::HashMap<String, String>,
}

impl Column {
    /// `minimum` and `maximum` of a numeric column, when declared.
    pub fn bounds(&self) -> (Option<f64>, Option<f64>) {
        let get = |k: &str| self.schema.get(k).and_then(Value::as_f64);
        (get("minimum"), get("maximum"))
    }

    /// The title of a vocabulary value (e.g. the name of an ISO 3166-2 code).
    pub fn title_of(&self, value: &str) -> Option<&str> {
        self.titles.get(value).map(String::as_str)
    }
}

/// A foreign key: every item of `field` must be a key of `resource`'s `reference_field`.
#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub field: usize,
    pub resource: String,
    pub reference_field: String,
    /// For a list column: name of the link table (one row per row key and item) that release
    /// bundles add, so that tools without list keys (SQL, Frictionless) can join the tables.
    pub link: Option<String>,
}

/// A consistency rule declared in `x-rules`, with its columns resolved to indexes.
#[derive(Debug, Clone)]
pub enum RuleSpec {
    /// `start` <= `end`.
    DateOrder {
        id: String,
        start: usize,
        end: usize,
    },
    /// The span from `start` to `end` fits the precision named in `precision`
    /// (`day`: any span; `month`: first to last day of one month; `year`: of one year).
    DatePrecision {
        id: String,
        start: usize,
        end: usize,
        precision: usize,
    },
    /// Dates inside the dataset's declared coverage and not after today.
    DateCoverage { id: String, fields: Vec<usize> },
    /// `total` equals the sum of `parts` (blank counted as 0) whenever any of them is given.
    Sum {
        id: String,
        total: usize,
        parts: Vec<usize>,
    },
    /// `field` is filled exactly when at least one of `any` is.
    PresentIffAny {
        id: String,
        field: usize,
        any: Vec<usize>,
    },
    /// `field` starts with the value of `prefix` followed by `separator`.
    CodePrefix {
        id: String,
        field: usize,
        prefix: usize,
        separator: String,
    },
    /// `field` equals the title of the vocabulary value in `code`.
    TitleOf {
        id: String,
        field: usize,
        code: usize,
    },
    /// No cell has leading or trailing whitespace.
    Trimmed { id: String },
    /// No cell would be run as a formula by a spreadsheet.
    NoFormula { id: String },
}

/// A row schema, read and compiled once.
pub struct Schema {
    pub path: PathBuf,
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: Vec<usize>,
    pub sort_key: Vec<usize>,
    pub foreign_keys: Vec<ForeignKey>,
    pub rules: Vec<RuleSpec>,
    /// The whole document, as read.
    pub document: Value,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema")
            .field("path", &self.path)
            .field("id", &self.id)
            .field("columns", &self.columns.len())
            .finish()
    }
}

impl Schema {
    /// Reads and compiles a row schema file.
    pub fn load(path: &Path) -> Result<Schema> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let document: Value = serde_json::from_str(&text).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            source: e,
        })?;
        Schema::from_value(path, document)
    }

    /// Builds a schema from an already parsed document (`path` is used in messages).
    pub fn from_value(path: &Path, document: Value) -> Result<Schema> {
        let fail = |message: String| Error::Schema {
            path: path.to_path_buf(),
            message,
        };
        let props = document
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| fail("the schema has no \"properties\" object: it must describe one row as an object".into()))?;
        if props.is_empty() {
            return Err(fail(
                "\"properties\" is empty: a row needs at least one column".into(),
            ));
        }
        let mut columns = Vec::with_capacity(props.len());
        for (name, prop) in props {
            columns.push(column(name, prop).map_err(|m| fail(format!("property {name:?}: {m}")))?);
        }
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&document)
            .map_err(|e| fail(format!("not a valid JSON Schema (draft 2020-12): {e}")))?;
        let index = |name: &str, what: &str| -> Result<usize> {
            columns.iter().position(|c| c.name == name).ok_or_else(|| {
                fail(format!(
                    "{what} names column {name:?}, which is not in \"properties\""
                ))
            })
        };
        let names = |key: &str| -> Result<Vec<usize>> {
            match document.get(key) {
                None => Ok(Vec::new()),
                Some(v) => string_list(v)
                    .ok_or_else(|| fail(format!("{key} must be an array of column names")))?
                    .iter()
                    .map(|n| index(n, key))
                    .collect(),
            }
        };
        let primary_key = names("x-primaryKey")?;
        let sort_key = names("x-sortKey")?;
        let mut foreign_keys = Vec::new();
        if let Some(fks) = document.get("x-foreignKeys") {
            let fks = fks
                .as_array()
                .ok_or_else(|| fail("x-foreignKeys must be an array".into()))?;
            for fk in fks {
                let field = fk.get("fields").and_then(Value::as_str);
                let reference = fk.get("reference");
                let resource = reference
                    .and_then(|r| r.get("resource"))
                    .and_then(Value::as_str);
                let rfield = reference
                    .and_then(|r| r.get("fields"))
                    .and_then(Value::as_str);
                match (field, resource, rfield) {
                    (Some(f), Some(r), Some(rf)) => foreign_keys.push(ForeignKey {
                        field: index(f, "x-foreignKeys")?,
                        resource: r.to_string(),
                        reference_field: rf.to_string(),
                        link: fk.get("link").and_then(Value::as_str).map(str::to_string),
                    }),
                    _ => {
                        return Err(fail(
                            "each x-foreignKeys entry needs \"fields\" and \"reference\": {\"resource\", \"fields\"}".into(),
                        ))
                    }
                }
            }
        }
        let mut rules = Vec::new();
        if let Some(list) = document.get("x-rules") {
            let list = list
                .as_array()
                .ok_or_else(|| fail("x-rules must be an array".into()))?;
            for r in list {
                rules.push(rule(r, &index, &columns).map_err(|e| match e {
                    Error::Schema { message, .. } => fail(format!("x-rules: {message}")),
                    other => other,
                })?);
            }
        }
        Ok(Schema {
            path: path.to_path_buf(),
            id: document
                .get("$id")
                .and_then(Value::as_str)
                .map(str::to_string),
            title: document
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_string),
            description: document
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            columns,
            primary_key,
            sort_key,
            foreign_keys,
            rules,
            document,
            validator,
        })
    }

    /// Column names in order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The column a JSON Schema error on a row object is about (the first segment of its
    /// instance path), if any.
    pub fn error_column(&self, e: &jsonschema::ValidationError<'_>) -> Option<usize> {
        let path = e.instance_path().as_str();
        self.column_index(path.trim_start_matches('/').split('/').next()?)
    }

    /// The compiled validator of one row (as a JSON object).
    pub fn validator(&self) -> &jsonschema::Validator {
        &self.validator
    }

    /// Converts one CSV cell to the JSON value the row schema expects: blank is null, integers,
    /// numbers and booleans are typed, lists are split. A cell that does not parse as its type
    /// stays a string, so that the schema reports it as a type error with its value.
    pub fn cell_to_json(&self, column: usize, cell: &str) -> Value {
        let col = &self.columns[column];
        if cell.is_empty() {
            return Value::Null;
        }
        match col.kind {
            Kind::String | Kind::Date => Value::String(cell.to_string()),
            Kind::Integer => match cell.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => Value::String(cell.to_string()),
            },
            Kind::Number => match cell.parse::<f64>() {
                Ok(x) if x.is_finite() => Value::from(x),
                _ => Value::String(cell.to_string()),
            },
            Kind::Boolean => match cell {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(cell.to_string()),
            },
            Kind::StringList => Value::Array(
                cell.split(col.delimiter.as_str())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            ),
        }
    }

    /// Converts a typed JSON value back to its canonical CSV cell (the inverse of
    /// [`Schema::cell_to_json`] for valid values).
    pub fn json_to_cell(&self, column: usize, value: &Value) -> String {
        let col = &self.columns[column];
        match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(&col.delimiter),
            Value::Object(_) => value.to_string(),
        }
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Types named by `type` (a string or an array of strings).
fn declared_types(prop: &Value) -> Vec<String> {
    match prop.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn column(name: &str, prop: &Value) -> Result<Column, String> {
    let mut types = declared_types(prop);
    let mut terms = None;
    let mut null_description = None;
    if let Some(branches) = prop
        .get("oneOf")
        .or_else(|| prop.get("anyOf"))
        .and_then(Value::as_array)
    {
        let mut list = Vec::new();
        for b in branches {
            if let Some(c) = b.get("const") {
                let value = match c {
                    Value::String(s) => {
                        types.push("string".into());
                        s.clone()
                    }
                    Value::Number(n) => {
                        types.push(if n.is_i64() { "integer" } else { "number" }.into());
                        n.to_string()
                    }
                    Value::Bool(v) => {
                        types.push("boolean".into());
                        v.to_string()
                    }
                    _ => {
                        return Err(
                            "vocabulary constants must be strings, numbers or booleans".into()
                        )
                    }
                };
                list.push(Term {
                    value,
                    title: b.get("title").and_then(Value::as_str).map(str::to_string),
                    description: b
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                });
            } else if declared_types(b) == ["null"] {
                types.push("null".into());
                null_description = b
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            } else {
                types.extend(declared_types(b));
            }
        }
        if !list.is_empty() {
            terms = Some(list);
        }
    } else if let Some(values) = prop.get("enum").and_then(Value::as_array) {
        let mut list = Vec::new();
        for v in values {
            match v {
                Value::Null => types.push("null".into()),
                Value::String(s) => {
                    types.push("string".into());
                    list.push(Term {
                        value: s.clone(),
                        title: None,
                        description: None,
                    })
                }
                _ => return Err("enum values must be strings or null".into()),
            }
        }
        terms = Some(list);
    }
    let nullable = types.iter().any(|t| t == "null");
    types.retain(|t| t != "null");
    types.sort();
    types.dedup();
    let kind = match types.as_slice() {
        [t] if t == "string" => {
            if prop.get("format").and_then(Value::as_str) == Some("date") {
                Kind::Date
            } else {
                Kind::String
            }
        }
        [t] if t == "integer" => Kind::Integer,
        [t] if t == "number" => Kind::Number,
        [a, b] if a == "integer" && b == "number" => Kind::Number,
        [t] if t == "boolean" => Kind::Boolean,
        [t] if t == "array" => {
            let item_types = prop.get("items").map(declared_types).unwrap_or_default();
            if item_types != ["string"] {
                return Err("an array column must have \"items\": {\"type\": \"string\"}".into());
            }
            Kind::StringList
        }
        [] => return Err("no \"type\" (or vocabulary) is declared".into()),
        other => return Err(format!("one non-null type is needed, found {other:?}")),
    };
    let delimiter = prop
        .get("x-delimiter")
        .and_then(Value::as_str)
        .unwrap_or(";")
        .to_string();
    if delimiter.is_empty() {
        return Err("x-delimiter must not be empty".into());
    }
    Ok(Column {
        name: name.to_string(),
        kind,
        nullable,
        description: prop
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        titles: terms
            .iter()
            .flatten()
            .filter_map(|t| Some((t.value.clone(), t.title.clone()?)))
            .collect(),
        terms,
        null_description,
        delimiter,
        schema: prop.clone(),
    })
}

fn rule(
    r: &Value,
    index: &dyn Fn(&str, &str) -> Result<usize>,
    columns: &[Column],
) -> Result<RuleSpec> {
    let kind = r
        .get("rule")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Schema {
            path: PathBuf::new(),
            message: format!("every rule needs a \"rule\" kind: {r}"),
        })?;
    let id = r
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(kind)
        .to_string();
    let what = format!("rule {id:?}");
    let missing = |key: &str| Error::Schema {
        path: PathBuf::new(),
        message: format!("rule {id:?} ({kind}) needs {key:?}"),
    };
    let col = |key: &str| -> Result<usize> {
        let name = r
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| missing(key))?;
        index(name, &what)
    };
    let cols = |key: &str| -> Result<Vec<usize>> {
        let list = r
            .get(key)
            .and_then(string_list)
            .ok_or_else(|| missing(key))?;
        list.iter().map(|n| index(n, &what)).collect()
    };
    Ok(match kind {
        "date-order" => RuleSpec::DateOrder {
            start: col("start")?,
            end: col("end")?,
            id,
        },
        "date-precision" => RuleSpec::DatePrecision {
            start: col("start")?,
            end: col("end")?,
            precision: col("precision")?,
            id,
        },
        "date-coverage" => RuleSpec::DateCoverage {
            fields: cols("fields")?,
            id,
        },
        "sum" => RuleSpec::Sum {
            total: col("total")?,
            parts: cols("parts")?,
            id,
        },
        "present-iff-any" => RuleSpec::PresentIffAny {
            field: col("field")?,
            any: cols("any")?,
            id,
        },
        "code-prefix" => RuleSpec::CodePrefix {
            field: col("field")?,
            prefix: col("prefix")?,
            separator: r
                .get("separator")
                .and_then(Value::as_str)
                .unwrap_or("-")
                .to_string(),
            id,
        },
        "title-of" => {
            let code = col("code")?;
            if columns[code].terms.is_none() {
                return Err(Error::Schema {
                    path: PathBuf::new(),
                    message: format!("rule {id:?}: column {:?} has no vocabulary with titles", columns[code].name),
                });
            }
            RuleSpec::TitleOf {
                field: col("field")?,
                code,
                id,
            }
        }
        "trimmed" => RuleSpec::Trimmed { id },
        "no-formula" => RuleSpec::NoFormula { id },
        other => {
            return Err(Error::Schema {
                path: PathBuf::new(),
                message: format!(
                    "unknown rule kind {other:?}; known: date-order, date-precision, date-coverage, sum, present-iff-any, code-prefix, title-of, trimmed, no-formula"
                ),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(doc: Value) -> Result<Schema> {
        Schema::from_value(Path::new("t.schema.json"), doc)
    }

    #[test]
    fn columns_follow_property_order_and_types() {
        let s = schema(json!({
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "day": {"type": "string", "format": "date"},
                "n": {"type": ["integer", "null"], "maximum": 10},
                "ok": {"type": "boolean"},
                "tags": {"type": "array", "items": {"type": "string"}, "x-delimiter": "|"},
                "kind": {"oneOf": [
                    {"const": "a", "description": "A."},
                    {"const": "b", "title": "Bee", "description": "B."},
                    {"type": "null", "description": "none"}
                ]}
            }
        }))
        .unwrap();
        let names: Vec<_> = s.column_names().collect();
        assert_eq!(names, ["id", "day", "n", "ok", "tags", "kind"]);
        let kinds: Vec<_> = s.columns.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::String,
                Kind::Date,
                Kind::Integer,
                Kind::Boolean,
                Kind::StringList,
                Kind::String
            ]
        );
        assert!(s.columns[2].nullable && !s.columns[0].nullable && s.columns[5].nullable);
        assert_eq!(s.columns[5].title_of("b"), Some("Bee"));
        assert_eq!(s.columns[5].null_description.as_deref(), Some("none"));
        assert_eq!(s.cell_to_json(4, "x|y"), json!(["x", "y"]));
        assert_eq!(s.cell_to_json(2, "7"), json!(7));
        assert_eq!(s.cell_to_json(2, "seven"), json!("seven"));
        assert_eq!(s.cell_to_json(2, ""), Value::Null);
        assert_eq!(s.json_to_cell(4, &json!(["x", "y"])), "x|y");
    }

    #[test]
    fn rules_naming_unknown_columns_are_rejected() {
        let err = schema(json!({
            "properties": {"a": {"type": "string"}},
            "x-rules": [{"rule": "date-order", "start": "a", "end": "b"}]
        }))
        .unwrap_err();
        assert!(err.to_string().contains("\"b\""), "{err}");
        let err = schema(json!({
            "properties": {"a": {"type": "string"}},
            "x-rules": [{"rule": "teleport"}]
        }))
        .unwrap_err();
        assert!(err.to_string().contains("unknown rule kind"), "{err}");
    }

    #[test]
    fn a_schema_without_properties_is_rejected() {
        assert!(schema(json!({"type": "object"})).is_err());
    }

    #[test]
    fn shipped_schemas_load() {
        for name in ["events", "sources"] {
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/{name}.schema.json"));
            let s = Schema::load(&path).unwrap();
            assert!(!s.primary_key.is_empty());
        }
    }
}
