//! The `aabc` command: parse arguments, dispatch to a subcommand, map the outcome to an exit
//! code (0 success, 1 problems found, 2 could not run).
//!
//! Nothing prints to stdout with `println!` (it panics on a closed pipe): commands use
//! `outln!`/`out!`, whose errors reach `main`, which ends quietly on a broken pipe.
#![deny(clippy::print_stdout)]

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Toolkit of the Armenia–Azerbaijan Border Crisis event dataset.
#[derive(Debug, Parser)]
#[command(name = "aabc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the dataset (or a CSV against a row schema): schema, consistency rules, file format.
    Validate(cmd::validate::Args),
    /// Rewrite the dataset's CSV files in canonical form (--check only reports).
    Fmt(cmd::fmt::Args),
    /// Build the release bundle (Parquet, JSON, CSV, checksums, citation) of the dataset.
    Release(cmd::release::Args),
    /// Write one table in one format (parquet, json, jsonl, csv).
    Export(cmd::export::Args),
    /// Check a release bundle (directory or zip): checksums, validity, formats agree.
    Verify(cmd::verify::Args),
    /// List rows added, removed and changed, and schema changes, between two versions.
    Diff(cmd::diff::Args),
    /// Print a citation of a published version, or of one event in it.
    Cite(cmd::cite::Args),
    /// Write synthetic rows that follow a row schema (for benchmarks and scale tests).
    Synth(cmd::synth::Args),
    /// Print the codebook (every column, type, meaning, allowed values, rules) from the schemas.
    Codebook(cmd::codebook::Args),
    /// Write the dataset's page (index.html with its timeline, map and events table) into a folder.
    Site(cmd::site::Args),
    /// Print the next free id of a table (after every id in use or retired).
    NextId(cmd::next_id::Args),
    /// Scaffold a new event dataset repository that validates and releases as it is.
    Init(cmd::init::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(a) => cmd::validate::run(a),
        Command::Fmt(a) => cmd::fmt::run(a),
        Command::Codebook(a) => cmd::codebook::run(a),
        Command::Release(a) => cmd::release::run(a),
        Command::Export(a) => cmd::export::run(a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Cite(a) => cmd::cite::run(a),
        Command::Synth(a) => cmd::synth::run(a),
        Command::Site(a) => cmd::site::run(a),
        Command::NextId(a) => cmd::next_id::run(a),
        Command::Init(a) => cmd::init::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`aabc codebook | head`): it has what it wanted; end quietly,
        // as `cat` and ripgrep do.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        // Refused, or the data is not well-formed CSV: the contributor's data is wrong.
        // Messages may quote file names and values from input: never print them raw.
        Err(e @ (aabc::Error::Refused(_) | aabc::Error::Csv { .. })) => {
            eprintln!("aabc: {}", aabc::table::text::message(&e.to_string()));
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!(
                "aabc: error: {}",
                aabc::table::text::message(&e.to_string())
            );
            ExitCode::from(2)
        }
    }
}

/// Whether an error is, or was caused by, a write to a closed pipe.
fn broken_pipe(e: &aabc::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
        }
        cur = err.source();
    }
    false
}
