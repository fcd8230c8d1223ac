//! Divisions, grids (as GeoJSON) and departments.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::model::{Department, Division, Grid, GridLevel};

use super::extract::{AppPath, AppQuery, CrsQuery, crs_param};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};
use yiwang_geo::{Crs, convert, convert_geojson};

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct DivisionQuery {
    /// Parent division code; without it, the district itself.
    parent: Option<String>,
}

/// Divisions under a parent (or the district).
#[utoipa::path(get, path = "/api/v1/divisions", tag = "places", params(DivisionQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Division>)))]
pub(crate) async fn divisions(
    State(state): State<AppState>,
    _: Need<perm::ReadDivisions>,
    AppQuery(q): AppQuery<DivisionQuery>,
) -> ApiResult<Json<Vec<Division>>> {
    Ok(Json(state.store.divisions(q.parent.as_deref()).await?))
}

/// One division.
#[utoipa::path(get, path = "/api/v1/divisions/{code}", tag = "places", security(("bearer" = [])),
    params(("code" = String, Path, description = "6-, 9- or 12-digit division code")),
    responses((status = 200, body = Division), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn division(
    State(state): State<AppState>,
    _: Need<perm::ReadDivisions>,
    AppPath(code): AppPath<String>,
) -> ApiResult<Json<Division>> {
    state
        .store
        .division(&code)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("division", &code))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct GridQuery {
    /// `street`, `area`, `community`, `micro_grid` or `building_group`.
    level: String,
    /// Only the children of this grid code. Required below `community`, where a whole level is
    /// too large for one response.
    parent: Option<String>,
    /// Coordinate system of the geometry returned: `wgs84` (default), `gcj02` or `bd09`.
    crs: Option<String>,
}

/// A GeoJSON FeatureCollection of grids.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct FeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    kind: String,
    /// One feature per grid; properties: code, level, name, parent_code, street_code, area_m2.
    features: Vec<serde_json::Value>,
}

fn feature(grid: Grid, crs: Crs) -> serde_json::Value {
    let mut geometry: serde_json::Value =
        serde_json::from_str(&grid.geometry).unwrap_or(serde_json::Value::Null);
    convert_geojson(&mut geometry, Crs::Wgs84, crs);
    let (centroid_lon, centroid_lat) =
        convert(grid.centroid_lon, grid.centroid_lat, Crs::Wgs84, crs);
    serde_json::json!({
        "type": "Feature",
        "id": grid.code,
        "geometry": geometry,
        "properties": {
            "code": grid.code,
            "level": grid.level.as_str(),
            "level_zh": grid.level.name_zh(),
            "name": grid.name,
            "parent_code": grid.parent_code,
            "street_code": grid.street_code,
            "area_m2": grid.area_m2,
            "centroid": [centroid_lon, centroid_lat],
        }
    })
}

/// Grids of one level as GeoJSON, optionally only the children of one parent.
#[utoipa::path(get, path = "/api/v1/grids", tag = "places", params(GridQuery), security(("bearer" = [])),
    responses((status = 200, body = FeatureCollection), (status = 400, body = crate::error::Problem)))]
pub(crate) async fn grids(
    State(state): State<AppState>,
    _: Need<perm::ReadGrids>,
    AppQuery(q): AppQuery<GridQuery>,
) -> ApiResult<Json<FeatureCollection>> {
    let level: GridLevel = q
        .level
        .parse()
        .map_err(|e: yiwang_core::model::UnknownVariant| {
            ApiError::new(Code::InvalidQuery, e.to_string())
        })?;
    if q.parent.is_none() && matches!(level, GridLevel::MicroGrid | GridLevel::BuildingGroup) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!(
                "`level={}` needs `parent=<grid code>`: the whole level is too large for one response",
                level.as_str()
            ),
        ));
    }
    let crs = crs_param(q.crs.as_deref())?;
    let grids = state.store.grids(level, q.parent.as_deref()).await?;
    Ok(Json(FeatureCollection {
        kind: "FeatureCollection".to_owned(),
        features: grids.into_iter().map(|g| feature(g, crs)).collect(),
    }))
}

/// One grid as a GeoJSON Feature.
#[utoipa::path(get, path = "/api/v1/grids/{code}", tag = "places", security(("bearer" = [])),
    params(("code" = String, Path, description = "grid code"), CrsQuery),
    responses((status = 200, description = "GeoJSON Feature"), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn grid(
    State(state): State<AppState>,
    _: Need<perm::ReadGrids>,
    AppPath(code): AppPath<String>,
    AppQuery(q): AppQuery<CrsQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let crs = crs_param(q.crs.as_deref())?;
    state
        .store
        .grid(&code)
        .await?
        .map(|g| Json(feature(g, crs)))
        .ok_or_else(|| ApiError::not_found("grid", &code))
}

/// Every department, street office and utility.
#[utoipa::path(get, path = "/api/v1/departments", tag = "places", security(("bearer" = [])),
    responses((status = 200, body = Vec<Department>)))]
pub(crate) async fn departments(
    State(state): State<AppState>,
    _: Need<perm::ReadDepartments>,
) -> ApiResult<Json<Vec<Department>>> {
    Ok(Json(state.store.departments().await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct CheckQuery {
    /// Only this level: `street`, `area`, `community`, `micro_grid` or `building_group`.
    level: Option<String>,
}

/// Coverage check: gaps inside parents, overlaps between siblings, cells outside their parent
/// (each with its area in m² and its geometry as GeoJSON), and buildings in no 楼组 or in two.
#[utoipa::path(get, path = "/api/v1/grids/check", tag = "places", params(CheckQuery), security(("bearer" = [])),
    responses((status = 200, description = "the coverage report: levels, parents_checked, buildings_checked, problems, buildings"),
        (status = 400, body = crate::error::Problem)))]
pub(crate) async fn check(
    State(state): State<AppState>,
    // The report names buildings by address, so it needs the premises permission.
    _: Need<perm::ReadPremises>,
    AppQuery(q): AppQuery<CheckQuery>,
) -> ApiResult<Json<yiwang_index::CoverageReport>> {
    let level = match &q.level {
        Some(l) => Some(
            l.parse::<GridLevel>()
                .map_err(|e| ApiError::new(Code::InvalidQuery, e.to_string()))?,
        ),
        None => None,
    };
    let (grids, buildings) = crate::index_inputs(&state.store).await?;
    let report =
        tokio::task::spawn_blocking(move || yiwang_index::check_grid(&grids, &buildings, level))
            .await
            .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?
            .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
    Ok(Json(report))
}

/// Superseded versions of a grid cell (oldest first), kept by every boundary import that changed
/// it. The current version is `GET /api/v1/grids/{code}`.
#[utoipa::path(get, path = "/api/v1/grids/{code}/history", tag = "places", security(("bearer" = [])),
    params(("code" = String, Path, description = "grid code")),
    responses((status = 200, description = "versions: code, version, level, name, parent_code, street_code, geometry, area_m2, valid_until, replaced_by"),
        (status = 404, body = crate::error::Problem)))]
pub(crate) async fn history(
    State(state): State<AppState>,
    _: Need<perm::ReadGrids>,
    AppPath(code): AppPath<String>,
) -> ApiResult<Json<Vec<serde_json::Value>>> {
    if state.store.grid(&code).await?.is_none() {
        return Err(ApiError::not_found("grid", &code));
    }
    let versions = state.store.grid_history(&code).await?;
    Ok(Json(
        versions
            .into_iter()
            .map(|v| {
                let geometry: serde_json::Value = serde_json::from_str(&v.geometry).unwrap_or(serde_json::Value::Null);
                serde_json::json!({
                    "code": v.code, "version": v.version, "level": v.level, "name": v.name,
                    "parent_code": v.parent_code, "street_code": v.street_code, "geometry": geometry,
                    "area_m2": v.area_m2, "valid_until": v.valid_until, "replaced_by": v.replaced_by,
                })
            })
            .collect(),
    ))
}
