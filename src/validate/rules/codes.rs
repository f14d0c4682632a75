//! Code rules: a subdivision code belongs to its country; a name matches its code.

use super::Finding;
use crate::schema::Schema;

pub fn prefix(
    id: &str,
    cells: &[&str],
    field: usize,
    prefix: usize,
    separator: &str,
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    let (code, parent) = (cells[field], cells[prefix]);
    if code.is_empty() {
        return;
    }
    let pn = &schema.columns[prefix].name;
    if parent.is_empty() {
        out.push(Finding::error(
            id,
            field,
            format!("is set, but {pn} is blank"),
            format!("fill in {pn} (the code starts with it), or clear this code"),
        ));
    } else if !(code.starts_with(parent) && code[parent.len()..].starts_with(separator)) {
        let parent = crate::table::text::bare(parent);
        out.push(Finding::error(
            id,
            field,
            format!("does not belong to {pn} {parent}"),
            format!("use a code that starts with {parent}{separator}, or correct {pn}"),
        ));
    }
}

pub fn title_of(
    id: &str,
    cells: &[&str],
    field: usize,
    code: usize,
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    let Some(title) = schema.columns[code].title_of(cells[code]) else {
        return;
    };
    if cells[field] != title {
        let cn = &schema.columns[code].name;
        out.push(Finding::error(
            id,
            field,
            format!("does not match {cn} {}, which is {title:?}", cells[code]),
            format!("write {title:?}, or correct {cn}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::testing::{found, row, with};

    #[test]
    fn code_belongs_to_country() {
        assert!(found(&row()).is_empty());
        let mut r = row();
        r[8] = "AZ";
        assert_eq!(found(&r), ["code-in-country"]);
        let mut r = row();
        r[8] = "";
        assert_eq!(found(&r), ["code-in-country"]);
    }

    #[test]
    fn region_name_matches_code() {
        assert_eq!(found(&with(9, "Siunik")), ["region-name"]);
        let mut r = row();
        r[9] = "Somewhere";
        r[10] = "";
        assert!(found(&r).is_empty());
    }
}
