//! Lon/lat geometry → ready-to-encode [`TileFeature`]s for one tile:
//! projection to tile coordinates, clipping, simplification and rounding.

use geo::{LineString, MultiLineString, MultiPolygon};

use super::clip::{Simplification, clip_square, prepare_line, prepare_polygon};
use super::coords::{TileId, lonlat_to_tile_px};
use super::encode::{TileFeature, TileGeometry, TileValue};

/// Projects a lon/lat line string to tile coordinates, skipping vertices with
/// a non-finite coordinate.
fn project(ls: &LineString<f64>, tile: TileId, extent: u32) -> Vec<(f64, f64)> {
    ls.coords()
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .map(|c| lonlat_to_tile_px(c.x, c.y, tile, extent))
        .collect()
}

/// The polygons of `mp` (lon/lat) as they appear in `tile`: projected to
/// tile coordinates with `extent` units per side, clipped to the tile
/// square enlarged by `buffer` units on every side, simplified and rounded
/// per `simp` (see [`prepare_polygon`]). `None` when nothing remains.
/// Vertices with a non-finite coordinate are skipped.
pub fn polygon_geometry(
    tile: TileId,
    mp: &MultiPolygon<f64>,
    extent: u32,
    buffer: u32,
    simp: &Simplification,
) -> Option<TileGeometry> {
    let (lo, hi) = clip_square(extent, buffer);
    let polys: Vec<Vec<Vec<(i32, i32)>>> = mp
        .iter()
        .filter_map(|poly| {
            let rings: Vec<Vec<(f64, f64)>> = std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .map(|ls| project(ls, tile, extent))
                .collect();
            prepare_polygon(&rings, lo, hi, simp)
        })
        .collect();
    (!polys.is_empty()).then_some(TileGeometry::Polygons(polys))
}

/// A polygon feature for `tile` from a lon/lat multipolygon, with the
/// default [`Simplification`] (1 tile unit tolerance, rings under 1 square
/// unit dropped) and clip `buffer` in tile units (64 of 4096 is usual).
/// `None` when nothing of `mp` remains in the buffered tile.
pub fn polygon_feature(
    tile: TileId,
    mp: &MultiPolygon<f64>,
    extent: u32,
    buffer: u32,
    id: Option<u64>,
    properties: Vec<(String, TileValue)>,
) -> Option<TileFeature> {
    polygon_geometry(tile, mp, extent, buffer, &Simplification::default()).map(|geometry| {
        TileFeature {
            id,
            properties,
            geometry,
        }
    })
}

/// The lines of `ml` (lon/lat) as they appear in `tile`: projected, clipped
/// to the buffered tile square (a line may split into several pieces),
/// simplified and rounded per `simp`. `None` when nothing remains.
pub fn line_geometry(
    tile: TileId,
    ml: &MultiLineString<f64>,
    extent: u32,
    buffer: u32,
    simp: &Simplification,
) -> Option<TileGeometry> {
    let (lo, hi) = clip_square(extent, buffer);
    let lines: Vec<Vec<(i32, i32)>> = ml
        .iter()
        .flat_map(|ls| prepare_line(&project(ls, tile, extent), lo, hi, simp))
        .collect();
    (!lines.is_empty()).then_some(TileGeometry::Lines(lines))
}

/// A line feature for `tile` from lon/lat lines, with the default
/// [`Simplification`]; `None` when nothing remains in the buffered tile.
pub fn line_feature(
    tile: TileId,
    ml: &MultiLineString<f64>,
    extent: u32,
    buffer: u32,
    id: Option<u64>,
    properties: Vec<(String, TileValue)>,
) -> Option<TileFeature> {
    line_geometry(tile, ml, extent, buffer, &Simplification::default()).map(|geometry| {
        TileFeature {
            id,
            properties,
            geometry,
        }
    })
}

/// A point feature for `tile` at (`lon`, `lat`), rounded to the nearest tile
/// coordinate.
///
/// `None` unless the point lies in the tile itself, half-open as in
/// [`TileId::containing`] (`0 ≤ px < extent` before rounding): every point
/// belongs to exactly one tile per zoom, so it is never drawn (or counted)
/// twice across neighbouring tiles. Also `None` for non-finite coordinates.
pub fn point_feature(
    tile: TileId,
    lon: f64,
    lat: f64,
    extent: u32,
    id: Option<u64>,
    properties: Vec<(String, TileValue)>,
) -> Option<TileFeature> {
    if !lon.is_finite() || !lat.is_finite() {
        return None;
    }
    let (px, py) = lonlat_to_tile_px(lon, lat, tile, extent);
    let range = 0.0..f64::from(extent);
    if !range.contains(&px) || !range.contains(&py) {
        return None;
    }
    Some(TileFeature {
        id,
        properties,
        geometry: TileGeometry::Points(vec![super::clip::round_point((px, py))]),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use geo::{Coord, LineString, Polygon};

    use super::super::clip::{ring_area, simplify_ring};
    use super::super::coords::tile_px_to_lonlat;
    use super::super::encode::{TileLayer, encode_tile};
    use super::super::test_decode::{Geom, decode_tile};
    use super::*;

    const E: u32 = 4096;

    fn xuhui_z12() -> TileId {
        TileId::new(12, 3429, 1674).unwrap()
    }

    /// A lon/lat ring from tile-coordinate points of `tile`.
    fn ring_from_px(tile: TileId, pts: &[(f64, f64)]) -> LineString<f64> {
        pts.iter()
            .map(|&(x, y)| {
                let (lon, lat) = tile_px_to_lonlat(x, y, tile, E);
                Coord { x: lon, y: lat }
            })
            .collect()
    }

    fn polys(g: &TileGeometry) -> &Vec<Vec<Vec<(i32, i32)>>> {
        match g {
            TileGeometry::Polygons(p) => p,
            other => panic!("not polygons: {other:?}"),
        }
    }

    /// Distance from `p` to the closed ring `ring`.
    fn dist_to_ring(p: (f64, f64), ring: &[(f64, f64)]) -> f64 {
        (0..ring.len())
            .map(|i| {
                let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let l2 = dx * dx + dy * dy;
                let t = if l2 > 0.0 {
                    (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn polygon_larger_than_tile_is_the_buffered_square() {
        let t = xuhui_z12();
        // (buffer, expected square corners)
        let cases: &[(u32, i32, i32)] = &[(64, -64, 4160), (0, 0, 4096), (256, -256, 4352)];
        let big = ring_from_px(
            t,
            &[
                (-3000.0, -2000.0),
                (9000.0, -2500.0),
                (8000.0, 7000.0),
                (-2000.0, 9000.0),
            ],
        );
        let mp: MultiPolygon<f64> = Polygon::new(big, vec![]).into();
        for &(buffer, lo, hi) in cases {
            let f = polygon_feature(t, &mp, E, buffer, None, vec![]).unwrap();
            let p = polys(&f.geometry);
            assert_eq!(p.len(), 1);
            assert_eq!(p[0].len(), 1);
            let mut ring = p[0][0].clone();
            ring.sort_unstable();
            assert_eq!(
                ring,
                vec![(lo, lo), (lo, hi), (hi, lo), (hi, hi)],
                "buffer {buffer}"
            );
        }
    }

    #[test]
    fn polygon_outside_or_tiny_is_none() {
        let t = xuhui_z12();
        // (name, ring in tile coordinates of t)
        let cases: &[(&str, &[(f64, f64)])] = &[
            (
                "east of the buffer",
                &[
                    (4200.0, 0.0),
                    (5000.0, 0.0),
                    (5000.0, 800.0),
                    (4200.0, 800.0),
                ],
            ),
            (
                "north-west of the buffer",
                &[
                    (-900.0, -900.0),
                    (-100.0, -900.0),
                    (-100.0, -70.0),
                    (-900.0, -70.0),
                ],
            ),
            (
                "sub-unit sliver",
                &[
                    (100.0, 100.0),
                    (900.0, 100.0),
                    (900.0, 100.0005),
                    (100.0, 100.0005),
                ],
            ),
        ];
        for &(name, pts) in cases {
            let mp: MultiPolygon<f64> = Polygon::new(ring_from_px(t, pts), vec![]).into();
            assert_eq!(polygon_feature(t, &mp, E, 64, None, vec![]), None, "{name}");
        }
        // The same square, but inside the buffer zone, is kept.
        let mp: MultiPolygon<f64> = Polygon::new(
            ring_from_px(
                t,
                &[
                    (4100.0, 0.0),
                    (5000.0, 0.0),
                    (5000.0, 800.0),
                    (4100.0, 800.0),
                ],
            ),
            vec![],
        )
        .into();
        assert!(polygon_feature(t, &mp, E, 64, None, vec![]).is_some());
    }

    #[test]
    fn simplification_of_a_circle_at_low_zoom() {
        // A 1,000-vertex circle of radius 300 tile units centred in a z10
        // tile over Xuhui (about 2.4 km across): the polygon keeps far fewer
        // vertices, and every original vertex stays within the 1-unit
        // tolerance of the simplified ring (within 1 + √2/2 after rounding
        // to integers).
        let t = TileId::containing(121.44, 31.18, 10).unwrap();
        let circle: Vec<(f64, f64)> = (0..1000)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::TAU / 1000.0;
                (2048.0 + 300.0 * a.cos(), 2048.0 + 300.0 * a.sin())
            })
            .collect();
        let simplified = simplify_ring(&circle, 1.0);
        assert!(simplified.len() < 100, "{} vertices", simplified.len());
        for &p in &circle {
            assert!(dist_to_ring(p, &simplified) <= 1.0 + 1e-9, "{p:?}");
        }
        let mp: MultiPolygon<f64> = Polygon::new(ring_from_px(t, &circle), vec![]).into();
        let f = polygon_feature(t, &mp, E, 64, None, vec![]).unwrap();
        let ring: Vec<(f64, f64)> = polys(&f.geometry)[0][0]
            .iter()
            .map(|&(x, y)| (f64::from(x), f64::from(y)))
            .collect();
        assert!(ring.len() < 100, "{} vertices", ring.len());
        for &p in &circle {
            let d = dist_to_ring(p, &ring);
            assert!(d <= 1.0 + 0.5 * 2f64.sqrt(), "{p:?} is {d} away");
        }
        // Without simplification all vertices survive rounding (they are
        // ~1.9 units apart).
        let exact = polygon_geometry(
            t,
            &mp,
            E,
            64,
            &Simplification {
                tolerance: 0.0,
                min_ring_area: 1.0,
            },
        )
        .unwrap();
        assert_eq!(polys(&exact)[0][0].len(), 1000);
    }

    #[test]
    fn clipped_pieces_add_up_to_the_whole() {
        // A hexagon with a hole spanning the corner of four z15 tiles: with
        // no buffer and no simplification, the clipped areas (tile units
        // of z15, exterior minus holes) sum to the whole up to rounding.
        let z = 15;
        let home = TileId::containing(121.44, 31.18, z).unwrap();
        let c = (4096.0, 4096.0); // corner shared by home and its E, S, SE neighbours
        let hex: Vec<(f64, f64)> = (0..6)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::TAU / 6.0;
                (c.0 + 1500.0 * a.cos(), c.1 + 1500.0 * a.sin())
            })
            .collect();
        let hole = [
            (3900.0, 3900.0),
            (3900.0, 4300.0),
            (4300.0, 4300.0),
            (4300.0, 3900.0),
        ];
        let mp: MultiPolygon<f64> =
            Polygon::new(ring_from_px(home, &hex), vec![ring_from_px(home, &hole)]).into();
        let whole = {
            let ext: Vec<(i32, i32)> = hex.iter().map(|p| (p.0 as i32, p.1 as i32)).collect();
            ring_area(&ext).abs() - 400.0 * 400.0
        };
        let simp = Simplification {
            tolerance: 0.0,
            min_ring_area: 0.0,
        };
        let mut sum = 0.0;
        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let t = TileId::new(z, home.x() + dx, home.y() + dy).unwrap();
            let g = polygon_geometry(t, &mp, E, 0, &simp).unwrap();
            for poly in polys(&g) {
                assert_eq!(poly.len(), 2, "each quarter keeps a quarter of the hole");
                sum += ring_area(&poly[0]).abs() - ring_area(&poly[1]).abs();
            }
        }
        assert!((sum - whole).abs() < 1e-3 * whole, "{sum} vs {whole}");
        // A tile two columns away sees nothing.
        let far = TileId::new(z, home.x() + 3, home.y()).unwrap();
        assert_eq!(polygon_geometry(far, &mp, E, 64, &simp), None);
    }

    #[test]
    fn polygon_with_hole_encodes_and_decodes() {
        let t = xuhui_z12();
        // GeoJSON-style winding (exterior anticlockwise in lon/lat, i.e.
        // clockwise once y points down) and a second part.
        let ext = [
            (100.0, 100.0),
            (1000.0, 100.0),
            (1000.0, 1000.0),
            (100.0, 1000.0),
        ];
        let hole = [
            (400.0, 400.0),
            (400.0, 600.0),
            (600.0, 600.0),
            (600.0, 400.0),
        ];
        let part2 = [
            (2000.0, 2000.0),
            (2000.0, 2500.0),
            (2500.0, 2500.0),
            (2500.0, 2000.0),
        ];
        let mp = MultiPolygon::new(vec![
            Polygon::new(ring_from_px(t, &ext), vec![ring_from_px(t, &hole)]),
            Polygon::new(ring_from_px(t, &part2), vec![]),
        ]);
        let f = polygon_feature(
            t,
            &mp,
            E,
            64,
            Some(42),
            vec![("level".into(), "street".into())],
        )
        .unwrap();
        let bytes = encode_tile(&[TileLayer {
            name: "streets".into(),
            extent: E,
            features: vec![f],
        }])
        .unwrap();
        let d = decode_tile(&bytes);
        assert_eq!(d[0].features[0].id, Some(42));
        assert_eq!(d[0].features[0].geom_type, 3);
        assert_eq!(
            d[0].properties(0),
            vec![("level".to_owned(), TileValue::from("street"))]
        );
        let Geom::Polygons(p) = &d[0].features[0].geometry else {
            panic!("not polygons");
        };
        assert_eq!(
            p,
            &vec![
                vec![
                    vec![(100, 100), (1000, 100), (1000, 1000), (100, 1000)],
                    vec![(400, 400), (400, 600), (600, 600), (600, 400)],
                ],
                vec![vec![(2000, 2000), (2500, 2000), (2500, 2500), (2000, 2500)]],
            ]
        );
    }

    #[test]
    fn point_feature_cases() {
        let t = xuhui_z12();
        let b = t.bounds_lonlat();
        // (lon, lat, expected point)
        type Case = (f64, f64, Option<(i32, i32)>);
        let cases: &[Case] = &[
            (b.min().x, b.max().y, Some((0, 0))), // north-west corner: inside
            (b.max().x, b.max().y, None),         // east edge belongs to the next tile
            (b.min().x, b.min().y, None),         // south edge belongs to the next tile
            (121.44, 31.18, {
                let (x, y) = lonlat_to_tile_px(121.44, 31.18, t, E);
                Some((x.round() as i32, y.round() as i32))
            }),
            (121.0, 31.18, None),
            (f64::NAN, 31.18, None),
        ];
        for &(lon, lat, want) in cases {
            let got = point_feature(t, lon, lat, E, Some(1), vec![]).map(|f| f.geometry);
            assert_eq!(
                got,
                want.map(|p| TileGeometry::Points(vec![p])),
                "({lon}, {lat})"
            );
        }
        // Every point is in exactly the tile `containing` names.
        for (lon, lat) in [
            (121.44, 31.18),
            (121.464_843_75, 31.15),
            (121.4, 31.203_404_950_917_392),
        ] {
            let owner = TileId::containing(lon, lat, 12).unwrap();
            for dx in [-1i64, 0, 1] {
                for dy in [-1i64, 0, 1] {
                    let n = TileId::new(
                        12,
                        (i64::from(owner.x()) + dx) as u32,
                        (i64::from(owner.y()) + dy) as u32,
                    )
                    .unwrap();
                    let hit = point_feature(n, lon, lat, E, None, vec![]).is_some();
                    assert_eq!(hit, n == owner, "({lon}, {lat}) in {n}");
                }
            }
        }
    }

    #[test]
    fn line_feature_clips_and_splits() {
        let t = xuhui_z12();
        // Enters from the west, leaves east, comes back: two pieces.
        let line = ring_from_px(
            t,
            &[
                (-500.0, 1000.0),
                (5000.0, 1000.0),
                (5000.0, 3000.0),
                (2000.0, 3000.0),
            ],
        );
        let ml = MultiLineString::new(vec![line]);
        let f = line_feature(t, &ml, E, 64, None, vec![]).unwrap();
        assert_eq!(
            f.geometry,
            TileGeometry::Lines(vec![
                vec![(-64, 1000), (4160, 1000)],
                vec![(4160, 3000), (2000, 3000)]
            ])
        );
        let away =
            MultiLineString::new(vec![ring_from_px(t, &[(-500.0, -500.0), (-100.0, -900.0)])]);
        assert_eq!(line_feature(t, &away, E, 64, None, vec![]), None);
    }
}
