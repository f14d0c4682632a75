//! The map's background: Natural Earth country borders of the region, clipped from the npm
//! package `world-atlas` by `scripts/basemap/clip.mjs` into
//! `vendor/natural-earth/region-50m.geojson`, and the whole world at 1:110m beside it
//! (`world-110m.geojson`; provenance in that folder's README). The files are compiled in, so a
//! release needs no network and no file beside the binary.
//!
//! From release format 6 the map is drawn on [`for_points`]: the regional clip when it holds
//! the data, else the world clipped to the data's extent, so that nothing of the region leaks
//! into another dataset's map.

use crate::error::{Error, Result};
use serde::Deserialize;

/// The vendored GeoJSON, as committed.
pub const GEOJSON: &str = include_str!("../../../vendor/natural-earth/region-50m.geojson");

/// Credit line for pictures drawn on the basemap.
pub const CREDIT: &str = "Borders: Natural Earth 1:50m (public domain), via world-atlas 2.0.2";

/// What the clip shows, in words, for the map's text description (its box is in the file).
pub const REGION: &str = "Armenia, Azerbaijan with Nakhchivan, and their neighbours";

/// Every country of the world at 1:110m, unclipped, as committed.
pub const WORLD_GEOJSON: &str = include_str!("../../../vendor/natural-earth/world-110m.geojson");

/// Credit line for pictures drawn on the world layer.
pub const WORLD_CREDIT: &str =
    "Borders: Natural Earth 1:110m (public domain), via world-atlas 2.0.2";

/// The share of placed rows the regional clip must hold to be used (the rest are listed beside
/// the map): a few events abroad (a meeting in Brussels) keep the region's map.
const REGION_SHARE: f64 = 0.9;

/// One country of the basemap: its name and its polygons (outer ring first, then holes), each
/// ring a list of `(longitude, latitude)`.
pub struct Country {
    pub name: String,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
    /// The box of its largest outer ring before [`Basemap::clipped`] cut it (a clipped ring
    /// runs along the box's edges, so its own box says little of where the country is).
    pub whole: Option<[f64; 4]>,
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

/// The world layer, parsed.
pub fn world() -> Result<Basemap> {
    parse(WORLD_GEOJSON)
}

/// The basemap a set of points is drawn on, with what it shows and whom it credits.
pub struct Layer {
    pub basemap: Basemap,
    /// What the map shows, in words, when it is the region's clip (none for a world clip: the
    /// description gives its box).
    pub region: Option<&'static str>,
    pub credit: &'static str,
}

/// The layer for `points` (`(longitude, latitude)`): the regional 1:50m clip when it holds at
/// least [`REGION_SHARE`] of them, else the world at 1:110m clipped to their extent with a
/// margin. `None` when there are no points: there is nothing to map.
pub fn for_points(points: &[(f64, f64)]) -> Result<Option<Layer>> {
    if points.is_empty() {
        return Ok(None);
    }
    let region = load()?;
    let inside = points.iter().filter(|p| region.contains(**p)).count();
    if inside as f64 >= REGION_SHARE * points.len() as f64 {
        return Ok(Some(Layer {
            basemap: region,
            region: Some(REGION),
            credit: CREDIT,
        }));
    }
    Ok(Some(Layer {
        basemap: world()?.clipped(extent(points)),
        region: None,
        credit: WORLD_CREDIT,
    }))
}

/// The box `[west, south, east, north]` of `points`, at least 2 degrees each way, with a
/// quarter of its size as margin on every side (the places around the data), widened so that the map is between 3:4 and 2:1
/// (an equirectangular map stretched by the cosine of its middle latitude), within the world.
pub fn extent(points: &[(f64, f64)]) -> [f64; 4] {
    let fold = |f: fn(f64, f64) -> f64, init: f64, get: fn(&(f64, f64)) -> f64| {
        points.iter().map(get).fold(init, f)
    };
    let (w, e) = (
        fold(f64::min, 180.0, |p| p.0),
        fold(f64::max, -180.0, |p| p.0),
    );
    let (s, n) = (
        fold(f64::min, 90.0, |p| p.1),
        fold(f64::max, -90.0, |p| p.1),
    );
    let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
    let mut dx = (e - w).max(2.0) * 1.5;
    let mut dy = (n - s).max(2.0) * 1.5;
    let stretch = cy.to_radians().cos().max(0.2);
    let aspect = dx * stretch / dy;
    if aspect < 0.75 {
        dx = 0.75 * dy / stretch;
    } else if aspect > 2.0 {
        dy = dx * stretch / 2.0;
    }
    let (dx, dy) = (dx.min(360.0), dy.min(180.0));
    let west = (cx - dx / 2.0).clamp(-180.0, 180.0 - dx);
    let south = (cy - dy / 2.0).clamp(-90.0, 90.0 - dy);
    [west, south, west + dx, south + dy]
}

impl Basemap {
    /// Whether `(longitude, latitude)` lies in the box.
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        let [w, s, e, n] = self.bbox;
        (w..=e).contains(&x) && (s..=n).contains(&y)
    }

    /// The countries cut to `bbox` (Sutherland–Hodgman on each ring); a polygon whose outer
    /// ring falls outside is dropped with its holes, and a country left with none.
    pub fn clipped(&self, bbox: [f64; 4]) -> Basemap {
        let countries = self
            .countries
            .iter()
            .filter_map(|c| {
                let polygons: Vec<_> = c
                    .polygons
                    .iter()
                    .filter_map(|p| {
                        let rings: Vec<_> =
                            p.iter().map(|r| clip_ring(&unwrapped(r), bbox)).collect();
                        (rings.first()?.len() >= 4)
                            .then(|| rings.into_iter().filter(|r| r.len() >= 4).collect())
                    })
                    .collect();
                (!polygons.is_empty()).then(|| Country {
                    name: c.name.clone(),
                    polygons,
                    whole: c.whole.or_else(|| c.largest_box()),
                })
            })
            .collect();
        Basemap { bbox, countries }
    }
}

/// A ring whose longitudes run on across the antimeridian (179, 181 rather than 179, −179),
/// so that a ring crossing it (Fiji, Chukotka, Antarctica's edge) is not cut as if it spanned
/// the whole world; the part beyond ±180 is then clipped away like any outside the box.
fn unwrapped(ring: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut shift = 0.0;
    let mut prev: Option<f64> = None;
    ring.iter()
        .map(|&(x, y)| {
            if let Some(p) = prev {
                if x + shift - p > 180.0 {
                    shift -= 360.0;
                } else if x + shift - p < -180.0 {
                    shift += 360.0;
                }
            }
            prev = Some(x + shift);
            (x + shift, y)
        })
        .collect()
}

/// A ring cut to a box, closed again (Sutherland–Hodgman against each edge in turn).
fn clip_ring(ring: &[(f64, f64)], [w, s, e, n]: [f64; 4]) -> Vec<(f64, f64)> {
    type Edge = (fn((f64, f64), f64) -> bool, usize, f64);
    let edges: [Edge; 4] = [
        (|p, v| p.0 >= v, 0, w),
        (|p, v| p.0 <= v, 0, e),
        (|p, v| p.1 >= v, 1, s),
        (|p, v| p.1 <= v, 1, n),
    ];
    let mut points: Vec<(f64, f64)> = ring.to_vec();
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    for (inside, axis, v) in edges {
        let mut next = Vec::with_capacity(points.len() + 4);
        for (i, &cur) in points.iter().enumerate() {
            let prev = points[(i + points.len() - 1) % points.len()];
            match (inside(cur, v), inside(prev, v)) {
                (true, true) => next.push(cur),
                (true, false) => next.extend([meet(prev, cur, axis, v), cur]),
                (false, true) => next.push(meet(prev, cur, axis, v)),
                (false, false) => {}
            }
        }
        points = next;
    }
    if points.len() >= 3 {
        points.push(points[0]);
    }
    points
}

/// Where the segment `a`–`b` crosses the line `axis = v`.
fn meet(a: (f64, f64), b: (f64, f64), axis: usize, v: f64) -> (f64, f64) {
    let (ac, bc) = if axis == 0 { (a.0, b.0) } else { (a.1, b.1) };
    let t = (v - ac) / (bc - ac);
    let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
    if axis == 0 {
        (v, p.1)
    } else {
        (p.0, v)
    }
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
        countries.push(Country {
            name,
            polygons,
            whole: None,
        });
    }
    Ok(Basemap { bbox, countries })
}

impl Country {
    /// Where to write the country's name: the middle of the box of its largest outer ring.
    pub fn label_point(&self) -> Option<(f64, f64)> {
        let [w, s, e, n] = self.whole.or_else(|| self.largest_box())?;
        Some(((w + e) / 2.0, (s + n) / 2.0))
    }

    /// The box `[west, south, east, north]` of its largest outer ring.
    pub fn largest_box(&self) -> Option<[f64; 4]> {
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
        Some([w, s, e, n])
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
    fn the_world_clipped_to_a_box_stays_inside_it_and_keeps_the_countries_there() {
        let box_ = [-82.0, -56.0, -34.0, -13.0];
        let b = super::world().unwrap().clipped(box_);
        let names: Vec<&str> = b.countries.iter().map(|c| c.name.as_str()).collect();
        for n in ["Brazil", "Argentina", "Peru"] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        assert!(!names.contains(&"Armenia"), "{names:?}");
        // Fiji's rings cross the antimeridian: they must not be read as spanning the world.
        assert!(!names.contains(&"Fiji"), "{names:?}");
        for c in &b.countries {
            for ring in c.polygons.iter().flatten() {
                assert!(ring.len() >= 4 && ring.first() == ring.last());
                assert!(
                    ring.iter().all(|p| b.contains(*p)),
                    "{} leaves the box",
                    c.name
                );
            }
        }
    }

    #[test]
    fn the_region_is_used_while_it_holds_nine_points_in_ten() {
        let caucasus = (45.0, 40.0);
        let brussels = (4.35, 50.85);
        let mostly_here: Vec<_> = std::iter::repeat_n(caucasus, 9).chain([brussels]).collect();
        let layer = super::for_points(&mostly_here).unwrap().unwrap();
        assert_eq!(layer.credit, super::CREDIT);
        let half: Vec<_> = [caucasus, brussels].to_vec();
        let layer = super::for_points(&half).unwrap().unwrap();
        assert_eq!(layer.credit, super::WORLD_CREDIT);
        assert!(half.iter().all(|p| layer.basemap.contains(*p)));
        assert!(super::for_points(&[]).unwrap().is_none());
    }

    #[test]
    fn the_extent_of_one_point_is_a_box_around_it() {
        let [w, s, e, n] = super::extent(&[(-60.0, -10.0)]);
        assert!(w < -60.0 && e > -60.0 && s < -10.0 && n > -10.0);
        assert!(e - w >= 2.0 && n - s >= 2.0);
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
