//! Conditional presence: a column that only one kind of row can carry (a count of released
//! prisoners on a release row) stays blank on every other row.

use super::Finding;
use crate::schema::Schema;

/// Each of `fields` is blank unless `column` holds one of `values`.
pub fn only_when(
    id: &str,
    cells: &[&str],
    fields: &[usize],
    column: usize,
    values: &[String],
    schema: &Schema,
    out: &mut Vec<Finding>,
) {
    let kind = cells[column];
    if values.iter().any(|v| v == kind) {
        return;
    }
    for &f in fields {
        if cells[f].is_empty() {
            continue;
        }
        // Only a failing row pays for the message.
        let name = &schema.columns[f].name;
        let cname = &schema.columns[column].name;
        let allowed = values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let shown = if kind.is_empty() {
            "blank".to_string()
        } else {
            format!("{kind:?}")
        };
        out.push(Finding::error(
            id,
            f,
            format!(
                "is filled, but {cname} is {shown}: {name} is kept only when {cname} is {allowed}"
            ),
            format!("leave {name} blank on this row, or correct {cname}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::testing::ctx;
    use crate::validate::rules::testing::{found, row, schema};
    use crate::validate::rules::RowRules;

    #[test]
    fn a_field_kept_for_one_kind_of_row_is_blank_on_the_others() {
        // The sample row is a `day` row: a count there is fine, and so is a blank.
        let mut r = row();
        r[12] = "2";
        assert!(found(&r).is_empty(), "{:?}", found(&r));
        // On a `month` row (whose dates fit a month), the count is an error.
        r[3] = "month";
        r[1] = "2022-09-01";
        r[2] = "2022-09-30";
        assert_eq!(found(&r), ["freed-on-day"]);
        // 0 is a count too: only a blank cell is absent.
        r[12] = "0";
        assert_eq!(found(&r), ["freed-on-day"]);
        r[12] = "";
        assert!(found(&r).is_empty());
    }

    #[test]
    fn the_finding_points_at_the_filled_cell_and_names_the_kind_of_row() {
        let s = schema();
        let rules = RowRules::new(&s, ctx(), |_| true);
        let mut r = row();
        r[12] = "2";
        r[3] = "month";
        r[1] = "2022-09-01";
        r[2] = "2022-09-30";
        let mut out = Vec::new();
        rules.check(&r, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].column, Some(12));
        assert_eq!(
            out[0].message,
            "is filled, but precision is \"month\": freed is kept only when precision is \"day\""
        );
        assert_eq!(
            out[0].hint,
            "leave freed blank on this row, or correct precision"
        );
    }
}
