//! `aabc release`: validate the dataset, check its version against the last published release,
//! then build `dist/<name>-<version>/` and its zip.
//!
//! Refuses an invalid dataset (and shows why); a version without a dated section in
//! CHANGELOG.md; a version smaller than the changes since the last published release require;
//! a published version whose bytes would change. `--check` only prints the required bump and
//! why (for CI), and the same verdict: both ask [`aabc::release::policy::decide`]. `--publish` also appends the release to the record (version, date, commit,
//! SHA-256 of the zip, rows), which requires the data to be committed.

use crate::cmd::{FOUND, OK};
use aabc::release::bundle::{build, Built, Placed};
use aabc::release::policy::{self, Decision};
use aabc::schema::metadata::{join, Dataset};
use aabc::table::paths::{display, printable};
use aabc::validate::report::{Format, Problem, Renderer, Severity};
use aabc::versions::record;
use aabc::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Build the release bundle (Parquet, JSON, CSV, checksums, citation) of the dataset.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Repository root holding dataset/, schema/ and CHANGELOG.md.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where bundles are written (default: dist/ under the root).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Only print the version bump the changes since the last published release require.
    #[arg(long, conflicts_with = "publish")]
    check: bool,
    /// Record the release as published (the data must be committed).
    #[arg(long)]
    publish: bool,
    #[command(flatten)]
    base: crate::cmd::target::Base,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    let base = args.base.revision(&args.root);
    let decision = policy::decide(&args.root, &dataset, base.as_deref())?;
    if let Some(note) = decision.check.as_ref().and_then(|c| c.note.as_ref()) {
        eprintln!("aabc: warning: {note}");
    }
    if args.check {
        return print_check(&decision);
    }
    if let Some(r) = &decision.refusal {
        return Err(Error::Refused(format!(
            "{r}; raise the version in {} (see `aabc release --check`)",
            display(&dataset.path)
        )));
    }
    let Some(counts) = validated(&args.root, &dataset, base.as_deref())? else {
        return Ok(FOUND);
    };
    if args.publish && !aabc::release::publish::committed(&args.root)? {
        return Err(Error::Refused(
            "publishing records the git commit of the data: commit dataset/, schema/ and CHANGELOG.md first".into(),
        ));
    }
    let sources = policy::Sources::of(&args.root, &dataset)?;
    let inputs = sources.inputs(&dataset);
    let dist = args.out.unwrap_or_else(|| join(&args.root, "dist"));
    let built = build(&inputs, &dist)?;
    let mut stdout = crate::cmd::report_stdout();
    print_built(&mut stdout, &built)?;
    if let Some(lines) = aabc::release::coverage::of_dataset(&dataset)? {
        outln!(stdout, "coverage of the source's totals:")?;
        for l in aabc::release::coverage::plain(&lines) {
            outln!(stdout, "  {l}")?;
        }
    }
    if !args.publish {
        return Ok(OK);
    }
    let published = decision
        .check
        .as_ref()
        .and_then(|c| c.already_published.as_ref());
    if published.is_some() {
        outln!(
            stdout,
            "version {} is already recorded as published with these bytes",
            dataset.meta.version
        )?;
        return Ok(OK);
    }
    let record = aabc::release::publish::publish(&args.root, &dataset, &sources, &built, &counts)?;
    outln!(
        stdout,
        "published {} (commit {}, tag v{}); commit {} to make the record part of the repository, and push the tag",
        record.version,
        record.commit,
        record.version,
        printable(&record::record_path(&dataset)?)
    )?;
    Ok(OK)
}

/// Validates the dataset as `aabc validate` does, printing any problem on stderr; the rows of
/// each table, or `None` when there is an error (no release is built from invalid data).
fn validated(
    root: &Path,
    dataset: &Dataset,
    base: Option<&str>,
) -> Result<Option<Vec<(String, u64)>>> {
    let today = aabc::clock::today();
    let mut problems: Vec<Problem> = Vec::new();
    let counts = aabc::versions::published::validate(
        root,
        dataset,
        today,
        base,
        &mut |p| {
            problems.push(p);
            Ok(())
        },
        &mut crate::cmd::progress::Bar::new("validating"),
    )?;
    let mut r = Renderer::new(std::io::stderr().lock(), Format::Human, false);
    for p in &problems {
        r.emit(p).map_err(|e| Error::io("standard error", e))?;
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!("aabc: refusing to build a release: the dataset has {errors} error(s); fix them first (`aabc validate`)");
        return Ok(None);
    }
    Ok(Some(counts))
}

fn print_built(out: &mut impl std::io::Write, built: &Built) -> Result<()> {
    match built.placed {
        Placed::Created => outln!(out, "built {}", built.name)?,
        Placed::Identical => outln!(
            out,
            "{} already exists with identical bytes; nothing changed",
            built.name
        )?,
    }
    for (f, len) in &built.files {
        outln!(out, "  {f:<32} {len:>9} bytes")?;
    }
    outln!(out, "{}", printable(&built.dir))?;
    outln!(
        out,
        "{}  {} bytes  sha256 {}",
        printable(&built.zip),
        built.zip_bytes,
        built.zip_sha256
    )
}

/// `--check`: the required bump and why, and the policy's verdict.
fn print_check(decision: &Decision) -> Result<u8> {
    let mut out = crate::cmd::report_stdout();
    let Some(c) = &decision.check else {
        outln!(
            out,
            "no release record is configured: any version may be released"
        )?;
        return Ok(OK);
    };
    match (&c.last, &c.already_published) {
        (None, _) => outln!(
            out,
            "no version published yet: {} may be released",
            c.current
        )?,
        (Some(_), Some(r)) => outln!(
            out,
            "version {} is already published (commit {}); only identical bytes may be rebuilt",
            r.version,
            r.commit
        )?,
        (Some(last), None) => {
            outln!(
                out,
                "last published: {} (commit {})",
                last.version,
                last.commit
            )?;
            match &c.required {
                None => outln!(out, "no change since: no bump required")?,
                Some((bump, why)) => {
                    outln!(out, "required bump: {} because:", bump.as_str())?;
                    for w in why {
                        outln!(out, "  - {w}")?;
                    }
                }
            }
            outln!(out, "current version: {}", c.current)?;
        }
    }
    match &decision.refusal {
        Some(r) => {
            outln!(out, "REFUSED: {r}")?;
            Ok(FOUND)
        }
        None => {
            outln!(out, "ok: {} may be released", c.current)?;
            Ok(OK)
        }
    }
}
