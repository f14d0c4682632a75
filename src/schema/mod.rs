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
//! - `"format": "date"` marks an ISO date; an array of strings or of integers is written in one
//!   CSV cell, joined by `x-delimiter` (default `;`), each item spelt as a cell of its type is
//!   (an integer item canonically: `7`, never `07` or `+7`);
//! - a boolean column is written `true`/`false` unless it declares its spellings in
//!   `x-trueValues` and `x-falseValues` (as Frictionless' `trueValues`/`falseValues`);
//! - `x-primaryKey`, `x-sortKey`, `x-foreignKeys` and `x-rules` declare table-level rules.

pub mod canonical;
mod cell;
mod load;
pub mod metadata;
pub mod rows;

pub use cell::{
    canonical_spelling, compare_cells, compare_keys, is_plain_number, parse_date, parse_integer,
    parse_number, row_object,
};
use serde_json::Value;
use std::path::PathBuf;

/// The value type of a column, as the CSV cell is converted to JSON and to Arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Date,
    /// An array, written in one cell with its items joined by the column's delimiter.
    List(Item),
}

/// The type of the items of a [`Kind::List`] column (`items.type`). Numbers and booleans are
/// refused as items: a number has several spellings of one value (`1`, `1.0`, `1e0`), so keys
/// and repeats could not be compared by their text as they are for these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    String,
    /// Written as an integer cell is, canonically (see [`parse_integer`]), so that an item
    /// matches a key of an integer column by its text.
    Integer,
}

impl Item {
    /// The scalar kind one item is read as.
    pub fn kind(self) -> Kind {
        match self {
            Item::String => Kind::String,
            Item::Integer => Kind::Integer,
        }
    }

    /// Converts one item's text to the JSON value the row schema expects: an item that does
    /// not parse stays a string (an empty item too), so that the schema reports it.
    pub fn to_json(self, item: &str) -> Value {
        match self {
            Item::Integer => match parse_integer(item) {
                Some(n) => Value::from(n),
                None => Value::String(item.to_string()),
            },
            Item::String => Value::String(item.to_string()),
        }
    }
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::List(Item::String) => "list of strings",
            Kind::List(Item::Integer) => "list of integers",
        }
    }

    /// Whether cells of this kind are lists split by the column's delimiter.
    pub fn is_list(self) -> bool {
        matches!(self, Kind::List(_))
    }
}

/// How a boolean column writes its two values in a cell: `x-trueValues` and `x-falseValues`
/// (`["true"]` and `["false"]` when not declared). Every listed spelling reads as its value;
/// the first of a list is the one written for a value the toolkit makes up (`synth`). The
/// lists are non-empty, disjoint, and hold no blank or padded text (checked at load).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spellings {
    pub true_values: Vec<String>,
    pub false_values: Vec<String>,
}

impl Default for Spellings {
    fn default() -> Spellings {
        Spellings {
            true_values: vec!["true".into()],
            false_values: vec!["false".into()],
        }
    }
}

impl Spellings {
    /// The value a cell spells, or `None` when it is not one of the declared spellings.
    pub fn read(&self, cell: &str) -> Option<bool> {
        let has = |list: &[String]| list.iter().any(|v| v == cell);
        if has(&self.true_values) {
            Some(true)
        } else if has(&self.false_values) {
            Some(false)
        } else {
            None
        }
    }

    /// The spelling written for a value: the first declared one.
    pub fn write(&self, value: bool) -> &str {
        let list = if value {
            &self.true_values
        } else {
            &self.false_values
        };
        list.first()
            .map_or(if value { "true" } else { "false" }, String::as_str)
    }

    /// Whether these are the default spellings (`true`, `false`), declared or not: the
    /// outputs of a column that declares nothing stay as they were before spellings existed.
    pub fn is_default(&self) -> bool {
        *self == Spellings::default()
    }

    /// Every spelling, true ones first, each shown safely: `"True", "T" or "False"`.
    pub fn listed(&self) -> String {
        let all: Vec<String> = (self.true_values.iter())
            .chain(&self.false_values)
            .map(|v| crate::table::text::shown(v))
            .collect();
        match all.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
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
    /// Allowed values of a list column's items with their definitions, when they are a closed
    /// vocabulary (`items.enum`, or `items.oneOf`/`anyOf` of `const`s).
    pub item_terms: Option<Vec<Term>>,
    /// What a blank cell means: a vocabulary's `{"type": "null"}` branch description, or the
    /// property's `x-blank` text.
    pub null_description: Option<String>,
    /// Separator of the items of a [`Kind::List`] cell.
    pub delimiter: String,
    /// How a [`Kind::Boolean`] cell spells its values (the defaults on other columns).
    pub booleans: Spellings,
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
/// (`{"field": "name", "as": "actor1"}` renames; a plain string keeps the name). Without an
/// `aggregate` it is the field of the row the first (primary) item references; with one, it
/// is drawn from the rows of every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expand {
    pub field: String,
    pub name: String,
    pub aggregate: Option<Aggregate>,
}

/// How an `expand` column combines the rows of every item of a list (`"aggregate"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aggregate {
    /// `"coarsest"`: the last value in the field's vocabulary order (the largest, for a
    /// number without a vocabulary) among the items' non-blank values, so that a row claims
    /// no more precision than its least precise item. With `spread`, at least `spread_value`
    /// when the items hold more than one distinct non-blank value of the `spread` column (the
    /// places lie in several provinces).
    Coarsest { spread: Option<(String, String)> },
    /// `"distinct"`: every non-blank value, in item order, without repeats: a list.
    Distinct,
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
    /// `field` is filled whenever at least one of `any` is (the one-way [`RuleSpec::PresentIffAny`]:
    /// `field` may be filled alone).
    PresentIfAny {
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
    /// "If A is x then B must not be y": see [`ForbidWhen`].
    ForbidWhen(ForbidWhen),
    /// A parent's count equals the number of rows of another table that cite it: see [`Count`].
    Count(Count),
    /// No value of a column (or item of a list column) on two rows: see [`Unique`].
    Unique(Unique),
    /// A column equals a column of the rows a foreign key cites: see [`Equal`].
    Equal(Equal),
}

/// A `count` rule, declared on the parent table: on each row, `column` (an integer) equals
/// the number of rows of `of_table` whose `of_column` (a foreign key, one id or a list) cites
/// the row's primary key. Rows are counted, not items: a row that cites the key twice counts
/// once. A blank count is not checked (not known is not zero); one that is not an integer is
/// left to the schema. The other table is named, not resolved, at load: the dataset resolves
/// it ([`crate::validate::validate_dataset`] refuses an unknown table or column).
#[derive(Debug, Clone)]
pub struct Count {
    pub id: String,
    pub column: usize,
    pub of_table: String,
    pub of_column: String,
    pub description: String,
}

/// A `unique` rule: no two rows hold the same non-blank value of `column`, a column outside
/// the primary key (which is unique already). For a list column no item is on two rows; an
/// item twice in one row is reported too, unless the column declares `uniqueItems` (the
/// schema says so then).
#[derive(Debug, Clone)]
pub struct Unique {
    pub id: String,
    pub column: usize,
    pub description: String,
}

/// An `equal` rule, declared on the child table: on each row, every row of the table that
/// the foreign key `via` cites has `to` equal to this row's `column` (compared as text:
/// cells are in canonical form). A blank on either side is not checked: a value not known
/// does not disagree. `to` is a column of the other table, resolved by the dataset.
#[derive(Debug, Clone)]
pub struct Equal {
    pub id: String,
    pub column: usize,
    pub via: usize,
    pub to: String,
    pub description: String,
}

/// A `forbid-when` rule: when `if_column` holds one of `if_values`, `then_column` holds none
/// of `then_values`. A blank cell is written `null` and kept as `""`. The dataset's own
/// `description` is the finding's message, since no generic wording could say why the pair
/// is wrong.
#[derive(Debug, Clone)]
pub struct ForbidWhen {
    pub id: String,
    pub if_column: usize,
    pub if_values: Vec<String>,
    pub then_column: usize,
    pub then_values: Vec<String>,
    pub description: String,
}

impl ForbidWhen {
    /// Whether a row with these cells (in schema column order) breaks the rule.
    pub fn breaks<S: AsRef<str>>(&self, cells: &[S]) -> bool {
        let has = |values: &[String], c: usize| values.iter().any(|v| v == cells[c].as_ref());
        has(&self.if_values, self.if_column) && has(&self.then_values, self.then_column)
    }
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
    /// The `x-rules` entry rule `i` was read from, for what it says beyond its columns (its
    /// `hint`, its `severity`).
    pub fn rule_entry(&self, i: usize) -> Option<&Value> {
        self.document.get("x-rules").and_then(|d| d.get(i))
    }

    /// Whether rule `i` is declared `"severity": "warning"`: its findings are then listed
    /// without failing validation, so that data with known problems can still be released.
    /// The value was checked at load.
    pub fn rule_warns(&self, i: usize) -> bool {
        self.rule_entry(i)
            .and_then(|r| r.get("severity"))
            .and_then(Value::as_str)
            == Some("warning")
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

    /// Whether a cell converts to its column's type (a blank is null): `Err` names the type it
    /// is not. The typed exports refuse a row that does not; validation says why in detail.
    pub fn check_cell(&self, column: usize, cell: &str) -> std::result::Result<(), &'static str> {
        if cell.is_empty() {
            return Ok(());
        }
        let col = &self.columns[column];
        let (ok, kind) = match col.kind {
            Kind::String | Kind::List(Item::String) => return Ok(()),
            Kind::List(Item::Integer) => (
                cell.split(col.delimiter.as_str())
                    .all(|item| parse_integer(item).is_some()),
                "list of integers",
            ),
            Kind::Integer => (parse_integer(cell).is_some(), "integer"),
            Kind::Number => (parse_number(cell).is_some(), "number"),
            Kind::Boolean => (
                self.columns[column].booleans.read(cell).is_some(),
                "boolean",
            ),
            Kind::Date => (parse_date(cell).is_some(), "date"),
        };
        ok.then_some(()).ok_or(kind)
    }

    /// Converts one CSV cell to the JSON value the row schema expects: blank is null, integers,
    /// numbers and booleans (in the column's declared [`Spellings`]) are typed, lists are split
    /// and their items typed. A cell or item that does not parse as its type (see
    /// [`parse_integer`], [`parse_number`]) stays a string, so that the schema reports it as a
    /// type error with its value.
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
            Kind::Boolean => match col.booleans.read(cell) {
                Some(b) => Value::Bool(b),
                None => Value::String(cell.to_string()),
            },
            Kind::List(item) => Value::Array(
                cell.split(col.delimiter.as_str())
                    .map(|s| item.to_json(s))
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
            Value::Bool(b) => col.booleans.write(*b).to_string(),
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

    /// The kinds of the sort key's columns, in key order (see [`compare_keys`]).
    pub fn sort_kinds(&self) -> Vec<Kind> {
        self.sort_key
            .iter()
            .map(|&c| self.columns[c].kind)
            .collect()
    }
}
