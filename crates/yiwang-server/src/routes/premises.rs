//! The premises registry: one node, its children, search by standard-address prefix.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::model::{Premises, PremisesAlias};

use super::extract::{AppPath, AppQuery};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};

/// Premises with aliases and the number of direct children.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PremisesDto {
    #[serde(flatten)]
    premises: Premises,
    aliases: Vec<PremisesAlias>,
    children: i64,
}

/// One premises.
#[utoipa::path(get, path = "/api/v1/premises/{id}", tag = "premises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "premises id")),
    responses((status = 200, body = PremisesDto), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppPath(id): AppPath<i64>,
) -> ApiResult<Json<PremisesDto>> {
    let detail = state
        .store
        .premises(id)
        .await?
        .ok_or_else(|| ApiError::not_found("premises", id))?;
    Ok(Json(PremisesDto {
        premises: detail.premises,
        aliases: detail.aliases,
        children: detail.children,
    }))
}

/// Direct children of a premises (buildings of a compound, floors or rooms of a building).
#[utoipa::path(get, path = "/api/v1/premises/{id}/children", tag = "premises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "premises id")),
    responses((status = 200, body = Vec<Premises>), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn children(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppPath(id): AppPath<i64>,
) -> ApiResult<Json<Vec<Premises>>> {
    if state.store.premises(id).await?.is_none() {
        return Err(ApiError::not_found("premises", id));
    }
    Ok(Json(state.store.premises_children(id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SearchQuery {
    /// Start of the standard address, e.g. `上海市徐汇区宛平南路500弄` (at least 2 characters).
    prefix: String,
    /// At most this many results (1–500, default 50).
    limit: Option<i64>,
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
    Ok(Json(
        state.store.premises_by_prefix(&q.prefix, limit).await?,
    ))
}
