//! A fast, exact validity test of one row against its JSON Schema, for the common case of a
//! valid row: each column is checked on its own, natively on the cell's text when its schema
//! uses only the common keywords (`type`, `enum`, `const`, `oneOf`/`anyOf` of constants,
//! `pattern`, `format` date and date-time, lengths, bounds, and `items`, `minItems`,
//! `maxItems`, `uniqueItems` for a list cell), by the column's own compiled sub-schema
//! otherwise; then the schema's cross-column part (`allOf`, `if`/`then`, …) on a small object
//! holding only the columns it mentions.
//!
//! It answers the same as validating the whole row object whenever the schema has the shape the
//! toolkit reads (properties, required, combinators at the top, no `$ref`); otherwise it falls
//! back to the whole-row validator. Either way, a row found invalid
//! is then validated whole, so that its errors are described exactly as before.

use crate::schema::{Column, Item, Kind, Schema};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

/// How one column is checked.
enum ColumnCheck {
    /// Natively, keyword by keyword.
    Native(Box<Native>),
    /// The column's own schema, compiled.
    Schema(Box<jsonschema::Validator>),
}

/// A cell as the JSON value the row schema sees (see [`Schema::cell_to_json`]), without
/// building it.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Null,
    Bool,
    Int(i64),
    Num(f64),
    Str(&'a str),
    /// A list cell: its items, split by the delimiter, and their type.
    List(&'a str, Item),
}

/// JSON types, as bits of a set (`type`).
const T_NULL: u8 = 1;
const T_BOOL: u8 = 2;
const T_INT: u8 = 4;
const T_NUM: u8 = 8;
const T_STR: u8 = 16;
const T_ARRAY: u8 = 32;
const T_OBJECT: u8 = 64;
const T_ANY: u8 = 127;

/// A `format` checked natively.
#[derive(Clone, Copy)]
enum Format {
    Date,
    DateTime,
}

/// A numeric bound (`minimum`, `exclusiveMaximum`, …), kept exact.
#[derive(Clone, Copy)]
enum Limit {
    Int(i64),
    Float(f64),
}

/// The allowed values of a vocabulary keyword (`enum`, `const`, `oneOf`/`anyOf` of consts).
struct Vocabulary {
    strings: HashSet<String, Xxh3DefaultBuilder>,
    null: bool,
}

/// The keywords of one (sub)schema that the native check reproduces exactly; every keyword
/// holds on its own (they are a conjunction), and each applies to its JSON type only.
struct Native {
    types: u8,
    vocabulary: Option<Vocabulary>,
    pattern: Option<regex::Regex>,
    format: Option<Format>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    lower: Option<(Limit, bool)>,
    upper: Option<(Limit, bool)>,
    /// Items of a list: their schema, `minItems`, `maxItems`, `uniqueItems`.
    items: Option<Box<Native>>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
}

/// Keywords with no effect on validity (annotations); `x-` keywords are ignored too.
const ANNOTATIONS: [&str; 8] = [
    "description",
    "title",
    "examples",
    "$comment",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// The set of `type`: a name or a list of names.
fn type_set(v: &Value) -> Option<u8> {
    let one = |t: &Value| -> Option<u8> {
        Some(match t.as_str()? {
            "null" => T_NULL,
            "boolean" => T_BOOL,
            "integer" => T_INT,
            "number" => T_NUM,
            "string" => T_STR,
            "array" => T_ARRAY,
            "object" => T_OBJECT,
            _ => return None,
        })
    };
    match v {
        Value::Array(a) => a.iter().try_fold(0, |s, t| Some(s | one(t)?)),
        t => one(t),
    }
}

fn limit(v: &Value) -> Option<Limit> {
    let n = v.as_number()?;
    match n.as_i64() {
        Some(i) => Some(Limit::Int(i)),
        // Above i64: compared exactly only by the JSON Schema validator.
        None if n.is_u64() => None,
        None => Some(Limit::Float(n.as_f64()?)),
    }
}

/// A lower or upper bound and whether it is exclusive (`None` when both forms are given).
fn bound(
    m: &Map<String, Value>,
    inclusive: &str,
    exclusive: &str,
) -> Option<Option<(Limit, bool)>> {
    match (m.get(inclusive), m.get(exclusive)) {
        (None, None) => Some(None),
        (Some(v), None) => Some(Some((limit(v)?, false))),
        (None, Some(v)) => Some(Some((limit(v)?, true))),
        (Some(_), Some(_)) => None,
    }
}

fn length(v: Option<&Value>) -> Option<Option<u64>> {
    match v {
        None => Some(None),
        Some(v) => Some(Some(v.as_u64()?)),
    }
}

/// A vocabulary of strings (and null): `enum`, `const`, or `oneOf`/`anyOf` whose branches are
/// string constants or `{"type": "null"}` (with annotations).
fn vocabulary(key: &str, v: &Value) -> Option<Vocabulary> {
    let mut voc = Vocabulary {
        strings: HashSet::default(),
        null: false,
    };
    let mut add = |x: &Value, distinct: bool| -> Option<()> {
        let fresh = match x {
            Value::Null => !std::mem::replace(&mut voc.null, true),
            Value::String(s) => voc.strings.insert(s.clone()),
            _ => return None,
        };
        (fresh || !distinct).then_some(())
    };
    match key {
        "enum" => v.as_array()?.iter().try_for_each(|x| add(x, false))?,
        "const" => add(v, false)?,
        _ => {
            // `oneOf`: a value matched by two branches is invalid, so constants must differ.
            let distinct = key == "oneOf";
            for b in v.as_array()? {
                let b = b.as_object()?;
                let mut value = None;
                for (k, x) in b {
                    match k.as_str() {
                        "const" => value = Some(x.clone()),
                        "type" if x.as_str() == Some("null") => value = Some(Value::Null),
                        k if ANNOTATIONS.contains(&k) => {}
                        _ => return None,
                    }
                }
                if b.contains_key("const") && b.contains_key("type") {
                    return None;
                }
                add(&value?, distinct)?;
            }
        }
    }
    Some(voc)
}

impl Native {
    /// The native check of a (sub)schema, when it uses only keywords reproduced exactly.
    fn new(schema: &Value) -> Option<Native> {
        let m = schema.as_object()?;
        let mut n = Native {
            types: T_ANY,
            vocabulary: None,
            pattern: None,
            format: None,
            min_length: length(m.get("minLength"))?,
            max_length: length(m.get("maxLength"))?,
            lower: bound(m, "minimum", "exclusiveMinimum")?,
            upper: bound(m, "maximum", "exclusiveMaximum")?,
            items: None,
            min_items: length(m.get("minItems"))?,
            max_items: length(m.get("maxItems"))?,
            unique: false,
        };
        for (k, v) in m {
            match k.as_str() {
                "type" => n.types = type_set(v)?,
                "enum" | "const" | "oneOf" | "anyOf" => {
                    if n.vocabulary.is_some() {
                        return None;
                    }
                    n.vocabulary = Some(vocabulary(k, v)?);
                }
                "pattern" => {
                    let translated = jsonschema_regex::to_rust_regex(v.as_str()?).ok()?;
                    n.pattern = Some(regex::Regex::new(&translated).ok()?);
                }
                "format" => {
                    n.format = Some(match v.as_str()? {
                        "date" => Format::Date,
                        "date-time" => Format::DateTime,
                        _ => return None,
                    })
                }
                "items" => n.items = Some(Box::new(Native::new(v)?)),
                "uniqueItems" => n.unique = v.as_bool()?,
                "minLength" | "maxLength" | "minimum" | "maximum" | "exclusiveMinimum"
                | "exclusiveMaximum" | "minItems" | "maxItems" => {}
                k if k.starts_with("x-") || ANNOTATIONS.contains(&k) => {}
                _ => return None,
            }
        }
        Some(n)
    }

    /// Whether a value satisfies every keyword.
    fn is_valid(&self, cell: Cell<'_>, delimiter: &str) -> bool {
        let ty = match cell {
            Cell::Null => T_NULL,
            Cell::Bool => T_BOOL,
            Cell::Int(_) => T_INT | T_NUM,
            Cell::Num(x) if x.fract() == 0.0 => T_INT | T_NUM,
            Cell::Num(_) => T_NUM,
            Cell::Str(_) => T_STR,
            Cell::List(..) => T_ARRAY,
        };
        if self.types & ty == 0 {
            return false;
        }
        if let Some(v) = &self.vocabulary {
            let ok = match cell {
                Cell::Null => v.null,
                Cell::Str(s) => v.strings.contains(s),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        match cell {
            Cell::Str(s) => self.string_ok(s),
            Cell::Int(_) | Cell::Num(_) => {
                let holds = |b: &Option<(Limit, bool)>, want: Ordering| {
                    b.as_ref().is_none_or(|&(l, exclusive)| {
                        let o = compare(cell, l);
                        o == want || (!exclusive && o == Ordering::Equal)
                    })
                };
                holds(&self.lower, Ordering::Greater) && holds(&self.upper, Ordering::Less)
            }
            Cell::List(text, item) => self.list_ok(text, item, delimiter),
            Cell::Null | Cell::Bool => true,
        }
    }

    fn string_ok(&self, s: &str) -> bool {
        if self.min_length.is_some() || self.max_length.is_some() {
            let bytes = s.len() as u64;
            let short = self.max_length.is_none_or(|m| bytes <= m);
            let long = self.min_length.is_none_or(|m| bytes.div_ceil(4) >= m);
            if !(short && long) {
                let n = s.chars().count() as u64;
                if self.min_length.is_some_and(|m| n < m) || self.max_length.is_some_and(|m| n > m)
                {
                    return false;
                }
            }
        }
        if let Some(f) = self.format {
            let ok = match f {
                Format::Date => crate::schema::parse_date(s).is_some(),
                Format::DateTime => is_date_time(s),
            };
            if !ok {
                return false;
            }
        }
        self.pattern.as_ref().is_none_or(|p| p.is_match(s))
    }

    fn list_ok(&self, text: &str, item: Item, delimiter: &str) -> bool {
        let count = text.split(delimiter).count() as u64;
        if self.min_items.is_some_and(|m| count < m) || self.max_items.is_some_and(|m| count > m) {
            return false;
        }
        if let Some(items) = &self.items {
            if !text
                .split(delimiter)
                .all(|i| items.is_valid(item_cell(item, i), delimiter))
            {
                return false;
            }
        }
        if self.unique && count > 1 {
            if count <= 32 {
                // Pairwise, without allocating: lists in a cell are short.
                let mut rest = text.split(delimiter);
                while let Some(a) = rest.next() {
                    if rest.clone().any(|b| b == a) {
                        return false;
                    }
                }
            } else {
                let mut seen = HashSet::with_capacity(count as usize);
                if !text.split(delimiter).all(|item| seen.insert(item)) {
                    return false;
                }
            }
        }
        true
    }
}

/// The JSON value [`Schema::cell_to_json`] makes of a cell, as a [`Cell`] (a boolean in the
/// column's declared spellings).
fn cell<'a>(col: &Column, text: &'a str) -> Cell<'a> {
    if text.is_empty() {
        return Cell::Null;
    }
    let parsed = match col.kind {
        Kind::String | Kind::Date => None,
        Kind::Integer => crate::schema::parse_integer(text).map(Cell::Int),
        Kind::Number => crate::schema::parse_number(text).map(Cell::Num),
        Kind::Boolean => col.booleans.read(text).map(|_| Cell::Bool),
        Kind::List(item) => Some(Cell::List(text, item)),
    };
    parsed.unwrap_or(Cell::Str(text))
}

/// The JSON value [`Item::to_json`] makes of one item of a list, as a [`Cell`]: an item is
/// never null (an empty item is an empty string).
fn item_cell(item: Item, text: &str) -> Cell<'_> {
    match item {
        Item::Integer => crate::schema::parse_integer(text).map_or(Cell::Str(text), Cell::Int),
        Item::String => Cell::Str(text),
    }
}

/// Compares a number cell with a bound, exactly (an `i64` is not rounded to `f64`).
fn compare(cell: Cell<'_>, l: Limit) -> Ordering {
    match (cell, l) {
        (Cell::Int(a), Limit::Int(b)) => a.cmp(&b),
        (Cell::Int(a), Limit::Float(b)) => compare_int_float(a, b),
        (Cell::Num(a), Limit::Int(b)) => compare_int_float(b, a).reverse(),
        (Cell::Num(a), Limit::Float(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => Ordering::Equal,
    }
}

/// `a` against `b`, exactly (`b` finite).
fn compare_int_float(a: i64, b: f64) -> Ordering {
    // 2^63: every finite f64 at or above it is above any i64, every one below -2^63 below.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if b >= TWO_63 {
        return Ordering::Less;
    }
    if b < -TWO_63 {
        return Ordering::Greater;
    }
    let whole = b.floor();
    // `whole` is an integer in i64 range: exact.
    match a.cmp(&(whole as i64)) {
        Ordering::Equal if b > whole => Ordering::Less,
        o => o,
    }
}

/// RFC 3339 `date-time`, as the JSON Schema validator reads it (`T` or `t`, seconds up to a
/// leap second at 23:59:60 UTC, an optional fraction, `Z` or an offset).
fn is_date_time(s: &str) -> bool {
    let Some(t) = s.bytes().position(|b| b == b'T' || b == b't') else {
        return false;
    };
    crate::schema::parse_date(&s[..t]).is_some() && is_time(&s.as_bytes()[t + 1..])
}

fn is_time(b: &[u8]) -> bool {
    let two = |i: usize| -> Option<i16> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| i16::from(x - b'0') * 10 + i16::from(y - b'0'))
    };
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (two(0), two(3), two(6)) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i == b.len() - 1 && (second != 60 || (hour == 23 && minute == 59)),
        Some(&sign @ (b'+' | b'-')) => {
            if b.len() - i != 6 || b[i + 3] != b':' {
                return false;
            }
            let (Some(oh), Some(om)) = (two(i + 1), two(i + 4)) else {
                return false;
            };
            if oh > 23 || om > 59 {
                return false;
            }
            if second != 60 {
                return true;
            }
            // A leap second is 23:59:60 in UTC.
            let offset = if sign == b'+' {
                oh * 60 + om
            } else {
                -(oh * 60 + om)
            };
            (hour * 60 + minute - offset).rem_euclid(24 * 60) == 23 * 60 + 59
        }
        _ => false,
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
        // The row object holds the schema's properties only (extra columns are the header
        // check's), so `additionalProperties` never applies and `required` only to absent
        // columns, which are ignored.
        let splittable = root
            .keys()
            .all(|k| k.starts_with("x-") || SPLITTABLE.contains(&k.as_str()))
            && root
                .get("type")
                .is_none_or(|t| type_set(t).is_some_and(|t| t & T_OBJECT != 0))
            && !has_ref(doc);
        if !splittable {
            return whole;
        }
        let draft = root
            .get("$schema")
            .cloned()
            .unwrap_or(Value::from("https://json-schema.org/draft/2020-12/schema"));
        // The native checks read keywords as draft 2020-12 does.
        let native_draft = draft
            .as_str()
            .is_some_and(|d| d.contains("/draft/2020-12/"));
        let mut columns = Vec::with_capacity(schema.columns.len());
        for c in &schema.columns {
            if let Some(check) = native_draft.then(|| Native::new(&c.schema)).flatten() {
                columns.push(ColumnCheck::Native(Box::new(check)));
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
            let ok = match check {
                ColumnCheck::Native(n) => {
                    let col = &schema.columns[i];
                    n.is_valid(cell(col, cells[i]), &col.delimiter)
                }
                ColumnCheck::Schema(v) => v.is_valid(&schema.cell_to_json(i, cells[i])),
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

    /// Whether a column is checked natively (not by its compiled sub-schema, nor whole).
    pub fn is_native(&self, column: usize) -> bool {
        matches!(
            self.columns.as_ref().and_then(|c| c.get(column)),
            Some(ColumnCheck::Native(_))
        )
    }

    /// Whether the split is in use (false: whole-row validation).
    pub fn is_split(&self) -> bool {
        self.columns.is_some()
    }
}

#[cfg(test)]
mod tests;
