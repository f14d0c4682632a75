//! Figures for a release's README: rows by year, by the values of chosen columns, and sums of
//! chosen numeric columns, as the metadata's `summary` section names them.

use crate::error::{Error, Result};
use crate::schema::metadata::Summary;
use crate::schema::rows::Rows;
use crate::schema::Schema;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub rows: u64,
    pub by_year: BTreeMap<String, u64>,
    /// Column name → value → rows (blank shown as "(blank)").
    pub by_value: Vec<(String, BTreeMap<String, u64>)>,
    /// Column name → sum of the given figures, and the rows that give one.
    pub sums: Vec<(String, i64, u64)>,
}

/// Computes the summary of a table read from CSV bytes.
pub fn counts(schema: &Schema, spec: &Summary, csv: &[u8]) -> Result<Counts> {
    let col = |name: &str| {
        schema.column_index(name).ok_or_else(|| Error::NotFound {
            what: "column",
            name: name.to_string(),
            within: format!(
                "table {} (named by the metadata's summary)",
                crate::table::text::shown(&spec.table)
            ),
        })
    };
    let year = spec.year_of.as_deref().map(col).transpose()?;
    let by: Vec<usize> = spec
        .count_by
        .iter()
        .map(|n| col(n))
        .collect::<Result<_>>()?;
    let sum: Vec<usize> = spec.sum.iter().map(|n| col(n)).collect::<Result<_>>()?;
    let mut c = Counts {
        by_value: by
            .iter()
            .map(|&i| (schema.columns[i].name.clone(), BTreeMap::new()))
            .collect(),
        sums: sum
            .iter()
            .map(|&i| (schema.columns[i].name.clone(), 0, 0))
            .collect(),
        ..Counts::default()
    };
    let mut rows = Rows::new(schema, csv, &spec.table)?;
    while let Some(r) = rows.next_row()? {
        c.rows += 1;
        if let Some(y) = year {
            let d = r.get(y).unwrap_or("");
            *c.by_year
                .entry(d.get(..4).unwrap_or("(blank)").to_string())
                .or_default() += 1;
        }
        for (k, &i) in by.iter().enumerate() {
            let v = r.get(i).filter(|v| !v.is_empty()).unwrap_or("(blank)");
            *c.by_value[k].1.entry(v.to_string()).or_default() += 1;
        }
        for (k, &i) in sum.iter().enumerate() {
            if let Some(n) = r.get(i).and_then(|v| v.parse::<i64>().ok()) {
                c.sums[k].1 += n;
                c.sums[k].2 += 1;
            }
        }
    }
    Ok(c)
}

/// The summary as Markdown.
pub fn markdown(c: &Counts, year_of: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(y) = year_of {
        let _ = writeln!(s, "Rows by year of `{y}`:\n\n| year | rows |\n|---|---|");
        for (k, v) in &c.by_year {
            let _ = writeln!(s, "| {k} | {v} |");
        }
        let _ = writeln!(s, "| total | {} |\n", c.rows);
    }
    for (name, values) in &c.by_value {
        let _ = writeln!(s, "Rows by `{name}`:\n\n| value | rows |\n|---|---|");
        let mut sorted: Vec<(&String, &u64)> = values.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (k, v) in sorted {
            let _ = writeln!(s, "| `{k}` | {v} |");
        }
        let _ = writeln!(s);
    }
    if !c.sums.is_empty() {
        let _ = writeln!(
            s,
            "Sums of the figures given (a blank cell is \"not reported\" and adds nothing, so these are sums of reported figures, not complete tolls):\n\n| column | sum | rows giving a figure |\n|---|---|---|"
        );
        for (name, total, n) in &c.sums {
            let _ = writeln!(s, "| `{name}` | {total} | {n} |");
        }
    }
    s
}
