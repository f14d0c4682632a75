//! JSON and JSON Lines: each row as a typed object (integers as numbers, blank as null, lists
//! as arrays, booleans as booleans) that validates against the row schema. Keys follow the
//! column order; one object per line in both layouts, so the files diff well.

use super::Rows;
use crate::error::{Error, Result};
use crate::schema::Schema;
use serde_json::Value;
use std::io::{Read, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `[` then one object per line separated by commas, then `]`.
    Array,
    /// One object per line.
    Lines,
}

/// Converts one row of cells to its typed JSON object.
pub fn row_object(schema: &Schema, cells: &csv::StringRecord) -> Value {
    let refs: Vec<&str> = (0..schema.columns.len())
        .map(|i| cells.get(i).unwrap_or(""))
        .collect();
    crate::validate::fastpath::row_object(schema, &refs, None)
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
    while let Some(r) = rows.next_row()? {
        let obj = row_object(schema, r);
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
