//! Uniqueness of a column outside the primary key (`unique`): no value on two rows, and for
//! a list column no item on two rows. Streamed in file order, keeping one entry per value
//! seen (where it was first), so the later row is the one reported.

use super::{items, Finding};
use crate::schema::{Schema, Unique};
use crate::table::text::{message, shown};
use std::collections::HashMap;

/// The values of one `unique` rule seen so far, each with the line and key of its first row.
pub struct Seen<'s> {
    rule: &'s Unique,
    /// The primary key's column, when it is one column (it names the first row).
    key: Option<usize>,
    /// Whether an item twice in one row is this rule's to report (the schema's, when the
    /// column declares `uniqueItems`).
    repeats_in_row: bool,
    first: HashMap<String, (u64, String)>,
}

impl<'s> Seen<'s> {
    pub fn new(rule: &'s Unique, schema: &Schema) -> Seen<'s> {
        let col = &schema.columns[rule.column];
        let declared = col.schema.get("uniqueItems") == Some(&serde_json::Value::Bool(true));
        Seen {
            rule,
            key: match schema.primary_key[..] {
                [k] => Some(k),
                _ => None,
            },
            repeats_in_row: !declared,
            first: HashMap::new(),
        }
    }

    /// Columns the rule reads.
    pub fn columns(&self) -> impl Iterator<Item = usize> {
        std::iter::once(self.rule.column).chain(self.key)
    }

    /// Checks one row (cells in schema column order, on line `line`).
    pub fn check(&mut self, schema: &Schema, cells: &[&str], line: u64, out: &mut Vec<Finding>) {
        let c = self.rule.column;
        for item in items(schema, c, cells[c]) {
            match self.first.get(item) {
                None => {
                    let key = self.key.map_or("", |k| cells[k]).to_string();
                    self.first.insert(item.to_string(), (line, key));
                }
                Some((l, _)) if *l == line && !self.repeats_in_row => {}
                Some((l, k)) => out.push(self.finding(schema, item, *l, k, line)),
            }
        }
    }

    /// Only a repeated value pays for the message.
    fn finding(&self, schema: &Schema, item: &str, l: u64, key: &str, line: u64) -> Finding {
        let name = &schema.columns[self.rule.column].name;
        let at = match (l == line, key) {
            (true, _) => "twice in this row".to_string(),
            (false, "") => format!("already on line {l}"),
            (false, k) => format!("already on line {l}, row {}", shown(k)),
        };
        Finding::error(
            &self.rule.id,
            self.rule.column,
            format!(
                "{} ({name} {} is {at})",
                message(self.rule.description.trim_end_matches('.')),
                shown(item)
            ),
            format!("keep each {name} on one row only, or correct it"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn schema(list: serde_json::Value) -> Schema {
        Schema::from_value(
            Path::new("agencies.schema.json"),
            json!({
                "properties": {"id": {"type": "string"}, "ori": list},
                "x-primaryKey": ["id"],
                "x-rules": [{"id": "one-ori", "rule": "unique", "column": "ori", "description": "an ORI code is one agency's"}]
            }),
        )
        .unwrap()
    }

    /// The messages of the rule over `rows`, from line 2 on; every finding is at the column.
    fn found(s: &Schema, rows: &[[&str; 2]]) -> Vec<String> {
        let crate::schema::RuleSpec::Unique(u) = &s.rules[0] else {
            panic!()
        };
        let mut seen = Seen::new(u, s);
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let before = out.len();
            seen.check(s, r, i as u64 + 2, &mut out);
            assert!(out[before..].iter().all(|f| f.column == Some(1)));
        }
        out.into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn a_value_on_a_second_row_names_the_first_and_blanks_pass() {
        let s = schema(json!({"type": ["string", "null"]}));
        let out = found(&s, &[["A", "X1"], ["B", ""], ["C", ""], ["D", "X1"]]);
        assert_eq!(
            out,
            ["an ORI code is one agency's (ori \"X1\" is already on line 2, row \"A\")"]
        );
    }

    #[test]
    fn list_items_are_unique_across_rows_and_within_one_unless_the_schema_says_so() {
        let s = schema(json!({"type": ["array", "null"], "items": {"type": "string"}}));
        let out = found(&s, &[["A", "X1;X2"], ["B", "X3;X3"], ["C", "X2"]]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out[0].ends_with("(ori \"X3\" is twice in this row)"),
            "{out:?}"
        );
        assert!(out[1].contains("line 2, row \"A\""), "{out:?}");
        let s = schema(
            json!({"type": ["array", "null"], "items": {"type": "string"}, "uniqueItems": true}),
        );
        assert!(found(&s, &[["A", "X1;X1"], ["B", "X2"]]).is_empty());
    }
}
