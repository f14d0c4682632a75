//! How a long run says how far it has got: the library calls a [`Progress`] that the caller
//! hands it, as it hands problems to a sink, and draws nothing itself. The command line's bar
//! lives in `cmd/`.

/// Receives how far a pass over some input has got, in bytes.
pub trait Progress {
    /// A pass over `total` bytes begins (0 when the size is not known).
    fn start(&mut self, _total: u64) {}
    /// `done` bytes of the pass are read.
    fn set(&mut self, _done: u64) {}
    /// The pass is over (whether it succeeded or not).
    fn finish(&mut self) {}
}

/// Progress that goes nowhere: for callers that show none.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {}
