//! The codebook: a Markdown description of every column of a table (type, whether it may be
//! blank, meaning, allowed values with their definitions) and of its declared rules, generated
//! from the row schema so that it can never disagree with what the validator enforces.
//!
//! Release format 1 shows whether a column may be blank ("yes"/"no"); from format 2 the table
//! says what a blank cell means, for typed columns (`x-blank`) as for vocabularies, and the
//! dataset's unit of analysis comes first. From format 6 the vocabulary of a list column's
//! items is listed as a vocabulary column's is.

use crate::error::Result;
use crate::schema::metadata::{nonempty, Dataset, Metadata, ReleaseFormat};
use crate::schema::{Aggregate, Kind, RuleSpec, Schema};
use crate::validate::report::code_span;
use std::fmt::Write;

/// The codebook of every table of a dataset (what `aabc codebook` prints), in the layout of
/// its release format.
pub fn of_dataset(dataset: &Dataset) -> Result<String> {
    let mut out = format!(
        "# Codebook: {}\n\nGenerated from the JSON Schemas by `aabc codebook`; do not edit by hand.\n\n",
        dataset.meta.title
    );
    let format = dataset.meta.release_format();
    if format >= 2 {
        out.push_str(&unit_of_analysis(&dataset.meta));
    }
    out.push_str(&best_estimate(&dataset.meta));
    for r in &dataset.meta.resources {
        let schema = Schema::load(&dataset.schema_path(r))?;
        let title = schema.title.clone().unwrap_or_else(|| r.name.clone());
        out.push_str(&markdown_for(
            format,
            &schema,
            &format!("`{}` ({title})", r.path),
        ));
        out.push('\n');
    }
    Ok(out)
}

/// Markdown codebook of one table as release format 1 wrote it; `heading` is the level-2
/// heading text.
pub fn markdown(schema: &Schema, heading: &str) -> String {
    markdown_for(1, schema, heading)
}

/// The dataset-level part of the codebook (release format 2): what one row is.
pub fn unit_of_analysis(meta: &Metadata) -> String {
    match nonempty(&meta.unit_of_analysis) {
        Some(u) => format!("## Unit of analysis\n\n{u}\n\n"),
        None => String::new(),
    }
}

/// The dataset-level part of the codebook that the metadata's `claims` block brings: how a
/// figure column's value is chosen among the claims, and how the typed exports' low and high
/// bounds are derived from them (see [`crate::release::export::bounds`]).
pub fn best_estimate(meta: &Metadata) -> String {
    let Some(c) = &meta.claims else {
        return String::new();
    };
    let mut s = format!(
        "## Best estimate and bounds\n\n{}\n\n",
        c.best_estimate.trim()
    );
    if c.bounds.is_empty() {
        return s;
    }
    let columns: Vec<String> = c.bounds.iter().map(|b| format!("`{b}`")).collect();
    let _ = write!(
        s,
        "Each row of `{t}` gives a range by its `{q}`: `exact` v gives [v, v]; `approximate` v gives [v, v] too (approximate figures are taken at face value); `at_least` v gives v and no upper bound; `up_to` v gives [0, v]. \
The typed exports (Parquet, JSON, JSON Lines, GeoJSON) add `<column>_low` and `<column>_high` right after each of {cols}. \
For a row and column, low is the lowest low of its claims; high is the highest high when at least one claim has one and it is not below any `at_least` value, and blank otherwise: conflicting claims give the range, and \"at least N\" leaves the high blank unless another claim bounds it. \
A column with no claim of its own that is the total of a `sum` rule adds up the bounds of its parts that have a figure (its high only when each of them has one). \
A figure with no claim is taken as stated ([v, v]); a blank figure with no claim has blank bounds.\n\n",
        t = c.table,
        q = c.qualifier,
        cols = columns.join(", ")
    );
    s
}

/// Markdown codebook of one table in the layout of `release_format`.
pub fn markdown_for(release_format: u32, schema: &Schema, heading: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {heading}\n");
    if let Some(d) = &schema.description {
        let _ = writeln!(s, "{d}\n");
    }
    let blank_header = if release_format >= 2 {
        "blank means"
    } else {
        "blank allowed"
    };
    let _ = writeln!(s, "| # | column | type | {blank_header} | meaning |");
    let _ = writeln!(s, "|---|---|---|---|---|");
    for (i, c) in schema.columns.iter().enumerate() {
        let kind = match (c.kind, &c.terms) {
            (Kind::String, Some(_)) => "vocabulary".to_string(),
            (k @ Kind::List(_), _) => format!("{}, separated by `{}`", k.name(), c.delimiter),
            (Kind::Boolean, _) if !c.booleans.is_default() => boolean_spellings(&c.booleans),
            (k, _) => k.name().to_string(),
        };
        let blank = match (release_format >= 2, c.nullable) {
            (false, true) => "yes".to_string(),
            (false, false) => "no".to_string(),
            (true, false) => "(never blank)".to_string(),
            (true, true) => match &c.null_description {
                Some(n) => cell(n),
                None => "(may be blank; meaning not stated)".to_string(),
            },
        };
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} | {} |",
            i + 1,
            c.name,
            kind,
            blank,
            cell(c.description.as_deref().unwrap_or(""))
        );
    }
    let items = ReleaseFormat(release_format).has_list_vocabularies();
    let vocabularies = schema.columns.iter().filter_map(|c| {
        let terms = c.terms.as_ref().or(c.item_terms.as_ref().filter(|_| items));
        Some((c, terms?))
    });
    for (c, terms) in vocabularies {
        let _ = writeln!(s, "\n### `{}` values\n", c.name);
        let titled = terms.iter().any(|t| t.title.is_some());
        if titled {
            let _ = writeln!(s, "| value | name | definition |\n|---|---|---|");
        } else {
            let _ = writeln!(s, "| value | definition |\n|---|---|");
        }
        for t in terms {
            let def = cell(t.description.as_deref().unwrap_or(""));
            if titled {
                let _ = writeln!(
                    s,
                    "| `{}` | {} | {} |",
                    t.value,
                    cell(t.title.as_deref().unwrap_or("")),
                    def
                );
            } else {
                let _ = writeln!(s, "| `{}` | {} |", t.value, def);
            }
        }
        if let Some(n) = &c.null_description {
            if titled {
                let _ = writeln!(s, "| (blank) | | {} |", cell(n));
            } else {
                let _ = writeln!(s, "| (blank) | {} |", cell(n));
            }
        }
    }
    s.push_str(&typed_exports(schema));
    let rules = rules(schema);
    if !rules.is_empty() {
        let _ = writeln!(s, "\n### Rules\n");
        for r in rules {
            let _ = writeln!(s, "- {r}");
        }
    }
    s
}

/// What the typed exports add after each list column whose `expand` draws on every item (an
/// `aggregate`); empty for a schema without one, whose codebook stays as it was published.
fn typed_exports(schema: &Schema) -> String {
    let aggregates =
        |fk: &&crate::schema::ForeignKey| fk.expand.iter().any(|e| e.aggregate.is_some());
    if !schema.foreign_keys.iter().any(|fk| aggregates(&fk)) {
        return String::new();
    }
    let mut s = "\n### Columns the typed exports add\n\n".to_string();
    for fk in schema
        .foreign_keys
        .iter()
        .filter(|fk| !fk.expand.is_empty())
    {
        let list = &schema.columns[fk.field].name;
        let r = &fk.resource;
        let added: Vec<String> = fk
            .expand
            .iter()
            .map(|e| {
                let (n, f) = (&e.name, &e.field);
                match &e.aggregate {
                    None => format!("`{n}` ({r}.{f} of the first item)"),
                    Some(Aggregate::Coarsest { spread }) => {
                        let least = spread.as_ref().map_or(String::new(), |(sp, v)| {
                            format!("; at least `{v}` when the items have more than one {sp}")
                        });
                        format!("`{n}` (the coarsest {r}.{f} among all items: the last in its order{least})")
                    }
                    Some(Aggregate::Distinct) => {
                        format!("`{n}` (every {r}.{f} of the items, in their order, without repeats: a list)")
                    }
                }
            })
            .collect();
        let _ = writeln!(s, "- after `{list}`: {}.", added.join(", "));
    }
    s
}

/// A boolean column's declared spellings, for its type cell: `boolean: true is `True`, false
/// is `False``. The default spellings are not stated, so published codebooks stay as they were.
fn boolean_spellings(b: &crate::schema::Spellings) -> String {
    let spans = |list: &[String]| {
        let spans: Vec<String> = list.iter().map(|v| cell(&code_span(v))).collect();
        spans.join(" or ")
    };
    format!(
        "boolean: true is {}, false is {}",
        spans(&b.true_values),
        spans(&b.false_values)
    )
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// One line per table rule, in words.
fn rules(schema: &Schema) -> Vec<String> {
    let n = |i: &usize| format!("`{}`", schema.columns[*i].name);
    let list = |v: &[usize]| v.iter().map(n).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    if !schema.primary_key.is_empty() {
        out.push(format!(
            "`primary-key`: {} is unique.",
            list(&schema.primary_key)
        ));
    }
    if !schema.sort_key.is_empty() {
        out.push(format!(
            "`sort-order`: rows are sorted by {}.",
            list(&schema.sort_key)
        ));
    }
    for fk in &schema.foreign_keys {
        out.push(format!(
            "`foreign-key`: every item of {} is a `{}` of the {} table.",
            n(&fk.field),
            fk.reference_field,
            fk.resource
        ));
    }
    for (i, r) in schema.rules.iter().enumerate() {
        let line = match r {
            RuleSpec::DateOrder { id, start, end } => format!("`{id}`: {} is on or after {}.", n(end), n(start)),
            RuleSpec::DatePrecision { id, start, end, precision } => format!(
                "`{id}`: {} and {} fit {}: `month` spans the first to the last day of one month, `year` of one year.",
                n(start),
                n(end),
                n(precision)
            ),
            RuleSpec::DateCoverage { id, fields } => {
                format!("`{id}`: {} lie inside the dataset's coverage and not in the future.", list(fields))
            }
            RuleSpec::Sum { id, total, parts } => format!(
                "`{id}`: whenever any of them is given, {} equals the sum of {} (blank counts as 0).",
                n(total),
                list(parts)
            ),
            RuleSpec::PresentIffAny { id, field, any } => {
                format!("`{id}`: {} is filled exactly when any of {} is.", n(field), list(any))
            }
            RuleSpec::PresentIfAny { id, field, any } => {
                format!("`{id}`: {} is filled whenever any of {} is.", n(field), list(any))
            }
            RuleSpec::OnlyWhen { id, fields, column, values } => format!(
                "`{id}`: each of {} is blank unless {} is {}.",
                list(fields),
                n(column),
                in_words(values)
            ),
            RuleSpec::CodePrefix { id, field, prefix, separator } => {
                format!("`{id}`: {} starts with {} followed by `{separator}`.", n(field), n(prefix))
            }
            RuleSpec::TitleOf { id, field, code } => format!("`{id}`: {} is the name of the code in {}.", n(field), n(code)),
            RuleSpec::Trimmed { id } => format!("`{id}`: no cell has leading or trailing whitespace."),
            RuleSpec::NoFormula { id } => {
                format!("`{id}`: no cell starts with `=`, `+`, `-` or `@` unless it is a number (spreadsheet formula injection).")
            }
            RuleSpec::ForbidWhen(f) => format!(
                "`{}`: {} (when {} is {}, {} is not {}).",
                f.id,
                cell(f.description.trim_end_matches('.')),
                n(&f.if_column),
                in_words(&f.if_values),
                n(&f.then_column),
                in_words(&f.then_values)
            ),
            RuleSpec::Count(c) => format!(
                "`{}`: {} (`{}` is the number of rows of {} whose `{}` cite the row; a blank count is not checked).",
                c.id,
                cell(c.description.trim_end_matches('.')),
                schema.columns[c.column].name,
                c.of_table,
                c.of_column
            ),
            RuleSpec::Unique(u) => format!(
                "`{}`: {} (no {} of {} is on two rows).",
                u.id,
                cell(u.description.trim_end_matches('.')),
                if schema.columns[u.column].kind.is_list() {
                    "item"
                } else {
                    "value"
                },
                n(&u.column)
            ),
            RuleSpec::Equal(e) => format!(
                "`{}`: {} ({} equals the `{}` of each row {} cites, when both are given).",
                e.id,
                cell(e.description.trim_end_matches('.')),
                n(&e.column),
                e.to,
                n(&e.via)
            ),
        };
        // A rule is an error unless declared otherwise; only a warning says so, which keeps
        // the codebooks of earlier releases as they were built.
        out.push(match schema.rule_warns(i) {
            true => format!("{line} Severity: warning (listed, not refused)."),
            false => line,
        });
    }
    out
}

/// Values of a rule in words: `` `a` or blank ``.
fn in_words(v: &[String]) -> String {
    v.iter()
        .map(|v| match v.as_str() {
            "" => "blank".to_string(),
            v => format!("`{v}`"),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}
