//! The release's pictures and page: `timeline.svg` and `map.svg` (with the vendored basemap
//! they are drawn on), and the offline page that shows them.

pub mod basemap;
pub mod svg;
