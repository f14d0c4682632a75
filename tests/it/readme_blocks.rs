//! Every fenced code block of both READMEs, the repository's `README.md` and the bundle README
//! that `aabc release` writes, runs against the real, current bundle: the repository's own
//! dataset released once (in a temporary copy, so the repository stays untouched), each block
//! run in the bundle's directory. Python with the interop virtualenv (`.venv`: pandas, polars,
//! DuckDB, pyarrow, geopandas, pyspark), SQL in DuckDB, R with `Rscript`, shell with `bash`
//! and `aabc` meaning the binary under test; JSON and YAML (output shown, a configuration to
//! copy) are parsed. A block in `text` is shown, not run: the README marks it so. A language
//! without a runner fails the test, and a runner that is missing fails it naming the setup
//! command; nothing is skipped. A failure names the README line the block starts on.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One fenced block of a Markdown page: its language (the fence's info string) and the
/// 1-based line of its opening fence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    pub line: usize,
    pub lang: String,
    pub code: String,
}

/// The fenced blocks of a Markdown page (fences may be indented, as in a list item; the
/// indentation of the fence is taken off the block's lines).
pub fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(Block, usize)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let lang = info.split_whitespace().next().unwrap_or("").to_string();
                    let block = Block {
                        line: i + 1,
                        lang,
                        code: String::new(),
                    };
                    open = Some((block, indent));
                }
            }
            Some((b, _)) if trimmed == "```" => {
                blocks.push(std::mem::take(b));
                open = None;
            }
            Some((b, fence_indent)) => {
                let cut = indent.min(*fence_indent);
                b.code.push_str(&line[cut..]);
                b.code.push('\n');
            }
        }
    }
    blocks
}

/// What the test does with a block of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Python,
    Sql,
    R,
    Shell,
    Json,
    Yaml,
    /// Marked in the README as shown, not run (output, a usage synopsis, a layout).
    Shown,
}

/// The runner of a fence's language; `None` for a language nothing runs (a test failure).
pub fn how(lang: &str) -> Option<How> {
    Some(match lang {
        "python" | "py" => How::Python,
        "sql" => How::Sql,
        "r" | "R" => How::R,
        "sh" | "bash" | "shell" => How::Shell,
        "json" => How::Json,
        "yaml" | "yml" => How::Yaml,
        "text" => How::Shown,
        _ => return None,
    })
}

/// The repository's dataset released once into a temporary directory; returns the bundle's
/// directory (inside the returned temporary directory).
fn current_bundle() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    repo_copy(&repo);
    let dist = tmp.path().join("dist");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aabc"))
        .args(["release", "--out"])
        .arg(&dist)
        .current_dir(&repo)
        .env("AABC_TODAY", "2026-12-06")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "aabc release of the repository's dataset failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bundle = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("a bundle directory in dist/");
    (tmp, bundle)
}

/// The outside tools the blocks need, found once (a missing one fails naming the setup step).
pub struct Runners {
    pub python: PathBuf,
    pub rscript: Option<PathBuf>,
}

/// Runs one block in `dir`; `Err` holds what it printed.
pub fn run_block(b: &Block, how: How, dir: &Path, tools: &mut Runners) -> Result<(), String> {
    let script = dir.join(format!(".readme-block-{}", b.line));
    std::fs::write(&script, &b.code).unwrap();
    let mut cmd = match how {
        How::Python => python(&tools.python, &script),
        How::Sql => python_with(&tools.python, SQL, &script),
        How::Json => python_with(&tools.python, JSON, &script),
        How::Yaml => python_with(&tools.python, YAML, &script),
        How::R => {
            let r = tools
                .rscript
                .get_or_insert_with(|| require_tool("R", "Rscript"));
            let mut c = Command::new(r);
            c.arg(&script);
            c
        }
        How::Shell => {
            let prelude = format!("aabc() {{ {:?} \"$@\"; }}\n", env!("CARGO_BIN_EXE_aabc"));
            let mut c = Command::new("bash");
            c.args(["-euo", "pipefail", "-c"])
                .arg(format!("{prelude}{}", b.code));
            c
        }
        How::Shown => return Ok(()),
    };
    let out = cmd.current_dir(dir).output().unwrap();
    std::fs::remove_file(&script).unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn python(python: &Path, script: &Path) -> Command {
    let mut c = Command::new(python);
    c.arg(script);
    c
}

/// Runs `program` with the block's file as its argument.
fn python_with(python: &Path, program: &str, script: &Path) -> Command {
    let mut c = Command::new(python);
    c.args(["-c", program]).arg(script);
    c
}

/// Runs each statement of a SQL block in DuckDB and reads its whole result.
const SQL: &str = "import duckdb, sys\ncon = duckdb.connect()\nfor stmt in open(sys.argv[1]).read().split(';'):\n    if stmt.strip():\n        r = con.sql(stmt)\n        if r is not None:\n            r.fetchall()\n";
/// Parses each line of a JSON block as a JSON value (the README shows JSON Lines).
const JSON: &str = "import json, sys\nfor line in open(sys.argv[1]):\n    if line.strip():\n        json.loads(line)\n";
/// Parses a YAML block.
const YAML: &str = "import yaml, sys\nyaml.safe_load(open(sys.argv[1]))\n";

/// Runs every block of `page` in `dir`; returns one message per failure, naming the line.
fn run_page(page: &str, markdown: &str, dir: &Path, tools: &mut Runners) -> Vec<String> {
    let mut failures = Vec::new();
    for b in fenced_blocks(markdown) {
        let Some(how) = how(&b.lang) else {
            failures.push(format!(
                "{page}:{}: a ```{} block, and no runner for that language: mark it ```text if it is not meant to run",
                b.line, b.lang
            ));
            continue;
        };
        // The repository's shell commands run in a clone of the repository (they build,
        // release and diff its versions): `readme::every_command_of_the_readme_and_contributing_runs`.
        if how == How::Shell && page == "README.md" {
            continue;
        }
        if let Err(said) = run_block(&b, how, dir, tools) {
            failures.push(format!(
                "{page}:{}: the ```{} block failed on the current bundle:\n{}\n{said}",
                b.line, b.lang, b.code
            ));
        }
    }
    failures
}

#[test]
fn every_code_block_of_both_readmes_runs_against_the_current_bundle() {
    let mut tools = Runners {
        python: require_tool("the pinned readers' Python", ".venv/bin/python"),
        rscript: None,
    };
    let (_tmp, bundle) = current_bundle();
    let bundle_readme = std::fs::read_to_string(bundle.join("README.md")).unwrap();
    let repo_readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut failures = run_page(
        &format!(
            "{}/README.md",
            bundle.file_name().unwrap().to_string_lossy()
        ),
        &bundle_readme,
        &bundle,
        &mut tools,
    );
    failures.extend(run_page("README.md", &repo_readme, &bundle, &mut tools));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fenced_blocks_keep_their_language_and_line_and_take_off_a_list_indent() {
    let md =
        "text\n```python\nprint(1)\n```\n\n1. item\n   ```text\n   shown\n   ```\n```\nbare\n```\n";
    let got = fenced_blocks(md);
    assert_eq!(
        got,
        [
            Block {
                line: 2,
                lang: "python".into(),
                code: "print(1)\n".into()
            },
            Block {
                line: 7,
                lang: "text".into(),
                code: "shown\n".into()
            },
            Block {
                line: 10,
                lang: String::new(),
                code: "bare\n".into()
            },
        ]
    );
    assert_eq!(
        how(""),
        None,
        "a block without a language is not passed over"
    );
    assert_eq!(how("r"), Some(How::R));
    assert_eq!(how("bash"), Some(How::Shell));
}

#[test]
fn a_failing_block_is_reported_with_its_readme_line() {
    let mut tools = Runners {
        python: require_tool("the pinned readers' Python", ".venv/bin/python"),
        rscript: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let md = "# t\n\n```python\nimport sys\nsys.exit(3)\n```\n\n```sql\nSELECT 1;\n```\n\n```cobol\nDISPLAY 'X'.\n```\n";
    let failures = run_page("B/README.md", md, dir.path(), &mut tools);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(failures[0].starts_with("B/README.md:3: the ```python block failed"));
    assert!(failures[1].starts_with("B/README.md:12: a ```cobol block, and no runner"));
}
