//! The dataset's metadata file (`dataset/dataset.json`): name, title, version, description,
//! licences, coverage period (and the source's own totals it is compared with), keywords,
//! creators, publisher, identifiers, the sources with their licences, and the tables
//! (resources) with the schema of each. The tool reads it to know which CSV files to check
//! against which schema, and the release, codebook and citation are built from it.

use crate::error::{Error, Result};
use chrono::NaiveDate;
use identifiers::check_identifiers;
pub use identifiers::CFF_REFERENCE_TYPES;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod identifiers;
pub mod layouts;

/// Where the metadata file sits, relative to a repository root.
pub const METADATA_PATH: &str = "dataset/dataset.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct License {
    /// SPDX identifier, e.g. `CC-BY-SA-4.0`.
    pub name: String,
    pub title: Option<String>,
    pub path: Option<String>,
    /// What the licence asks of users beyond attribution (e.g. ShareAlike, and what it means
    /// when the data is merged with other data), in the dataset's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Coverage {
    /// First day an event may have.
    pub start: Option<NaiveDate>,
    /// Last day an event may have; open (today) when null.
    pub end: Option<NaiveDate>,
    /// Totals the source itself gives, compared in each release with the sums of the rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<SourceTotals>,
}

/// Totals a source states for the whole period (an infobox, a summary table), each with the
/// columns of a table whose sums it can be compared with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceTotals {
    /// The table whose rows are summed.
    pub table: String,
    /// Where the totals come from, in words (e.g. the article's infobox).
    pub source: String,
    pub figures: Vec<SourceTotal>,
}

/// One total of the source: whose (`side`), what (`category`), how many, where it is stated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceTotal {
    pub side: String,
    pub category: String,
    pub total: u64,
    /// The source says "at least" (or "N+").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
    /// The part of the source that states it (e.g. `Infobox, Casualties2`).
    pub section: String,
    /// Integer columns whose sum over the rows is compared with the total; empty when no
    /// column records this figure yet.
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A creator of the dataset: a team or organisation (`name` only), or a person (`name` as it
/// is shown, plus `given_names` and `family_names`). `orcid` and `affiliation` are optional;
/// an empty `orcid` counts as none.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Creator {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_names: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// `https://orcid.org/0000-0002-1825-0097` or `0000-0002-1825-0097`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
}

impl Creator {
    /// The ORCID as a URL (`https://orcid.org/…`), when one is given.
    pub fn orcid_url(&self) -> Option<String> {
        let o = self
            .orcid
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())?;
        let id = o.strip_prefix("https://orcid.org/").unwrap_or(o);
        Some(format!("https://orcid.org/{id}"))
    }

    /// Whether this creator is a person (has a family name), rather than a team.
    pub fn is_person(&self) -> bool {
        self.family_names.as_deref().is_some_and(|f| !f.is_empty())
    }
}

/// A source the whole dataset is drawn from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataSource {
    pub title: String,
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// The larger work it is part of (e.g. `Wikipedia`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Kind of work, as a CITATION.cff reference type (`encyclopedia`, `database`, …).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// What the dataset takes from it (e.g. "facts and figures of the events").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_for: Option<String>,
    /// SPDX identifier of its licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_url: Option<String>,
    /// What its licence asks of those who reuse the dataset (e.g. ShareAlike).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// The name evidence rows give this source by (its `document` cell), when its text is
    /// pinned in the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The text that was coded, pinned in the repository: quotes are checked against it and
    /// every release bundle carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<SourceText>,
}

/// A source's text as coded: the file, its SHA-256 (a changed text is a new `version`, which
/// the CHANGELOG records), and how its section headings look.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceText {
    /// Path of the UTF-8 text, relative to the metadata file.
    pub path: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// Counts the texts pinned so far; raised whenever the text changes.
    pub version: u32,
    /// A regular expression matching a whole heading line; its first group is the section's
    /// title (e.g. `^=+ *(.+?) *=+$` for `==Timeline==`). Without one, there are no sections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
}

/// Which table holds the passages that support another table's cells, and which of its
/// columns say what: `aabc validate` checks every quote against the pinned source texts and
/// every date and figure cell of `of` against the quotes; `aabc trace` prints them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    /// The evidence table (a resource).
    pub table: String,
    /// The table whose rows the evidence supports (a resource).
    pub of: String,
    /// Column of `table` holding the key of the supported row.
    pub key: String,
    /// Column of `table` naming the source document (a source's `name`).
    pub document: String,
    /// List column of `table` naming the columns of `of` that the quote supports.
    pub columns: String,
    /// Column of `table` holding the verbatim quote.
    pub quote: String,
    /// List column of `table` naming who makes the claim, where the passage attributes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
    /// Columns of `of` whose non-blank cells need a quote that names the column and contains
    /// the figure (in digits or English words). A total equal to the sum of its parts (a
    /// `sum` rule of the schema) needs none of its own.
    #[serde(default)]
    pub figures: Vec<String>,
    /// Date columns of `of`: every row needs a quote naming the first, and the others where
    /// they differ from it.
    #[serde(default)]
    pub dates: Vec<String>,
}

/// Which table holds the figures each claimant gave, from which the best estimate in the
/// figure columns is chosen (by the rule `best_estimate` states) and low and high bounds are
/// derived for the typed exports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The claims table (a resource).
    pub table: String,
    /// The table whose figure columns the claims are about (a resource).
    pub of: String,
    /// Column of `table` holding the key of the row of `of`.
    pub key: String,
    /// Column of `table` naming the figure column of `of` the claim is about.
    pub column: String,
    /// Column of `table` holding the claimed number.
    pub value: String,
    /// Column of `table` holding the qualifier: `exact`, `at_least`, `approximate` or `up_to`.
    pub qualifier: String,
    /// Column of `table` holding who made the claim (blank: the source names no one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
    /// Column of `table` holding the key of the evidence row whose quote states the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The rule, in words, by which a figure column's value is chosen among the claims; the
    /// codebook prints it.
    pub best_estimate: String,
    /// Figure columns of `of` that get `<column>_low` and `<column>_high` in the typed
    /// exports; a total with no claim of its own sums the bounds of its parts.
    #[serde(default)]
    pub bounds: Vec<String>,
}

/// Which figures the release README summarises: counts by year of a date column and by the
/// values of some columns, and sums of some numeric columns, all of one table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub table: String,
    pub year_of: Option<String>,
    #[serde(default)]
    pub count_by: Vec<String>,
    #[serde(default)]
    pub sum: Vec<String>,
}

/// Where published releases are recorded, and which table's ids they protect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Releases {
    /// CSV of published versions (version, date, commit, zip_sha256, rows), relative to the
    /// metadata file.
    pub record: String,
    /// CSV of retired ids (the table's key, the version that retired it, why), relative to the
    /// metadata file.
    pub retired: String,
    /// Row schema of the retired-id file, relative to the metadata file: it names the columns
    /// (the key, and those with `"x-role": "retired-in"` and `"x-role": "reason"`). Without it
    /// the columns are taken in that order, named by the file's header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_schema: Option<String>,
    /// The table whose ids may never disappear silently.
    pub table: String,
}

/// One table of the dataset: a CSV file and the row schema it follows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    pub name: String,
    /// CSV path, relative to the metadata file.
    pub path: String,
    /// Row schema path, relative to the metadata file.
    pub schema: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metadata {
    pub name: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub licenses: Vec<License>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// Who publishes the dataset (DataCite's Publisher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Where the dataset lives (its repository or landing page); cited as its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// The DOI that names every version (Zenodo's concept DOI), bare: `10.5281/zenodo.123`.
    /// A version's own DOI is minted after its release and recorded with the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// What one row of the main table is, and when events are split or merged: written in
    /// the codebook and the bundle README.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_analysis: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<DataSource>,
    pub coverage: Coverage,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub creators: Vec<Creator>,
    pub resources: Vec<Resource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub releases: Option<Releases>,
    /// Layout of the release bundles built from this metadata; absent means 1. A published
    /// version is rebuilt byte for byte with the layout it was released with, so a new layout
    /// (new files, new columns in exports, a fuller citation) comes with a new number and every
    /// older number keeps producing the same bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_format: Option<u32>,
    /// What the release's pictures and page show (`timeline.svg`, `map.svg`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// The table of quotes supporting the rows of another (see [`Evidence`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// The table of claimed figures behind the figure columns (see [`Claims`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Claims>,
    /// Tables written in other datasets' layouts (ACLED's, UCDP GED's), by name, each declared
    /// in the mapping language of [`layouts`] (release format 6 on).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub layouts: std::collections::BTreeMap<String, layouts::Layout>,
    /// Columns added to a table's typed exports by expressions of the same language (release
    /// format 6 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typed_columns: Option<layouts::TypedColumns>,
}

/// The `site` section: which columns the pictures read. Every name is a column of `table` (or
/// of its expanded rows, for the map), so no code names a column of the dataset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    /// The table whose rows are the events drawn.
    pub table: String,
    /// The date column (ISO 8601) that places a row in its month.
    pub date: String,
    /// The column whose value colours a row (its type).
    #[serde(rename = "type")]
    pub kind: String,
    /// Groups of values of `type`, one colour each, in the order drawn; a value in no group
    /// falls in a last group "Other". Empty: one colour per value, in vocabulary order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<SiteGroup>,
    /// The series of the "killed per month" panel: each sums its columns (blank counts 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub killed: Vec<SiteSeries>,
    /// Values of `type` whose rows are marked on the timeline (ceasefires, agreements).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mark: Vec<String>,
    /// The count column that sizes a point on the map (blank counts 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The column (of the expanded rows) that says how precise the coordinates are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
    /// Values of `precision` drawn as hollow points (only the region is known).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hollow: Vec<String>,
    /// The column of place ids (its first item is the place the coordinates are of) that names
    /// the map's markers from release format 6. Absent: the foreign key whose `expand` gives
    /// the coordinates, or the coordinates themselves when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// A column of the expanded rows holding the place's name, for the markers' labels (from
    /// release format 6); absent, markers are labelled by their place ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteGroup {
    pub label: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteSeries {
    pub label: String,
    pub columns: Vec<String>,
}

/// The newest bundle layout this toolkit writes (see [`Metadata::release_format`]):
/// 1. the tables, their exports, the codebook and the citation;
/// 2. foreign keys expanded in the typed exports, link tables, GeoJSON, the complete citation;
/// 3. the page (`site/`) and the pictures (`timeline.svg`, `map.svg`);
/// 4. the page lays out only the rows it shows (the whole table is kept for readers without
///    JavaScript) and the sections below the first screen when they come into view;
/// 5. the pinned source texts, the quotes on the page, bounds from claims in the typed exports;
/// 6. the vocabularies of list columns' items: listed in the codebook, and dictionary-encoded
///    items (categories) in the Parquet files; the tables in other datasets' layouts that the
///    metadata declares (`layouts`: ACLED's export, UCDP GED's), with what each loses in the
///    README and the Frictionless descriptor, and the typed columns it adds (`typed_columns`:
///    UCDP's `where_prec`, the PRIO-GRID cell); pictures for every reader and any dataset: a
///    map of places (one marker per place or merged neighbours, each a link) on a basemap
///    clipped to the data's extent, a timeline with labelled marks, colour-blind-safe colours
///    and text readable on a phone; the page for everyone: labels from the schemas' titles,
///    search over ids, dates, places, actors and notes, filters by actor, date range and place
///    kept in the URL, charts that follow the filters, the shown rows as CSV, an event card
///    that leads with the event, a phone layout, print and dark styles, downloads with a
///    "start here", and no Timeline or Map section without the metadata's `site` section.
pub const RELEASE_FORMAT: u32 = 6;

impl Metadata {
    /// The bundle layout of this dataset: 1 when the metadata names none.
    pub fn release_format(&self) -> u32 {
        self.release_format.unwrap_or(1)
    }

    /// The bundle layout of this dataset, asked what it holds (see [`ReleaseFormat`]).
    pub fn format(&self) -> ReleaseFormat {
        ReleaseFormat(self.release_format())
    }

    /// Whether `typed_columns` adds columns to the typed exports of `table` (release format 6
    /// on): then they are built from every table ([`crate::release::tables::Tables::load`]).
    pub fn adds_typed_columns(&self, table: &str) -> bool {
        self.format().has_layouts()
            && self
                .typed_columns
                .as_ref()
                .is_some_and(|t| t.table == table)
    }
}

/// A bundle layout (see [`RELEASE_FORMAT`]), asked by what each number brought rather than by
/// comparing numbers, so that a reader sees which bytes a check keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReleaseFormat(pub u32);

impl ReleaseFormat {
    /// The layout's number, as `dataset.json` writes it.
    pub fn number(self) -> u32 {
        self.0
    }

    /// Format 2: foreign keys expanded in the typed exports, link tables, GeoJSON, every
    /// category in the Parquet files, and the README's sources, coverage and fuller loading
    /// and citation sections.
    pub fn has_expansions(self) -> bool {
        self.0 >= 2
    }

    /// Format 2 also: the complete citation (CFF with authors' identifiers, sources to credit,
    /// the DOI of the version) and the coverage of the source's totals.
    pub fn has_full_citation(self) -> bool {
        self.0 >= 2
    }

    /// Format 3: the page (`site/`) and the pictures (`timeline.svg`, `map.svg`).
    pub fn has_site(self) -> bool {
        self.0 >= 3
    }

    /// Format 4: the page lays out only the rows it shows, with its format 4 stylesheet and
    /// script (format 3 pages keep the ones they were published with).
    pub fn has_lazy_page(self) -> bool {
        self.0 >= 4
    }

    /// Format 5: the source texts the metadata pins (under `texts/`), the event record's
    /// quotes on the page, low and high bounds from the claims in the typed exports, and
    /// README loading code that runs on the bundle as built.
    pub fn has_evidence(self) -> bool {
        self.0 >= 5
    }

    /// Format 6: the items of a list column with a string vocabulary are dictionary-encoded in
    /// the Parquet files (`List<Dictionary<Int32, Utf8>>`, the whole vocabulary in codebook
    /// order in the dictionary pages and the category metadata), so that pandas, pyarrow and
    /// polars read them as categories.
    pub fn has_list_dictionaries(self) -> bool {
        self.0 >= 6
    }

    /// Format 6: the tables in other datasets' layouts the metadata declares (`layouts`), in
    /// the bundle, its checksums, its descriptor and its README (with what each layout loses),
    /// and the columns `typed_columns` adds to the typed exports.
    pub fn has_layouts(self) -> bool {
        self.0 >= 6
    }

    /// Format 6: the pictures of `src/release/site/svg/format6`: a map of places drawn on the
    /// basemap clipped to the data's extent (none without coordinates), whose markers are
    /// links, and a timeline with labelled marks and month targets, in colour-blind-safe
    /// colours, with captions naming only what the dataset has.
    pub fn has_accessible_pictures(self) -> bool {
        self.0 >= 6
    }

    /// Format 6 also: the codebook lists the vocabulary of a list column's items as it lists a
    /// vocabulary column's.
    pub fn has_list_vocabularies(self) -> bool {
        self.0 >= 6
    }

    /// Format 6: the page for everyone (see [`RELEASE_FORMAT`]), with its own template,
    /// stylesheet and script; format 5 pages keep the ones they were published with.
    pub fn has_page_for_everyone(self) -> bool {
        self.0 >= 6
    }
}

/// The metadata of a dataset, with the paths it names resolved.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The metadata file.
    pub path: PathBuf,
    pub meta: Metadata,
}

impl Dataset {
    /// Reads `dataset/dataset.json` under a repository root.
    pub fn open(root: &Path) -> Result<Dataset> {
        Dataset::load_within(&join(root, METADATA_PATH), root)
    }

    /// Reads a metadata file: `<root>/dataset/dataset.json` of a repository, or the
    /// `dataset.json` at the top of a bundle. Every path it names must stay inside that root.
    pub fn load(path: &Path) -> Result<Dataset> {
        let parent = path.parent().unwrap_or(Path::new(""));
        let root = if path.ends_with(METADATA_PATH) {
            parent.parent().unwrap_or(Path::new(""))
        } else {
            parent
        };
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        Dataset::load_within(path, root)
    }

    /// Reads a metadata file whose paths must all stay inside `root`.
    pub fn load_within(path: &Path, root: &Path) -> Result<Dataset> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let meta: Metadata = serde_json::from_str(&text).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            source: e,
        })?;
        let fail = |message: String| Error::Metadata {
            path: path.to_path_buf(),
            message,
        };
        if meta.resources.is_empty() {
            return Err(fail(
                "\"resources\" is empty: name at least one table".into(),
            ));
        }
        for (i, r) in meta.resources.iter().enumerate() {
            file_token(&r.name).map_err(|why| {
                fail(format!(
                    "\"resources\"[{i}].\"name\" is {}: {why}; a table's name makes its file names ({{name}}.csv, {{name}}.parquet, …)",
                    crate::table::text::shown(&r.name)
                ))
            })?;
            if meta.resources[..i].iter().any(|o| o.name == r.name) {
                return Err(fail(format!("resource name {:?} is used twice", r.name)));
            }
        }
        if let (Some(s), Some(e)) = (meta.coverage.start, meta.coverage.end) {
            if s > e {
                return Err(fail(format!("coverage starts ({s}) after it ends ({e})")));
            }
        }
        if !(1..=RELEASE_FORMAT).contains(&meta.release_format()) {
            return Err(fail(format!(
                "\"release_format\" is {}, but this toolkit writes formats 1 to {RELEASE_FORMAT}: use a newer aabc",
                meta.release_format()
            )));
        }
        check_texts(&meta).map_err(fail)?;
        check_identifiers(&meta).map_err(fail)?;
        layouts::check_layouts(&meta.layouts, meta.typed_columns.as_ref()).map_err(fail)?;
        check_paths(&meta, root, path.parent().unwrap_or(Path::new(""))).map_err(fail)?;
        Ok(Dataset {
            path: path.to_path_buf(),
            meta,
        })
    }

    /// The directory of the metadata file, against which resource paths are resolved.
    pub fn dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Path of a resource's CSV file.
    pub fn data_path(&self, r: &Resource) -> PathBuf {
        join(&self.dir(), &r.path)
    }

    /// Path of a resource's row schema.
    pub fn schema_path(&self, r: &Resource) -> PathBuf {
        join(&self.dir(), &r.schema)
    }

    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.meta.resources.iter().find(|r| r.name == name)
    }

    /// The resource named `name`, or why not.
    pub fn table(&self, name: &str) -> Result<&Resource> {
        self.resource(name).ok_or_else(|| Error::NotFound {
            what: "table",
            name: name.to_string(),
            within: self.place().to_string(),
        })
    }

    /// Where the metadata was read, for messages: "the dataset" (a repository's
    /// `dataset/dataset.json`) or "the bundle" (the `dataset.json` at the top of a release).
    pub fn place(&self) -> &'static str {
        if self.is_bundle() {
            "the bundle"
        } else {
            "the dataset"
        }
    }

    /// Whether the metadata is a release bundle's (`dataset.json` at its top), whose tables
    /// include those a release derived (its link tables), rather than a repository's.
    pub fn is_bundle(&self) -> bool {
        !self.path.ends_with(METADATA_PATH)
    }
}

/// Texts go into citations (BibTeX, RIS, CFF) and file names: no control characters, line
/// separators, bidirectional controls or invisible characters (line breaks only where a text
/// may span lines), and name and version plain tokens.
/// Texts that go into citations and file names must be plain: no control, invisible or bidi
/// characters, and a name and version that are plain tokens.
pub fn check_texts(meta: &Metadata) -> std::result::Result<(), String> {
    use crate::table::text::{is_bidi_control, is_line_separator, is_zero_width};
    let odd =
        |c: char| c.is_control() || is_line_separator(c) || is_bidi_control(c) || is_zero_width(c);
    for (what, text, multiline) in texts(meta) {
        if let Some(c) = text
            .chars()
            .find(|&c| odd(c) && !(multiline && (c == '\n' || c == '\t')))
        {
            return Err(format!(
                "{what} holds the invisible or control character U+{:04X} ({}); citations and the release files need {what} as plain text{}",
                c as u32,
                crate::table::text::shown(text),
                if multiline { "" } else { " on one line" }
            ));
        }
    }
    // Name and version make the bundle's file names: plain tokens only, no path.
    for (what, v) in [("name", &meta.name), ("version", &meta.version)] {
        let plain = v.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'));
        if !plain {
            return Err(format!(
                "{what} {} is not a plain token: use letters, digits, '.', '-', '_' and '+' (it names the release files)",
                crate::table::text::shown(v)
            ));
        }
    }
    Ok(())
}

/// Refuses a name that becomes a file name (a table's, a link table's) unless it is a plain
/// token: lowercase ASCII letters, digits, `_`, `-` and `.`, starting with a letter or a digit,
/// without `..`. Such a name cannot climb out of the folder it is written into, be an absolute
/// path, pass for an option (`-x`), or differ from another only by case (case-insensitive file
/// systems). Returns why, in words, for the caller to name the field.
pub fn file_token(name: &str) -> std::result::Result<(), String> {
    const RULE: &str = "use lowercase letters, digits, '_', '-' and '.', starting with a letter or a digit, without \"..\"";
    let first = name.bytes().next();
    let plain = first.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
        })
        && !name.contains("..");
    if plain {
        Ok(())
    } else if name.is_empty() {
        Err(format!("empty: {RULE}"))
    } else {
        Err(format!("not a plain name: {RULE}"))
    }
}

/// The text of an optional field, unless it is empty.
pub fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Every path the metadata names stays inside `root` (see [`crate::table::paths::inside`]); `dir` is
/// the metadata file's directory, against which they are written.
fn check_paths(meta: &Metadata, root: &Path, dir: &Path) -> std::result::Result<(), String> {
    for (what, rel) in named_paths(meta) {
        if rel.chars().any(char::is_control) {
            return Err(format!(
                "{what} {} holds a control character; name the file plainly",
                crate::table::text::shown(rel)
            ));
        }
        crate::table::paths::inside(root, dir, rel).map_err(|why| {
            format!(
                "{what} {}: {why}; name a file inside {} with a relative path",
                crate::table::text::shown(rel),
                root.display()
            )
        })?;
    }
    Ok(())
}

/// Every text of the metadata that goes into citations and release files, with what it is and
/// whether it may span lines.
fn texts(meta: &Metadata) -> Vec<(String, &str, bool)> {
    let mut out = vec![
        ("name".to_string(), meta.name.as_str(), false),
        ("title".to_string(), meta.title.as_str(), false),
        ("version".to_string(), meta.version.as_str(), false),
        ("description".to_string(), meta.description.as_str(), true),
    ];
    if let Some(a) = &meta.attribution {
        out.push(("attribution".to_string(), a.as_str(), true));
    }
    for l in &meta.licenses {
        out.push(("a licence name".to_string(), l.name.as_str(), false));
        for t in [&l.title, &l.path].into_iter().flatten() {
            out.push(("a licence title or path".to_string(), t.as_str(), false));
        }
    }
    for c in &meta.creators {
        out.push(("a creator name".to_string(), c.name.as_str(), false));
        for t in [&c.orcid, &c.given_names, &c.family_names, &c.affiliation]
            .into_iter()
            .flatten()
        {
            out.push((
                "a creator's ORCID, names or affiliation".to_string(),
                t.as_str(),
                false,
            ));
        }
    }
    for (what, t) in [
        ("publisher", &meta.publisher),
        ("homepage", &meta.homepage),
        ("doi", &meta.doi),
    ] {
        if let Some(t) = t {
            out.push((what.to_string(), t.as_str(), false));
        }
    }
    if let Some(u) = &meta.unit_of_analysis {
        out.push(("unit_of_analysis".to_string(), u.as_str(), true));
    }
    for l in &meta.licenses {
        if let Some(n) = &l.notice {
            out.push(("a licence notice".to_string(), n.as_str(), true));
        }
    }
    if let Some(t) = &meta.coverage.totals {
        out.push((
            "coverage.totals.source".to_string(),
            t.source.as_str(),
            false,
        ));
        for f in &t.figures {
            for x in [&f.side, &f.category, &f.section]
                .into_iter()
                .chain(&f.note)
            {
                out.push(("a coverage total's text".to_string(), x.as_str(), false));
            }
        }
    }
    for k in &meta.keywords {
        out.push(("a keyword".to_string(), k.as_str(), false));
    }
    for src in &meta.sources {
        out.push(("a source title".to_string(), src.title.as_str(), false));
        for t in src.path.iter().chain(&src.authors) {
            out.push(("a source path or author".to_string(), t.as_str(), false));
        }
        for t in [
            &src.container,
            &src.kind,
            &src.used_for,
            &src.license,
            &src.license_url,
        ]
        .into_iter()
        .flatten()
        {
            out.push((
                "a source's type, use or licence".to_string(),
                t.as_str(),
                false,
            ));
        }
        if let Some(n) = &src.notice {
            out.push(("a source's notice".to_string(), n.as_str(), true));
        }
    }
    out
}

/// Every path the metadata names that the tool may read, with what it is.
fn named_paths(meta: &Metadata) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for r in &meta.resources {
        out.push((format!("table {:?}: path", r.name), r.path.as_str()));
        out.push((format!("table {:?}: schema", r.name), r.schema.as_str()));
    }
    if let Some(rel) = &meta.releases {
        out.push(("releases.record".to_string(), rel.record.as_str()));
        out.push(("releases.retired".to_string(), rel.retired.as_str()));
        if let Some(s) = &rel.retired_schema {
            out.push(("releases.retired_schema".to_string(), s.as_str()));
        }
    }
    for s in &meta.sources {
        if let Some(t) = &s.text {
            out.push((format!("source {:?}: text", s.title), t.path.as_str()));
        }
    }
    for l in &meta.licenses {
        // A licence path is often a URL, which the tool never opens; a file path must stay in.
        if let Some(p) = l.path.as_deref().filter(|p| !p.contains("://")) {
            out.push((format!("licence {:?}: path", l.name), p));
        }
    }
    out
}

/// Joins paths the way a user would write them: `.` as a base disappears, `a/../b` collapses,
/// so that messages show `dataset/events.csv` rather than `./dataset/../dataset/events.csv`.
pub fn join(base: &Path, rel: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for part in base.join(rel).components() {
        use std::path::Component;
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                if matches!(last, Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_keeps_paths_readable() {
        assert_eq!(
            join(Path::new("."), "dataset/events.csv"),
            Path::new("dataset/events.csv")
        );
        assert_eq!(
            join(Path::new("./dataset"), "../schema/e.json"),
            Path::new("schema/e.json")
        );
        assert_eq!(
            join(Path::new("/r/dataset"), "../schema/e.json"),
            Path::new("/r/schema/e.json")
        );
        assert_eq!(join(Path::new(".."), "x"), Path::new("../x"));
    }

    #[test]
    fn file_tokens_are_plain_names() {
        for ok in ["events", "event_actors", "places-2", "v1.0", "9x"] {
            assert!(file_token(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "/x", "../x", "a/b", "a\\b", "-x", ".x", "a..b", "Events", "a b", "é",
        ] {
            assert!(file_token(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shipped_metadata_reads() {
        let d = Dataset::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(d.resource("events").is_some());
        assert!(d.meta.coverage.start.is_some());
    }
}
