//! Figure rules: a total equals the sum of its parts; a column goes with figures (an estimate
//! flag, who reported them), only with them or whenever they are given.

use super::{integer, Finding};
use crate::schema::Schema;

pub fn sum(
    id: &str,
    cells: &[&str],
    total: usize,
    parts: &[usize],
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    let Ok(t) = integer(cells[total]) else { return };
    let mut sum = 0i64;
    let mut any = false;
    for &p in parts {
        match integer(cells[p]) {
            Ok(Some(n)) => match sum.checked_add(n) {
                Some(s) => {
                    sum = s;
                    any = true;
                }
                None => return overflow(id, cells, total, parts, schema, out),
            },
            Ok(None) => {}
            Err(()) => return,
        }
    }
    if t.map_or(!any, |t| t == sum) {
        return;
    }
    // Only a failing row pays for the message.
    let given: Vec<String> = parts
        .iter()
        .filter(|&&p| !cells[p].is_empty())
        .map(|&p| format!("{} {}", schema.columns[p].name, cells[p]))
        .collect();
    let tn = &schema.columns[total].name;
    let names: Vec<&str> = parts
        .iter()
        .map(|&p| schema.columns[p].name.as_str())
        .collect();
    match t {
        None => out.push(Finding::error(
            id,
            total,
            format!("is blank, but parts are given ({})", given.join(" + ")),
            format!("set {tn} to {sum}, the sum of {}", names.join(", ")),
        )),
        Some(t) => {
            let parts_text = if given.is_empty() {
                "no part is given".to_string()
            } else {
                given.join(" + ")
            };
            out.push(Finding::error(
                id,
                total,
                format!("is {t}, but the parts add up to {sum} ({parts_text})"),
                format!(
                    "{tn} must equal the sum of {} (blank counts as 0)",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// The parts add up to more than 64 bits hold: no total can be right, and no sum is printed.
fn overflow(
    id: &str,
    cells: &[&str],
    total: usize,
    parts: &[usize],
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    let given: Vec<String> = parts
        .iter()
        .filter(|&&p| !cells[p].is_empty())
        .map(|&p| format!("{} {}", schema.columns[p].name, cells[p]))
        .collect();
    out.push(Finding::error(
        id,
        total,
        format!(
            "cannot be checked: the parts add up to more than {} ({})",
            i64::MAX,
            given.join(" + ")
        ),
        "check the parts: one of them is far too large",
    ));
}

/// `field` goes with `any`: required when any of them is filled, and, when `both_ways`
/// (`present-iff-any`), blank when none is (`present-if-any` lets it stand alone).
pub fn present_with_any(
    id: &str,
    cells: &[&str],
    field: usize,
    any: &[usize],
    both_ways: bool,
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    let given: Vec<&str> = any
        .iter()
        .filter(|&&c| !cells[c].is_empty())
        .map(|&c| schema.columns[c].name.as_str())
        .collect();
    let name = &schema.columns[field].name;
    // Generic words: the rule pairs an estimate with figures as well as a latitude with its
    // longitude; a schema `hint` says what the pair means in the dataset.
    if cells[field].is_empty() && !given.is_empty() {
        out.push(Finding::error(
            id,
            field,
            format!("is blank, but the row fills {}", given.join(", ")),
            format!("fill {name} as well (it goes with {})", given.join(", ")),
        ));
    } else if both_ways && !cells[field].is_empty() && given.is_empty() {
        let names: Vec<&str> = any
            .iter()
            .map(|&c| schema.columns[c].name.as_str())
            .collect();
        out.push(Finding::error(
            id,
            field,
            format!("is filled, but none of {} is", names.join(", ")),
            format!(
                "leave {name} blank when none of {} is filled",
                names.join(", ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::testing::{ctx, found, row, with};
    use crate::validate::rules::RowRules;

    #[test]
    fn sum_of_parts() {
        assert!(found(&row()).is_empty());
        assert_eq!(found(&with(6, "8")), ["total"]);
        // Blank parts count as zero.
        let mut r = row();
        r[5] = "";
        r[6] = "3";
        assert!(found(&r).is_empty());
        // Parts given, total blank.
        assert_eq!(found(&with(6, "")), ["total"]);
        // A total without parts is an error: the unattributed part must be named.
        let mut r = row();
        r[4] = "";
        r[5] = "";
        assert_eq!(found(&r), ["total"]);
    }

    #[test]
    fn parts_too_large_to_add_are_a_finding_not_a_panic() {
        let mut r = row();
        r[4] = "9223372036854775807";
        r[5] = "1";
        assert_eq!(found(&r), ["total"]);
        // Negative parts can overflow the other way.
        r[4] = "-9223372036854775808";
        r[5] = "-1";
        assert_eq!(found(&r), ["total"]);
    }

    #[test]
    fn estimate_present_exactly_when_figures_are() {
        assert_eq!(found(&with(7, "")), ["estimate"]);
        let mut r = row();
        r[4] = "";
        r[5] = "";
        r[6] = "";
        assert_eq!(found(&r), ["estimate"]);
        r[7] = "";
        assert!(found(&r).is_empty());
    }

    #[test]
    fn presence_messages_name_the_columns_not_a_meaning() {
        let s = crate::validate::rules::testing::schema();
        let rules = RowRules::new(&s, ctx(), |_| true);
        let mut out = Vec::new();
        rules.check(&with(7, ""), &mut out);
        assert_eq!(out[0].message, "is blank, but the row fills a, b, total");
        assert_eq!(
            out[0].hint,
            "fill estimate as well (it goes with a, b, total)"
        );
        let mut r = row();
        r[4] = "";
        r[5] = "";
        r[6] = "";
        out.clear();
        rules.check(&r, &mut out);
        assert_eq!(out[0].message, "is filled, but none of a, b, total is");
        assert_eq!(
            out[0].hint,
            "leave estimate blank when none of a, b, total is filled"
        );
    }
}
