//! Convenience columns of the typed exports (`"expand"` on a foreign key of a list column): the
//! named columns of the row that the list's first (primary) item references, inserted right
//! after the list column, typed and described as in the referenced schema (`{"field", "as"}`
//! renames). The canonical CSV stays as contributors edit it; Parquet, JSON, JSON Lines and
//! GeoJSON are written from the expanded rows.
//!
//! The referenced tables are read into memory once (they are small: places, actors); the table
//! itself is streamed through [`ExpandReader`], which yields the expanded CSV.

use crate::error::{Error, Result};
use crate::schema::rows::Rows;
use crate::schema::{Expand, Schema};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

/// A referenced table, as the expansion needs it: its schema and its CSV bytes.
pub struct Referenced<'a> {
    pub schema: &'a Schema,
    pub csv: &'a [u8],
}

/// One list column's expansion: where its cells are, and the cells to add for each key.
struct Step {
    /// Index of the list column in the table.
    field: usize,
    delimiter: String,
    resource: String,
    /// Cells of the expanded columns, by referenced key.
    cells: HashMap<String, Vec<String>>,
    width: usize,
}

/// How a table's rows grow: the expanded schema and the lookups that fill it.
pub struct Expansion {
    /// The schema of the expanded rows (same `$id` as the table: the added columns are derived).
    pub schema: Schema,
    /// The expanded schema as a document, with its own `$id` (`<id>:expanded`), for bundles.
    pub document: Value,
    steps: Vec<Step>,
}

/// Whether the schema asks for any convenience column.
pub fn wanted(schema: &Schema) -> bool {
    schema.foreign_keys.iter().any(|fk| !fk.expand.is_empty())
}

impl Expansion {
    /// The expansion of `schema`; `resolve` gives the referenced table of a resource name.
    /// `None` when the schema declares no `expand`.
    pub fn new<'a>(
        schema: &Schema,
        mut resolve: impl FnMut(&str) -> Result<Referenced<'a>>,
    ) -> Result<Option<Expansion>> {
        if !wanted(schema) {
            return Ok(None);
        }
        let fail = |message: String| Error::Schema {
            path: schema.path.clone(),
            message,
        };
        let props = schema
            .document
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        // Added properties, by the index of the list column they follow.
        let mut added: HashMap<usize, Vec<(String, Value)>> = HashMap::new();
        let mut steps = Vec::new();
        for fk in schema
            .foreign_keys
            .iter()
            .filter(|fk| !fk.expand.is_empty())
        {
            let list = &schema.columns[fk.field];
            let referenced = resolve(&fk.resource)?;
            let rs = referenced.schema;
            let key = rs.column_index(&fk.reference_field).ok_or_else(|| {
                fail(format!(
                    "x-foreignKeys on {:?} references {}.{}, which {} does not have",
                    list.name,
                    fk.resource,
                    fk.reference_field,
                    rs.path.display()
                ))
            })?;
            let mut columns = Vec::new();
            for Expand { field, name } in &fk.expand {
                let i = rs.column_index(field).ok_or_else(|| {
                    fail(format!(
                        "\"expand\" of {:?} names {field:?}, which is not a column of {} ({})",
                        list.name,
                        fk.resource,
                        rs.path.display()
                    ))
                })?;
                let taken =
                    props.contains_key(name) || added.values().flatten().any(|(n, _)| n == name);
                if taken {
                    return Err(fail(format!(
                        "\"expand\" of {:?} adds a column {name:?}, but the table already has one: rename it with {{\"field\": {field:?}, \"as\": NEW_NAME}}",
                        list.name
                    )));
                }
                added.entry(fk.field).or_default().push((
                    name.clone(),
                    expanded_property(&rs.columns[i], list, &fk.resource, field),
                ));
                columns.push(i);
            }
            let mut cells = HashMap::new();
            let mut rows = Rows::new(rs, referenced.csv, &fk.resource)?;
            while let Some(r) = rows.next_row()? {
                let row: Vec<String> = columns
                    .iter()
                    .map(|&c| r.get(c).unwrap_or("").to_string())
                    .collect();
                cells.insert(r.get(key).unwrap_or("").to_string(), row);
            }
            steps.push(Step {
                field: fk.field,
                delimiter: list.delimiter.clone(),
                resource: fk.resource.clone(),
                cells,
                width: columns.len(),
            });
        }
        let mut new_props = Map::new();
        for (i, (name, prop)) in props.into_iter().enumerate() {
            new_props.insert(name, prop);
            for (n, p) in added.remove(&i).unwrap_or_default() {
                new_props.insert(n, p);
            }
        }
        let mut document = schema.document.clone();
        document["properties"] = Value::Object(new_props);
        let id = schema.id.clone();
        if let Some(id) = &id {
            document["$id"] = Value::String(format!("{id}:expanded"));
        }
        if let Some(t) = &schema.title {
            document["title"] = Value::String(format!("{t}, with convenience columns"));
        }
        let path = expanded_path(&schema.path);
        let mut expanded = Schema::from_value(&path, document.clone())?;
        expanded.id = id;
        steps.sort_by_key(|s| s.field);
        Ok(Some(Expansion {
            schema: expanded,
            document,
            steps,
        }))
    }

    /// The expanded CSV of a table's CSV source, streamed.
    pub fn reader<'e, R: Read>(
        &'e self,
        table: &Schema,
        source: R,
        name: &str,
    ) -> Result<ExpandReader<'e, R>> {
        let rows = Rows::new(table, source, name)?;
        let mut buf = Vec::new();
        for (i, c) in self.schema.column_names().enumerate() {
            field(&mut buf, i == 0, c);
        }
        buf.push(b'\n');
        Ok(ExpandReader {
            expansion: self,
            rows,
            buf,
            at: 0,
            failed: Default::default(),
        })
    }

    /// The expanded CSV of a table's CSV bytes, in memory (for bundles).
    pub fn expand_bytes(&self, table: &Schema, csv: &[u8], name: &str) -> Result<Vec<u8>> {
        let mut r = self.reader(table, csv, name)?;
        let failed = r.failure();
        let mut out = Vec::new();
        let read = r.read_to_end(&mut out);
        read.map_err(|e| {
            take_failure(&failed).unwrap_or_else(|| Error::Other(format!("{name}: {e}")))
        })?;
        Ok(out)
    }
}

/// `events.schema.json` → `events.expanded.schema.json`.
pub fn expanded_path(path: &std::path::Path) -> PathBuf {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file.strip_suffix(".schema.json").unwrap_or(&file);
    path.with_file_name(format!("{stem}.expanded.schema.json"))
}

/// The property of an added column: the referenced one, described as derived, and nullable
/// (a row whose list is blank has no primary item).
fn expanded_property(
    c: &crate::schema::Column,
    list: &crate::schema::Column,
    resource: &str,
    field: &str,
) -> Value {
    let mut p = c.schema.clone();
    let from = format!(
        "From {resource}.{field} of the first (primary) item of {}",
        list.name
    );
    let blank = format!(
        "Blank when {} is blank or that {resource} row leaves {field} blank.",
        list.name
    );
    let described = match &c.description {
        Some(d) => format!("{from}: {d}"),
        None => format!("{from}."),
    };
    if let Some(o) = p.as_object_mut() {
        o.insert("description".into(), Value::String(described));
        if list.nullable && !c.nullable {
            make_nullable(o, &blank);
        }
    }
    p
}

/// Lets a property hold null, as the referenced schema spells types and vocabularies.
fn make_nullable(o: &mut Map<String, Value>, blank: &str) {
    let null = Value::String("null".into());
    match o.get_mut("type") {
        Some(Value::String(t)) => {
            let t = Value::String(t.clone());
            o.insert("type".into(), Value::Array(vec![t, null.clone()]));
        }
        Some(Value::Array(a)) => a.push(null.clone()),
        _ => {}
    }
    if let Some(Value::Array(e)) = o.get_mut("enum") {
        e.push(Value::Null);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = o.get_mut(key) {
            branches.push(serde_json::json!({"type": "null", "description": blank}));
            return;
        }
    }
    o.insert("x-blank".into(), Value::String(blank.to_string()));
}

/// Appends one CSV field (quoted only when it must be: the rows are read back by
/// [`Rows`], never published).
fn field(buf: &mut Vec<u8>, first: bool, cell: &str) {
    if !first {
        buf.push(b',');
    }
    if cell.contains([',', '"', '\n', '\r']) {
        buf.push(b'"');
        buf.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
        buf.push(b'"');
    } else {
        buf.extend_from_slice(cell.as_bytes());
    }
}

/// The expanded CSV of a table, produced row by row as it is read.
pub struct ExpandReader<'e, R: Read> {
    expansion: &'e Expansion,
    rows: Rows<R>,
    /// The expanded CSV of the row being handed out.
    buf: Vec<u8>,
    /// Bytes of `buf` already handed out.
    at: usize,
    /// The error that ended the reading (kept typed; `read` can only return an I/O error).
    failed: Failure,
}

/// Where an [`ExpandReader`] leaves the typed error that ended it, for its caller to take back
/// once the reader has been consumed.
pub type Failure = std::sync::Arc<std::sync::Mutex<Option<Error>>>;

/// The error an [`ExpandReader`] stopped with, if any.
pub fn take_failure(f: &Failure) -> Option<Error> {
    f.lock().ok().and_then(|mut e| e.take())
}

impl<R: Read> ExpandReader<'_, R> {
    /// The slot the reader's typed error lands in.
    pub fn failure(&self) -> Failure {
        self.failed.clone()
    }

    /// Writes the next expanded row into the buffer; `false` at the end.
    fn fill(&mut self) -> Result<bool> {
        let Some(r) = self.rows.next_row()? else {
            return Ok(false);
        };
        let mut steps = self.expansion.steps.iter().peekable();
        let mut unknown: Option<(String, &str)> = None;
        'cells: for (i, cell) in r.iter().enumerate() {
            field(&mut self.buf, i == 0, cell);
            while let Some(s) = steps.next_if(|s| s.field == i) {
                let first = cell.split(s.delimiter.as_str()).next().unwrap_or("");
                if first.is_empty() {
                    for _ in 0..s.width {
                        field(&mut self.buf, false, "");
                    }
                } else if let Some(cells) = s.cells.get(first) {
                    for c in cells {
                        field(&mut self.buf, false, c);
                    }
                } else {
                    unknown = Some((first.to_string(), &s.resource));
                    break 'cells;
                }
            }
        }
        if let Some((key, resource)) = unknown {
            return Err(Error::Refused(format!(
                "{}:{}: {key:?} is not a key of {resource}: run `aabc validate` to see every such reference",
                self.rows.name(),
                self.rows.line(),
            )));
        }
        self.buf.push(b'\n');
        Ok(true)
    }
}

impl<R: Read> Read for ExpandReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.buf.len() {
            self.buf.clear();
            self.at = 0;
            match self.fill() {
                Ok(true) => {}
                Ok(false) => return Ok(0),
                Err(e) => {
                    let message = e.to_string();
                    if let Ok(mut slot) = self.failed.lock() {
                        *slot = Some(e);
                    }
                    return Err(std::io::Error::other(message));
                }
            }
        }
        let pending = &self.buf[self.at..];
        let n = pending.len().min(buf.len());
        buf[..n].copy_from_slice(&pending[..n]);
        self.at += n;
        Ok(n)
    }
}
