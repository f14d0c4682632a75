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

/// The revision whose release record the current one is compared with, besides git history.
#[derive(Debug, clap::Args)]
pub struct Base {
    /// Also compare the release record with the one at this git revision (default in a GitHub
    /// pull request: origin/ and the branch it goes into, when the clone has it).
    #[arg(long, value_name = "REV")]
    base: Option<String>,
}

impl Base {
    /// `--base`, else the base branch of a GitHub pull request (`GITHUB_BASE_REF`) when the
    /// clone under `root` knows it.
    pub fn revision(&self, root: &std::path::Path) -> Option<String> {
        if self.base.is_some() {
            return self.base.clone();
        }
        let branch = std::env::var("GITHUB_BASE_REF").ok()?;
        let rev = format!("origin/{branch}");
        aabc::versions::git::rev_parse(root, &rev).ok().map(|_| rev)
    }
}
