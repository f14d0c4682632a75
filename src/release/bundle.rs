//! Release bundles: `dist/<name>-<version>/` and `dist/<name>-<version>.zip`, holding every
//! table as canonical CSV, Parquet, JSON and JSON Lines, the schemas, the metadata, a
//! Frictionless descriptor, the citation, a README with the codebook, the changelog, from
//! release format 3 the dataset's page (`site/`), and `SHA256SUMS`.
//!
//! Bytes are reproducible: nothing depends on the clock (the release date comes from the
//! changelog), files and keys are written in a fixed order, and the archive has fixed times and
//! permissions. A bundle is built in a temporary directory beside the target and renamed into
//! place, so a failure leaves no partial bundle; an existing bundle of the same version is never
//! overwritten unless the new bytes are identical.

use crate::error::{Error, Result};
use crate::release::checksum::{sha256_file, sha256_hex, sums_text};
use crate::release::export::datapackage::{self, TableFile};
use crate::release::export::expand::{Expansion, Referenced};
use crate::release::export::{self, Format, Provenance};
use crate::schema::canonical::canonical_bytes;
use crate::schema::metadata::{Dataset, Metadata, Resource};
use crate::schema::rows::Rows;
use crate::schema::{Kind, Schema};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// Name of the checksum file of a bundle.
pub const SUMS: &str = "SHA256SUMS";
/// Formats every table is written in, besides CSV.
pub const FORMATS: [Format; 3] = [Format::Parquet, Format::Json, Format::Jsonl];

/// What `build` did with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// A new bundle was written.
    Created,
    /// A bundle of this version existed with identical bytes; nothing was changed.
    Identical,
}

/// A built bundle.
#[derive(Debug, Clone)]
pub struct Built {
    pub name: String,
    pub dir: PathBuf,
    pub zip: PathBuf,
    pub placed: Placed,
    /// Relative path and size of every file of the bundle, sorted by path.
    pub files: Vec<(String, u64)>,
    pub zip_sha256: String,
    pub zip_bytes: u64,
}

/// Inputs of a release besides the dataset.
pub struct Inputs<'a> {
    pub dataset: &'a Dataset,
    pub changelog: &'a Path,
    /// Licence text of the data, copied into the bundle when present.
    pub license: Option<&'a Path>,
}

/// Name of the bundle of a dataset version: `<name>-<version>`.
pub fn bundle_name(meta: &Metadata) -> String {
    format!("{}-{}", meta.name, meta.version)
}

/// Builds the bundle of the dataset's current version under `dist`.
pub fn build(inputs: &Inputs<'_>, dist: &Path) -> Result<Built> {
    let meta = &inputs.dataset.meta;
    let name = bundle_name(meta);
    std::fs::create_dir_all(dist).map_err(|e| Error::io(dist, e))?;
    let dir = dist.join(&name);
    let zip = dist.join(format!("{name}.zip"));
    // Named with this process id; stale ones of killed runs are removed first.
    let tmp = crate::table::atomic::temp_dir_in(dist, &name)?;
    let staged = tmp.path().join(&name);
    std::fs::create_dir(&staged).map_err(|e| Error::io(&staged, e))?;
    let files = write_bundle(inputs, &staged)?;
    let staged_zip = tmp.path().join(format!("{name}.zip"));
    write_zip(&staged, &name, &files, &staged_zip)?;

    // Compare with what is already there; never overwrite different bytes.
    let placed = if dir.exists() || zip.exists() {
        let same_dir = !dir.exists() || same_tree(&staged, &dir, &files)?;
        let same_zip = !zip.exists()
            || std::fs::read(&zip).map_err(|e| Error::io(&zip, e))?
                == std::fs::read(&staged_zip).map_err(|e| Error::io(&staged_zip, e))?;
        if !(same_dir && same_zip) {
            return Err(Error::Refused(format!(
                "{} already exists with different bytes: a published version is immutable. Bump the version in the metadata file (and add its dated CHANGELOG section), or remove the old bundle if it was never published",
                if same_dir { zip.display() } else { dir.display() }
            )));
        }
        if !dir.exists() {
            rename(&staged, &dir)?;
        }
        if !zip.exists() {
            rename(&staged_zip, &zip)?;
        }
        Placed::Identical
    } else {
        rename(&staged, &dir)?;
        rename(&staged_zip, &zip)?;
        Placed::Created
    };
    let mut listed = Vec::new();
    for f in &files {
        let p = dir.join(f);
        let len = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?.len();
        listed.push((f.clone(), len));
    }
    Ok(Built {
        name,
        dir,
        zip_sha256: sha256_file(&zip)?,
        zip_bytes: std::fs::metadata(&zip)
            .map_err(|e| Error::io(&zip, e))?
            .len(),
        zip,
        placed,
        files: listed,
    })
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io(to, e))
}

fn same_tree(a: &Path, b: &Path, files: &[String]) -> Result<bool> {
    let mut existing = Vec::new();
    list_files(b, b, &mut existing)?;
    existing.sort();
    if existing != files {
        return Ok(false);
    }
    for f in files {
        let x = std::fs::read(a.join(f)).map_err(|e| Error::io(a.join(f), e))?;
        let y = std::fs::read(b.join(f)).map_err(|e| Error::io(b.join(f), e))?;
        if x != y {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Relative paths (with `/`) of every file under `dir`.
pub fn list_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let e = e.map_err(|e| Error::io(dir, e))?;
        let p = e.path();
        if e.file_type().map_err(|e| Error::io(&p, e))?.is_dir() {
            list_files(base, &p, out)?;
        } else {
            let rel = p.strip_prefix(base).expect("under base");
            out.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}

/// A table of the bundle: its resource name, schema, canonical CSV bytes and schema file name.
struct Table {
    name: String,
    schema: Schema,
    csv: Vec<u8>,
    schema_file: String,
    schema_bytes: Vec<u8>,
    /// The convenience columns of its typed exports (release format 2 on, when the schema
    /// declares `expand`).
    expanded: Option<Expansion>,
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// Writes every file of the bundle into `dir`; returns their relative paths, sorted.
fn write_bundle(inputs: &Inputs<'_>, dir: &Path) -> Result<Vec<String>> {
    let meta = &inputs.dataset.meta;
    let released = crate::release::changelog::release_date(inputs.changelog, &meta.version)?;
    let mut tables = load_tables(inputs.dataset)?;
    let links = link_tables(&tables)?;
    tables.extend(links);
    if meta.release_format() >= 2 {
        let expanded = tables
            .iter()
            .map(|t| expansion(t, &tables))
            .collect::<Result<Vec<_>>>()?;
        for (t, x) in tables.iter_mut().zip(expanded) {
            t.expanded = x;
        }
    }
    let mut out = BundleDir {
        dir,
        files: Vec::new(),
    };
    let mut resources = Vec::new();
    for t in &tables {
        resources.push(write_table(&mut out, meta, t)?);
    }
    write_metadata(&mut out, inputs.dataset, resources, released, &tables)?;
    write_documents(&mut out, inputs, released, &tables)?;
    if meta.release_format() >= 3 {
        write_pictures(&mut out, meta, &tables)?;
    }
    write_site(&mut out, meta, released, &tables)?;
    write_sums(&mut out)?;
    out.files.sort();
    Ok(out.files)
}

/// Every table of the dataset in canonical form, with its schema.
fn load_tables(dataset: &Dataset) -> Result<Vec<Table>> {
    let mut tables = Vec::new();
    for r in &dataset.meta.resources {
        let schema_path = dataset.schema_path(r);
        let schema = Schema::load(&schema_path)?;
        let csv = canonical_bytes(&schema, &dataset.data_path(r))?;
        let schema_bytes = std::fs::read(&schema_path).map_err(|e| Error::io(&schema_path, e))?;
        tables.push(Table {
            name: r.name.clone(),
            schema,
            csv,
            schema_file: file_name(&r.schema),
            schema_bytes,
            expanded: None,
        });
    }
    Ok(tables)
}

/// The bundle's folder while it is written, and the files written to it.
struct BundleDir<'d> {
    dir: &'d Path,
    files: Vec<String>,
}

impl BundleDir<'_> {
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let p = self.dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| crate::table::atomic::io_error(&p, e))?;
        self.files.push(rel.to_string());
        Ok(())
    }
}

/// One table in every format, and its schema; returns its entry in the bundle's metadata.
/// From release format 2 on, the typed formats carry the convenience columns of the table's
/// `expand` (with their schema in `schema/<table>.expanded.schema.json`), the Parquet files
/// their full category sets, and a table with coordinates also comes as GeoJSON.
fn write_table(out: &mut BundleDir<'_>, meta: &Metadata, t: &Table) -> Result<Resource> {
    let format2 = meta.release_format() >= 2;
    out.put(&format!("{}.csv", t.name), &t.csv)?;
    let options = export::Options {
        provenance: Provenance {
            dataset: Some(meta.name.clone()),
            version: Some(meta.version.clone()),
            source_sha256: Some(sha256_hex(&t.csv)),
        },
        zstd_level: export::RELEASE_ZSTD_LEVEL,
        hash_source: false,
        adaptive_dictionary: false,
        categories: format2,
    };
    let expanded;
    let (schema, typed) = match &t.expanded {
        Some(x) => {
            expanded = x.expand_bytes(&t.schema, &t.csv, &t.name)?;
            (&x.schema, expanded.as_slice())
        }
        None => (&t.schema, t.csv.as_slice()),
    };
    let geo = has_geojson(meta, t);
    let formats = FORMATS.into_iter().chain(geo.then_some(Format::Geojson));
    for f in formats {
        let mut bytes = Vec::new();
        export::export(schema, typed, &t.name, f, &options, &mut bytes)?;
        out.put(&format!("{}.{}", t.name, f.extension()), &bytes)?;
    }
    out.put(&format!("schema/{}", t.schema_file), &t.schema_bytes)?;
    if let Some(x) = &t.expanded {
        out.put(&expanded_schema_file(t), &pretty(&x.document))?;
    }
    Ok(Resource {
        name: t.name.clone(),
        path: format!("{}.csv", t.name),
        schema: format!("schema/{}", t.schema_file),
    })
}

/// The expansion of a table's typed exports, reading the tables it references.
fn expansion(t: &Table, tables: &[Table]) -> Result<Option<Expansion>> {
    Expansion::new(&t.schema, |name| {
        tables
            .iter()
            .find(|r| r.name == name)
            .map(|r| Referenced {
                schema: &r.schema,
                csv: &r.csv,
            })
            .ok_or_else(|| Error::Schema {
                path: t.schema.path.clone(),
                message: format!(
                    "a foreign key expands columns of {name:?}, which is not a table of the dataset"
                ),
            })
    })
}

/// Whether the bundle has `<table>.geojson`: from release format 2 on, for a table whose
/// (expanded) rows have a latitude and a longitude column.
fn has_geojson(meta: &Metadata, t: &Table) -> bool {
    let schema = t.expanded.as_ref().map_or(&t.schema, |x| &x.schema);
    meta.release_format() >= 2 && export::geojson::coordinates(schema).is_some()
}

/// `schema/<table>.expanded.schema.json`: the schema of the typed exports of a table with
/// convenience columns.
fn expanded_schema_file(t: &Table) -> String {
    let path = export::expand::expanded_path(Path::new(&t.schema_file));
    format!("schema/{}", file_name(&path.to_string_lossy()))
}

/// `timeline.svg` and `map.svg` (release format 3 on, when the metadata has a `site` section).
fn write_pictures(out: &mut BundleDir<'_>, meta: &Metadata, tables: &[Table]) -> Result<()> {
    use crate::release::site::svg;
    let views: Vec<svg::Table<'_>> = tables
        .iter()
        .map(|t| svg::Table {
            name: &t.name,
            schema: &t.schema,
            csv: &t.csv,
        })
        .collect();
    if let Some((timeline, map)) = svg::figures(meta, &views)? {
        out.put(svg::TIMELINE_FILE, timeline.svg.as_bytes())?;
        out.put(svg::MAP_FILE, map.svg.as_bytes())?;
    }
    Ok(())
}

/// `dataset.json` (pointing at the bundle's own files), `datapackage.json` and
/// `CITATION.cff` (refused if it would not read back).
fn write_metadata(
    out: &mut BundleDir<'_>,
    dataset: &Dataset,
    resources: Vec<Resource>,
    released: NaiveDate,
    tables: &[Table],
) -> Result<()> {
    let meta = &dataset.meta;
    let mut bundle_meta = meta.clone();
    bundle_meta.resources = resources;
    // The bundle holds neither the retired-id file nor its schema: name no path to them that
    // published bundles did not name.
    if let Some(r) = bundle_meta.releases.as_mut() {
        r.retired_schema = None;
    }
    // The pictures' section came with release format 3: a bundle of an older format names
    // nothing its published bytes did not.
    if meta.release_format() < 3 {
        bundle_meta.site = None;
    }
    out.put(
        "dataset.json",
        &pretty(&serde_json::to_value(&bundle_meta).expect("metadata serialises")),
    )?;
    let described: Vec<TableFile<'_>> = tables
        .iter()
        .map(|t| TableFile {
            name: &t.name,
            path: format!("{}.csv", t.name),
            schema: &t.schema,
            bytes: t.csv.len() as u64,
            sha256: sha256_hex(&t.csv),
        })
        .collect();
    out.put(
        "datapackage.json",
        &pretty(&datapackage::descriptor(meta, released, &described)),
    )?;
    let citation = crate::release::citation::cff(meta, Some(released));
    crate::release::citation::check_cff(&citation).map_err(|why| {
        Error::Refused(format!(
            "the CITATION.cff built from {} would not be valid YAML ({why}); check the title, creators, licence and keywords there",
            crate::table::text::path(&dataset.path.to_string_lossy())
        ))
    })?;
    out.put("CITATION.cff", citation.as_bytes())
}

/// The changelog up to this version, the licence and the bundle's README.
fn write_documents(
    out: &mut BundleDir<'_>,
    inputs: &Inputs<'_>,
    released: NaiveDate,
    tables: &[Table],
) -> Result<()> {
    let meta = &inputs.dataset.meta;
    let changelog =
        std::fs::read_to_string(inputs.changelog).map_err(|e| Error::io(inputs.changelog, e))?;
    let changelog =
        crate::release::changelog::up_to(&changelog, &meta.version).unwrap_or(changelog);
    out.put("CHANGELOG.md", changelog.as_bytes())?;
    if let Some(l) = inputs.license.filter(|l| l.exists()) {
        out.put(
            "LICENSE.md",
            &std::fs::read(l).map_err(|e| Error::io(l, e))?,
        )?;
    }
    let readme = readme(meta, released, tables)?;
    out.put("README.md", readme.as_bytes())
}

/// `site/` (release format 3 on): the dataset's page, whose download list is every file
/// written so far with its SHA-256 (`SHA256SUMS` then lists the page's own files too).
fn write_site(
    out: &mut BundleDir<'_>,
    meta: &Metadata,
    released: NaiveDate,
    tables: &[Table],
) -> Result<()> {
    use crate::release::site::page;
    if meta.release_format() < 3 {
        return Ok(());
    }
    let mut written = out.files.clone();
    written.sort();
    let mut downloads = Vec::with_capacity(written.len());
    for f in written {
        let p = out.dir.join(&f);
        downloads.push(page::Download {
            href: format!("../{f}"),
            bytes: std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?.len(),
            sha256: sha256_file(&p)?,
            path: f,
        });
    }
    let shown: Vec<page::Table<'_>> = tables
        .iter()
        .map(|t| page::Table {
            name: &t.name,
            schema: &t.schema,
            csv: &t.csv,
            expanded: t.expanded.as_ref(),
        })
        .collect();
    let files = page::build(&page::Inputs {
        meta,
        released: Some(released),
        tables: &shown,
        downloads: &downloads,
    })?;
    for (rel, bytes) in files {
        out.put(&format!("site/{rel}"), &bytes)?;
    }
    Ok(())
}

/// `SHA256SUMS` over every file written so far.
fn write_sums(out: &mut BundleDir<'_>) -> Result<()> {
    let mut written = Vec::new();
    list_files(out.dir, out.dir, &mut written)?;
    let mut sums = Vec::new();
    for f in written {
        let hash = sha256_file(&out.dir.join(&f))?;
        sums.push((f, hash));
    }
    out.put(SUMS, sums_text(&sums).as_bytes())
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).expect("JSON values serialise");
    s.push(b'\n');
    s
}

/// Link tables of the foreign keys on list columns that declare one: one row per (row key,
/// item), with foreign keys to both tables, so that SQL engines and Frictionless can join.
/// When several list columns name the same link table, it gets a `role` column holding the
/// list column's name (`event_actors(event_id, role, actor_id)`).
fn link_tables(tables: &[Table]) -> Result<Vec<Table>> {
    let mut out = Vec::new();
    for t in tables {
        // The foreign keys of each link table, in the order the schema names them.
        let mut links: Vec<(&str, Vec<&crate::schema::ForeignKey>)> = Vec::new();
        for fk in &t.schema.foreign_keys {
            let Some(link) = &fk.link else { continue };
            let col = &t.schema.columns[fk.field];
            if col.kind != Kind::StringList || t.schema.primary_key.len() != 1 {
                continue;
            }
            match links.iter_mut().find(|(l, _)| *l == link.as_str()) {
                Some((_, fks)) => fks.push(fk),
                None => links.push((link, vec![fk])),
            }
        }
        for (link, fks) in links {
            out.push(link_table(t, tables, link, &fks)?);
        }
    }
    Ok(out)
}

/// Name of the column of a shared link table that says which list column a row comes from.
const ROLE: &str = "role";

/// The link table `link` of table `t`, from its foreign keys `fks` (all to one column).
fn link_table(
    t: &Table,
    tables: &[Table],
    link: &str,
    fks: &[&crate::schema::ForeignKey],
) -> Result<Table> {
    let target = link_target(t, tables, link, fks)?;
    let lists: Vec<&str> = fks
        .iter()
        .map(|f| t.schema.columns[f.field].name.as_str())
        .collect();
    let (doc, key) = link_schema(t, link, fks[0], &lists, target);
    let path = PathBuf::from(format!("{link}.schema.json"));
    let schema = Schema::from_value(&path, doc.clone())?;
    let pk = &t.schema.columns[t.schema.primary_key[0]];
    let kinds: Vec<Kind> = if lists.len() > 1 {
        vec![pk.kind, Kind::String, target.kind]
    } else {
        vec![pk.kind, target.kind]
    };
    let rows = link_rows(t, fks, &lists, &kinds)?;
    let mut csv = Vec::new();
    {
        let mut w = crate::table::writer(&mut csv);
        let werr = |e: csv::Error| Error::Other(format!("{link}: {e}"));
        w.write_record(&key).map_err(werr)?;
        for r in &rows {
            w.write_record(r).map_err(werr)?;
        }
        w.flush()
            .map_err(|e| Error::Other(format!("{link}: {e}")))?;
    }
    Ok(Table {
        name: link.to_string(),
        schema,
        csv,
        schema_file: path.to_string_lossy().into_owned(),
        schema_bytes: pretty(&doc),
        expanded: None,
    })
}

/// The column every foreign key of a link table points to; refuses a link table named by
/// foreign keys to different tables or columns.
fn link_target<'a>(
    t: &Table,
    tables: &'a [Table],
    link: &str,
    fks: &[&crate::schema::ForeignKey],
) -> Result<&'a crate::schema::Column> {
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
    let referenced = tables
        .iter()
        .find(|r| r.name == fk.resource)
        .ok_or_else(|| {
            Error::Other(format!(
                "{}: foreign key to unknown table {:?}",
                t.name, fk.resource
            ))
        })?;
    referenced
        .schema
        .column_index(&fk.reference_field)
        .map(|i| &referenced.schema.columns[i])
        .ok_or_else(|| {
            Error::Other(format!(
                "{}: no column {:?}",
                fk.resource, fk.reference_field
            ))
        })
}

/// The row schema of a link table (JSON Schema with the toolkit's keys) and its key columns:
/// the row's key, the `role` when several list columns share the table, and the item.
fn link_schema(
    t: &Table,
    link: &str,
    fk: &crate::schema::ForeignKey,
    lists: &[&str],
    target: &crate::schema::Column,
) -> (Value, Vec<String>) {
    let pk = &t.schema.columns[t.schema.primary_key[0]];
    let shared = lists.len() > 1;
    let col_name = lists.join(", ");
    let mut props = Map::new();
    props.insert(pk.name.clone(), pk.schema.clone());
    if shared {
        props.insert(
            ROLE.to_string(),
            json!({
                "description": format!("The column of {} that lists this {}: one of {}.", t.name, target.name, col_name),
                "type": "string",
                "enum": lists,
            }),
        );
    }
    props.insert(target.name.clone(), target.schema.clone());
    let key: Vec<String> = if shared {
        vec![pk.name.clone(), ROLE.to_string(), target.name.clone()]
    } else {
        vec![pk.name.clone(), target.name.clone()]
    };
    let description = if shared {
        format!(
            "One row per item of the list columns {col_name} of {}: the {} of the row, the column ({ROLE}) and one {} it lists. Derived from {} for tools that cannot join on a list column.",
            t.name, pk.name, target.name, t.name
        )
    } else {
        format!(
            "One row per item of {}.{}: the {} of the row and one {} it lists. Derived from {} for tools that cannot join on a list column.",
            t.name, col_name, pk.name, target.name, t.name
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
            {"fields": pk.name, "reference": {"resource": t.name, "fields": pk.name}},
            {"fields": target.name, "reference": {"resource": fk.resource, "fields": target.name}},
        ],
    });
    (doc, key)
}

/// The rows of a link table in canonical order, without repeats: (row key, the list column
/// when several share the table, item).
fn link_rows(
    t: &Table,
    fks: &[&crate::schema::ForeignKey],
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

/// The bundle's README: what it is, how to cite and load it, its figures and its codebook.
fn readme(meta: &Metadata, released: NaiveDate, tables: &[Table]) -> Result<String> {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "# {} — version {}\n", meta.title, meta.version);
    let _ = writeln!(s, "Released {released}.\n\n{}\n", meta.description);
    if let Some(a) = &meta.attribution {
        let _ = writeln!(s, "{a}\n");
    }
    let v2 = meta.release_format() >= 2;
    if v2 {
        s.push_str(&crate::release::citation::readme_sources(meta));
    }
    readme_files(&mut s, meta, tables);
    if meta.release_format() >= 2 {
        loading(&mut s, meta, tables);
    } else {
        loading_format1(&mut s, &tables[0].name);
    }
    readme_links(&mut s, meta, tables);
    if let Some(spec) = &meta.summary {
        if let Some(t) = tables.iter().find(|t| t.name == spec.table) {
            let c = crate::release::summary::counts(&t.schema, spec, &t.csv)?;
            let _ = writeln!(
                s,
                "## Figures\n\n{}",
                crate::release::summary::markdown(&c, spec.year_of.as_deref())
            );
        }
    }
    if v2 {
        s.push_str(&readme_coverage(meta, tables)?);
        s.push_str(&crate::release::citation::readme_citation(meta, released));
    } else {
        let _ = writeln!(s, "## Citation\n\nSee `CITATION.cff`. Cite version {} and, for the facts, the sources listed in the data.\n", meta.version);
    }
    let _ = writeln!(s, "# Codebook\n");
    if v2 {
        s.push_str(&crate::release::codebook::unit_of_analysis(meta));
    }
    for t in tables {
        let title = t.schema.title.clone().unwrap_or_else(|| t.name.clone());
        let _ = writeln!(
            s,
            "{}",
            crate::release::codebook::markdown_for(
                meta.release_format(),
                &t.schema,
                &format!("`{}` ({title})", t.name)
            )
        );
    }
    Ok(s)
}

/// The README's table of the bundle's files.
fn readme_files(s: &mut String, meta: &Metadata, tables: &[Table]) {
    use std::fmt::Write as _;
    let _ = writeln!(s, "## Files\n");
    let _ = writeln!(s, "| file | contents |\n|---|---|");
    for t in tables {
        let title = t.schema.title.clone().unwrap_or_else(|| t.name.clone());
        let _ = writeln!(
            s,
            "| `{0}.csv`, `{0}.parquet`, `{0}.json`, `{0}.jsonl` | {1}: canonical CSV; Parquet (typed, ZSTD); JSON array of typed objects; JSON Lines |",
            t.name, title
        );
        let _ = writeln!(
            s,
            "| `schema/{}` | JSON Schema of a row of `{}` |",
            t.schema_file, t.name
        );
        if has_geojson(meta, t) {
            let _ = writeln!(
                s,
                "| `{0}.geojson` | {1} as GeoJSON (RFC 7946): one feature per row, a point `[longitude, latitude]` in WGS 84, or no geometry when the row has no coordinates; properties as in `{0}.json` |",
                t.name, title
            );
        }
        if t.expanded.is_some() {
            let _ = writeln!(
                s,
                "| `{}` | JSON Schema of a row of the typed exports of `{}` (Parquet, JSON, JSON Lines, GeoJSON), which add convenience columns from the tables its lists reference |",
                expanded_schema_file(t),
                t.name
            );
        }
    }
    if meta.release_format() >= 3 && meta.site.is_some() {
        let _ = writeln!(
            s,
            "| `timeline.svg`, `map.svg` | the data as pictures: events per month by type and killed per month by side, with ceasefires and agreements marked; the events on a map of the region (Natural Earth borders), by type, sized by casualties, hollow where only the region is known |"
        );
    }
    let _ = writeln!(s, "| `dataset.json` | the dataset's metadata |");
    let _ = writeln!(s, "| `datapackage.json` | Frictionless Data Package descriptor (Table Schemas, keys, licences) |");
    let _ = writeln!(s, "| `CITATION.cff` | how to cite this version |");
    let _ = writeln!(s, "| `CHANGELOG.md` | changes of every version |");
    let _ = writeln!(
        s,
        "| `LICENSE.md` | licence and attribution of the data (when present) |"
    );
    let _ = writeln!(
        s,
        "| `SHA256SUMS` | SHA-256 of every other file (`sha256sum -c SHA256SUMS`) |\n"
    );
}

/// How to load the first table (bundles of release format 1).
fn loading_format1(s: &mut String, first: &str) {
    use std::fmt::Write as _;
    let _ = writeln!(s, "## Loading the data\n");
    let _ = writeln!(
        s,
        "```python\n# pandas (vocabulary columns load as categoricals, dates as dates, counts as nullable integers)\nimport pandas as pd\n{first} = pd.read_parquet(\"{first}.parquet\")\n\n# polars\nimport polars as pl\n{first} = pl.read_parquet(\"{first}.parquet\")\n```\n"
    );
    let _ = writeln!(
        s,
        "```sql\n-- DuckDB\nSELECT * FROM '{first}.parquet';\n```\n"
    );
    let _ = writeln!(
        s,
        "```r\n# R\nlibrary(arrow)\n{first} <- read_parquet(\"{first}.parquet\")\n```\n"
    );
}

/// What the link tables hold, and which columns the typed exports add from a foreign key.
fn readme_links(s: &mut String, meta: &Metadata, tables: &[Table]) {
    use std::fmt::Write as _;
    for t in tables {
        for fk in t.schema.foreign_keys.iter().filter(|fk| fk.link.is_some()) {
            let shared = t
                .schema
                .foreign_keys
                .iter()
                .filter(|o| o.link == fk.link)
                .count()
                > 1;
            let _ = writeln!(
                s,
                "`{}.{}` is a list column; `{}` has one row per item{}, for joins with `{}`.\n",
                t.name,
                t.schema.columns[fk.field].name,
                fk.link.as_deref().unwrap_or(""),
                if shared {
                    format!(" (its `{ROLE}` is `{}`)", t.schema.columns[fk.field].name)
                } else {
                    String::new()
                },
                fk.resource
            );
        }
        if t.expanded.is_some() {
            for fk in t
                .schema
                .foreign_keys
                .iter()
                .filter(|fk| !fk.expand.is_empty())
            {
                let added: Vec<String> =
                    fk.expand.iter().map(|e| format!("`{}`", e.name)).collect();
                let _ = writeln!(
                    s,
                    "The typed exports of `{}` (Parquet, JSON, JSON Lines{}) add after `{}` the columns {} of its first (primary) item in `{}`; `{}.csv` keeps the list only.\n",
                    t.name,
                    if has_geojson(meta, t) { ", GeoJSON" } else { "" },
                    t.schema.columns[fk.field].name,
                    added.join(", "),
                    fk.resource,
                    t.name
                );
            }
        }
    }
}

/// The README section comparing the source's own totals with the sums of the rows (release
/// format 2; empty when the metadata records no totals).
fn readme_coverage(meta: &Metadata, tables: &[Table]) -> Result<String> {
    let Some(totals) = &meta.coverage.totals else {
        return Ok(String::new());
    };
    let t = tables
        .iter()
        .find(|t| t.name == totals.table)
        .ok_or_else(|| {
            Error::Other(format!(
                "coverage.totals in the metadata names table {:?}, which the dataset does not have",
                totals.table
            ))
        })?;
    let lines = crate::release::coverage::compute(&t.schema, totals, t.csv.as_slice())?;
    Ok(format!(
        "## Coverage of the source's totals\n\n{}\n",
        crate::release::coverage::markdown(totals, &lines)
    ))
}

/// The README's loading section from release format 2 on: snippets that give dates as dates,
/// counts as nullable integers and every vocabulary's full category set in codebook order
/// (pandas and pyarrow take it from the Parquet dictionaries; polars needs the `Enum` line), a
/// map-ready load when the first table has coordinates, JSON Lines without inference errors,
/// and Spark.
fn loading(s: &mut String, meta: &Metadata, tables: &[Table]) {
    use std::fmt::Write as _;
    let t = &tables[0];
    let first = &t.name;
    let schema = t.expanded.as_ref().map_or(&t.schema, |x| &x.schema);
    // Every typed column gets its type: a column blank on every line (or on the first
    // thousand) would otherwise be read as polars' Null type, or refuse to load.
    let overrides: Vec<String> = schema
        .columns
        .iter()
        .filter_map(|c| {
            let ty = match c.kind {
                Kind::Date => "pl.Date",
                Kind::Integer => "pl.Int64",
                Kind::Number => "pl.Float64",
                Kind::Boolean => "pl.Boolean",
                Kind::String | Kind::StringList => return None,
            };
            Some(format!("\"{}\": {ty}", c.name))
        })
        .collect();
    let ordered: Vec<String> = schema
        .columns
        .iter()
        .filter(|c| export::arrow::ordered(c))
        .map(|c| {
            let terms: Vec<String> = c
                .terms
                .iter()
                .flatten()
                .map(|t| format!("`{}`", t.value))
                .collect();
            format!("`{}` ({})", c.name, terms.join(" < "))
        })
        .collect();
    let _ = writeln!(s, "## Loading the data\n");
    let _ = writeln!(
        s,
        "The Parquet files are typed: dates are dates, counts nullable integers, vocabulary columns dictionaries (categoricals) that hold the whole vocabulary in codebook order, categories without rows included. pandas and pyarrow read them as categoricals with every category, so categories without rows count (as 0) in crosstabs and year partitions concatenate as categoricals.{} Every file also stores each vocabulary's category set (field metadata `categories`, file metadata `aabc:categories`), for readers that do not keep a Parquet dictionary: polars reads one as `Categorical` without a category list, and the line below makes it an `Enum`.\n",
        if ordered.is_empty() {
            String::new()
        } else {
            format!(
                " Ordered: {}.",
                ordered.join("; ")
            )
        }
    );
    let _ = writeln!(
        s,
        "```python\n# pandas: dates as datetime64, counts as nullable integers, categoricals with every category\nimport pyarrow.parquet as pq\n{first} = pq.read_table(\"{first}.parquet\").to_pandas(date_as_object=False)\n# (a plain pd.read_parquet(\"{first}.parquet\") gives the same, with dates as datetime.date objects)\n\n# polars: vocabulary columns as Enum (every category, in codebook order)\nimport json\nimport polars as pl\ncats = json.loads(pl.read_parquet_metadata(\"{first}.parquet\")[\"aabc:categories\"])\n{first} = pl.read_parquet(\"{first}.parquet\").with_columns(pl.col(c).cast(pl.Enum(v)) for c, v in cats.items())\n\n# polars from JSON Lines: look at every line, and give every typed column its type (dates as dates; a column may be blank on every line)\n{first} = pl.read_ndjson(\"{first}.jsonl\", infer_schema_length=None, schema_overrides={{{}}})\n```\n",
        overrides.join(", ")
    );
    if has_geojson(meta, t) {
        let _ = writeln!(
            s,
            "```python\n# A map-ready load: geopandas reads {first}.geojson with its CRS (WGS 84, EPSG:4326); rows without coordinates have no geometry\nimport geopandas as gpd\n{first} = gpd.read_file(\"{first}.geojson\")\nplaced = {first}[{first}.geometry.notna()]  # placed.plot() draws them (needs matplotlib)\n```\n"
        );
    }
    let _ = writeln!(
        s,
        "```sql\n-- DuckDB (dates are DATE in both)\nSELECT * FROM '{first}.parquet';\nSELECT * FROM read_json('{first}.jsonl');\n```\n"
    );
    let _ = writeln!(
        s,
        "```python\n# Spark, also on a Hive-partitioned copy (`aabc export --format parquet --partition-by year --out {first}-by-year`)\nfrom pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n{first} = spark.read.parquet(\"{first}.parquet\")  # or spark.read.parquet(\"{first}-by-year\")\n```\n"
    );
    let _ = writeln!(
        s,
        "```r\n# R\nlibrary(arrow)\n{first} <- read_parquet(\"{first}.parquet\")\n```\n"
    );
}

/// Writes the zip archive: entries `<name>/<path>` in path order, fixed time and permissions.
/// A write error (a full disk) is returned once, in words; the half-written archive is left
/// for the caller's temporary directory to remove.
fn write_zip(dir: &Path, name: &str, files: &[String], out: &Path) -> Result<()> {
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(out).map_err(|e| crate::table::atomic::io_error(out, e))?;
    let mut z = zip::ZipWriter::new(Sticky::new(std::io::BufWriter::new(file)));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut sorted = files.to_vec();
    sorted.sort();
    // The writer moves into this closure and is dropped there on failure: its `Drop` finalises
    // what it can into the poisoned sink, silently (it would otherwise print a raw
    // `ZipWriter::drop` line on a full disk).
    let written = (move || -> std::result::Result<Sticky, zip::result::ZipError> {
        for f in &sorted {
            z.start_file(format!("{name}/{f}"), options)?;
            let bytes = std::fs::read(dir.join(f))?;
            z.write_all(&bytes)?;
        }
        z.finish()
    })();
    let fail = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => crate::table::atomic::io_error(out, e),
        e => Error::Other(format!("{}: cannot write the archive: {e}", out.display())),
    };
    let mut w = written.map_err(fail)?;
    w.flush()
        .map_err(|e| crate::table::atomic::io_error(out, e))?;
    w.file
        .get_ref()
        .sync_all()
        .map_err(|e| crate::table::atomic::io_error(out, e))?;
    Ok(())
}

/// A file writer that, after its first error, pretends to succeed without writing (tracking
/// the position a real file would have), so that nothing after a failure (the zip writer's
/// `Drop`) fails again and prints its own message. The first error is returned normally.
struct Sticky {
    file: std::io::BufWriter<std::fs::File>,
    /// Position and length of the pretended file once poisoned.
    poisoned: Option<(u64, u64)>,
}

impl Sticky {
    fn new(file: std::io::BufWriter<std::fs::File>) -> Sticky {
        Sticky {
            file,
            poisoned: None,
        }
    }

    fn poison<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if r.is_err() && self.poisoned.is_none() {
            let at = self.file.get_mut().stream_position().unwrap_or(0);
            let len = self
                .file
                .get_ref()
                .metadata()
                .map_or(at, |m| m.len().max(at));
            self.poisoned = Some((at, len));
        }
        r
    }
}

impl Write for Sticky {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some((at, len)) = &mut self.poisoned {
            *at += buf.len() as u64;
            *len = (*len).max(*at);
            return Ok(buf.len());
        }
        let r = self.file.write(buf);
        self.poison(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.poisoned.is_some() {
            return Ok(());
        }
        let r = self.file.flush();
        self.poison(r)
    }
}

impl std::io::Seek for Sticky {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        use std::io::SeekFrom;
        if let Some((at, len)) = &mut self.poisoned {
            let to = match pos {
                SeekFrom::Start(n) => Some(n),
                SeekFrom::Current(d) => at.checked_add_signed(d),
                SeekFrom::End(d) => len.checked_add_signed(d),
            };
            *at = to.ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
            return Ok(*at);
        }
        let r = self.file.seek(pos);
        self.poison(r)
    }
}
