//! The README of a release bundle: what the dataset is, its sources, the table of its files,
//! how to load the data (per release format), the link tables and convenience columns, the
//! figures, the coverage of the source's totals, the citation and the codebook. Every line is
//! read from the metadata, the schemas and the tables.

use crate::error::Result;
use crate::release::export;
use crate::release::export::link::ROLE;
use crate::release::tables::Tables;
use crate::schema::metadata::Metadata;
use crate::schema::Kind;
use chrono::NaiveDate;

/// The bundle's README: what it is, how to cite and load it, its figures and its codebook.
pub fn readme(meta: &Metadata, released: NaiveDate, tables: &Tables) -> Result<String> {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "# {} — version {}\n", meta.title, meta.version);
    let _ = writeln!(s, "Released {released}.\n\n{}\n", meta.description);
    if let Some(a) = &meta.attribution {
        let _ = writeln!(s, "{a}\n");
    }
    let v2 = meta.format().has_expansions();
    if v2 {
        s.push_str(&crate::release::citation::readme_sources(meta));
    }
    readme_files(&mut s, meta, tables);
    if v2 {
        loading(&mut s, meta, tables);
    } else {
        loading_format1(&mut s, &tables[0].name);
    }
    readme_links(&mut s, meta, tables);
    if let Some(spec) = &meta.summary {
        if let Some(t) = tables.find(&spec.table) {
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
    if meta.format().has_evidence() {
        s.push_str(&crate::release::codebook::best_estimate(meta));
    }
    for t in tables.iter() {
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
fn readme_files(s: &mut String, meta: &Metadata, tables: &Tables) {
    use std::fmt::Write as _;
    let _ = writeln!(s, "## Files\n");
    let _ = writeln!(s, "| file | contents |\n|---|---|");
    for t in tables.iter() {
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
        if t.has_geojson(meta) {
            let _ = writeln!(
                s,
                "| `{0}.geojson` | {1} as GeoJSON (RFC 7946): one feature per row, a point `[longitude, latitude]` in WGS 84, or no geometry when the row has no coordinates; properties as in `{0}.json` |",
                t.name, title
            );
        }
        if t.expansion.is_some() {
            let _ = writeln!(
                s,
                "| `{}` | JSON Schema of a row of the typed exports of `{}` (Parquet, JSON, JSON Lines, GeoJSON), which add convenience columns from the tables its lists reference |",
                t.expanded_schema_file(),
                t.name
            );
        }
    }
    if meta.format().has_site() && meta.site.is_some() {
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
fn readme_links(s: &mut String, meta: &Metadata, tables: &Tables) {
    use std::fmt::Write as _;
    for t in tables.iter() {
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
        if t.expansion.is_some() {
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
                    if t.has_geojson(meta) { ", GeoJSON" } else { "" },
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
fn readme_coverage(meta: &Metadata, tables: &Tables) -> Result<String> {
    let Some(totals) = &meta.coverage.totals else {
        return Ok(String::new());
    };
    let t = tables.get(&totals.table)?;
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
fn loading(s: &mut String, meta: &Metadata, tables: &Tables) {
    use std::fmt::Write as _;
    let t = &tables[0];
    let first = &t.name;
    let schema = t.typed_schema();
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
    if t.has_geojson(meta) {
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
