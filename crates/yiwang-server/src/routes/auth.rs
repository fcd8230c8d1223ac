//! Login, logout and "who am I".

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yiwang_store::AuditEvent;

use super::extract::AppJson;
use crate::AppState;
use crate::auth::{Caller, TOKEN_TTL, new_token, token_hash, verify_password};
use crate::error::{ApiError, ApiResult, Code};

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct LoginRequest {
    /// Login name.
    username: String,
    /// Password.
    password: String,
}

/// A new session.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// Role identifiers of the account.
    pub roles: Vec<String>,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
}

/// The caller's account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Me {
    username: String,
    display_name: String,
    org_code: Option<String>,
    roles: Vec<String>,
    /// Permission identifiers the roles grant.
    permissions: Vec<String>,
    expires_at: DateTime<Utc>,
}

/// A hash to verify against when the username is unknown, so both paths cost the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5ZC4ZuM0K2u7kVJ8p1qvl3GyS8b1sWUXQ2l9v1Ea3o8";

/// Exchanges a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = LoginResponse), (status = 401, body = crate::error::Problem)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    AppJson(req): AppJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let account = state.store.account_by_username(&req.username).await?;
    let phc = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_owned());
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
    let account = match account {
        Some(a) if ok && !a.disabled => a,
        _ => {
            state
                .store
                .audit(&AuditEvent {
                    actor: req.username.clone(),
                    action: "auth.login_failed".to_owned(),
                    entity: "account".to_owned(),
                    entity_id: Some(req.username.clone()),
                    detail: serde_json::json!({}),
                })
                .await?;
            return Err(ApiError::new(
                Code::InvalidCredentials,
                "wrong username or password, or the account is disabled",
            ));
        }
    };
    let token = new_token();
    let expires_at = (Utc::now() + TOKEN_TTL).trunc_subsecs(6);
    let audit = AuditEvent {
        actor: account.username.clone(),
        action: "auth.login".to_owned(),
        entity: "account".to_owned(),
        entity_id: Some(account.username.clone()),
        detail: serde_json::json!({}),
    };
    state
        .store
        .open_session(&token_hash(&token), account.id, expires_at, &audit)
        .await?;
    Ok(Json(LoginResponse {
        token,
        roles: account
            .roles
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        expires_at,
    }))
}

/// Revokes the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::Problem)))]
pub(crate) async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    let audit = AuditEvent {
        actor: caller.username().to_owned(),
        action: "auth.logout".to_owned(),
        entity: "account".to_owned(),
        entity_id: Some(caller.username().to_owned()),
        detail: serde_json::json!({}),
    };
    state
        .store
        .close_session(&caller.token_hash, &audit)
        .await?;
    // After the revocation is committed, so no request can put the session back meanwhile.
    state.sessions.forget(&caller.token_hash);
    Ok(StatusCode::NO_CONTENT)
}

/// The account behind the token, its roles and permissions.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem)))]
pub(crate) async fn me(caller: Caller) -> Json<Me> {
    let account = &caller.session.account;
    let permissions = yiwang_core::role::Permission::ALL
        .iter()
        .filter(|p| yiwang_core::role::roles_allow(&account.roles, **p))
        .map(|p| p.as_str().to_owned())
        .collect();
    Json(Me {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        org_code: account.org_code.clone(),
        roles: account
            .roles
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        permissions,
        expires_at: caller.session.expires_at,
    })
}
