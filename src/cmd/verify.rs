//! `aabc verify <bundle dir or zip>`: check every checksum, re-validate the data against the
//! bundle's schemas, and check that the CSV, JSON, JSON Lines and Parquet copies of each table
//! hold the same rows and values. Exit 0 when all holds, 1 on any mismatch, 2 when the bundle
//! cannot be read.

use crate::cmd::{FOUND, OK};
use aabc::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A bundle directory (dist/<name>-<version>) or its zip.
    #[arg(value_name = "BUNDLE")]
    bundle: PathBuf,
}

pub fn run(args: Args) -> Result<u8> {
    if !args.bundle.exists() {
        return Err(aabc::Error::io(
            &args.bundle,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such bundle"),
        ));
    }
    let report = aabc::verify::verify(&args.bundle)?;
    for p in &report.problems {
        println!("MISMATCH: {p}");
    }
    let tables: Vec<String> = report
        .tables
        .iter()
        .map(|(t, n)| format!("{t} ({n} rows)"))
        .collect();
    println!(
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
    );
    Ok(if report.problems.is_empty() {
        OK
    } else {
        FOUND
    })
}
