//! The premises registry: one node, its children, search by standard-address prefix.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::model::{Premises, PremisesAlias};

use super::extract::{AppPath, AppQuery, CrsQuery, crs_param};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};
use yiwang_geo::{Crs, convert};

/// Premises with aliases and the number of direct children.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PremisesDto {
    #[serde(flatten)]
    premises: Premises,
    aliases: Vec<PremisesAlias>,
    children: i64,
}

/// The premises with its point expressed in `crs`.
fn in_crs(mut p: Premises, crs: Crs) -> Premises {
    if crs == Crs::Wgs84 {
        return p;
    }
    if let (Some(lon), Some(lat)) = (p.lon, p.lat) {
        let (x, y) = convert(lon, lat, Crs::Wgs84, crs);
        p.lon = Some((x * 1e7).round() / 1e7);
        p.lat = Some((y * 1e7).round() / 1e7);
    }
    p
}

/// One premises.
#[utoipa::path(get, path = "/api/v1/premises/{id}", tag = "premises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "premises id"), CrsQuery),
    responses((status = 200, body = PremisesDto), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<CrsQuery>,
) -> ApiResult<Json<PremisesDto>> {
    let crs = crs_param(q.crs.as_deref())?;
    let detail = state
        .store
        .premises(id)
        .await?
        .ok_or_else(|| ApiError::not_found("premises", id))?;
    Ok(Json(PremisesDto {
        premises: in_crs(detail.premises, crs),
        aliases: detail.aliases,
        children: detail.children,
    }))
}

/// Direct children of a premises (buildings of a compound, floors or rooms of a building).
#[utoipa::path(get, path = "/api/v1/premises/{id}/children", tag = "premises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "premises id"), CrsQuery),
    responses((status = 200, body = Vec<Premises>), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn children(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<CrsQuery>,
) -> ApiResult<Json<Vec<Premises>>> {
    let crs = crs_param(q.crs.as_deref())?;
    if state.store.premises(id).await?.is_none() {
        return Err(ApiError::not_found("premises", id));
    }
    let children = state.store.premises_children(id).await?;
    Ok(Json(children.into_iter().map(|p| in_crs(p, crs)).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SearchQuery {
    /// Start of the standard address, e.g. `上海市徐汇区宛平南路500弄` (at least 2 characters).
    prefix: String,
    /// At most this many results (1–500, default 50).
    limit: Option<i64>,
    /// Coordinate system of `lon`/`lat` returned: `wgs84` (default), `gcj02` or `bd09`.
    crs: Option<String>,
}

/// Premises whose standard address starts with `prefix`, in address order.
#[utoipa::path(get, path = "/api/v1/premises", tag = "premises", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Premises>), (status = 400, body = crate::error::Problem)))]
pub(crate) async fn search(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppQuery(q): AppQuery<SearchQuery>,
) -> ApiResult<Json<Vec<Premises>>> {
    if q.prefix.chars().count() < 2 {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "`prefix` needs at least 2 characters",
        ));
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let crs = crs_param(q.crs.as_deref())?;
    let found = state.store.premises_by_prefix(&q.prefix, limit).await?;
    Ok(Json(found.into_iter().map(|p| in_crs(p, crs)).collect()))
}
