//! Account administration.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yiwang_core::role::Role;
use yiwang_core::validate::account::{validate_password, validate_username};
use yiwang_store::NewAccount;

use super::extract::{AppJson, AppPath};
use crate::AppState;
use crate::auth::{Need, hash_password, issue_api_key, perm};
use crate::error::{ApiError, ApiResult, Code};

/// An account as administrators see it (never the password hash).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct AccountDto {
    id: i64,
    username: String,
    display_name: String,
    org_code: Option<String>,
    disabled: bool,
    roles: Vec<String>,
}

/// An account to create.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct CreateAccount {
    /// Login name: 3–64 characters of a–z, 0–9, `_`, `-`, `.`.
    username: String,
    /// Name shown in the console.
    display_name: Option<String>,
    /// At least 8 characters.
    password: String,
    /// Role identifiers, e.g. `intake_operator`.
    roles: Vec<String>,
    /// Department or street code the account belongs to.
    org_code: Option<String>,
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<AccountDto>), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Need<perm::ManageAccounts>,
) -> ApiResult<Json<Vec<AccountDto>>> {
    let accounts = state.store.accounts().await?;
    Ok(Json(
        accounts
            .into_iter()
            .map(|a| AccountDto {
                id: a.id,
                username: a.username,
                display_name: a.display_name,
                org_code: a.org_code,
                disabled: a.disabled,
                roles: a.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            })
            .collect(),
    ))
}

/// Creates an account (audited).
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), request_body = CreateAccount,
    responses((status = 201, body = AccountDto), (status = 400, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ManageAccounts>,
    AppJson(req): AppJson<CreateAccount>,
) -> ApiResult<(StatusCode, Json<AccountDto>)> {
    validate_username(&req.username)
        .and_then(|()| validate_password(&req.password))
        .map_err(|e| ApiError::new(Code::InvalidRequest, e.to_string()))?;
    if req.roles.is_empty() {
        return Err(ApiError::new(
            Code::InvalidRequest,
            "give the account at least one role",
        ));
    }
    let roles = req
        .roles
        .iter()
        .map(|r| {
            r.parse::<Role>().map_err(|e| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                ApiError::new(
                    Code::InvalidRequest,
                    format!("{e}; known roles: {}", known.join(", ")),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let password = req.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::new(Code::Internal, e.to_string()))??;
    let new = NewAccount {
        username: req.username.clone(),
        display_name: req
            .display_name
            .clone()
            .unwrap_or_else(|| req.username.clone()),
        password_hash,
        org_code: req.org_code.clone(),
        roles: roles.clone(),
    };
    let id = state
        .store
        .create_account(&new, caller.username())
        .await
        .map_err(|e| match e {
            yiwang_store::StoreError::Conflict(_) => ApiError::new(
                Code::Conflict,
                format!("username `{}` is taken; choose another", req.username),
            ),
            other => other.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(AccountDto {
            id,
            username: new.username,
            display_name: new.display_name,
            org_code: new.org_code,
            disabled: false,
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        }),
    ))
}

/// An API key to issue.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(crate) struct CreateApiKey {
    /// What the key is for (e.g. the client application); at most 200 characters.
    label: Option<String>,
}

/// A new API key: `key` is shown this once and never again (only its hash is kept).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ApiKeyDto {
    id: i64,
    account_id: i64,
    username: String,
    /// The key: send it as Open311 `api_key`.
    key: String,
    /// Its first characters, to tell keys apart later.
    prefix: String,
    label: String,
    created_at: DateTime<Utc>,
}

/// Issues an API key to an account (audited): machine clients such as a citizen app send it as
/// Open311 `api_key`, and their requests are recorded under the account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/api-keys", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")), request_body = CreateApiKey,
    responses((status = 201, body = ApiKeyDto), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn create_api_key(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ManageAccounts>,
    AppPath(id): AppPath<i64>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ApiKeyDto>)> {
    // The body is optional: no body is no label.
    let req: CreateApiKey = if body.iter().all(u8::is_ascii_whitespace) {
        CreateApiKey::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(
                Code::InvalidJson,
                format!("the body is not a key request: {e}"),
            )
        })?
    };
    let label = req.label.unwrap_or_default().trim().to_owned();
    if label.chars().count() > 200 {
        return Err(ApiError::new(
            Code::InvalidRequest,
            "`label` is longer than 200 characters",
        ));
    }
    let account = state
        .store
        .account(id)
        .await?
        .ok_or_else(|| ApiError::not_found("account", id))?;
    let (record, key) = issue_api_key(&state.store, account.id, &label, caller.username()).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiKeyDto {
            id: record.id,
            account_id: account.id,
            username: account.username,
            key,
            prefix: record.prefix,
            label: record.label,
            created_at: record.created_at,
        }),
    ))
}

/// A key issued to an account, as listed (the key itself is never shown again).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ApiKeySummary {
    id: i64,
    /// Its first characters.
    prefix: String,
    label: String,
    created_at: DateTime<Utc>,
}

/// The live API keys of an account, oldest first (prefixes and labels, never the keys).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/api-keys", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = Vec<ApiKeySummary>), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub(crate) async fn list_api_keys(
    State(state): State<AppState>,
    _: Need<perm::ManageAccounts>,
    AppPath(id): AppPath<i64>,
) -> ApiResult<Json<Vec<ApiKeySummary>>> {
    state
        .store
        .account(id)
        .await?
        .ok_or_else(|| ApiError::not_found("account", id))?;
    Ok(Json(
        state
            .store
            .api_keys_of(id)
            .await?
            .into_iter()
            .map(|k| ApiKeySummary {
                id: k.id,
                prefix: k.prefix,
                label: k.label,
                created_at: k.created_at,
            })
            .collect(),
    ))
}

/// Revokes an API key (audited): from now on the key is refused like an unknown one.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/api-keys/{key_id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id"), ("key_id" = i64, Path, description = "key id")),
    responses((status = 204), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub(crate) async fn revoke_api_key(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ManageAccounts>,
    AppPath((id, key_id)): AppPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    if state
        .store
        .revoke_api_key(id, key_id, caller.username())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            "live API key of this account",
            format!("{id}/{key_id}"),
        ))
    }
}
