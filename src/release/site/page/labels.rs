//! The schemas' words for the page (release format 6 on): a column by its title, and a
//! vocabulary value by its title. Where a schema gives no title, the words are made from what
//! it does give, the same way everywhere on the page: a bound column (`x_low`, `x_high`) is
//! named after its figure, a vocabulary whose definitions all open with a short phrase is
//! named by those phrases, and an identifier (`armed_clash`, `geo_precision`) is read as words
//! ("Armed clash", "Geo precision").

use crate::schema::{Column, Schema};
use std::collections::BTreeMap;

/// The longest opening phrase of a definition that names a value.
const PHRASE: usize = 48;

/// Column `i` in the schema's words.
pub(in crate::release::site) fn column_title(schema: &Schema, i: usize) -> String {
    let c = &schema.columns[i];
    if let Some(t) = own_title(c) {
        return t.to_string();
    }
    for (end, word) in [("_low", "low"), ("_high", "high")] {
        let base = c
            .name
            .strip_suffix(end)
            .and_then(|b| schema.column_index(b));
        if let Some(b) = base.filter(|&b| b != i) {
            return format!("{}, {word}", column_title(schema, b));
        }
    }
    as_words(&c.name)
}

fn own_title(c: &Column) -> Option<&str> {
    c.schema
        .get("title")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
}

/// Each value of a vocabulary column in words (see the module's doc), by value; empty for a
/// column without a vocabulary.
pub(in crate::release::site) fn term_labels(c: &Column) -> BTreeMap<String, String> {
    let Some(terms) = &c.terms else {
        return BTreeMap::new();
    };
    let phrases: Option<Vec<&str>> = terms
        .iter()
        .map(|t| {
            t.description
                .as_deref()
                .map(opening)
                .filter(|p| p.len() <= PHRASE)
        })
        .collect();
    terms
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.value.is_empty())
        .map(|(n, t)| {
            let label = match (&t.title, &phrases) {
                (Some(title), _) if !title.is_empty() => title.clone(),
                (_, Some(p)) if !p[n].is_empty() => p[n].to_string(),
                _ => as_words(&t.value),
            };
            (t.value.clone(), label)
        })
        .collect()
}

/// The opening phrase of a definition: up to its first colon, bracket, comma or full stop.
fn opening(d: &str) -> &str {
    let end = [": ", " (", ", ", ". "]
        .iter()
        .filter_map(|m| d.find(m))
        .min()
        .unwrap_or(d.len());
    d[..end].trim_end_matches('.').trim()
}

/// An identifier read as words ("armed_clash" → "Armed clash"); other text as it is.
pub(in crate::release::site) fn as_words(name: &str) -> String {
    let identifier = name
        .chars()
        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
    if !identifier || !name.starts_with(|ch: char| ch.is_ascii_lowercase()) {
        return name.to_string();
    }
    let spaced = name.replace('_', " ");
    let mut out = spaced[..1].to_ascii_uppercase();
    out.push_str(&spaced[1..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_read_as_words_and_other_text_stays() {
        assert_eq!(as_words("armed_clash"), "Armed clash");
        assert_eq!(as_words("geo_precision"), "Geo precision");
        assert_eq!(as_words("AM"), "AM");
        assert_eq!(as_words("Battles"), "Battles");
        assert_eq!(as_words("3"), "3");
    }

    #[test]
    fn a_definition_opens_with_its_phrase() {
        assert_eq!(
            opening("Syunik–Lachin border section (in Armenia: Syunik)."),
            "Syunik–Lachin border section"
        );
        assert_eq!(
            opening("The place itself: the coordinates."),
            "The place itself"
        );
        assert_eq!(opening("Away from the border."), "Away from the border");
    }
}
