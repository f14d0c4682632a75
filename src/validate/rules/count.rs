//! Counts across tables (`count`): a parent row's count column equals the number of rows of
//! another table that cite its key. The other table is read on its own pass, so its rows are
//! tallied by the key they cite ([`Tally`], one number per key: memory stays flat in its
//! rows), and the parent's counts, kept by key while it was read, are compared once both
//! tables are done ([`check`]).

use super::{items, Finding};
use crate::schema::{Count, Schema};
use crate::table::text::{message, shown};
use std::collections::HashMap;

/// Rows of one table by each id their `column` cites. A row citing an id twice counts once:
/// the rule counts rows, not items.
#[derive(Debug)]
pub struct Tally {
    pub column: usize,
    pub rows: HashMap<String, u64>,
}

impl Tally {
    pub fn new(column: usize) -> Tally {
        Tally {
            column,
            rows: HashMap::new(),
        }
    }

    /// Counts one row (cells in schema column order).
    pub fn add(&mut self, schema: &Schema, cells: &[&str]) {
        let mut cited: Vec<&str> = items(schema, self.column, cells[self.column]).collect();
        cited.sort_unstable();
        cited.dedup();
        for id in cited {
            match self.rows.get_mut(id) {
                Some(n) => *n += 1,
                None => {
                    self.rows.insert(id.to_string(), 1);
                }
            }
        }
    }
}

/// The finding, at the parent's count cell, when its `declared` count (the cell as written)
/// is not the `found` number of rows citing `key`. A blank count is not checked (not known is
/// not zero), and one that is not an integer is the schema's to report.
pub fn check(
    rule: &Count,
    schema: &Schema,
    key: &str,
    declared: &str,
    found: u64,
) -> Option<Finding> {
    let n = super::integer(declared).ok()??;
    if u64::try_from(n).ok() == Some(found) {
        return None;
    }
    let (name, table, cites) = (
        &schema.columns[rule.column].name,
        &rule.of_table,
        &rule.of_column,
    );
    Some(Finding::error(
        &rule.id,
        rule.column,
        format!(
            "{} ({name} is {n}, but {found} row(s) of {table} cite {} in {cites})",
            message(rule.description.trim_end_matches('.')),
            shown(key)
        ),
        format!("correct {name} to {found}, or the {cites} of the {table} rows"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn schema() -> Schema {
        Schema::from_value(
            Path::new("agencies.schema.json"),
            json!({
                "properties": {
                    "id": {"type": "string"},
                    "incident_count": {"type": ["integer", "null"]},
                    "ids": {"type": ["array", "null"], "items": {"type": "string"}}
                },
                "x-primaryKey": ["id"],
                "x-rules": [{
                    "id": "count-incidents", "rule": "count", "column": "incident_count",
                    "of": {"table": "incidents", "column": "agency_ids"},
                    "description": "an agency's count is its incidents"
                }]
            }),
        )
        .unwrap()
    }

    fn rule(s: &Schema) -> &Count {
        match &s.rules[0] {
            crate::schema::RuleSpec::Count(c) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rows_are_counted_once_however_often_they_cite_the_id() {
        let s = schema();
        let mut t = Tally::new(2);
        t.add(&s, &["I1", "", "A;B;A"]);
        t.add(&s, &["I2", "", "A"]);
        t.add(&s, &["I3", "", ""]);
        assert_eq!(t.rows["A"], 2);
        assert_eq!(t.rows["B"], 1);
        assert_eq!(t.rows.len(), 2);
    }

    #[test]
    fn a_count_is_checked_unless_blank_or_malformed() {
        let s = schema();
        assert!(check(rule(&s), &s, "A", "2", 2).is_none());
        assert!(check(rule(&s), &s, "A", "", 2).is_none());
        assert!(check(rule(&s), &s, "A", "two", 2).is_none());
        let f = check(rule(&s), &s, "A", "3", 2).unwrap();
        assert_eq!((f.rule.as_str(), f.column), ("count-incidents", Some(1)));
        assert_eq!(
            f.message,
            "an agency's count is its incidents (incident_count is 3, but 2 row(s) of incidents cite \"A\" in agency_ids)"
        );
        assert_eq!(
            f.hint,
            "correct incident_count to 2, or the agency_ids of the incidents rows"
        );
        // A negative count is never right.
        assert!(check(rule(&s), &s, "A", "-1", 0).is_some());
    }
}
