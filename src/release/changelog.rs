//! Reads `CHANGELOG.md` (Keep a Changelog): the dated section of a version gives its release
//! date, so that builds never depend on the wall clock.

use crate::error::{Error, Result};
use chrono::NaiveDate;
use std::path::Path;

/// A released version and its date, from a `## [1.2.3] - 2026-01-31` heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub version: String,
    pub date: NaiveDate,
}

/// Every dated version heading, in file order (newest first in a Keep a Changelog file).
pub fn entries(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("## [")?;
            let (version, tail) = rest.split_once(']')?;
            let date = tail.trim().strip_prefix('-')?.trim();
            let date = date.split_whitespace().next()?;
            Some(Entry {
                version: version.trim_start_matches('v').to_string(),
                date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
            })
        })
        .collect()
}

/// The release date of `version`, which must have a dated section.
pub fn release_date(path: &Path, version: &str) -> Result<NaiveDate> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    entries(&text)
        .into_iter()
        .find(|e| e.version == version)
        .map(|e| e.date)
        .ok_or_else(|| Error::Refused(format!(
            "{}: no dated section for version {version}; add a heading \"## [{version}] - YYYY-MM-DD\" with the release date",
            path.display()
        )))
}

/// The changelog as it stood for `version`: the preamble, then that version's section and the
/// older ones. Later edits (Unreleased, newer versions) do not change a version's bundle.
pub fn up_to(text: &str, version: &str) -> Option<String> {
    let mut out = String::new();
    let mut keeping = true;
    let mut found = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("## [") {
            let this = entries(line).into_iter().next();
            if this.as_ref().is_some_and(|e| e.version == version) {
                found = true;
            }
            keeping = found;
        }
        if keeping {
            out.push_str(line);
        }
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_headings_are_found() {
        let text = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-11-25\n### Added\n## [0.1.0] - 2026-01-02 (yanked)\n";
        let e = entries(text);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].version, "1.0.0");
        assert_eq!(e[1].date, NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
    }

    #[test]
    fn a_version_keeps_its_section_and_older_ones() {
        let text = "# Changelog\n\nintro\n\n## [Unreleased]\n- new\n\n## [1.0.0] - 2026-11-25\n- one\n\n## [0.1.0] - 2026-01-02\n- zero\n";
        assert_eq!(
            up_to(text, "1.0.0").unwrap(),
            "# Changelog\n\nintro\n\n## [1.0.0] - 2026-11-25\n- one\n\n## [0.1.0] - 2026-01-02\n- zero\n"
        );
        assert!(up_to(text, "2.0.0").is_none());
    }
}
