//! Link tables of a release bundle: for each list column whose foreign key names a `"link"`,
//! a table with one row per (row key, item) and foreign keys to both tables, so that SQL
//! engines and Frictionless can join on what the CSV keeps as a list. Derived from the tables
//! in memory; their names become file names, so they are held to the same plain tokens as
//! table names ([`crate::schema::metadata::file_token`]).

use crate::error::{Error, Result};
use crate::release::tables::{Table, Tables};
use crate::schema::rows::Rows;
use crate::schema::{Column, ForeignKey, Kind, Schema};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// Link tables of the foreign keys on list columns that declare one: one row per (row key,
/// item), with foreign keys to both tables, so that SQL engines and Frictionless can join.
/// When several list columns name the same link table, it gets a `role` column holding the
/// list column's name (`event_actors(event_id, role, actor_id)`). Its key columns are named
/// by [`key_names`].
pub fn link_tables(tables: &Tables) -> Result<Vec<Table>> {
    let mut out: Vec<Table> = Vec::new();
    for t in tables.iter() {
        // The foreign keys of each link table, in the order the schema names them.
        let mut links: Vec<(&str, Vec<&ForeignKey>)> = Vec::new();
        for fk in &t.schema.foreign_keys {
            let Some(link) = &fk.link else { continue };
            let col = &t.schema.columns[fk.field];
            if !col.kind.is_list() || t.schema.primary_key.len() != 1 {
                continue;
            }
            match links.iter_mut().find(|(l, _)| *l == link.as_str()) {
                Some((_, fks)) => fks.push(fk),
                None => links.push((link, vec![fk])),
            }
        }
        for (link, fks) in links {
            check_name(t, link, tables, &out)?;
            out.push(link_table(t, tables, link, &fks)?);
        }
    }
    Ok(out)
}

/// Refuses a link table name that is not a plain token (it names the files `<link>.csv`, …),
/// that another table or link table of the bundle has already (its files would be replaced),
/// or whose schema file, `schema/<link>.schema.json`, a table's schema file would replace.
fn check_name(t: &Table, link: &str, tables: &Tables, links: &[Table]) -> Result<()> {
    let fail = |why: String| Error::Schema {
        path: t.schema.path.clone(),
        message: format!(
            "the \"link\" of a foreign key is {}: {why}",
            crate::table::text::shown(link)
        ),
    };
    crate::schema::metadata::file_token(link)
        .map_err(|why| fail(format!("{why}; a link table's name makes its file names")))?;
    if tables.find(link).is_some() || links.iter().any(|l| l.name == link) {
        return Err(fail(
            "another table of the bundle has that name: give the link table a name of its own"
                .into(),
        ));
    }
    let file = format!("{link}.schema.json");
    if let Some(other) = tables.iter().find(|o| o.schema_file == file) {
        return Err(fail(format!(
            "the schema file of {} has the name of the link table's, {}: give the link table a name of its own",
            crate::table::text::shown(&other.name),
            crate::table::text::shown(&file)
        )));
    }
    Ok(())
}

/// Name of the column of a shared link table that says which list column a row comes from.
pub const ROLE: &str = "role";

/// The link table `link` of table `t`, from its foreign keys `fks` (all to one column).
fn link_table(t: &Table, tables: &Tables, link: &str, fks: &[&ForeignKey]) -> Result<Table> {
    let target = link_target(t, tables, link, fks)?;
    let lists: Vec<&str> = fks
        .iter()
        .map(|f| t.schema.columns[f.field].name.as_str())
        .collect();
    let pk = &t.schema.columns[t.schema.primary_key[0]];
    let names = key_names(t, link, pk, fks[0], target, lists.len() > 1)?;
    let (doc, key) = link_schema(t, link, fks[0], &lists, &names);
    let path = PathBuf::from(format!("{link}.schema.json"));
    let schema = Schema::from_value(&path, doc.clone())?;
    let kinds: Vec<Kind> = if lists.len() > 1 {
        vec![pk.kind, Kind::String, target.kind]
    } else {
        vec![pk.kind, target.kind]
    };
    let rows = link_rows(t, fks, &lists, &kinds)?;
    let mut csv = Vec::new();
    {
        let mut w = crate::table::writer(&mut csv);
        // Writing into memory fails only if a cell cannot be written at all.
        let werr = |e: csv::Error| Error::io(&path, std::io::Error::other(e.to_string()));
        w.write_record(&key).map_err(werr)?;
        for r in &rows {
            w.write_record(r).map_err(werr)?;
        }
        w.flush().map_err(|e| Error::io(&path, e))?;
    }
    Ok(Table {
        name: link.to_string(),
        schema,
        csv,
        schema_file: path.to_string_lossy().into_owned(),
        schema_bytes: crate::release::export::pretty(&doc),
        expansion: None,
        derived: None,
    })
}

/// The column every foreign key of a link table points to; refuses a link table named by
/// foreign keys to different tables or columns.
fn link_target<'a>(
    t: &Table,
    tables: &'a Tables,
    link: &str,
    fks: &[&ForeignKey],
) -> Result<&'a Column> {
    let fk = fks[0];
    if let Some(other) = fks
        .iter()
        .find(|f| f.resource != fk.resource || f.reference_field != fk.reference_field)
    {
        return Err(Error::Schema {
            path: t.schema.path.clone(),
            message: format!(
                "the link table {link:?} is named by foreign keys to {}.{} and to {}.{}: a link table joins one table to one other; give them separate \"link\" names",
                fk.resource, fk.reference_field, other.resource, other.reference_field
            ),
        });
    }
    let referenced = tables.get(&fk.resource)?;
    referenced
        .schema
        .column_index(&fk.reference_field)
        .map(|i| &referenced.schema.columns[i])
        .ok_or_else(|| Error::Schema {
            path: t.schema.path.clone(),
            message: format!(
                "the link table {link:?} joins {}.{}, which that table does not have",
                fk.resource, fk.reference_field
            ),
        })
}

/// The two key columns of a link table: the row's key and the item it lists.
pub struct KeyNames<'c> {
    /// The key column of the table with the list, and its name in the link table.
    pub row: (&'c Column, String),
    /// The column the list's items refer to, and its name in the link table.
    pub item: (&'c Column, String),
}

/// The names of a link table's key columns. They keep the names they have in their own tables
/// (`event_id`, `place_id`), so that a join needs no renaming; when those would be ambiguous
/// (the same name, as two tables keyed `id`, or `role` beside the role column) each is named
/// `<table>_<column>` after the table it comes from (`incidents_id`, `agencies_id`): the table
/// names are distinct, so the two are too, except in a link of a table to itself, which is
/// refused. Bundles that could be built before keep their column names and bytes.
pub fn key_names<'c>(
    t: &Table,
    link: &str,
    pk: &'c Column,
    fk: &ForeignKey,
    target: &'c Column,
    shared: bool,
) -> Result<KeyNames<'c>> {
    let ambiguous = |n: &str| shared && n == ROLE;
    if pk.name != target.name && !ambiguous(&pk.name) && !ambiguous(&target.name) {
        return Ok(KeyNames {
            row: (pk, pk.name.clone()),
            item: (target, target.name.clone()),
        });
    }
    let row = format!("{}_{}", t.name, pk.name);
    let item = format!("{}_{}", fk.resource, target.name);
    if row == item {
        return Err(Error::Schema {
            path: t.schema.path.clone(),
            message: format!(
                "the link table {} would join {} to itself, and both its key columns would be called {}: a link table joins two tables; drop its \"link\"",
                crate::table::text::shown(link),
                crate::table::text::shown(&t.name),
                crate::table::text::shown(&row)
            ),
        });
    }
    Ok(KeyNames {
        row: (pk, row),
        item: (target, item),
    })
}

/// The row schema of a link table (JSON Schema with the toolkit's keys) and its key columns:
/// the row's key, the `role` when several list columns share the table, and the item.
fn link_schema(
    t: &Table,
    link: &str,
    fk: &ForeignKey,
    lists: &[&str],
    names: &KeyNames<'_>,
) -> (Value, Vec<String>) {
    let ((pk, row), (target, item)) = (&names.row, &names.item);
    let shared = lists.len() > 1;
    let col_name = lists.join(", ");
    let mut props = Map::new();
    props.insert(row.clone(), pk.schema.clone());
    if shared {
        props.insert(
            ROLE.to_string(),
            json!({
                "description": format!("The column of {} that lists this {item}: one of {col_name}.", t.name),
                "type": "string",
                "enum": lists,
            }),
        );
    }
    props.insert(item.clone(), target.schema.clone());
    let key: Vec<String> = if shared {
        vec![row.clone(), ROLE.to_string(), item.clone()]
    } else {
        vec![row.clone(), item.clone()]
    };
    let description = if shared {
        format!(
            "One row per item of the list columns {col_name} of {}: the {row} of the row, the column ({ROLE}) and one {item} it lists. Derived from {} for tools that cannot join on a list column.",
            t.name, t.name
        )
    } else {
        format!(
            "One row per item of {}.{col_name}: the {row} of the row and one {item} it lists. Derived from {} for tools that cannot join on a list column.",
            t.name, t.name
        )
    };
    let doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{}:{link}", t.schema.id.clone().unwrap_or_else(|| t.name.clone())),
        "title": format!("Link of {}.{} to {}", t.name, col_name, fk.resource),
        "description": description,
        "type": "object",
        "properties": props,
        "required": key,
        "additionalProperties": false,
        "x-primaryKey": key,
        "x-sortKey": key,
        "x-foreignKeys": [
            {"fields": row, "reference": {"resource": t.name, "fields": pk.name}},
            {"fields": item, "reference": {"resource": fk.resource, "fields": target.name}},
        ],
    });
    (doc, key)
}

/// The rows of a link table in canonical order, without repeats: (row key, the list column
/// when several share the table, item).
fn link_rows(
    t: &Table,
    fks: &[&ForeignKey],
    lists: &[&str],
    kinds: &[Kind],
) -> Result<Vec<Vec<String>>> {
    let shared = lists.len() > 1;
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut rows = Rows::new(&t.schema, t.csv.as_slice(), &t.name)?;
    let pki = t.schema.primary_key[0];
    while let Some(r) = rows.next_row()? {
        for (f, list) in fks.iter().zip(lists) {
            let cell = r.get(f.field).unwrap_or("");
            if cell.is_empty() {
                continue;
            }
            let delimiter = t.schema.columns[f.field].delimiter.as_str();
            for item in cell.split(delimiter) {
                let mut row = vec![r.get(pki).unwrap_or("").to_string()];
                if shared {
                    row.push(list.to_string());
                }
                row.push(item.to_string());
                out.push(row);
            }
        }
    }
    out.sort_by(|a, b| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        crate::schema::compare_keys(kinds, &a, &b)
    });
    out.dedup();
    Ok(out)
}
