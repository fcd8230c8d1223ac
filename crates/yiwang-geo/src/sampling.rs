//! Uniform random points inside a (multi)polygon.

use geo::{Area, BoundingRect, Contains, MultiPolygon, Point, Polygon};
use rand::Rng;

/// Rejection attempts per point before giving up.
const MAX_ATTEMPTS: usize = 10_000;

/// Parts of a multipolygon with positive area, with their areas and bounding boxes.
struct Parts<'a> {
    parts: Vec<(&'a Polygon<f64>, f64, [f64; 4])>,
    total: f64,
}

impl<'a> Parts<'a> {
    fn new(mp: &'a MultiPolygon<f64>) -> Self {
        let mut parts = Vec::new();
        let mut total = 0.0;
        for poly in &mp.0 {
            let a = poly.unsigned_area();
            let Some(r) = poly.bounding_rect() else {
                continue;
            };
            if a > 0.0 && a.is_finite() {
                total += a;
                parts.push((poly, a, [r.min().x, r.min().y, r.max().x, r.max().y]));
            }
        }
        Self { parts, total }
    }

    fn sample(&self, rng: &mut impl Rng) -> Option<(f64, f64)> {
        if self.parts.is_empty() {
            return None;
        }
        // Choose a part with probability proportional to its area ...
        let mut u = rng.r#gen::<f64>() * self.total;
        let mut chosen = self.parts.len() - 1;
        for (k, &(_, a, _)) in self.parts.iter().enumerate() {
            if u < a {
                chosen = k;
                break;
            }
            u -= a;
        }
        // ... then reject from that part's bounding box.
        let (poly, _, b) = self.parts[chosen];
        for _ in 0..MAX_ATTEMPTS {
            let x = b[0] + rng.r#gen::<f64>() * (b[2] - b[0]);
            let y = b[1] + rng.r#gen::<f64>() * (b[3] - b[1]);
            if poly.contains(&Point::new(x, y)) {
                return Some((x, y));
            }
        }
        None
    }
}

/// A point drawn uniformly from the interior of `parent`.
///
/// A part (polygon) is chosen with probability proportional to its area, then
/// points are drawn uniformly from that part's bounding box until one lies
/// strictly inside it (holes excluded). Per-part boxes keep the acceptance
/// rate high for multipolygons whose parts lie far apart; the result is still
/// uniform over the union because valid parts do not overlap.
///
/// Deterministic for a given `rng` state. Returns `None` if `parent` has no
/// area or no point was accepted within 10 000 draws (extreme slivers).
pub fn random_point_in(parent: &MultiPolygon<f64>, rng: &mut impl Rng) -> Option<(f64, f64)> {
    Parts::new(parent).sample(rng)
}

/// `n` points drawn independently and uniformly from the interior of
/// `parent`, as by repeated [`random_point_in`].
///
/// Returns fewer than `n` points (possibly none) only when sampling fails,
/// i.e. when `parent` has no area or is an extreme sliver.
pub fn random_sites(parent: &MultiPolygon<f64>, n: usize, rng: &mut impl Rng) -> Vec<(f64, f64)> {
    let parts = Parts::new(parent);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        match parts.sample(rng) {
            Some(p) => out.push(p),
            None => break,
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use geo::polygon;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn two_parts() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            polygon![(x: 1000.0, y: 0.0), (x: 1010.0, y: 0.0), (x: 1010.0, y: 30.0), (x: 1000.0, y: 30.0)],
        ])
    }

    #[test]
    fn points_are_inside_and_split_by_area() {
        let mp = two_parts();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let pts = random_sites(&mp, 4000, &mut rng);
        assert_eq!(pts.len(), 4000);
        assert!(pts.iter().all(|&(x, y)| mp.contains(&Point::new(x, y))));
        let right = pts.iter().filter(|p| p.0 > 500.0).count() as f64 / 4000.0;
        assert!(
            (right - 0.75).abs() < 0.03,
            "share in the 3x larger part: {right}"
        );
    }

    #[test]
    fn deterministic_for_seed() {
        let mp = two_parts();
        let a = random_sites(&mp, 50, &mut ChaCha8Rng::seed_from_u64(42));
        let b = random_sites(&mp, 50, &mut ChaCha8Rng::seed_from_u64(42));
        let c = random_sites(&mp, 50, &mut ChaCha8Rng::seed_from_u64(43));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn empty_parent_gives_nothing() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(random_point_in(&MultiPolygon::new(vec![]), &mut rng), None);
        assert!(random_sites(&MultiPolygon::new(vec![]), 5, &mut rng).is_empty());
    }
}
