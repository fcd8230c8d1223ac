//! Point → grid chain and nearest buildings.

use std::collections::HashMap;

use geo::MultiPolygon;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::Serialize;
use yiwang_core::model::{Grid, GridLevel};
use yiwang_geo::{LocalProjection, PolygonIndex, parse_feature_collection};

/// A grid cell as the locator reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// Grid code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The cells containing a point, one per level (`None` where no cell of that level contains it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GridChain {
    /// 街镇.
    pub street: Option<Cell>,
    /// 片区.
    pub area: Option<Cell>,
    /// 居民区.
    pub community: Option<Cell>,
    /// 微网格.
    pub micro_grid: Option<Cell>,
    /// 楼组.
    pub building_group: Option<Cell>,
}

impl GridChain {
    /// True when no level contains the point (outside the district).
    pub fn is_empty(&self) -> bool {
        self.street.is_none()
            && self.area.is_none()
            && self.community.is_none()
            && self.micro_grid.is_none()
            && self.building_group.is_none()
    }

    fn slot(&mut self, level: GridLevel) -> &mut Option<Cell> {
        match level {
            GridLevel::Street => &mut self.street,
            GridLevel::Area => &mut self.area,
            GridLevel::Community => &mut self.community,
            GridLevel::MicroGrid => &mut self.micro_grid,
            GridLevel::BuildingGroup => &mut self.building_group,
        }
    }
}

fn level_slot(level: GridLevel) -> usize {
    match level {
        GridLevel::Street => 0,
        GridLevel::Area => 1,
        GridLevel::Community => 2,
        GridLevel::MicroGrid => 3,
        GridLevel::BuildingGroup => 4,
    }
}

/// A building to index: id, address, WGS-84 point.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingPoint {
    /// Premises id.
    pub id: i64,
    /// Standard address.
    pub standard_address: String,
    /// Name (POI), if any.
    pub name: Option<String>,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
}

impl BuildingPoint {
    /// The building's point, if the premises record has one.
    pub fn from_premises(p: &yiwang_core::model::Premises) -> Option<BuildingPoint> {
        Some(BuildingPoint {
            id: p.id,
            standard_address: p.standard_address.clone(),
            name: p.name.clone(),
            lon: p.lon?,
            lat: p.lat?,
        })
    }
}

/// A building near a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearBuilding {
    /// Premises id.
    pub id: i64,
    /// Standard address.
    pub standard_address: String,
    /// Name (POI), if any.
    pub name: Option<String>,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// Distance from the query point in metres (planar, local projection).
    pub distance_m: f64,
}

/// A stored grid whose geometry could not be read.
#[derive(Debug, thiserror::Error)]
#[error("grid {code}: geometry is not a GeoJSON polygon or multipolygon: {reason}")]
pub struct IndexError {
    /// The grid.
    pub code: String,
    /// Why.
    pub reason: String,
}

/// Answers point → grid chain and nearest buildings over one district.
///
/// Containment uses [`PolygonIndex`]'s half-open rule: a point on an edge shared by two cells
/// belongs to exactly one of them (left and bottom edges are inside, right and top edges are
/// outside), so every point of the district has exactly one cell per level.
pub struct GridLocator {
    projection: LocalProjection,
    levels: Vec<(GridLevel, PolygonIndex<usize>)>,
    cells: Vec<Grid>,
    /// Index of each cell's parent in `cells` (walking up needs no hashing).
    parents: Vec<Option<usize>>,
    buildings: RTree<GeomWithData<[f64; 2], usize>>,
    building_rows: Vec<BuildingPoint>,
}

impl std::fmt::Debug for GridLocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GridLocator")
            .field("cells", &self.cells.len())
            .field("buildings", &self.building_rows.len())
            .finish()
    }
}

pub(crate) fn parse_geometry(grid: &Grid) -> Result<MultiPolygon<f64>, IndexError> {
    let fc = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{}}}]}}"#,
        grid.geometry
    );
    parse_feature_collection(&fc)
        .map_err(|e| IndexError {
            code: grid.code.clone(),
            reason: e.to_string(),
        })?
        .into_iter()
        .next()
        .map(|f| f.geometry)
        .ok_or_else(|| IndexError {
            code: grid.code.clone(),
            reason: "empty".to_owned(),
        })
}

impl GridLocator {
    /// Builds the locator from every grid (any order) and the buildings with points.
    pub fn build(
        grids: Vec<Grid>,
        buildings: Vec<BuildingPoint>,
    ) -> Result<GridLocator, IndexError> {
        let (lon0, lat0) = if grids.is_empty() {
            (121.44, 31.18)
        } else {
            let n = grids.len() as f64;
            (
                grids.iter().map(|g| g.centroid_lon).sum::<f64>() / n,
                grids.iter().map(|g| g.centroid_lat).sum::<f64>() / n,
            )
        };
        let projection = LocalProjection::new(lon0, lat0);
        let mut per_level: HashMap<GridLevel, Vec<(usize, MultiPolygon<f64>)>> = HashMap::new();
        for (i, grid) in grids.iter().enumerate() {
            per_level
                .entry(grid.level)
                .or_default()
                .push((i, parse_geometry(grid)?));
        }
        let levels = GridLevel::ALL
            .iter()
            .rev()
            .filter_map(|level| {
                per_level
                    .remove(level)
                    .map(|items| (*level, PolygonIndex::new(items)))
            })
            .collect();
        let by_code: HashMap<&str, usize> = grids
            .iter()
            .enumerate()
            .map(|(i, g)| (g.code.as_str(), i))
            .collect();
        let parents = grids
            .iter()
            .map(|g| {
                g.parent_code
                    .as_deref()
                    .and_then(|p| by_code.get(p).copied())
            })
            .collect();
        let points = buildings
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let (x, y) = projection.to_xy(b.lon, b.lat);
                GeomWithData::new([x, y], i)
            })
            .collect();
        Ok(GridLocator {
            projection,
            levels,
            parents,
            cells: grids,
            buildings: RTree::bulk_load(points),
            building_rows: buildings,
        })
    }

    /// The cells containing the WGS-84 point, indexed by level (street = 0 … 楼组 = 4), without
    /// allocating: the smallest level that contains the point is found in the spatial index, and
    /// its ancestors by parent code, so the levels always agree with each other. Levels below the
    /// smallest containing cell are `None`.
    pub fn chain_refs(&self, lon: f64, lat: f64) -> [Option<&Grid>; 5] {
        let mut chain = [None; 5];
        // Levels are ordered smallest first. A point in no 楼组 is almost always outside the
        // district, so ask the street level next and stop there if it says so too.
        let found = match self.levels.split_first() {
            Some(((_, smallest), rest)) => smallest.locate(lon, lat).copied().or_else(|| {
                let (street, middle) = rest.split_last()?;
                let outer = street.1.locate(lon, lat).copied()?;
                Some(
                    middle
                        .iter()
                        .find_map(|(_, idx)| idx.locate(lon, lat).copied())
                        .unwrap_or(outer),
                )
            }),
            None => None,
        };
        let mut next = found;
        while let Some(index) = next {
            let grid = &self.cells[index];
            chain[level_slot(grid.level)] = Some(grid);
            next = self.parents[index];
        }
        chain
    }

    /// The cells containing the WGS-84 point, as codes and names (see [`Self::chain_refs`]).
    pub fn chain(&self, lon: f64, lat: f64) -> GridChain {
        let mut chain = GridChain::default();
        for grid in self.chain_refs(lon, lat).into_iter().flatten() {
            *chain.slot(grid.level) = Some(Cell {
                code: grid.code.clone(),
                name: grid.name.clone(),
            });
        }
        chain
    }

    /// Up to `limit` buildings within `radius_m` metres of the WGS-84 point, nearest first.
    pub fn nearest_buildings(
        &self,
        lon: f64,
        lat: f64,
        radius_m: f64,
        limit: usize,
    ) -> Vec<NearBuilding> {
        let (x, y) = self.projection.to_xy(lon, lat);
        self.buildings
            .nearest_neighbor_iter_with_distance_2(&[x, y])
            .take_while(|(_, d2)| *d2 <= radius_m * radius_m)
            .take(limit)
            .map(|(point, d2)| {
                let b = &self.building_rows[point.data];
                NearBuilding {
                    id: b.id,
                    standard_address: b.standard_address.clone(),
                    name: b.name.clone(),
                    lon: b.lon,
                    lat: b.lat,
                    distance_m: (d2.sqrt() * 10.0).round() / 10.0,
                }
            })
            .collect()
    }

    /// Number of grid cells indexed.
    pub fn cell_count(&self) -> usize {
        self.cells.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use yiwang_core::model::PremisesKind;

    use super::*;

    fn locator() -> (GridLocator, yiwang_twin::Twin) {
        let (twin, buildings) = crate::test_twin(0.003, 21);
        (
            GridLocator::build(twin.grids.clone(), buildings).unwrap(),
            twin,
        )
    }

    #[test]
    fn every_building_locates_to_its_own_building_group_and_its_ancestors() {
        let (locator, twin) = locator();
        let parent: HashMap<&str, Option<&str>> = twin
            .grids
            .iter()
            .map(|g| (g.code.as_str(), g.parent_code.as_deref()))
            .collect();
        for b in twin
            .premises
            .iter()
            .filter(|p| p.kind == PremisesKind::Building)
        {
            let chain = locator.chain(b.lon.unwrap(), b.lat.unwrap());
            let group = chain.building_group.as_ref().map(|c| c.code.as_str());
            assert_eq!(group, b.grid_code.as_deref(), "{}", b.standard_address);
            let micro = parent[group.unwrap()];
            assert_eq!(chain.micro_grid.as_ref().map(|c| c.code.as_str()), micro);
            assert_eq!(
                chain.community.as_ref().map(|c| c.code.as_str()),
                Some(b.community_code.as_str())
            );
            assert_eq!(
                chain.street.as_ref().map(|c| c.code.as_str()),
                Some(b.street_code.as_str())
            );
            assert!(chain.area.is_some());
        }
    }

    #[test]
    fn outside_the_district_there_is_no_chain() {
        let (locator, _) = locator();
        assert!(
            locator.chain(121.50, 31.24).is_empty(),
            "the Bund is in Huangpu"
        );
        assert!(locator.chain(0.0, 0.0).is_empty());
    }

    #[test]
    fn nearest_buildings_are_sorted_and_within_the_radius() {
        let (locator, twin) = locator();
        let b = twin
            .premises
            .iter()
            .find(|p| p.kind == PremisesKind::Building)
            .unwrap();
        let near = locator.nearest_buildings(b.lon.unwrap(), b.lat.unwrap(), 500.0, 5);
        assert_eq!(near[0].id, b.id);
        assert_eq!(near[0].distance_m, 0.0);
        assert!(near.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
        assert!(near.iter().all(|n| n.distance_m <= 500.0));
        assert!(
            locator
                .nearest_buildings(121.50, 31.30, 100.0, 5)
                .is_empty()
        );
    }
}
