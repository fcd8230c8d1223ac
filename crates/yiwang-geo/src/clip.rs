//! Sutherland–Hodgman clipping of a polygon by a single half-plane.
//!
//! For a **convex** input the output is the exact convex intersection. For a
//! non-convex input the output may contain zero-width "bridges" along the
//! clipping line; it is then not a valid polygon, but as an oriented boundary
//! chain it is still exact: its shoelace area, first moments and the signed
//! length of its edges on the clipping line equal those of the true
//! intersection. The partition code relies on this property.

/// The closed half-plane `a·x + b·y ≤ c`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HalfPlane {
    /// x coefficient.
    pub a: f64,
    /// y coefficient.
    pub b: f64,
    /// Right-hand side.
    pub c: f64,
}

impl HalfPlane {
    /// The half-plane `a·x + b·y ≤ c`.
    pub fn new(a: f64, b: f64, c: f64) -> Self {
        Self { a, b, c }
    }

    /// Signed violation `a·x + b·y − c`: `≤ 0` inside, `> 0` outside.
    #[inline]
    pub fn eval(&self, x: f64, y: f64) -> f64 {
        self.a * x + self.b * y - self.c
    }

    /// `true` if `(x, y)` satisfies `a·x + b·y ≤ c` (boundary included).
    #[inline]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        self.eval(x, y) <= 0.0
    }
}

/// Point where segment `p → q` crosses the line of a half-plane, given the
/// signed values `fp = eval(p)` and `fq = eval(q)` of opposite sign.
#[inline]
fn crossing(p: (f64, f64), q: (f64, f64), fp: f64, fq: f64) -> (f64, f64) {
    let t = fp / (fp - fq);
    (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))
}

/// Clips the polygon `poly` (vertices in order, **without** a repeated closing
/// vertex) by `hp`, writing the result into `out` (cleared first).
///
/// Boundary points (`eval == 0`) count as inside and are not duplicated;
/// intersection points are computed by linear interpolation. The output keeps the
/// orientation of the input and is empty when no vertex is inside. When the
/// line has a zero normal (`a = b = 0`) the half-plane is either everything
/// (`c ≥ 0`) or nothing (`c < 0`). Allocates only if `out` must grow.
pub fn clip_half_plane_into(poly: &[(f64, f64)], hp: HalfPlane, out: &mut Vec<(f64, f64)>) {
    out.clear();
    let n = poly.len();
    if n == 0 {
        return;
    }
    let mut prev = poly[n - 1];
    let mut fprev = hp.eval(prev.0, prev.1);
    for &cur in poly {
        let fcur = hp.eval(cur.0, cur.1);
        let prev_in = fprev <= 0.0;
        let cur_in = fcur <= 0.0;
        // A crossing is only emitted when the inside endpoint is strictly
        // inside; otherwise it would duplicate that endpoint.
        if cur_in {
            if !prev_in && fcur < 0.0 {
                out.push(crossing(prev, cur, fprev, fcur));
            }
            out.push(cur);
        } else if prev_in && fprev < 0.0 {
            out.push(crossing(prev, cur, fprev, fcur));
        }
        prev = cur;
        fprev = fcur;
    }
}

/// Allocating convenience wrapper around [`clip_half_plane_into`].
pub fn clip_half_plane(poly: &[(f64, f64)], hp: HalfPlane) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(poly.len() + 1);
    clip_half_plane_into(poly, hp, &mut out);
    out
}

/// Tag meaning "this edge does not lie on any clipping line".
pub(crate) const NO_TAG: u32 = u32::MAX;

/// A polygon vertex whose `tag` names the line carrying the edge that
/// *starts* at this vertex ([`NO_TAG`] for edges of the original polygon).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TaggedVertex {
    pub x: f64,
    pub y: f64,
    pub tag: u32,
}

/// Edge-tagged Sutherland–Hodgman: like [`clip_half_plane_into`], but every
/// edge created along the clipping line is tagged with `tag`, and pieces of
/// existing edges keep their tag. Used to measure, per neighbour, the length
/// of the boundary shared by two power cells.
///
/// Returns `true` when the input boundary crosses the line at most twice and
/// no vertex lies exactly on it. For a simple input polygon the output is
/// then again a simple polygon (no zero-width bridges).
pub(crate) fn clip_tagged_into(
    poly: &[TaggedVertex],
    hp: HalfPlane,
    tag: u32,
    out: &mut Vec<TaggedVertex>,
) -> bool {
    out.clear();
    let n = poly.len();
    if n == 0 {
        return true;
    }
    let mut transitions = 0usize;
    let mut touches = false;
    // Iterate edges cur -> next so that each emitted vertex knows the edge it starts.
    let mut cur = poly[0];
    let mut fcur = hp.eval(cur.x, cur.y);
    for k in 0..n {
        let next = poly[if k + 1 == n { 0 } else { k + 1 }];
        let fnext = hp.eval(next.x, next.y);
        let cur_in = fcur <= 0.0;
        let next_in = fnext <= 0.0;
        transitions += usize::from(cur_in != next_in);
        touches |= fcur == 0.0;
        if cur_in {
            if next_in {
                out.push(cur);
            } else if fcur < 0.0 {
                out.push(cur);
                let (x, y) = crossing((cur.x, cur.y), (next.x, next.y), fcur, fnext);
                out.push(TaggedVertex { x, y, tag });
            } else {
                // `cur` lies on the line: the edge leaving it now runs along the line.
                out.push(TaggedVertex { tag, ..cur });
            }
        } else if next_in && fnext < 0.0 {
            let (x, y) = crossing((cur.x, cur.y), (next.x, next.y), fcur, fnext);
            out.push(TaggedVertex { x, y, tag: cur.tag });
        }
        cur = next;
        fcur = fnext;
    }
    transitions <= 2 && !touches
}

/// Shoelace signed area of a ring given without closing vertex (CCW positive).
pub fn signed_ring_area(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    let mut prev = ring[n - 1];
    for &cur in ring {
        s += prev.0 * cur.1 - cur.0 * prev.1;
        prev = cur;
    }
    0.5 * s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const SQUARE: [(f64, f64); 4] = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)];

    #[test]
    fn clips_square_table() {
        // (half-plane, expected area, expected vertex count)
        let cases = [
            (HalfPlane::new(1.0, 0.0, 1.0), 2.0, 4),   // x <= 1
            (HalfPlane::new(-1.0, 0.0, -1.0), 2.0, 4), // x >= 1
            (HalfPlane::new(1.0, 1.0, 2.0), 2.0, 3),   // below the anti-diagonal
            (HalfPlane::new(1.0, 1.0, 1.0), 0.5, 3),   // corner triangle
            (HalfPlane::new(1.0, 0.0, 5.0), 4.0, 4),   // everything
            (HalfPlane::new(1.0, 0.0, -1.0), 0.0, 0),  // nothing
            (HalfPlane::new(0.0, 0.0, 0.0), 4.0, 4),   // degenerate, keep all
            (HalfPlane::new(0.0, 0.0, -1.0), 0.0, 0),  // degenerate, drop all
        ];
        for (i, (hp, area, count)) in cases.into_iter().enumerate() {
            let out = clip_half_plane(&SQUARE, hp);
            assert_eq!(out.len(), count, "case {i}: {out:?}");
            assert!((signed_ring_area(&out) - area).abs() < 1e-12, "case {i}");
            for &(x, y) in &out {
                assert!(hp.eval(x, y) <= 1e-12, "case {i}: vertex outside");
            }
        }
    }

    #[test]
    fn non_convex_clip_keeps_exact_area() {
        // U shape (CCW), area 9 - 2 = 7; clipped by y <= 1 it is a 3x1 strip.
        let u = [
            (0.0, 0.0),
            (3.0, 0.0),
            (3.0, 3.0),
            (2.0, 3.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 3.0),
            (0.0, 3.0),
        ];
        assert!((signed_ring_area(&u) - 7.0).abs() < 1e-12);
        let low = clip_half_plane(&u, HalfPlane::new(0.0, 1.0, 1.0));
        assert!((signed_ring_area(&low) - 3.0).abs() < 1e-12);
        // y >= 2 cuts both prongs: two unit squares joined by a zero-width bridge.
        let high = clip_half_plane(&u, HalfPlane::new(0.0, -1.0, -2.0));
        assert!((signed_ring_area(&high) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn tagged_clip_tags_new_edges() {
        let sq: Vec<TaggedVertex> = SQUARE
            .iter()
            .map(|&(x, y)| TaggedVertex { x, y, tag: NO_TAG })
            .collect();
        let mut out = Vec::new();
        clip_tagged_into(&sq, HalfPlane::new(1.0, 0.0, 1.0), 7, &mut out);
        // Exactly one edge (length 2, along x = 1) carries tag 7.
        let n = out.len();
        let tagged: Vec<f64> = (0..n)
            .filter(|&k| out[k].tag == 7)
            .map(|k| {
                let (p, q) = (out[k], out[(k + 1) % n]);
                ((q.x - p.x).powi(2) + (q.y - p.y).powi(2)).sqrt()
            })
            .collect();
        assert_eq!(tagged.len(), 1);
        assert!((tagged[0] - 2.0).abs() < 1e-12);
        for v in &out {
            assert!(v.x <= 1.0 + 1e-12);
        }
    }
}
