//! `POST /api/v1/address/parse`: one address or a batch of up to 10,000.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use yiwang_address::{Scheme, parse, to_wire};

use super::extract::AppJson;
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};

/// Largest batch accepted in one request.
pub(crate) const MAX_BATCH: usize = 10_000;

/// One address (`address`) or many (`addresses`), and the label scheme.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ParseRequest {
    /// A single address.
    address: Option<String>,
    /// Up to 10,000 addresses.
    addresses: Option<Vec<String>>,
    /// `yiwang` (default) or `ccks`.
    scheme: Option<String>,
}

/// Splits addresses into labelled components with spans into the input, and infers the district
/// when it is not written. A single address answers one parse object
/// (`{"input","normalized","components":[{"label","text","start","end"}],"district","district_code"}`);
/// a batch answers `{"results": [...]}` in input order.
#[utoipa::path(post, path = "/api/v1/address/parse", tag = "address", request_body = ParseRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "the parse, or {results: [...]} for a batch"),
        (status = 400, body = crate::error::Problem), (status = 413, body = crate::error::Problem)))]
pub(crate) async fn parse_addresses(
    State(state): State<AppState>,
    _: Need<perm::ReadDivisions>,
    AppJson(req): AppJson<ParseRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let scheme: Scheme = match &req.scheme {
        Some(s) => s
            .parse()
            .map_err(|e: String| ApiError::new(Code::InvalidRequest, e))?,
        None => Scheme::Yiwang,
    };
    match (req.address, req.addresses) {
        (Some(address), None) => {
            let wire = to_wire(&parse(&address, &state.gazetteer), scheme);
            Ok(Json(serde_json::to_value(wire).map_err(|e| {
                ApiError::new(Code::Internal, e.to_string())
            })?))
        }
        (None, Some(addresses)) => {
            if addresses.len() > MAX_BATCH {
                return Err(ApiError::new(
                    Code::PayloadTooLarge,
                    format!(
                        "{} addresses in one batch; send at most {MAX_BATCH} per request",
                        addresses.len()
                    ),
                ));
            }
            let gazetteer = state.gazetteer.clone();
            let results = tokio::task::spawn_blocking(move || {
                addresses
                    .iter()
                    .map(|a| to_wire(&parse(a, &gazetteer), scheme))
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
            Ok(Json(serde_json::json!({ "results": results })))
        }
        _ => Err(ApiError::new(
            Code::InvalidRequest,
            "send either `address` (one string) or `addresses` (a list of strings), not both",
        )),
    }
}
