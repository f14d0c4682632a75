//! Release bundles: `dist/<name>-<version>/` and `dist/<name>-<version>.zip`, holding every
//! table as canonical CSV, Parquet, JSON and JSON Lines, the schemas, the metadata, a
//! Frictionless descriptor, the citation, a README with the codebook, the changelog, from
//! release format 3 the dataset's page (`site/`), from format 5 the pinned source texts, from
//! format 6 the tables in the layouts the metadata declares (`events.acled.csv`, …), and
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
use crate::release::export::{self, pretty, Format, Provenance};
use crate::release::tables::{Table, Tables};
use crate::schema::metadata::{Dataset, Metadata, Resource};
use chrono::NaiveDate;
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
    crate::table::archive::write(&staged, &name, &files, &staged_zip)?;

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

/// Writes every file of a bundle into `dir` (no zip, nothing placed); returns their relative
/// paths, sorted. `aabc verify` regenerates a bundle from its own sources this way to find
/// files edited after the release.
pub fn write_files(inputs: &Inputs<'_>, dir: &Path) -> Result<Vec<String>> {
    write_bundle(inputs, dir)
}

/// Writes every file of the bundle into `dir`; returns their relative paths, sorted.
fn write_bundle(inputs: &Inputs<'_>, dir: &Path) -> Result<Vec<String>> {
    let meta = &inputs.dataset.meta;
    let released = crate::release::changelog::release_date(inputs.changelog, &meta.version)?;
    let mut tables = Tables::load(inputs.dataset)?;
    let links = export::link::link_tables(&tables)?;
    tables.extend(links)?;
    if !meta.format().has_expansions() {
        tables.without_expansions();
    }
    let mut out = BundleDir {
        dir,
        files: Vec::new(),
    };
    let mut resources = Vec::new();
    for t in tables.iter() {
        resources.push(write_table(&mut out, meta, t)?);
    }
    if meta.format().has_evidence() {
        write_texts(&mut out, inputs.dataset)?;
    }
    let layouts = if meta.format().has_layouts() {
        crate::release::layout::write_all(meta, &tables, released)?
    } else {
        Vec::new()
    };
    for l in &layouts {
        out.put(&l.layout.file, &l.csv)?;
    }
    write_metadata(
        &mut out,
        inputs.dataset,
        resources,
        released,
        &tables,
        &layouts,
    )?;
    write_documents(&mut out, inputs, released, &tables)?;
    if meta.format().has_site() {
        write_pictures(&mut out, meta, &tables)?;
    }
    write_site(&mut out, meta, released, &tables)?;
    write_sums(&mut out)?;
    out.files.sort();
    Ok(out.files)
}

/// The bundle's folder while it is written, and the files written to it.
struct BundleDir<'d> {
    dir: &'d Path,
    files: Vec<String>,
}

impl BundleDir<'_> {
    /// Writes one file. Tables that share a schema file write it once; two different files
    /// of one name (schemas of the same file name in different folders) are refused, since
    /// the bundle would keep only one of them.
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let p = self.dir.join(rel);
        if self.files.iter().any(|f| f == rel) {
            let had = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            if had == bytes {
                return Ok(());
            }
            return Err(Error::io(
                &p,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "two files of the bundle would have this name (schemas of one file name in different folders?): give them names of their own",
                ),
            ));
        }
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
/// their full category sets, and a table with coordinates also comes as GeoJSON; from format 6
/// the items of a list with a string vocabulary are categories too.
fn write_table(out: &mut BundleDir<'_>, meta: &Metadata, t: &Table) -> Result<Resource> {
    let format2 = meta.format().has_expansions();
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
        list_dictionaries: meta.format().has_list_dictionaries(),
    };
    let (schema, typed) = t.typed()?;
    let geo = t.has_geojson(meta);
    let formats = FORMATS.into_iter().chain(geo.then_some(Format::Geojson));
    for f in formats {
        let mut bytes = Vec::new();
        export::export(schema, typed.as_ref(), &t.name, f, &options, &mut bytes)?;
        out.put(&format!("{}.{}", t.name, f.extension()), &bytes)?;
    }
    out.put(&format!("schema/{}", t.schema_file), &t.schema_bytes)?;
    if let Some(document) = t.typed_document() {
        out.put(&t.expanded_schema_file(), &pretty(document))?;
    }
    Ok(Resource {
        name: t.name.clone(),
        path: format!("{}.csv", t.name),
        schema: format!("schema/{}", t.schema_file),
    })
}

/// Each pinned source text (release format 5 on), byte for byte, so that the bundle alone is
/// enough to check every quote against it.
fn write_texts(out: &mut BundleDir<'_>, dataset: &Dataset) -> Result<()> {
    for t in dataset.meta.sources.iter().filter_map(|s| s.text.as_ref()) {
        let from = crate::schema::metadata::join(&dataset.dir(), &t.path);
        let bytes = std::fs::read(&from).map_err(|e| Error::io(&from, e))?;
        out.put(&bundle_text_path(&t.path), &bytes)?;
    }
    Ok(())
}

/// Where a pinned text sits in the bundle: its path relative to the metadata file, which is at
/// the bundle's top as well; a path that climbs out of the metadata's folder (still inside the
/// repository) goes to `texts/` under its file name.
pub fn bundle_text_path(path: &str) -> String {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return format!("texts/{}", parts.last().copied().unwrap_or("text"));
    }
    parts.join("/")
}

/// `timeline.svg` and `map.svg` (release format 3 on, when the metadata has a `site` section).
fn write_pictures(out: &mut BundleDir<'_>, meta: &Metadata, tables: &Tables) -> Result<()> {
    use crate::release::site::svg;
    if let Some((timeline, map)) = svg::figures(meta, tables)? {
        out.put(svg::TIMELINE_FILE, timeline.svg.as_bytes())?;
        if let Some(map) = map {
            out.put(svg::MAP_FILE, map.svg.as_bytes())?;
        }
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
    tables: &Tables,
    layouts: &[crate::release::layout::Written],
) -> Result<()> {
    let meta = &dataset.meta;
    let mut bundle_meta = meta.clone();
    // Layouts came with release format 6: an older bundle writes none and declares none.
    if !meta.format().has_layouts() {
        bundle_meta.layouts.clear();
        bundle_meta.typed_columns = None;
    }
    bundle_meta.resources = resources;
    // The bundle holds neither the retired-id file nor its schema: name no path to them that
    // published bundles did not name.
    if let Some(r) = bundle_meta.releases.as_mut() {
        r.retired_schema = None;
    }
    // The pictures' section came with release format 3: a bundle of an older format names
    // nothing its published bytes did not.
    if !meta.format().has_site() {
        bundle_meta.site = None;
    }
    // The pinned texts came with release format 5: an older bundle carries no text, so its
    // metadata pins none and names no evidence to check against one.
    if meta.format().has_evidence() {
        for t in bundle_meta
            .sources
            .iter_mut()
            .filter_map(|s| s.text.as_mut())
        {
            t.path = bundle_text_path(&t.path);
        }
    } else {
        bundle_meta.sources.iter_mut().for_each(|s| s.text = None);
        (bundle_meta.evidence, bundle_meta.claims) = (None, None);
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
    let mut descriptor = datapackage::descriptor(meta, released, &described);
    if let Some(list) = descriptor["resources"].as_array_mut() {
        list.extend(layouts.iter().map(crate::release::layout::resource));
    }
    out.put("datapackage.json", &pretty(&descriptor))?;
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
    tables: &Tables,
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
    let readme = crate::release::readme::readme(meta, released, tables)?;
    out.put("README.md", readme.as_bytes())
}

/// `site/` (release format 3 on): the dataset's page, whose download list is every file
/// written so far with its SHA-256 (`SHA256SUMS` then lists the page's own files too).
fn write_site(
    out: &mut BundleDir<'_>,
    meta: &Metadata,
    released: NaiveDate,
    tables: &Tables,
) -> Result<()> {
    use crate::release::site::page;
    if !meta.format().has_site() {
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
    let files = page::build(&page::Inputs {
        meta,
        released: Some(released),
        tables,
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

#[cfg(test)]
mod tests {
    use super::bundle_text_path;

    #[test]
    fn a_pinned_text_keeps_its_path_unless_it_climbs_out() {
        assert_eq!(bundle_text_path("texts/a.txt"), "texts/a.txt");
        assert_eq!(bundle_text_path("./texts//a.txt"), "texts/a.txt");
        assert_eq!(bundle_text_path("../sources/a.txt"), "texts/a.txt");
        assert_eq!(bundle_text_path("a.txt"), "a.txt");
    }
}
