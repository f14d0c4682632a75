//! GeoJSON (RFC 7946): one FeatureCollection, one Feature per row, its properties the row's
//! typed columns (as in the JSON export) and its geometry a Point `[longitude, latitude]`
//! (WGS 84, the only CRS RFC 7946 allows, so no `crs` member), or `null` when the row has no
//! coordinates. The coordinate columns are the ones whose schema says `"x-role": "latitude"` and
//! `"x-role": "longitude"`: nothing here names a column. One feature per line, so the files
//! diff well.

use super::Rows;
use crate::error::{Error, Result};
use crate::schema::rows::record_object;
use crate::schema::Schema;
use serde_json::{json, Value};
use std::io::{Read, Write};

/// The first column whose schema carries `"x-role": role`.
pub fn role(schema: &Schema, role: &str) -> Option<usize> {
    schema
        .columns
        .iter()
        .position(|c| c.schema.get("x-role").and_then(Value::as_str) == Some(role))
}

/// The latitude and longitude columns, when the schema has both.
pub fn coordinates(schema: &Schema) -> Option<(usize, usize)> {
    Some((role(schema, "latitude")?, role(schema, "longitude")?))
}

pub fn write<R: Read, W: Write>(schema: &Schema, mut rows: Rows<R>, mut out: W) -> Result<u64> {
    let (lat, lon) = coordinates(schema).ok_or_else(|| Error::Schema {
        path: schema.path.clone(),
        message: "GeoJSON needs a latitude and a longitude column, and no column here says \"x-role\": \"latitude\" and \"x-role\": \"longitude\": mark them in the schema (or in the table a foreign key's \"expand\" reads them from), or export another format".into(),
    })?;
    let io = |e: std::io::Error| Error::Other(format!("cannot write GeoJSON: {e}"));
    let key = (schema.primary_key.len() == 1).then(|| schema.primary_key[0]);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
        .map_err(io)?;
    let mut n = 0u64;
    while let Some(r) = rows.next_typed_row(schema)? {
        let cell = |i: usize| r.get(i).unwrap_or("");
        let geometry = if cell(lat).is_empty() || cell(lon).is_empty() {
            Value::Null
        } else {
            json!({
                "type": "Point",
                "coordinates": [schema.cell_to_json(lon, cell(lon)), schema.cell_to_json(lat, cell(lat))],
            })
        };
        let mut feature = serde_json::Map::new();
        feature.insert("type".into(), json!("Feature"));
        if let Some(k) = key {
            feature.insert("id".into(), json!(cell(k)));
        }
        feature.insert("geometry".into(), geometry);
        feature.insert("properties".into(), record_object(schema, r));
        out.write_all(if n == 0 { b"\n" } else { b",\n" })
            .map_err(io)?;
        serde_json::to_writer(&mut out, &Value::Object(feature))
            .map_err(|e| Error::Other(format!("cannot write GeoJSON: {e}")))?;
        n += 1;
    }
    out.write_all(b"\n]}\n").map_err(io)?;
    out.flush().map_err(io)?;
    Ok(n)
}
