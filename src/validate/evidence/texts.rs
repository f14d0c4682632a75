//! The pinned source texts: each `sources[]` entry of the metadata with a `text` names a UTF-8
//! file (inside the repository or bundle; the metadata loader refuses a path that climbs out),
//! its SHA-256, its version and how its headings look. A text that is missing, not UTF-8 or
//! not the one pinned is reported at the metadata file; a text that reads is kept with its
//! lines and sections, so that a quote can be found in it and placed.

use super::quotes::Spaced;
use crate::schema::metadata::{join, DataSource, Dataset, SourceText};
use crate::table::paths::display;
use crate::table::text::{path as shown_path, shown};
use crate::validate::report::{Problem, Severity};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Rule id of every finding about a pinned text.
pub const RULE: &str = "evidence-text";

/// A pinned text that reads, by the name evidence rows give it.
#[derive(Debug)]
pub struct Text {
    /// The file, as messages show it.
    pub file: String,
    pub spaced: Spaced,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// Headings: the line (1-based) and the section title.
    sections: Vec<(u64, String)>,
}

/// Where a passage sits in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based line where it starts.
    pub line: u64,
    /// The title of the last heading above it, when the text has headings.
    pub section: Option<String>,
}

impl Text {
    fn new(file: String, content: &str, heading: Option<&regex::Regex>) -> Text {
        let mut line_starts = vec![0];
        line_starts.extend(content.match_indices('\n').map(|(i, _)| i + 1));
        let mut sections = Vec::new();
        if let Some(re) = heading {
            for (i, line) in content.lines().enumerate() {
                if let Some(title) = re.captures(line).and_then(|c| c.get(1)) {
                    sections.push((i as u64 + 1, title.as_str().to_string()));
                }
            }
        }
        Text {
            file,
            spaced: Spaced::new(content),
            line_starts,
            sections,
        }
    }

    /// Where the first occurrence of `quote` (spacing ignored) starts, if it occurs.
    pub fn place(&self, quote: &str) -> Option<Place> {
        let at = self.spaced.find(quote)?;
        let line = self.line_starts.partition_point(|&s| s <= at) as u64;
        let section = self
            .sections
            .iter()
            .rev()
            .find(|(l, _)| *l <= line)
            .map(|(_, t)| t.clone());
        Some(Place { line, section })
    }
}

/// The pinned texts of a dataset that read, by source name, and the problems of those that
/// do not (or are not the text pinned).
pub fn load(dataset: &Dataset) -> (HashMap<String, Text>, Vec<Problem>) {
    let mut texts = HashMap::new();
    let mut problems = Vec::new();
    let meta_text = std::fs::read_to_string(&dataset.path).unwrap_or_default();
    for (i, source) in dataset.meta.sources.iter().enumerate() {
        let Some(pin) = &source.text else { continue };
        let at = Pinned {
            dataset,
            meta_text: &meta_text,
            index: i,
            pin,
        };
        match read(&at, source) {
            Ok(text) => {
                if let Some(name) = &source.name {
                    texts.insert(name.clone(), text);
                }
            }
            Err(p) => problems.push(*p),
        }
        if let Some(p) = at.name_problem(source) {
            problems.push(p);
        }
    }
    (texts, problems)
}

/// One pinned text of the metadata, for reading it and locating its problems.
struct Pinned<'a> {
    dataset: &'a Dataset,
    meta_text: &'a str,
    index: usize,
    pin: &'a SourceText,
}

/// Reads one pinned text and checks it against its pin.
fn read(at: &Pinned<'_>, source: &DataSource) -> Result<Text, Box<Problem>> {
    let pin = at.pin;
    let path = join(&at.dataset.dir(), &pin.path);
    let file = display(&path);
    // A pipe or a device would be read forever (or consumed): only a regular file is a text.
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(at.problem(
            "path",
            &pin.path,
            format!(
                "the pinned text {} is not a regular file",
                shown_path(&file)
            ),
            "put the text that was coded at this path as a plain file".into(),
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        at.problem(
            "path",
            &pin.path,
            format!("the pinned text {} cannot be read: {e}", shown_path(&file)),
            "put the text that was coded at this path (relative to the metadata file), or correct the path".into(),
        )
    })?;
    let content = String::from_utf8(bytes.clone()).map_err(|e| {
        at.problem(
            "path",
            &pin.path,
            format!(
                "the pinned text {} is not UTF-8 ({} bytes in)",
                shown_path(&file),
                e.utf8_error().valid_up_to()
            ),
            "save the text as UTF-8".into(),
        )
    })?;
    let actual = hex(&Sha256::digest(&bytes));
    if actual != pin.sha256.to_ascii_lowercase() {
        return Err(at.problem(
            "sha256",
            &pin.sha256,
            format!(
                "the SHA-256 of {} is {actual}, not the one pinned: the text of {} has changed",
                shown_path(&file),
                shown(&source.title)
            ),
            format!(
                "a changed text is a new source version: check the quotes against it, record the new SHA-256 ({actual}), raise \"version\" (now {}) and say so in the CHANGELOG",
                pin.version
            ),
        ));
    }
    let heading = match pin.heading.as_deref().map(regex::Regex::new) {
        Some(Err(e)) => {
            return Err(at.problem(
                "heading",
                pin.heading.as_deref().unwrap_or(""),
                format!("the heading pattern is not a regular expression: {e}"),
                "write a pattern matching a whole heading line whose first group is the section's title, e.g. ^=+ *(.+?) *=+$".into(),
            ))
        }
        Some(Ok(re)) => Some(re),
        None => None,
    };
    Ok(Text::new(file, &content, heading.as_ref()))
}

impl Pinned<'_> {
    /// A problem about field `field` of this pin (`value` as written), located at the line of
    /// the metadata file where that value is written.
    fn problem(&self, field: &str, value: &str, message: String, hint: String) -> Box<Problem> {
        let written = serde_json::to_string(value).unwrap_or_default();
        let (line, column) = self
            .meta_text
            .find(&written)
            .map(|at| {
                let before = &self.meta_text[..at];
                let line = before.matches('\n').count() as u64 + 1;
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                (line, before[start..].chars().count() as u64 + 1)
            })
            .unzip();
        Box::new(Problem {
            severity: Severity::Error,
            file: display(&self.dataset.path),
            line,
            column,
            field: Some(format!("sources[{}].text.{field}", self.index)),
            value: Some(value.to_string()),
            rule: RULE.into(),
            message,
            hint,
        })
    }

    /// A pinned text that evidence cannot name: it has no `name`, or shares it.
    fn name_problem(&self, source: &DataSource) -> Option<Problem> {
        let sources = &self.dataset.meta.sources;
        let twice = source.name.as_ref().is_some_and(|n| {
            sources[..self.index]
                .iter()
                .any(|o| o.text.is_some() && o.name.as_ref() == Some(n))
        });
        let why = match (&source.name, twice) {
            (None, _) => "has no \"name\", so no evidence row can name it",
            (Some(_), true) => "has the \"name\" of another pinned text",
            _ => return None,
        };
        let p = self.problem(
            "path",
            &self.pin.path,
            format!("the source {} {why}", shown(&source.title)),
            "give each source with a pinned text a \"name\" of its own; evidence rows name it in their document column".into(),
        );
        Some(*p)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_placed_by_line_and_section() {
        let re = regex::Regex::new("^=+ *(.+?) *=+$").unwrap();
        let t = Text::new(
            "t.txt".into(),
            "= Title =\nIntro.\n==May 2021==\nOn 12 May, soldiers\ncrossed.\n",
            Some(&re),
        );
        let p = t.place("soldiers crossed").unwrap();
        assert_eq!(p.line, 4);
        assert_eq!(p.section.as_deref(), Some("May 2021"));
        assert_eq!(t.place("Intro").unwrap().section.as_deref(), Some("Title"));
        assert_eq!(t.place("nowhere"), None);
    }
}
