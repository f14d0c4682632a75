//! The map's background: Natural Earth country borders of the region, clipped from the npm
//! package `world-atlas` by `scripts/basemap/clip.mjs` into
//! `vendor/natural-earth/region-50m.geojson` (provenance in that folder's README). The file is
//! compiled in, so a release needs no network and no file beside the binary.

use crate::error::{Error, Result};
use serde::Deserialize;

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

/// The part of GeoJSON (RFC 7946) the basemap is written in: a FeatureCollection with a
/// two-dimensional `bbox`, whose features are polygons named by a `name` property. Anything
/// else is refused while it is read.
#[derive(Deserialize)]
#[serde(tag = "type")]
enum Collection {
    FeatureCollection {
        bbox: [f64; 4],
        features: Vec<Feature>,
    },
}

#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    properties: Option<Properties>,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(default)]
    name: Option<String>,
}

/// A ring is a list of positions; a position is `[longitude, latitude]` (an altitude may
/// follow).
type Ring = Vec<Vec<f64>>;

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon { coordinates: Vec<Ring> },
    MultiPolygon { coordinates: Vec<Vec<Ring>> },
}

/// A basemap from GeoJSON text: a FeatureCollection with a `bbox` and Polygon or MultiPolygon
/// features named by a `name` property.
pub fn parse(text: &str) -> Result<Basemap> {
    let fail = |why: String| {
        Error::Other(format!(
            "the vendored basemap {why}: regenerate it with `node scripts/basemap/clip.mjs`"
        ))
    };
    let Collection::FeatureCollection { bbox, features } =
        serde_json::from_str(text).map_err(|e| {
            fail(format!(
                "is not a GeoJSON FeatureCollection of polygons ({e})"
            ))
        })?;
    let mut countries = Vec::new();
    for f in features {
        let name = f.properties.and_then(|p| p.name).unwrap_or_default();
        let ring = |r: Ring| -> Result<Vec<(f64, f64)>> {
            r.iter()
                .map(|p| match p.as_slice() {
                    [lon, lat, ..] => Ok((*lon, *lat)),
                    _ => Err(fail(format!(
                        "has a position of {name:?} without two numbers"
                    ))),
                })
                .collect()
        };
        let polygon = |p: Vec<Ring>| p.into_iter().map(ring).collect::<Result<Vec<_>>>();
        let polygons = match f.geometry {
            Geometry::Polygon { coordinates } => vec![polygon(coordinates)?],
            Geometry::MultiPolygon { coordinates } => coordinates
                .into_iter()
                .map(polygon)
                .collect::<Result<Vec<_>>>()?,
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

    #[test]
    fn what_is_not_a_collection_of_polygons_is_refused_without_panicking() {
        for text in [
            "",
            "{}",
            r#"{"type":"FeatureCollection","features":[]}"#,
            r#"{"type":"Feature","bbox":[0,0,1,1],"features":[]}"#,
            r#"{"type":"FeatureCollection","bbox":[0,0,1,1],"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#,
            r#"{"type":"FeatureCollection","bbox":[0,0,1,1],"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0]]]}}]}"#,
        ] {
            let e = super::parse(text).err().expect(text).to_string();
            assert!(e.contains("regenerate it"), "{e}");
        }
    }
}
