//! A progress bar on stderr for long runs: shown only when stderr is a terminal and the run has
//! lasted about a second, so short runs, CI logs and pipes see nothing extra. The library
//! reports progress through [`aabc::progress::Progress`]; this is the terminal's side of it.

use aabc::progress::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::time::{Duration, Instant};

/// The bar of one pass at a time over some bytes of input.
pub struct Bar {
    bar: Option<ProgressBar>,
    start: Instant,
    total: u64,
    what: &'static str,
    enabled: bool,
}

impl Bar {
    /// A bar labelled `what` ("validating"), drawn only on a terminal outside CI.
    pub fn new(what: &'static str) -> Bar {
        Bar {
            bar: None,
            start: Instant::now(),
            total: 0,
            what,
            enabled: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
        }
    }

    /// A bar over `total` bytes that `reader` yields: it moves as the reader is read.
    pub fn reading<R: Read>(what: &'static str, total: u64, reader: R) -> Reading<R> {
        let mut bar = Bar::new(what);
        bar.start(total);
        Reading {
            inner: reader,
            bar,
            done: 0,
        }
    }

    fn draw(&self) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_message(self.what);
        bar
    }
}

impl Progress for Bar {
    fn start(&mut self, total: u64) {
        self.finish();
        self.start = Instant::now();
        self.total = total;
    }

    fn set(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= Duration::from_secs(1) {
            self.bar = Some(self.draw());
        }
        if let Some(b) = &self.bar {
            b.set_position(done);
        }
    }

    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A reader that moves a [`Bar`] as it is read (see [`Bar::reading`]).
pub struct Reading<R> {
    inner: R,
    bar: Bar,
    done: u64,
}

impl<R: Read> Read for Reading<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        self.bar.set(self.done);
        Ok(n)
    }
}
