//! `aabc trace ROW_ID`: the quotes behind one row of the evidenced table (an event), in the
//! order of the evidence table: each with the columns it supports, who it attributes the claim
//! to, where it sits in its pinned source text (section and line), and the claims citing it.
//!
//! Exit codes: 0 printed, 1 no such row, 2 could not run (no `evidence` block in the
//! metadata, an unreadable table).

use crate::cmd::{FOUND, OK};
use aabc::schema::metadata::Dataset;
use aabc::table::text::{clean, message, quoted};
use aabc::validate::evidence::{trace, Traced};
use aabc::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// Print the quotes behind one event: columns supported, claimants, section and line, claims.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Key of the row (an event id); write `-- ID` for an id that starts with '-'.
    #[arg(value_name = "ID")]
    id: String,
    /// Output format: human, or json (an array of objects with evidence_id, columns, quote,
    /// document, section, line, claimant_ids, claimant_names and claims).
    #[arg(long, value_enum, default_value_t = Form::Human)]
    format: Form,
    /// Repository root holding dataset/ and schema/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

/// How the quotes are printed.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Form {
    /// A block per quote, for reading.
    Human,
    /// A JSON array, one object per quote.
    Json,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    let traced = match trace(&dataset, &args.id) {
        Ok(t) => t,
        Err(e @ Error::NotFound { .. }) => {
            eprintln!("aabc: {}", message(&e.to_string()));
            return Ok(FOUND);
        }
        Err(e) => return Err(e),
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Form::Json => {
            let text = serde_json::to_string_pretty(&traced).expect("plain data serialises");
            outln!(stdout, "{text}")?;
        }
        Form::Human => human(&mut stdout, &args.id, &traced)?,
    }
    stdout.flush().map_err(crate::cmd::stdout_error)?;
    Ok(OK)
}

/// A heading line, then a block per quote.
fn human(out: &mut impl Write, id: &str, traced: &[Traced]) -> Result<()> {
    outln!(out, "{}: {} quote(s)", clean(id), traced.len())?;
    for t in traced {
        let section = t
            .section
            .as_deref()
            .map(|s| format!(", section {}", quoted(s, 200)))
            .unwrap_or_default();
        let line = t
            .line
            .map_or(", not found in the text".into(), |l| format!(", line {l}"));
        outln!(out)?;
        outln!(
            out,
            "{} in {}{section}{line}",
            clean(&t.evidence_id),
            clean(&t.document)
        )?;
        outln!(out, "  columns: {}", clean(&t.columns.join(", ")))?;
        if !t.claimant_ids.is_empty() {
            let named: Vec<String> = t
                .claimant_ids
                .iter()
                .zip(&t.claimant_names)
                .map(|(id, name)| match name {
                    Some(n) => format!("{id} ({n})"),
                    None => id.clone(),
                })
                .collect();
            outln!(out, "  claimants: {}", clean(&named.join(", ")))?;
        }
        outln!(out, "  {}", quoted(&t.quote, 2000))?;
        for c in &t.claims {
            let by = c
                .claimant_id
                .as_deref()
                .map_or(String::new(), |a| format!(", by {}", clean(a)));
            outln!(
                out,
                "  claim: {} = {} ({}){by}",
                clean(&c.column),
                clean(&c.value.to_string()),
                clean(&c.qualifier)
            )?;
        }
    }
    Ok(())
}
