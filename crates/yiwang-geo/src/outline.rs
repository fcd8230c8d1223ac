//! A plausible district outline around a set of sub-area centroids.

use geo::{Area, Centroid, Contains, ConvexHull, Coord, LineString, MultiPoint, Point, Polygon};

use crate::GeoError;

/// Vertices of the ellipse used when the hull is degenerate.
const ELLIPSE_VERTICES: usize = 64;
/// Scale applied when `target_area` is too small to contain the points.
const MIN_SCALE: f64 = 1.05;

/// Outline of area `target_area` containing every point of `points` strictly
/// inside (planar coordinates).
///
/// * Normal case: the convex hull of the points scaled about its centroid by
///   `√(target_area / hull_area)`; the area then equals `target_area` up to
///   rounding. Hull vertices end up strictly inside because the scale is > 1.
/// * If `target_area` is not larger than the hull's area (no outline of
///   that area can contain the points) the hull is scaled by 1.05 instead,
///   so the area is *larger* than requested.
/// * Degenerate hull (0 or 1 distinct point, or (nearly) collinear points): a
///   64-gon inscribed in an ellipse centred on the points' mean (the origin
///   for no points), long axis along the points' line, area `target_area`.
///   The long semi-axis is stretched (and the short one shrunk) if needed so
///   that every point lies strictly inside. Should a nearly collinear point
///   still stick out, a circle through 1.05 × the farthest point is used and
///   the area exceeds the target.
///
/// The result's exterior is counter-clockwise.
///
/// # Errors
/// [`GeoError::InvalidArgument`] if `target_area` is not finite and `> 0` or a
/// point is not finite. (The signature returns `Result` rather than a bare
/// polygon so that such inputs cannot silently yield NaN geometry.)
pub fn outline_from_centroids(
    points: &[(f64, f64)],
    target_area: f64,
) -> Result<Polygon<f64>, GeoError> {
    if !(target_area.is_finite() && target_area > 0.0) {
        return Err(GeoError::InvalidArgument {
            name: "target_area",
            reason: format!("must be finite and > 0, got {target_area}"),
        });
    }
    if let Some(p) = points.iter().find(|p| !p.0.is_finite() || !p.1.is_finite()) {
        return Err(GeoError::InvalidArgument {
            name: "points",
            reason: format!("contains non-finite point ({}, {})", p.0, p.1),
        });
    }
    let mp: MultiPoint<f64> = points.iter().map(|&(x, y)| Point::new(x, y)).collect();
    let hull = mp.convex_hull();
    let hull_area = hull.unsigned_area();
    let extent = points
        .iter()
        .flat_map(|p| [p.0.abs(), p.1.abs()])
        .fold(1.0, f64::max);
    if hull_area > 1e-12 * extent * extent
        && let Some(c) = hull.centroid()
    {
        if target_area > hull_area {
            let scaled = scale_about(&hull, c.0, (target_area / hull_area).sqrt());
            // Guard against rounding when the scale is barely above 1.
            if contains_all(&scaled, points) {
                return Ok(scaled);
            }
        }
        return Ok(scale_about(&hull, c.0, MIN_SCALE));
    }
    let ellipse = ellipse_around(points, target_area, false);
    if contains_all(&ellipse, points) {
        Ok(ellipse)
    } else {
        // Nearly collinear points that stick out of a very thin ellipse.
        Ok(ellipse_around(points, target_area, true))
    }
}

fn contains_all(poly: &Polygon<f64>, points: &[(f64, f64)]) -> bool {
    points
        .iter()
        .all(|&(x, y)| poly.contains(&Point::new(x, y)))
}

fn scale_about(poly: &Polygon<f64>, c: Coord<f64>, s: f64) -> Polygon<f64> {
    let ring: Vec<Coord<f64>> = poly
        .exterior()
        .0
        .iter()
        .map(|p| Coord {
            x: c.x + s * (p.x - c.x),
            y: c.y + s * (p.y - c.y),
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

/// 64-gon inscribed in an ellipse of area `target_area` around the points;
/// with `round` a circle large enough to contain every point (area may then
/// exceed the target).
fn ellipse_around(points: &[(f64, f64)], target_area: f64, round: bool) -> Polygon<f64> {
    let n = points.len().max(1) as f64;
    let cx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let cy = points.iter().map(|p| p.1).sum::<f64>() / n;
    // Direction of the points' line: the farthest point from the mean.
    let (mut ux, mut uy, mut half) = (1.0, 0.0, 0.0);
    for &(x, y) in points {
        let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
        if d > half {
            (ux, uy, half) = ((x - cx) / d, (y - cy) / d, d);
        }
    }
    let k = ELLIPSE_VERTICES as f64;
    // Area of a k-gon inscribed in an ellipse with semi-axes a, b.
    let factor = 0.5 * k * (2.0 * std::f64::consts::PI / k).sin();
    let r = (target_area / factor).sqrt();
    let a = r.max(MIN_SCALE * half + f64::EPSILON * (1.0 + cx.abs() + cy.abs()));
    let (a, b) = if round {
        // The inscribed k-gon contains the disc of radius a·cos(π/k).
        let a = a / (std::f64::consts::PI / k).cos();
        (a, a)
    } else {
        (a, target_area / (factor * a))
    };
    let ring: Vec<Coord<f64>> = (0..=ELLIPSE_VERTICES)
        .map(|i| {
            let t = 2.0 * std::f64::consts::PI * (i % ELLIPSE_VERTICES) as f64 / k;
            let (p, q) = (a * t.cos(), b * t.sin());
            Coord {
                x: cx + p * ux - q * uy,
                y: cy + p * uy + q * ux,
            }
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn check(points: &[(f64, f64)], target: f64, exact_area: bool) {
        let poly = outline_from_centroids(points, target).unwrap();
        for &(x, y) in points {
            assert!(
                poly.contains(&Point::new(x, y)),
                "({x},{y}) not strictly inside"
            );
        }
        let a = poly.unsigned_area();
        if exact_area {
            assert!((a - target).abs() / target < 1e-3, "area {a} vs {target}");
        } else {
            assert!(a > target);
        }
    }

    #[test]
    fn outlines_table() {
        let streets = [
            (0.0, 0.0),
            (1200.0, 300.0),
            (2500.0, -800.0),
            (3100.0, 1500.0),
            (800.0, 2600.0),
            (-900.0, 1900.0),
            (1500.0, 1000.0),
        ];
        check(&streets, 5.5e7, true);
        check(&streets, 1.2e7, true);
        check(&streets, 1.0, false); // too small: hull × 1.05
        check(&[(5.0, 5.0)], 1e6, true); // single point → circle
        check(&[(0.0, 0.0), (100.0, 100.0), (200.0, 200.0)], 1e6, true); // collinear
        check(&[(0.0, 0.0), (1e4, 0.0)], 1e3, true); // long thin ellipse
        check(&[(3.0, 3.0), (3.0, 3.0)], 50.0, true); // duplicates
        let empty = outline_from_centroids(&[], 10.0).unwrap();
        assert!((empty.unsigned_area() - 10.0).abs() < 1e-9);
    }

    #[test]
    fn rejects_bad_arguments() {
        for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(outline_from_centroids(&[(0.0, 0.0)], t).is_err(), "{t}");
        }
        assert!(outline_from_centroids(&[(f64::NAN, 0.0)], 1.0).is_err());
    }
}
