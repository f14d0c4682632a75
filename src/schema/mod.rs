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

pub mod canonical;
pub mod metadata;
pub mod rows;

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
    /// What a blank cell means: a vocabulary's `{"type": "null"}` branch description, or the
    /// property's `x-blank` text.
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
    /// Columns of the row the list's first (primary) item references that typed exports add
    /// right after `field` (`"expand"`); the canonical CSV never holds them.
    pub expand: Vec<Expand>,
}

/// One column an `expand` adds: `field` of the referenced table, named `name` in the export
/// (`{"field": "name", "as": "actor1"}` renames; a plain string keeps the name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expand {
    pub field: String,
    pub name: String,
}

/// The `expand` list of a foreign key: strings or `{"field", "as"}` objects.
fn expand_list(v: Option<&Value>) -> std::result::Result<Vec<Expand>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let bad = || {
        "\"expand\" must be an array of column names or {\"field\": NAME, \"as\": NEW_NAME} objects"
            .to_string()
    };
    v.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|e| match e {
            Value::String(s) => Ok(Expand {
                field: s.clone(),
                name: s.clone(),
            }),
            Value::Object(o) => {
                let field = o.get("field").and_then(Value::as_str).ok_or_else(bad)?;
                let name = match o.get("as") {
                    None => field,
                    Some(a) => a.as_str().ok_or_else(bad)?,
                };
                Ok(Expand {
                    field: field.to_string(),
                    name: name.to_string(),
                })
            }
            _ => Err(bad()),
        })
        .collect()
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
    /// Each of `fields` is blank unless `column` holds one of `values` (a count that only one
    /// kind of row can carry).
    OnlyWhen {
        id: String,
        fields: Vec<usize>,
        column: usize,
        values: Vec<String>,
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
                        expand: expand_list(fk.get("expand"))
                            .map_err(|m| fail(format!("x-foreignKeys on {f:?}: {m}")))?,
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
                let spec = rule(r, &index, &columns).map_err(|e| match e {
                    Error::Schema { message, .. } => fail(format!("x-rules: {message}")),
                    other => other,
                })?;
                rule_fits(&spec, &columns).map_err(|m| fail(format!("x-rules: {m}")))?;
                rules.push(spec);
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
    /// (see [`parse_integer`], [`parse_number`]) stays a string, so that the schema reports it
    /// as a type error with its value.
    /// Whether a cell converts to its column's type (a blank is null): `Err` names the type it
    /// is not. The typed exports refuse a row that does not; validation says why in detail.
    pub fn check_cell(&self, column: usize, cell: &str) -> std::result::Result<(), &'static str> {
        if cell.is_empty() {
            return Ok(());
        }
        let (ok, kind) = match self.columns[column].kind {
            Kind::String | Kind::StringList => return Ok(()),
            Kind::Integer => (parse_integer(cell).is_some(), "integer"),
            Kind::Number => (parse_number(cell).is_some(), "number"),
            Kind::Boolean => (matches!(cell, "true" | "false"), "boolean"),
            Kind::Date => (parse_date(cell).is_some(), "date"),
        };
        ok.then_some(()).ok_or(kind)
    }

    pub fn cell_to_json(&self, column: usize, cell: &str) -> Value {
        let col = &self.columns[column];
        if cell.is_empty() {
            return Value::Null;
        }
        match col.kind {
            Kind::String | Kind::Date => Value::String(cell.to_string()),
            Kind::Integer => match parse_integer(cell) {
                Some(n) => Value::from(n),
                None => Value::String(cell.to_string()),
            },
            Kind::Number => match parse_number(cell) {
                Some(x) => Value::from(x),
                None => Value::String(cell.to_string()),
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

/// Parses an integer cell written in canonical form only: `0`, or an optional `-` and a digit
/// 1-9 followed by digits, within 64 bits. `+3`, `03` and `-0` are not integers here (a
/// spreadsheet reads `+3` as a formula, and two spellings of one value would compare as
/// different keys). The schema, the fast path and the rules all read integers through this
/// function, so they agree on what an integer is.
pub fn parse_integer(cell: &str) -> Option<i64> {
    let (negative, digits) = match cell.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    match digits {
        [b'0'] if !negative => return Some(0),
        [b'1'..=b'9', ..] => {}
        _ => return None,
    }
    // One pass; accumulated below zero, where i64::MIN fits.
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if negative {
        Some(n)
    } else {
        n.checked_neg()
    }
}

/// Parses a number cell written as a JSON number (`-1.5`, `0.25`, `2e3`): no `+`, no leading
/// zeros, no `inf` or `NaN` (which spreadsheets evaluate as formulas), finite.
pub fn parse_number(cell: &str) -> Option<f64> {
    if !is_plain_number(cell) {
        return None;
    }
    cell.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whether a cell is a number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn is_plain_number(cell: &str) -> bool {
    let b = cell.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// The canonical spelling of a numeric cell written another way (`+3` and `03` are `3`,
/// `-0` is `0`, `.5` is `0.5`), for hints; `None` when the cell is no number at all (words,
/// `inf`, `NaN`) or is already canonical.
pub fn canonical_spelling(kind: Kind, cell: &str) -> Option<String> {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let negative = cell.starts_with('-');
    match kind {
        Kind::Integer => {
            if unsigned.is_empty() || !unsigned.bytes().all(|d| d.is_ascii_digit()) {
                return None;
            }
            let magnitude = unsigned.trim_start_matches('0');
            let n: i128 = if magnitude.is_empty() {
                0
            } else if magnitude.len() > 19 {
                return None;
            } else {
                magnitude.parse().ok()?
            };
            let n = i64::try_from(if negative { -n } else { n }).ok()?;
            Some(n.to_string()).filter(|c| c != cell)
        }
        Kind::Number => {
            let plain = |c: u8| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-');
            if parse_number(cell).is_some() || !cell.bytes().all(plain) {
                return None;
            }
            let x = cell.parse::<f64>().ok().filter(|x| x.is_finite())?;
            Some(Value::from(x).to_string())
        }
        _ => None,
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

/// A vocabulary read from `oneOf`/`anyOf` const branches or from `enum`.
#[derive(Default)]
struct Vocabulary {
    terms: Option<Vec<Term>>,
    null_description: Option<String>,
}

fn column(name: &str, prop: &Value) -> Result<Column, String> {
    let mut types = declared_types(prop);
    let vocabulary = vocabulary(prop, &mut types)?;
    let nullable = types.iter().any(|t| t == "null");
    let kind = kind(prop, types)?;
    let delimiter = prop
        .get("x-delimiter")
        .and_then(Value::as_str)
        .unwrap_or(";")
        .to_string();
    if delimiter.is_empty() {
        return Err("x-delimiter must not be empty".into());
    }
    satisfiable(prop, kind, nullable, vocabulary.terms.as_deref())?;
    let Vocabulary {
        terms,
        null_description,
    } = vocabulary;
    Ok(Column {
        name: name.to_string(),
        kind,
        nullable,
        description: text(prop, "description"),
        titles: terms
            .iter()
            .flatten()
            .filter_map(|t| Some((t.value.clone(), t.title.clone()?)))
            .collect(),
        terms,
        // A typed column says what its blank means in `x-blank`; a vocabulary in its null branch.
        null_description: null_description.or_else(|| text(prop, "x-blank")),
        delimiter,
        schema: prop.clone(),
    })
}

/// A string member of a JSON object.
fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The column's vocabulary, if it has one; adds the types of its values to `types`.
fn vocabulary(prop: &Value, types: &mut Vec<String>) -> Result<Vocabulary, String> {
    if let Some(branches) = prop
        .get("oneOf")
        .or_else(|| prop.get("anyOf"))
        .and_then(Value::as_array)
    {
        const_branches(branches, types)
    } else if let Some(values) = prop.get("enum").and_then(Value::as_array) {
        enum_values(values, types)
    } else {
        Ok(Vocabulary::default())
    }
}

/// A vocabulary written as `oneOf` of `const` branches (each with a description), with an
/// optional `{"type": "null"}` branch for a blank cell.
fn const_branches(branches: &[Value], types: &mut Vec<String>) -> Result<Vocabulary, String> {
    let mut list = Vec::new();
    let mut null_description = None;
    for b in branches {
        if let Some(c) = b.get("const") {
            let (value, ty) = match c {
                Value::String(s) => (s.clone(), "string"),
                Value::Number(n) => (n.to_string(), if n.is_i64() { "integer" } else { "number" }),
                Value::Bool(v) => (v.to_string(), "boolean"),
                _ => return Err("vocabulary constants must be strings, numbers or booleans".into()),
            };
            types.push(ty.into());
            list.push(Term {
                value,
                title: text(b, "title"),
                description: text(b, "description"),
            });
        } else if declared_types(b) == ["null"] {
            types.push("null".into());
            null_description = text(b, "description");
        } else {
            types.extend(declared_types(b));
        }
    }
    Ok(Vocabulary {
        terms: (!list.is_empty()).then_some(list),
        null_description,
    })
}

/// A vocabulary written as `enum` (strings, and `null` for a blank cell).
fn enum_values(values: &[Value], types: &mut Vec<String>) -> Result<Vocabulary, String> {
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
    Ok(Vocabulary {
        terms: Some(list),
        null_description: None,
    })
}

/// The one non-null type of a column (`types`: every type its schema allows).
fn kind(prop: &Value, mut types: Vec<String>) -> Result<Kind, String> {
    types.retain(|t| t != "null");
    types.sort();
    types.dedup();
    Ok(match types.as_slice() {
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
    })
}

/// Refuses a column no cell can satisfy: an empty vocabulary, bounds that exclude every
/// value, length or item limits that contradict each other, or a required column whose only
/// allowed text is the empty string (a blank cell is read as null).
fn satisfiable(
    prop: &Value,
    kind: Kind,
    nullable: bool,
    terms: Option<&[Term]>,
) -> Result<(), String> {
    if terms.is_some_and(<[Term]>::is_empty) {
        return Err("the vocabulary has no values: list at least one".into());
    }
    let num = |k: &str| prop.get(k).and_then(Value::as_f64);
    let lower = bound(num("minimum"), num("exclusiveMinimum"), f64::max);
    let upper = bound(num("maximum"), num("exclusiveMaximum"), f64::min);
    if let (Some((lo, lo_open)), Some((hi, hi_open))) = (lower, upper) {
        let empty = if kind == Kind::Integer {
            let first = if lo_open { lo.floor() + 1.0 } else { lo.ceil() };
            let last = if hi_open { hi.ceil() - 1.0 } else { hi.floor() };
            first > last
        } else {
            lo > hi || (lo == hi && (lo_open || hi_open))
        };
        if empty {
            return Err(format!(
                "no {} lies between the lower bound {lo} and the upper bound {hi}: fix \"minimum\"/\"maximum\"",
                kind.name()
            ));
        }
    }
    for (min, max) in [("minLength", "maxLength"), ("minItems", "maxItems")] {
        let get = |k: &str| prop.get(k).and_then(Value::as_u64);
        if let (Some(a), Some(b)) = (get(min), get(max)) {
            if a > b {
                return Err(format!("{min:?} ({a}) is above {max:?} ({b})"));
            }
        }
    }
    let max_len = prop.get("maxLength").and_then(Value::as_u64);
    if kind == Kind::String && !nullable && terms.is_none() && max_len == Some(0) {
        return Err("\"maxLength\": 0 on a required column: a blank cell is read as null, so no cell is valid".into());
    }
    Ok(())
}

/// The tighter of an inclusive and an exclusive bound (`pick`: `max` for lower bounds, `min`
/// for upper ones), with whether it is exclusive.
fn bound(
    inclusive: Option<f64>,
    exclusive: Option<f64>,
    pick: fn(f64, f64) -> f64,
) -> Option<(f64, bool)> {
    match (inclusive, exclusive) {
        (Some(i), Some(e)) => {
            let v = pick(i, e);
            Some((v, v == e))
        }
        (Some(i), None) => Some((i, false)),
        (None, Some(e)) => Some((e, true)),
        (None, None) => None,
    }
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
        "only-when" => RuleSpec::OnlyWhen {
            fields: cols("fields")?,
            column: col("column")?,
            values: r
                .get("values")
                .and_then(string_list)
                .ok_or_else(|| missing("values"))?,
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
                    "unknown rule kind {other:?}; known: date-order, date-precision, date-coverage, sum, present-iff-any, only-when, code-prefix, title-of, trimmed, no-formula"
                ),
            })
        }
    })
}

/// Refuses a rule that can never hold or never be checked: a sum without parts, a rule on
/// dates whose columns are not dates, a sum over columns that are not integers.
fn rule_fits(spec: &RuleSpec, columns: &[Column]) -> Result<(), String> {
    let need = |id: &str, cols: &[usize], kind: Kind, what: &str| -> Result<(), String> {
        match cols.iter().find(|&&c| columns[c].kind != kind) {
            Some(&c) => Err(format!(
                "rule {id:?}: column {:?} is a {} column; {what} needs {} columns",
                columns[c].name,
                columns[c].kind.name(),
                kind.name()
            )),
            None => Ok(()),
        }
    };
    let nonempty = |id: &str, cols: &[usize], key: &str| -> Result<(), String> {
        if cols.is_empty() {
            Err(format!(
                "rule {id:?}: {key:?} is empty; list at least one column"
            ))
        } else {
            Ok(())
        }
    };
    match spec {
        RuleSpec::DateOrder { id, start, end } | RuleSpec::DatePrecision { id, start, end, .. } => {
            need(id, &[*start, *end], Kind::Date, "a date rule")
        }
        RuleSpec::DateCoverage { id, fields } => {
            nonempty(id, fields, "fields")?;
            need(id, fields, Kind::Date, "a date rule")
        }
        RuleSpec::Sum { id, total, parts } => {
            nonempty(id, parts, "parts")?;
            need(id, &[*total], Kind::Integer, "a sum")?;
            need(id, parts, Kind::Integer, "a sum")
        }
        RuleSpec::PresentIffAny { id, any, .. } => nonempty(id, any, "any"),
        RuleSpec::OnlyWhen {
            id,
            fields,
            column,
            values,
        } => {
            nonempty(id, fields, "fields")?;
            if values.is_empty() {
                return Err(format!(
                    "rule {id:?}: \"values\" is empty; list at least one value of {:?}",
                    columns[*column].name
                ));
            }
            let col = &columns[*column];
            match (
                &col.terms,
                values
                    .iter()
                    .find(|v| col.terms.iter().flatten().all(|t| &t.value != *v)),
            ) {
                (Some(_), Some(v)) => Err(format!(
                    "rule {id:?}: {v:?} is not a value of column {:?}; check the spelling",
                    col.name
                )),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Parses an ISO date cell (`YYYY-MM-DD`); `None` when blank, malformed or not a real date.
///
/// Hand-parsed because it runs several times per row: chrono's format-string parser is the
/// general tool and costs several times more.
pub fn parse_date(cell: &str) -> Option<chrono::NaiveDate> {
    let b = cell.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + (d - b'0') as u32)
        })
    };
    chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// The kinds of the sort key's columns, in key order (see [`compare_keys`]).
impl Schema {
    pub fn sort_kinds(&self) -> Vec<Kind> {
        self.sort_key
            .iter()
            .map(|&c| self.columns[c].kind)
            .collect()
    }
}

/// Compares two rows by their sort-key cells, column after column: the canonical order of a
/// table ([`canonical`]) and what the `sort-order` rule checks.
pub fn compare_keys(kinds: &[Kind], a: &[&str], b: &[&str]) -> std::cmp::Ordering {
    kinds
        .iter()
        .zip(a)
        .zip(b)
        .map(|((k, x), y)| compare_cells(*k, x, y))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Compares two cells of one column: blank first, numbers numerically, text by bytes.
pub fn compare_cells(kind: Kind, a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    if matches!(kind, Kind::Integer | Kind::Number) {
        if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
            return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
        }
    }
    a.cmp(b)
}

/// The row as the typed JSON object the schema describes (columns marked absent in
/// `present` left out; `None`: all present).
pub fn row_object(schema: &Schema, cells: &[&str], present: Option<&[bool]>) -> Value {
    let mut m = serde_json::Map::with_capacity(cells.len());
    for (i, c) in schema.columns.iter().enumerate() {
        if present.is_none_or(|p| p[i]) {
            m.insert(c.name.clone(), schema.cell_to_json(i, cells[i]));
        }
    }
    Value::Object(m)
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
    fn expand_reads_names_and_renames_and_rejects_other_shapes() {
        let doc = |expand: Value| {
            json!({
                "properties": {"id": {"type": "string"}, "refs": {"type": "array", "items": {"type": "string"}}},
                "x-foreignKeys": [{"fields": "refs", "reference": {"resource": "r", "fields": "id"},
                                   "link": "l", "expand": expand}]
            })
        };
        let s = schema(doc(json!(["lat", {"field": "name", "as": "actor1"}]))).unwrap();
        assert_eq!(
            s.foreign_keys[0].expand,
            [
                Expand {
                    field: "lat".into(),
                    name: "lat".into()
                },
                Expand {
                    field: "name".into(),
                    name: "actor1".into()
                }
            ]
        );
        let err = schema(doc(json!([{"as": "x"}]))).unwrap_err().to_string();
        assert!(
            err.contains("x-foreignKeys on \"refs\": \"expand\" must be an array"),
            "{err}"
        );
        assert!(schema(doc(json!("lat"))).is_err());
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
    fn only_canonical_numbers_are_numbers() {
        for (cell, n) in [
            ("0", 0),
            ("7", 7),
            ("-12", -12),
            ("9223372036854775807", i64::MAX),
        ] {
            assert_eq!(parse_integer(cell), Some(n), "{cell}");
        }
        for cell in [
            "+3",
            "03",
            "-0",
            "-03",
            "",
            "-",
            "3.0",
            "1e3",
            " 3",
            "9223372036854775808",
        ] {
            assert_eq!(parse_integer(cell), None, "{cell}");
        }
        for cell in ["0", "-0.5", "2.25", "1e3", "-1E-3"] {
            assert!(parse_number(cell).is_some(), "{cell}");
        }
        for cell in [
            "inf",
            "-inf",
            "+NaN",
            "nan",
            "-Infinity",
            "+3",
            "03",
            ".5",
            "5.",
            "1e400",
        ] {
            assert_eq!(parse_number(cell), None, "{cell}");
        }
        let canon = |k, c| canonical_spelling(k, c);
        assert_eq!(canon(Kind::Integer, "+3").as_deref(), Some("3"));
        assert_eq!(canon(Kind::Integer, "03").as_deref(), Some("3"));
        assert_eq!(canon(Kind::Integer, "-007").as_deref(), Some("-7"));
        assert_eq!(canon(Kind::Integer, "-0").as_deref(), Some("0"));
        assert_eq!(canon(Kind::Integer, "3"), None);
        assert_eq!(canon(Kind::Integer, "three"), None);
        assert_eq!(canon(Kind::Number, "+.5").as_deref(), Some("0.5"));
        assert_eq!(canon(Kind::Number, "-inf"), None);
    }

    #[test]
    fn impossible_columns_and_rules_are_refused_naming_file_and_column() {
        let cases = [
            (
                json!({"n": {"type": "integer", "minimum": 10, "maximum": 5}}),
                "\"n\"",
            ),
            (
                json!({"n": {"type": "integer", "minimum": 0.2, "maximum": 0.8}}),
                "\"n\"",
            ),
            (
                json!({"n": {"type": "integer", "exclusiveMinimum": 1, "maximum": 1}}),
                "\"n\"",
            ),
            (
                json!({"x": {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1}}),
                "\"x\"",
            ),
            (
                json!({"s": {"type": "string", "minLength": 3, "maxLength": 2}}),
                "\"s\"",
            ),
            (json!({"s": {"type": "string", "maxLength": 0}}), "\"s\""),
            (json!({"e": {"enum": [null]}}), "\"e\""),
        ];
        for (props, column) in cases {
            let err = schema(json!({"properties": props}))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("t.schema.json: property"), "{err}");
            assert!(err.contains(column), "{err}");
        }
        // Bounds that leave room, even a single value, are fine.
        assert!(schema(
            json!({"properties": {"n": {"type": "integer", "minimum": 0.5, "maximum": 1}}})
        )
        .is_ok());
        let props = json!({
            "t": {"type": ["integer", "null"]},
            "a": {"type": ["integer", "null"]},
            "s": {"type": "string"},
            "d": {"type": "string", "format": "date"},
            "k": {"oneOf": [{"const": "a", "description": "A."}, {"const": "b", "description": "B."}]}
        });
        let rules = [
            (
                json!({"id": "total", "rule": "sum", "total": "t", "parts": []}),
                "\"parts\" is empty",
            ),
            (
                json!({"id": "total", "rule": "sum", "total": "t", "parts": ["s"]}),
                "\"s\"",
            ),
            (
                json!({"id": "total", "rule": "sum", "total": "s", "parts": ["a"]}),
                "\"s\"",
            ),
            (
                json!({"id": "o", "rule": "date-order", "start": "d", "end": "s"}),
                "\"s\"",
            ),
            (
                json!({"id": "c", "rule": "date-coverage", "fields": []}),
                "\"fields\" is empty",
            ),
            (
                json!({"id": "p", "rule": "present-iff-any", "field": "s", "any": []}),
                "\"any\" is empty",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": [], "column": "k", "values": ["a"]}),
                "\"fields\" is empty",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": ["a"], "column": "k", "values": []}),
                "\"values\" is empty",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": ["a"], "column": "k", "values": ["released"]}),
                "\"released\" is not a value of column \"k\"",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": ["a"], "column": "k"}),
                "needs \"values\"",
            ),
        ];
        for (rule, what) in rules {
            let err = schema(json!({"properties": props, "x-rules": [rule]}))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("t.schema.json: x-rules: rule"), "{err}");
            assert!(err.contains(what), "{err}");
        }
    }

    #[test]
    fn a_schema_without_properties_is_rejected() {
        assert!(schema(json!({"type": "object"})).is_err());
    }

    #[test]
    fn shipped_schemas_load() {
        for name in ["events", "sources", "places", "actors"] {
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/{name}.schema.json"));
            let s = Schema::load(&path).unwrap();
            assert!(!s.primary_key.is_empty());
        }
    }
}
