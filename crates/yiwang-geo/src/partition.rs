//! Area-constrained partition of a planar (multi)polygon by a power diagram.

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::GeoError;
use crate::power_cell::{
    CellStats, PowerSites, Scratch, clip_parent, convex_cell, simple_cell_ring,
};
use crate::prepared::{BBox, PreparedParent};
use crate::solve::newton_direction;

/// A generator point of the partition together with its desired area share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    /// Planar x (metres).
    pub x: f64,
    /// Planar y (metres).
    pub y: f64,
    /// Desired relative area share; must be finite and `> 0`. The cell of
    /// site `i` targets `parent_area · weight_i / Σ weight`.
    pub weight: f64,
}

impl Site {
    /// A site at `(x, y)` with relative area share `weight`.
    pub fn new(x: f64, y: f64, weight: f64) -> Self {
        Self { x, y, weight }
    }
}

/// Tuning knobs for [`partition`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PartitionConfig {
    /// Lloyd relaxation rounds (move every site to its Voronoi cell's
    /// centroid) before the weights are fitted. `0` keeps the given positions.
    pub lloyd_iterations: usize,
    /// Stop fitting once every cell satisfies `|area − target| ≤ tol · target`.
    pub area_tolerance: f64,
    /// Upper bound on damped-Newton weight updates.
    pub max_weight_iterations: usize,
}

impl Default for PartitionConfig {
    /// `lloyd_iterations = 3`, `area_tolerance = 0.01`, `max_weight_iterations = 40`.
    fn default() -> Self {
        Self {
            lloyd_iterations: 3,
            area_tolerance: 0.01,
            max_weight_iterations: 40,
        }
    }
}

/// Cells with `area ≤ EMPTY_FRACTION · target` are treated as empty and repaired.
const EMPTY_FRACTION: f64 = 1e-6;
/// Relative weight of frame-level adjacency in the Newton Jacobian. It
/// regularises the Jacobian across parts of a disconnected parent (where the
/// true coupling is zero until a cell straddles the gap) so that area can be
/// moved between parts; small enough not to disturb connected problems.
const FRAME_COUPLING: f64 = 1e-3;
/// Step halvings tried per Newton iteration.
const MAX_HALVINGS: usize = 12;
/// Rejection-sampling attempts when relocating a site.
const CELL_ATTEMPTS: usize = 200;
const PARENT_ATTEMPTS: usize = 10_000;
/// Fixed seed of the internal generator used only to relocate sites whose
/// cell is empty; keeps [`partition`] a pure function of its inputs.
const REPAIR_SEED: u64 = 0x5949_5741_4e47_4745;

/// Splits `parent` into one cell per site such that the cells tile `parent`.
///
/// Returns `sites.len()` non-empty multipolygons in site order. Their union is
/// `parent` and their interiors are pairwise disjoint (up to floating-point
/// noise of the polygon intersection, ~1e-9 of the parent's size). Cell `i`
/// aims at the area `A · weightᵢ / Σ weight`, `A` being the parent's area.
/// Works in planar coordinates (project lon/lat first, see
/// [`crate::LocalProjection`]). `parent` may be non-convex, have holes and
/// several parts, but must be valid (parts must not overlap).
///
/// Method:
/// 1. Cells are cells of a power diagram, `cellᵢ = {p : |p − sᵢ|² − wᵢ ≤
///    |p − sⱼ|² − wⱼ ∀ j}`, built by clipping the parent's bounding box
///    (enlarged by 10 %) with the `n − 1` bisecting half-planes of each site
///    (brute force, `O(n²)` per diagram), then intersecting with the parent.
/// 2. `cfg.lloyd_iterations` Lloyd rounds with zero weights move each site to
///    the centroid of its cell inside the parent; sites outside the parent
///    thereby move inside.
/// 3. The power weights are then fitted by damped Newton iterations on the
///    area equations (the Jacobian is the graph Laplacian with couplings
///    `Lᵢⱼ / 2dᵢⱼ`, shared edge length over twice the site distance), with
///    step halving that never lets a cell shrink below half of its previous
///    area. It stops when every cell is within `cfg.area_tolerance` of its
///    target or after `cfg.max_weight_iterations` steps, returning the best
///    weights seen — not reaching the tolerance is not an error.
///
/// Whenever a cell is empty (site far outside, coincident sites, or dominated
/// by its neighbours), that site is moved to a point inside the parent, drawn
/// from the most over-sized cell with a fixed-seed internal generator, and
/// given that cell's weight; this guarantees it a non-empty cell. The result
/// is therefore deterministic: equal inputs give bit-identical outputs.
///
/// With a single site the parent itself is returned.
///
/// # Errors
/// * [`GeoError::NoSites`] if `sites` is empty;
/// * [`GeoError::InvalidSite`] for a non-finite coordinate or a weight that is
///   not finite and `> 0`;
/// * [`GeoError::InvalidArgument`] if `cfg.area_tolerance` is negative or NaN;
/// * [`GeoError::EmptyParent`] / [`GeoError::NonFiniteCoordinate`] for a
///   degenerate parent;
/// * [`GeoError::EmptyCell`] if, despite the repair, a cell is empty after
///   the exact intersection (pathological slivers only).
pub fn partition(
    parent: &MultiPolygon<f64>,
    sites: &[Site],
    cfg: &PartitionConfig,
) -> Result<Vec<MultiPolygon<f64>>, GeoError> {
    if sites.is_empty() {
        return Err(GeoError::NoSites);
    }
    for (index, s) in sites.iter().enumerate() {
        if !s.x.is_finite() || !s.y.is_finite() {
            return Err(GeoError::InvalidSite {
                index,
                reason: format!("coordinates ({}, {}) are not finite", s.x, s.y),
            });
        }
        if !(s.weight.is_finite() && s.weight > 0.0) {
            return Err(GeoError::InvalidSite {
                index,
                reason: format!("weight must be finite and > 0, got {}", s.weight),
            });
        }
    }
    if cfg.area_tolerance.is_nan() || cfg.area_tolerance < 0.0 {
        return Err(GeoError::InvalidArgument {
            name: "area_tolerance",
            reason: format!("must be >= 0, got {}", cfg.area_tolerance),
        });
    }
    let prepared = PreparedParent::new(parent)?;
    if sites.len() == 1 {
        return Ok(vec![parent.clone()]);
    }
    let mut solver = Solver::new(&prepared, sites);
    solver.run(cfg);
    solver.build_cells(parent)
}

struct Solver<'a> {
    parent: &'a PreparedParent,
    frame: BBox,
    targets: Vec<f64>,
    sites: PowerSites,
    stats: Vec<CellStats>,
    /// Row-major `n × n` couplings `Lᵢⱼ / 2dᵢⱼ` as seen from cell `i`.
    g: Vec<f64>,
    /// Same as `g` for the convex cells clipped to the frame only.
    gf: Vec<f64>,
    scratch: Scratch,
    rng: ChaCha8Rng,
    /// Squared distance below which two sites count as coincident.
    min_sep2: f64,
}

impl<'a> Solver<'a> {
    fn new(parent: &'a PreparedParent, sites: &[Site]) -> Self {
        let n = sites.len();
        let b = parent.bbox;
        let extent = (b[2] - b[0]).max(b[3] - b[1]);
        let m = 0.1 * extent;
        let total_w: f64 = sites.iter().map(|s| s.weight).sum();
        let (sx, sy) = parent.shift;
        let mut solver = Self {
            parent,
            frame: [b[0] - m, b[1] - m, b[2] + m, b[3] + m],
            targets: sites
                .iter()
                .map(|s| parent.area * (s.weight / total_w))
                .collect(),
            sites: PowerSites::new(
                sites.iter().map(|s| s.x - sx).collect(),
                sites.iter().map(|s| s.y - sy).collect(),
                vec![0.0; n],
            ),
            stats: vec![CellStats::default(); n],
            g: vec![0.0; n * n],
            gf: vec![0.0; n * n],
            scratch: Scratch::default(),
            rng: ChaCha8Rng::seed_from_u64(REPAIR_SEED),
            min_sep2: (extent * 1e-9).powi(2),
        };
        // Coincident sites would produce identical, overlapping cells.
        for i in 1..n {
            if (0..i).any(|k| {
                solver.dist2_to(k, solver.sites.xs[i], solver.sites.ys[i]) <= solver.min_sep2
            }) {
                solver.relocate(i, None);
            }
        }
        solver
    }

    fn n(&self) -> usize {
        self.targets.len()
    }

    fn dist2_to(&self, k: usize, x: f64, y: f64) -> f64 {
        let (dx, dy) = (self.sites.xs[k] - x, self.sites.ys[k] - y);
        dx * dx + dy * dy
    }

    /// Recomputes area, moments and couplings of every cell.
    fn eval(&mut self) {
        let n = self.n();
        for i in 0..n {
            convex_cell(&self.sites, i, self.frame, &mut self.scratch);
            self.stats[i] = clip_parent(
                &self.sites,
                i,
                self.parent,
                &mut self.scratch,
                &mut self.g[i * n..(i + 1) * n],
                &mut self.gf[i * n..(i + 1) * n],
            );
        }
    }

    fn is_empty(&self, i: usize) -> bool {
        let a = self.stats[i].area;
        a.is_nan() || a <= EMPTY_FRACTION * self.targets[i]
    }

    fn any_empty(&self) -> bool {
        (0..self.n()).any(|i| self.is_empty(i))
    }

    fn max_rel_error(&self) -> f64 {
        (0..self.n())
            .map(|i| (self.stats[i].area - self.targets[i]).abs() / self.targets[i])
            .fold(0.0, f64::max)
    }

    fn residual_norm(&self) -> f64 {
        (0..self.n())
            .map(|i| (self.targets[i] - self.stats[i].area).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    /// `true` if `(x, y)` is a usable new position for site `skip`.
    fn acceptable(&self, x: f64, y: f64, skip: usize) -> bool {
        self.parent.contains(x, y)
            && (0..self.n()).all(|k| k == skip || self.dist2_to(k, x, y) > self.min_sep2)
    }

    /// Uniform point inside `donor`'s cell ∩ parent (ignoring site `skip`).
    fn sample_in_cell(&mut self, donor: usize, skip: usize) -> Option<(f64, f64)> {
        convex_cell(&self.sites, donor, self.frame, &mut self.scratch);
        let cell = self.scratch.cell();
        if cell.len() < 3 {
            return None;
        }
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for v in cell {
            b = [b[0].min(v.x), b[1].min(v.y), b[2].max(v.x), b[3].max(v.y)];
        }
        for _ in 0..CELL_ATTEMPTS {
            let x = b[0] + self.rng.r#gen::<f64>() * (b[2] - b[0]);
            let y = b[1] + self.rng.r#gen::<f64>() * (b[3] - b[1]);
            if self.sites.owner(x, y, skip) == Some(donor) && self.acceptable(x, y, skip) {
                return Some((x, y));
            }
        }
        None
    }

    /// Uniform point inside the parent (by rejection from its bounding box).
    fn sample_in_parent(&mut self, skip: usize) -> Option<(f64, f64)> {
        let b = self.parent.bbox;
        for _ in 0..PARENT_ATTEMPTS {
            let x = b[0] + self.rng.r#gen::<f64>() * (b[2] - b[0]);
            let y = b[1] + self.rng.r#gen::<f64>() * (b[3] - b[1]);
            if self.acceptable(x, y, skip) {
                return Some((x, y));
            }
        }
        None
    }

    /// Moves site `i` to an interior point of the parent, preferably inside
    /// `donor`'s cell, and gives it the weight of the point's current owner.
    /// Because the point is then strictly closer (in power distance) to `i`
    /// than to any other site, cell `i` becomes non-empty.
    fn relocate(&mut self, i: usize, donor: Option<usize>) -> bool {
        let p = donor
            .and_then(|j| self.sample_in_cell(j, i))
            .or_else(|| self.sample_in_parent(i));
        let Some((x, y)) = p else {
            return false;
        };
        let Some(owner) = self.sites.owner(x, y, i) else {
            return false;
        };
        self.sites.xs[i] = x;
        self.sites.ys[i] = y;
        self.sites.ws[i] = self.sites.ws[owner];
        self.sites.refresh();
        // Rough bookkeeping so that the next empty cell picks another donor.
        let half = 0.5 * self.stats[owner].area;
        self.stats[owner].area = half;
        self.stats[i].area = half;
        true
    }

    /// Relocates every site whose cell is empty. Returns whether any moved.
    fn repair(&mut self) -> bool {
        let mut moved = false;
        for i in 0..self.n() {
            if !self.is_empty(i) {
                continue;
            }
            let donor = (0..self.n())
                .filter(|&k| k != i && !self.is_empty(k))
                .max_by(|&a, &b| {
                    let ra = self.stats[a].area / self.targets[a];
                    let rb = self.stats[b].area / self.targets[b];
                    ra.total_cmp(&rb)
                });
            moved |= self.relocate(i, donor);
        }
        moved
    }

    fn eval_and_repair(&mut self) {
        self.eval();
        let mut rounds = 0;
        while self.any_empty() && rounds < 4 * self.n() {
            if !self.repair() {
                break;
            }
            self.eval();
            rounds += 1;
        }
    }

    fn lloyd(&mut self, iterations: usize) {
        for _ in 0..iterations {
            self.eval_and_repair();
            for i in 0..self.n() {
                let s = self.stats[i];
                if s.area.is_nan() || s.area <= 0.0 {
                    continue;
                }
                let (cx, cy) = (s.mx / s.area, s.my / s.area);
                let clash =
                    (0..self.n()).any(|k| k != i && self.dist2_to(k, cx, cy) <= self.min_sep2);
                if cx.is_finite() && cy.is_finite() && !clash {
                    self.sites.xs[i] = cx;
                    self.sites.ys[i] = cy;
                }
            }
            self.sites.refresh();
        }
    }

    fn set_weights(&mut self, base: &[f64], delta: &[f64], t: f64) {
        for (k, w) in self.sites.ws.iter_mut().enumerate() {
            *w = base[k] + t * delta[k];
        }
        self.sites.refresh();
        self.eval();
    }

    fn run(&mut self, cfg: &PartitionConfig) {
        let n = self.n();
        self.lloyd(cfg.lloyd_iterations);
        self.eval_and_repair();
        let snapshot = |s: &Self| (s.sites.xs.clone(), s.sites.ys.clone(), s.sites.ws.clone());
        let mut best = snapshot(self);
        let mut best_err = if self.any_empty() {
            f64::INFINITY
        } else {
            self.max_rel_error()
        };
        let mut gsym = vec![0.0; n * n];
        for _ in 0..cfg.max_weight_iterations {
            if self.max_rel_error() <= cfg.area_tolerance {
                break;
            }
            for i in 0..n {
                for j in 0..n {
                    let inside = 0.5 * (self.g[i * n + j] + self.g[j * n + i]);
                    let frame = 0.5 * (self.gf[i * n + j] + self.gf[j * n + i]);
                    gsym[i * n + j] = (inside + FRAME_COUPLING * frame).max(0.0);
                }
            }
            let r: Vec<f64> = (0..n)
                .map(|i| self.targets[i] - self.stats[i].area)
                .collect();
            let delta = newton_direction(&gsym, &r, n, 1e-9);
            if delta.iter().all(|&d| d == 0.0) {
                break;
            }
            let r0 = self.residual_norm();
            let floors: Vec<f64> = (0..n)
                .map(|i| 0.5 * self.stats[i].area.min(self.targets[i]))
                .collect();
            let base = self.sites.ws.clone();
            let mut t = 1.0;
            let mut accepted = false;
            let mut fallback: Option<(f64, f64)> = None;
            for _ in 0..MAX_HALVINGS {
                self.set_weights(&base, &delta, t);
                let floors_ok = (0..n).all(|i| self.stats[i].area >= floors[i]);
                let rn = self.residual_norm();
                if floors_ok && rn <= (1.0 - 0.5 * t) * r0 {
                    accepted = true;
                    break;
                }
                if floors_ok && rn < fallback.map_or(r0, |(_, f)| f) {
                    fallback = Some((t, rn));
                }
                t *= 0.5;
            }
            if !accepted {
                match fallback {
                    Some((tf, _)) => self.set_weights(&base, &delta, tf),
                    None => {
                        self.set_weights(&base, &delta, 0.0);
                        break;
                    }
                }
            }
            let err = self.max_rel_error();
            if err < best_err && !self.any_empty() {
                best_err = err;
                best = snapshot(self);
            }
        }
        (self.sites.xs, self.sites.ys, self.sites.ws) = best;
        self.sites.refresh();
    }

    /// Exact cells: convex power cell (translated back) ∩ parent.
    fn build_cells(
        &mut self,
        parent: &MultiPolygon<f64>,
    ) -> Result<Vec<MultiPolygon<f64>>, GeoError> {
        let (sx, sy) = self.parent.shift;
        let mut out = Vec::with_capacity(self.n());
        for i in 0..self.n() {
            convex_cell(&self.sites, i, self.frame, &mut self.scratch);
            if let Some(ring) = simple_cell_ring(&self.sites, i, self.parent, &mut self.scratch) {
                let coords: Vec<Coord<f64>> = ring
                    .iter()
                    .chain(ring.first())
                    .map(|&(x, y)| Coord {
                        x: x + sx,
                        y: y + sy,
                    })
                    .collect();
                let cell = MultiPolygon::new(vec![Polygon::new(LineString::new(coords), vec![])]);
                if cell.unsigned_area() > 0.0 {
                    out.push(cell);
                    continue;
                }
            }
            let mut ring: Vec<Coord<f64>> = self
                .scratch
                .cell()
                .iter()
                .map(|v| Coord {
                    x: v.x + sx,
                    y: v.y + sy,
                })
                .collect();
            if ring.len() < 3 {
                return Err(GeoError::EmptyCell { index: i });
            }
            ring.push(ring[0]);
            let convex = Polygon::new(LineString::new(ring), vec![]);
            let cell = parent.intersection(&convex);
            let area = cell.unsigned_area();
            if area.is_nan() || area <= 0.0 {
                return Err(GeoError::EmptyCell { index: i });
            }
            out.push(cell);
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{random_sites, tiling_defects};
    use geo::{Contains, Point, polygon};

    fn rect(w: f64, h: f64) -> MultiPolygon<f64> {
        polygon![(x: 0.0, y: 0.0), (x: w, y: 0.0), (x: w, y: h), (x: 0.0, y: h)].into()
    }

    fn l_shape() -> MultiPolygon<f64> {
        // 4 km × 4 km square minus its upper-right 2 km × 2 km quadrant.
        polygon![
            (x: 0.0, y: 0.0), (x: 4000.0, y: 0.0), (x: 4000.0, y: 2000.0),
            (x: 2000.0, y: 2000.0), (x: 2000.0, y: 4000.0), (x: 0.0, y: 4000.0)
        ]
        .into()
    }

    fn two_islands_with_notch() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![
            // Square with a deep notch from the top.
            polygon![
                (x: 0.0, y: 0.0), (x: 3000.0, y: 0.0), (x: 3000.0, y: 3000.0),
                (x: 1600.0, y: 3000.0), (x: 1600.0, y: 500.0), (x: 1400.0, y: 500.0),
                (x: 1400.0, y: 3000.0), (x: 0.0, y: 3000.0)
            ],
            // A separate island to the east, with a hole.
            polygon!(
                exterior: [(x: 5000.0, y: 0.0), (x: 7000.0, y: 0.0), (x: 7000.0, y: 2000.0), (x: 5000.0, y: 2000.0)],
                interiors: [[(x: 5800.0, y: 800.0), (x: 6200.0, y: 800.0), (x: 6200.0, y: 1200.0), (x: 5800.0, y: 1200.0)]],
            ),
        ])
    }

    /// Asserts a true tiling with non-empty cells; returns the cell areas.
    fn assert_tiles(parent: &MultiPolygon<f64>, cells: &[MultiPolygon<f64>], n: usize) -> Vec<f64> {
        assert_eq!(cells.len(), n);
        let area = parent.unsigned_area();
        let d = tiling_defects(parent, cells);
        assert!(d.total() < 1e-6 * area, "defects {d:?} for area {area}");
        let areas: Vec<f64> = cells.iter().map(|c| c.unsigned_area()).collect();
        for (i, a) in areas.iter().enumerate() {
            assert!(*a > 0.0 && !cells[i].0.is_empty(), "cell {i} empty");
        }
        areas
    }

    fn sites_from(points: &[(f64, f64)], weight: impl Fn(usize) -> f64) -> Vec<Site> {
        points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| Site::new(x, y, weight(i)))
            .collect()
    }

    #[test]
    fn rectangle_13_unequal_sites_hits_targets() {
        let parent = rect(10_000.0, 6_000.0);
        let pts = random_sites(&parent, 13, &mut ChaCha8Rng::seed_from_u64(2024));
        let sites = sites_from(&pts, |i| 1.0 + (i % 4) as f64 * 0.8);
        let total_w: f64 = sites.iter().map(|s| s.weight).sum();
        for lloyd in [0, 3] {
            let cfg = PartitionConfig {
                lloyd_iterations: lloyd,
                ..PartitionConfig::default()
            };
            let cells = partition(&parent, &sites, &cfg).unwrap();
            let areas = assert_tiles(&parent, &cells, 13);
            for (i, a) in areas.iter().enumerate() {
                let target = 6e7 * sites[i].weight / total_w;
                assert!(
                    (a - target).abs() / target < 0.03,
                    "lloyd {lloyd} cell {i}: {a} vs {target}"
                );
            }
        }
    }

    #[test]
    fn non_convex_parents_with_outside_sites_tile() {
        // (parent, sites incl. some outside the parent, expected count)
        type Case = (MultiPolygon<f64>, Vec<(f64, f64)>);
        let cases: Vec<Case> = vec![
            (
                l_shape(),
                vec![
                    (500.0, 500.0),
                    (3000.0, 3000.0),
                    (3500.0, 1000.0),
                    (-2000.0, 8000.0),
                    (1000.0, 3000.0),
                    (9000.0, -9000.0),
                ],
            ),
            (
                two_islands_with_notch(),
                vec![
                    (1500.0, 2800.0),
                    (4000.0, 1000.0),
                    (6000.0, 1000.0),
                    (500.0, 500.0),
                    (2500.0, 2500.0),
                    (1500.0, 100.0),
                    (-500.0, -500.0),
                    (6500.0, 1500.0),
                ],
            ),
        ];
        for (k, (parent, pts)) in cases.iter().enumerate() {
            for lloyd in [0, 2] {
                let cfg = PartitionConfig {
                    lloyd_iterations: lloyd,
                    ..PartitionConfig::default()
                };
                let sites = sites_from(pts, |i| 1.0 + i as f64);
                let cells = partition(parent, &sites, &cfg)
                    .unwrap_or_else(|e| panic!("case {k} lloyd {lloyd}: {e}"));
                assert_tiles(parent, &cells, pts.len());
            }
        }
    }

    #[test]
    fn fifty_equal_sites_in_two_islands() {
        let parent = two_islands_with_notch();
        let pts = random_sites(&parent, 50, &mut ChaCha8Rng::seed_from_u64(5));
        let cells = partition(
            &parent,
            &sites_from(&pts, |_| 1.0),
            &PartitionConfig::default(),
        )
        .unwrap();
        let areas = assert_tiles(&parent, &cells, 50);
        let target = parent.unsigned_area() / 50.0;
        let worst = areas
            .iter()
            .map(|a| (a - target).abs() / target)
            .fold(0.0, f64::max);
        assert!(worst < 0.05, "worst relative area error {worst}");
    }

    #[test]
    fn coincident_and_dominated_sites_get_cells() {
        let parent = rect(1000.0, 1000.0);
        let sites = vec![
            Site::new(500.0, 500.0, 1.0),
            Site::new(500.0, 500.0, 1.0),
            Site::new(500.0, 500.0, 2.0),
            Site::new(5000.0, 5000.0, 1.0),
            Site::new(5000.0, 5000.0, 1.0),
        ];
        let cfg = PartitionConfig {
            lloyd_iterations: 0,
            ..PartitionConfig::default()
        };
        let cells = partition(&parent, &sites, &cfg).unwrap();
        assert_tiles(&parent, &cells, 5);
    }

    #[test]
    fn deterministic_for_same_seed() {
        let parent = l_shape();
        let run = |seed: u64| {
            let pts = random_sites(&parent, 9, &mut ChaCha8Rng::seed_from_u64(seed));
            partition(
                &parent,
                &sites_from(&pts, |i| 1.0 + (i % 3) as f64),
                &PartitionConfig::default(),
            )
            .unwrap()
        };
        let (a, b, c) = (run(11), run(11), run(12));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn single_site_returns_parent() {
        let parent = l_shape();
        let cells = partition(
            &parent,
            &[Site::new(-1e6, 0.0, 3.0)],
            &PartitionConfig::default(),
        )
        .unwrap();
        assert_eq!(cells, vec![parent]);
    }

    #[test]
    fn cells_contain_only_parent_points() {
        let parent = l_shape();
        let pts = random_sites(&parent, 7, &mut ChaCha8Rng::seed_from_u64(3));
        let cells = partition(
            &parent,
            &sites_from(&pts, |_| 1.0),
            &PartitionConfig::default(),
        )
        .unwrap();
        // The notch (upper-right quadrant) belongs to no cell.
        for c in &cells {
            assert!(!c.contains(&Point::new(3000.0, 3000.0)));
        }
        // Every sampled parent point belongs to exactly one cell.
        for (x, y) in random_sites(&parent, 200, &mut ChaCha8Rng::seed_from_u64(4)) {
            let owners = cells
                .iter()
                .filter(|c| c.contains(&Point::new(x, y)))
                .count();
            assert_eq!(owners, 1, "point ({x},{y})");
        }
    }

    #[test]
    fn error_table() {
        let parent = rect(10.0, 10.0);
        let cfg = PartitionConfig::default();
        let ok_site = Site::new(1.0, 1.0, 1.0);
        type Check = fn(&GeoError) -> bool;
        type Case = (Vec<Site>, PartitionConfig, MultiPolygon<f64>, Check);
        let cases: Vec<Case> = vec![
            (vec![], cfg, parent.clone(), |e| {
                matches!(e, GeoError::NoSites)
            }),
            (
                vec![ok_site, Site::new(2.0, 2.0, 0.0)],
                cfg,
                parent.clone(),
                |e| matches!(e, GeoError::InvalidSite { index: 1, .. }),
            ),
            (
                vec![Site::new(f64::NAN, 2.0, 1.0)],
                cfg,
                parent.clone(),
                |e| matches!(e, GeoError::InvalidSite { index: 0, .. }),
            ),
            (
                vec![ok_site, Site::new(2.0, 2.0, f64::INFINITY)],
                cfg,
                parent.clone(),
                |e| matches!(e, GeoError::InvalidSite { index: 1, .. }),
            ),
            (
                vec![ok_site],
                PartitionConfig {
                    area_tolerance: f64::NAN,
                    ..cfg
                },
                parent.clone(),
                |e| matches!(e, GeoError::InvalidArgument { .. }),
            ),
            (
                vec![ok_site, ok_site],
                cfg,
                MultiPolygon::new(vec![]),
                |e| matches!(e, GeoError::EmptyParent),
            ),
        ];
        for (k, (sites, cfg, parent, check)) in cases.into_iter().enumerate() {
            let e = partition(&parent, &sites, &cfg).unwrap_err();
            assert!(check(&e), "case {k}: {e:?}");
        }
    }
}
