//! Arguments shared by the commands that work on the dataset or on one CSV file.

use std::path::PathBuf;

/// Which table(s): the dataset under `--root`, or `FILE.csv` against `--schema`.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// Repository root holding dataset/ and schema/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Work on FILE.csv against this row schema instead of on the dataset.
    #[arg(long, value_name = "S.json", requires = "file")]
    pub schema: Option<PathBuf>,
    /// CSV file (with --schema).
    #[arg(value_name = "FILE.csv", requires = "schema")]
    pub file: Option<PathBuf>,
}
