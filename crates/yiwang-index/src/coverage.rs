//! The grid coverage report: for each level, gaps inside the parent, overlaps between siblings,
//! children outside their parent, and buildings in no 楼组 or in two.

use std::collections::BTreeMap;

use geo::{BooleanOps, MultiPolygon};
use serde::Serialize;
use yiwang_core::model::{Grid, GridLevel};
use yiwang_geo::{
    CoverageConfig, LocalProjection, PolygonIndex, check_children, check_points,
    multipolygon_to_geojson,
};

use crate::locator::{BuildingPoint, IndexError, parse_geometry};

/// One coverage problem, ready to show and to draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridProblem {
    /// `gap`, `overlap` or `outside`.
    pub kind: &'static str,
    /// Level of the children checked.
    pub level: GridLevel,
    /// Parent grid code (`310104` for streets, checked against their union).
    pub parent: String,
    /// Children involved: two for an overlap, one for outside, none for a gap.
    pub children: Vec<String>,
    /// Area in m².
    pub area_m2: f64,
    /// The problem region as a GeoJSON geometry (WGS-84).
    pub geometry: serde_json::Value,
}

/// A building in no 楼组 or in more than one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildingProblem {
    /// Premises id.
    pub premises_id: i64,
    /// Standard address.
    pub standard_address: String,
    /// The 楼组 containing it (empty: none).
    pub building_groups: Vec<String>,
}

/// Everything the check found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CoverageReport {
    /// Levels checked.
    pub levels: Vec<GridLevel>,
    /// Parent cells whose children were checked.
    pub parents_checked: usize,
    /// Buildings checked against the 楼组.
    pub buildings_checked: usize,
    /// Tiling problems, by level then parent.
    pub problems: Vec<GridProblem>,
    /// Buildings in no 楼组 or in two.
    pub buildings: Vec<BuildingProblem>,
}

impl CoverageReport {
    /// True when nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.buildings.is_empty()
    }

    /// The problems as a GeoJSON FeatureCollection (for `--geojson OUT` and map layers).
    pub fn to_geojson(&self) -> serde_json::Value {
        let features: Vec<serde_json::Value> = self
            .problems
            .iter()
            .map(|p| {
                serde_json::json!({
                    "type": "Feature",
                    "geometry": p.geometry,
                    "properties": {
                        "kind": p.kind, "level": p.level.as_str(), "parent": p.parent,
                        "children": p.children, "area_m2": p.area_m2,
                    }
                })
            })
            .collect();
        serde_json::json!({ "type": "FeatureCollection", "features": features })
    }
}

/// Problems thinner than this on average are artefacts of storing coordinates to 7 decimals
/// (≈1 cm): a shared edge 500 m long can leave a 5 m² sliver a centimetre wide.
pub const MIN_WIDTH_M: f64 = 0.05;

/// Average width of a region: twice its area over its perimeter (a long sliver of width w has
/// mean width ≈ w; a square of side a has a/2).
fn mean_width_m(mp: &MultiPolygon<f64>) -> f64 {
    let ring_length = |ring: &geo::LineString<f64>| -> f64 {
        ring.0
            .windows(2)
            .map(|w| ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt())
            .sum()
    };
    let perimeter: f64 =
        mp.0.iter()
            .map(|p| ring_length(p.exterior()) + p.interiors().iter().map(ring_length).sum::<f64>())
            .sum();
    if perimeter <= 0.0 {
        0.0
    } else {
        2.0 * geo::Area::unsigned_area(mp) / perimeter
    }
}

/// Checks the given level (or every level when `None`) and, with the 楼组 level, the buildings.
///
/// Streets have no stored parent polygon, so they are checked against their own union: only
/// overlaps can show there. Slivers under 1 m² or thinner than [`MIN_WIDTH_M`] (coordinate
/// rounding) are not reported.
pub fn check_grid(
    grids: &[Grid],
    buildings: &[BuildingPoint],
    level: Option<GridLevel>,
) -> Result<CoverageReport, IndexError> {
    let projection = match grids.first() {
        Some(g) => LocalProjection::new(g.centroid_lon, g.centroid_lat),
        None => return Ok(CoverageReport::default()),
    };
    let levels: Vec<GridLevel> = match level {
        Some(l) => vec![l],
        None => GridLevel::ALL.to_vec(),
    };
    let mut shapes: BTreeMap<&str, MultiPolygon<f64>> = BTreeMap::new();
    for g in grids {
        shapes.insert(&g.code, projection.multipolygon_to_xy(&parse_geometry(g)?));
    }
    let cfg = CoverageConfig::default();
    let mut report = CoverageReport {
        levels: levels.clone(),
        ..CoverageReport::default()
    };
    for level in &levels {
        let mut families: BTreeMap<String, Vec<(String, MultiPolygon<f64>)>> = BTreeMap::new();
        for g in grids.iter().filter(|g| g.level == *level) {
            let parent = g.parent_code.clone().unwrap_or_else(|| "310104".to_owned());
            let shape = shapes
                .get(g.code.as_str())
                .cloned()
                .unwrap_or_else(|| MultiPolygon::new(vec![]));
            families
                .entry(parent)
                .or_default()
                .push((g.code.clone(), shape));
        }
        for (parent, children) in &families {
            let parent_shape = match shapes.get(parent.as_str()) {
                Some(shape) => shape.clone(),
                None => children
                    .iter()
                    .fold(MultiPolygon::new(vec![]), |acc, (_, c)| acc.union(c)),
            };
            report.parents_checked += 1;
            for p in check_children(parent, &parent_shape, children, &cfg) {
                if mean_width_m(&p.geometry) < MIN_WIDTH_M {
                    continue;
                }
                report.problems.push(GridProblem {
                    kind: p.kind.as_str(),
                    level: *level,
                    parent: p.parent,
                    children: p.children,
                    area_m2: (p.area_m2 * 10.0).round() / 10.0,
                    geometry: multipolygon_to_geojson(
                        &projection.multipolygon_to_lonlat(&p.geometry),
                    ),
                });
            }
        }
        if *level == GridLevel::BuildingGroup {
            let cells = PolygonIndex::new(
                grids
                    .iter()
                    .filter(|g| g.level == GridLevel::BuildingGroup)
                    .filter_map(|g| Some((g.code.clone(), shapes.get(g.code.as_str())?.clone())))
                    .collect(),
            );
            let points: Vec<(String, f64, f64)> = buildings
                .iter()
                .map(|b| {
                    let (x, y) = projection.to_xy(b.lon, b.lat);
                    (b.id.to_string(), x, y)
                })
                .collect();
            report.buildings_checked = points.len();
            let by_id: BTreeMap<String, &BuildingPoint> =
                buildings.iter().map(|b| (b.id.to_string(), b)).collect();
            for p in check_points(&points, &cells) {
                if let Some(b) = by_id.get(&p.point) {
                    report.buildings.push(BuildingProblem {
                        premises_id: b.id,
                        standard_address: b.standard_address.clone(),
                        building_groups: p.containing,
                    });
                }
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {

    use super::*;

    fn twin() -> (Vec<Grid>, Vec<BuildingPoint>) {
        let (twin, buildings) = crate::test_twin(0.003, 31);
        (twin.grids, buildings)
    }

    #[test]
    fn the_twin_is_clean_at_every_level() {
        let (grids, buildings) = twin();
        let report = check_grid(&grids, &buildings, None).unwrap();
        assert!(
            report.is_clean(),
            "{:?}",
            &report.problems[..report.problems.len().min(3)]
        );
        assert_eq!(report.levels.len(), 5);
        assert!(report.parents_checked > 600);
        assert_eq!(report.buildings_checked, buildings.len());
    }

    #[test]
    fn a_missing_community_is_a_gap_in_its_area() {
        let (mut grids, buildings) = twin();
        let victim = grids
            .iter()
            .position(|g| g.level == GridLevel::Community)
            .unwrap();
        let removed = grids.remove(victim);
        let report = check_grid(&grids, &buildings, Some(GridLevel::Community)).unwrap();
        assert_eq!(
            report.problems.len(),
            1,
            "{:?}",
            &report.problems[..report.problems.len().min(3)]
        );
        let gap = &report.problems[0];
        assert_eq!(
            (gap.kind, gap.parent.as_str()),
            ("gap", removed.parent_code.as_deref().unwrap())
        );
        assert!(
            (gap.area_m2 - removed.area_m2).abs() < removed.area_m2 * 1e-3,
            "{} vs {}",
            gap.area_m2,
            removed.area_m2
        );
        assert_eq!(
            report.to_geojson()["features"][0]["properties"]["kind"],
            "gap"
        );
    }

    #[test]
    fn a_duplicated_building_group_overlaps_and_doubles_its_buildings() {
        let (mut grids, buildings) = twin();
        let group = grids
            .iter()
            .find(|g| g.level == GridLevel::BuildingGroup)
            .unwrap()
            .clone();
        let mut copy = group.clone();
        copy.code = format!("{}x", group.code);
        grids.push(copy);
        let report = check_grid(&grids, &buildings, Some(GridLevel::BuildingGroup)).unwrap();
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.kind == "overlap" && p.children.contains(&group.code))
        );
        assert!(!report.buildings.is_empty());
        assert!(
            report
                .buildings
                .iter()
                .all(|b| b.building_groups.len() == 2)
        );
        let stray = BuildingPoint {
            id: -1,
            standard_address: "nowhere".into(),
            name: None,
            lon: 121.6,
            lat: 31.3,
        };
        let report = check_grid(&grids, &[stray], Some(GridLevel::BuildingGroup)).unwrap();
        assert_eq!(report.buildings[0].building_groups, Vec::<String>::new());
    }
}
