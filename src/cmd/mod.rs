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

/// Exit code: success (valid, canonical).
pub const OK: u8 = 0;
/// Exit code: the command ran and found problems.
pub const FOUND: u8 = 1;
