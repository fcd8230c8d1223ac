//! Web Mercator (EPSG:3857) tile addressing for WGS-84 lon/lat.
//!
//! Tiles follow the XYZ ("slippy map") scheme: at zoom `z` the world between
//! latitudes ±[`MAX_LATITUDE`] is a square of `2^z × 2^z` tiles, `x` growing
//! eastwards from longitude −180° and `y` growing southwards from latitude
//! +[`MAX_LATITUDE`]. Inside a tile, *tile coordinates* run from `0` to
//! `extent` (4096 by default) with `x` to the right and `y` **down**, as in
//! the Mapbox Vector Tile specification.

use geo::{Coord, Rect};

use crate::GeoError;

/// Highest zoom level accepted by [`TileId::new`].
pub const MAX_ZOOM: u8 = 22;

/// Latitude (degrees) of the northern edge of the Web Mercator square,
/// `atan(sinh(π))`; the southern edge is its negation. Latitudes beyond it are
/// clamped to it.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Default tile extent (number of tile-coordinate units along a tile side).
pub const DEFAULT_EXTENT: u32 = 4096;

/// Default clip buffer around a tile, in tile-coordinate units (64 of 4096).
pub const DEFAULT_BUFFER: u32 = 64;

/// A valid tile address: `z ≤` [`MAX_ZOOM`] and `x, y < 2^z`.
///
/// The fields are private (read them with [`TileId::z`], [`TileId::x`],
/// [`TileId::y`]) so that every `TileId` in existence is valid: the tile
/// arithmetic can then never overflow and never describe a tile outside the
/// world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    z: u8,
    x: u32,
    y: u32,
}

impl TileId {
    /// The tile `z/x/y`.
    ///
    /// # Errors
    /// [`GeoError::InvalidArgument`] (named `tile`) if `z >` [`MAX_ZOOM`] or
    /// `x` or `y` is not below `2^z`.
    pub fn new(z: u8, x: u32, y: u32) -> Result<Self, GeoError> {
        if z > MAX_ZOOM {
            return Err(GeoError::InvalidArgument {
                name: "tile",
                reason: format!("zoom {z} is above the maximum {MAX_ZOOM}"),
            });
        }
        let n = 1u32 << z;
        if x >= n || y >= n {
            return Err(GeoError::InvalidArgument {
                name: "tile",
                reason: format!(
                    "{z}/{x}/{y} is outside the world: at zoom {z}, x and y must be below {n}"
                ),
            });
        }
        Ok(Self { z, x, y })
    }

    /// The tile at zoom `z` that contains the point (`lon`, `lat`) in degrees.
    ///
    /// Tiles are half-open: a point on the edge between two tiles belongs to
    /// the tile east of it and to the tile south of it. Latitudes beyond
    /// ±[`MAX_LATITUDE`] are clamped to it; longitude 180° (and anything east
    /// of it) falls in the easternmost column, −180° and west of it in the
    /// westernmost one.
    ///
    /// # Errors
    /// [`GeoError::InvalidArgument`] if `z >` [`MAX_ZOOM`], or
    /// [`GeoError::NonFiniteCoordinate`] if `lon` or `lat` is NaN or infinite.
    pub fn containing(lon: f64, lat: f64, z: u8) -> Result<Self, GeoError> {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(GeoError::NonFiniteCoordinate { what: "point" });
        }
        if z > MAX_ZOOM {
            return Err(GeoError::InvalidArgument {
                name: "z",
                reason: format!("zoom {z} is above the maximum {MAX_ZOOM}"),
            });
        }
        let n = f64::from(1u32 << z);
        let (fx, fy) = lonlat_to_world(lon, lat);
        let max = (1u32 << z) - 1;
        // The float → int `as` casts saturate; `min` pins the far edges.
        let x = ((fx * n).floor() as u32).min(max);
        let y = ((fy * n).floor() as u32).min(max);
        Ok(Self { z, x, y })
    }

    /// Zoom level.
    pub fn z(&self) -> u8 {
        self.z
    }

    /// Column, `0 ≤ x < 2^z`, counted eastwards from longitude −180°.
    pub fn x(&self) -> u32 {
        self.x
    }

    /// Row, `0 ≤ y < 2^z`, counted southwards from latitude +[`MAX_LATITUDE`].
    pub fn y(&self) -> u32 {
        self.y
    }

    /// The tile's bounds in lon/lat degrees: `min` is the south-west corner,
    /// `max` the north-east corner.
    pub fn bounds_lonlat(&self) -> Rect<f64> {
        self.bounds_buffered(DEFAULT_EXTENT, 0)
    }

    /// The tile's bounds in lon/lat degrees enlarged on every side by `buffer`
    /// tile units of a tile with `extent` units per side — the region whose
    /// geometry can appear in the tile after clipping with that buffer (use it
    /// to query a spatial index). Latitudes are clamped to ±[`MAX_LATITUDE`];
    /// longitudes are not wrapped, so the box may extend beyond ±180°.
    /// An `extent` of 0 is treated as 1.
    pub fn bounds_buffered(&self, extent: u32, buffer: u32) -> Rect<f64> {
        let n = f64::from(1u32 << self.z);
        let pad = f64::from(buffer) / f64::from(extent.max(1));
        let west = (f64::from(self.x) - pad) / n;
        let east = (f64::from(self.x) + 1.0 + pad) / n;
        let north = ((f64::from(self.y) - pad) / n).max(0.0);
        let south = ((f64::from(self.y) + 1.0 + pad) / n).min(1.0);
        let (w, s) = world_to_lonlat(west, south);
        let (e, nn) = world_to_lonlat(east, north);
        Rect::new(Coord { x: w, y: s }, Coord { x: e, y: nn })
    }
}

impl std::fmt::Display for TileId {
    /// Formats as `z/x/y`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Projects (`lon`, `lat`) in degrees to normalised Web Mercator "world"
/// coordinates in `[0, 1]²`: `(0, 0)` is the north-west corner
/// (−180°, +[`MAX_LATITUDE`]) and `(1, 1)` the south-east corner. Latitude is
/// clamped to ±[`MAX_LATITUDE`]; longitude is not wrapped.
pub fn lonlat_to_world(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon / 360.0 + 0.5;
    let phi = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    // ln(tan(π/4 + φ/2)) written via asinh(tan φ), which is exact at φ = 0.
    let y = 0.5 - phi.tan().asinh() / (2.0 * std::f64::consts::PI);
    (x, y)
}

/// Inverse of [`lonlat_to_world`]: normalised world coordinates to
/// (`lon`, `lat`) in degrees.
pub fn world_to_lonlat(x: f64, y: f64) -> (f64, f64) {
    let lon = (x - 0.5) * 360.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y))
        .sinh()
        .atan()
        .to_degrees();
    (lon, lat)
}

/// Position of (`lon`, `lat`) in the tile coordinates of `tile` with `extent`
/// units per side: `(0, 0)` is the tile's north-west corner, `(extent,
/// extent)` its south-east corner, `y` grows southwards. Points outside the
/// tile give coordinates outside `[0, extent]`. No rounding is applied.
pub fn lonlat_to_tile_px(lon: f64, lat: f64, tile: TileId, extent: u32) -> (f64, f64) {
    let n = f64::from(1u32 << tile.z);
    let e = f64::from(extent);
    let (fx, fy) = lonlat_to_world(lon, lat);
    (
        (fx * n - f64::from(tile.x)) * e,
        (fy * n - f64::from(tile.y)) * e,
    )
}

/// Inverse of [`lonlat_to_tile_px`]: tile coordinates of `tile` with `extent`
/// units per side to (`lon`, `lat`) in degrees. An `extent` of 0 is treated
/// as 1.
pub fn tile_px_to_lonlat(px: f64, py: f64, tile: TileId, extent: u32) -> (f64, f64) {
    let n = f64::from(1u32 << tile.z);
    let e = f64::from(extent.max(1));
    world_to_lonlat(
        (px / e + f64::from(tile.x)) / n,
        (py / e + f64::from(tile.y)) / n,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn tile_id_validation() {
        // (z, x, y, valid)
        let cases: &[(u8, u32, u32, bool)] = &[
            (0, 0, 0, true),
            (0, 1, 0, false),
            (0, 0, 1, false),
            (1, 1, 1, true),
            (1, 2, 0, false),
            (12, 4095, 4095, true),
            (12, 4096, 0, false),
            (22, (1 << 22) - 1, 0, true),
            (22, 1 << 22, 0, false),
            (23, 0, 0, false),
            (255, 0, 0, false),
        ];
        for &(z, x, y, ok) in cases {
            let r = TileId::new(z, x, y);
            assert_eq!(r.is_ok(), ok, "{z}/{x}/{y}: {r:?}");
            if let Ok(t) = r {
                assert_eq!((t.z(), t.x(), t.y()), (z, x, y));
                assert_eq!(t.to_string(), format!("{z}/{x}/{y}"));
            } else {
                assert!(matches!(
                    r,
                    Err(GeoError::InvalidArgument { name: "tile", .. })
                ));
            }
        }
    }

    #[test]
    fn containing_known_values() {
        // (lon, lat, z, x, y). Xuhui (121.44, 31.18) at z12, by the formula:
        // x = floor((121.44 + 180) / 360 · 4096) = floor(3429.717) = 3429,
        // y = floor((1 − asinh(tan 31.18°) / π) / 2 · 4096)
        //   = floor(1674.311) = 1674 (tile 1674 spans latitudes
        //   31.1282°..31.2034°, so 1673 would be wrong).
        let cases: &[(f64, f64, u8, u32, u32)] = &[
            (0.0, 0.0, 0, 0, 0),
            (-180.0, 85.0, 0, 0, 0),
            (179.99, -85.0, 0, 0, 0),
            // (0, 0) is the corner shared by the four z1 tiles; half-open
            // edges put it in the south-east one.
            (0.0, 0.0, 1, 1, 1),
            (-0.000_001, 0.000_001, 1, 0, 0),
            (0.000_001, 0.000_001, 1, 1, 0),
            (-0.000_001, -0.000_001, 1, 0, 1),
            (121.44, 31.18, 12, 3429, 1674),
            (180.0, 0.0, 3, 7, 4),
            (-180.0, 0.0, 3, 0, 4),
            (0.0, 90.0, 4, 8, 0),
            (0.0, -90.0, 4, 8, 15),
            (200.0, 0.0, 2, 3, 2),
            (-200.0, 0.0, 2, 0, 2),
        ];
        for &(lon, lat, z, x, y) in cases {
            let t = TileId::containing(lon, lat, z).unwrap();
            assert_eq!((t.z(), t.x(), t.y()), (z, x, y), "({lon}, {lat}) z{z}");
        }
        assert!(matches!(
            TileId::containing(f64::NAN, 0.0, 3),
            Err(GeoError::NonFiniteCoordinate { .. })
        ));
        assert!(matches!(
            TileId::containing(0.0, 0.0, 23),
            Err(GeoError::InvalidArgument { .. })
        ));
    }

    #[test]
    fn bounds_known_values() {
        // (z, x, y, west, south, east, north)
        let cases: &[(u8, u32, u32, f64, f64, f64, f64)] = &[
            (0, 0, 0, -180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE),
            (1, 0, 0, -180.0, 0.0, 0.0, MAX_LATITUDE),
            (1, 1, 1, 0.0, -MAX_LATITUDE, 180.0, 0.0),
            (
                12,
                3429,
                1674,
                121.376_953_125,
                31.128_199_299_111_966,
                121.464_843_75,
                31.203_404_950_917_392,
            ),
        ];
        for &(z, x, y, w, s, e, n) in cases {
            let b = TileId::new(z, x, y).unwrap().bounds_lonlat();
            let got = [b.min().x, b.min().y, b.max().x, b.max().y];
            for (g, want) in got.iter().zip([w, s, e, n]) {
                assert!((g - want).abs() < 1e-9, "{z}/{x}/{y}: {got:?}");
            }
        }
    }

    #[test]
    fn buffered_bounds_contain_tile_and_clamp() {
        let t = TileId::new(12, 3429, 1674).unwrap();
        let inner = t.bounds_lonlat();
        let outer = t.bounds_buffered(4096, 64);
        let dlon = (inner.max().x - inner.min().x) * 64.0 / 4096.0;
        assert!((inner.min().x - outer.min().x - dlon).abs() < 1e-9);
        assert!((outer.max().x - inner.max().x - dlon).abs() < 1e-9);
        assert!(outer.min().y < inner.min().y && outer.max().y > inner.max().y);
        // The buffer of a polar-row tile is clamped at the Mercator edge.
        let top = TileId::new(2, 1, 0).unwrap().bounds_buffered(4096, 64);
        assert!((top.max().y - MAX_LATITUDE).abs() < 1e-9);
    }

    #[test]
    fn tile_px_round_trip() {
        let cases: &[(f64, f64, u8)] = &[
            (121.44, 31.18, 12),
            (121.4371, 31.1882, 16),
            (-73.98, 40.75, 10),
            (0.0, 0.0, 0),
            (151.2, -33.86, 22),
        ];
        for &(lon, lat, z) in cases {
            let t = TileId::containing(lon, lat, z).unwrap();
            let (px, py) = lonlat_to_tile_px(lon, lat, t, 4096);
            assert!(
                (0.0..4096.0).contains(&px) && (0.0..4096.0).contains(&py),
                "({lon}, {lat}) → ({px}, {py}) in {t}"
            );
            let (lon2, lat2) = tile_px_to_lonlat(px, py, t, 4096);
            assert!((lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9);
        }
        // Corners of a tile map to 0 and extent exactly enough.
        let t = TileId::new(12, 3429, 1674).unwrap();
        let b = t.bounds_lonlat();
        let (x0, y0) = lonlat_to_tile_px(b.min().x, b.max().y, t, 4096);
        let (x1, y1) = lonlat_to_tile_px(b.max().x, b.min().y, t, 4096);
        for (g, want) in [(x0, 0.0), (y0, 0.0), (x1, 4096.0), (y1, 4096.0)] {
            assert!((g - want).abs() < 1e-6, "{g} vs {want}");
        }
    }
}
