//! The rows of the page's data, packed by column (release format 6 on), so that a page of
//! 10,000 events stays small: a column with few distinct values is its values once and one or
//! two characters per row naming each; any other column is its cells as they are. The script
//! unpacks them once, on load.
//!
//! A packed column is `{"values": [...], "width": W, "codes": "..."}`: row `n`'s cell is
//! `values[code]`, where `code` is read from the `W` characters at `n * W`, each a digit of
//! [`ALPHABET`] (most significant first). A plain column is an array of its cells.

use serde_json::{json, Value};
use std::collections::HashMap;

/// The digits of the codes: printable ASCII without `"`, `\` and `<`, so a code needs no
/// escape in JSON or inside `<script>`.
pub(super) const ALPHABET: &str =
    "!#$%&'()*+,-./0123456789:;=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// The rows (each `columns` cells long), column by column.
pub(super) fn pack(rows: &[Vec<String>], columns: usize) -> Value {
    let digits: Vec<char> = ALPHABET.chars().collect();
    let base = digits.len();
    let cols: Vec<Value> = (0..columns)
        .map(|c| {
            let cells: Vec<&str> = rows
                .iter()
                .map(|r| r.get(c).map_or("", String::as_str))
                .collect();
            let mut index: HashMap<&str, usize> = HashMap::new();
            let mut values: Vec<&str> = Vec::new();
            for &v in &cells {
                index.entry(v).or_insert_with(|| {
                    values.push(v);
                    values.len() - 1
                });
            }
            let width = if values.len() <= base { 1 } else { 2 };
            // Codes pay when they are shorter than the cells they stand for.
            let coded = width * cells.len() + values.iter().map(|v| v.len() + 3).sum::<usize>();
            let plain: usize = cells.iter().map(|v| v.len() + 3).sum();
            if values.len() > base * base || coded >= plain {
                return json!(cells);
            }
            let mut codes = String::with_capacity(width * cells.len());
            for v in &cells {
                let code = index[v];
                if width == 2 {
                    codes.push(digits[code / base]);
                }
                codes.push(digits[code % base]);
            }
            json!({"values": values, "width": width, "codes": codes})
        })
        .collect();
    json!({"n": rows.len(), "columns": cols})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the packed rows back, as the script does.
    fn unpack(v: &Value) -> Vec<Vec<String>> {
        let n = v["n"].as_u64().unwrap() as usize;
        let digit = |ch: char| ALPHABET.find(ch).unwrap();
        let mut rows = vec![Vec::new(); n];
        for col in v["columns"].as_array().unwrap() {
            for (r, row) in rows.iter_mut().enumerate() {
                let cell = match col.as_array() {
                    Some(cells) => cells[r].as_str().unwrap().to_string(),
                    None => {
                        let w = col["width"].as_u64().unwrap() as usize;
                        let codes: Vec<char> = col["codes"].as_str().unwrap().chars().collect();
                        let code = codes[r * w..r * w + w]
                            .iter()
                            .fold(0, |acc, &ch| acc * ALPHABET.len() + digit(ch));
                        col["values"][code].as_str().unwrap().to_string()
                    }
                };
                row.push(cell);
            }
        }
        rows
    }

    #[test]
    fn the_alphabet_needs_no_escape() {
        assert_eq!(ALPHABET.len(), 91);
        assert!(!ALPHABET.contains(['"', '\\', '<']));
        let mut seen: Vec<char> = ALPHABET.chars().collect();
        seen.dedup();
        assert_eq!(seen.len(), 91);
    }

    #[test]
    fn packed_rows_read_back_as_they_were() {
        // 200 distinct values need two-character codes; a column of unique text stays plain.
        let rows: Vec<Vec<String>> = (0..1000)
            .map(|n| {
                vec![
                    format!("ID-{n:05}"),
                    ["", "a", "b"][n % 3].to_string(),
                    format!("v{}", n % 200),
                ]
            })
            .collect();
        let packed = pack(&rows, 3);
        assert!(packed["columns"][0].is_array());
        assert_eq!(packed["columns"][1]["width"], 1);
        assert_eq!(packed["columns"][2]["width"], 2);
        assert_eq!(unpack(&packed), rows);
        assert_eq!(unpack(&pack(&[], 3)), Vec::<Vec<String>>::new());
    }
}
