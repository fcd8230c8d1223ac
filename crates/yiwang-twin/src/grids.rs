//! The five grid levels: streets tile the district, each level tiles its parent.
//!
//! Work happens in a local metre projection around the district; polygons are converted to WGS-84
//! only when emitted. Street polygons come from real boundaries when given, else from a power
//! diagram over the real centroids with the real areas as targets.

use geo::{Centroid, MultiPolygon};
use rand::Rng;
use yiwang_core::model::{Grid, GridLevel};
use yiwang_geo::{
    AreaFeature, LocalProjection, PartitionConfig, Site, multipolygon_to_geojson,
    outline_from_centroids, partition, random_sites,
};

use crate::TwinError;
use crate::facts::{AREA_COUNT, STREETS};
use crate::plan::{CommitteePlan, apportion};

/// A grid with its planar polygon, before it is emitted.
#[derive(Debug, Clone)]
pub struct GridCell {
    /// Grid code.
    pub code: String,
    /// Level.
    pub level: GridLevel,
    /// Name.
    pub name: String,
    /// Parent code.
    pub parent_code: Option<String>,
    /// Street code.
    pub street_code: String,
    /// Polygon in the local projection (metres).
    pub shape: MultiPolygon<f64>,
}

impl GridCell {
    /// Converts to the stored record (WGS-84 GeoJSON).
    pub fn to_record(&self, projection: &LocalProjection) -> Grid {
        let lonlat = projection.multipolygon_to_lonlat(&self.shape);
        let (cx, cy) = self
            .shape
            .centroid()
            .map(|p| (p.x(), p.y()))
            .unwrap_or((0.0, 0.0));
        let (centroid_lon, centroid_lat) = projection.to_lonlat(cx, cy);
        Grid {
            code: self.code.clone(),
            level: self.level,
            name: self.name.clone(),
            parent_code: self.parent_code.clone(),
            street_code: self.street_code.clone(),
            geometry: multipolygon_to_geojson(&lonlat).to_string(),
            area_m2: geo::Area::unsigned_area(&self.shape),
            centroid_lon,
            centroid_lat,
        }
    }
}

/// The projection every twin polygon is drawn in: centred on the district.
pub fn projection() -> LocalProjection {
    let n = STREETS.len() as f64;
    let lon = STREETS.iter().map(|s| s.lon).sum::<f64>() / n;
    let lat = STREETS.iter().map(|s| s.lat).sum::<f64>() / n;
    LocalProjection::new(lon, lat)
}

fn fine() -> PartitionConfig {
    PartitionConfig {
        lloyd_iterations: 2,
        area_tolerance: 0.03,
        max_weight_iterations: 30,
    }
}

fn coarse() -> PartitionConfig {
    PartitionConfig {
        lloyd_iterations: 1,
        area_tolerance: 0.15,
        max_weight_iterations: 8,
    }
}

/// Street polygons: from real boundaries (matched by the `code` or `name` property) or
/// synthesised.
pub fn streets(
    projection: &LocalProjection,
    boundaries: Option<&[AreaFeature]>,
) -> Result<Vec<GridCell>, TwinError> {
    let shapes: Vec<MultiPolygon<f64>> = match boundaries {
        Some(features) => STREETS
            .iter()
            .map(|s| {
                features
                    .iter()
                    .find(|f| {
                        f.properties.get("code").and_then(|v| v.as_str()) == Some(s.code)
                            || f.properties.get("name").and_then(|v| v.as_str()) == Some(s.name)
                    })
                    .map(|f| projection.multipolygon_to_xy(&f.geometry))
                    .ok_or_else(|| {
                        TwinError::Boundaries(format!(
                            "no feature for {} ({}): give each feature a `code` or `name` property",
                            s.name, s.code
                        ))
                    })
            })
            .collect::<Result<_, _>>()?,
        None => {
            let points: Vec<(f64, f64)> = STREETS
                .iter()
                .map(|s| projection.to_xy(s.lon, s.lat))
                .collect();
            let total: f64 = STREETS.iter().map(|s| s.km2 * 1e6).sum();
            let outline = outline_from_centroids(&points, total)?;
            let sites: Vec<Site> = points
                .iter()
                .zip(STREETS.iter())
                .map(|(p, s)| Site::new(p.0, p.1, s.km2))
                .collect();
            let cfg = PartitionConfig {
                lloyd_iterations: 0,
                area_tolerance: 0.01,
                max_weight_iterations: 80,
            };
            partition(&MultiPolygon::new(vec![outline]), &sites, &cfg)?
        }
    };
    Ok(STREETS
        .iter()
        .zip(shapes)
        .map(|(s, shape)| GridCell {
            code: s.code.to_owned(),
            level: GridLevel::Street,
            name: s.name.to_owned(),
            parent_code: None,
            street_code: s.code.to_owned(),
            shape,
        })
        .collect())
}

/// Splits `parent` into cells with the given weights at random sites.
pub fn split(
    parent: &MultiPolygon<f64>,
    weights: &[f64],
    cfg: &PartitionConfig,
    rng: &mut impl Rng,
) -> Result<Vec<MultiPolygon<f64>>, TwinError> {
    if weights.len() == 1 {
        return Ok(vec![parent.clone()]);
    }
    let points = random_sites(parent, weights.len(), rng);
    let sites: Vec<Site> = points
        .iter()
        .zip(weights)
        .map(|(p, w)| Site::new(p.0, p.1, *w))
        .collect();
    Ok(partition(parent, &sites, cfg)?)
}

/// Orders cells north→south in bands, then west→east (the unit-grid numbering rule).
pub fn reading_order(shapes: &[MultiPolygon<f64>], band_m: f64) -> Vec<usize> {
    let keys: Vec<(i64, f64)> = shapes
        .iter()
        .map(|s| {
            let (x, y) = s.centroid().map(|p| (p.x(), p.y())).unwrap_or((0.0, 0.0));
            ((-(y / band_m)).floor() as i64, x)
        })
        .collect();
    let mut order: Vec<usize> = (0..shapes.len()).collect();
    order.sort_by(|&a, &b| {
        keys[a]
            .0
            .cmp(&keys[b].0)
            .then(keys[a].1.total_cmp(&keys[b].1))
    });
    order
}

/// The 片区 and 居民区 levels. Returns (areas, communities in the order of `plans`).
pub fn areas_and_communities(
    streets: &[GridCell],
    plans: &[CommitteePlan],
    rng: &mut impl Rng,
) -> Result<(Vec<GridCell>, Vec<GridCell>), TwinError> {
    let per_street: Vec<usize> = STREETS
        .iter()
        .map(|s| {
            plans
                .iter()
                .filter(|p| p.committee.street_code == s.code)
                .count()
        })
        .collect();
    let area_counts = apportion(AREA_COUNT, &per_street);
    let mut areas = Vec::new();
    let mut communities: Vec<Option<GridCell>> = vec![None; plans.len()];
    for ((street, &n_areas), &n_committees) in streets.iter().zip(&area_counts).zip(&per_street) {
        let members: Vec<usize> = (0..plans.len())
            .filter(|&i| plans[i].committee.street_code == street.code)
            .collect();
        let n_areas = n_areas.min(n_committees).max(1);
        let group_sizes = apportion(n_committees, &vec![1; n_areas]);
        let weights: Vec<f64> = group_sizes
            .iter()
            .scan(0usize, |start, &size| {
                let residents: usize = members[*start..*start + size]
                    .iter()
                    .map(|&i| plans[i].residents)
                    .sum();
                *start += size;
                Some(residents as f64)
            })
            .collect();
        let shapes = split(&street.shape, &weights, &fine(), rng)?;
        let mut start = 0;
        for (k, (shape, size)) in shapes.into_iter().zip(group_sizes).enumerate() {
            let code = format!("{}9{:02}", street.code, k + 1);
            let group = &members[start..start + size];
            start += size;
            let weights: Vec<f64> = group.iter().map(|&i| plans[i].residents as f64).collect();
            let cells = split(&shape, &weights, &fine(), rng)?;
            for (&i, cell) in group.iter().zip(cells) {
                communities[i] = Some(GridCell {
                    code: plans[i].committee.code.to_owned(),
                    level: GridLevel::Community,
                    name: plans[i].committee.name.to_owned(),
                    parent_code: Some(code.clone()),
                    street_code: street.code.clone(),
                    shape: cell,
                });
            }
            areas.push(GridCell {
                code,
                level: GridLevel::Area,
                name: format!("{}第{}片区", street.name, k + 1),
                parent_code: Some(street.code.clone()),
                street_code: street.code.clone(),
                shape,
            });
        }
    }
    let communities = communities
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            c.ok_or_else(|| {
                TwinError::Internal(format!("committee {} got no grid", plans[i].committee.code))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((areas, communities))
}

/// Splits a parent into children with the given weights, coded `parent code + 3-digit sequence`
/// in reading order (north→south, west→east). Returns the cells in *input* order.
pub fn coded_children(
    parent: &GridCell,
    level: GridLevel,
    weights: &[f64],
    name: impl Fn(usize) -> String,
    rng: &mut impl Rng,
) -> Result<Vec<GridCell>, TwinError> {
    let cfg = if level == GridLevel::BuildingGroup {
        coarse()
    } else {
        fine()
    };
    let shapes = split(&parent.shape, weights, &cfg, rng)?;
    let order = reading_order(&shapes, 150.0);
    let mut seq = vec![0usize; shapes.len()];
    for (rank, &i) in order.iter().enumerate() {
        seq[i] = rank + 1;
    }
    Ok(shapes
        .into_iter()
        .enumerate()
        .map(|(i, shape)| GridCell {
            code: format!("{}{:03}", parent.code, seq[i]),
            level,
            name: name(seq[i]),
            parent_code: Some(parent.code.clone()),
            street_code: parent.street_code.clone(),
            shape,
        })
        .collect())
}
