//! Arrow types derived from the row schema, and record batches built from CSV rows.
//!
//! integer → Int32 (or Int64 when the declared range needs it), number → Float64, boolean (in
//! its declared spellings) → Boolean, date → Date32, a string with a vocabulary →
//! Dictionary(Int32, Utf8), other strings → Utf8, a list → List of its items' type (strings
//! Utf8, integers as integer columns are; items with a string vocabulary Dictionary(Int32,
//! Utf8) from release format 6, Utf8 before). Nullability follows the schema; each field
//! carries the column's description in its metadata.

use super::{Options, Rows};
use crate::error::Result;
use crate::schema::rows::bad_cell;
use crate::schema::{parse_integer, parse_number, Column, Item, Kind, Schema, Spellings, Term};
use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder,
    Int64Builder, ListBuilder, StringBuilder, StringDictionaryBuilder,
};
use arrow::datatypes::{DataType, Field, FieldRef, Int32Type, Schema as ArrowSchema};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

/// The integer type of values bounded by `minimum`/`maximum` in `schema` (a column's, or its
/// items'): Int32 when the declared range fits, Int64 otherwise.
fn integer_type(schema: &serde_json::Value) -> DataType {
    let get = |k: &str| schema.get(k).and_then(serde_json::Value::as_f64);
    match (get("minimum"), get("maximum")) {
        (Some(lo), Some(hi)) if lo >= i32::MIN as f64 && hi <= i32::MAX as f64 => DataType::Int32,
        _ => DataType::Int64,
    }
}

/// The dictionary type of a string vocabulary, for columns and list items alike.
fn dictionary_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// The Arrow type of a column. `list_dictionaries` (release format 6 on, and `aabc export`):
/// the items of a list with a string vocabulary are dictionary-encoded, as a vocabulary
/// column is, so that readers see them as categories.
pub fn data_type(c: &Column, list_dictionaries: bool) -> DataType {
    match c.kind {
        Kind::String if c.terms.is_some() => dictionary_type(),
        Kind::String => DataType::Utf8,
        Kind::Integer => integer_type(&c.schema),
        Kind::Number => DataType::Float64,
        Kind::Boolean => DataType::Boolean,
        Kind::Date => DataType::Date32,
        Kind::List(item) => {
            let items = match item {
                Item::String if list_dictionaries && c.item_terms.is_some() => dictionary_type(),
                Item::String => DataType::Utf8,
                Item::Integer => {
                    integer_type(c.schema.get("items").unwrap_or(&serde_json::Value::Null))
                }
            };
            DataType::List(Arc::new(Field::new("item", items, false)))
        }
    }
}

/// Whether a vocabulary's values are ordered (`"x-ordered": true` on the property: `day` <
/// `month` < `year`), which makes its Arrow dictionary ordered.
pub fn ordered(c: &Column) -> bool {
    c.terms.is_some()
        && c.schema
            .get("x-ordered")
            .and_then(serde_json::Value::as_bool)
            == Some(true)
}

/// The vocabulary an exported column carries as its category set: a vocabulary column's, or,
/// with `list_dictionaries`, the items' of a list of strings (whose items are then a
/// dictionary: see [`data_type`]).
pub fn category_terms(c: &Column, list_dictionaries: bool) -> Option<&[Term]> {
    match c.kind {
        Kind::List(Item::String) if list_dictionaries => c.item_terms.as_deref(),
        Kind::List(_) => None,
        _ => c.terms.as_deref(),
    }
}

/// The full category set of every vocabulary column (and, with `list_dictionaries`, of every
/// list of strings with a vocabulary), in codebook order, as a JSON object (`{"column":
/// ["value", ...]}`); `None` when the table has no vocabulary. Stored as the Parquet key-value
/// `aabc:categories`, for readers that do not keep a Parquet dictionary as a category set
/// (polars: the README's `Enum` line reads it). The dictionaries themselves hold the same sets
/// ([`super::dictionary`]).
pub fn categories_json(schema: &Schema, list_dictionaries: bool) -> Option<String> {
    let mut m = serde_json::Map::new();
    for c in &schema.columns {
        if let Some(terms) = category_terms(c, list_dictionaries) {
            let values: Vec<&str> = terms.iter().map(|t| t.value.as_str()).collect();
            m.insert(c.name.clone(), serde_json::json!(values));
        }
    }
    (!m.is_empty()).then(|| serde_json::Value::Object(m).to_string())
}

/// The Arrow schema of a table, with descriptions in field metadata; with
/// [`Options::categories`], a vocabulary field also carries its full category set
/// (`categories`, a JSON array in codebook order) and its dictionary is ordered when the schema
/// says so (release format 2 on). The types follow [`data_type`].
pub fn arrow_schema(schema: &Schema, options: &Options) -> ArrowSchema {
    let categories = options.categories;
    let fields: Vec<Field> = schema
        .columns
        .iter()
        .map(|c| {
            let mut meta = HashMap::new();
            if let Some(d) = &c.description {
                meta.insert("description".to_string(), d.clone());
            }
            let ty = data_type(c, options.list_dictionaries);
            let mut field = Field::new(&c.name, ty, c.nullable);
            let terms = category_terms(c, options.list_dictionaries);
            if let (true, Some(terms)) = (categories, terms) {
                let values: Vec<&str> = terms.iter().map(|t| t.value.as_str()).collect();
                meta.insert(
                    "categories".to_string(),
                    serde_json::json!(values).to_string(),
                );
                field = field.with_dict_is_ordered(ordered(c));
            }
            field.with_metadata(meta)
        })
        .collect();
    ArrowSchema::new(fields)
}

enum Builder {
    Dict(StringDictionaryBuilder<Int32Type>),
    Utf8(StringBuilder),
    I32(Int32Builder),
    I64(Int64Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder, Spellings),
    Date(Date32Builder),
    /// A list column: its items' builder, and the delimiter that splits a cell.
    List(List, String),
}

/// The builder of a list column, by the Arrow type of its items.
enum List {
    Utf8(ListBuilder<StringBuilder>),
    Dict(ListBuilder<StringDictionaryBuilder<Int32Type>>),
    I32(ListBuilder<Int32Builder>),
    I64(ListBuilder<Int64Builder>),
}

impl List {
    fn new(items: &FieldRef) -> List {
        let f = items.clone();
        match items.data_type() {
            DataType::Dictionary(..) => {
                List::Dict(ListBuilder::new(StringDictionaryBuilder::new()).with_field(f))
            }
            DataType::Int32 => List::I32(ListBuilder::new(Int32Builder::new()).with_field(f)),
            DataType::Int64 => List::I64(ListBuilder::new(Int64Builder::new()).with_field(f)),
            _ => List::Utf8(ListBuilder::new(StringBuilder::new()).with_field(f)),
        }
    }

    /// Appends one cell's items; `Err` names what the cell is not.
    fn append(&mut self, cell: &str, delimiter: &str) -> std::result::Result<(), &'static str> {
        let not = "list of integers";
        match self {
            List::Utf8(b) => items(b, cell, delimiter, |v, i| {
                v.append_value(i);
                Ok(())
            }),
            List::Dict(b) => items(b, cell, delimiter, |v, i| {
                v.append_value(i);
                Ok(())
            }),
            List::I32(b) => items(b, cell, delimiter, |v, i| {
                let n = parse_integer(i).and_then(|n| i32::try_from(n).ok());
                v.append_value(n.ok_or(not)?);
                Ok(())
            }),
            List::I64(b) => items(b, cell, delimiter, |v, i| {
                v.append_value(parse_integer(i).ok_or(not)?);
                Ok(())
            }),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            List::Utf8(b) => Arc::new(b.finish()),
            List::Dict(b) => Arc::new(b.finish()),
            List::I32(b) => Arc::new(b.finish()),
            List::I64(b) => Arc::new(b.finish()),
        }
    }
}

/// Appends a list cell (blank: null) item by item with `push`.
fn items<B: ArrayBuilder>(
    b: &mut ListBuilder<B>,
    cell: &str,
    delimiter: &str,
    mut push: impl FnMut(&mut B, &str) -> std::result::Result<(), &'static str>,
) -> std::result::Result<(), &'static str> {
    if cell.is_empty() {
        b.append_null();
        return Ok(());
    }
    for item in cell.split(delimiter) {
        push(b.values(), item)?;
    }
    b.append(true);
    Ok(())
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");

impl Builder {
    /// The builder of column `c`, whose Arrow field is `field`.
    fn new(c: &Column, field: &Field, capacity: usize) -> Builder {
        match field.data_type() {
            DataType::Dictionary(..) => Builder::Dict(StringDictionaryBuilder::new()),
            DataType::Utf8 => Builder::Utf8(StringBuilder::with_capacity(capacity, capacity * 16)),
            DataType::Int32 => Builder::I32(Int32Builder::with_capacity(capacity)),
            DataType::Int64 => Builder::I64(Int64Builder::with_capacity(capacity)),
            DataType::Float64 => Builder::F64(Float64Builder::with_capacity(capacity)),
            DataType::Boolean => {
                Builder::Bool(BooleanBuilder::with_capacity(capacity), c.booleans.clone())
            }
            DataType::Date32 => Builder::Date(Date32Builder::with_capacity(capacity)),
            DataType::List(f) => Builder::List(List::new(f), c.delimiter.clone()),
            other => unreachable!("no builder for {other}"),
        }
    }

    /// Appends one cell; `Err(kind)` when it does not parse as the column's type.
    fn append(&mut self, cell: &str) -> std::result::Result<(), &'static str> {
        let blank = cell.is_empty();
        match self {
            Builder::Dict(b) if blank => b.append_null(),
            Builder::Dict(b) => {
                b.append_value(cell);
            }
            Builder::Utf8(b) if blank => b.append_null(),
            Builder::Utf8(b) => b.append_value(cell),
            Builder::I32(b) if blank => b.append_null(),
            Builder::I32(b) => b.append_value(
                parse_integer(cell)
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or("integer")?,
            ),
            Builder::I64(b) if blank => b.append_null(),
            Builder::I64(b) => b.append_value(parse_integer(cell).ok_or("integer")?),
            Builder::F64(b) if blank => b.append_null(),
            Builder::F64(b) => b.append_value(parse_number(cell).ok_or("number")?),
            Builder::Bool(b, _) if blank => b.append_null(),
            Builder::Bool(b, spellings) => b.append_value(spellings.read(cell).ok_or("boolean")?),
            Builder::Date(b) if blank => b.append_null(),
            Builder::Date(b) => {
                let d = crate::schema::parse_date(cell).ok_or("date")?;
                b.append_value((d - EPOCH).num_days() as i32)
            }
            Builder::List(b, delimiter) => b.append(cell, delimiter)?,
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Dict(b) => Arc::new(b.finish()),
            Builder::Utf8(b) => Arc::new(b.finish()),
            Builder::I32(b) => Arc::new(b.finish()),
            Builder::I64(b) => Arc::new(b.finish()),
            Builder::F64(b) => Arc::new(b.finish()),
            Builder::Bool(b, _) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::List(b, _) => b.finish(),
        }
    }
}

/// Reads up to `size` rows into one record batch; `None` when the source is exhausted.
pub fn next_batch<R: Read>(
    schema: &Schema,
    arrow_schema: &Arc<ArrowSchema>,
    rows: &mut Rows<R>,
    size: usize,
) -> Result<Option<RecordBatch>> {
    let mut builders: Vec<Builder> = schema
        .columns
        .iter()
        .zip(arrow_schema.fields())
        .map(|(c, f)| Builder::new(c, f, size))
        .collect();
    let mut n = 0;
    let mut bad: Option<(usize, String, &'static str)> = None;
    while n < size {
        let Some(r) = rows.next_cells()? else { break };
        for (i, b) in builders.iter_mut().enumerate() {
            let cell = r.get(i).unwrap_or("");
            if let Err(kind) = b.append(cell) {
                bad = Some((i, cell.to_string(), kind));
                break;
            }
        }
        if let Some((i, cell, kind)) = bad {
            return Err(bad_cell(
                rows.name(),
                rows.line(),
                &schema.columns[i].name,
                &cell,
                kind,
            ));
        }
        n += 1;
    }
    if n == 0 {
        return Ok(None);
    }
    let arrays: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
    RecordBatch::try_new(arrow_schema.clone(), arrays)
        .map(Some)
        .map_err(|e| {
            crate::Error::Other(format!("{}: cannot build a record batch: {e}", rows.name()))
        })
}
