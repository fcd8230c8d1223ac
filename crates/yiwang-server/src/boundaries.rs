//! Importing grid boundaries (GeoJSON polygons of one level): the one path for
//! `yiwang import boundaries` and `POST /api/v1/grids/boundaries`. The plan (validation, codes,
//! re-deriving the lower levels, buildings that change 楼组) is `yiwang_index::plan_boundaries`;
//! writing it, with the previous versions kept, is `Store::apply_grid_changes`.

use geo::MapCoords;
use serde::Serialize;
use utoipa::ToSchema;
use yiwang_core::model::GridLevel;
use yiwang_geo::{Crs, convert, parse_feature_collection};
use yiwang_index::{BoundaryFeature, BuildingMembership, BuildingPoint, plan_boundaries};
use yiwang_store::{PremisesGridUpdate, Store, StoreError};

/// How to read the features.
#[derive(Debug, Clone)]
pub struct BoundaryOptions {
    /// The level the polygons are.
    pub level: GridLevel,
    /// The property holding each cell's code.
    pub code_field: String,
    /// The property holding each cell's name.
    pub name_field: String,
    /// The coordinates' reference system.
    pub crs: Crs,
    /// Check only; write nothing.
    pub dry_run: bool,
}

/// A feature refused, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectedBoundary {
    /// Its position in the file, from 1.
    pub feature: usize,
    /// Its code, if it had one.
    pub code: Option<String>,
    /// Why.
    pub reason: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoundaryReport {
    /// Features in the file.
    pub features: usize,
    /// Cells new or changed.
    pub changed: usize,
    /// Cells identical to those stored.
    pub unchanged: usize,
    /// Features refused, each with its reason; the others are imported.
    pub rejected: Vec<RejectedBoundary>,
    /// Lower cells re-derived inside the new polygons.
    pub derived: usize,
    /// Buildings that move to another 楼组.
    pub buildings_moved: usize,
    /// Buildings that now lie in no 楼组 (kept where they were).
    pub buildings_stranded: usize,
    /// Whether anything was written.
    pub written: bool,
    /// Cells inserted (written only).
    pub inserted: usize,
    /// Cells replaced, their previous versions kept in history (written only).
    pub replaced: usize,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum BoundaryError {
    /// The file is not a GeoJSON FeatureCollection of polygons.
    #[error("{0}")]
    Unreadable(String),
    /// Lower cells could not be re-derived inside the new polygons.
    #[error("nothing written: {} cells could not be re-derived: {}", .0.len(), .0.join("; "))]
    Underivable(Vec<String>),
    /// Reading or writing the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn text_property(
    properties: &serde_json::Map<String, serde_json::Value>,
    field: &str,
) -> Option<String> {
    match properties.get(field)? {
        serde_json::Value::String(s) => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads a GeoJSON FeatureCollection's polygons, converted to WGS-84.
pub fn features_from_geojson(
    text: &str,
    options: &BoundaryOptions,
) -> Result<Vec<BoundaryFeature>, BoundaryError> {
    let parsed =
        parse_feature_collection(text).map_err(|e| BoundaryError::Unreadable(e.to_string()))?;
    Ok(parsed
        .into_iter()
        .enumerate()
        .map(|(i, f)| BoundaryFeature {
            index: i + 1,
            code: text_property(&f.properties, &options.code_field),
            name: text_property(&f.properties, &options.name_field),
            geometry: f.geometry.map_coords(|c| {
                let (x, y) = convert(c.x, c.y, options.crs, Crs::Wgs84);
                geo::Coord { x, y }
            }),
        })
        .collect())
}

/// Plans the import of `features` against the stored grid and, unless a dry run or nothing
/// changed, writes it (audited as `actor`, from `source`).
pub async fn import_boundaries(
    store: &Store,
    features: Vec<BoundaryFeature>,
    options: &BoundaryOptions,
    source: &str,
    actor: &str,
) -> Result<BoundaryReport, BoundaryError> {
    let grids = store.all_grids().await?;
    let buildings: Vec<BuildingMembership> = store
        .buildings_with_points()
        .await?
        .into_iter()
        .filter_map(|p| {
            Some(BuildingMembership {
                grid_code: p.grid_code.clone(),
                building: BuildingPoint::from_premises(&p)?,
            })
        })
        .collect();
    let level = options.level;
    let total = features.len();
    let plan =
        tokio::task::spawn_blocking(move || plan_boundaries(level, &features, &grids, &buildings))
            .await
            .map_err(|e| StoreError::Unavailable(format!("planning the import stopped: {e}")))?;
    if !plan.failed.is_empty() {
        return Err(BoundaryError::Underivable(plan.failed));
    }
    let mut report = BoundaryReport {
        features: total,
        changed: plan.imported.len(),
        unchanged: plan.unchanged,
        rejected: plan
            .rejected
            .iter()
            .map(|r| RejectedBoundary {
                feature: r.index,
                code: r.code.clone(),
                reason: r.reason.clone(),
            })
            .collect(),
        derived: plan.derived.len(),
        buildings_moved: plan.moves.len(),
        buildings_stranded: plan.stranded.len(),
        written: false,
        inserted: 0,
        replaced: 0,
    };
    if options.dry_run || plan.imported.is_empty() {
        return Ok(report);
    }
    let grids: Vec<_> = plan.imported.iter().chain(&plan.derived).cloned().collect();
    let moves: Vec<PremisesGridUpdate> = plan
        .moves
        .iter()
        .map(|m| PremisesGridUpdate {
            premises_id: m.premises_id,
            grid_code: m.grid_code.clone(),
            street_code: m.street_code.clone(),
            community_code: m.community_code.clone(),
        })
        .collect();
    let summary = store
        .apply_grid_changes(&grids, &moves, source, actor)
        .await?;
    report.written = true;
    report.inserted = summary.inserted;
    report.replaced = summary.replaced;
    Ok(report)
}
