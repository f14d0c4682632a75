//! What a release derives from the schemas alone, built before any row is read, so that a
//! dataset that validates also releases: the convenience columns of every `expand` (and of the
//! claims' bounds), the link tables of the list columns that name one, the schema files a
//! bundle holds, and the columns the metadata's `summary`, `coverage.totals` and `site` name. A fault is refused as a schema fault naming its schema file, as `aabc
//! release` would refuse it, and as `aabc validate` refuses a schema it cannot read.

use crate::error::{Error, Result};
use crate::release::export::link::link_tables;
use crate::release::tables::{Table, Tables};
use crate::schema::metadata::Dataset;
use std::path::PathBuf;

/// Builds the derived tables and schema files of a bundle of `dataset` from its schemas, with
/// no rows, and refuses what a release would refuse (nothing, for a bundle's own dataset).
pub fn check(dataset: &Dataset) -> Result<()> {
    if dataset.is_bundle() {
        // A bundle is not released again: its link tables are tables of it already.
        return Ok(());
    }
    let mut tables = Tables::shapes(dataset)?;
    let links = link_tables(&tables)?;
    let own = tables.len();
    tables.extend(links)?;
    if !dataset.meta.format().has_expansions() {
        tables.without_expansions();
    }
    schema_files_differ(&tables[..own])?;
    metadata_columns(dataset, &tables)
}

/// Refuses a column named by the metadata's `summary` (the README's figures), `coverage.totals`
/// (from release format 2 on) or `site` (the bundle's pictures, from release format 3 on) that
/// its table lacks, by computing them from the tables without rows.
fn metadata_columns(dataset: &Dataset, tables: &Tables) -> Result<()> {
    let meta = &dataset.meta;
    if let Some(spec) = &meta.summary {
        if let Some(t) = tables.find(&spec.table) {
            crate::release::summary::counts(&t.schema, spec, &t.csv)?;
        }
    }
    if let Some(totals) = meta.coverage.totals.as_ref() {
        if meta.format().has_full_citation() {
            let t = tables.get(&totals.table)?;
            crate::release::coverage::compute(&t.schema, totals, t.csv.as_slice())?;
        }
    }
    if meta.format().has_site() {
        crate::release::site::svg::figures(meta, tables)?;
    }
    Ok(())
}

/// Refuses two different schema files of the dataset's tables that a bundle would hold under
/// one name (`schema/` keeps file names only; the link tables' names are checked where they
/// are made).
fn schema_files_differ(tables: &[Table]) -> Result<()> {
    let mut files: Vec<(String, Vec<u8>, &PathBuf)> = Vec::new();
    for t in tables.iter() {
        let mut own = vec![(format!("schema/{}", t.schema_file), t.schema_bytes.clone())];
        if let Some(x) = &t.expansion {
            own.push((
                t.expanded_schema_file(),
                crate::release::export::pretty(&x.document),
            ));
        }
        for (name, bytes) in own {
            if let Some((_, _, other)) = files.iter().find(|(n, b, _)| *n == name && *b != bytes) {
                return Err(Error::Schema {
                    path: t.schema.path.clone(),
                    message: format!(
                        "two files of the bundle would have this name, {}: this schema and {}; give the schema files names of their own",
                        crate::table::text::shown(&name),
                        crate::table::text::path(&crate::table::paths::display(other))
                    ),
                });
            }
            files.push((name, bytes, &t.schema.path));
        }
    }
    Ok(())
}
