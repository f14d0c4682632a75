//! The one loader of a dataset's tables: for every resource of `dataset.json`, its name, its
//! row schema (compiled, and as the file's bytes), its canonical CSV bytes, and the convenience
//! columns of its typed exports ([`Expansion`]) resolved against the other tables (and the
//! claims table, for the bounds of release format 5). Release bundles, `aabc export`, `aabc
//! site`, the pictures and `aabc verify` all read tables through it, so a fault (a foreign key that expands from a table the dataset lacks, a table asked for
//! by a name it does not have) is refused with one message wherever it is met.
//!
//! A new table needs no Rust: declaring it in `dataset.json` with its schema is enough.

use crate::error::{Error, Result};
use crate::release::export::bounds::ClaimsSource;
use crate::release::export::expand::{Expansion, Referenced};
use crate::release::layout::typed::Derived;
use crate::schema::canonical::canonical_bytes;
use crate::schema::metadata::layouts::TypedColumns;
use crate::schema::metadata::{Claims, Dataset, Metadata, Resource};
use crate::schema::Schema;
use std::borrow::Cow;
use std::path::Path;

/// One table: what every writer of the release formats, the page and the pictures read.
pub struct Table {
    /// The resource name (a plain token: it names the table's files).
    pub name: String,
    pub schema: Schema,
    /// Canonical CSV bytes.
    pub csv: Vec<u8>,
    /// The schema's file name (bundles hold it as `schema/<schema_file>`).
    pub schema_file: String,
    /// The schema file as it is, copied into bundles byte for byte.
    pub schema_bytes: Vec<u8>,
    /// The convenience columns of the typed exports, when the schema declares `expand` or the
    /// metadata's claims give the table bounds.
    pub expansion: Option<Expansion>,
    /// The columns the metadata's `typed_columns` adds to the typed exports (format 6 on).
    pub derived: Option<Derived>,
}

impl Table {
    /// Whether a bundle has `<table>.geojson`: from release format 2 on, for a table whose
    /// (expanded) rows have a latitude and a longitude column.
    pub fn has_geojson(&self, meta: &Metadata) -> bool {
        meta.format().has_expansions()
            && crate::release::export::geojson::coordinates(self.typed_schema()).is_some()
    }

    /// `schema/<table>.expanded.schema.json`: the schema of the typed exports of a table with
    /// convenience columns, as a bundle names it.
    pub fn expanded_schema_file(&self) -> String {
        let path = crate::release::export::expand::expanded_path(Path::new(&self.schema_file));
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
        format!("schema/{}", file.unwrap_or_default())
    }

    /// Reads one resource of a dataset: its schema and its rows in canonical form.
    pub fn read(dataset: &Dataset, r: &Resource) -> Result<Table> {
        Table::with_rows(dataset, r, |schema| {
            canonical_bytes(schema, &dataset.data_path(r))
        })
    }

    /// One resource of a dataset with its schema and no rows (a header only): the shape that
    /// whatever a bundle derives from the schemas alone is built from, without the data.
    pub fn shape(dataset: &Dataset, r: &Resource) -> Result<Table> {
        Table::with_rows(dataset, r, header_only)
    }

    /// One resource of a dataset with its schema, and the CSV bytes `rows` gives for it.
    fn with_rows(
        dataset: &Dataset,
        r: &Resource,
        rows: impl FnOnce(&Schema) -> Result<Vec<u8>>,
    ) -> Result<Table> {
        let schema_path = dataset.schema_path(r);
        let schema = Schema::load(&schema_path)?;
        let csv = rows(&schema)?;
        let schema_bytes = std::fs::read(&schema_path).map_err(|e| Error::io(&schema_path, e))?;
        Ok(Table {
            name: r.name.clone(),
            schema_file: file_name(&r.schema),
            schema,
            csv,
            schema_bytes,
            expansion: None,
            derived: None,
        })
    }

    /// The table as a foreign key's `expand` reads it.
    pub fn referenced(&self) -> Referenced<'_> {
        Referenced {
            schema: &self.schema,
            csv: &self.csv,
        }
    }

    /// The schema of the typed exports: the expanded one when the table has convenience
    /// columns.
    pub fn typed_schema(&self) -> &Schema {
        match &self.derived {
            Some(d) => &d.schema,
            None => self.base_typed_schema(),
        }
    }

    /// The typed schema before the added columns of `typed_columns`.
    fn base_typed_schema(&self) -> &Schema {
        self.expansion.as_ref().map_or(&self.schema, |x| &x.schema)
    }

    /// The typed schema as a document, when it differs from the table's schema (a bundle writes
    /// it as `schema/<table>.expanded.schema.json`).
    pub fn typed_document(&self) -> Option<&serde_json::Value> {
        match (&self.derived, &self.expansion) {
            (Some(d), _) => Some(&d.document),
            (None, Some(x)) => Some(&x.document),
            (None, None) => None,
        }
    }

    /// The schema and CSV rows of the typed exports (expanded when the table has convenience
    /// columns; the canonical bytes otherwise).
    pub fn typed(&self) -> Result<(&Schema, Cow<'_, [u8]>)> {
        let (base, rows) = self.base_typed()?;
        Ok(match &self.derived {
            Some(d) => (&d.schema, Cow::Owned(d.apply(base, &rows, &self.name)?)),
            None => (base, rows),
        })
    }

    /// The typed rows before the added columns of `typed_columns`.
    fn base_typed(&self) -> Result<(&Schema, Cow<'_, [u8]>)> {
        Ok(match &self.expansion {
            Some(x) => (
                &x.schema,
                Cow::Owned(x.expand_bytes(&self.schema, &self.csv, &self.name)?),
            ),
            None => (&self.schema, Cow::Borrowed(self.csv.as_slice())),
        })
    }
}

/// The tables of a dataset (or of a bundle), in the order of its metadata.
pub struct Tables {
    list: Vec<Table>,
    /// Where the tables come from, for messages: "the dataset" or "the bundle".
    within: &'static str,
    /// The claims whose bounds the typed exports carry (release format 5 on).
    claims: Option<Claims>,
    /// The columns added to a table's typed exports (release format 6 on).
    typed_columns: Option<TypedColumns>,
}

impl Tables {
    /// Every table of the dataset, each with its expansion resolved against the others.
    pub fn load(dataset: &Dataset) -> Result<Tables> {
        Tables::each(dataset, Table::read)
    }

    /// Every table of the dataset without its rows ([`Table::shape`]), each with its expansion
    /// resolved against the others: `aabc validate` builds what a bundle derives from the
    /// schemas from these, so that a dataset that validates also releases.
    pub fn shapes(dataset: &Dataset) -> Result<Tables> {
        Tables::each(dataset, Table::shape)
    }

    /// Every table of the dataset as `read` makes it, each with its expansion resolved against
    /// the others.
    fn each(dataset: &Dataset, read: fn(&Dataset, &Resource) -> Result<Table>) -> Result<Tables> {
        let list = dataset
            .meta
            .resources
            .iter()
            .map(|r| read(dataset, r))
            .collect::<Result<Vec<_>>>()?;
        let meta = &dataset.meta;
        let mut tables = Tables {
            list,
            within: dataset.place(),
            claims: bounded_claims(dataset),
            typed_columns: meta
                .typed_columns
                .clone()
                .filter(|_| meta.format().has_layouts()),
        };
        tables.resolve()?;
        Ok(tables)
    }

    /// Only the tables whose columns the foreign keys of `schema` (the schema of table `name`)
    /// `expand` (without expansions of their own), and the claims table when it bounds
    /// `name`: what one table's typed export needs, without reading the others.
    pub fn referenced_by(dataset: &Dataset, name: &str, schema: &Schema) -> Result<Tables> {
        let within = dataset.place();
        let claims = bounded_claims(dataset);
        let mut list: Vec<Table> = Vec::new();
        for fk in schema.foreign_keys.iter().filter(|f| !f.expand.is_empty()) {
            if list.iter().any(|t| t.name == fk.resource) {
                continue;
            }
            let r = dataset
                .resource(&fk.resource)
                .ok_or_else(|| not_expandable(schema, &fk.resource, within))?;
            list.push(Table::read(dataset, r)?);
        }
        if let Some(c) = claims.as_ref().filter(|c| c.of == name) {
            if !list.iter().any(|t| t.name == c.table) {
                list.push(Table::read(dataset, dataset.table(&c.table)?)?);
            }
        }
        Ok(Tables {
            list,
            within,
            claims,
            typed_columns: None,
        })
    }

    /// The table named `name`.
    pub fn get(&self, name: &str) -> Result<&Table> {
        self.find(name).ok_or_else(|| Error::NotFound {
            what: "table",
            name: name.to_string(),
            within: self.within.to_string(),
        })
    }

    /// The table named `name`, if there is one.
    pub fn find(&self, name: &str) -> Option<&Table> {
        self.list.iter().find(|t| t.name == name)
    }

    /// The expansion of `schema` (the schema of table `name`), reading the tables its foreign
    /// keys expand from, and the claims that bound it, from here.
    pub fn expansion(&self, name: &str, schema: &Schema) -> Result<Option<Expansion>> {
        let claims = match self.claims.as_ref().filter(|c| c.of == name) {
            Some(c) => {
                let t = self.get(&c.table)?;
                Some(ClaimsSource {
                    claims: c,
                    schema: &t.schema,
                    csv: &t.csv,
                })
            }
            None => None,
        };
        let resolve = |r: &str| {
            self.find(r)
                .map(Table::referenced)
                .ok_or_else(|| not_expandable(schema, r, self.within))
        };
        Expansion::new(schema, resolve, claims)
    }

    /// Adds tables derived from these (a bundle's link tables) and resolves every expansion
    /// again, so that an `expand` may read them too.
    pub fn extend(&mut self, more: Vec<Table>) -> Result<()> {
        self.list.extend(more);
        self.resolve()
    }

    /// Drops every table's convenience columns (bundles of release format 1 have none).
    pub fn without_expansions(&mut self) {
        for t in &mut self.list {
            t.expansion = None;
            t.derived = None;
        }
    }

    /// Resolves the expansion of every table against the others.
    fn resolve(&mut self) -> Result<()> {
        let resolved = self
            .list
            .iter()
            .map(|t| self.expansion(&t.name, &t.schema))
            .collect::<Result<Vec<_>>>()?;
        for (t, x) in self.list.iter_mut().zip(resolved) {
            t.expansion = x;
            t.derived = None;
        }
        if let Some(tc) = &self.typed_columns {
            let t = self.get(&tc.table)?;
            let document = t.typed_document().unwrap_or(&t.schema.document);
            let derived = Derived::new(tc, t.base_typed_schema(), document, self)?;
            if let Some(t) = self.list.iter_mut().find(|t| t.name == tc.table) {
                t.derived = Some(derived);
            }
        }
        Ok(())
    }
}

impl std::ops::Deref for Tables {
    type Target = [Table];
    fn deref(&self) -> &[Table] {
        &self.list
    }
}

/// The claims block, when the dataset's bundles carry bounds (release format 5 on: older
/// bundles keep the bytes they were published with).
fn bounded_claims(dataset: &Dataset) -> Option<Claims> {
    let meta = &dataset.meta;
    meta.claims.clone().filter(|_| meta.format().has_evidence())
}

/// The CSV bytes of a table without rows: its header.
fn header_only(schema: &Schema) -> Result<Vec<u8>> {
    let mut csv = Vec::new();
    {
        let mut w = crate::table::writer(&mut csv);
        let werr = |e: csv::Error| Error::io(&schema.path, std::io::Error::other(e.to_string()));
        w.write_record(schema.columns.iter().map(|c| c.name.as_str()))
            .map_err(werr)?;
        w.flush().map_err(|e| Error::io(&schema.path, e))?;
    }
    Ok(csv)
}

/// A foreign key of `schema` expands columns of a table that is not there.
fn not_expandable(schema: &Schema, name: &str, within: &str) -> Error {
    Error::Schema {
        path: schema.path.clone(),
        message: format!(
            "a foreign key expands columns of {}, which is not a table of {within}",
            crate::table::text::shown(name)
        ),
    }
}

/// The last component of a path written in the metadata (`../schema/events.schema.json` →
/// `events.schema.json`).
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}
