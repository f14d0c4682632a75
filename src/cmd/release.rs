//! `aabc release`: validate the dataset, then build `dist/<name>-<version>/` and its zip.
//!
//! Refuses to build an invalid dataset (and shows why), a version without a dated section in
//! CHANGELOG.md, or a version whose bundle already exists with other bytes. Building the same
//! version again gives identical bytes and changes nothing.

use crate::cmd::{FOUND, OK};
use aabc::bundle::{build, Inputs, Placed};
use aabc::metadata::{join, Dataset};
use aabc::report::{Format, Problem, Renderer, Severity};
use aabc::validate::validate_dataset;
use aabc::{Error, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Repository root holding dataset/, schema/ and CHANGELOG.md.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where bundles are written (default: dist/ under the root).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    let today = chrono::Local::now().date_naive();
    let mut problems: Vec<Problem> = Vec::new();
    validate_dataset(&dataset, today, &mut |p| {
        problems.push(p);
        Ok(())
    })?;
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if !problems.is_empty() {
        let mut r = Renderer::new(std::io::stderr().lock(), Format::Human, false);
        for p in &problems {
            r.emit(p).map_err(|e| Error::Other(e.to_string()))?;
        }
    }
    if errors > 0 {
        eprintln!("aabc: refusing to build a release: the dataset has {errors} error(s); fix them first (`aabc validate`)");
        return Ok(FOUND);
    }
    let changelog = join(&args.root, "CHANGELOG.md");
    let license = dataset.dir().join("LICENSE.md");
    let inputs = Inputs {
        dataset: &dataset,
        changelog: &changelog,
        license: Some(&license),
    };
    let dist = args.out.unwrap_or_else(|| join(&args.root, "dist"));
    let built = build(&inputs, &dist)?;
    match built.placed {
        Placed::Created => println!("built {}", built.name),
        Placed::Identical => println!(
            "{} already exists with identical bytes; nothing changed",
            built.name
        ),
    }
    for (f, len) in &built.files {
        println!("  {f:<32} {len:>9} bytes");
    }
    println!("{}", built.dir.display());
    println!(
        "{}  {} bytes  sha256 {}",
        built.zip.display(),
        built.zip_bytes,
        built.zip_sha256
    );
    Ok(OK)
}
