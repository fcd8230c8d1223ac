//! Importing boundaries for one grid level: validate the features, find their parents, and
//! re-derive every level below inside the new polygons (MapIt-style: the store keeps the old
//! versions).
//!
//! Re-derivation keeps every lower cell's code and name: the children of a changed cell are
//! re-partitioned inside its new polygon by a power diagram whose sites are the children's old
//! centroids and whose target areas are their old areas, so cells move as little as the new
//! boundary allows. Buildings keep their coordinates (they are facts) and are re-assigned to the
//! 楼组 that now contains them.

use std::collections::{BTreeMap, HashMap, VecDeque};

use geo::{Area, Centroid, InteriorPoint, MultiPolygon, Validation};
use yiwang_core::model::{Grid, GridLevel};
use yiwang_geo::{
    LocalProjection, PartitionConfig, PolygonIndex, Site, multipolygon_to_geojson, partition,
};

use crate::locator::{BuildingPoint, parse_geometry};

/// One feature of the file being imported (geometry in WGS-84).
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryFeature {
    /// Position in the file, from 1.
    pub index: usize,
    /// Grid code from the code field.
    pub code: Option<String>,
    /// Name from the name field.
    pub name: Option<String>,
    /// Polygon (WGS-84).
    pub geometry: MultiPolygon<f64>,
}

/// A feature that was not imported, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RejectedFeature {
    /// Position in the file, from 1.
    pub index: usize,
    /// Its code, if it had one.
    pub code: Option<String>,
    /// What is wrong with it.
    pub reason: String,
}

/// A building and the 楼组 it is in now.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingMembership {
    /// The building.
    pub building: BuildingPoint,
    /// Its current 楼组.
    pub grid_code: Option<String>,
}

/// A building's membership after the import.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BuildingMove {
    /// Premises id.
    pub premises_id: i64,
    /// New 楼组.
    pub grid_code: String,
    /// New street.
    pub street_code: String,
    /// New committee.
    pub community_code: String,
}

/// What an import would write.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BoundaryPlan {
    /// Cells of the imported level whose polygon, name or parent changed, or that are new.
    pub imported: Vec<Grid>,
    /// Cells of lower levels re-derived inside changed polygons (parents first).
    pub derived: Vec<Grid>,
    /// Features given that match the stored cells exactly.
    pub unchanged: usize,
    /// Features refused, with reasons.
    pub rejected: Vec<RejectedFeature>,
    /// Buildings that now lie in another 楼组.
    pub moves: Vec<BuildingMove>,
    /// Buildings that now lie in no 楼组 (left where they were; fix the boundaries).
    pub stranded: Vec<i64>,
    /// Re-derivations that failed; a plan with any must not be written.
    pub failed: Vec<String>,
}

fn geometry_text(projection: &LocalProjection, planar: &MultiPolygon<f64>) -> String {
    multipolygon_to_geojson(&projection.multipolygon_to_lonlat(planar)).to_string()
}

fn record(template: &Grid, projection: &LocalProjection, planar: &MultiPolygon<f64>) -> Grid {
    let (cx, cy) = planar
        .centroid()
        .map(|p| (p.x(), p.y()))
        .unwrap_or((0.0, 0.0));
    let (centroid_lon, centroid_lat) = projection.to_lonlat(cx, cy);
    Grid {
        geometry: geometry_text(projection, planar),
        area_m2: planar.unsigned_area(),
        centroid_lon,
        centroid_lat,
        ..template.clone()
    }
}

/// Plans the import of `features` as cells of `level` against the `current` grids and buildings.
pub fn plan_boundaries(
    level: GridLevel,
    features: &[BoundaryFeature],
    current: &[Grid],
    buildings: &[BuildingMembership],
) -> BoundaryPlan {
    let mut plan = BoundaryPlan::default();
    let Some(first) = current.first() else {
        plan.rejected = features
            .iter()
            .map(|f| RejectedFeature {
                index: f.index,
                code: f.code.clone(),
                reason: "the database has no grids yet".into(),
            })
            .collect();
        return plan;
    };
    let projection = LocalProjection::new(first.centroid_lon, first.centroid_lat);
    let by_code: HashMap<&str, &Grid> = current.iter().map(|g| (g.code.as_str(), g)).collect();
    let mut shapes: HashMap<String, MultiPolygon<f64>> = current
        .iter()
        .filter_map(|g| {
            Some((
                g.code.clone(),
                projection.multipolygon_to_xy(&parse_geometry(g).ok()?),
            ))
        })
        .collect();
    let parents = level.parent().map(|parent_level| {
        PolygonIndex::new(
            current
                .iter()
                .filter(|g| g.level == parent_level)
                .filter_map(|g| Some((g.code.clone(), parse_geometry(g).ok()?)))
                .collect(),
        )
    });

    // 1. Validate and place each feature.
    let mut changed: VecDeque<String> = VecDeque::new();
    for f in features {
        let reject = |reason: String| RejectedFeature {
            index: f.index,
            code: f.code.clone(),
            reason,
        };
        let Some(code) = f.code.clone().filter(|c| !c.trim().is_empty()) else {
            plan.rejected.push(reject(
                "no code: give each feature a code property (or name it with --code-field)".into(),
            ));
            continue;
        };
        if f.geometry.0.is_empty() {
            plan.rejected.push(reject("empty geometry".into()));
            continue;
        }
        if let Err(e) = f.geometry.check_validation() {
            plan.rejected.push(reject(format!("invalid polygon: {e}")));
            continue;
        }
        let existing = by_code.get(code.as_str()).copied();
        let (parent_code, street_code) = match (&parents, existing) {
            (None, Some(g)) => (None, g.street_code.clone()),
            (None, None) => {
                plan.rejected
                    .push(reject(format!("{code} is not a street of this district")));
                continue;
            }
            (Some(index), _) => {
                let Some(inside) = f.geometry.interior_point() else {
                    plan.rejected
                        .push(reject("the polygon has no interior".into()));
                    continue;
                };
                match index
                    .locate(inside.x(), inside.y())
                    .and_then(|p| by_code.get(p.as_str()))
                {
                    Some(parent) => (Some(parent.code.clone()), parent.street_code.clone()),
                    None => {
                        let parent_level = level.parent().map(|l| l.name_zh()).unwrap_or("parent");
                        plan.rejected.push(reject(format!(
                            "lies in no {parent_level} of this district"
                        )));
                        continue;
                    }
                }
            }
        };
        if !level.code_fits(&code, parent_code.as_deref()) {
            let under = parent_code.as_deref().unwrap_or("the district");
            plan.rejected.push(reject(format!(
                "{code} is not a {} code under {under}; see the grid-code rule in ARCHITECTURE.md",
                level.as_str()
            )));
            continue;
        }
        if let Some(g) = existing
            && g.level == level
            && g.parent_code != parent_code
        {
            plan.rejected.push(reject(format!(
                "{code} would move from {} to {}; a cell keeps its parent (its code extends the parent's)",
                g.parent_code.as_deref().unwrap_or("-"),
                parent_code.as_deref().unwrap_or("-")
            )));
            continue;
        }
        if let Some(g) = existing
            && g.level != level
        {
            plan.rejected.push(reject(format!(
                "{code} is a {} code, not a {}",
                g.level.as_str(),
                level.as_str()
            )));
            continue;
        }
        let name = f
            .name
            .clone()
            .or_else(|| existing.map(|g| g.name.clone()))
            .unwrap_or_else(|| code.clone());
        let planar = projection.multipolygon_to_xy(&f.geometry);
        let template = Grid {
            code: code.clone(),
            level,
            name,
            parent_code,
            street_code,
            geometry: String::new(),
            area_m2: 0.0,
            centroid_lon: 0.0,
            centroid_lat: 0.0,
        };
        let new = record(&template, &projection, &planar);
        let same = existing.is_some_and(|g| {
            g.geometry == new.geometry && g.name == new.name && g.parent_code == new.parent_code
        });
        if same {
            plan.unchanged += 1;
            continue;
        }
        shapes.insert(code.clone(), planar);
        plan.imported.push(new);
        changed.push_back(code);
    }

    // 2. Re-derive the levels below every changed cell.
    let mut children: BTreeMap<&str, Vec<&Grid>> = BTreeMap::new();
    for g in current {
        if let Some(p) = &g.parent_code {
            children.entry(p.as_str()).or_default().push(g);
        }
    }
    let cfg = PartitionConfig {
        lloyd_iterations: 0,
        area_tolerance: 0.02,
        max_weight_iterations: 30,
    };
    while let Some(code) = changed.pop_front() {
        let Some(kids) = children.get(code.as_str()) else {
            continue;
        };
        let Some(parent_shape) = shapes.get(&code).cloned() else {
            continue;
        };
        let sites: Vec<Site> = kids
            .iter()
            .map(|k| {
                let (x, y) = projection.to_xy(k.centroid_lon, k.centroid_lat);
                Site::new(x, y, k.area_m2.max(1.0))
            })
            .collect();
        let Ok(cells) = partition(&parent_shape, &sites, &cfg) else {
            continue;
        };
        for (kid, cell) in kids.iter().zip(cells) {
            plan.derived.push(record(kid, &projection, &cell));
            shapes.insert(kid.code.clone(), cell);
            changed.push_back(kid.code.clone());
        }
    }

    // 3. Buildings follow the 楼组 that now contains them.
    if !plan.imported.is_empty() {
        let grids_now: HashMap<&str, &Grid> = current
            .iter()
            .map(|g| (g.code.as_str(), g))
            .chain(
                plan.imported
                    .iter()
                    .chain(&plan.derived)
                    .map(|g| (g.code.as_str(), g)),
            )
            .collect();
        let groups = PolygonIndex::new(
            grids_now
                .values()
                .filter(|g| g.level == GridLevel::BuildingGroup)
                .filter_map(|g| Some((g.code.to_string(), shapes.get(g.code.as_str())?.clone())))
                .collect(),
        );
        for b in buildings {
            let (x, y) = projection.to_xy(b.building.lon, b.building.lat);
            match groups.locate(x, y) {
                None => plan.stranded.push(b.building.id),
                Some(group) if Some(group) != b.grid_code.as_ref() => {
                    let mut community = None;
                    let mut street = None;
                    let mut cursor = grids_now.get(group.as_str()).copied();
                    while let Some(g) = cursor {
                        match g.level {
                            GridLevel::Community => community = Some(g.code.clone()),
                            GridLevel::Street => street = Some(g.code.clone()),
                            _ => {}
                        }
                        cursor = g
                            .parent_code
                            .as_deref()
                            .and_then(|p| grids_now.get(p).copied());
                    }
                    if let (Some(community_code), Some(street_code)) = (community, street) {
                        plan.moves.push(BuildingMove {
                            premises_id: b.building.id,
                            grid_code: group.clone(),
                            street_code,
                            community_code,
                        });
                    }
                }
                Some(_) => {}
            }
        }
    }
    plan
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use geo::polygon;
    use yiwang_core::model::PremisesKind;
    use yiwang_twin::{Twin, TwinConfig, generate};

    use super::*;
    use crate::check_grid;

    fn twin() -> Twin {
        generate(
            &TwinConfig {
                scale: 0.003,
                seed: 51,
                boundaries: None,
            },
            &mut |_| {},
        )
        .unwrap()
    }

    fn memberships(t: &Twin) -> Vec<BuildingMembership> {
        t.premises
            .iter()
            .filter(|p| p.kind == PremisesKind::Building)
            .map(|p| BuildingMembership {
                building: BuildingPoint {
                    id: p.id,
                    standard_address: p.standard_address.clone(),
                    name: None,
                    lon: p.lon.unwrap(),
                    lat: p.lat.unwrap(),
                },
                grid_code: p.grid_code.clone(),
            })
            .collect()
    }

    fn osm_streets() -> Vec<BoundaryFeature> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/xuhui/xuhui_streets_osm.geojson"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("needs {path}: {e}"));
        yiwang_geo::parse_feature_collection(&text)
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, f)| BoundaryFeature {
                index: i + 1,
                code: f
                    .properties
                    .get("code")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
                name: f
                    .properties
                    .get("name")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
                geometry: f.geometry,
            })
            .collect()
    }

    fn apply(grids: &[Grid], plan: &BoundaryPlan) -> Vec<Grid> {
        let replaced: HashMap<&str, &Grid> = plan
            .imported
            .iter()
            .chain(&plan.derived)
            .map(|g| (g.code.as_str(), g))
            .collect();
        let mut out: Vec<Grid> = grids
            .iter()
            .map(|g| {
                replaced
                    .get(g.code.as_str())
                    .map_or_else(|| g.clone(), |n| (*n).clone())
            })
            .collect();
        out.extend(
            plan.imported
                .iter()
                .filter(|g| !grids.iter().any(|o| o.code == g.code))
                .cloned(),
        );
        out
    }

    #[test]
    fn reimporting_the_stored_polygons_changes_nothing() {
        let t = twin();
        let features: Vec<BoundaryFeature> = t
            .grids
            .iter()
            .filter(|g| g.level == GridLevel::Street)
            .enumerate()
            .map(|(i, g)| BoundaryFeature {
                index: i + 1,
                code: Some(g.code.clone()),
                name: Some(g.name.clone()),
                geometry: parse_geometry(g).unwrap(),
            })
            .collect();
        let plan = plan_boundaries(GridLevel::Street, &features, &t.grids, &memberships(&t));
        assert_eq!(
            (plan.unchanged, plan.imported.len(), plan.derived.len()),
            (13, 0, 0),
            "{:?}",
            plan.rejected
        );
        assert!(plan.moves.is_empty());
    }

    #[test]
    fn real_street_boundaries_rederive_every_level_below_without_gaps() {
        let t = twin();
        let plan = plan_boundaries(
            GridLevel::Street,
            &osm_streets(),
            &t.grids,
            &memberships(&t),
        );
        assert!(plan.rejected.is_empty(), "{:?}", plan.rejected);
        assert_eq!(plan.imported.len(), 13);
        assert_eq!(
            plan.derived.len(),
            t.grids.len() - 13,
            "every lower cell is re-derived, codes kept"
        );
        let after = apply(&t.grids, &plan);
        let report = check_grid(&after, &[], None).unwrap();
        assert!(
            report.problems.is_empty(),
            "{:?}",
            &report.problems[..report.problems.len().min(3)]
        );
        // Buildings keep their coordinates and follow the 楼组 that now contains them.
        assert!(!plan.moves.is_empty());
        for m in &plan.moves {
            assert!(
                m.grid_code.starts_with(&m.community_code)
                    && m.community_code.starts_with(&m.street_code),
                "{m:?}"
            );
        }
    }

    #[test]
    fn bad_features_are_rejected_with_reasons_and_the_rest_imported() {
        let t = twin();
        let mut features = osm_streets();
        features.truncate(2);
        let bow_tie: MultiPolygon<f64> =
            polygon![(x: 121.43, y: 31.18), (x: 121.44, y: 31.19), (x: 121.44, y: 31.18), (x: 121.43, y: 31.19)].into();
        features.push(BoundaryFeature {
            index: 3,
            code: Some("310104014".into()),
            name: None,
            geometry: bow_tie,
        });
        let square: MultiPolygon<f64> =
            polygon![(x: 121.43, y: 31.18), (x: 121.44, y: 31.18), (x: 121.44, y: 31.19), (x: 121.43, y: 31.19)].into();
        features.push(BoundaryFeature {
            index: 4,
            code: None,
            name: None,
            geometry: square.clone(),
        });
        features.push(BoundaryFeature {
            index: 5,
            code: Some("310104999".into()),
            name: None,
            geometry: square.clone(),
        });
        let plan = plan_boundaries(GridLevel::Street, &features, &t.grids, &memberships(&t));
        assert_eq!(plan.imported.len(), 2);
        let reasons: Vec<(usize, &str)> = plan
            .rejected
            .iter()
            .map(|r| (r.index, r.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(
            reasons[0].0 == 3 && reasons[0].1.starts_with("invalid polygon"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].0 == 4 && reasons[1].1.starts_with("no code"),
            "{reasons:?}"
        );
        assert!(
            reasons[2].0 == 5 && reasons[2].1.contains("not a street"),
            "{reasons:?}"
        );

        // A lower level: a community polygon far outside the district has no parent.
        let far: MultiPolygon<f64> = polygon![(x: 116.0, y: 39.0), (x: 116.1, y: 39.0), (x: 116.1, y: 39.1), (x: 116.0, y: 39.1)].into();
        let outside = BoundaryFeature {
            index: 1,
            code: Some("310104003099".into()),
            name: None,
            geometry: far,
        };
        let plan = plan_boundaries(GridLevel::Community, &[outside], &t.grids, &[]);
        assert!(
            plan.rejected[0].reason.contains("lies in no 片区"),
            "{:?}",
            plan.rejected
        );
    }
}
