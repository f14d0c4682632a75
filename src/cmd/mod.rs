//! One module per subcommand: each has its help text, its `Args` and a `run` function that
//! returns the process exit code.

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
