//! The header check: how a file's header maps onto the schema's columns, and every missing,
//! extra, misspelled, duplicated or moved column, named with what to do about it.

use crate::table::text::shown;

/// A problem found in a header, before it becomes a [`crate::validate::report::Problem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderIssue {
    /// Index of the field in the file's header, when the issue concerns one.
    pub field: Option<usize>,
    pub name: Option<String>,
    pub message: String,
    pub hint: String,
}

/// How the file's columns map onto the schema's.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// For each schema column, its index in the file, if present.
    pub file_index: Vec<Option<usize>>,
    /// Number of fields in the header.
    pub width: usize,
}

impl ColumnMap {
    /// The file's fields in schema column order (absent columns read as blank).
    pub fn cells<'r>(&self, fields: &[&'r str], out: &mut Vec<&'r str>) {
        out.clear();
        out.extend(
            self.file_index
                .iter()
                .map(|i| i.map_or("", |i| fields.get(i).copied().unwrap_or(""))),
        );
    }

    pub fn is_present(&self, column: usize) -> bool {
        self.file_index[column].is_some()
    }
}

/// Compares a header with the expected columns and names every missing, extra, misspelled or
/// moved column.
pub fn check_header(expected: &[&str], actual: &[&str]) -> (ColumnMap, Vec<HeaderIssue>) {
    let mut file_index: Vec<Option<usize>> = expected
        .iter()
        .map(|e| actual.iter().position(|a| a == e))
        .collect();
    let mut issues = duplicates(actual);
    let missing: Vec<usize> = (0..expected.len())
        .filter(|&i| file_index[i].is_none())
        .collect();
    let paired = pair_extras(expected, actual, &missing, &mut file_index, &mut issues);
    issues.extend(
        missing
            .iter()
            .filter(|&&m| !paired[m])
            .map(|&m| missing_column(expected, m)),
    );
    issues.extend(moved(expected, &file_index));
    issues.sort_by_key(|i| i.field.unwrap_or(usize::MAX));
    let width = actual.len();
    (ColumnMap { file_index, width }, issues)
}

/// Names that appear twice in the file's header.
fn duplicates(actual: &[&str]) -> Vec<HeaderIssue> {
    let mut issues = Vec::new();
    for (i, a) in actual.iter().enumerate() {
        if actual[..i].contains(a) {
            issues.push(HeaderIssue {
                field: Some(i),
                name: Some(a.to_string()),
                message: format!("column {} appears twice in the header", shown(a)),
                hint: "remove the duplicate column".into(),
            });
        }
    }
    issues
}

/// Pairs each column the schema does not know with the missing one it most likely misspells
/// (mapping it there), or reports it as extra. Returns which missing columns were paired.
fn pair_extras(
    expected: &[&str],
    actual: &[&str],
    missing: &[usize],
    file_index: &mut [Option<usize>],
    issues: &mut Vec<HeaderIssue>,
) -> Vec<bool> {
    let extra = (0..actual.len())
        .filter(|&i| !expected.contains(&actual[i]) && !actual[..i].contains(&actual[i]));
    let mut paired = vec![false; expected.len()];
    for x in extra {
        let best = missing
            .iter()
            .filter(|&&m| !paired[m])
            .map(|&m| (m, misspelling_distance(actual[x], expected[m])))
            .min_by_key(|&(_, d)| d);
        match best {
            Some((m, d))
                if d <= 3.max(expected[m].len() / 4) || actual[x].trim() == expected[m] =>
            {
                paired[m] = true;
                file_index[m] = Some(x);
                issues.push(HeaderIssue {
                    field: Some(x),
                    name: Some(actual[x].to_string()),
                    message: format!(
                        "column {} is misspelled: the schema calls it {:?}",
                        shown(actual[x]),
                        expected[m]
                    ),
                    hint: format!("rename the column to {:?}", expected[m]),
                });
            }
            _ => issues.push(HeaderIssue {
                field: Some(x),
                name: Some(actual[x].to_string()),
                message: format!("column {} is not in the schema", shown(actual[x])),
                hint: "remove it, or add it to the schema (a new optional column goes at the end)"
                    .into(),
            }),
        }
    }
    paired
}

/// Where schema column `s` goes, in words: "first" or "after <previous column>".
fn place(expected: &[&str], s: usize) -> String {
    match s {
        0 => "first".to_string(),
        _ => format!("after {:?}", expected[s - 1]),
    }
}

fn missing_column(expected: &[&str], m: usize) -> HeaderIssue {
    HeaderIssue {
        field: None,
        name: Some(expected[m].to_string()),
        message: format!("column {:?} is missing", expected[m]),
        hint: format!("add it as column {} ({})", m + 1, place(expected, m)),
    }
}

/// Columns present but outside the longest run that keeps the schema's order.
fn moved(expected: &[&str], file_index: &[Option<usize>]) -> Vec<HeaderIssue> {
    let present: Vec<(usize, usize)> = file_index
        .iter()
        .enumerate()
        .filter_map(|(s, f)| f.map(|f| (s, f)))
        .collect();
    let keep = longest_increasing(&present.iter().map(|&(_, f)| f).collect::<Vec<_>>());
    present
        .iter()
        .zip(keep)
        .filter(|(_, kept)| !kept)
        .map(|(&(s, f), _)| HeaderIssue {
            field: Some(f),
            name: Some(expected[s].to_string()),
            message: format!(
                "column {:?} is out of place: it is column {} here but {} in the schema",
                expected[s],
                f + 1,
                s + 1
            ),
            hint: format!(
                "move it to position {} ({}); `aabc fmt` does it",
                s + 1,
                place(expected, s)
            ),
        })
        .collect()
}

/// The edit distance between a header name and a schema name, compared case-insensitively;
/// `usize::MAX` when their lengths alone rule out a misspelling (so a huge header cell costs
/// nothing).
fn misspelling_distance(actual: &str, expected: &str) -> usize {
    let limit = expected.chars().count() + 3.max(expected.len() / 4);
    if actual.chars().take(limit + 1).count() > limit {
        // Only padding can make it that long and still be this column.
        return if actual.trim() == expected {
            actual.chars().count() - expected.chars().count()
        } else {
            usize::MAX
        };
    }
    strsim::damerau_levenshtein(&actual.to_lowercase(), &expected.to_lowercase())
}

/// Marks the members of one longest strictly increasing subsequence.
fn longest_increasing(xs: &[usize]) -> Vec<bool> {
    let n = xs.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if xs[j] < xs[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let mut keep = vec![false; n];
    if let Some(mut i) = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i))) {
        loop {
            keep[i] = true;
            if prev[i] == usize::MAX {
                break;
            }
            i = prev[i];
        }
    }
    keep
}
