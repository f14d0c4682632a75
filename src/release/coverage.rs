//! Coverage of the source's own totals: for each total the metadata records (an infobox's
//! "at least 436 servicemen killed"), the sum of the matching columns over the rows, so that a
//! user sees how much of what the source reports the event rows account for. Names of the
//! columns and the totals come from the metadata; nothing here knows a dataset.

use crate::error::{Error, Result};
use crate::schema::metadata::{Dataset, SourceTotal, SourceTotals};
use crate::schema::rows::Rows;
use crate::schema::{Kind, Schema};
use std::fmt::Write;
use std::io::Read;

/// One total of the source and what the rows give for it.
#[derive(Debug, Clone)]
pub struct Line {
    pub total: SourceTotal,
    /// Sum over the rows of the total's columns (blank counts as nothing); `None` when no
    /// column records this figure.
    pub rows_sum: Option<i64>,
    /// Rows that give a figure in any of the columns.
    pub rows_giving: u64,
}

impl Line {
    /// The source's figure as it states it: `436` or `at least 436`.
    pub fn stated(&self) -> String {
        if self.total.at_least {
            format!("at least {}", self.total.total)
        } else {
            self.total.total.to_string()
        }
    }

    /// "event rows account for X of Y (Z %)", or why they cannot.
    pub fn account(&self) -> String {
        match self.rows_sum {
            None => format!("not recorded by any column (source: {})", self.stated()),
            Some(x) if self.total.total == 0 => {
                format!("event rows account for {x} of {}", self.stated())
            }
            Some(x) => format!(
                "event rows account for {x} of {} ({:.0} %)",
                self.stated(),
                100.0 * x as f64 / self.total.total as f64
            ),
        }
    }
}

/// Sums the columns of every total over the rows of `csv` (the table `totals.table`, read
/// with `schema`). A column that is not an integer column of the table is refused.
pub fn compute(schema: &Schema, totals: &SourceTotals, csv: impl Read) -> Result<Vec<Line>> {
    let mut cols: Vec<Vec<usize>> = Vec::with_capacity(totals.figures.len());
    for f in &totals.figures {
        let mut idx = Vec::with_capacity(f.columns.len());
        for name in &f.columns {
            let i = schema
                .column_index(name)
                .filter(|&i| schema.columns[i].kind == Kind::Integer)
                .ok_or_else(|| {
                    Error::Other(format!(
                        "coverage.totals in the metadata: {:?} ({} {}) names {name:?}, which is not an integer column of table {:?}; name integer columns of that table, or none while no column records the figure",
                        f.section, f.side, f.category, totals.table
                    ))
                })?;
            idx.push(i);
        }
        cols.push(idx);
    }
    let mut sums = vec![0i64; cols.len()];
    let mut giving = vec![0u64; cols.len()];
    let mut rows = Rows::new(schema, csv, &totals.table)?;
    while let Some(r) = rows.next_row()? {
        for (k, idx) in cols.iter().enumerate() {
            let mut any = false;
            for &i in idx {
                if let Some(n) = r.get(i).and_then(|v| v.parse::<i64>().ok()) {
                    sums[k] = sums[k].saturating_add(n);
                    any = true;
                }
            }
            giving[k] += u64::from(any);
        }
    }
    Ok(totals
        .figures
        .iter()
        .enumerate()
        .map(|(k, f)| Line {
            total: f.clone(),
            rows_sum: (!f.columns.is_empty()).then_some(sums[k]),
            rows_giving: giving[k],
        })
        .collect())
}

/// The coverage of a dataset's files, when its metadata records the source's totals (release
/// format 2 or later).
pub fn of_dataset(dataset: &Dataset) -> Result<Option<Vec<Line>>> {
    let Some(totals) = &dataset.meta.coverage.totals else {
        return Ok(None);
    };
    if !dataset.meta.format().has_full_citation() {
        return Ok(None);
    }
    let r = dataset
        .resource(&totals.table)
        .ok_or_else(|| Error::Metadata {
            path: dataset.path.clone(),
            message: format!(
                "coverage.totals names table {:?}, which the dataset does not have",
                totals.table
            ),
        })?;
    let schema = Schema::load(&dataset.schema_path(r))?;
    let path = dataset.data_path(r);
    let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    compute(&schema, totals, std::io::BufReader::new(file)).map(Some)
}

/// The coverage table as Markdown, for the bundle README.
pub fn markdown(totals: &SourceTotals, lines: &[Line]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "How much of the totals the source states the event rows account for. Source: {}. A blank figure adds nothing, so each sum counts only what the rows report; where the source's total is larger, the rows do not itemise the rest.\n",
        totals.source
    );
    let _ = writeln!(
        s,
        "| side | category | source says | where | columns summed | event rows | rows giving a figure | event rows account for |\n|---|---|---|---|---|---|---|---|"
    );
    for l in lines {
        let cols = if l.total.columns.is_empty() {
            "(none)".to_string()
        } else {
            l.total
                .columns
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let (sum, share) = match l.rows_sum {
            None => ("—".to_string(), "not recorded by any column".to_string()),
            Some(x) => (x.to_string(), format!("{x} of {}", l.stated())),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&l.total.side),
            cell(&l.total.category),
            l.stated(),
            cell(&l.total.section),
            cols,
            sum,
            l.rows_giving,
            share
        );
    }
    let notes: Vec<&Line> = lines.iter().filter(|l| l.total.note.is_some()).collect();
    if !notes.is_empty() {
        s.push('\n');
        for l in notes {
            let _ = writeln!(
                s,
                "- {} {}: {}",
                l.total.side,
                l.total.category,
                l.total.note.as_deref().unwrap_or("")
            );
        }
    }
    s
}

/// The coverage as plain lines, for `aabc release`.
pub fn plain(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            format!(
                "{}, {} ({}): {}",
                l.total.side,
                l.total.category,
                l.total.section,
                l.account()
            )
        })
        .collect()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
