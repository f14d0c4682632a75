//! `aabc synth`: write synthetic rows that follow a row schema (valid by construction, or with
//! a known share of rows each breaking one rule), deterministic for a seed. For benchmarks and
//! scale tests: `aabc synth --rows 1000000 --seed 1 --out big.csv`.
//!
//! Every row is checked against the schema before it is written, so the "N invalid" it reports
//! is true; a keyword it could not follow (a `pattern` it cannot generate from, say) is named,
//! with how many rows fail it.

use crate::cmd::OK;
use aabc::schema::metadata::Dataset;
use aabc::schema::Schema;
use aabc::table::text::clean;
use aabc::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// Write synthetic rows that follow a row schema (for benchmarks and scale tests).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of rows.
    #[arg(long)]
    rows: u64,
    /// Seed of the generator: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of rows (0 to 1) that each break one rule, in turn: a total, the date order, a
    /// vocabulary, an integer, the primary key, whitespace.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    invalid_rate: f64,
    /// Output file (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Row schema (default: the dataset's first table).
    #[arg(long, value_name = "S.json")]
    schema: Option<PathBuf>,
    /// Repository root holding dataset/ and schema/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

/// A share between 0 and 1 (a usage error otherwise, as clap reports one).
fn share(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err("must be a number between 0 and 1".into()),
    }
}

pub fn run(args: Args) -> Result<u8> {
    let (schema, coverage) = match &args.schema {
        Some(s) => (Schema::load(s)?, None),
        None => {
            let d = Dataset::open(&args.root)?;
            let r = &d.meta.resources[0];
            (Schema::load(&d.schema_path(r))?, Some(d.meta.coverage))
        }
    };
    let dates = dates(coverage.as_ref(), aabc::clock::today());
    let stats = match &args.out {
        Some(path) => {
            let mut out = aabc::table::atomic::Output::create(path, "synth")?;
            let written = {
                let w = std::io::BufWriter::with_capacity(1 << 20, &mut out);
                aabc::synth::write(
                    &schema,
                    args.rows,
                    args.seed,
                    args.invalid_rate,
                    dates.clone(),
                    w,
                )
            };
            let stats = written.map_err(|e| out.explain(e))?;
            out.commit()?;
            stats
        }
        None => {
            let out = std::io::stdout().lock();
            let stats = aabc::synth::write(
                &schema,
                args.rows,
                args.seed,
                args.invalid_rate,
                dates,
                std::io::BufWriter::new(out),
            )?;
            std::io::stdout()
                .flush()
                .map_err(|e| Error::io("standard output", e))?;
            stats
        }
    };
    eprintln!("{}", summary(&stats));
    Ok(OK)
}

/// What was written, for the terminal: the rows, how many are invalid and why (the damage done
/// on purpose, then each keyword the generator could not follow, by column). Column names
/// come from the schema: they are printed escaped.
fn summary(stats: &aabc::synth::Stats) -> String {
    let damage: Vec<String> = (stats.by_damage.iter())
        .filter(|d| d.1 > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    let mut s = format!("wrote {} rows, {} invalid", stats.rows, stats.invalid);
    if !damage.is_empty() {
        s.push_str(&format!(" ({})", damage.join(", ")));
    }
    if !stats.unmet.is_empty() {
        let unmet: Vec<String> = (stats.unmet.iter())
            .map(|(k, n)| format!("{} ({n} rows)", clean(k)))
            .collect();
        s.push_str(&format!(
            "\nsynth could not follow these keywords, and counts the rows that fail them as invalid: {}",
            unmet.join(", ")
        ));
    }
    s
}

/// The days the rows fall on: the dataset's coverage where the metadata gives it, else five
/// years from 2021-01-01; never after `today` (nothing recorded lies in the future). A fixed
/// range keeps a seed's bytes the same from day to day.
fn dates(
    coverage: Option<&aabc::schema::metadata::Coverage>,
    today: chrono::NaiveDate,
) -> std::ops::RangeInclusive<chrono::NaiveDate> {
    let start = coverage
        .and_then(|c| c.start)
        .unwrap_or(chrono::NaiveDate::from_ymd_opt(2021, 1, 1).expect("valid date"));
    let end = coverage
        .and_then(|c| c.end)
        .unwrap_or(start + chrono::Days::new(5 * 365))
        .min(today)
        .max(start);
    start..=end
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_range_does_not_move_with_the_clock_once_it_lies_in_the_past() {
        let a = dates(None, day("2026-11-27"));
        assert_eq!(a, day("2021-01-01")..=day("2025-12-31"));
        assert_eq!(dates(None, day("2030-01-01")), a);
        // Never after today, never before the start.
        assert_eq!(
            dates(None, day("2022-06-01")),
            day("2021-01-01")..=day("2022-06-01")
        );
        let open = aabc::schema::metadata::Coverage {
            start: Some(day("2024-01-01")),
            end: None,
            totals: None,
        };
        assert_eq!(
            dates(Some(&open), day("2023-01-01")),
            day("2024-01-01")..=day("2024-01-01")
        );
    }
}
