//! `aabc validate --format markdown` (for a pull request's job summary): a contributed cell or
//! header name shows as the text it is, and adds no heading, link, image or HTML to the page.

use crate::common::*;

const SCHEMA: &str = r#"{"type": "object",
  "properties": {"id": {"type": "string"}, "note": {"type": "string", "maxLength": 5}},
  "x-primaryKey": ["id"]}"#;

/// `aabc validate --format markdown` of `csv` against [`SCHEMA`]: exit code, stdout, and the
/// data file's path.
fn markdown(csv: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("s.schema.json");
    let data = dir.path().join("d.csv");
    std::fs::write(&schema, SCHEMA).unwrap();
    std::fs::write(&data, csv).unwrap();
    let (s, d) = (schema.to_str().unwrap(), data.to_str().unwrap());
    let (code, out, err) = run_aabc(&["validate", "--format", "markdown", "--schema", s, d]);
    assert!(err.is_empty(), "{err}");
    (code, out, d.to_string())
}

#[test]
fn html_links_and_images_in_cells_show_as_code() {
    let (code, out, d) = markdown(
        "id,note\n\
         r1,<h1>✅ All checks passed</h1>\n\
         r2,[click](https://evil)\n\
         r3,![x](https://evil/t.png)\n",
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "- **error** `schema/maxLength` at `{d}:2:4`: `note` = `\"<h1>✅ All checks passed</h1>\"`: is 28 characters long; the limit is 5\n  \
             - hint: shorten it\n\
             - **error** `schema/maxLength` at `{d}:3:4`: `note` = `\"[click](https://evil)\"`: is 21 characters long; the limit is 5\n  \
             - hint: shorten it\n\
             - **error** `schema/maxLength` at `{d}:4:4`: `note` = `\"![x](https://evil/t.png)\"`: is 24 characters long; the limit is 5\n  \
             - hint: shorten it\n\
             \n\
             | rule | errors | warnings |\n\
             |---|---:|---:|\n\
             | `schema/maxLength` | 3 | 0 |\n\
             \n\
             **INVALID**: 1 file(s), 3 row(s) checked (`{d}`); 3 error(s), 0 warning(s)\n"
        )
    );
}

#[test]
fn html_links_and_images_in_header_names_are_escaped_in_messages() {
    let (code, out, d) = markdown(
        "id,note,<h1>✅ All checks passed</h1>,[click](https://evil),![x](https://evil/t.png)\n\
         r1,ok,,,\n",
    );
    assert_eq!(code, 1);
    let hint =
        "  - hint: remove it, or add it to the schema (a new optional column goes at the end)\n";
    assert_eq!(
        out,
        format!(
            "- **error** `csv/header` at `{d}:1:9`: `<h1>✅ All checks passed</h1>`: column \"\\<h1\\>✅ All checks passed\\</h1\\>\" is not in the schema\n{hint}\
             - **error** `csv/header` at `{d}:1:38`: `[click](https://evil)`: column \"\\[click\\](https\\://evil)\" is not in the schema\n{hint}\
             - **error** `csv/header` at `{d}:1:60`: `![x](https://evil/t.png)`: column \"\\!\\[x\\](https\\://evil/t\\.png)\" is not in the schema\n{hint}\
             \n\
             | rule | errors | warnings |\n\
             |---|---:|---:|\n\
             | `csv/header` | 3 | 0 |\n\
             \n\
             **INVALID**: 1 file(s), 1 row(s) checked (`{d}`); 3 error(s), 0 warning(s)\n"
        )
    );
}

#[test]
fn a_backtick_in_a_key_does_not_close_its_code_span() {
    let (code, out, d) = markdown("id,note\n``a`b,ok\n``a`b,ok\n");
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "- **error** `primary-key` at `{d}:3:1`: `id` = ```\"``a`b\"```: duplicates the id of line 2\n  \
             - hint: every row needs its own key\\: give this row a new id (never reuse a retired one)\n\
             \n\
             | rule | errors | warnings |\n\
             |---|---:|---:|\n\
             | `primary-key` | 1 | 0 |\n\
             \n\
             **INVALID**: 1 file(s), 2 row(s) checked (`{d}`); 1 error(s), 0 warning(s)\n"
        )
    );
}

#[test]
fn a_valid_file_gives_the_summary_alone() {
    let (code, out, d) = markdown("id,note\nr1,ok\n");
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!("**valid**: 1 file(s), 1 row(s) checked (`{d}`); 0 error(s), 0 warning(s)\n")
    );
}
