//! Arrow types derived from the row schema, and record batches built from CSV rows.
//!
//! integer → Int32 (or Int64 when the declared range needs it), number → Float64, boolean (in
//! its declared spellings) → Boolean, date → Date32, a string with a vocabulary → Dictionary(Int32, Utf8), other strings →
//! Utf8, array of strings → List(Utf8). Nullability follows the schema; each field carries the
//! column's description in its metadata.

use super::Rows;
use crate::error::Result;
use crate::schema::rows::bad_cell;
use crate::schema::{parse_integer, parse_number, Column, Kind, Schema, Spellings};
use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder,
    ListBuilder, StringBuilder, StringDictionaryBuilder,
};
use arrow::datatypes::{DataType, Field, Int32Type, Schema as ArrowSchema};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

/// Whether an integer column needs 64 bits, from its declared `minimum`/`maximum`.
fn needs_int64(c: &Column) -> bool {
    match c.bounds() {
        (Some(lo), Some(hi)) => lo < i32::MIN as f64 || hi > i32::MAX as f64,
        _ => true,
    }
}

pub fn data_type(c: &Column) -> DataType {
    match c.kind {
        Kind::String if c.terms.is_some() => {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        }
        Kind::String => DataType::Utf8,
        Kind::Integer if needs_int64(c) => DataType::Int64,
        Kind::Integer => DataType::Int32,
        Kind::Number => DataType::Float64,
        Kind::Boolean => DataType::Boolean,
        Kind::Date => DataType::Date32,
        Kind::StringList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, false))),
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

/// The full category set of every vocabulary column, in codebook order, as a JSON object
/// (`{"column": ["value", ...]}`); `None` when the table has no vocabulary. Stored as the
/// Parquet key-value `aabc:categories`, for readers that do not keep a Parquet dictionary as a
/// category set (polars: the README's `Enum` line reads it). The dictionaries themselves hold
/// the same sets ([`super::dictionary`]).
pub fn categories_json(schema: &Schema) -> Option<String> {
    let mut m = serde_json::Map::new();
    for c in &schema.columns {
        if let Some(terms) = &c.terms {
            let values: Vec<&str> = terms.iter().map(|t| t.value.as_str()).collect();
            m.insert(c.name.clone(), serde_json::json!(values));
        }
    }
    (!m.is_empty()).then(|| serde_json::Value::Object(m).to_string())
}

/// The Arrow schema of a table, with descriptions in field metadata; with `categories`, a
/// vocabulary field also carries its full category set (`categories`, a JSON array in codebook
/// order) and its dictionary is ordered when the schema says so (release format 2 on).
pub fn arrow_schema(schema: &Schema, categories: bool) -> ArrowSchema {
    let fields: Vec<Field> = schema
        .columns
        .iter()
        .map(|c| {
            let mut meta = HashMap::new();
            if let Some(d) = &c.description {
                meta.insert("description".to_string(), d.clone());
            }
            let mut field = Field::new(&c.name, data_type(c), c.nullable);
            if let (true, Some(terms)) = (categories, &c.terms) {
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
    List(ListBuilder<StringBuilder>, String),
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");

impl Builder {
    fn new(c: &Column, capacity: usize) -> Builder {
        match data_type(c) {
            DataType::Dictionary(..) => Builder::Dict(StringDictionaryBuilder::new()),
            DataType::Utf8 => Builder::Utf8(StringBuilder::with_capacity(capacity, capacity * 16)),
            DataType::Int32 => Builder::I32(Int32Builder::with_capacity(capacity)),
            DataType::Int64 => Builder::I64(Int64Builder::with_capacity(capacity)),
            DataType::Float64 => Builder::F64(Float64Builder::with_capacity(capacity)),
            DataType::Boolean => {
                Builder::Bool(BooleanBuilder::with_capacity(capacity), c.booleans.clone())
            }
            DataType::Date32 => Builder::Date(Date32Builder::with_capacity(capacity)),
            DataType::List(f) => Builder::List(
                ListBuilder::new(StringBuilder::new()).with_field(f),
                c.delimiter.clone(),
            ),
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
            Builder::List(b, _) if blank => b.append_null(),
            Builder::List(b, delim) => {
                for item in cell.split(delim.as_str()) {
                    b.values().append_value(item);
                }
                b.append(true);
            }
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
            Builder::List(b, _) => Arc::new(b.finish()),
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
        .map(|c| Builder::new(c, size))
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
