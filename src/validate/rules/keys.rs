//! Table rules, which keep state across rows: unique primary key, canonical sort order, and
//! foreign keys into another table.
//!
//! Memory stays flat as rows grow: the primary-key check keeps a 64-bit hash per row (about
//! ten bytes), not the keys; a repeated hash is only a candidate, confirmed by comparing the
//! real keys in a second pass over the candidates' rows.

use super::Finding;
use crate::schema::{Kind, Schema};
use crate::table::RecordPos;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Encodes key cells unambiguously: each cell as its length in bytes (8 bytes, little endian)
/// followed by its bytes. A separator would not do: any character can occur in a cell, so
/// `["a\u{1f}b", "c"]` and `["a", "b\u{1f}c"]` would give the same text.
fn key_bytes(cells: &[&str], columns: &[usize], buf: &mut Vec<u8>) {
    buf.clear();
    for &c in columns {
        buf.extend_from_slice(&(cells[c].len() as u64).to_le_bytes());
        buf.extend_from_slice(cells[c].as_bytes());
    }
}

/// Uniqueness of the primary key.
///
/// While rows stream by, only a 64-bit hash of each key is kept, spread over 256 vectors by
/// its top byte (8 bytes a row, and no large reallocation at once). At the end each vector is
/// sorted: equal neighbours are candidate duplicates, confirmed on the real keys by a second
/// pass over the file that only candidates pay for.
pub struct PrimaryKey {
    pub columns: Vec<usize>,
    parts: Vec<Vec<u64>>,
}

/// A duplicated key confirmed by [`PrimaryKey::confirm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The key's cells, in the order of the key's columns.
    pub key: Vec<String>,
    pub pos: RecordPos,
    pub first_line: u64,
}

impl PrimaryKey {
    pub fn new(columns: Vec<usize>) -> PrimaryKey {
        PrimaryKey {
            columns,
            parts: vec![Vec::new(); 256],
        }
    }

    /// The hash of a row's key (cells in schema order).
    pub fn hash(cells: &[&str], columns: &[usize]) -> u64 {
        // The same bytes as `key_bytes`, hashed without building them.
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for &c in columns {
            h.update(&(cells[c].len() as u64).to_le_bytes());
            h.update(cells[c].as_bytes());
        }
        h.digest()
    }

    /// Records one row's key.
    pub fn check(&mut self, cells: &[&str]) {
        if !self.columns.is_empty() {
            self.check_hash(Self::hash(cells, &self.columns));
        }
    }

    /// Records a row by the hash of its key.
    pub fn check_hash(&mut self, hash: u64) {
        self.parts[(hash >> 56) as usize].push(hash);
    }

    /// Hashes seen more than once (sorting the recorded hashes in place).
    pub fn repeated(&mut self) -> HashSet<u64> {
        let mut out = HashSet::new();
        for p in &mut self.parts {
            p.sort_unstable();
            out.extend(p.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]));
        }
        out
    }

    /// Second pass: `rows` yields every row again (cells in schema order, position); returns
    /// the rows whose key really occurred on an earlier line.
    pub fn confirm(
        &self,
        repeated: &HashSet<u64>,
        rows: impl Iterator<Item = (Vec<String>, RecordPos)>,
    ) -> Vec<Duplicate> {
        let mut first: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut found = Vec::new();
        let mut buf = Vec::new();
        for (cells, pos) in rows {
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            if !repeated.contains(&Self::hash(&refs, &self.columns)) {
                continue;
            }
            key_bytes(&refs, &self.columns, &mut buf);
            match first.get(&buf) {
                None => {
                    first.insert(buf.clone(), pos.line);
                }
                Some(&first_line) => found.push(Duplicate {
                    key: self.columns.iter().map(|&c| cells[c].clone()).collect(),
                    pos,
                    first_line,
                }),
            }
        }
        found
    }

    /// The finding for a confirmed duplicate.
    pub fn finding(&self, schema: &Schema, d: &Duplicate) -> Finding {
        let names: Vec<&str> = self
            .columns
            .iter()
            .map(|&c| schema.columns[c].name.as_str())
            .collect();
        Finding::error(
            "primary-key",
            self.columns[0],
            format!(
                "duplicates the {} of line {}",
                names.join(" + "),
                d.first_line
            ),
            "every row needs its own key: give this row a new id (never reuse a retired one)",
        )
    }
}

/// Canonical order of the rows.
pub struct SortOrder {
    columns: Vec<usize>,
    kinds: Vec<Kind>,
    previous: Vec<String>,
    previous_line: u64,
}

impl SortOrder {
    pub fn new(schema: &Schema) -> SortOrder {
        SortOrder {
            columns: schema.sort_key.clone(),
            kinds: schema
                .sort_key
                .iter()
                .map(|&c| schema.columns[c].kind)
                .collect(),
            previous: Vec::new(),
            previous_line: 0,
        }
    }

    pub fn check(&mut self, schema: &Schema, cells: &[&str], line: u64, out: &mut Vec<Finding>) {
        if self.columns.is_empty() {
            return;
        }
        if !self.previous.is_empty() {
            // Compared in place: this runs on every row.
            let order = self
                .columns
                .iter()
                .zip(&self.kinds)
                .zip(&self.previous)
                .map(|((&c, &k), p)| crate::schema::compare_cells(k, cells[c], p))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal);
            if order == Ordering::Less {
                let names: Vec<&str> = self
                    .columns
                    .iter()
                    .map(|&c| schema.columns[c].name.as_str())
                    .collect();
                out.push(Finding::error(
                    "sort-order",
                    self.columns[0],
                    format!(
                        "row is out of order: by {} it belongs before the row on line {}",
                        names.join(", then "),
                        self.previous_line
                    ),
                    "rows are kept sorted; run `aabc fmt` to sort them",
                ));
            }
        }
        // Keep the previous key, reusing the strings' buffers.
        self.previous.resize(self.columns.len(), String::new());
        for (p, &c) in self.previous.iter_mut().zip(&self.columns) {
            p.clear();
            p.push_str(cells[c]);
        }
        self.previous_line = line;
    }
}

/// The keys of a referenced table, with where each one is defined, and the cells of the
/// columns that rules of other tables compare or count against, by column name.
#[derive(Debug, Default, Clone)]
pub struct KeyIndex {
    pub keys: HashMap<String, RecordPos>,
    pub values: HashMap<String, KeyValues>,
}

/// The cells of one column by the table's key.
#[derive(Debug, Default, Clone)]
pub struct KeyValues {
    /// The column's field in the file, where a finding at its cell points.
    pub field: Option<usize>,
    pub of_key: HashMap<String, String>,
}

/// Foreign-key checks of one table against already indexed tables; remembers which keys were
/// used, so that unused ones can be reported.
pub struct References<'i> {
    links: Vec<(usize, String, &'i KeyIndex)>,
    /// Keys used, by referenced resource name.
    pub used: HashMap<String, HashSet<String>>,
}

impl<'i> References<'i> {
    /// `index` gives the key index of a resource by name, when it is available.
    pub fn new(schema: &Schema, index: impl Fn(&str) -> Option<&'i KeyIndex>) -> References<'i> {
        let links = schema
            .foreign_keys
            .iter()
            .filter_map(|fk| Some((fk.field, fk.resource.clone(), index(&fk.resource)?)))
            .collect();
        References {
            links,
            used: HashMap::new(),
        }
    }

    pub fn check(&mut self, schema: &Schema, cells: &[&str], out: &mut Vec<Finding>) {
        for (field, resource, ix) in &self.links {
            let col = &schema.columns[*field];
            let cell = cells[*field];
            if cell.is_empty() {
                continue;
            }
            let used = self.used.entry(resource.clone()).or_default();
            let items = cell.split(if col.kind.is_list() {
                col.delimiter.as_str()
            } else {
                "\u{0}"
            });
            for item in items {
                if ix.keys.contains_key(item) {
                    if !used.contains(item) {
                        used.insert(item.to_string());
                    }
                } else {
                    let item = crate::table::text::shown(item);
                    out.push(Finding::error(
                        "foreign-key",
                        *field,
                        format!("refers to {item}, which is not a key of {resource}"),
                        format!("add {item} to the {resource} table first, or correct the id"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::testing::{row, schema};

    fn pos(line: u64) -> RecordPos {
        RecordPos {
            byte: line * 100,
            line,
        }
    }

    #[test]
    fn primary_key_confirms_real_duplicates_only() {
        let s = schema();
        let mut pk = PrimaryKey::new(vec![0]);
        let (a, b) = (row(), {
            let mut r = row();
            r[0] = "E2";
            r
        });
        pk.check(&a);
        pk.check(&b);
        assert!(pk.repeated().is_empty());
        pk.check(&a);
        let repeated = pk.repeated();
        assert_eq!(repeated.len(), 1);
        let rows = [(&a, 2), (&b, 3), (&a, 4)]
            .into_iter()
            .map(|(r, l)| (r.iter().map(|s| s.to_string()).collect(), pos(l)));
        let dups = pk.confirm(&repeated, rows);
        assert_eq!(dups.len(), 1);
        assert_eq!((dups[0].first_line, dups[0].pos.line), (2, 4));
        assert_eq!(pk.finding(&s, &dups[0]).rule, "primary-key");
    }

    #[test]
    fn the_streamed_key_hash_equals_the_hash_of_the_key_bytes() {
        let cells = ["a", "b", "c"];
        let mut buf = Vec::new();
        key_bytes(&cells, &[0, 2], &mut buf);
        assert_eq!(
            PrimaryKey::hash(&cells, &[0, 2]),
            xxhash_rust::xxh3::xxh3_64(&buf)
        );
    }

    #[test]
    fn composite_keys_that_would_join_to_the_same_text_differ() {
        let (a, b) = (["a\u{1f}b", "c"], ["a", "b\u{1f}c"]);
        assert_ne!(PrimaryKey::hash(&a, &[0, 1]), PrimaryKey::hash(&b, &[0, 1]));
        let (mut x, mut y) = (Vec::new(), Vec::new());
        key_bytes(&a, &[0, 1], &mut x);
        key_bytes(&b, &[0, 1], &mut y);
        assert_ne!(x, y);
        // Forced into one candidate set, the second pass still tells them apart.
        let mut pk = PrimaryKey::new(vec![0, 1]);
        let repeated: HashSet<u64> = [PrimaryKey::hash(&a, &[0, 1]), PrimaryKey::hash(&b, &[0, 1])]
            .into_iter()
            .collect();
        pk.check(&a);
        let rows = [(a, 2), (b, 3)]
            .into_iter()
            .map(|(r, l)| (r.iter().map(|s| s.to_string()).collect(), pos(l)));
        assert!(pk.confirm(&repeated, rows).is_empty());
    }

    #[test]
    fn sort_order_flags_a_row_that_goes_back() {
        let mut s = schema();
        s.sort_key = vec![1, 0];
        let mut order = SortOrder::new(&s);
        let mut out = Vec::new();
        let early = {
            let mut r = row();
            r[1] = "2022-01-01";
            r
        };
        let late = row();
        order.check(&s, &early, 2, &mut out);
        order.check(&s, &late, 3, &mut out);
        assert!(out.is_empty());
        order.check(&s, &early, 4, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "sort-order");
        assert!(out[0].message.contains("line 3"), "{}", out[0].message);
    }

    #[test]
    fn numbers_sort_numerically_and_blank_first() {
        use Kind::*;
        assert_eq!(
            crate::schema::compare_keys(&[Integer], &["9"], &["10"]),
            Ordering::Less
        );
        assert_eq!(
            crate::schema::compare_keys(&[String], &["9"], &["10"]),
            Ordering::Greater
        );
        assert_eq!(
            crate::schema::compare_keys(&[String], &[""], &["a"]),
            Ordering::Less
        );
    }

    #[test]
    fn foreign_keys_must_exist_and_usage_is_recorded() {
        let mut s = schema();
        s.foreign_keys = vec![crate::schema::ForeignKey {
            field: 11,
            resource: "notes".into(),
            reference_field: "id".into(),
            link: None,
            expand: Vec::new(),
        }];
        let mut ix = KeyIndex::default();
        ix.keys.insert("a note".into(), pos(2));
        let mut refs = References::new(&s, |_| Some(&ix));
        let mut out = Vec::new();
        refs.check(&s, &row(), &mut out);
        assert!(out.is_empty());
        assert!(refs.used["notes"].contains("a note"));
        let mut r = row();
        r[11] = "another";
        refs.check(&s, &r, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "foreign-key");
    }
}
