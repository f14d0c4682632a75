//! Synthetic rows that keep the `unique` rules: a value (or list item) already written is
//! blanked when the column may be blank, or else drawn again; a row that still repeats one is
//! counted as not valid, so the count synth reports stays true. The values written are kept,
//! one set per rule, as validation keeps them.

use super::{some_value, Rng};
use crate::schema::{RuleSpec, Schema};
use crate::validate::rules::items;
use chrono::NaiveDate;
use std::collections::HashSet;

/// Draws of a repeated value before the row is given up as not valid.
const TRIES: usize = 16;

/// The values written so far of each `unique` column.
pub(super) struct Uniques {
    seen: Vec<(usize, HashSet<String>)>,
}

impl Uniques {
    pub(super) fn new(schema: &Schema) -> Uniques {
        let seen = (schema.rules.iter())
            .filter_map(|r| match r {
                RuleSpec::Unique(u) => Some((u.column, HashSet::new())),
                _ => None,
            })
            .collect();
        Uniques { seen }
    }

    /// Makes each unique cell of a drawn row hold no value written before.
    pub(super) fn fix(&self, schema: &Schema, cells: &mut [String], rng: &mut Rng, day: NaiveDate) {
        for (c, seen) in &self.seen {
            let c = *c;
            for _ in 0..TRIES {
                if fresh(schema, c, &cells[c], seen) {
                    break;
                }
                cells[c] = match schema.columns[c].nullable {
                    true => String::new(),
                    false => some_value(schema, c, rng, day),
                };
            }
        }
    }

    /// Keeps the values of a row as written; the unique columns it still repeats a value of,
    /// as unmet keywords (`ori unique`).
    pub(super) fn note(&mut self, schema: &Schema, cells: &[String]) -> Vec<String> {
        let mut unmet = Vec::new();
        for (c, seen) in &mut self.seen {
            let c = *c;
            if !fresh(schema, c, &cells[c], seen) {
                unmet.push(format!("{} unique", schema.columns[c].name));
            }
            seen.extend(items(schema, c, &cells[c]).map(str::to_string));
        }
        unmet
    }
}

/// Whether no item of `cell` was written before or is twice in it.
fn fresh(schema: &Schema, c: usize, cell: &str, seen: &HashSet<String>) -> bool {
    let mut here = HashSet::new();
    items(schema, c, cell).all(|i| !seen.contains(i) && here.insert(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn a_repeated_value_is_blanked_or_drawn_again_and_a_kept_one_is_unmet() {
        let s = Schema::from_value(
            Path::new("u.schema.json"),
            json!({
                "properties": {"a": {"type": ["string", "null"]}, "b": {"enum": ["x", "y"]}},
                "x-rules": [
                    {"rule": "unique", "column": "a", "description": "one a"},
                    {"id": "b", "rule": "unique", "column": "b", "description": "one b"}
                ]
            }),
        )
        .unwrap();
        let (mut u, mut rng) = (Uniques::new(&s), Rng::new(1));
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut row = vec!["v".to_string(), "x".to_string()];
        u.fix(&s, &mut row, &mut rng, day);
        assert!(u.note(&s, &row).is_empty());
        let mut again = row.clone();
        u.fix(&s, &mut again, &mut rng, day);
        assert_eq!(again, ["", "y"]);
        assert!(u.note(&s, &again).is_empty());
        // Both values of b are written: a third row cannot help repeating one.
        let mut third = vec![String::new(), "x".to_string()];
        u.fix(&s, &mut third, &mut rng, day);
        assert_eq!(u.note(&s, &third), ["b unique"]);
    }
}
