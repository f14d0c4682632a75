//! Forbidden pairs: "if A is x then B must not be y", a cross-column rule a dataset states in
//! its own words. Its `description` is the message, since only the dataset knows why the pair
//! cannot be.

use super::Finding;
use crate::schema::{ForbidWhen, Schema};
use crate::table::text::{message, shown};

/// The finding, at B's cell, when the row breaks the rule.
pub fn check(rule: &ForbidWhen, cells: &[&str], schema: &Schema, out: &mut Vec<Finding>) {
    if !rule.breaks(cells) {
        return;
    }
    // Only a failing row pays for the message.
    let name = |c: usize| &schema.columns[c].name;
    let cell = |c: usize| match cells[c] {
        "" => "blank".to_string(),
        v => shown(v),
    };
    let (a, b) = (rule.if_column, rule.then_column);
    out.push(Finding::error(
        &rule.id,
        b,
        format!(
            "{} ({} is {}, {} is {})",
            message(rule.description.trim_end_matches('.')),
            name(a),
            cell(a),
            name(b),
            cell(b)
        ),
        format!("correct {} or {}", name(b), name(a)),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::testing::ctx;
    use crate::validate::rules::RowRules;
    use serde_json::json;
    use std::path::Path;

    fn schema() -> Schema {
        Schema::from_value(
            Path::new("f.schema.json"),
            json!({
                "properties": {
                    "kind": {"type": ["string", "null"]},
                    "freed": {"type": ["integer", "null"]}
                },
                "x-rules": [{
                    "id": "no-freed-on-clash", "rule": "forbid-when",
                    "if": {"column": "kind", "values": ["clash", null]},
                    "then": {"column": "freed", "values": ["0", null]},
                    "description": "a clash frees nobody"
                }]
            }),
        )
        .unwrap()
    }

    fn found(cells: &[&str]) -> Vec<Finding> {
        let s = schema();
        let mut out = Vec::new();
        RowRules::new(&s, ctx(), |_| true).check(cells, &mut out);
        out
    }

    #[test]
    fn fires_only_when_both_cells_hold_a_listed_value_blank_included() {
        assert_eq!(found(&["clash", "0"]).len(), 1);
        assert_eq!(found(&["clash", ""]).len(), 1);
        assert_eq!(found(&["", "0"]).len(), 1);
        assert!(found(&["clash", "2"]).is_empty());
        assert!(found(&["release", "0"]).is_empty());
        assert!(found(&["release", ""]).is_empty());
    }

    #[test]
    fn the_description_is_the_message_and_the_finding_is_at_the_then_cell() {
        let f = &found(&["", "0"])[0];
        assert_eq!(f.rule, "no-freed-on-clash");
        assert_eq!(f.column, Some(1));
        assert_eq!(
            f.message,
            "a clash frees nobody (kind is blank, freed is \"0\")"
        );
        assert_eq!(f.hint, "correct freed or kind");
    }
}
