//! `aabc verify <bundle dir or zip>`: check every checksum, re-validate the data against the
//! bundle's schemas, and check that the CSV, JSON, JSON Lines and Parquet copies of each table
//! hold the same rows and values. Exit 0 when all holds, 1 on any mismatch, 2 when the bundle
//! cannot be read.

use crate::cmd::{FOUND, OK};
use aabc::Result;
use std::io::Write;
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
    /// Repository root (with --rebuild).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
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
    let report = aabc::release::verify::verify(&bundle)?;
    let mut stdout = crate::cmd::report_stdout();
    for p in &report.problems {
        outln!(stdout, "MISMATCH: {p}")?;
    }
    let tables: Vec<String> = report
        .tables
        .iter()
        .map(|(t, n)| format!("{t} ({n} rows)"))
        .collect();
    outln!(
        stdout,
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
    )?;
    Ok(if report.problems.is_empty() {
        OK
    } else {
        FOUND
    })
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
