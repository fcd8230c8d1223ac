//! Extractors whose rejections are problem+json like every other error.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

use crate::error::{ApiError, Code};

/// JSON body; a bad body is a 400 `invalid_json` that says what was wrong.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub(crate) struct AppJson<T>(pub T);

/// Query string; a bad parameter is a 400 `invalid_query`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub(crate) struct AppQuery<T>(pub T);

/// Path parameters; a malformed one is a 400 `invalid_request`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub(crate) struct AppPath<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::new(
                Code::PayloadTooLarge,
                "the request body is larger than 16 MiB; send smaller batches",
            );
        }
        ApiError::new(Code::InvalidJson, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(Code::InvalidQuery, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(Code::InvalidRequest, rejection.body_text())
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for AppJson<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// The `crs` query parameter: `wgs84` (default), `gcj02` or `bd09`.
pub(crate) fn crs_param(crs: Option<&str>) -> Result<yiwang_geo::Crs, ApiError> {
    match crs {
        Some(name) => name
            .parse()
            .map_err(|e: yiwang_geo::GeoError| ApiError::new(Code::InvalidQuery, e.to_string())),
        None => Ok(yiwang_geo::Crs::Wgs84),
    }
}

/// A query with only the `crs` parameter.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct CrsQuery {
    /// Coordinate system of the coordinates returned: `wgs84` (default), `gcj02` or `bd09`.
    pub(crate) crs: Option<String>,
}
