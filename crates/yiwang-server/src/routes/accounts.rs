//! Account administration.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yiwang_core::role::Role;
use yiwang_core::validate::account::{validate_password, validate_username};
use yiwang_store::NewAccount;

use super::extract::AppJson;
use crate::AppState;
use crate::auth::{Need, hash_password, perm};
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
