//! Equality across tables (`equal`): a column of a row equals a column of every row its
//! foreign key cites (an incident's state and its agency's). The cited table is read first,
//! keeping that column's cells by key ([`super::KeyIndex::values`]), so this table's rows
//! stream by with one lookup per cited id.

use super::{items, Finding, KeyIndex};
use crate::schema::{Equal, Schema};
use crate::table::text::{message, shown};
use std::collections::HashMap;

/// One `equal` rule with the cited table's cells of `to`, by key.
pub struct Lookup<'s> {
    rule: &'s Equal,
    resource: &'s str,
    to: &'s HashMap<String, String>,
}

impl<'s> Lookup<'s> {
    /// The rule with what it compares against; `None` when the cited table's cells are not
    /// known (a table read with structure faults, or one table validated alone).
    pub fn new(
        rule: &'s Equal,
        schema: &'s Schema,
        index: impl Fn(&str) -> Option<&'s KeyIndex>,
    ) -> Option<Lookup<'s>> {
        let fk = schema.foreign_keys.iter().find(|fk| fk.field == rule.via)?;
        let to = &index(&fk.resource)?.values.get(&rule.to)?.of_key;
        Some(Lookup {
            rule,
            resource: &fk.resource,
            to,
        })
    }

    /// Columns the rule reads.
    pub fn columns(&self) -> [usize; 2] {
        [self.rule.column, self.rule.via]
    }

    /// Checks one row (cells in schema column order). A blank on either side is not checked,
    /// and an id the cited table lacks is the foreign key's to report.
    pub fn check(&self, schema: &Schema, cells: &[&str], out: &mut Vec<Finding>) {
        let (c, via) = (self.rule.column, self.rule.via);
        let here = cells[c];
        if here.is_empty() {
            return;
        }
        for id in items(schema, via, cells[via]) {
            match self.to.get(id) {
                Some(there) if !there.is_empty() && there != here => {
                    out.push(self.finding(schema, here, id, there))
                }
                _ => {}
            }
        }
    }

    /// Only a row that differs pays for the message.
    fn finding(&self, schema: &Schema, here: &str, id: &str, there: &str) -> Finding {
        let (name, res, to) = (
            &schema.columns[self.rule.column].name,
            self.resource,
            &self.rule.to,
        );
        Finding::error(
            &self.rule.id,
            self.rule.column,
            format!(
                "{} ({name} is {}, but {res} {} has {to} {})",
                message(self.rule.description.trim_end_matches('.')),
                shown(here),
                shown(id),
                shown(there)
            ),
            format!("correct {name} here, or the {to} of {res} {}", shown(id)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::KeyValues;
    use serde_json::json;
    use std::path::Path;

    fn schema() -> Schema {
        Schema::from_value(
            Path::new("incidents.schema.json"),
            json!({
                "properties": {
                    "id": {"type": "string"},
                    "state": {"type": ["string", "null"]},
                    "agency_ids": {"type": ["array", "null"], "items": {"type": "string"}}
                },
                "x-primaryKey": ["id"],
                "x-foreignKeys": [{"fields": "agency_ids", "reference": {"resource": "agencies", "fields": "id"}}],
                "x-rules": [{"id": "same-state", "rule": "equal", "column": "state", "via": "agency_ids", "to": "state", "description": "an incident is in its agencies' state"}]
            }),
        )
        .unwrap()
    }

    #[test]
    fn every_cited_row_is_compared_and_blanks_pass() {
        let s = schema();
        let crate::schema::RuleSpec::Equal(e) = &s.rules[0] else {
            panic!()
        };
        let mut ix = KeyIndex::default();
        let of_key = [("A", "TX"), ("B", "CA"), ("C", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ix.values.insert(
            "state".into(),
            KeyValues {
                field: Some(1),
                of_key,
            },
        );
        let lookup = Lookup::new(e, &s, |_| Some(&ix)).unwrap();
        let found = |cells: [&str; 3]| {
            let mut out = Vec::new();
            lookup.check(&s, &cells, &mut out);
            out
        };
        assert!(found(["I1", "TX", "A;C;Z"]).is_empty());
        assert!(found(["I2", "", "B"]).is_empty());
        let out = found(["I3", "TX", "A;B"]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].column, Some(1));
        assert_eq!(
            out[0].message,
            "an incident is in its agencies' state (state is \"TX\", but agencies \"B\" has state \"CA\")"
        );
        assert_eq!(
            out[0].hint,
            "correct state here, or the state of agencies \"B\""
        );
    }
}
