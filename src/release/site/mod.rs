//! The release's pictures and page: `timeline.svg` and `map.svg` (with the vendored basemap
//! they are drawn on), and the dataset's page: one self-contained `index.html` with its
//! stylesheet and script (no network, works from `file://` and from any static host), built
//! from the metadata, the schemas and the tables alone, byte for byte the same for the same
//! inputs. `aabc site` writes it on its own; release bundles from format 3 on carry it in
//! `site/`.

pub mod basemap;
pub mod page;
pub mod svg;
