//! The Frictionless Data Package descriptor (`datapackage.json`) of a release: one tabular
//! resource per table, whose Table Schema is derived from the row's JSON Schema (types,
//! constraints, vocabularies, descriptions, primary and foreign keys).

use crate::schema::metadata::Metadata;
use crate::schema::{Kind, Schema};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// A table as written in the bundle.
pub struct TableFile<'a> {
    pub name: &'a str,
    pub path: String,
    pub schema: &'a Schema,
    pub bytes: u64,
    pub sha256: String,
}

/// The Frictionless field descriptor of one column.
pub fn field(schema: &Schema, i: usize) -> Value {
    let c = &schema.columns[i];
    let mut f = Map::new();
    f.insert("name".into(), json!(c.name));
    let ty = match c.kind {
        Kind::String => "string",
        Kind::Integer => "integer",
        Kind::Number => "number",
        Kind::Boolean => "boolean",
        Kind::Date => "date",
        Kind::List(_) => "list",
    };
    f.insert("type".into(), json!(ty));
    if let Some(d) = &c.description {
        f.insert("description".into(), json!(d));
    }
    match c.kind {
        Kind::Boolean => {
            f.insert("trueValues".into(), json!(c.booleans.true_values));
            f.insert("falseValues".into(), json!(c.booleans.false_values));
        }
        Kind::List(item) => {
            f.insert("delimiter".into(), json!(c.delimiter));
            f.insert("itemType".into(), json!(item.kind().name()));
        }
        _ => {}
    }
    let mut k = Map::new();
    if !c.nullable {
        k.insert("required".into(), json!(true));
    }
    if schema.primary_key == [i] {
        k.insert("unique".into(), json!(true));
    }
    for key in ["minimum", "maximum", "minLength", "maxLength", "pattern"] {
        if let Some(v) = c.schema.get(key) {
            // Frictionless supports no constraint but `required` on a list column (the items are
            // checked through the link table's foreign key instead).
            if !c.kind.is_list() {
                k.insert(key.into(), v.clone());
            }
        }
    }
    if let Some(terms) = &c.terms {
        let values: Vec<&str> = terms.iter().map(|t| t.value.as_str()).collect();
        k.insert("enum".into(), json!(values));
    }
    if !k.is_empty() {
        f.insert("constraints".into(), Value::Object(k));
    }
    Value::Object(f)
}

/// The Table Schema of a table.
pub fn table_schema(schema: &Schema) -> Value {
    let fields: Vec<Value> = (0..schema.columns.len())
        .map(|i| field(schema, i))
        .collect();
    let mut t = Map::new();
    t.insert("fields".into(), json!(fields));
    t.insert("missingValues".into(), json!([""]));
    if !schema.primary_key.is_empty() {
        let pk: Vec<&str> = schema
            .primary_key
            .iter()
            .map(|&i| schema.columns[i].name.as_str())
            .collect();
        t.insert("primaryKey".into(), json!(pk));
    }
    Value::Object(t)
}

/// The foreign keys Frictionless can check: those on single-value columns. A key on a list
/// column is expressed by its link table instead (see [`crate::schema::ForeignKey::link`]).
pub fn foreign_keys(schema: &Schema) -> Vec<Value> {
    schema
        .foreign_keys
        .iter()
        .filter(|fk| !schema.columns[fk.field].kind.is_list())
        .map(|fk| {
            json!({
                "fields": schema.columns[fk.field].name,
                "reference": {"resource": fk.resource, "fields": fk.reference_field},
            })
        })
        .collect()
}

/// The whole descriptor of a release.
pub fn descriptor(meta: &Metadata, released: NaiveDate, tables: &[TableFile<'_>]) -> Value {
    let resources: Vec<Value> = tables
        .iter()
        .map(|t| {
            let mut schema = table_schema(t.schema);
            let fks = foreign_keys(t.schema);
            if !fks.is_empty() {
                schema["foreignKeys"] = json!(fks);
            }
            json!({
                "name": t.name,
                "path": t.path,
                "profile": "tabular-data-resource",
                "title": t.schema.title,
                "description": t.schema.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": t.bytes,
                "hash": format!("sha256:{}", t.sha256),
                "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": true, "header": true, "lineTerminator": "\n"},
                "schema": schema,
            })
        })
        .collect();
    let licenses: Vec<Value> = meta
        .licenses
        .iter()
        .map(|l| json!({"name": l.name, "path": l.path, "title": l.title}))
        .collect();
    let sources: Vec<Value> = meta
        .sources
        .iter()
        .map(|s| json!({"title": s.title, "path": s.path}))
        .collect();
    let contributors: Vec<Value> = meta
        .creators
        .iter()
        .map(|c| json!({"title": c.name, "role": "author"}))
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "version": meta.version,
        "created": format!("{released}T00:00:00Z"),
        "licenses": licenses,
        "sources": sources,
        "contributors": contributors,
        "keywords": meta.keywords,
        "resources": resources,
    })
}
