//! New ids: the next free ones after every id a table has used, so that a contributor adding
//! rows never takes an id that exists or was retired.

/// An id split into the text before its last run of digits, the digits and the text after.
fn split(id: &str) -> Option<(&str, &str, &str)> {
    let end = id.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = id[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    Some((&id[..start], &id[start..end], &id[end..]))
}

/// The `count` ids that follow the highest numbered one in `taken`, in its style: same text
/// around the number, the number zero-padded to the widest width in use (`AABC-0125` →
/// `AABC-0126`). Ids are compared only with those of the same style as the last one; an empty
/// table, or ids without a number, give an error that says so.
pub fn next_ids<'a>(
    taken: impl IntoIterator<Item = &'a str>,
    count: usize,
) -> Result<Vec<String>, String> {
    let mut style: Option<(String, String)> = None;
    let mut best: Option<u128> = None;
    let mut width = 0;
    for id in taken {
        let Some((pre, digits, post)) = split(id) else {
            return Err(format!(
                "id {} has no number to count on",
                crate::table::text::shown(id)
            ));
        };
        match &style {
            Some((p, q)) if p != pre || q != post => {
                return Err(format!(
                    "ids of two styles ({p}…{q} and {pre}…{post}): cannot tell which to continue"
                ))
            }
            Some(_) => {}
            None => style = Some((pre.to_string(), post.to_string())),
        }
        let n: u128 = digits
            .parse()
            .map_err(|_| format!("id {id} has too long a number"))?;
        best = best.max(Some(n));
        width = width.max(digits.len());
    }
    let (Some((pre, post)), Some(best)) = (style, best) else {
        return Err("the table has no ids yet: write the first one by hand".into());
    };
    (1..=count as u128)
        .map(|k| {
            let n = best
                .checked_add(k)
                .ok_or_else(|| "the numbers of the ids are used up".to_string())?;
            Ok(format!("{pre}{n:0width$}{post}"))
        })
        .collect()
}

/// The first id in the style of `example` (`EV-0042` → `EV-0001`), for an empty table.
pub fn first_id(example: &str) -> Option<String> {
    let (pre, digits, post) = split(example)?;
    Some(format!("{pre}{:0width$}{post}", 1, width = digits.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continues_the_highest_number_in_its_style() {
        let ids = ["AABC-0002", "AABC-0125", "AABC-0010"];
        assert_eq!(
            next_ids(ids, 2).unwrap(),
            ["AABC-0126", "AABC-0127"].map(String::from)
        );
        assert_eq!(next_ids(["S009"], 1).unwrap(), ["S010"]);
        assert_eq!(next_ids(["E-99"], 1).unwrap(), ["E-100"]);
        assert_eq!(next_ids(["ev9x"], 1).unwrap(), ["ev10x"]);
        assert_eq!(first_id("EV-0042").as_deref(), Some("EV-0001"));
        assert_eq!(first_id("none"), None);
    }

    #[test]
    fn refuses_what_it_cannot_continue() {
        assert!(next_ids([], 1).unwrap_err().contains("no ids yet"));
        assert!(next_ids(["abc"], 1).unwrap_err().contains("no number"));
        assert!(next_ids(["A-1", "B-2"], 1)
            .unwrap_err()
            .contains("two styles"));
    }
}
