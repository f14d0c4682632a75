//! `aabc site --out DIR`: write the dataset's page (`index.html`, `site.css`, `site.js`) and,
//! under `data/`, the tables it offers for download. The page needs no network and opens from
//! the folder (`file://`) or any static host; the same inputs give the same bytes. Release
//! bundles from format 3 on carry the same page in `site/`.

use crate::cmd::OK;
use aabc::schema::metadata::{join, Dataset};
use aabc::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// Write the dataset's page (index.html with its timeline, map and events table) into a folder.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Repository root holding dataset/, schema/ and CHANGELOG.md.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Folder to write the page into (created when missing; the page's files are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<u8> {
    let dataset = Dataset::open(&args.root)?;
    let changelog = join(&args.root, "CHANGELOG.md");
    let files = aabc::release::site::page::of_dataset(&dataset, &changelog)?;
    let mut bytes = 0u64;
    for (rel, content) in &files {
        let path = args.out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        aabc::table::atomic::write_file(&path, content, "site")?;
        bytes += content.len() as u64;
    }
    let mut stdout = crate::cmd::report_stdout();
    outln!(
        stdout,
        "wrote {} ({} files, {bytes} bytes): open {} in a browser",
        aabc::table::paths::printable(&args.out),
        files.len(),
        aabc::table::paths::printable(&args.out.join("index.html"))
    )?;
    Ok(OK)
}
