//! `aabc validate`: check the dataset, or any CSV against any row schema.
//!
//! Run from the repository root with no arguments, it checks every table that
//! `dataset/dataset.json` lists against its schema, with all declared rules. With
//! `--schema S.json FILE.csv` it checks one file against one row schema (foreign keys and
//! coverage need the dataset and are skipped).
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
use aabc::validate::{
    is_structure_fault, validate_dataset_with_progress, validate_table_with_progress, TableJob,
};
use aabc::{Error, Result};
use std::io::BufWriter;

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
}

pub fn run(args: Args) -> Result<u8> {
    let stdout = crate::cmd::report_stdout();
    let mut renderer = Renderer::new(BufWriter::new(stdout), args.format, args.strict);
    let mut tally = Tally::default();
    let today = chrono::Local::now().date_naive();
    let structure_faults = std::cell::Cell::new(false);
    let mut emit = |p: aabc::validate::report::Problem| {
        tally.add(&p);
        if is_structure_fault(&p) {
            structure_faults.set(true);
        }
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
            let dataset = Dataset::open(&args.target.root)?;
            let counts = validate_dataset_with_progress(
                &dataset,
                today,
                &mut emit,
                &mut Bar::new("validating"),
            )?;
            // Published ids are compared with the rows only when the rows were read as meant.
            if !structure_faults.get() {
                for p in
                    aabc::versions::versioning::published_id_problems(&args.target.root, &dataset)?
                {
                    emit(p).map_err(crate::cmd::stdout_error)?;
                }
            }
            counts
        }
    };
    renderer
        .summary(&files, tally)
        .and_then(|_| renderer.flush())
        .map_err(crate::cmd::stdout_error)?;
    let failed = tally.errors > 0 || (args.strict && tally.warnings > 0);
    Ok(if failed { FOUND } else { OK })
}
