//! Convenience columns of the typed exports. `"expand"` on a foreign key of a list column adds,
//! right after the list column, named columns of the row that the list's first (primary) item
//! references, typed and described as in the referenced schema (`{"field", "as"}` renames);
//! with `"aggregate"`, a column drawn from the rows of every item instead (`coarsest`: the
//! least precise value, `distinct`: a list of the values). The metadata's `claims` block adds
//! `<column>_low` and `<column>_high` after each column it bounds ([`super::bounds`]). The
//! canonical CSV stays as contributors edit it; Parquet, JSON, JSON Lines and GeoJSON are
//! written from the expanded rows.
//!
//! The referenced tables and the claims are read into memory once (they are small: places,
//! actors, claims); the table itself is streamed through [`ExpandReader`], which yields the
//! expanded CSV.

use super::bounds::{Bounds, ClaimsSource};
use crate::error::{Error, Result};
use crate::schema::rows::Rows;
use crate::schema::{Aggregate, Column, Expand, Kind, Schema};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

/// A referenced table, as the expansion needs it: its schema and its CSV bytes.
pub struct Referenced<'a> {
    pub schema: &'a Schema,
    pub csv: &'a [u8],
}

/// How one added column is filled from the referenced rows of a list cell; `at` is the
/// column's place in the cells a [`Step`] keeps for each key.
enum Fill {
    /// The field of the first (primary) item's row.
    First { at: usize },
    /// The last value in `rank` order among the items' non-blank values; with `spread`, at
    /// least its value when the items hold more than one distinct non-blank value at its place.
    Coarsest {
        at: usize,
        rank: Rank,
        spread: Option<(usize, String)>,
    },
    /// The items' non-blank values, in item order, without repeats, joined by `delimiter`.
    Distinct { at: usize, delimiter: String },
}

/// The order `coarsest` reads values in: a vocabulary's, or a number's.
enum Rank {
    Vocabulary(HashMap<String, usize>),
    Number,
}

impl Rank {
    fn of(c: &Column) -> Option<Rank> {
        match (&c.terms, c.kind) {
            (Some(t), _) => Some(Rank::Vocabulary(
                t.iter()
                    .enumerate()
                    .map(|(i, t)| (t.value.clone(), i))
                    .collect(),
            )),
            (None, Kind::Integer | Kind::Number) => Some(Rank::Number),
            _ => None,
        }
    }

    /// The value's place in the order (`None`: not a value of it).
    fn key(&self, v: &str) -> Option<f64> {
        match self {
            Rank::Vocabulary(m) => m.get(v).map(|&i| i as f64),
            Rank::Number => crate::schema::parse_number(v),
        }
    }
}

/// One list column's expansion: where its cells are, and the cells to add for each key.
struct Step {
    /// Index of the list column in the table.
    field: usize,
    delimiter: String,
    resource: String,
    /// Cells of the referenced columns the fills read, by referenced key.
    cells: HashMap<String, Vec<String>>,
    fills: Vec<Fill>,
    /// Whether a fill reads every item (so every item must be a key), not the first only.
    every_item: bool,
}

/// How a table's rows grow: the expanded schema and the lookups that fill it.
pub struct Expansion {
    /// The schema of the expanded rows (same `$id` as the table: the added columns are derived).
    pub schema: Schema,
    /// The expanded schema as a document, with its own `$id` (`<id>:expanded`), for bundles.
    pub document: Value,
    steps: Vec<Step>,
    bounds: Option<Bounds>,
}

/// Whether the schema asks for any convenience column.
pub fn wanted(schema: &Schema) -> bool {
    schema.foreign_keys.iter().any(|fk| !fk.expand.is_empty())
}

/// Added properties, by the index of the column they follow.
type Added = HashMap<usize, Vec<(String, Value)>>;

impl Expansion {
    /// The expansion of `schema`; `resolve` gives the referenced table of a resource name, and
    /// `claims`, when given, the claims whose bounds the rows carry. `None` when the schema
    /// declares no `expand` and no column gets bounds.
    pub fn new<'a>(
        schema: &Schema,
        mut resolve: impl FnMut(&str) -> Result<Referenced<'a>>,
        claims: Option<ClaimsSource<'_>>,
    ) -> Result<Option<Expansion>> {
        let bounds = match &claims {
            Some(c) => Bounds::new(schema, c)?,
            None => None,
        };
        if !wanted(schema) && bounds.is_none() {
            return Ok(None);
        }
        let props = schema
            .document
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut added = Added::new();
        let mut steps = Vec::new();
        for fk in schema
            .foreign_keys
            .iter()
            .filter(|fk| !fk.expand.is_empty())
        {
            let referenced = resolve(&fk.resource)?;
            steps.push(step(schema, fk, &referenced, &props, &mut added)?);
        }
        if let Some(b) = &bounds {
            for &c in b.columns() {
                for (name, prop) in b.properties(schema, c) {
                    if taken(&props, &added, &name) {
                        return Err(Error::Schema {
                            path: schema.path.clone(),
                            message: format!(
                                "the claims' bounds add a column {name:?}, but the table already has one"
                            ),
                        });
                    }
                    added.entry(c).or_default().push((name, prop));
                }
            }
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
            bounds,
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

/// One list column's expansion: checks each named field, adds its property to `added`, and
/// reads the referenced table's cells by key.
fn step(
    schema: &Schema,
    fk: &crate::schema::ForeignKey,
    referenced: &Referenced<'_>,
    props: &Map<String, Value>,
    added: &mut Added,
) -> Result<Step> {
    let fail = |message: String| Error::Schema {
        path: schema.path.clone(),
        message,
    };
    let list = &schema.columns[fk.field];
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
    let column = |field: &str| {
        rs.column_index(field).ok_or_else(|| {
            fail(format!(
                "\"expand\" of {:?} names {field:?}, which is not a column of {} ({})",
                list.name,
                fk.resource,
                rs.path.display()
            ))
        })
    };
    // The referenced columns the fills read, in the order of the cells kept for each key.
    let mut read: Vec<usize> = Vec::new();
    let mut place = |i: usize| match read.iter().position(|&r| r == i) {
        Some(at) => at,
        None => {
            read.push(i);
            read.len() - 1
        }
    };
    let mut fills = Vec::new();
    for e in &fk.expand {
        let i = column(&e.field)?;
        if taken(props, added, &e.name) {
            return Err(fail(format!(
                "\"expand\" of {:?} adds a column {:?}, but the table already has one: rename it with {{\"field\": {:?}, \"as\": NEW_NAME}}",
                list.name, e.name, e.field
            )));
        }
        let c = &rs.columns[i];
        let fill = match &e.aggregate {
            None => Fill::First { at: place(i) },
            Some(Aggregate::Distinct) if c.kind == Kind::String => Fill::Distinct {
                at: place(i),
                delimiter: list.delimiter.clone(),
            },
            Some(Aggregate::Distinct) => {
                return Err(fail(format!(
                "\"expand\" of {:?}: \"distinct\" makes a list of strings, and {} is a {} column",
                list.name,
                e.field,
                c.kind.name()
            )))
            }
            Some(Aggregate::Coarsest { spread }) => {
                let bad = |what: String| {
                    fail(format!(
                        "\"expand\" of {:?}: \"coarsest\" {what}",
                        list.name
                    ))
                };
                let rank = Rank::of(c).ok_or_else(|| {
                    bad(format!(
                        "needs a vocabulary or a number, and {} is neither",
                        e.field
                    ))
                })?;
                let spread = match spread {
                    None => None,
                    Some((s, v)) if rank.key(v).is_some() => Some((place(column(s)?), v.clone())),
                    Some((_, v)) => {
                        return Err(bad(format!(
                            "\"spread_value\" {v:?} is not a value of {}",
                            e.field
                        )))
                    }
                };
                Fill::Coarsest {
                    at: place(i),
                    rank,
                    spread,
                }
            }
        };
        fills.push(fill);
        let p = added_property(c, list, &fk.resource, e);
        added.entry(fk.field).or_default().push((e.name.clone(), p));
    }
    let mut cells = HashMap::new();
    let mut rows = Rows::new(rs, referenced.csv, &fk.resource)?;
    while let Some(r) = rows.next_row()? {
        let row: Vec<String> = read
            .iter()
            .map(|&c| r.get(c).unwrap_or("").to_string())
            .collect();
        cells.insert(r.get(key).unwrap_or("").to_string(), row);
    }
    Ok(Step {
        field: fk.field,
        delimiter: list.delimiter.clone(),
        resource: fk.resource.clone(),
        cells,
        fills,
        every_item: fk.expand.iter().any(|e| e.aggregate.is_some()),
    })
}

/// Whether the table, or a column added before, already has the name.
fn taken(props: &Map<String, Value>, added: &Added, name: &str) -> bool {
    props.contains_key(name) || added.values().flatten().any(|(n, _)| n == name)
}

/// The property of an added column, as its `aggregate` says how it is drawn.
fn added_property(c: &Column, list: &Column, resource: &str, e: &Expand) -> Value {
    let (field, l) = (&e.field, &list.name);
    match &e.aggregate {
        None => expanded_property(
            c,
            list,
            format!("From {resource}.{field} of the first (primary) item of {l}"),
            format!("Blank when {l} is blank or that {resource} row leaves {field} blank."),
        ),
        Some(Aggregate::Coarsest { spread }) => {
            let at_least = spread.as_ref().map_or(String::new(), |(s, v)| {
                format!(", and at least {v} when they lie in more than one {s}")
            });
            expanded_property(
                c,
                list,
                format!("The coarsest {resource}.{field} among the items of {l} (the last in its order){at_least}"),
                format!("Blank when {l} is blank or none of its {resource} rows gives {field}."),
            )
        }
        Some(Aggregate::Distinct) => list_property(c, list, resource, field),
    }
}

/// The property of an added column: the referenced one, described as derived (`from`), and
/// nullable (a row whose list is blank has no item), saying so in `blank`.
fn expanded_property(c: &Column, list: &Column, from: String, blank: String) -> Value {
    let mut p = c.schema.clone();
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

/// The property of a `distinct` column: a list whose items are the referenced column's values
/// (its vocabulary or pattern kept, its blank dropped).
fn list_property(c: &Column, list: &Column, resource: &str, field: &str) -> Value {
    let mut items = c.schema.clone();
    if let Some(o) = items.as_object_mut() {
        for k in ["description", "x-blank", "examples", "title", "x-role"] {
            o.remove(k);
        }
        o.insert("type".into(), Value::String("string".into()));
        for k in ["oneOf", "anyOf"] {
            if let Some(Value::Array(b)) = o.get_mut(k) {
                b.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
            }
        }
        if let Some(Value::Array(e)) = o.get_mut("enum") {
            e.retain(|v| !v.is_null());
        }
    }
    let l = &list.name;
    let from =
        format!("Every {resource}.{field} of the items of {l}, in their order, without repeats");
    let description = match &c.description {
        Some(d) => format!("{from}: {d}"),
        None => format!("{from}."),
    };
    let mut p = serde_json::json!({
        "type": "array",
        "x-delimiter": list.delimiter,
        "items": items,
        "description": description,
    });
    if let Some(o) = p.as_object_mut() {
        if list.nullable || c.nullable {
            let blank =
                format!("Blank when {l} is blank or none of its {resource} rows gives {field}.");
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
        let x = self.expansion;
        let cells: Vec<&str> = r.iter().collect();
        let bounds = x.bounds.as_ref().map(|b| b.row(&cells)).unwrap_or_default();
        let mut bounds = x
            .bounds
            .iter()
            .flat_map(|b| b.columns())
            .zip(bounds)
            .peekable();
        let mut steps = x.steps.iter().peekable();
        let mut unknown: Option<(String, &str)> = None;
        'cells: for (i, cell) in cells.iter().enumerate() {
            field(&mut self.buf, i == 0, cell);
            while let Some(s) = steps.next_if(|s| s.field == i) {
                if let Err(key) = s.write(cell, &mut self.buf) {
                    unknown = Some((key, &s.resource));
                    break 'cells;
                }
            }
            while let Some((_, (low, high))) = bounds.next_if(|(&c, _)| c == i) {
                for b in [low, high] {
                    field(
                        &mut self.buf,
                        false,
                        &b.map_or(String::new(), |n| n.to_string()),
                    );
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

impl Step {
    /// Writes the added cells of one list cell; `Err` gives an item that is not a key.
    fn write(&self, cell: &str, buf: &mut Vec<u8>) -> std::result::Result<(), String> {
        let mut items = cell
            .split(self.delimiter.as_str())
            .filter(|i| !i.is_empty());
        let lookup = |k: &str| self.cells.get(k).ok_or_else(|| k.to_string());
        let rows: Vec<&Vec<String>> = if self.every_item {
            items.map(lookup).collect::<std::result::Result<_, _>>()?
        } else {
            items.next().map(lookup).transpose()?.into_iter().collect()
        };
        for f in &self.fills {
            field(buf, false, &f.value(&rows));
        }
        Ok(())
    }
}

impl Fill {
    /// The cell of one row, from the referenced rows of its items (first item first).
    fn value(&self, rows: &[&Vec<String>]) -> String {
        match self {
            Fill::First { at } => rows.first().map(|r| r[*at].clone()).unwrap_or_default(),
            Fill::Distinct { at, delimiter } => {
                let mut seen: Vec<&str> = Vec::new();
                for r in rows {
                    let v = r[*at].as_str();
                    if !v.is_empty() && !seen.contains(&v) {
                        seen.push(v);
                    }
                }
                seen.join(delimiter)
            }
            Fill::Coarsest { at, rank, spread } => {
                let order = |a: &&str, b: &&str| {
                    rank.key(a)
                        .partial_cmp(&rank.key(b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                };
                let values = rows
                    .iter()
                    .map(|r| r[*at].as_str())
                    .filter(|v| !v.is_empty());
                let Some(best) = values.max_by(order) else {
                    return String::new();
                };
                let spread_over = |s: usize| {
                    let mut seen: Vec<&str> = rows.iter().map(|r| r[s].as_str()).collect();
                    seen.retain(|v| !v.is_empty());
                    seen.sort_unstable();
                    seen.dedup();
                    seen.len() > 1
                };
                match spread {
                    Some((s, v)) if spread_over(*s) => [best, v.as_str()]
                        .into_iter()
                        .max_by(order)
                        .unwrap_or(best)
                        .to_string(),
                    _ => best.to_string(),
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[[&str; 2]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    fn coarsest(spread: Option<(usize, &str)>) -> Fill {
        let rank = Rank::Vocabulary(
            [("1", 0), ("2", 1), ("3", 2)]
                .map(|(v, i)| (v.to_string(), i))
                .into(),
        );
        Fill::Coarsest {
            at: 0,
            rank,
            spread: spread.map(|(s, v)| (s, v.to_string())),
        }
    }

    #[test]
    fn coarsest_skips_blanks_and_rises_to_the_spread_value_across_provinces() {
        let value = |f: &Fill, r: &[[&str; 2]]| {
            let owned = rows(r);
            let refs: Vec<&Vec<String>> = owned.iter().collect();
            f.value(&refs)
        };
        let f = coarsest(Some((1, "3")));
        assert_eq!(value(&f, &[["1", "P"], ["2", "P"]]), "2");
        assert_eq!(value(&f, &[["1", "P"], ["1", "Q"]]), "3");
        // A blank province is no second province; a blank precision is skipped.
        assert_eq!(value(&f, &[["1", "P"], ["", ""]]), "1");
        assert_eq!(value(&f, &[["", "P"], ["", "Q"]]), "");
        assert_eq!(value(&f, &[]), "");
        // Without a spread, several provinces keep the coarsest precision.
        assert_eq!(value(&coarsest(None), &[["1", "P"], ["1", "Q"]]), "1");
        let d = Fill::Distinct {
            at: 1,
            delimiter: ";".into(),
        };
        assert_eq!(
            value(&d, &[["1", "AZ"], ["1", "AM"], ["2", "AZ"], ["3", ""]]),
            "AZ;AM"
        );
    }
}
