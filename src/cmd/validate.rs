//! `aabc validate`: check the dataset, or any CSV against any row schema.
//!
//! Run from the repository root with no arguments, it checks every table that
//! `dataset/dataset.json` lists against its schema, with all declared rules. With
//! `--schema S.json FILE.csv` it checks one file against one row schema (foreign keys,
//! coverage and the rules that read another table, `count` and `equal`, need the dataset and
//! are skipped).
//!
//! `--max-errors N` shows the first N problems (errors and warnings alike: it bounds the
//! output, and under `--strict` a warning is an error anyway) and only counts the rest, so the
//! summary by rule, the totals and the exit code still cover every problem. JSON Lines stays
//! one problem per line: what was left out is said on standard error.
//!
//! Exit codes: 0 valid (warnings allowed), 1 invalid (or warnings under `--strict`; a file
//! that is not well-formed CSV is invalid, each fault reported where it is), 2 could not run
//! (missing file, unreadable schema, I/O).

use crate::cmd::progress::Bar;
use crate::cmd::{FOUND, OK};
use aabc::schema::metadata::Dataset;
use aabc::schema::Schema;
use aabc::table::paths::display;
use aabc::validate::report::{Format, Renderer, Tally};
use aabc::validate::rules::Context;
use aabc::validate::{validate_table_with_progress, TableJob};
use aabc::{Error, Result};
use std::io::BufWriter;

/// Check the dataset (or a CSV against a row schema): schema, consistency rules, file format.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: crate::cmd::target::Target,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = crate::cmd::choice::<Format>())]
    format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Show at most N problems (errors and warnings alike); the rest are counted in the
    /// summary. For `--format github`, the default is 10 annotations.
    #[arg(long, value_name = "N")]
    max_errors: Option<u64>,
    #[command(flatten)]
    base: crate::cmd::target::Base,
}

pub fn run(args: Args) -> Result<u8> {
    let stdout = crate::cmd::report_stdout();
    let mut renderer =
        Renderer::new(BufWriter::new(stdout), args.format, args.strict).with_limit(args.max_errors);
    let mut tally = Tally::default();
    let today = aabc::clock::today();
    let mut emit = |p: aabc::validate::report::Problem| {
        tally.add(&p);
        renderer.emit(&p)
    };
    let files = match (&args.target.schema, &args.target.file) {
        (Some(schema), Some(file)) => {
            let schema = Schema::load(schema)?;
            // The real reason (no such file, a symlink loop, no permission), not a guess.
            std::fs::metadata(file).map_err(|e| Error::io(file, e))?;
            let job = TableJob {
                schema: &schema,
                path: file,
                ctx: Context {
                    today,
                    ..Context::today_only()
                },
                collect_keys: false,
            };
            let outcome = validate_table_with_progress(
                &job,
                &Default::default(),
                &mut emit,
                &mut Bar::new("validating"),
            )?;
            vec![(display(file), outcome.rows)]
        }
        _ => {
            let root = &args.target.root;
            let dataset = Dataset::open(root)?;
            let base = args.base.revision(root);
            aabc::versions::published::validate(
                root,
                &dataset,
                today,
                base.as_deref(),
                &mut emit,
                &mut Bar::new("validating"),
            )?
        }
    };
    crate::cmd::close_report(&mut renderer, args.format, &files, tally)?;
    let failed = tally.errors > 0 || (args.strict && tally.warnings > 0);
    Ok(if failed { FOUND } else { OK })
}
