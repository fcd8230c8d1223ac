//! Mapbox Vector Tiles (MVT 2.1) for the map: Web Mercator tile addressing,
//! clipping and per-zoom simplification of lon/lat geometry in tile
//! coordinates, and a dependency-free Protocol Buffers encoder.
//!
//! One module per step: [`coords`] (tile math), [`clip`] (clip, simplify,
//! round), [`feature`] (lon/lat → [`TileFeature`]), [`encode`] (bytes).
//!
//! ```
//! use geo::{MultiPolygon, polygon};
//! use yiwang_geo::tile::{
//!     DEFAULT_BUFFER, DEFAULT_EXTENT, TileId, TileLayer, encode_tile, polygon_feature,
//! };
//!
//! let tile = TileId::containing(121.44, 31.18, 12)?;
//! let square: MultiPolygon<f64> = polygon![
//!     (x: 121.40, y: 31.15), (x: 121.45, y: 31.15), (x: 121.45, y: 31.19), (x: 121.40, y: 31.19),
//! ]
//! .into();
//! let f = polygon_feature(
//!     tile, &square, DEFAULT_EXTENT, DEFAULT_BUFFER, Some(7), vec![("code".into(), "310104003".into())],
//! );
//! let layer = TileLayer { name: "streets".into(), extent: DEFAULT_EXTENT, features: f.into_iter().collect() };
//! let bytes = encode_tile(&[layer])?;
//! assert!(!bytes.is_empty());
//! # Ok::<(), yiwang_geo::GeoError>(())
//! ```

pub mod clip;
pub mod coords;
pub mod encode;
pub mod feature;
mod pbf;
#[cfg(test)]
mod test_decode;

pub use clip::Simplification;
pub use coords::{
    DEFAULT_BUFFER, DEFAULT_EXTENT, MAX_LATITUDE, MAX_ZOOM, TileId, lonlat_to_tile_px,
    lonlat_to_world, tile_px_to_lonlat, world_to_lonlat,
};
pub use encode::{TileFeature, TileGeometry, TileLayer, TileValue, encode_tile};
pub use feature::{line_feature, line_geometry, point_feature, polygon_feature, polygon_geometry};
