//! Text hygiene: no stray whitespace around a cell, no cell a spreadsheet would execute.

use super::Finding;
use crate::schema::Schema;

pub fn trimmed(id: &str, cells: &[&str], _schema: &Schema, out: &mut Vec<Finding>) {
    for (i, c) in cells.iter().enumerate() {
        // Whitespace can only be at the ends: look at the first and last characters only.
        let ends = c.chars().next().is_some_and(char::is_whitespace)
            || c.chars().next_back().is_some_and(char::is_whitespace);
        if ends {
            out.push(Finding::error(
                id,
                i,
                "has leading or trailing whitespace".to_string(),
                "remove the spaces around the value; `aabc fmt` trims every cell",
            ));
        }
    }
}

/// A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

pub fn no_formula(id: &str, cells: &[&str], _schema: &Schema, out: &mut Vec<Finding>) {
    for (i, c) in cells.iter().enumerate() {
        if c.starts_with(FORMULA_STARTS) && c.parse::<f64>().is_err() {
            out.push(Finding::error(
                id,
                i,
                "starts with a character that makes spreadsheets run the cell as a formula"
                    .to_string(),
                "reword the cell so it does not start with =, +, - or @",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::testing::{found, with};

    #[test]
    fn whitespace_around_a_cell() {
        assert_eq!(found(&with(11, " a note")), ["trimmed"]);
        assert_eq!(found(&with(11, "a note\n")), ["trimmed"]);
        assert!(found(&with(11, "a  note")).is_empty());
    }

    #[test]
    fn formula_injection() {
        assert_eq!(found(&with(11, "=HYPERLINK(\"x\")")), ["no-formula"]);
        assert_eq!(found(&with(11, "@SUM(A1)")), ["no-formula"]);
        assert_eq!(found(&with(11, "-clash")), ["no-formula"]);
        assert!(found(&with(11, "note = fine")).is_empty());
        // A negative number is a number, not a formula (the schema judges its range).
        assert!(found(&with(4, "-3")).iter().all(|r| r != "no-formula"));
    }
}
