//! One module per subcommand: each has its help text, its `Args` and a `run` function that
//! returns the process exit code.
//!
//! Commands write to standard output with [`outln!`] and [`out!`], never `println!`. When the
//! reader goes away, a command whose output is the result (`aabc codebook | head`) gets an
//! error value, which `main` ends quietly with exit 0; a command whose exit code reports
//! something (validate, verify, fmt, release, diff) writes through [`report_stdout`], drops
//! the rest of its output and still exits with its own code.

/// Standard output for a command whose exit code says something (a finding, a refusal, a
/// mismatch): when the reader goes away (`aabc validate | head -1`), the rest of the output
/// is dropped but the command runs to its end, so its exit code stays true. Commands whose
/// output *is* the result (codebook, cite, export, synth) use the plain stdout and stop.
pub fn report_stdout() -> ReportOut {
    ReportOut {
        inner: std::io::stdout().lock(),
        closed: false,
    }
}

/// See [`report_stdout`].
pub struct ReportOut {
    inner: std::io::StdoutLock<'static>,
    closed: bool,
}

impl std::io::Write for ReportOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

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
pub mod init;
pub mod next_id;
pub mod progress;
pub mod release;
pub mod site;
pub mod synth;
pub mod target;
pub mod trace;
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

/// Ends a report written in `aabc validate`'s formats (validate's and verify's): the summary
/// by rule with what `--max-errors` left out, then, for JSON Lines, whose every line must stay
/// a problem, that note on standard error instead.
pub fn close_report<W: std::io::Write>(
    renderer: &mut aabc::validate::report::Renderer<W>,
    format: aabc::validate::report::Format,
    files: &[(String, u64)],
    tally: aabc::validate::report::Tally,
) -> aabc::Result<()> {
    renderer
        .summary(files, tally)
        .and_then(|_| renderer.flush())
        .map_err(stdout_error)?;
    if format == aabc::validate::report::Format::Json && renderer.hidden() > 0 {
        eprintln!(
            "aabc: {} more problem(s) not shown (--max-errors); {} error(s), {} warning(s) in all",
            renderer.hidden(),
            tally.errors,
            tally.warnings
        );
    }
    Ok(())
}

/// A failed write to standard output, kept as an I/O error so that `main` can tell a closed
/// pipe from a real failure.
pub fn stdout_error(e: std::io::Error) -> aabc::Error {
    aabc::Error::io("standard output", e)
}
