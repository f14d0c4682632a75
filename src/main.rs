//! The `aabc` command: parse arguments, dispatch to a subcommand, map the outcome to an exit
//! code (0 success, 1 problems found, 2 could not run).

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
    /// Print the codebook (every column, type, meaning, allowed values, rules) from the schemas.
    Codebook(cmd::codebook::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(a) => cmd::validate::run(a),
        Command::Fmt(a) => cmd::fmt::run(a),
        Command::Codebook(a) => cmd::codebook::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("aabc: error: {e}");
            ExitCode::from(2)
        }
    }
}
