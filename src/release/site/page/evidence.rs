//! The quotes behind each row of the page's table (release format 5 on): read from the
//! evidence table the metadata's `evidence` block names, each with the columns it supports in
//! the schema's words and the names of its claimants (through the claimant column's foreign
//! key). The script shows them in a row's record; the table read without JavaScript shows
//! them in a last column.

use super::{esc, label_column, read_rows};
use crate::error::Result;
use crate::release::tables::Tables;
use crate::schema::metadata::Metadata;
use crate::schema::Schema;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

/// One quote, ready to show.
pub(in crate::release::site) struct Quote {
    pub quote: String,
    /// The source document's title (the source whose `name` the row gives), else its name.
    pub document: String,
    /// Each supported column, in the schema's words (its title, else its name).
    pub supports: Vec<String>,
    /// The claimants' names (their ids where the claimant table does not list them).
    pub claimants: Vec<String>,
}

/// The quotes of every row of the main table, by the row's key, in the evidence table's order.
pub(in crate::release::site) type Quotes = BTreeMap<String, Vec<Quote>>;

/// The quotes, when the release format shows them and the metadata declares an evidence
/// table of the main table.
pub(in crate::release::site) fn quotes(
    meta: &Metadata,
    tables: &Tables,
    main: &str,
    main_schema: &Schema,
) -> Result<Option<Quotes>> {
    let Some(e) = meta
        .evidence
        .as_ref()
        .filter(|_| meta.format().has_evidence())
    else {
        return Ok(None);
    };
    if e.of != main {
        return Ok(None);
    }
    let t = tables.get(&e.table)?;
    let col = |name: &str| t.schema.column_index(name);
    let (Some(key), Some(cols), Some(quote), Some(document)) = (
        col(&e.key),
        col(&e.columns),
        col(&e.quote),
        col(&e.document),
    ) else {
        return Ok(None);
    };
    let claimant = e.claimant.as_deref().and_then(col);
    let names = claimant
        .map(|c| claimant_names(tables, &t.schema, c))
        .transpose()?
        .unwrap_or_default();
    let split = |v: &str, c: usize| -> Vec<String> {
        v.split(t.schema.columns[c].delimiter.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut out = Quotes::new();
    for r in read_rows(&t.schema, &t.csv, &t.name)? {
        let supports = split(&r[cols], cols)
            .into_iter()
            .map(|name| in_words(main_schema, &name))
            .collect();
        let claimants = claimant
            .map(|c| split(&r[c], c))
            .unwrap_or_default()
            .into_iter()
            .map(|id| names.get(&id).cloned().unwrap_or(id))
            .collect();
        out.entry(r[key].clone()).or_default().push(Quote {
            quote: r[quote].clone(),
            document: document_title(meta, &r[document]),
            supports,
            claimants,
        });
    }
    Ok(Some(out))
}

/// The names of the rows the claimant column references, by key.
fn claimant_names(
    tables: &Tables,
    schema: &Schema,
    claimant: usize,
) -> Result<BTreeMap<String, String>> {
    let Some(fk) = schema.foreign_keys.iter().find(|fk| fk.field == claimant) else {
        return Ok(BTreeMap::new());
    };
    let t = tables.get(&fk.resource)?;
    let key = t
        .schema
        .column_index(&fk.reference_field)
        .unwrap_or_default();
    let Some(label) = label_column(&t.schema) else {
        return Ok(BTreeMap::new());
    };
    Ok(read_rows(&t.schema, &t.csv, &t.name)?
        .into_iter()
        .map(|r| (r[key].clone(), r[label].clone()))
        .collect())
}

/// A column in the schema's words: its `title`, else its name.
fn in_words(schema: &Schema, name: &str) -> String {
    schema
        .column_index(name)
        .and_then(|i| schema.columns[i].schema.get("title"))
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .unwrap_or(name)
        .to_string()
}

/// The title of the source a document name stands for.
fn document_title(meta: &Metadata, name: &str) -> String {
    meta.sources
        .iter()
        .find(|s| s.name.as_deref() == Some(name))
        .map(|s| s.title.clone())
        .unwrap_or_else(|| name.to_string())
}

/// The quotes as the script reads them: by row key, each `{quote, caption}` (the caption as
/// the table read without JavaScript words it).
pub(in crate::release::site) fn json(quotes: &Quotes) -> Value {
    let mut m = serde_json::Map::new();
    for (key, list) in quotes {
        let items: Vec<Value> = list
            .iter()
            .map(|q| json!({"quote": q.quote, "caption": caption(q)}))
            .collect();
        m.insert(key.clone(), Value::Array(items));
    }
    Value::Object(m)
}

/// The cell of a row in the table read without JavaScript: its quotes, folded.
pub(in crate::release::site) fn cell(list: Option<&Vec<Quote>>) -> String {
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        return "<td></td>".into();
    };
    let mut s = format!(
        "<td class=\"text\"><details><summary>{} {}</summary>",
        list.len(),
        if list.len() == 1 { "quote" } else { "quotes" }
    );
    for q in list {
        let _ = write!(
            s,
            "<figure class=\"quote\"><blockquote>{}</blockquote><figcaption>{}</figcaption></figure>",
            esc(&q.quote),
            esc(&caption(q))
        );
    }
    s.push_str("</details></td>");
    s
}

/// What a quote's caption says: its source, the columns it supports, who claims it.
fn caption(q: &Quote) -> String {
    let mut s = format!("From {}. Supports {}.", q.document, q.supports.join(", "));
    if !q.claimants.is_empty() {
        let _ = write!(s, " Claimed by {}.", q.claimants.join("; "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str, claimants: &[&str]) -> Quote {
        Quote {
            quote: text.into(),
            document: "The article".into(),
            supports: vec!["Killed in all".into()],
            claimants: claimants.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn a_cell_folds_its_quotes_and_escapes_them() {
        let list = vec![quote("<script>\"x\"</script>", &["Ministry"])];
        assert_eq!(
            cell(Some(&list)),
            "<td class=\"text\"><details><summary>1 quote</summary><figure class=\"quote\"><blockquote>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</blockquote><figcaption>From The article. Supports Killed in all. Claimed by Ministry.</figcaption></figure></details></td>"
        );
        assert_eq!(cell(None), "<td></td>");
    }

    #[test]
    fn a_caption_names_no_claimant_when_the_passage_names_none() {
        assert_eq!(
            caption(&quote("q", &[])),
            "From The article. Supports Killed in all."
        );
    }
}
