//! Coverage checks for one level of the grid hierarchy: does a set of
//! children tile its parent, and does every point lie in exactly one cell?
//!
//! [`check_children`] reports, for one parent and its children,
//!
//! * **gaps** — parts of the parent covered by no child,
//! * **overlaps** — regions claimed by two children at once,
//! * **outside** — parts of a child that spill over the parent's boundary,
//!
//! each with its area and its geometry, so that a caller can list the
//! problems and draw them. [`check_points`] reports points (e.g. buildings)
//! that lie in no cell or in more than one (e.g. no 楼组 or two).
//! [`tiling_defects`](crate::tiling_defects) gives only the three total
//! areas; this module locates the individual problems.
//!
//! Everything works in planar coordinates in **metres** (areas in m²):
//! project lon/lat first with [`LocalProjection`](crate::LocalProjection),
//! and project returned geometry back with
//! [`LocalProjection::multipolygon_to_lonlat`](crate::LocalProjection::multipolygon_to_lonlat)
//! to write GeoJSON.
//!
//! ```
//! use geo::{MultiPolygon, polygon};
//! use yiwang_geo::{CoverageConfig, ProblemKind, check_children};
//!
//! let rect = |x0: f64, y0: f64, x1: f64, y1: f64| -> MultiPolygon<f64> {
//!     polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)].into()
//! };
//! let parent = rect(0.0, 0.0, 100.0, 50.0);
//! // The west child stops 10 m short of the east child: a 10 m × 50 m gap.
//! let children = vec![
//!     ("west".to_string(), rect(0.0, 0.0, 40.0, 50.0)),
//!     ("east".to_string(), rect(50.0, 0.0, 100.0, 50.0)),
//! ];
//! let problems = check_children("p", &parent, &children, &CoverageConfig::default());
//! assert_eq!(problems.len(), 1);
//! assert_eq!(problems[0].kind, ProblemKind::Gap);
//! assert!((problems[0].area_m2 - 500.0).abs() < 1e-6);
//! ```

use std::fmt;

use geo::{
    Area, BooleanOps, BoundingRect, MultiPolygon, Orient, Polygon, orient::Direction, unary_union,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::PolygonIndex;

/// The kind of a [`CoverageProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// Part of the parent covered by no child.
    Gap,
    /// A region covered by two children (siblings).
    Overlap,
    /// Part of a child lying outside its parent.
    Outside,
}

impl ProblemKind {
    /// Stable lower-case name for reports and APIs: `"gap"`, `"overlap"`,
    /// `"outside"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Gap => "gap",
            Self::Overlap => "overlap",
            Self::Outside => "outside",
        }
    }
}

impl fmt::Display for ProblemKind {
    /// Writes [`ProblemKind::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One coverage problem found by [`check_children`].
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageProblem {
    /// Gap, overlap or spill-over.
    pub kind: ProblemKind,
    /// Grid code of the parent, as passed to [`check_children`].
    pub parent: String,
    /// Codes of the children involved: for [`ProblemKind::Overlap`] the two
    /// overlapping children (in input order); for [`ProblemKind::Outside`] the
    /// one child that spills over; for [`ProblemKind::Gap`] empty.
    pub children: Vec<String>,
    /// Area of [`Self::geometry`] in m² (planar units²), always
    /// `> CoverageConfig::min_area_m2`.
    pub area_m2: f64,
    /// The problem region itself, in the planar coordinates of the input.
    pub geometry: MultiPolygon<f64>,
}

/// Tuning for [`check_children`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoverageConfig {
    /// Problems whose area is at most this many m² are ignored. Boundaries
    /// stored in lon/lat with 7 decimals (≈ 1 cm) leave centimetre-wide
    /// slivers between neighbours that share an edge in principle; such
    /// slivers along a few hundred metres of edge stay well under 1 m². A
    /// negative or NaN value acts as `0.0` (report every region of non-zero
    /// area).
    pub min_area_m2: f64,
}

impl CoverageConfig {
    /// The default [`Self::min_area_m2`]: 1 m².
    pub const DEFAULT_MIN_AREA_M2: f64 = 1.0;
}

impl Default for CoverageConfig {
    /// `min_area_m2 = 1.0` ([`CoverageConfig::DEFAULT_MIN_AREA_M2`]).
    fn default() -> Self {
        Self {
            min_area_m2: Self::DEFAULT_MIN_AREA_M2,
        }
    }
}

/// Checks that `children` tile `parent` and returns every problem found.
///
/// Coordinates are planar metres (see the [module documentation](self));
/// `parent_code` is copied into each problem's [`CoverageProblem::parent`] and
/// each child is `(code, geometry)`. Ring orientation does not matter.
///
/// * **Gap**: `parent ∖ ⋃ children`, one problem per polygon of that
///   difference (a connected region with its holes, as the polygon boolean
///   operation returns it; regions touching at a single vertex may come back
///   as one polygon or as two).
/// * **Overlap**: `childᵢ ∩ childⱼ` for every pair `i < j` (input order) whose
///   bounding boxes intersect (found with an R-tree, so the cost is
///   proportional to the number of neighbouring pairs, not `n²`), one problem
///   per pair holding the whole intersection, even if it has several parts.
///   A region covered by three children gives three pairwise problems.
/// * **Outside**: `childᵢ ∖ parent`, one problem per child holding the whole
///   difference.
///
/// A problem is reported only if its area is greater than
/// `cfg.min_area_m2` (negative or NaN counts as `0.0`), so regions of zero
/// area (children that merely touch) are never reported. Overlaps of two
/// parts of one child's own multipolygon are not detected (children must be
/// valid multipolygons).
///
/// The order is deterministic: all gaps first, north to south by the top of
/// their bounding box, ties west to east by its left side, then by area;
/// then overlaps by `(i, j)`; then spill-overs in child order. Equal inputs
/// give bit-identical outputs.
///
/// Edge cases: with no children the whole parent is one gap per polygon; an
/// empty parent has no gaps, and every child with area is then entirely
/// outside. As in [`PolygonIndex`], a polygon (part of the parent or of a
/// child) with a non-finite coordinate is ignored: it covers nothing, so a
/// child made only of such parts shows up as a gap in its place. Import
/// should reject such geometry before it gets here.
///
/// Areas carry the rounding of the polygon boolean operations (`geo`'s
/// `i_overlay` backend snaps coordinates to an integer grid of about 1e-9 of
/// the operands' extent): an exact tiling of a 1 km parent shows slivers of
/// about 1e-3 m² in total, far below the default `min_area_m2`, and a
/// reported area may differ from the exact one by a similar amount.
pub fn check_children(
    parent_code: &str,
    parent: &MultiPolygon<f64>,
    children: &[(String, MultiPolygon<f64>)],
    cfg: &CoverageConfig,
) -> Vec<CoverageProblem> {
    // `f64::max` returns the other operand for NaN.
    let min_area = cfg.min_area_m2.max(0.0);
    let parent = finite_parts(parent);
    let oriented: Vec<MultiPolygon<f64>> = children.iter().map(|(_, c)| finite_parts(c)).collect();
    let problem = |kind, children: Vec<String>, area_m2, geometry| CoverageProblem {
        kind,
        parent: parent_code.to_owned(),
        children,
        area_m2,
        geometry,
    };
    let mut problems = Vec::new();

    // Gaps.
    let union = unary_union(oriented.iter());
    let mut gaps: Vec<(MultiPolygon<f64>, f64)> = parent
        .difference(&union)
        .0
        .into_iter()
        .map(|p| {
            let mp = MultiPolygon::new(vec![p]);
            let area = mp.unsigned_area();
            (mp, area)
        })
        .filter(|(_, area)| *area > min_area)
        .collect();
    gaps.sort_by(|(a, area_a), (b, area_b)| {
        let (ka, kb) = (north_west_key(a), north_west_key(b));
        kb.0.total_cmp(&ka.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(area_a.total_cmp(area_b))
    });
    problems.extend(
        gaps.into_iter()
            .map(|(mp, area)| problem(ProblemKind::Gap, Vec::new(), area, mp)),
    );

    // Overlaps: candidate pairs from an R-tree over the children's boxes.
    let boxes: Vec<Option<AABB<[f64; 2]>>> = oriented
        .iter()
        .map(|c| {
            c.bounding_rect()
                .map(|r| AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]))
        })
        .collect();
    let tree = RTree::bulk_load(
        boxes
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.map(|b| GeomWithData::new(Rectangle::from_aabb(b), i)))
            .collect(),
    );
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, b) in boxes.iter().enumerate() {
        if let Some(b) = b {
            pairs.extend(
                tree.locate_in_envelope_intersecting(b)
                    .map(|leaf| leaf.data)
                    .filter(|&j| j > i)
                    .map(|j| (i, j)),
            );
        }
    }
    pairs.sort_unstable();
    for (i, j) in pairs {
        let overlap = oriented[i].intersection(&oriented[j]);
        let area = overlap.unsigned_area();
        if area > min_area {
            let codes = vec![children[i].0.clone(), children[j].0.clone()];
            problems.push(problem(ProblemKind::Overlap, codes, area, overlap));
        }
    }

    // Spill-over.
    for ((code, _), child) in children.iter().zip(&oriented) {
        let outside = child.difference(&parent);
        let area = outside.unsigned_area();
        if area > min_area {
            problems.push(problem(
                ProblemKind::Outside,
                vec![code.clone()],
                area,
                outside,
            ));
        }
    }
    problems
}

/// `mp` without its polygons that hold a non-finite coordinate (on which the
/// boolean operations would panic), oriented for [`unary_union`].
fn finite_parts(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let finite = |p: &Polygon<f64>| {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .all(|r| r.0.iter().all(|c| c.x.is_finite() && c.y.is_finite()))
    };
    MultiPolygon::new(mp.0.iter().filter(|p| finite(p)).cloned().collect())
        .orient(Direction::Default)
}

/// `(max y, min x)` of the bounding box; `(−∞, +∞)` for an empty geometry.
fn north_west_key(mp: &MultiPolygon<f64>) -> (f64, f64) {
    mp.bounding_rect()
        .map_or((f64::NEG_INFINITY, f64::INFINITY), |r| {
            (r.max().y, r.min().x)
        })
}

/// A point that lies in no cell or in more than one (see [`check_points`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointProblem {
    /// The point's identifier, as passed to [`check_points`].
    pub point: String,
    /// Keys of every cell containing the point, in the index's input order:
    /// empty (in no cell) or two or more (in several).
    pub containing: Vec<String>,
}

/// Returns every point that lies in no cell of `cells` or in more than one.
///
/// `points` are `(id, x, y)` in the coordinate system of `cells` (planar
/// metres, or lon/lat if the index was built from lon/lat). Each point is
/// looked up with [`PolygonIndex::locate_all`], so the index's half-open
/// boundary rule applies: a point on an edge shared by two cells of a tiling
/// belongs to exactly one of them and is not reported, whereas a point on
/// the top or right outer boundary of the tiled region belongs to none and is
/// reported. A point with a non-finite coordinate lies in no cell.
///
/// Problems come in the input order of `points`; points that lie in exactly
/// one cell are omitted. Typical use: buildings that are in no 楼组 or in two.
pub fn check_points(
    points: &[(String, f64, f64)],
    cells: &PolygonIndex<String>,
) -> Vec<PointProblem> {
    points
        .iter()
        .filter_map(|(id, x, y)| {
            let containing = cells.locate_all(*x, *y);
            (containing.len() != 1).then(|| PointProblem {
                point: id.clone(),
                containing: containing.into_iter().cloned().collect(),
            })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{PartitionConfig, Site, partition, tiling_defects};
    use geo::{Rect, coord, polygon};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        let p: Polygon<f64> =
            polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)];
        p.into()
    }

    fn named(items: &[(&str, MultiPolygon<f64>)]) -> Vec<(String, MultiPolygon<f64>)> {
        items
            .iter()
            .map(|(k, g)| ((*k).to_owned(), g.clone()))
            .collect()
    }

    /// 200 m × 200 m parent tiled by four 100 m squares `sw, se, nw, ne`.
    fn two_by_two() -> (MultiPolygon<f64>, Vec<(String, MultiPolygon<f64>)>) {
        let parent = rect(0.0, 0.0, 200.0, 200.0);
        let children = named(&[
            ("sw", rect(0.0, 0.0, 100.0, 100.0)),
            ("se", rect(100.0, 0.0, 200.0, 100.0)),
            ("nw", rect(0.0, 100.0, 100.0, 200.0)),
            ("ne", rect(100.0, 100.0, 200.0, 200.0)),
        ]);
        (parent, children)
    }

    fn bbox(mp: &MultiPolygon<f64>) -> Rect<f64> {
        mp.bounding_rect().unwrap()
    }

    /// Equal up to the boolean operations' rounding (see `check_children`).
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn kind_names() {
        let cases = [
            (ProblemKind::Gap, "gap"),
            (ProblemKind::Overlap, "overlap"),
            (ProblemKind::Outside, "outside"),
        ];
        for (kind, name) in cases {
            assert_eq!(kind.as_str(), name);
            assert_eq!(kind.to_string(), name);
        }
        assert!((CoverageConfig::default().min_area_m2 - 1.0).abs() < f64::EPSILON);
    }

    /// Named children, as [`check_children`] takes them.
    type Children = Vec<(String, MultiPolygon<f64>)>;

    /// Expected problem: kind, children, area, bounding box `(x0, y0, x1, y1)`.
    type Expected = (ProblemKind, Vec<&'static str>, f64, (f64, f64, f64, f64));

    #[test]
    fn check_children_table() {
        use ProblemKind::{Gap, Outside, Overlap};
        let (parent, full) = two_by_two();
        let without = |code: &str| -> Vec<(String, MultiPolygon<f64>)> {
            full.iter().filter(|(k, _)| k != code).cloned().collect()
        };
        let replace = |code: &str, g: MultiPolygon<f64>| -> Vec<(String, MultiPolygon<f64>)> {
            full.iter()
                .map(|(k, c)| (k.clone(), if k == code { g.clone() } else { c.clone() }))
                .collect()
        };
        let cases: Vec<(&str, Children, f64, Vec<Expected>)> = vec![
            ("clean 2×2 tiling", full.clone(), 1.0, vec![]),
            ("clean 2×2 tiling, min area 0", full.clone(), 0.0, vec![]),
            (
                "ne removed: one gap",
                without("ne"),
                1.0,
                vec![(Gap, vec![], 10_000.0, (100.0, 100.0, 200.0, 200.0))],
            ),
            (
                "ne shifted 10 m east: a gap strip and a spill, no overlap",
                replace("ne", rect(110.0, 100.0, 210.0, 200.0)),
                1.0,
                vec![
                    (Gap, vec![], 1_000.0, (100.0, 100.0, 110.0, 200.0)),
                    (Outside, vec!["ne"], 1_000.0, (200.0, 100.0, 210.0, 200.0)),
                ],
            ),
            (
                "ne shifted 10 m west and 5 m south: overlaps with nw, se and sw",
                replace("ne", rect(90.0, 95.0, 190.0, 195.0)),
                1.0,
                vec![
                    // The uncovered L along the top and right of ne's slot.
                    (Gap, vec![], 1_450.0, (100.0, 100.0, 200.0, 200.0)),
                    (Overlap, vec!["sw", "ne"], 50.0, (90.0, 95.0, 100.0, 100.0)),
                    (
                        Overlap,
                        vec!["se", "ne"],
                        90.0 * 5.0,
                        (100.0, 95.0, 190.0, 100.0),
                    ),
                    (
                        Overlap,
                        vec!["nw", "ne"],
                        10.0 * 95.0,
                        (90.0, 100.0, 100.0, 195.0),
                    ),
                ],
            ),
            (
                "ne shifted 10 m west and 10 m north: overlap with nw, spill, gap",
                replace("ne", rect(90.0, 110.0, 190.0, 210.0)),
                1.0,
                vec![
                    (Gap, vec![], 1_900.0, (100.0, 100.0, 200.0, 200.0)),
                    (
                        Overlap,
                        vec!["nw", "ne"],
                        900.0,
                        (90.0, 110.0, 100.0, 200.0),
                    ),
                    (Outside, vec!["ne"], 1_000.0, (90.0, 200.0, 190.0, 210.0)),
                ],
            ),
            (
                "sliver gap of 0.5 m² ignored at 1 m²",
                replace("ne", rect(100.0, 100.0, 200.0, 199.995)),
                1.0,
                vec![],
            ),
            (
                "sliver gap reported with a smaller threshold",
                replace("ne", rect(100.0, 100.0, 200.0, 199.995)),
                0.1,
                vec![(Gap, vec![], 0.5, (100.0, 199.995, 200.0, 200.0))],
            ),
            (
                "0.5 m² sliver overlap with nw and sliver gap ignored",
                replace("ne", rect(99.995, 100.0, 199.995, 200.0)),
                1.0,
                vec![],
            ),
            (
                "the same slivers reported at 0.1 m²",
                replace("ne", rect(99.995, 100.0, 199.995, 200.0)),
                0.1,
                vec![
                    (Gap, vec![], 0.5, (199.995, 100.0, 200.0, 200.0)),
                    (
                        Overlap,
                        vec!["nw", "ne"],
                        0.5,
                        (99.995, 100.0, 100.0, 200.0),
                    ),
                ],
            ),
            (
                "0.5 m² sliver spill ignored at 1 m²",
                replace("ne", rect(100.0, 100.0, 200.005, 200.0)),
                1.0,
                vec![],
            ),
            (
                "0.5 m² sliver spill reported at 0.1 m²",
                replace("ne", rect(100.0, 100.0, 200.005, 200.0)),
                0.1,
                vec![(Outside, vec!["ne"], 0.5, (200.0, 100.0, 200.005, 200.0))],
            ),
            (
                "no children: the parent is one gap",
                vec![],
                1.0,
                vec![(Gap, vec![], 40_000.0, (0.0, 0.0, 200.0, 200.0))],
            ),
            (
                "a child entirely outside",
                {
                    let mut c = full.clone();
                    c.push(("far".to_owned(), rect(500.0, 500.0, 510.0, 520.0)));
                    c
                },
                1.0,
                vec![(Outside, vec!["far"], 200.0, (500.0, 500.0, 510.0, 520.0))],
            ),
            (
                "a duplicated child overlaps its twin wholly",
                {
                    let mut c = full.clone();
                    c.push(("sw2".to_owned(), rect(0.0, 0.0, 100.0, 100.0)));
                    c
                },
                1.0,
                vec![(
                    Overlap,
                    vec!["sw", "sw2"],
                    10_000.0,
                    (0.0, 0.0, 100.0, 100.0),
                )],
            ),
            (
                "ne with a NaN coordinate is ignored: its square is a gap",
                replace("ne", rect(f64::NAN, 100.0, 200.0, 200.0)),
                1.0,
                vec![(Gap, vec![], 10_000.0, (100.0, 100.0, 200.0, 200.0))],
            ),
            (
                "NaN threshold acts as zero",
                replace("ne", rect(100.0, 100.0, 200.0, 199.995)),
                f64::NAN,
                vec![(Gap, vec![], 0.5, (100.0, 199.995, 200.0, 200.0))],
            ),
        ];
        for (name, children, min_area_m2, want) in cases {
            let cfg = CoverageConfig { min_area_m2 };
            let got = check_children("P", &parent, &children, &cfg);
            let summary: Vec<_> = got
                .iter()
                .map(|p| (p.kind, p.children.clone(), p.area_m2))
                .collect();
            assert_eq!(got.len(), want.len(), "{name}: {summary:?}");
            for (p, (kind, codes, area, (x0, y0, x1, y1))) in got.iter().zip(&want) {
                assert_eq!(p.kind, *kind, "{name}: {summary:?}");
                assert_eq!(p.parent, "P", "{name}");
                assert_eq!(p.children, *codes, "{name}: {summary:?}");
                assert!(close(p.area_m2, *area), "{name}: {summary:?}");
                // The geometry is the problem region: its own area and box.
                assert!(close(p.geometry.unsigned_area(), *area), "{name}");
                let b = bbox(&p.geometry);
                let want_box = Rect::new(coord! { x: *x0, y: *y0 }, coord! { x: *x1, y: *y1 });
                assert!(
                    close(b.min().x, want_box.min().x)
                        && close(b.min().y, want_box.min().y)
                        && close(b.max().x, want_box.max().x)
                        && close(b.max().y, want_box.max().y),
                    "{name}: {b:?}"
                );
            }
        }
    }

    #[test]
    fn removed_child_gap_is_that_childs_square() {
        let (parent, mut children) = two_by_two();
        let (code, removed) = children.remove(1);
        assert_eq!(code, "se");
        let got = check_children("P", &parent, &children, &CoverageConfig::default());
        assert_eq!(got.len(), 1);
        let gap = &got[0].geometry;
        // Same region: the symmetric difference with the removed child is empty.
        assert!(gap.xor(&removed).unsigned_area() < 1e-9);
        assert!(got[0].children.is_empty());
    }

    #[test]
    fn gaps_are_split_per_component_and_ordered_north_to_south_west_to_east() {
        // 3 × 1 strip of children with the middle one missing and holes cut
        // into the outer two: three separate gaps.
        let parent = rect(0.0, 0.0, 300.0, 100.0);
        let holed = |x0: f64, hx: f64, hy: f64| -> MultiPolygon<f64> {
            let p: Polygon<f64> = polygon!(
                exterior: [(x: x0, y: 0.0), (x: x0 + 100.0, y: 0.0), (x: x0 + 100.0, y: 100.0), (x: x0, y: 100.0)],
                interiors: [[(x: hx, y: hy), (x: hx + 10.0, y: hy), (x: hx + 10.0, y: hy + 10.0), (x: hx, y: hy + 10.0)]],
            );
            p.into()
        };
        let children = named(&[
            ("w", holed(0.0, 40.0, 20.0)),
            ("e", holed(200.0, 240.0, 60.0)),
        ]);
        let got = check_children("P", &parent, &children, &CoverageConfig::default());
        let boxes: Vec<(f64, f64, f64)> = got
            .iter()
            .map(|p| {
                assert_eq!(p.kind, ProblemKind::Gap);
                let b = bbox(&p.geometry);
                (b.min().x, b.max().y, p.area_m2)
            })
            .collect();
        // Tops at y = 100 (middle strip, x = 100), 70 (east hole), 30 (west hole).
        assert_eq!(boxes.len(), 3, "{boxes:?}");
        let want = [
            (100.0, 100.0, 10_000.0),
            (240.0, 70.0, 100.0),
            (40.0, 30.0, 100.0),
        ];
        for (g, w) in boxes.iter().zip(&want) {
            assert!(
                close(g.0, w.0) && close(g.1, w.1) && close(g.2, w.2),
                "{boxes:?}"
            );
        }
    }

    #[test]
    fn many_children_only_neighbours_are_intersected_and_order_is_stable() {
        // 7 × 7 unit grid of 10 m squares, each grown by 1 m on its east side
        // (overlapping its eastern neighbour by 10 m²; the last column spills).
        let mut children = Vec::new();
        for j in 0..7u32 {
            for i in 0..7u32 {
                let (x, y) = (f64::from(i) * 10.0, f64::from(j) * 10.0);
                children.push((format!("{i}-{j}"), rect(x, y, x + 11.0, y + 10.0)));
            }
        }
        let parent = rect(0.0, 0.0, 70.0, 70.0);
        let got = check_children("P", &parent, &children, &CoverageConfig::default());
        let overlaps: Vec<&CoverageProblem> = got
            .iter()
            .filter(|p| p.kind == ProblemKind::Overlap)
            .collect();
        let outside: Vec<&CoverageProblem> = got
            .iter()
            .filter(|p| p.kind == ProblemKind::Outside)
            .collect();
        assert_eq!(overlaps.len(), 6 * 7);
        assert_eq!(outside.len(), 7);
        assert!(got.iter().all(|p| p.kind != ProblemKind::Gap));
        for p in &overlaps {
            assert!(close(p.area_m2, 10.0), "{:?}", p.children);
            let (a, b) = (&p.children[0], &p.children[1]);
            let (ai, aj) = a.split_once('-').unwrap();
            let (bi, bj) = b.split_once('-').unwrap();
            assert_eq!(aj, bj);
            assert_eq!(ai.parse::<u32>().unwrap() + 1, bi.parse::<u32>().unwrap());
        }
        // Kinds come grouped gap → overlap → outside.
        assert!(got.windows(2).all(|w| w[0].kind <= w[1].kind));
        assert_eq!(
            check_children("P", &parent, &children, &CoverageConfig::default()),
            got
        );
    }

    #[test]
    fn partition_of_an_irregular_polygon_has_no_problems() {
        // An L-shaped, non-convex parent with a notch and a hole, ~1 km across.
        let parent: MultiPolygon<f64> = polygon!(
            exterior: [
                (x: 0.0, y: 0.0), (x: 1200.0, y: 0.0), (x: 1150.0, y: 400.0),
                (x: 600.0, y: 450.0), (x: 650.0, y: 900.0), (x: 300.0, y: 1000.0),
                (x: 320.0, y: 600.0), (x: 0.0, y: 700.0), (x: 80.0, y: 300.0),
            ],
            interiors: [[(x: 700.0, y: 150.0), (x: 800.0, y: 150.0), (x: 760.0, y: 250.0)]],
        )
        .into();
        let sites: Vec<Site> = (0..30u32)
            .map(|k| {
                let t = f64::from(k);
                Site::new(
                    (t * 397.0) % 1100.0 + 20.0,
                    (t * 271.0) % 900.0 + 20.0,
                    1.0 + (t % 3.0),
                )
            })
            .collect();
        let cells = partition(&parent, &sites, &PartitionConfig::default()).unwrap();
        assert_eq!(cells.len(), 30);
        let d = tiling_defects(&parent, &cells);
        // Boolean-operation rounding only (see `check_children`).
        assert!(d.total() < 1e-2, "{d:?}");
        let children: Vec<(String, MultiPolygon<f64>)> = cells
            .into_iter()
            .enumerate()
            .map(|(k, c)| (format!("{k:03}"), c))
            .collect();
        let got = check_children("P", &parent, &children, &CoverageConfig::default());
        assert!(
            got.is_empty(),
            "{:?}",
            got.iter()
                .map(|p| (p.kind, &p.children, p.area_m2))
                .collect::<Vec<_>>()
        );
        // Dropping a cell is detected as a gap of exactly its area.
        let dropped = children[7].1.unsigned_area();
        let mut fewer = children.clone();
        fewer.remove(7);
        let got = check_children("P", &parent, &fewer, &CoverageConfig::default());
        let total: f64 = got.iter().map(|p| p.area_m2).sum();
        assert!(!got.is_empty() && got.iter().all(|p| p.kind == ProblemKind::Gap));
        assert!(
            (total - dropped).abs() < 1e-6 * dropped,
            "{total} vs {dropped}"
        );
    }

    #[test]
    fn check_points_table() {
        let index = PolygonIndex::new(named(&[
            ("a", rect(0.0, 0.0, 10.0, 10.0)),
            ("b", rect(10.0, 0.0, 20.0, 10.0)),
            ("c", rect(15.0, 5.0, 25.0, 15.0)),
        ]));
        let points: Vec<(String, f64, f64)> = [
            ("nowhere", 30.0, 30.0),
            ("in-b-and-c", 17.0, 7.0),
            ("fine", 5.0, 5.0),
            ("shared-edge", 10.0, 5.0),
            ("outer-right-edge", 25.0, 12.0),
            ("nan", f64::NAN, 1.0),
            ("only-c", 22.0, 12.0),
        ]
        .iter()
        .map(|(k, x, y)| ((*k).to_owned(), *x, *y))
        .collect();
        let got = check_points(&points, &index);
        let want = [
            ("nowhere", vec![]),
            ("in-b-and-c", vec!["b", "c"]),
            ("outer-right-edge", vec![]),
            ("nan", vec![]),
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (p, (id, containing)) in got.iter().zip(want) {
            assert_eq!(p.point, id);
            assert_eq!(p.containing, containing);
        }
        // The three-point case from the brief: exactly the first two.
        let got = check_points(&points[..3], &index);
        let ids: Vec<&str> = got.iter().map(|p| p.point.as_str()).collect();
        assert_eq!(ids, ["nowhere", "in-b-and-c"]);
        assert!(check_points(&[], &index).is_empty());
    }
}
