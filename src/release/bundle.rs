//! Release bundles: `dist/<name>-<version>/` and `dist/<name>-<version>.zip`, holding every
//! table as canonical CSV, Parquet, JSON and JSON Lines, the schemas, the metadata, a
//! Frictionless descriptor, the citation, a README with the codebook, the changelog and
//! `SHA256SUMS`.
//!
//! Bytes are reproducible: nothing depends on the clock (the release date comes from the
//! changelog), files and keys are written in a fixed order, and the archive has fixed times and
//! permissions. A bundle is built in a temporary directory beside the target and renamed into
//! place, so a failure leaves no partial bundle; an existing bundle of the same version is never
//! overwritten unless the new bytes are identical.

use crate::error::{Error, Result};
use crate::release::checksum::{sha256_file, sha256_hex, sums_text};
use crate::release::export::datapackage::{self, TableFile};
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
fn write_table(out: &mut BundleDir<'_>, meta: &Metadata, t: &Table) -> Result<Resource> {
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
        size_hint: 0,
    };
    for f in FORMATS {
        let mut bytes = Vec::new();
        export::export(
            &t.schema,
            t.csv.as_slice(),
            &t.name,
            f,
            &options,
            &mut bytes,
        )?;
        out.put(&format!("{}.{}", t.name, f.extension()), &bytes)?;
    }
    out.put(&format!("schema/{}", t.schema_file), &t.schema_bytes)?;
    Ok(Resource {
        name: t.name.clone(),
        path: format!("{}.csv", t.name),
        schema: format!("schema/{}", t.schema_file),
    })
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
fn link_tables(tables: &[Table]) -> Result<Vec<Table>> {
    let mut out = Vec::new();
    for t in tables {
        for fk in &t.schema.foreign_keys {
            let Some(link) = &fk.link else { continue };
            let col = &t.schema.columns[fk.field];
            if col.kind != Kind::StringList || t.schema.primary_key.len() != 1 {
                continue;
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
            let pk = &t.schema.columns[t.schema.primary_key[0]];
            let target = referenced
                .schema
                .column_index(&fk.reference_field)
                .map(|i| &referenced.schema.columns[i])
                .ok_or_else(|| {
                    Error::Other(format!(
                        "{}: no column {:?}",
                        fk.resource, fk.reference_field
                    ))
                })?;
            let mut props = Map::new();
            props.insert(pk.name.clone(), pk.schema.clone());
            props.insert(target.name.clone(), target.schema.clone());
            let doc = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": format!("{}:{link}", t.schema.id.clone().unwrap_or_else(|| t.name.clone())),
                "title": format!("Link of {}.{} to {}", t.name, col.name, fk.resource),
                "description": format!(
                    "One row per item of {}.{}: the {} of the row and one {} it lists. Derived from {} for tools that cannot join on a list column.",
                    t.name, col.name, pk.name, target.name, t.name
                ),
                "type": "object",
                "properties": props,
                "required": [pk.name, target.name],
                "additionalProperties": false,
                "x-primaryKey": [pk.name, target.name],
                "x-sortKey": [pk.name, target.name],
                "x-foreignKeys": [
                    {"fields": pk.name, "reference": {"resource": t.name, "fields": pk.name}},
                    {"fields": target.name, "reference": {"resource": fk.resource, "fields": target.name}},
                ],
            });
            let path = PathBuf::from(format!("{link}.schema.json"));
            let schema = Schema::from_value(&path, doc.clone())?;
            // Rows, in canonical order.
            let mut pairs: Vec<(String, String)> = Vec::new();
            let mut rows = Rows::new(&t.schema, t.csv.as_slice(), &t.name)?;
            let pki = t.schema.primary_key[0];
            while let Some(r) = rows.next_row()? {
                let cell = r.get(fk.field).unwrap_or("");
                if cell.is_empty() {
                    continue;
                }
                for item in cell.split(col.delimiter.as_str()) {
                    pairs.push((r.get(pki).unwrap_or("").to_string(), item.to_string()));
                }
            }
            let kinds = [pk.kind, target.kind];
            pairs.sort_by(|a, b| crate::schema::compare_keys(&kinds, &[&a.0, &a.1], &[&b.0, &b.1]));
            pairs.dedup();
            let mut csv = Vec::new();
            {
                let mut w = crate::table::writer(&mut csv);
                let werr = |e: csv::Error| Error::Other(format!("{link}: {e}"));
                w.write_record([&pk.name, &target.name]).map_err(werr)?;
                for (a, b) in &pairs {
                    w.write_record([a, b]).map_err(werr)?;
                }
                w.flush()
                    .map_err(|e| Error::Other(format!("{link}: {e}")))?;
            }
            out.push(Table {
                name: link.clone(),
                schema,
                csv,
                schema_file: path.to_string_lossy().into_owned(),
                schema_bytes: pretty(&doc),
            });
        }
    }
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
    let first = &tables[0].name;
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
    for t in tables {
        for fk in t.schema.foreign_keys.iter().filter(|fk| fk.link.is_some()) {
            let _ = writeln!(
                s,
                "`{}.{}` is a list column; `{}` has one row per item, for joins with `{}`.\n",
                t.name,
                t.schema.columns[fk.field].name,
                fk.link.as_deref().unwrap_or(""),
                fk.resource
            );
        }
    }
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
