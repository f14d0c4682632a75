//! One module per subcommand: each has its help text, its `Args` and a `run` function that
//! returns the process exit code.
//!
//! Commands write to standard output with [`outln!`] and [`out!`], never `println!`: a write to
//! a closed pipe (`aabc codebook | head`) is then an error value, which `main` ends quietly.

/// `writeln!` whose error becomes an [`aabc::Error`] that keeps the I/O error (and its kind).
macro_rules! outln {
    ($w:expr) => { writeln!($w).map_err($crate::cmd::stdout_error) };
    ($w:expr, $($arg:tt)*) => { writeln!($w, $($arg)*).map_err($crate::cmd::stdout_error) };
}

/// `write!` whose error becomes an [`aabc::Error`] that keeps the I/O error (and its kind).
macro_rules! out {
    ($w:expr, $($arg:tt)*) => { write!($w, $($arg)*).map_err($crate::cmd::stdout_error) };
}

pub mod cite;
pub mod codebook;
pub mod diff;
pub mod export;
pub mod fmt;
pub mod release;
pub mod synth;
pub mod target;
pub mod validate;
pub mod verify;

use aabc::choice::Choice;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// The option parser of a library [`Choice`]: its names, each with its help line.
pub fn choice<T: Choice>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        T::ALL
            .iter()
            .map(|v| PossibleValue::new(v.name()).help(v.help())),
    )
    .map(|name| T::from_name(&name).expect("the parser accepts only the names of T::ALL"))
}

/// Exit code: success (valid, canonical).
pub const OK: u8 = 0;
/// Exit code: the command ran and found problems.
pub const FOUND: u8 = 1;

/// A failed write to standard output, kept as an I/O error so that `main` can tell a closed
/// pipe from a real failure.
pub fn stdout_error(e: std::io::Error) -> aabc::Error {
    aabc::Error::io("standard output", e)
}
