//! `aabc fmt`: rewrite the dataset's CSV files in canonical form.
//!
//! Canonical form ([`aabc::table::canonical`]): the schema's column order, cells trimmed, rows sorted
//! by the schema's sort key, minimal quoting, LF after each record, UTF-8 without BOM; the
//! records and the bytes inside each cell (line ends included) stay as they are. A file that
//! is not well-formed CSV, or whose header lacks or adds columns, is refused (exit 1, nothing
//! rewritten) with where and why. `--check` changes nothing: it names each file that is not
//! canonical with the kinds of difference it holds (quoting, white space, line ends, row order,
//! …) and the first few places, line by line, and exits 1. Files are replaced atomically,
//! and only if nothing else wrote to them while fmt ran: a file changed meanwhile is left as
//! the other program wrote it, and fmt stops with exit 2. File names are printed escaped.

use crate::cmd::{FOUND, OK};
use aabc::schema::canonical::{canonical, differences, first_difference, Difference};
use aabc::schema::metadata::Dataset;
use aabc::schema::Schema;
use aabc::table::atomic::{not_a_file, replace_unchanged, Snapshot};
use aabc::table::paths::printable;
use aabc::{Error, Result};
use std::io::Write;

/// Rewrite the dataset's CSV files in canonical form (--check only reports).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only report files that are not canonical, with what differs and where; change nothing.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    target: crate::cmd::target::Target,
}

pub fn run(args: Args) -> Result<u8> {
    let mut tables = Vec::new();
    match (&args.target.schema, &args.target.file) {
        (Some(s), Some(f)) => tables.push((Schema::load(s)?, f.clone())),
        _ => {
            let dataset = Dataset::open(&args.target.root)?;
            for r in &dataset.meta.resources {
                tables.push((Schema::load(&dataset.schema_path(r))?, dataset.data_path(r)));
            }
        }
    }
    // fmt rewrites files in place: a pipe or a device has no place to rewrite (and reading it
    // twice would wait forever).
    for (_, path) in &tables {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(not_a_file(path));
        }
    }
    // Every table is read first: one that cannot be formatted stops the command before any
    // file is rewritten. What a file held is noted before its canonical form is computed, so
    // that a write by another program from then on is seen before the rename.
    let mut read = Vec::with_capacity(tables.len());
    for (schema, path) in &tables {
        let (current, snapshot) = Snapshot::read(path)?;
        let canonical = canonical(schema, path)?;
        // Where the file differs is worked out only for --check, which says it.
        let differs = first_difference(&current, &canonical.bytes).map(|line| {
            let found = if args.check {
                differences(schema, &current, &canonical)
            } else {
                Vec::new()
            };
            (line, found)
        });
        read.push((snapshot, canonical.bytes, differs));
    }
    let mut stdout = crate::cmd::report_stdout();
    let mut differing = 0;
    for ((_, path), (snapshot, canonical, differs)) in tables.iter().zip(read) {
        match differs {
            None => {
                if !args.check {
                    outln!(stdout, "{}: already canonical", printable(path))?;
                }
            }
            Some((line, found)) if args.check => {
                differing += 1;
                out!(stdout, "{}", report(&printable(path), line, &found))?;
            }
            Some(_) => {
                replace_unchanged(path, &snapshot, &canonical, "fmt")?;
                outln!(stdout, "{}: rewritten in canonical form", printable(path))?;
            }
        }
    }
    Ok(if differing > 0 { FOUND } else { OK })
}

/// Places listed for a file that is not canonical; the rest are counted.
const SHOWN_PLACES: usize = 5;

/// What `--check` says of a file that is not canonical: the kinds of difference with their
/// counts, then the first [`SHOWN_PLACES`] places and how many more there are. `line`, the
/// first line that differs, is said when no place was found (the file changed meanwhile).
fn report(file: &str, line: u64, found: &[Difference]) -> String {
    let rewrite = "run `aabc fmt` to rewrite it";
    if found.is_empty() {
        return format!("{file}: not canonical (first difference at line {line}); {rewrite}\n");
    }
    let mut kinds: Vec<(aabc::schema::canonical::DifferenceKind, usize)> = Vec::new();
    for d in found {
        match kinds.iter_mut().find(|(k, _)| *k == d.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((d.kind, 1)),
        }
    }
    kinds.sort();
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("{} ({n})", k.name()))
        .collect();
    let mut s = format!("{file}: not canonical: {}; {rewrite}\n", kinds.join(", "));
    for d in found.iter().take(SHOWN_PLACES) {
        s.push_str(&format!(
            "  line {}: {}: {}\n",
            d.line,
            d.kind.name(),
            d.what
        ));
    }
    if found.len() > SHOWN_PLACES {
        s.push_str(&format!("  and {} more\n", found.len() - SHOWN_PLACES));
    }
    s
}
