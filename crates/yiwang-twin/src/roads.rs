//! Synthetic road centrelines: each road is drawn as the straight segment that best fits the
//! buildings addressed on it (their principal axis), extended 60 m past the outermost ones. The
//! twin has no surveyed road network; this gives the map a believable one that passes by every
//! address on the road.

use std::collections::BTreeMap;

use geo::{Coord, LineString};
use yiwang_core::model::{Premises, PremisesKind, Road};
use yiwang_geo::LocalProjection;

/// How far the segment runs past the first and last building, metres.
const OVERHANG_M: f64 = 60.0;

/// Fills in `geometry` for every road with at least two buildings.
pub fn centrelines(roads: &mut [Road], premises: &[Premises], projection: &LocalProjection) {
    let mut points: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for p in premises
        .iter()
        .filter(|p| matches!(p.kind, PremisesKind::Building | PremisesKind::Compound))
    {
        if let (Some(road), Some(lon), Some(lat)) = (p.road.as_deref(), p.lon, p.lat) {
            points
                .entry(road)
                .or_default()
                .push(projection.to_xy(lon, lat));
        }
    }
    for road in roads.iter_mut() {
        let Some(pts) = points.get(road.name.as_str()).filter(|p| p.len() >= 2) else {
            continue;
        };
        let n = pts.len() as f64;
        let (mx, my) = (
            pts.iter().map(|p| p.0).sum::<f64>() / n,
            pts.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for (x, y) in pts {
            sxx += (x - mx) * (x - mx);
            sxy += (x - mx) * (y - my);
            syy += (y - my) * (y - my);
        }
        // Direction of the principal axis of the 2×2 covariance matrix.
        let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        let (dx, dy) = (angle.cos(), angle.sin());
        let ts = pts.iter().map(|(x, y)| (x - mx) * dx + (y - my) * dy);
        let (t0, t1) = ts.fold((f64::MAX, f64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
        let ends = [t0 - OVERHANG_M, t1 + OVERHANG_M].map(|t| {
            let (lon, lat) = projection.to_lonlat(mx + t * dx, my + t * dy);
            Coord { x: lon, y: lat }
        });
        let line = LineString::new(ends.to_vec());
        let coordinates: Vec<[f64; 2]> = line
            .0
            .iter()
            .map(|c| [(c.x * 1e7).round() / 1e7, (c.y * 1e7).round() / 1e7])
            .collect();
        road.geometry = Some(
            serde_json::json!({ "type": "LineString", "coordinates": coordinates }).to_string(),
        );
    }
}
