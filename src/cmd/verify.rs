//! `aabc verify <bundle dir or zip>`: check every checksum, re-validate the data against the
//! bundle's schemas, check that the CSV, JSON, JSON Lines and Parquet copies of each table
//! hold the same rows and values, that every other file is what the bundle's own data and
//! metadata produce, and that a zip whose version the repository at `--root` records has the
//! recorded SHA-256. Findings come as `MISMATCH:` lines and a summary, or with `--format json`,
//! `github` or `markdown` as `aabc validate` writes its problems, by the same printer: bounded
//! alike (`--max-errors N`; GitHub's annotations at 10 by default, then one notice with the
//! totals by rule and how many were left out). Exit 0 when all holds, 1 on any mismatch or a
//! refused archive, 2 when the bundle cannot be read.

use crate::cmd::{FOUND, OK};
use aabc::release::verify::Report;
use aabc::table::text::{clean, message, path};
use aabc::validate::report::{Format, Problem, Renderer, Tally};
use aabc::Result;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Check a release bundle (directory or zip): checksums, validity, formats agree.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A bundle directory (dist/<name>-<version>) or its zip.
    #[arg(value_name = "BUNDLE", required_unless_present = "rebuild")]
    bundle: Option<PathBuf>,
    /// Rebuild this published version from its recorded commit and compare its zip with the
    /// recorded SHA-256 (run in the repository).
    #[arg(long, value_name = "VERSION", conflicts_with = "bundle")]
    rebuild: Option<String>,
    /// With --rebuild: write the rebuilt bundle (directory and zip) into DIR.
    #[arg(long, value_name = "DIR", requires = "rebuild")]
    out: Option<PathBuf>,
    /// Repository root: with --rebuild, the repository to rebuild from; with a zip, the
    /// repository whose release record the zip's SHA-256 is compared with (when it records
    /// the zip's version).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Output format of the findings.
    #[arg(long, default_value = "human", value_parser = crate::cmd::choice::<Format>())]
    format: Format,
    /// Show at most N findings; the rest are counted in the summary. For `--format github`,
    /// the default is 10 annotations.
    #[arg(long, value_name = "N")]
    max_errors: Option<u64>,
}

pub fn run(args: Args) -> Result<u8> {
    if let Some(v) = &args.rebuild {
        return rebuild(&args.root, v, args.out.as_deref());
    }
    let bundle = args
        .bundle
        .expect("clap requires a bundle without --rebuild");
    // The real reason (no such file, a symlink loop, no permission), not a guess.
    std::fs::metadata(&bundle).map_err(|e| aabc::Error::io(&bundle, e))?;
    let report = aabc::release::verify::verify(&bundle, Some(&args.root))?;
    let mut stdout = BufWriter::new(crate::cmd::report_stdout());
    match args.format {
        Format::Human => human(&mut stdout, &report, args.max_errors)?,
        format => as_validate(&mut stdout, &report, format, args.max_errors)?,
    }
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(if report.problems.is_empty() {
        OK
    } else {
        FOUND
    })
}

/// The findings in one of `aabc validate`'s formats, by its printer, with its summary.
fn as_validate(
    out: &mut impl Write,
    report: &Report,
    format: Format,
    max: Option<u64>,
) -> Result<()> {
    let mut renderer = Renderer::new(out, format, false)
        .with_limit(max)
        .for_command("aabc verify");
    let mut tally = Tally::default();
    for p in &report.problems {
        tally.add(p);
        renderer.emit(p).map_err(crate::cmd::stdout_error)?;
    }
    let tables: Vec<(String, u64)> = report
        .tables
        .iter()
        .map(|(t, n)| (t.clone(), *n as u64))
        .collect();
    crate::cmd::close_report(&mut renderer, format, &tables, tally)
}

/// One `MISMATCH:` line per finding (the first `max`, when given), then the summary.
fn human(out: &mut impl Write, report: &Report, max: Option<u64>) -> Result<()> {
    let shown = max.map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
    for p in report.problems.iter().take(shown) {
        outln!(out, "MISMATCH: {}", human_line(p))?;
    }
    if let Some(hidden) = report.problems.len().checked_sub(shown).filter(|&n| n > 0) {
        outln!(out, "{hidden} more mismatch(es) not shown (--max-errors)")?;
    }
    let tables: Vec<String> = report
        .tables
        .iter()
        .map(|(t, n)| format!("{} ({n} rows)", clean(t)))
        .collect();
    outln!(
        out,
        "{}: {} checksum(s) checked; formats compared for {}; {} problem(s)",
        if report.problems.is_empty() {
            "verified"
        } else {
            "NOT VERIFIED"
        },
        report.checked,
        if tables.is_empty() {
            "no table".to_string()
        } else {
            tables.join(", ")
        },
        report.problems.len()
    )
}

/// A finding of verify's own checks reads on its own; a row that breaks the bundle's schemas
/// is shown with its place, field and rule.
fn human_line(p: &Problem) -> String {
    if p.rule.starts_with("verify/") {
        return message(&p.message);
    }
    format!(
        "invalid: {}:{}: {} [{}] {}",
        path(&p.file),
        p.line.unwrap_or(0),
        p.field.as_deref().map(clean).unwrap_or_default(),
        clean(&p.rule),
        message(&p.message)
    )
}

/// Rebuilds a published version from its recorded commit, with this toolkit, and compares.
fn rebuild(root: &std::path::Path, version: &str, out: Option<&std::path::Path>) -> Result<u8> {
    let r = aabc::release::policy::rebuild(root, version, out)?;
    let mut out = crate::cmd::report_stdout();
    outln!(out, "rebuilt {} from commit {}", r.name, r.commit)?;
    outln!(out, "  recorded zip SHA-256: {}", r.record.zip_sha256)?;
    outln!(out, "  rebuilt  zip SHA-256: {}", r.zip_sha256)?;
    match r.mismatch {
        None => {
            outln!(out, "identical: the published bytes are reproducible")?;
            Ok(OK)
        }
        Some(why) => {
            outln!(
                out,
                "MISMATCH: the rebuilt archive differs from the published one: {why}"
            )?;
            Ok(FOUND)
        }
    }
}
