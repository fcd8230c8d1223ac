//! Health, statistics and the audit log.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::model::Stats;

use super::extract::AppQuery;
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::ApiResult;

/// Liveness and database reachability.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Health {
    /// `ok`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
}

/// Health check: 200 when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "system", responses(
    (status = 200, body = Health), (status = 503, body = crate::error::Problem)))]
pub(crate) async fn healthz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state.store.is_empty().await?;
    let backend = match state.store.backend() {
        yiwang_store::Backend::Sqlite => "sqlite",
        yiwang_store::Backend::Postgres => "postgres",
    };
    Ok(Json(Health {
        status: "ok".to_owned(),
        backend: backend.to_owned(),
    }))
}

/// Counts of every registry and grid level.
#[utoipa::path(get, path = "/api/v1/stats", tag = "system", security(("bearer" = [])), responses(
    (status = 200, body = Stats), (status = 401, body = crate::error::Problem)))]
pub(crate) async fn stats(
    State(state): State<AppState>,
    _: Need<perm::ReadOverview>,
) -> ApiResult<Json<Stats>> {
    Ok(Json(state.store.stats().await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct AuditQuery {
    /// How many of the newest entries (1–1000, default 100).
    limit: Option<i64>,
}

/// An audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditEntryDto {
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    actor: String,
    action: String,
    entity: String,
    entity_id: Option<String>,
    detail: serde_json::Value,
    hash: String,
}

/// The audit log with its chain verified.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditPage {
    /// Whether the whole hash chain verifies.
    chain_verified: bool,
    /// Newest entries first.
    entries: Vec<AuditEntryDto>,
}

/// The newest audit entries, and whether the hash chain is intact.
#[utoipa::path(get, path = "/api/v1/audit", tag = "system", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    _: Need<perm::ReadAudit>,
    AppQuery(q): AppQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let chain_verified = match state.store.verify_audit().await {
        Ok(_) => true,
        Err(yiwang_store::StoreError::AuditChainBroken(seq)) => {
            tracing::error!(seq, "audit chain broken");
            false
        }
        Err(other) => return Err(other.into()),
    };
    let entries = state
        .store
        .audit_entries(limit)
        .await?
        .into_iter()
        .map(|e| AuditEntryDto {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            hash: e.hash,
        })
        .collect();
    Ok(Json(AuditPage {
        chain_verified,
        entries,
    }))
}
