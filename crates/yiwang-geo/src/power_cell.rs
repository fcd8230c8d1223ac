//! Power-diagram (weighted Voronoi) cells by brute-force half-plane clipping,
//! and their exact area, centroid and shared-edge lengths inside a parent
//! (crate-internal).
//!
//! Site `i` with position `s_i` and power weight `w_i` owns
//! `{p : |p − s_i|² − w_i ≤ |p − s_j|² − w_j ∀ j}`. The constraint for `j`
//! is the half-plane `2(s_j − s_i)·p ≤ q_j − q_i` with `q_k = |s_k|² − w_k`.

use crate::clip::{HalfPlane, NO_TAG, TaggedVertex, clip_tagged_into};
use crate::prepared::{BBox, PreparedParent};

/// Sites in the parent's translated frame plus their power weights.
#[derive(Debug, Clone, Default)]
pub(crate) struct PowerSites {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub ws: Vec<f64>,
    /// Cached `|s|² − w`, refreshed by [`PowerSites::refresh`].
    q: Vec<f64>,
}

impl PowerSites {
    pub fn new(xs: Vec<f64>, ys: Vec<f64>, ws: Vec<f64>) -> Self {
        let mut s = Self {
            xs,
            ys,
            ws,
            q: Vec::new(),
        };
        s.refresh();
        s
    }

    pub fn len(&self) -> usize {
        self.xs.len()
    }

    /// Recomputes the cached `q` after positions or weights changed.
    pub fn refresh(&mut self) {
        self.q.clear();
        for k in 0..self.xs.len() {
            self.q
                .push(self.xs[k] * self.xs[k] + self.ys[k] * self.ys[k] - self.ws[k]);
        }
    }

    /// Half-plane of points at least as close (in power distance) to `i` as to `j`.
    #[inline]
    pub fn half_plane(&self, i: usize, j: usize) -> HalfPlane {
        HalfPlane {
            a: 2.0 * (self.xs[j] - self.xs[i]),
            b: 2.0 * (self.ys[j] - self.ys[i]),
            c: self.q[j] - self.q[i],
        }
    }

    /// Power distance `|p − s_k|² − w_k`.
    #[inline]
    pub fn power(&self, k: usize, x: f64, y: f64) -> f64 {
        let (dx, dy) = (x - self.xs[k], y - self.ys[k]);
        dx * dx + dy * dy - self.ws[k]
    }

    /// Index of the site with the smallest power distance to `p`, ignoring `skip`.
    pub fn owner(&self, x: f64, y: f64, skip: usize) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for k in 0..self.len() {
            if k == skip {
                continue;
            }
            let d = self.power(k, x, y);
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((k, d));
            }
        }
        best.map(|(k, _)| k)
    }
}

/// Area and first moments of one cell intersected with the parent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct CellStats {
    pub area: f64,
    /// `∫x dA`.
    pub mx: f64,
    /// `∫y dA`.
    pub my: f64,
}

/// Reusable buffers so that the solver's inner loop does not allocate.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    cell: Vec<TaggedVertex>,
    tmp: Vec<TaggedVertex>,
    ring: Vec<TaggedVertex>,
    ring_tmp: Vec<TaggedVertex>,
    active: Vec<u32>,
}

impl Scratch {
    /// The convex cell produced by the last [`convex_cell`] call.
    pub fn cell(&self) -> &[TaggedVertex] {
        &self.cell
    }
}

/// Computes the convex power cell of site `i` restricted to `frame` into
/// `scratch` (read it with [`Scratch::cell`]). Edges on the bisector with
/// site `j` are tagged `j`; frame edges carry [`NO_TAG`].
pub(crate) fn convex_cell(sites: &PowerSites, i: usize, frame: BBox, scratch: &mut Scratch) {
    scratch.cell.clear();
    for (x, y) in [
        (frame[0], frame[1]),
        (frame[2], frame[1]),
        (frame[2], frame[3]),
        (frame[0], frame[3]),
    ] {
        scratch.cell.push(TaggedVertex { x, y, tag: NO_TAG });
    }
    for j in 0..sites.len() {
        if j == i {
            continue;
        }
        let hp = sites.half_plane(i, j);
        // Skip the copy when the whole cell already satisfies the constraint.
        if scratch.cell.iter().all(|v| hp.eval(v.x, v.y) <= 0.0) {
            continue;
        }
        let _ = clip_tagged_into(&scratch.cell, hp, j as u32, &mut scratch.tmp);
        std::mem::swap(&mut scratch.cell, &mut scratch.tmp);
        if scratch.cell.is_empty() {
            return;
        }
    }
}

/// Clips the parent by the convex cell of `i` (computed by a preceding
/// [`convex_cell`] call on the same `scratch`) and returns the exact area and
/// moments of `cell ∩ parent`.
///
/// `g_row` (length `n`) is overwritten with `L_ij / (2 d_ij)` — the length of
/// the boundary shared with cell `j` inside the parent divided by twice the
/// site distance — which is `∂area_i/∂w_j` up to sign. `frame_row` receives
/// the same quantity for the whole convex cell (ignoring the parent), which
/// couples cells of disconnected parent parts.
pub(crate) fn clip_parent(
    sites: &PowerSites,
    i: usize,
    parent: &PreparedParent,
    scratch: &mut Scratch,
    g_row: &mut [f64],
    frame_row: &mut [f64],
) -> CellStats {
    g_row.iter_mut().for_each(|g| *g = 0.0);
    frame_row.iter_mut().for_each(|g| *g = 0.0);
    let mut stats = CellStats::default();
    let m = scratch.cell.len();
    if m < 3 {
        return stats;
    }
    scratch.active.clear();
    let mut cb = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (k, v) in scratch.cell.iter().enumerate() {
        cb = [
            cb[0].min(v.x),
            cb[1].min(v.y),
            cb[2].max(v.x),
            cb[3].max(v.y),
        ];
        if v.tag != NO_TAG {
            scratch.active.push(v.tag);
            let q = scratch.cell[if k + 1 == m { 0 } else { k + 1 }];
            let hp = sites.half_plane(i, v.tag as usize);
            let nn = hp.a * hp.a + hp.b * hp.b;
            if nn > 0.0 {
                frame_row[v.tag as usize] += ((q.x - v.x) * -hp.b + (q.y - v.y) * hp.a) / nn;
            }
        }
    }

    let (mut a2, mut mx6, mut my6) = (0.0, 0.0, 0.0);
    for ring in &parent.rings {
        let rb = ring.bbox;
        if rb[0] > cb[2] || rb[2] < cb[0] || rb[1] > cb[3] || rb[3] < cb[1] {
            continue;
        }
        let corners = [
            (rb[0], rb[1]),
            (rb[2], rb[1]),
            (rb[2], rb[3]),
            (rb[0], rb[3]),
        ];
        let ring_inside = scratch.active.iter().all(|&j| {
            let hp = sites.half_plane(i, j as usize);
            corners.iter().all(|&(x, y)| hp.eval(x, y) <= 0.0)
        });
        if ring_inside {
            stats.area += ring.area;
            stats.mx += ring.mx;
            stats.my += ring.my;
            continue;
        }
        scratch.ring.clear();
        scratch.ring.extend_from_slice(&ring.verts);
        for &j in &scratch.active {
            let hp = sites.half_plane(i, j as usize);
            let _ = clip_tagged_into(&scratch.ring, hp, j, &mut scratch.ring_tmp);
            std::mem::swap(&mut scratch.ring, &mut scratch.ring_tmp);
            if scratch.ring.is_empty() {
                break;
            }
        }
        let v = &scratch.ring;
        let n = v.len();
        if n < 3 {
            continue;
        }
        for k in 0..n {
            let p = v[k];
            let q = v[if k + 1 == n { 0 } else { k + 1 }];
            let cross = p.x * q.y - q.x * p.y;
            a2 += cross;
            mx6 += (p.x + q.x) * cross;
            my6 += (p.y + q.y) * cross;
            if p.tag != NO_TAG {
                let hp = sites.half_plane(i, p.tag as usize);
                let nn = hp.a * hp.a + hp.b * hp.b;
                if nn > 0.0 {
                    g_row[p.tag as usize] += ((q.x - p.x) * -hp.b + (q.y - p.y) * hp.a) / nn;
                }
            }
        }
    }
    stats.area += a2 / 2.0;
    stats.mx += mx6 / 6.0;
    stats.my += my6 / 6.0;
    stats
}

/// Fast exact `cell ∩ parent` for a parent made of one simple ring without
/// holes: clips the ring by the active edges of the convex cell from the
/// preceding [`convex_cell`] call. Returns the translated, counter-clockwise
/// vertices (no closing vertex), or `None` when the result might not be a
/// simple polygon (the ring crosses some bisector more than twice or touches
/// it at a vertex) or is empty — the caller then uses a general polygon
/// intersection instead.
pub(crate) fn simple_cell_ring(
    sites: &PowerSites,
    i: usize,
    parent: &PreparedParent,
    scratch: &mut Scratch,
) -> Option<Vec<(f64, f64)>> {
    let [ring] = parent.rings.as_slice() else {
        return None;
    };
    if ring.area <= 0.0 || scratch.cell.len() < 3 {
        return None;
    }
    scratch.active.clear();
    scratch
        .active
        .extend(scratch.cell.iter().map(|v| v.tag).filter(|&t| t != NO_TAG));
    scratch.ring.clear();
    scratch.ring.extend_from_slice(&ring.verts);
    for &j in &scratch.active {
        let hp = sites.half_plane(i, j as usize);
        if !clip_tagged_into(&scratch.ring, hp, j, &mut scratch.ring_tmp) {
            return None;
        }
        std::mem::swap(&mut scratch.ring, &mut scratch.ring_tmp);
        if scratch.ring.len() < 3 {
            return None;
        }
    }
    Some(scratch.ring.iter().map(|v| (v.x, v.y)).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square_parent() -> PreparedParent {
        // 4 x 2 rectangle centred on the origin after translation.
        let p = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 2.0), (x: 0.0, y: 2.0)];
        PreparedParent::new(&p.into()).unwrap()
    }

    #[test]
    fn two_sites_split_in_half_with_shared_edge_length() {
        let parent = square_parent();
        let sites = PowerSites::new(vec![-1.0, 1.0], vec![0.0, 0.0], vec![0.0, 0.0]);
        let mut s = Scratch::default();
        let mut g = vec![0.0; 2];
        let mut gf = vec![0.0; 2];
        let frame = [-3.0, -2.0, 3.0, 2.0];
        convex_cell(&sites, 0, frame, &mut s);
        let st = clip_parent(&sites, 0, &parent, &mut s, &mut g, &mut gf);
        // Frame edge is 4 long: 4 / (2·2) = 1.
        assert!((gf[1] - 1.0).abs() < 1e-12, "{gf:?}");
        assert!((st.area - 4.0).abs() < 1e-12);
        assert!((st.mx / st.area + 1.0).abs() < 1e-12);
        assert!((st.my / st.area).abs() < 1e-12);
        // Shared edge length 2, site distance 2: L / (2d) = 0.5.
        assert!((g[1] - 0.5).abs() < 1e-12, "{g:?}");
        assert_eq!(g[0], 0.0);
    }

    #[test]
    fn weight_shifts_bisector() {
        let parent = square_parent();
        // w_0 = 2 moves the bisector by w / (2d) = 0.5 towards site 1.
        let sites = PowerSites::new(vec![-1.0, 1.0], vec![0.0, 0.0], vec![2.0, 0.0]);
        let mut s = Scratch::default();
        let (mut g, mut gf) = (vec![0.0; 2], vec![0.0; 2]);
        convex_cell(&sites, 0, [-3.0, -2.0, 3.0, 2.0], &mut s);
        let st = clip_parent(&sites, 0, &parent, &mut s, &mut g, &mut gf);
        assert!((st.area - 5.0).abs() < 1e-12, "{}", st.area);
        assert_eq!(sites.owner(0.4, 0.0, usize::MAX), Some(0));
        assert_eq!(sites.owner(0.6, 0.0, usize::MAX), Some(1));
        assert_eq!(sites.owner(0.6, 0.0, 1), Some(0));
    }
}
