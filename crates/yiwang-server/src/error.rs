//! The one table of API error codes, and their `application/problem+json` rendering (RFC 9457).
//!
//! Codes are stable API: clients may branch on `code`. Add new ones; never rename.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use yiwang_store::StoreError;

/// Declares the error-code table: variant, stable code, HTTP status, title.
macro_rules! error_codes {
    ($($variant:ident => $code:literal, $status:ident, $title:literal;)+) => {
        /// A stable, documented API error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code { $(#[doc = $title] $variant),+ }

        impl Code {
            /// Every code, for the documentation.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The identifier clients branch on.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),+ }
            }

            /// HTTP status of this code.
            pub fn status(self) -> StatusCode {
                match self { $(Code::$variant => StatusCode::$status),+ }
            }

            /// Short, fixed summary of the problem type.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),+ }
            }
        }
    };
}

error_codes! {
    InvalidRequest => "invalid_request", BAD_REQUEST, "The request is malformed";
    InvalidJson => "invalid_json", BAD_REQUEST, "The request body is not the JSON this endpoint expects";
    InvalidQuery => "invalid_query", BAD_REQUEST, "A query parameter is invalid";
    AuthenticationRequired => "authentication_required", UNAUTHORIZED, "Authentication is required";
    InvalidToken => "invalid_token", UNAUTHORIZED, "The bearer token is unknown, expired or revoked";
    InvalidCredentials => "invalid_credentials", UNAUTHORIZED, "Wrong username or password";
    PermissionDenied => "permission_denied", FORBIDDEN, "Your roles do not allow this";
    NotFound => "not_found", NOT_FOUND, "No such record";
    RouteNotFound => "route_not_found", NOT_FOUND, "No such endpoint";
    OutsideDistrict => "outside_district", NOT_FOUND, "The point is outside the district";
    MethodNotAllowed => "method_not_allowed", METHOD_NOT_ALLOWED, "This endpoint does not accept that method";
    Conflict => "conflict", CONFLICT, "The record conflicts with an existing one";
    ActionNotAllowed => "action_not_allowed", CONFLICT, "The action is not possible in the case's current state";
    CaseChanged => "case_changed", CONFLICT, "The case changed since it was read";
    RollbackRefused => "rollback_refused", CONFLICT, "The change set cannot be rolled back";
    InvalidActionInput => "invalid_action_input", UNPROCESSABLE_ENTITY, "The action lacks input it needs";
    BoundariesNotDerivable => "boundaries_not_derivable", UNPROCESSABLE_ENTITY, "The lower grid levels cannot be re-derived inside the new boundaries";
    PayloadTooLarge => "payload_too_large", PAYLOAD_TOO_LARGE, "The request body is too large";
    DatabaseUnavailable => "database_unavailable", SERVICE_UNAVAILABLE, "The database is unavailable";
    Internal => "internal", INTERNAL_SERVER_ERROR, "Internal error";
}

/// An error returned by an endpoint: a code plus a sentence a person can act on.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The stable code.
    pub code: Code,
    /// What went wrong and what to do about it.
    pub detail: String,
    /// For `action_not_allowed`: the actions that are possible now.
    pub allowed_actions: Option<Vec<String>>,
}

/// The `application/problem+json` body.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// URI naming the problem type: `urn:yiwang:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Fixed summary of the problem type.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong in this case, and what to do.
    pub detail: String,
    /// Stable code, see the error table in the OpenAPI description.
    pub code: String,
    /// For `action_not_allowed`: the actions the caller may take on the case now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
}

impl ApiError {
    /// An error with a code and a specific explanation.
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            allowed_actions: None,
        }
    }

    /// A 404 for a record of `kind` identified by `id`.
    pub fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::new(Code::NotFound, format!("no {kind} `{id}`"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        if status.is_server_error() {
            tracing::error!(code = self.code.as_str(), detail = %self.detail, "request failed");
        }
        // Internal details stay in the log; the client gets a generic sentence.
        let detail = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "something went wrong on the server; the error has been logged — try again, and report it if it persists"
                .to_owned()
        } else {
            self.detail
        };
        let body = Problem {
            type_uri: format!("urn:yiwang:problem:{}", self.code.as_str()),
            title: self.code.title().to_owned(),
            status: status.as_u16(),
            detail,
            code: self.code.as_str().to_owned(),
            allowed_actions: self.allowed_actions,
        };
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => ApiError::new(Code::Conflict, what),
            StoreError::Stale(what) => ApiError::new(Code::CaseChanged, what),
            StoreError::Unavailable(what) => ApiError::new(Code::DatabaseUnavailable, what),
            unavailable if unavailable.is_unavailable() => {
                tracing::warn!(error = %unavailable, "database unavailable");
                ApiError::new(
                    Code::DatabaseUnavailable,
                    "the database did not answer; try again shortly",
                )
            }
            other => ApiError::new(Code::Internal, other.to_string()),
        }
    }
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;
