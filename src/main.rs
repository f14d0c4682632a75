//! The `aabc` command: parse arguments, dispatch to a subcommand, map the outcome to an exit
//! code (0 success, 1 problems found, 2 could not run).
//!
//! Nothing prints to stdout with `println!` (it panics on a closed pipe): commands use
//! `outln!`/`out!`, whose errors reach `main`, which ends quietly on a broken pipe.
#![deny(clippy::print_stdout)]

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// A toolkit for versioned event datasets: CSV tables checked against JSON Schemas, released
/// as reproducible bundles and cited by version. The names of a dataset come from its
/// `dataset.json`.
#[derive(Debug, Parser)]
#[command(name = "aabc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands; each one's help line is the doc comment of its `Args`, in `cmd/<name>.rs`.
#[derive(Debug, Subcommand)]
enum Command {
    Validate(cmd::validate::Args),
    Fmt(cmd::fmt::Args),
    Release(cmd::release::Args),
    Export(cmd::export::Args),
    Verify(cmd::verify::Args),
    Diff(cmd::diff::Args),
    Cite(cmd::cite::Args),
    Synth(cmd::synth::Args),
    Codebook(cmd::codebook::Args),
    Site(cmd::site::Args),
    NextId(cmd::next_id::Args),
    Init(cmd::init::Args),
    Trace(cmd::trace::Args),
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
        Command::Trace(a) => cmd::trace::run(a),
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
