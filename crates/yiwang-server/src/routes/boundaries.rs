//! `POST /api/v1/grids/boundaries`: a boundary import over HTTP, the same as
//! `yiwang import boundaries`; the server's grid indexes are rebuilt as soon as it is written.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use yiwang_core::model::GridLevel;

use super::extract::{AppQuery, crs_param};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::boundaries::{
    BoundaryError, BoundaryOptions, BoundaryReport, features_from_geojson, import_boundaries,
};
use crate::error::{ApiError, ApiResult, Code};

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct BoundaryQuery {
    /// The level of the polygons: `street`, `area`, `community`, `micro_grid` or
    /// `building_group`.
    level: String,
    /// The feature property holding each cell's code. Default `code`.
    code_field: Option<String>,
    /// The feature property holding each cell's name. Default `name`.
    name_field: Option<String>,
    /// The coordinates' system: `wgs84` (default), `gcj02` or `bd09`.
    crs: Option<String>,
    /// `true`: check and report, write nothing.
    dry_run: Option<bool>,
    /// The file's name, recorded as the source of the new versions.
    file_name: Option<String>,
}

/// Imports grid boundaries of one level from a GeoJSON FeatureCollection (the body, up to
/// 512 MB): invalid or self-intersecting polygons are refused each with its reason and the
/// others imported; a changed cell keeps its previous version (history); the lower levels are
/// re-derived inside the new polygons and buildings move 楼组 where they now lie. If lower cells
/// cannot be re-derived, nothing is written (422). Audited; the server's map and point lookup
/// use the new grid as soon as this answers.
#[utoipa::path(post, path = "/api/v1/grids/boundaries", tag = "places", params(BoundaryQuery),
    request_body(content = String, content_type = "application/geo+json",
        description = "a GeoJSON FeatureCollection of Polygons or MultiPolygons"),
    security(("bearer" = [])),
    responses((status = 200, body = BoundaryReport), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ManageReferenceData>,
    AppQuery(q): AppQuery<BoundaryQuery>,
    body: Bytes,
) -> ApiResult<Json<BoundaryReport>> {
    let level = q
        .level
        .parse::<GridLevel>()
        .map_err(|e| ApiError::new(Code::InvalidQuery, format!("`level`: {e}")))?;
    let options = BoundaryOptions {
        level,
        code_field: q.code_field.unwrap_or_else(|| "code".to_owned()),
        name_field: q.name_field.unwrap_or_else(|| "name".to_owned()),
        crs: crs_param(q.crs.as_deref())?,
        dry_run: q.dry_run.unwrap_or(false),
    };
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::new(Code::InvalidRequest, "the body is not UTF-8 GeoJSON"))?;
    let refused = |e: BoundaryError| match e {
        BoundaryError::Unreadable(m) => {
            ApiError::new(Code::InvalidRequest, format!("the body is not usable: {m}"))
        }
        BoundaryError::Underivable(_) => ApiError::new(Code::BoundariesNotDerivable, e.to_string()),
        BoundaryError::Store(e) => e.into(),
    };
    let features = features_from_geojson(text, &options).map_err(refused)?;
    let source = q.file_name.unwrap_or_else(|| "http upload".to_owned());
    let report = import_boundaries(&state.store, features, &options, &source, caller.username())
        .await
        .map_err(refused)?;
    if report.written {
        state.grid_maps.refresh(&state.store).await.map_err(|e| {
            ApiError::new(
                Code::Internal,
                format!("the boundaries were written, but the map could not be rebuilt: {e}"),
            )
        })?;
    }
    Ok(Json(report))
}
