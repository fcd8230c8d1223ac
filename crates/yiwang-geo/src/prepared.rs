//! A parent multipolygon flattened into oriented, translated rings for fast
//! repeated clipping and point-in-polygon tests (crate-internal).

use geo::{LineString, MultiPolygon};

use crate::GeoError;
use crate::clip::{NO_TAG, TaggedVertex, signed_ring_area};

/// Axis-aligned box `[min_x, min_y, max_x, max_y]`.
pub(crate) type BBox = [f64; 4];

/// One ring of the parent, translated by `-shift`, exterior rings CCW and
/// holes CW, without closing vertex and without consecutive duplicates.
#[derive(Debug, Clone)]
pub(crate) struct PreparedRing {
    pub verts: Vec<TaggedVertex>,
    pub bbox: BBox,
    /// Signed shoelace area (positive for exteriors, negative for holes).
    pub area: f64,
    /// Signed first moments `∫x`, `∫y` (same sign convention as `area`).
    pub mx: f64,
    pub my: f64,
}

/// Parent geometry prepared for the power-diagram solver.
#[derive(Debug, Clone)]
pub(crate) struct PreparedParent {
    /// Translation applied to the input: prepared = input − shift.
    pub shift: (f64, f64),
    pub rings: Vec<PreparedRing>,
    /// Bounding box of the translated geometry.
    pub bbox: BBox,
    /// Total area (exteriors minus holes).
    pub area: f64,
}

fn ring_points(ls: &LineString<f64>, shift: (f64, f64)) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(ls.0.len());
    for c in &ls.0 {
        let p = (c.x - shift.0, c.y - shift.1);
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    pts
}

impl PreparedParent {
    /// Prepares `mp`; fails on non-finite coordinates or zero total area.
    ///
    /// The parent must be a valid multipolygon (parts do not overlap, holes
    /// lie inside their exterior); ring orientation in the input is ignored.
    pub fn new(mp: &MultiPolygon<f64>) -> Result<Self, GeoError> {
        let mut bb = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for poly in &mp.0 {
            for c in poly.exterior().0.iter() {
                if !c.x.is_finite() || !c.y.is_finite() {
                    return Err(GeoError::NonFiniteCoordinate { what: "parent" });
                }
                bb = [
                    bb[0].min(c.x),
                    bb[1].min(c.y),
                    bb[2].max(c.x),
                    bb[3].max(c.y),
                ];
            }
            for ring in poly.interiors() {
                if ring.0.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
                    return Err(GeoError::NonFiniteCoordinate { what: "parent" });
                }
            }
        }
        if !(bb[0] < bb[2] && bb[1] < bb[3]) {
            return Err(GeoError::EmptyParent);
        }
        let shift = (0.5 * (bb[0] + bb[2]), 0.5 * (bb[1] + bb[3]));
        let mut rings = Vec::new();
        for poly in &mp.0 {
            let ext = std::iter::once((poly.exterior(), true));
            let holes = poly.interiors().iter().map(|r| (r, false));
            for (ls, is_exterior) in ext.chain(holes) {
                let mut pts = ring_points(ls, shift);
                if pts.len() < 3 {
                    continue;
                }
                let a = signed_ring_area(&pts);
                if a == 0.0 {
                    continue;
                }
                if (a > 0.0) != is_exterior {
                    pts.reverse();
                }
                rings.push(Self::ring(&pts));
            }
        }
        let area: f64 = rings.iter().map(|r| r.area).sum();
        if area.is_nan() || area <= 0.0 {
            return Err(GeoError::EmptyParent);
        }
        let bbox = [
            bb[0] - shift.0,
            bb[1] - shift.1,
            bb[2] - shift.0,
            bb[3] - shift.1,
        ];
        Ok(Self {
            shift,
            rings,
            bbox,
            area,
        })
    }

    fn ring(pts: &[(f64, f64)]) -> PreparedRing {
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let (mut a, mut mx, mut my) = (0.0, 0.0, 0.0);
        let mut prev = pts[pts.len() - 1];
        for &p in pts {
            bbox = [
                bbox[0].min(p.0),
                bbox[1].min(p.1),
                bbox[2].max(p.0),
                bbox[3].max(p.1),
            ];
            let cross = prev.0 * p.1 - p.0 * prev.1;
            a += cross;
            mx += (prev.0 + p.0) * cross;
            my += (prev.1 + p.1) * cross;
            prev = p;
        }
        PreparedRing {
            verts: pts
                .iter()
                .map(|&(x, y)| TaggedVertex { x, y, tag: NO_TAG })
                .collect(),
            bbox,
            area: a / 2.0,
            mx: mx / 6.0,
            my: my / 6.0,
        }
    }

    /// Even–odd point-in-polygon test in translated coordinates.
    ///
    /// Points exactly on the boundary may be reported either way.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let mut inside = false;
        for ring in &self.rings {
            let b = ring.bbox;
            if x < b[0] || x > b[2] || y < b[1] || y > b[3] {
                continue;
            }
            let v = &ring.verts;
            let mut j = v.len() - 1;
            for i in 0..v.len() {
                let (pi, pj) = (v[i], v[j]);
                if (pi.y > y) != (pj.y > y) {
                    let xc = pi.x + (y - pi.y) * (pj.x - pi.x) / (pj.y - pi.y);
                    if x < xc {
                        inside = !inside;
                    }
                }
                j = i;
            }
        }
        inside
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn orients_and_measures_rings() {
        // Clockwise exterior with a counter-clockwise hole: both get fixed.
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 4.0), (x: 4.0, y: 4.0), (x: 4.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 2.0)]],
        );
        let prep = PreparedParent::new(&p.into()).unwrap();
        assert_eq!(prep.shift, (2.0, 2.0));
        assert_eq!(prep.rings.len(), 2);
        assert!(prep.rings[0].area > 0.0 && prep.rings[1].area < 0.0);
        assert!((prep.area - 15.0).abs() < 1e-12);
        assert!(prep.contains(1.0, 1.0)); // input (3,3)
        assert!(!prep.contains(-0.5, -0.5)); // input (1.5,1.5), in the hole
        assert!(!prep.contains(3.0, 0.0)); // outside
    }

    #[test]
    fn rejects_degenerate_and_non_finite() {
        let flat = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 2.0, y: 0.0)];
        assert_eq!(
            PreparedParent::new(&flat.into()).unwrap_err(),
            GeoError::EmptyParent
        );
        let nan = polygon![(x: 0.0, y: 0.0), (x: f64::NAN, y: 0.0), (x: 2.0, y: 1.0)];
        assert!(matches!(
            PreparedParent::new(&nan.into()),
            Err(GeoError::NonFiniteCoordinate { .. })
        ));
        assert_eq!(
            PreparedParent::new(&MultiPolygon::new(vec![])).unwrap_err(),
            GeoError::EmptyParent
        );
    }
}
