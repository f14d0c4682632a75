//! A `pattern` the regex engine cannot finish matching against a cell (it reaches its
//! backtracking limit) is the schema's fault, not the data's: validation stops with exit 2 and
//! names the pattern, the column and the cell, instead of reporting the cell as invalid.

use crate::common::*;

/// Backtracks exponentially on a run of `a` not followed by `b` (a back-reference keeps it in
/// the backtracking engine).
const PATTERN: &str = r"^(?:(a)|(a))*\1b$";

fn files(dir: &std::path::Path, rows: &[&str]) -> (String, String) {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "Row id."},
            "code": {"type": "string", "pattern": PATTERN, "description": "A code."}
        }
    });
    let schema_path = dir.join("s.schema.json");
    std::fs::write(&schema_path, schema.to_string()).unwrap();
    let data = dir.join("d.csv");
    std::fs::write(&data, format!("id,code\n{}\n", rows.join("\n"))).unwrap();
    let s = |p: std::path::PathBuf| p.to_str().unwrap().to_string();
    (s(schema_path), s(data))
}

#[test]
fn a_pattern_too_costly_for_a_value_stops_validation_naming_pattern_column_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let costly = format!("{}!", "a".repeat(30));
    let (schema, data) = files(dir.path(), &["r1,x", &format!("r2,{costly}"), "r3,y"]);
    let (code, out, err) = run_aabc(&["validate", "--schema", &schema, &data]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        err,
        format!(
            "aabc: error: {schema}: the pattern \"^(?:(a)|(a))*\\\\1b$\" of column \"code\" is too \
             costly to match against the value at {data}:3:4 (Error executing regex: Max limit \
             for backtracking count exceeded): simplify the pattern (a repetition inside a \
             repetition, with a back-reference or a look-around, can take exponential time)\n"
        )
    );
    // The rows before it are reported as usual; none is reported for the costly cell.
    assert!(
        out.contains(":2:4: error[schema/pattern] code = \"x\""),
        "{out}"
    );
    assert!(!out.contains(&costly), "{out}");
}

#[test]
fn a_pattern_that_finishes_reports_the_value_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let (schema, data) = files(dir.path(), &["r1,ab", "r2,aab"]);
    let (code, problems) = validate_json(&["--schema", &schema, &data]);
    assert_eq!(code, 1);
    assert_eq!(
        reduce(&problems),
        [seen(2, 4, "schema/pattern", Some("code"))]
    );
}
