//! JSON and JSON Lines: each row as a typed object (integers as numbers, blank as null, lists
//! as arrays, booleans as booleans) that validates against the row schema. Keys follow the
//! column order; one object per line in both layouts, so the files diff well.

use super::Rows;
use crate::error::{Error, Result};
use crate::schema::rows::record_object;
use crate::schema::Schema;
use std::io::{Read, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `[` then one object per line separated by commas, then `]`.
    Array,
    /// One object per line.
    Lines,
}

pub fn write<R: Read, W: Write>(
    schema: &Schema,
    mut rows: Rows<R>,
    layout: Layout,
    mut out: W,
) -> Result<u64> {
    let io = |e: std::io::Error| Error::Other(format!("cannot write JSON: {e}"));
    let mut n = 0u64;
    if layout == Layout::Array {
        out.write_all(b"[").map_err(io)?;
    }
    while let Some(r) = rows.next_typed_row(schema)? {
        let obj = record_object(schema, r);
        if layout == Layout::Array {
            out.write_all(if n == 0 { b"\n" } else { b",\n" })
                .map_err(io)?;
        }
        serde_json::to_writer(&mut out, &obj)
            .map_err(|e| Error::Other(format!("cannot write JSON: {e}")))?;
        if layout == Layout::Lines {
            out.write_all(b"\n").map_err(io)?;
        }
        n += 1;
    }
    if layout == Layout::Array {
        out.write_all(b"\n]\n").map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(n)
}
