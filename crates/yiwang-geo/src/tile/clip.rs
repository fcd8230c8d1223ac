//! Tile-space geometry preparation: clipping to the buffered tile square,
//! Douglas–Peucker simplification, and rounding to integer tile coordinates.
//!
//! All functions work on points already projected to tile coordinates (see
//! [`super::lonlat_to_tile_px`]); rings are given **without** a repeated
//! closing vertex. The clip region is the square `[lo, hi]²`, normally
//! `[-buffer, extent + buffer]²` (see [`clip_square`]).

use crate::{HalfPlane, clip_half_plane_into};

/// A point in (fractional) tile coordinates.
type Pt = (f64, f64);

/// Parameters of the per-zoom simplification applied to tile geometry.
///
/// Both thresholds are in tile-coordinate units, so the same values simplify
/// more, measured on the ground, at lower zooms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Simplification {
    /// Douglas–Peucker tolerance: every removed vertex lies within this
    /// distance of the simplified chain. `0` disables simplification.
    pub tolerance: f64,
    /// Rings whose absolute area after rounding is below this are dropped
    /// (a dropped exterior ring drops its polygon).
    pub min_ring_area: f64,
}

impl Default for Simplification {
    /// One tile unit of tolerance, one square tile unit of minimum ring area.
    fn default() -> Self {
        Self {
            tolerance: 1.0,
            min_ring_area: 1.0,
        }
    }
}

/// The clip square `(lo, hi)` = `(-buffer, extent + buffer)` of a tile.
pub fn clip_square(extent: u32, buffer: u32) -> (f64, f64) {
    (-f64::from(buffer), f64::from(extent) + f64::from(buffer))
}

/// Clips a polygon ring to the square `[lo, hi]²` (Sutherland–Hodgman, one
/// pass per side).
///
/// The result keeps the ring's orientation and is empty when the ring lies
/// outside the square. For a non-convex ring that leaves and re-enters the
/// square, the result may run back and forth along the square's edge
/// (zero-width bridges); those edges lie on the buffer boundary, outside the
/// visible tile, and enclose no area.
pub fn clip_ring(ring: &[(f64, f64)], lo: f64, hi: f64) -> Vec<(f64, f64)> {
    let (bmin, bmax) = bbox(ring);
    if bmin.0 >= lo && bmin.1 >= lo && bmax.0 <= hi && bmax.1 <= hi {
        return ring.to_vec();
    }
    if bmax.0 < lo || bmax.1 < lo || bmin.0 > hi || bmin.1 > hi {
        return Vec::new();
    }
    let sides = [
        HalfPlane::new(-1.0, 0.0, -lo),
        HalfPlane::new(1.0, 0.0, hi),
        HalfPlane::new(0.0, -1.0, -lo),
        HalfPlane::new(0.0, 1.0, hi),
    ];
    let mut cur = ring.to_vec();
    let mut next = Vec::with_capacity(ring.len() + 4);
    for hp in sides {
        clip_half_plane_into(&cur, hp, &mut next);
        std::mem::swap(&mut cur, &mut next);
        if cur.is_empty() {
            break;
        }
    }
    cur
}

/// Clips a polyline to the square `[lo, hi]²` (Liang–Barsky per segment).
///
/// Returns the pieces inside the square in order; a line that leaves and
/// re-enters the square yields several pieces. Pieces that degenerate to a
/// single point are dropped.
pub fn clip_line(line: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Vec<(f64, f64)>> {
    let mut parts = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for w in line.windows(2) {
        let (p, q) = (w[0], w[1]);
        match clip_segment(p, q, lo, hi) {
            Some((a, b, t1_full)) => {
                if cur.last() != Some(&a) {
                    flush(&mut parts, &mut cur);
                    cur.push(a);
                }
                cur.push(b);
                if !t1_full {
                    flush(&mut parts, &mut cur);
                }
            }
            None => flush(&mut parts, &mut cur),
        }
    }
    flush(&mut parts, &mut cur);
    parts
}

/// Moves `cur` into `parts` if it has two distinct points, else clears it.
fn flush(parts: &mut Vec<Vec<(f64, f64)>>, cur: &mut Vec<(f64, f64)>) {
    if cur.len() >= 2 && cur.iter().any(|p| *p != cur[0]) {
        parts.push(std::mem::take(cur));
    } else {
        cur.clear();
    }
}

/// Liang–Barsky: the part of segment `p → q` inside `[lo, hi]²` as
/// `(start, end, end_is_q)`, or `None` if no part is inside.
fn clip_segment(p: (f64, f64), q: (f64, f64), lo: f64, hi: f64) -> Option<(Pt, Pt, bool)> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    // Each side as (pk, qk): inside when t·pk ≤ qk.
    for (pk, qk) in [
        (-dx, p.0 - lo),
        (dx, hi - p.0),
        (-dy, p.1 - lo),
        (dy, hi - p.1),
    ] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let r = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| (p.0 + t * dx, p.1 + t * dy);
    let a = if t0 == 0.0 { p } else { at(t0) };
    let b = if t1 == 1.0 { q } else { at(t1) };
    Some((a, b, t1 == 1.0))
}

/// Axis-aligned bounds `(min, max)` of a point list; `(+∞, −∞)` when empty.
fn bbox(pts: &[(f64, f64)]) -> ((f64, f64), (f64, f64)) {
    let mut min = (f64::INFINITY, f64::INFINITY);
    let mut max = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &(x, y) in pts {
        min = (min.0.min(x), min.1.min(y));
        max = (max.0.max(x), max.1.max(y));
    }
    (min, max)
}

/// Distance from `p` to the segment `a → b` (to `a` when the segment is a point).
fn seg_dist(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Marks in `keep` the vertices of `pts[first..=last]` retained by
/// Douglas–Peucker with `tolerance` (iterative, so deep inputs cannot
/// overflow the stack). `keep[first]` and `keep[last]` must already be set.
fn dp_mark(pts: &[(f64, f64)], first: usize, last: usize, tolerance: f64, keep: &mut [bool]) {
    let mut stack = vec![(first, last)];
    while let Some((i, j)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let mut best = (0.0f64, i);
        for (k, &p) in pts.iter().enumerate().take(j).skip(i + 1) {
            let d = seg_dist(p, pts[i], pts[j]);
            if d > best.0 {
                best = (d, k);
            }
        }
        if best.0 > tolerance {
            keep[best.1] = true;
            stack.push((best.1, j));
            stack.push((i, best.1));
        }
    }
}

/// Douglas–Peucker simplification of an open polyline; endpoints are kept
/// and every removed vertex lies within `tolerance` of the result.
/// A `tolerance` ≤ 0 (or NaN) returns the line unchanged.
pub fn simplify_line(line: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if line.len() <= 2 || tolerance.is_nan() || tolerance <= 0.0 {
        return line.to_vec();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[line.len() - 1] = true;
    dp_mark(line, 0, line.len() - 1, tolerance, &mut keep);
    select(line, &keep)
}

/// Douglas–Peucker simplification of a closed ring (no repeated closing
/// vertex). The ring is split at its first vertex and the vertex farthest from
/// it, both kept, and each half is simplified; every removed vertex lies within
/// `tolerance` of the result. A `tolerance` ≤ 0 (or NaN) returns the ring
/// unchanged.
pub fn simplify_ring(ring: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if ring.len() <= 3 || tolerance.is_nan() || tolerance <= 0.0 {
        return ring.to_vec();
    }
    let p0 = ring[0];
    let mut far = (0.0f64, 0usize);
    for (k, p) in ring.iter().enumerate().skip(1) {
        let d = (p.0 - p0.0).powi(2) + (p.1 - p0.1).powi(2);
        if d > far.0 {
            far = (d, k);
        }
    }
    let mut keep = vec![false; ring.len()];
    keep[0] = true;
    if far.1 == 0 {
        return vec![p0];
    }
    keep[far.1] = true;
    dp_mark(ring, 0, far.1, tolerance, &mut keep);
    // The second half runs far → … → last → back to vertex 0.
    let mut closed = ring.to_vec();
    closed.push(p0);
    let mut keep_closed = keep.clone();
    keep_closed.push(true);
    dp_mark(&closed, far.1, ring.len(), tolerance, &mut keep_closed);
    keep_closed.pop();
    select(ring, &keep_closed)
}

/// The points whose `keep` flag is set, in order.
fn select(pts: &[(f64, f64)], keep: &[bool]) -> Vec<(f64, f64)> {
    pts.iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| *p)
        .collect()
}

/// Rounds to the nearest integer tile coordinate (halves away from zero;
/// out-of-range values saturate to the `i32` range).
pub fn round_point(p: (f64, f64)) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

/// Rounds a polyline and removes consecutive duplicate points.
pub fn round_line(line: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(line.len());
    for &p in line {
        let r = round_point(p);
        if out.last() != Some(&r) {
            out.push(r);
        }
    }
    out
}

/// Rounds a ring and removes consecutive duplicate points, including a last
/// point equal to the first (the result has no repeated closing vertex).
pub fn round_ring(ring: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut out = round_line(ring);
    while out.len() > 1 && out.last() == out.first() {
        out.pop();
    }
    out
}

/// Signed area of an integer ring by the surveyor's (shoelace) formula in
/// tile coordinates, `½ Σ (xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ)`. With `y` pointing down, as in
/// tiles, it is **positive for clockwise** rings (MVT exterior rings).
pub fn ring_area(ring: &[(i32, i32)]) -> f64 {
    ring_area2(ring) as f64 / 2.0
}

/// Twice [`ring_area`], exact in `i128`.
pub(crate) fn ring_area2(ring: &[(i32, i32)]) -> i128 {
    let n = ring.len();
    let mut s: i128 = 0;
    for i in 0..n {
        let (x0, y0) = ring[i];
        let (x1, y1) = ring[(i + 1) % n];
        s += i128::from(x0) * i128::from(y1) - i128::from(x1) * i128::from(y0);
    }
    s
}

/// Clips, simplifies and rounds one polygon given as tile-coordinate rings
/// (first ring exterior, others holes; closing vertex optional).
///
/// Rings left with fewer than three points or an absolute area below
/// `simp.min_ring_area` are dropped; `None` if the exterior ring is dropped
/// or the area of the exterior minus the holes falls below
/// `simp.min_ring_area` (for instance a tile lying inside a hole). Winding is
/// left as it comes; the encoder fixes it.
pub fn prepare_polygon(
    rings: &[Vec<(f64, f64)>],
    lo: f64,
    hi: f64,
    simp: &Simplification,
) -> Option<Vec<Vec<(i32, i32)>>> {
    let mut out: Vec<Vec<(i32, i32)>> = Vec::with_capacity(rings.len());
    let mut net = 0.0;
    for (i, ring) in rings.iter().enumerate() {
        let open = match ring.split_last() {
            Some((last, rest)) if ring.len() > 1 && *last == ring[0] => rest,
            _ => ring.as_slice(),
        };
        let clipped = clip_ring(open, lo, hi);
        let simplified = simplify_ring(&clipped, simp.tolerance);
        let rounded = round_ring(&simplified);
        let area = ring_area(&rounded).abs();
        if rounded.len() < 3 || area < simp.min_ring_area || area == 0.0 {
            if i == 0 {
                return None;
            }
            continue;
        }
        net += if i == 0 { area } else { -area };
        out.push(rounded);
    }
    if net < simp.min_ring_area.max(f64::MIN_POSITIVE) {
        return None;
    }
    Some(out)
}

/// Clips, simplifies and rounds one polyline in tile coordinates; returns the
/// pieces with at least two distinct points.
pub fn prepare_line(
    line: &[(f64, f64)],
    lo: f64,
    hi: f64,
    simp: &Simplification,
) -> Vec<Vec<(i32, i32)>> {
    clip_line(line, lo, hi)
        .iter()
        .map(|part| round_line(&simplify_line(part, simp.tolerance)))
        .filter(|part| part.len() >= 2)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ring_close(a: &[(f64, f64)], b: &[(f64, f64)]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(p, q)| (p.0 - q.0).abs() < 1e-9 && (p.1 - q.1).abs() < 1e-9)
    }

    #[test]
    fn clip_ring_cases() {
        // (name, ring, expected) against the square [0, 10]².
        let cases: Vec<(&str, Vec<Pt>, Vec<Pt>)> = vec![
            (
                "inside unchanged",
                vec![(1.0, 1.0), (5.0, 1.0), (5.0, 5.0)],
                vec![(1.0, 1.0), (5.0, 1.0), (5.0, 5.0)],
            ),
            (
                "outside empty",
                vec![(11.0, 1.0), (15.0, 1.0), (15.0, 5.0)],
                vec![],
            ),
            (
                "covering becomes the square",
                vec![(-5.0, -5.0), (15.0, -5.0), (15.0, 15.0), (-5.0, 15.0)],
                vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)],
            ),
            (
                "half over the right edge",
                vec![(5.0, 2.0), (15.0, 2.0), (15.0, 4.0), (5.0, 4.0)],
                vec![(5.0, 2.0), (10.0, 2.0), (10.0, 4.0), (5.0, 4.0)],
            ),
        ];
        for (name, ring, want) in cases {
            let got = clip_ring(&ring, 0.0, 10.0);
            // Compare as sets of vertices up to rotation.
            let rotated = (got.is_empty() && want.is_empty())
                || (0..got.len()).any(|r| {
                    let mut g = got.clone();
                    g.rotate_left(r);
                    ring_close(&g, &want)
                });
            assert!(rotated, "{name}: {got:?}");
        }
    }

    #[test]
    fn clip_line_cases() {
        // (name, line, expected pieces) against [0, 10]².
        type Case = (&'static str, Vec<(f64, f64)>, Vec<Vec<(f64, f64)>>);
        let cases: Vec<Case> = vec![
            (
                "inside",
                vec![(1.0, 1.0), (2.0, 2.0), (3.0, 1.0)],
                vec![vec![(1.0, 1.0), (2.0, 2.0), (3.0, 1.0)]],
            ),
            ("outside", vec![(-5.0, -1.0), (20.0, -1.0)], vec![]),
            (
                "crossing",
                vec![(-5.0, 5.0), (15.0, 5.0)],
                vec![vec![(0.0, 5.0), (10.0, 5.0)]],
            ),
            (
                "leave and re-enter",
                vec![(5.0, 5.0), (15.0, 5.0), (15.0, 8.0), (5.0, 8.0)],
                vec![vec![(5.0, 5.0), (10.0, 5.0)], vec![(10.0, 8.0), (5.0, 8.0)]],
            ),
            (
                "diagonal through a corner region",
                vec![(-2.0, 8.0), (4.0, 14.0)],
                // Touches the corner (0, 10) only: a single point, dropped.
                vec![],
            ),
            (
                "enter then stay",
                vec![(-10.0, 2.0), (2.0, 2.0), (2.0, 6.0)],
                vec![vec![(0.0, 2.0), (2.0, 2.0), (2.0, 6.0)]],
            ),
        ];
        for (name, line, want) in cases {
            let got = clip_line(&line, 0.0, 10.0);
            assert_eq!(got.len(), want.len(), "{name}: {got:?}");
            for (g, w) in got.iter().zip(&want) {
                assert!(ring_close(g, w), "{name}: {got:?}");
            }
        }
    }

    #[test]
    fn rounding_and_area() {
        // (ring, rounded, area)
        type Case = (Vec<Pt>, Vec<(i32, i32)>, f64);
        let cases: Vec<Case> = vec![
            (
                vec![
                    (0.2, 0.1),
                    (10.4, -0.3),
                    (10.0, 9.6),
                    (0.0, 10.2),
                    (0.1, 0.0),
                ],
                vec![(0, 0), (10, 0), (10, 10), (0, 10)],
                100.0,
            ),
            (
                vec![(0.0, 0.0), (0.0, 10.0), (10.0, 10.0), (10.0, 0.0)],
                vec![(0, 0), (0, 10), (10, 10), (10, 0)],
                -100.0,
            ),
            (vec![(0.0, 0.0), (0.4, 0.0), (0.4, 0.4)], vec![(0, 0)], 0.0),
            (
                vec![(-2.5, 2.5), (3.5, 2.5), (3.5, 3.49)],
                vec![(-3, 3), (4, 3)],
                0.0,
            ),
        ];
        for (ring, want, area) in cases {
            let r = round_ring(&ring);
            assert_eq!(r, want);
            assert_eq!(ring_area(&r), area, "{r:?}");
        }
    }

    #[test]
    fn simplify_line_and_ring() {
        // A zig-zag with 0.3 amplitude collapses to its endpoints at
        // tolerance 1 but is kept at tolerance 0.1.
        let zig: Vec<(f64, f64)> = (0..=20)
            .map(|i| (f64::from(i), if i % 2 == 0 { 0.0 } else { 0.3 }))
            .collect();
        assert_eq!(simplify_line(&zig, 1.0), vec![(0.0, 0.0), (20.0, 0.0)]);
        assert_eq!(simplify_line(&zig, 0.1).len(), zig.len());
        assert_eq!(simplify_line(&zig, 0.0).len(), zig.len());
        // A square with extra collinear vertices keeps only its corners.
        let sq = vec![
            (0.0, 0.0),
            (5.0, 0.0),
            (10.0, 0.0),
            (10.0, 5.0),
            (10.0, 10.0),
            (5.0, 10.0),
            (0.0, 10.0),
            (0.0, 5.0),
        ];
        let s = simplify_ring(&sq, 0.5);
        assert_eq!(s, vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
    }

    #[test]
    fn prepare_polygon_drops_small_and_outside() {
        let simp = Simplification::default();
        let (lo, hi) = clip_square(4096, 64);
        let tiny = vec![vec![(10.0, 10.0), (10.6, 10.0), (10.6, 10.6)]];
        assert_eq!(prepare_polygon(&tiny, lo, hi, &simp), None);
        let outside = vec![vec![(5000.0, 0.0), (6000.0, 0.0), (6000.0, 100.0)]];
        assert_eq!(prepare_polygon(&outside, lo, hi, &simp), None);
        // A hole covering the whole clip square leaves nothing.
        let big = |r: f64| {
            vec![
                (-r, -r),
                (5000.0 + r, -r),
                (5000.0 + r, 5000.0 + r),
                (-r, 5000.0 + r),
            ]
        };
        let holed = vec![big(2000.0), big(1000.0)];
        assert_eq!(prepare_polygon(&holed, lo, hi, &simp), None);
        // A tiny hole is dropped, the exterior kept.
        let with_tiny_hole = vec![
            vec![(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)],
            vec![(50.0, 50.0), (50.2, 50.0), (50.2, 50.2)],
        ];
        let p = prepare_polygon(&with_tiny_hole, lo, hi, &simp).unwrap();
        assert_eq!(p, vec![vec![(0, 0), (100, 0), (100, 100), (0, 100)]]);
    }
}
