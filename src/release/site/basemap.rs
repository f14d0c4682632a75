//! The map's background: Natural Earth country borders of the region, clipped from the npm
//! package `world-atlas` by `scripts/basemap/clip.mjs` into
//! `vendor/natural-earth/region-50m.geojson` (provenance in that folder's README). The file is
//! compiled in, so a release needs no network and no file beside the binary.

use crate::error::{Error, Result};
use geojson::{FeatureCollection, GeometryValue};

/// The vendored GeoJSON, as committed.
pub const GEOJSON: &str = include_str!("../../../vendor/natural-earth/region-50m.geojson");

/// Credit line for pictures drawn on the basemap.
pub const CREDIT: &str = "Borders: Natural Earth 1:50m (public domain), via world-atlas 2.0.2";

/// What the clip shows, in words, for the map's text description (its box is in the file).
pub const REGION: &str = "Armenia, Azerbaijan with Nakhchivan, and their neighbours";

/// One country of the basemap: its name and its polygons (outer ring first, then holes), each
/// ring a list of `(longitude, latitude)`.
pub struct Country {
    pub name: String,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// The clipped region: its box `[west, south, east, north]` and its countries.
pub struct Basemap {
    pub bbox: [f64; 4],
    pub countries: Vec<Country>,
}

/// The vendored basemap, parsed.
pub fn load() -> Result<Basemap> {
    parse(GEOJSON)
}

/// A basemap from GeoJSON text: a FeatureCollection with a `bbox` and Polygon or MultiPolygon
/// features named by a `name` property.
pub fn parse(text: &str) -> Result<Basemap> {
    let fail = |why: String| {
        Error::Other(format!(
            "the vendored basemap {why}: regenerate it with `node scripts/basemap/clip.mjs`"
        ))
    };
    let fc: FeatureCollection = text
        .parse()
        .map_err(|e| fail(format!("is not a GeoJSON FeatureCollection ({e})")))?;
    let bbox = match fc.bbox.as_deref() {
        Some(&[w, s, e, n]) => [w, s, e, n],
        _ => return Err(fail("has no two-dimensional \"bbox\"".into())),
    };
    let mut countries = Vec::new();
    for f in &fc.features {
        let name = f
            .property("name")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let ring = |r: &Vec<geojson::Position>| -> Vec<(f64, f64)> {
            r.iter().map(|p| (p[0], p[1])).collect()
        };
        let polygons = match f.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::Polygon { coordinates }) => {
                vec![coordinates.iter().map(ring).collect()]
            }
            Some(GeometryValue::MultiPolygon { coordinates }) => coordinates
                .iter()
                .map(|p| p.iter().map(ring).collect())
                .collect(),
            _ => {
                return Err(fail(format!(
                    "has a feature {name:?} that is not a polygon"
                )))
            }
        };
        countries.push(Country { name, polygons });
    }
    Ok(Basemap { bbox, countries })
}

impl Country {
    /// Where to write the country's name: the middle of the box of its largest outer ring.
    pub fn label_point(&self) -> Option<(f64, f64)> {
        let area = |r: &Vec<(f64, f64)>| {
            r.windows(2)
                .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                .sum::<f64>()
                .abs()
        };
        let ring = self
            .polygons
            .iter()
            .filter_map(|p| p.first())
            .max_by(|a, b| area(a).total_cmp(&area(b)))?;
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in ring {
            w = w.min(x);
            e = e.max(x);
            s = s.min(y);
            n = n.max(y);
        }
        Some(((w + e) / 2.0, (s + n) / 2.0))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vendored_basemap_has_the_region() {
        let b = super::load().unwrap();
        let names: Vec<&str> = b.countries.iter().map(|c| c.name.as_str()).collect();
        for n in [
            "Armenia",
            "Azerbaijan",
            "Georgia",
            "Iran",
            "Turkey",
            "Russia",
        ] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        // Azerbaijan comes with Nakhchivan: more than one polygon.
        let az = b.countries.iter().find(|c| c.name == "Azerbaijan").unwrap();
        assert!(az.polygons.len() >= 2);
    }
}
