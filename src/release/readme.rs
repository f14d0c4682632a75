//! The README of a release bundle: what the dataset is, its sources, the table of its files,
//! how to load the data (per release format), the link tables and convenience columns, how to
//! check a figure against its quote (release format 5 on), the figures, the coverage of the
//! source's totals, the citation and the codebook. Every line is read from the metadata, the
//! schemas and the tables; every code block runs on the real bundle in the tests
//! (`tests/it/readme_blocks.rs`).

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
    if meta.format().has_layouts() {
        let written = crate::release::layout::write_all(meta, tables, released)?;
        s.push_str(&layouts(&written));
    }
    if meta.format().has_evidence() {
        s.push_str(&checking(meta, tables));
    }
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
    if meta.format().has_layouts() {
        for l in meta.layouts.values() {
            let _ = writeln!(
                s,
                "| `{}` | the rows of `{}` in {}: see \"Other datasets' layouts\" for what each column loses |",
                l.file, l.table, l.title
            );
        }
    }
    if meta.format().has_accessible_pictures() && meta.site.is_some() {
        // Words of no particular dataset: the pictures say what this one has.
        let _ = writeln!(
            s,
            "| `timeline.svg`, `map.svg` | the data as pictures: events per month by type, with the marked events labelled; the events by place on Natural Earth borders clipped to the data (`map.svg` only when rows have coordinates) |"
        );
    } else if meta.format().has_site() && meta.site.is_some() {
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
                Kind::String | Kind::List(_) => return None,
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
    let polars = if meta.format().has_evidence() {
        polars_enum(first, schema)
    } else {
        format!("{first} = pl.read_parquet(\"{first}.parquet\").with_columns(pl.col(c).cast(pl.Enum(v)) for c, v in cats.items())\n")
    };
    let _ = writeln!(
        s,
        "```python\n# pandas: dates as datetime64, counts as nullable integers, categoricals with every category\nimport pyarrow.parquet as pq\n{first} = pq.read_table(\"{first}.parquet\").to_pandas(date_as_object=False)\n# (a plain pd.read_parquet(\"{first}.parquet\") gives the same, with dates as datetime.date objects)\n\n# polars: vocabulary columns as Enum (every category, in codebook order)\nimport json\nimport polars as pl\ncats = json.loads(pl.read_parquet_metadata(\"{first}.parquet\")[\"aabc:categories\"])\n{polars}\n# polars from JSON Lines: look at every line, and give every typed column its type (dates as dates; a column may be blank on every line)\n{first} = pl.read_ndjson(\"{first}.jsonl\", infer_schema_length=None, schema_overrides={{{}}})\n```\n",
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
    if meta.format().has_evidence() {
        s.push_str(&r_csv(first, schema));
    } else {
        let _ = writeln!(
            s,
            "```r\n# R\nlibrary(arrow)\n{first} <- read_parquet(\"{first}.parquet\")\n```\n"
        );
    }
}

/// The polars line that makes vocabulary columns `Enum`s (release format 5 on). polars reads
/// a string vocabulary as `Categorical` but an integer one (a code list) as integers, and
/// refuses to cast integers to an `Enum`: only the categoricals are cast, and the integer
/// vocabularies, named from the schema, stay integers.
fn polars_enum(first: &str, schema: &crate::schema::Schema) -> String {
    let codes: Vec<String> = schema
        .columns
        .iter()
        .filter(|c| c.terms.is_some() && c.kind == Kind::Integer)
        .map(|c| format!("`{}`", c.name))
        .collect();
    let note = if codes.is_empty() {
        String::new()
    } else {
        format!(
            "# (integer codes keep their integer type: {})\n",
            codes.join(", ")
        )
    };
    format!(
        "{first} = pl.read_parquet(\"{first}.parquet\")\n{first} = {first}.with_columns(pl.col(c).cast(pl.Enum(v)) for c, v in cats.items() if {first}.schema[c] == pl.Categorical)\n{note}"
    )
}

/// The R block (release format 5 on): base R reads the canonical CSV, blank cells as `NA`,
/// and the date columns, named from the schema, become `Date`s. It needs no package, so it
/// runs wherever R does (the `arrow` package reads the Parquet file where it is installed).
fn r_csv(first: &str, schema: &crate::schema::Schema) -> String {
    let dates: Vec<String> = schema
        .columns
        .iter()
        .filter(|c| c.kind == Kind::Date)
        .map(|c| format!("\"{}\"", c.name))
        .collect();
    let mut r = format!(
        "```r\n# R: the canonical CSV, blank cells as NA (with the arrow package, arrow::read_parquet(\"{first}.parquet\") reads the typed file)\n{first} <- read.csv(\"{first}.csv\", na.strings = \"\", encoding = \"UTF-8\")\n"
    );
    if !dates.is_empty() {
        let cols = format!("c({})", dates.join(", "));
        r.push_str(&format!(
            "{first}[{cols}] <- lapply({first}[{cols}], as.Date)\n"
        ));
    }
    r.push_str("```\n\n");
    r
}

/// The README section on checking a figure (release format 5 on): the evidence table and its
/// quotes, the claims table, the pinned source texts with their SHA-256, the bounds columns
/// of the typed exports and `aabc trace`. Every name comes from the metadata's `sources[].text`,
/// `evidence` and `claims` blocks; empty when it has none of them.
fn checking(meta: &Metadata, tables: &Tables) -> String {
    use std::fmt::Write as _;
    let texts: Vec<String> = meta
        .sources
        .iter()
        .filter_map(|src| {
            let t = src.text.as_ref()?;
            let name = src.name.as_deref().unwrap_or(&src.title);
            Some(format!(
                "- `{}`: the text of `{name}` ({}), version {}, SHA-256 `{}` (`sha256sum {}` shows it)",
                t.path, src.title, t.version, t.sha256, t.path
            ))
        })
        .collect();
    if texts.is_empty() && meta.evidence.is_none() && meta.claims.is_none() {
        return String::new();
    }
    let mut s = String::from("## Checking a figure\n\n");
    let _ = writeln!(
        s,
        "Each figure can be traced to the words of its source, with what the bundle carries:\n"
    );
    if let Some(e) = &meta.evidence {
        let claimant = e
            .claimant
            .as_ref()
            .map(|c| format!(", `{c}` who makes the claim (blank when the passage names no one)"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "- `{}.csv`: the passages behind the rows of `{}`, one per row: `{}` names the row, `{}` the columns of `{}` the passage supports, `{}` the source document{claimant}, and `{}` the passage itself, verbatim (white space may differ).",
            e.table, e.of, e.key, e.columns, e.of, e.document, e.quote
        );
    }
    if let Some(c) = &meta.claims {
        let claimant = c
            .claimant
            .as_ref()
            .map(|x| {
                format!(", `{x}` who claims it (blank when the source says it in its own voice)")
            })
            .unwrap_or_default();
        let evidence = c
            .evidence
            .as_ref()
            .map(|x| format!(", and `{x}` the passage that states it"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "- `{}.csv`: every figure claimed for a row of `{}`: `{}` the row, `{}` the figure column, `{}` the number, `{}` how it was given (`exact`, `at_least`, `approximate` or `up_to`){claimant}{evidence}. The figure columns hold one value per row: {}",
            c.table, c.of, c.key, c.column, c.value, c.qualifier, c.best_estimate
        );
        if !c.bounds.is_empty() {
            let cols: Vec<String> = c.bounds.iter().map(|b| format!("`{b}`")).collect();
            let _ = writeln!(
                s,
                "- The typed exports of `{}` (Parquet, JSON, JSON Lines) add `<column>_low` and `<column>_high` after {}: the lowest and highest of the claims.",
                c.of,
                cols.join(", ")
            );
        }
    }
    for t in &texts {
        let _ = writeln!(s, "{t}");
    }
    if let (Some(e), Some(c)) = (&meta.evidence, &meta.claims) {
        s.push_str(&quoted_claims(e, c, tables));
    }
    let of = meta
        .evidence
        .as_ref()
        .map(|e| e.of.as_str())
        .or_else(|| meta.claims.as_ref().map(|c| c.of.as_str()))
        .unwrap_or(&tables[0].name);
    let _ = writeln!(
        s,
        "\n`aabc trace ID` (in the dataset's repository) prints a row of `{of}` with each figure's claims and quotes.\n"
    );
    s
}

/// A pandas block that joins the claims to the quotes that state them (when the claims name
/// their evidence and the evidence table has a one-column key).
fn quoted_claims(
    e: &crate::schema::metadata::Evidence,
    c: &crate::schema::metadata::Claims,
    tables: &Tables,
) -> String {
    let Some(via) = &c.evidence else {
        return String::new();
    };
    let Some(t) = tables.find(&e.table) else {
        return String::new();
    };
    let [pk] = t.schema.primary_key.as_slice() else {
        return String::new();
    };
    let pk = &t.schema.columns[*pk].name;
    format!(
        "\n```python\n# Each claim with the passage that states it (pandas)\nimport pandas as pd\n{ev} = pd.read_csv(\"{ev}.csv\", dtype=str, keep_default_na=False)\n{cl} = pd.read_csv(\"{cl}.csv\", dtype=str, keep_default_na=False)\nquoted = {cl}.merge({ev}, left_on=\"{via}\", right_on=\"{pk}\", suffixes=(\"\", \"_{ev}\"))\nprint(quoted[[\"{key}\", \"{col}\", \"{value}\", \"{qual}\", \"{quote}\"]])\n```\n",
        ev = e.table,
        cl = c.table,
        key = c.key,
        col = c.column,
        value = c.value,
        qual = c.qualifier,
        quote = e.quote,
    )
}

/// The layouts of the bundle (release format 6 on): for each, the rows it keeps and the ids it
/// leaves out with why, and column by column what it carries exactly, approximates or loses.
fn layouts(written: &[crate::release::layout::Written]) -> String {
    use std::fmt::Write as _;
    if written.is_empty() {
        return String::new();
    }
    let mut s = String::from("## Other datasets' layouts\n\n");
    s.push_str("Each file below holds rows of a table in another dataset's layout, with its columns in that dataset's order, so that the rows can be appended to its data. The metadata declares each column (`layouts` in `dataset.json`); a cell is blank where the column gives nothing, and integer columns hold integers only.\n\n");
    for w in written {
        let l = &w.layout;
        let _ = writeln!(s, "### `{}`: {}\n", l.file, l.title);
        let _ = write!(s, "{} rows of `{}`.", w.rows, l.table);
        if !w.left_out.is_empty() {
            let ids: Vec<String> = w.left_out.iter().map(|i| format!("`{i}`")).collect();
            let _ = write!(
                s,
                " {} left out. {} Left out: {}.",
                w.left_out.len(),
                l.left_out.as_deref().unwrap_or(""),
                ids.join(", ")
            );
        }
        s.push_str("\n\n| column | type | carried | how, and what is lost |\n|---|---|---|---|\n");
        for c in &w.program.columns {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                c.name,
                c.kind.name(),
                c.fidelity.name(),
                c.note.replace('|', "\\|")
            );
        }
        s.push('\n');
    }
    s
}
