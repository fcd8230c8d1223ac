//! Gap/overlap measurement for a claimed tiling.

use geo::{Area, BooleanOps, MultiPolygon, Orient, orient::Direction, unary_union};

/// How far a set of children is from tiling a parent exactly (planar units²).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TilingDefects {
    /// Area of the parent not covered by any child: `|parent ∖ ⋃children|`.
    pub gap_area: f64,
    /// Area covered more than once: `Σ|childᵢ| − |⋃children|` (clamped at 0).
    /// A region covered `k` times counts `k − 1` times.
    pub overlap_area: f64,
    /// Area of the children outside the parent: `|⋃children ∖ parent|`.
    /// Kept separate from `overlap_area` so a coverage checker can report
    /// "spills outside the parent" and "double-assigned" distinctly.
    pub outside_area: f64,
}

impl TilingDefects {
    /// Sum of all three defect areas.
    pub fn total(&self) -> f64 {
        self.gap_area + self.overlap_area + self.outside_area
    }
}

/// Measures gaps, overlaps and spill-over of `children` relative to `parent`.
///
/// Uses exact polygon boolean operations (geo / i_overlay); results carry the
/// floating-point noise of those operations (≈1e-9 relative). Children are
/// re-oriented before the union, so input ring orientation does not matter.
/// Children must each be valid multipolygons.
pub fn tiling_defects(parent: &MultiPolygon<f64>, children: &[MultiPolygon<f64>]) -> TilingDefects {
    let oriented: Vec<MultiPolygon<f64>> = children
        .iter()
        .map(|c| c.orient(Direction::Default))
        .collect();
    let union = unary_union(oriented.iter());
    let union_area = union.unsigned_area();
    let sum: f64 = children.iter().map(|c| c.unsigned_area()).sum();
    TilingDefects {
        gap_area: parent.difference(&union).unsigned_area(),
        overlap_area: (sum - union_area).max(0.0),
        outside_area: union.difference(parent).unsigned_area(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use geo::{Polygon, polygon};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        let p: Polygon<f64> =
            polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)];
        p.into()
    }

    #[test]
    fn defects_table() {
        let parent = rect(0.0, 0.0, 4.0, 2.0);
        // (children, gap, overlap, outside)
        let cases: Vec<(Vec<MultiPolygon<f64>>, f64, f64, f64)> = vec![
            (
                vec![rect(0.0, 0.0, 2.0, 2.0), rect(2.0, 0.0, 4.0, 2.0)],
                0.0,
                0.0,
                0.0,
            ),
            (
                vec![rect(0.0, 0.0, 2.0, 2.0), rect(3.0, 0.0, 4.0, 2.0)],
                2.0,
                0.0,
                0.0,
            ),
            (
                vec![rect(0.0, 0.0, 3.0, 2.0), rect(2.0, 0.0, 4.0, 2.0)],
                0.0,
                2.0,
                0.0,
            ),
            (
                vec![rect(0.0, 0.0, 2.0, 2.0), rect(2.0, 0.0, 5.0, 2.0)],
                0.0,
                0.0,
                2.0,
            ),
            (vec![rect(0.0, 0.0, 4.0, 2.0); 3], 0.0, 16.0, 0.0),
            (vec![], 8.0, 0.0, 0.0),
        ];
        for (k, (children, gap, overlap, outside)) in cases.into_iter().enumerate() {
            let d = tiling_defects(&parent, &children);
            assert!((d.gap_area - gap).abs() < 1e-9, "case {k}: {d:?}");
            assert!((d.overlap_area - overlap).abs() < 1e-9, "case {k}: {d:?}");
            assert!((d.outside_area - outside).abs() < 1e-9, "case {k}: {d:?}");
        }
    }
}
