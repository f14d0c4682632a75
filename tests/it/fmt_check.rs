//! `aabc fmt --check` says what differs and where: one fixture per kind of difference `fmt`
//! changes (`tests/fixtures/fmt_check/`), each reported with its kind and line; the first five
//! places and how many more; and never a panic, whatever the bytes.

use crate::common::*;
use aabc::schema::canonical::{canonical, differences};
use aabc::schema::Schema;
use proptest::prelude::*;

const DIR: &str = "tests/fixtures/fmt_check";

/// `aabc fmt --check` of a fixture of `tests/fixtures/fmt_check`: exit code and stdout, with
/// the fixture's path shortened to its name.
fn check(name: &str) -> (i32, String) {
    let file = format!("{DIR}/{name}");
    let (code, out, err) = run_aabc(&[
        "fmt",
        "--check",
        "--schema",
        &format!("{DIR}/t.schema.json"),
        &file,
    ]);
    assert!(err.is_empty(), "{err}");
    (code, out.replace(&format!("{DIR}/"), ""))
}

/// The report of a fixture with one difference: its summary and its one place.
fn one(name: &str, kind: &str, place: &str) {
    let (code, out) = check(name);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        format!("{name}: not canonical: {kind} (1); run `aabc fmt` to rewrite it\n  {place}\n")
    );
}

#[test]
fn a_canonical_file_passes() {
    assert_eq!(check("canonical.csv"), (0, String::new()));
}

#[test]
fn a_byte_order_mark_is_named_on_line_one() {
    one(
        "bom.csv",
        "byte order mark",
        "line 1: byte order mark: the file starts with a byte order mark; canonical files have none",
    );
}

#[test]
fn columns_in_another_order_name_the_first_column_out_of_place() {
    one(
        "columns_reordered.csv",
        "column order",
        "line 1: column order: the columns are in another order than the schema's: \"id\" is column 2; canonical: column 1",
    );
}

#[test]
fn a_padded_cell_shows_its_written_and_canonical_form() {
    one(
        "padded_cell.csv",
        "white space",
        "line 3: white space: column \"name\": white space around the cell: written \" b \"; canonical \"b\"",
    );
}

#[test]
fn a_needlessly_quoted_cell_shows_its_written_and_canonical_form() {
    one(
        "needless_quotes.csv",
        "quoting",
        "line 3: quoting: column \"name\": quoted where it need not be: written \"\\\"b\\\"\"; canonical \"b\"",
    );
}

#[test]
fn crlf_and_cr_line_ends_are_named_where_the_record_ends() {
    // The first record's cell holds a CRLF of its own, which fmt keeps: only the line end
    // after the record (line 3) differs.
    one(
        "crlf.csv",
        "line ends",
        "line 3: line ends: the line ends with CRLF; canonical: LF",
    );
    one(
        "cr.csv",
        "line ends",
        "line 3: line ends: the line ends with CR; canonical: LF",
    );
}

#[test]
fn a_missing_final_line_end_is_named_on_the_last_line() {
    one(
        "no_final_newline.csv",
        "final line end",
        "line 3: final line end: the last line has no line end; canonical: LF",
    );
}

#[test]
fn a_blank_line_is_named() {
    one(
        "blank_line.csv",
        "blank lines",
        "line 3: blank lines: a blank line; canonical files have none",
    );
}

#[test]
fn a_row_out_of_order_says_where_it_belongs() {
    // 1, 3, 2, 4: moving the 3 (line 3) puts the rest in order; it belongs before the 4.
    one(
        "rows_out_of_order.csv",
        "row order",
        "line 3: row order: the row is out of the sort order: it belongs before the row on line 5",
    );
}

#[test]
fn twelve_differences_show_five_and_count_the_rest() {
    let (code, out) = check("twelve_differences.csv");
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "twelve_differences.csv: not canonical: white space (4), quoting (4), line ends (3), final line end (1); run `aabc fmt` to rewrite it"
    );
    assert_eq!(lines.len(), 7, "{out}");
    assert!(
        lines[1].starts_with("  line 2: white space: column \"name\""),
        "{out}"
    );
    assert!(
        lines[5].starts_with("  line 6: quoting: column \"name\""),
        "{out}"
    );
    assert_eq!(lines[6], "  and 7 more");
}

/// Bytes that are mostly CSV: the header (or not), then whole rows, cells, separators,
/// quotes, line ends, white space, a BOM and bytes that are not UTF-8, in any order.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"1,a,x\n".to_vec()),
        Just(b"2, b ,\r\n".to_vec()),
        Just(b"\"3\",c,\"d,\r\ne\"\n".to_vec()),
        Just(b"0,z,".to_vec()),
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF".to_vec()),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    let header = prop_oneof![
        Just(b"id,name,note\n".to_vec()),
        Just(b"\xEF\xBB\xBFnote,\"id\", name\r\n".to_vec()),
        Just(Vec::new()),
    ];
    (header, proptest::collection::vec(piece, 0..12)).prop_map(|(mut bytes, pieces)| {
        bytes.extend(pieces.concat());
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Whatever the bytes, the canonical form is refused with an error, or computed with a
    /// list of differences that is empty exactly when the file is canonical.
    #[test]
    fn any_bytes_are_refused_or_explained_never_a_panic(bytes in csvish()) {
        let schema = Schema::load(&root().join(DIR).join("t.schema.json")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.csv");
        std::fs::write(&file, &bytes).unwrap();
        if let Ok(c) = canonical(&schema, &file) {
            let found = differences(&schema, &bytes, &c);
            prop_assert_eq!(found.is_empty(), bytes == c.bytes, "{:?}", found);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The command itself, on random bytes: it passes (0), reports differences or refuses the
    /// file (1), or could not read it (2); it never panics.
    #[test]
    fn fmt_check_never_panics(bytes in csvish()) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.csv");
        std::fs::write(&file, &bytes).unwrap();
        let schema = root().join(DIR).join("t.schema.json");
        let (code, out, err) = run_aabc(&["fmt", "--check", "--schema", schema.to_str().unwrap(), file.to_str().unwrap()]);
        prop_assert!((0..=2).contains(&code), "{code}: {out}{err}");
        prop_assert!(!err.contains("panicked"), "{err}");
        if code == 1 && err.is_empty() {
            prop_assert!(out.contains("not canonical: "), "{out}");
        }
    }
}
