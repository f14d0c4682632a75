//! The one diagnostic type of the validator and its renderers (human, JSON Lines, GitHub
//! workflow commands, Markdown), and the Markdown escaping that other Markdown output shares.
//!
//! A renderer counts every problem by rule (a map, never a list: memory stays flat however
//! many there are) and may show only the first few ([`Renderer::with_limit`]: `--max-errors`,
//! and by default a bound on GitHub's annotations), so that a run with many problems ends with
//! a summary that covers them all.
//!
//! Every check (CSV structure, JSON Schema, consistency rules) produces a [`Problem`]; every
//! output format consumes it. A problem carries its location (file, physical line, character
//! column, column name), the offending value, a stable rule id and a one-line hint, so that a
//! contributor can fix it without reading the validator's code.

use crate::table::text::{
    clean, cut, escaped, message, path, shown, MESSAGE_CHARS, NAME_CHARS, PATH_CHARS,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// How bad a problem is. Errors make validation fail; warnings only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One thing wrong with a file, located precisely enough to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// Path of the file as the user named it (relative paths stay relative).
    pub file: String,
    /// 1-based physical line; right even when an earlier quoted cell spans several lines.
    pub line: Option<u64>,
    /// 1-based character column of the start of the cell (or of the offending byte).
    pub column: Option<u64>,
    /// Name of the CSV column concerned, when there is one.
    pub field: Option<String>,
    /// The offending cell value, as written in the file.
    pub value: Option<String>,
    /// Stable identifier of the check that failed (e.g. `killed-total`, `schema/type`, `csv/header`).
    pub rule: String,
    pub message: String,
    pub hint: String,
}

/// Output format of `aabc validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `file:line:col: error[rule] message` plus a hint line, and a summary.
    Human,
    /// One JSON object per problem, one per line (JSON Lines).
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
    /// A Markdown list, for a pull request's job summary (`$GITHUB_STEP_SUMMARY`).
    Markdown,
}

impl crate::choice::Choice for Format {
    const ALL: &'static [Self] = &[
        Format::Human,
        Format::Json,
        Format::Github,
        Format::Markdown,
    ];
    fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Github => "github",
            Format::Markdown => "markdown",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Format::Human => "`file:line:col: error[rule] message` plus a hint line, and a summary",
            Format::Json => "one JSON object per problem, one per line (JSON Lines)",
            Format::Github => "GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`)",
            Format::Markdown => {
                "a Markdown list and a summary, for a job summary (`$GITHUB_STEP_SUMMARY`)"
            }
        }
    }
}

/// Counts of what was checked and found, for the closing summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: u64,
    pub warnings: u64,
}

impl Tally {
    pub fn add(&mut self, p: &Problem) {
        match p.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    fn total(self) -> u64 {
        self.errors + self.warnings
    }
}

/// Annotations GitHub shows per step: 10 errors, 10 warnings and 10 notices, and 50 per job
/// (actions/toolkit, `docs/problem-matchers.md`). Ten problems of either severity stay within
/// both per-step limits, and the summary, a notice, is never the one dropped.
pub const GITHUB_ANNOTATIONS: u64 = 10;

/// Counts of problems by rule id, for the summary by rule.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ByRule(BTreeMap<String, Tally>);

impl ByRule {
    pub fn add(&mut self, p: &Problem) {
        // A lookup first: a rule seen before (nearly every problem) allocates nothing.
        match self.0.get_mut(&p.rule) {
            Some(t) => t.add(p),
            None => self.0.entry(p.rule.clone()).or_default().add(p),
        }
    }

    /// Rules by count (most problems first), then by id.
    pub fn sorted(&self) -> Vec<(&str, Tally)> {
        let mut rows: Vec<(&str, Tally)> = self.0.iter().map(|(r, t)| (r.as_str(), *t)).collect();
        rows.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(b.0)));
        rows
    }
}

/// Writes problems as they arrive in the chosen format.
pub struct Renderer<W: Write> {
    out: W,
    format: Format,
    /// With `--strict`, warnings are shown and counted as errors.
    strict: bool,
    /// Problems shown at most (errors and warnings alike); the rest are only counted.
    limit: Option<u64>,
    shown: u64,
    by_rule: ByRule,
    /// The command whose problems these are, named in GitHub's summary notice.
    command: &'static str,
}

impl<W: Write> Renderer<W> {
    /// A renderer that shows every problem.
    pub fn new(out: W, format: Format, strict: bool) -> Self {
        Renderer {
            out,
            format,
            strict,
            limit: None,
            shown: 0,
            by_rule: ByRule::default(),
            command: "aabc validate",
        }
    }

    /// Names the command in GitHub's summary notice (`aabc validate` unless told), so that a
    /// workflow running several can tell their summaries apart.
    pub fn for_command(mut self, command: &'static str) -> Self {
        self.command = command;
        self
    }

    /// Shows at most `max` problems (`--max-errors`); without one, GitHub's format shows
    /// the first [`GITHUB_ANNOTATIONS`], since GitHub drops the rest without a word.
    pub fn with_limit(mut self, max: Option<u64>) -> Self {
        let github = (self.format == Format::Github).then_some(GITHUB_ANNOTATIONS);
        self.limit = max.or(github);
        self
    }

    /// Problems counted but not shown because of the limit.
    pub fn hidden(&self) -> u64 {
        let total: u64 = self.by_rule.0.values().map(|t| t.total()).sum();
        total - self.shown
    }

    /// Counts one problem by rule and renders it unless the limit is reached.
    pub fn emit(&mut self, problem: &Problem) -> io::Result<()> {
        self.by_rule.add(problem);
        if self.limit.is_some_and(|max| self.shown >= max) {
            return Ok(());
        }
        self.shown += 1;
        self.render(problem)
    }

    /// Renders one problem, promoting a warning to an error under `--strict`.
    fn render(&mut self, problem: &Problem) -> io::Result<()> {
        let mut owned;
        let p = if self.strict && problem.severity == Severity::Warning {
            owned = problem.clone();
            owned.severity = Severity::Error;
            &owned
        } else {
            problem
        };
        match self.format {
            Format::Human => write_human(&mut self.out, p),
            Format::Json => {
                serde_json::to_writer(&mut self.out, &clipped(p))?;
                self.out.write_all(b"\n")
            }
            Format::Github => write_github(&mut self.out, p),
            Format::Markdown => write_markdown(&mut self.out, p),
        }
    }

    /// Writes the closing summary: by rule, what the limit left out, then the totals line
    /// last (human and Markdown). GitHub's is one notice; JSON Lines gets none, so that every
    /// line stays a problem.
    pub fn summary(&mut self, files: &[(String, u64)], tally: Tally) -> io::Result<()> {
        let md = match self.format {
            Format::Human => false,
            Format::Markdown => true,
            Format::Github => return self.github_summary(tally),
            Format::Json => return Ok(()),
        };
        if tally.total() > 0 {
            if md {
                self.markdown_by_rule()?;
            } else {
                self.human_by_rule()?;
            }
        }
        let rows: u64 = files.iter().map(|(_, n)| n).sum();
        let names: Vec<String> = files
            .iter()
            .map(|(f, _)| if md { code_span(&path(f)) } else { path(f) })
            .collect();
        let verdict = match (tally.errors == 0, md) {
            (true, false) => "valid",
            (false, false) => "INVALID",
            (true, true) => "**valid**",
            (false, true) => "**INVALID**",
        };
        writeln!(
            self.out,
            "{verdict}: {} file(s), {rows} row(s) checked ({}); {} error(s), {} warning(s)",
            files.len(),
            names.join(", "),
            tally.errors,
            tally.warnings
        )
    }

    /// One line per rule, then how many problems the limit left out.
    fn human_by_rule(&mut self) -> io::Result<()> {
        writeln!(self.out, "by rule:")?;
        for (rule, t) in self.by_rule.sorted() {
            let rule = clean(rule);
            writeln!(self.out, "  {rule}: {}", counts(t))?;
        }
        if let Some(note) = self.not_shown() {
            writeln!(self.out, "{note}")?;
        }
        Ok(())
    }

    /// The list ends; a table by rule and the note on what was left out are paragraphs of
    /// their own.
    fn markdown_by_rule(&mut self) -> io::Result<()> {
        writeln!(self.out, "\n| rule | errors | warnings |\n|---|---:|---:|")?;
        for (rule, t) in self.by_rule.sorted() {
            let rule = code_span(&clean(rule));
            writeln!(self.out, "| {rule} | {} | {} |", t.errors, t.warnings)?;
        }
        writeln!(self.out)?;
        if let Some(note) = self.not_shown() {
            writeln!(self.out, "{}\n", markdown_text(&note))?;
        }
        Ok(())
    }

    /// One notice after the annotations: the totals, by rule, and how many were left out.
    fn github_summary(&mut self, tally: Tally) -> io::Result<()> {
        if tally.total() == 0 {
            return Ok(());
        }
        let rules: Vec<String> = self
            .by_rule
            .sorted()
            .into_iter()
            .map(|(rule, t)| format!("{} {}", clean(rule), counts(t)))
            .collect();
        let mut msg = format!("{}; by rule: {}", counts(tally), rules.join("; "));
        if let Some(note) = self.not_shown() {
            msg.push_str(&format!(". {note}"));
        }
        writeln!(
            self.out,
            "::notice title={} summary::{}",
            escape_property(self.command),
            escape_data(&msg)
        )
    }

    /// How many problems the limit left out, or `None` when every one was shown.
    fn not_shown(&self) -> Option<String> {
        let hidden = self.hidden();
        let max = self.limit?;
        (hidden > 0).then(|| {
            format!(
                "{hidden} more problem(s) not shown (the first {max}; `--max-errors N` shows N)"
            )
        })
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn location(p: &Problem) -> String {
    let mut s = path(&p.file);
    if let Some(line) = p.line {
        s.push_str(&format!(":{line}"));
        if let Some(col) = p.column {
            s.push_str(&format!(":{col}"));
        }
    }
    s
}

/// Field, value and message of a problem as one line of text: every part that can come from
/// input is escaped and cut (see [`crate::table::text`]).
fn what(p: &Problem) -> String {
    let mut what = String::new();
    if let Some(field) = &p.field {
        what.push_str(&clean(field));
        if let Some(v) = &p.value {
            what.push_str(&format!(" = {}", shown(v)));
        }
        what.push_str(": ");
    }
    what.push_str(&message(&p.message));
    what
}

/// A problem as JSON shows it: control characters are escaped by JSON itself; names and
/// values from input are cut (a name as [`clean`] cuts it, a value after
/// [`JSON_VALUE_CHARS`] characters with an ellipsis), so no cell makes the report huge.
fn clipped(p: &Problem) -> std::borrow::Cow<'_, Problem> {
    let long = |s: &str, max: usize| s.len() > max;
    let value_long = p
        .value
        .as_deref()
        .is_some_and(|v| long(v, JSON_VALUE_CHARS));
    let name_long =
        p.field.as_deref().is_some_and(|f| long(f, NAME_CHARS)) || long(&p.file, PATH_CHARS);
    if !value_long && !name_long && !long(&p.message, MESSAGE_CHARS) {
        return std::borrow::Cow::Borrowed(p);
    }
    let mut q = p.clone();
    q.file = cut(&p.file, PATH_CHARS);
    q.field = p.field.as_deref().map(|f| cut(f, NAME_CHARS));
    q.value = p.value.as_deref().map(|v| cut(v, JSON_VALUE_CHARS));
    q.message = cut(&p.message, MESSAGE_CHARS);
    q.hint = cut(&p.hint, MESSAGE_CHARS);
    std::borrow::Cow::Owned(q)
}

fn counts(t: Tally) -> String {
    format!("{} error(s), {} warning(s)", t.errors, t.warnings)
}

/// Characters of a value that the JSON report keeps.
pub const JSON_VALUE_CHARS: usize = 1000;

fn write_human<W: Write>(out: &mut W, p: &Problem) -> io::Result<()> {
    writeln!(
        out,
        "{}: {}[{}] {}",
        location(p),
        p.severity.as_str(),
        clean(&p.rule),
        what(p)
    )?;
    if !p.hint.is_empty() {
        writeln!(out, "    hint: {}", message(&p.hint))?;
    }
    Ok(())
}

fn write_github<W: Write>(out: &mut W, p: &Problem) -> io::Result<()> {
    let mut props = format!("file={}", escape_property(&path(&p.file)));
    if let Some(line) = p.line {
        props.push_str(&format!(",line={line}"));
    }
    if let Some(col) = p.column {
        props.push_str(&format!(",col={col}"));
    }
    props.push_str(&format!(",title={}", escape_property(&clean(&p.rule))));
    let mut msg = what(p);
    if !p.hint.is_empty() {
        msg.push_str(" Hint: ");
        msg.push_str(&message(&p.hint));
    }
    writeln!(
        out,
        "::{} {}::{}",
        p.severity.as_str(),
        props,
        escape_data(&msg)
    )
}

/// A problem as one item of a Markdown list, its hint as a nested item. Names and values from
/// input are code spans, and the tool's text (which quotes input) is escaped, so that no cell
/// adds a heading, a link, an image or HTML to the page (see [`markdown_text`], [`code_span`]).
fn write_markdown<W: Write>(out: &mut W, p: &Problem) -> io::Result<()> {
    let mut item = format!(
        "- **{}** {} at {}: ",
        p.severity.as_str(),
        code_span(&clean(&p.rule)),
        code_span(&location(p))
    );
    if let Some(field) = &p.field {
        item.push_str(&code_span(&clean(field)));
        if let Some(v) = &p.value {
            item.push_str(&format!(" = {}", code_span(&shown(v))));
        }
        item.push_str(": ");
    }
    item.push_str(&markdown_text(&escaped(&p.message, MESSAGE_CHARS)));
    writeln!(out, "{item}")?;
    if !p.hint.is_empty() {
        let hint = markdown_text(&escaped(&p.hint, MESSAGE_CHARS));
        writeln!(out, "  - hint: {hint}")?;
    }
    Ok(())
}

/// Text from input (or quoting it) as Markdown that shows it as it is: every character that
/// could start an emphasis, a link, an image, a code span, HTML, an entity, math, a table cell
/// or an autolink (`:` of a scheme, `.` of `www.`) is escaped with a backslash, as CommonMark
/// allows for any ASCII punctuation. For text within a line, not at its start (where `#`, `-`
/// or `1.` would open a block): line breaks are the caller's.
pub fn markdown_text(s: &str) -> String {
    const SPECIAL: &[char] = &[
        '\\', '`', '*', '_', '[', ']', '<', '>', '!', '&', '|', '~', '$', ':', '.',
    ];
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as a Markdown code span, shown literally: fenced by more backticks than its longest run
/// of backticks, and padded with a space where it starts or ends with a backtick or a space
/// (CommonMark strips one space at each end). For text within a line.
pub fn code_span(s: &str) -> String {
    if s.is_empty() {
        return "` `".to_string();
    }
    let (mut longest, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let spaced = s.starts_with(' ') && s.ends_with(' ') && s.chars().any(|c| c != ' ');
    let pad = if s.starts_with('`') || s.ends_with('`') || spaced {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Escaping of GitHub workflow command data (the part after `::`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of GitHub workflow command properties (`file=`, `title=`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Problem {
        Problem {
            severity: Severity::Error,
            file: "dataset/events.csv".into(),
            line: Some(12),
            column: Some(40),
            field: Some("killed_total".into()),
            value: Some("5".into()),
            rule: "killed-total".into(),
            message: "is 5 but the parts add up to 4".into(),
            hint: "make it the sum, or put the unattributed part in killed_unknown".into(),
        }
    }

    fn render(format: Format, strict: bool, p: &Problem) -> String {
        let mut buf = Vec::new();
        Renderer::new(&mut buf, format, strict).emit(p).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn human_names_file_line_column_rule_and_hint() {
        let s = render(Format::Human, false, &sample());
        assert_eq!(
            s,
            "dataset/events.csv:12:40: error[killed-total] killed_total = \"5\": is 5 but the parts add up to 4\n    hint: make it the sum, or put the unattributed part in killed_unknown\n"
        );
    }

    #[test]
    fn json_is_one_object_per_line() {
        let s = render(Format::Json, false, &sample());
        let v: serde_json::Value = serde_json::from_str(s.trim_end()).unwrap();
        assert_eq!(v["line"], 12);
        assert_eq!(v["column"], 40);
        assert_eq!(v["rule"], "killed-total");
        assert_eq!(v["severity"], "error");
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let mut p = sample();
        p.message = "50% off,\nreally".into();
        p.file = "a,b:c.csv".into();
        let s = render(Format::Github, false, &p);
        assert!(s.starts_with("::error file=a%2Cb%3Ac.csv,line=12,col=40,title=killed-total::"));
        assert!(s.contains("50%25 off,%0Areally"));
    }

    #[test]
    fn code_spans_are_fenced_longer_than_any_backtick_run() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("``a`b"), "``` ``a`b ```");
        assert_eq!(code_span(" x "), "`  x  `");
        assert_eq!(code_span("  "), "`  `");
        assert_eq!(code_span(""), "` `");
    }

    #[test]
    fn markdown_text_escapes_what_would_render() {
        assert_eq!(
            markdown_text("<b>![x](https://e.x/t.png)</b> *a* _b_ `c` | ~d~ $e$ &amp;"),
            "\\<b\\>\\!\\[x\\](https\\://e\\.x/t\\.png)\\</b\\> \\*a\\* \\_b\\_ \\`c\\` \\| \\~d\\~ \\$e\\$ \\&amp;"
        );
    }

    fn with_rule(rule: &str, severity: Severity) -> Problem {
        Problem {
            rule: rule.into(),
            severity,
            ..sample()
        }
    }

    #[test]
    fn rules_are_sorted_by_count_then_id() {
        let mut by = ByRule::default();
        for (rule, n) in [("b", 1), ("c", 2), ("a", 1)] {
            for _ in 0..n {
                by.add(&with_rule(rule, Severity::Warning));
            }
        }
        by.add(&with_rule("b", Severity::Error));
        let order: Vec<(&str, u64, u64)> = by
            .sorted()
            .into_iter()
            .map(|(r, t)| (r, t.errors, t.warnings))
            .collect();
        assert_eq!(order, [("b", 1, 1), ("c", 0, 2), ("a", 0, 1)]);
    }

    #[test]
    fn the_limit_shows_the_first_problems_and_counts_them_all() {
        let mut buf = Vec::new();
        let mut r = Renderer::new(&mut buf, Format::Human, false).with_limit(Some(2));
        for _ in 0..5 {
            r.emit(&sample()).unwrap();
        }
        assert_eq!(r.hidden(), 3);
        let tally = Tally {
            errors: 5,
            warnings: 0,
        };
        r.summary(&[("e.csv".into(), 5)], tally).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert_eq!(s.matches(": error[killed-total]").count(), 2);
        assert!(s.ends_with(
            "by rule:\n  killed-total: 5 error(s), 0 warning(s)\n\
             3 more problem(s) not shown (the first 2; `--max-errors N` shows N)\n\
             INVALID: 1 file(s), 5 row(s) checked (e.csv); 5 error(s), 0 warning(s)\n"
        ));
    }

    #[test]
    fn github_is_bounded_without_a_limit_and_the_others_are_not() {
        for (format, shown) in [(Format::Github, GITHUB_ANNOTATIONS), (Format::Human, 30)] {
            let mut r = Renderer::new(io::sink(), format, false).with_limit(None);
            for _ in 0..30 {
                r.emit(&sample()).unwrap();
            }
            assert_eq!(r.hidden(), 30 - shown);
        }
    }

    #[test]
    fn strict_promotes_warnings() {
        let mut p = sample();
        p.severity = Severity::Warning;
        assert!(render(Format::Human, true, &p).contains(": error["));
        assert!(render(Format::Human, false, &p).contains(": warning["));
    }
}
