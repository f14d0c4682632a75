//! `aabc verify <bundle dir or zip>`: check every checksum, re-validate the data against the
//! bundle's schemas, and check that the CSV, JSON, JSON Lines and Parquet copies of each table
//! hold the same rows and values. Exit 0 when all holds, 1 on any mismatch, 2 when the bundle
//! cannot be read.

use crate::cmd::{FOUND, OK};
use aabc::Result;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A bundle directory (dist/<name>-<version>) or its zip.
    #[arg(value_name = "BUNDLE", required_unless_present = "rebuild")]
    bundle: Option<PathBuf>,
    /// Rebuild this published version from its recorded commit and compare its zip with the
    /// recorded SHA-256 (run in the repository).
    #[arg(long, value_name = "VERSION", conflicts_with = "bundle")]
    rebuild: Option<String>,
    /// Repository root (with --rebuild).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

pub fn run(args: Args) -> Result<u8> {
    if let Some(v) = &args.rebuild {
        return rebuild(&args.root, v);
    }
    let bundle = args
        .bundle
        .expect("clap requires a bundle without --rebuild");
    // The real reason (no such file, a symlink loop, no permission), not a guess.
    std::fs::metadata(&bundle).map_err(|e| aabc::Error::io(&bundle, e))?;
    let report = aabc::release::verify::verify(&bundle)?;
    let mut stdout = std::io::stdout().lock();
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
fn rebuild(root: &std::path::Path, version: &str) -> Result<u8> {
    use aabc::versions::versioning::{parse, records};
    let dataset = aabc::schema::metadata::Dataset::open(root)?;
    let wanted = parse(version).map_err(|m| aabc::Error::Other(format!("{version:?}: {m}")))?;
    let list = records(&dataset)?;
    let record = list
        .iter()
        .find(|r| parse(&r.version).ok().as_ref() == Some(&wanted))
        .ok_or_else(|| {
            aabc::Error::Other(format!("version {version} is not in the release record"))
        })?;
    let tmp = tempfile::tempdir().map_err(|e| aabc::Error::io(std::env::temp_dir(), e))?;
    let src = tmp.path().join("src");
    aabc::versions::snapshot::checkout(root, &record.commit, &src)?;
    let then = aabc::schema::metadata::Dataset::open(&src)?;
    let changelog = src.join("CHANGELOG.md");
    let license = then.dir().join("LICENSE.md");
    let inputs = aabc::release::bundle::Inputs {
        dataset: &then,
        changelog: &changelog,
        license: Some(&license),
    };
    let built = aabc::release::bundle::build(&inputs, &tmp.path().join("dist"))?;
    let mut stdout = std::io::stdout().lock();
    outln!(
        stdout,
        "rebuilt {} from commit {}",
        built.name,
        record.commit
    )?;
    outln!(stdout, "  recorded zip SHA-256: {}", record.zip_sha256)?;
    outln!(stdout, "  rebuilt  zip SHA-256: {}", built.zip_sha256)?;
    if built.zip_sha256 == record.zip_sha256 {
        outln!(stdout, "identical: the published bytes are reproducible")?;
        Ok(OK)
    } else {
        outln!(
            stdout,
            "MISMATCH: the rebuilt archive differs from the published one"
        )?;
        Ok(FOUND)
    }
}
