//! The header check: how a file's header maps onto the schema's columns, and every missing,
//! extra, misspelled, duplicated or moved column, named with what to do about it. A header is
//! input like any other: its cost is linear in its width, and its report is a few dozen lines
//! however many columns are wrong.

use crate::table::text::shown;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

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

/// Issues shown per kind (duplicated, misspelled, extra, missing, moved columns); the rest of
/// a kind are counted in one closing line, so that a header of a million columns gives a
/// short report (and each shown issue is located in the header at a cost).
pub const SHOWN_PER_KIND: usize = 20;

/// Compares a header with the expected columns and names every missing, extra, misspelled or
/// moved column (the first [`SHOWN_PER_KIND`] of each kind, then how many more). Linear in the
/// header's width: names are looked up in hash maps, never searched.
pub fn check_header(expected: &[&str], actual: &[&str]) -> (ColumnMap, Vec<HeaderIssue>) {
    // Where each name of the header first appears, and for each field that first place.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(actual.len());
    let first_of: Vec<usize> = (0..actual.len())
        .map(|i| *first.entry(actual[i]).or_insert(i))
        .collect();
    let mut file_index: Vec<Option<usize>> =
        expected.iter().map(|e| first.get(e).copied()).collect();
    let mut issues = Issues::default();
    duplicates(actual, &first_of, &mut issues);
    let missing: Vec<usize> = (0..expected.len())
        .filter(|&i| file_index[i].is_none())
        .collect();
    let paired = pair_extras(
        expected,
        actual,
        &first_of,
        &missing,
        &mut file_index,
        &mut issues,
    );
    for &m in missing.iter().filter(|&&m| !paired[m]) {
        issues.add(Issue::Missing, || missing_column(expected, m));
    }
    for i in moved(expected, &file_index) {
        issues.add(Issue::Moved, || i);
    }
    let width = actual.len();
    (ColumnMap { file_index, width }, issues.finish())
}

/// The kinds of header issue, each shown up to [`SHOWN_PER_KIND`] times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Issue {
    Duplicate,
    Misspelled,
    Extra,
    Missing,
    Moved,
}

impl Issue {
    const ALL: [Issue; 5] = [
        Issue::Duplicate,
        Issue::Misspelled,
        Issue::Extra,
        Issue::Missing,
        Issue::Moved,
    ];

    /// The closing line for `n` issues of this kind not shown.
    fn more(self, n: usize) -> HeaderIssue {
        let (what, hint) = match self {
            Issue::Duplicate => ("appear twice in the header", "remove the duplicate columns"),
            Issue::Misspelled => ("are misspelled", "rename them as the schema names them"),
            Issue::Extra => (
                "are not in the schema",
                "remove them, or add them to the schema",
            ),
            Issue::Missing => ("are missing", "add them in the schema's order"),
            Issue::Moved => (
                "are out of place",
                "`aabc fmt` puts every column in its place",
            ),
        };
        HeaderIssue {
            field: None,
            name: None,
            message: format!("and {n} more column(s) {what}"),
            hint: hint.into(),
        }
    }
}

/// The issues found so far: the first [`SHOWN_PER_KIND`] of each kind, and how many of each.
#[derive(Default)]
struct Issues {
    shown: Vec<HeaderIssue>,
    count: [usize; Issue::ALL.len()],
}

impl Issues {
    /// Counts an issue, and words it only when it will be shown.
    fn add(&mut self, kind: Issue, issue: impl FnOnce() -> HeaderIssue) {
        self.count[kind as usize] += 1;
        if self.count[kind as usize] <= SHOWN_PER_KIND {
            self.shown.push(issue());
        }
    }

    /// The issues shown in header order (missing columns last, in schema order), then one line
    /// per kind that had more.
    fn finish(mut self) -> Vec<HeaderIssue> {
        self.shown.sort_by_key(|i| i.field.unwrap_or(usize::MAX));
        for kind in Issue::ALL {
            let n = self.count[kind as usize];
            if n > SHOWN_PER_KIND {
                self.shown.push(kind.more(n - SHOWN_PER_KIND));
            }
        }
        self.shown
    }
}

/// Names that appear twice in the file's header (`first_of`: where each field's name first
/// appears).
fn duplicates(actual: &[&str], first_of: &[usize], issues: &mut Issues) {
    for (i, a) in actual.iter().enumerate().filter(|&(i, _)| first_of[i] < i) {
        issues.add(Issue::Duplicate, || HeaderIssue {
            field: Some(i),
            name: Some(a.to_string()),
            message: format!("column {} appears twice in the header", shown(a)),
            hint: "remove the duplicate column".into(),
        });
    }
}

/// Pairs each column the schema does not know with the missing one it most likely misspells
/// (mapping it there), or reports it as extra. Returns which missing columns were paired.
fn pair_extras(
    expected: &[&str],
    actual: &[&str],
    first_of: &[usize],
    missing: &[usize],
    file_index: &mut [Option<usize>],
    issues: &mut Issues,
) -> Vec<bool> {
    let known: HashSet<&str> = expected.iter().copied().collect();
    let extra = (0..actual.len()).filter(|&i| first_of[i] == i && !known.contains(actual[i]));
    let names: Vec<Name> = expected.iter().map(|e| Name::new(e)).collect();
    let mut paired = vec![false; expected.len()];
    for x in extra {
        let unpaired = missing.iter().copied().filter(|&m| !paired[m]);
        let name = actual[x];
        match closest_missing(name, unpaired, &names) {
            Some(m) => {
                paired[m] = true;
                file_index[m] = Some(x);
                issues.add(Issue::Misspelled, || HeaderIssue {
                    field: Some(x),
                    name: Some(name.to_string()),
                    message: format!(
                        "column {} is misspelled: the schema calls it {:?}",
                        shown(name),
                        expected[m]
                    ),
                    hint: format!("rename the column to {:?}", expected[m]),
                });
            }
            None => issues.add(Issue::Extra, || HeaderIssue {
                field: Some(x),
                name: Some(name.to_string()),
                message: format!("column {} is not in the schema", shown(name)),
                hint: "remove it, or add it to the schema (a new optional column goes at the end)"
                    .into(),
            }),
        }
    }
    paired
}

/// A schema column's name, with what the misspelling check needs of it computed once.
struct Name<'a> {
    text: &'a str,
    /// Its characters, lower-cased and sorted (for a cheap lower bound of the edit distance).
    bag: Vec<char>,
    /// The most edits a misspelling of it may have.
    slack: usize,
    /// The most characters a misspelling of it may have (see [`misspelling_distance`]).
    longest: usize,
}

impl<'a> Name<'a> {
    fn new(text: &'a str) -> Name<'a> {
        Name {
            text,
            bag: bag(text),
            slack: 3.max(text.len() / 4),
            longest: text.chars().count() + 3.max(text.len() / 4),
        }
    }
}

/// The missing column (among `candidates`) that header name `a` misspells, if any: the first
/// of the closest, when it is close enough or equal once trimmed. Most names are far from every
/// candidate, which a lower bound of the edit distance shows without computing it.
fn closest_missing(
    a: &str,
    candidates: impl Iterator<Item = usize> + Clone,
    names: &[Name],
) -> Option<usize> {
    let a_bag = OnceCell::new();
    let may_be = |m: usize| {
        let n = &names[m];
        a.trim() == n.text
            || (a.chars().take(n.longest + 1).count() <= n.longest
                && bag_distance(a_bag.get_or_init(|| bag(a)), &n.bag) <= n.slack)
    };
    if !candidates.clone().any(may_be) {
        return None;
    }
    let (m, d) = candidates
        .map(|m| (m, misspelling_distance(a, names[m].text)))
        .min_by_key(|&(_, d)| d)?;
    (d <= names[m].slack || a.trim() == names[m].text).then_some(m)
}

/// The characters of `s`, lower-cased and sorted.
fn bag(s: &str) -> Vec<char> {
    let mut chars: Vec<char> = s.to_lowercase().chars().collect();
    chars.sort_unstable();
    chars
}

/// How many characters of the larger of two sorted bags the other lacks: no edit (insertion,
/// deletion, substitution, transposition) changes it by more than one, so it is a lower bound
/// of the edit distance.
fn bag_distance(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    a.len().max(b.len()) - common
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bag_distance_never_exceeds_the_edit_distance() {
        let words = [
            "",
            "a",
            "id",
            "di",
            "event_id",
            "EVENT_ID",
            "evnet_id",
            "date_start",
            "date_strat",
            "notes",
            " notes ",
            "x123",
            "İstanbul",
            "istanbul",
            "ééé",
            "location",
            "locaton",
        ];
        for a in words {
            for b in words {
                let edit = strsim::damerau_levenshtein(&a.to_lowercase(), &b.to_lowercase());
                assert!(bag_distance(&bag(a), &bag(b)) <= edit, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn issues_beyond_the_cap_are_counted_in_one_line() {
        let expected = ["a", "b"];
        let mut actual = vec!["a", "b"];
        actual.extend(std::iter::repeat_n("a", 25));
        let (_, issues) = check_header(&expected, &actual);
        assert_eq!(issues.len(), SHOWN_PER_KIND + 1);
        assert_eq!(issues[0].field, Some(2));
        assert_eq!(
            issues[SHOWN_PER_KIND].message,
            "and 5 more column(s) appear twice in the header"
        );
    }
}
