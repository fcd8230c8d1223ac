//! `POST /api/v1/address/parse` and `POST /api/v1/address/match`: one address or a batch of up
//! to 10,000.

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

/// Candidates returned per address when `limit` is not given.
const DEFAULT_LIMIT: usize = 5;
/// Most candidates returned per address.
const MAX_LIMIT: usize = 50;

/// One address (`address`) or many (`addresses`), and how many candidates to return for each.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct MatchRequest {
    /// A single address.
    address: Option<String>,
    /// Up to 10,000 addresses.
    addresses: Option<Vec<String>>,
    /// Candidates per address, 1 to 50 (default 5).
    limit: Option<usize>,
}

/// One input and its candidates, best first.
fn match_one(state: &AppState, input: &str, limit: usize) -> serde_json::Value {
    let candidates = state.matcher.find(input, &state.gazetteer, limit);
    serde_json::json!({ "input": input, "candidates": candidates })
}

/// Matches addresses against the premises registry. A single address answers
/// `{"input","candidates":[{"premises_id","standard_address","score","level","reasons"}]}`; a
/// batch answers `{"results": [...]}` in input order. `level` is `room`, `floor`, `unit`,
/// `building`, `compound`, `road`, `street` or `district` (`premises_id` is null for the last
/// three); `score` runs from 0 to 1. A candidate is never below what was written: an address
/// naming a building but no room yields the building.
#[utoipa::path(post, path = "/api/v1/address/match", tag = "address", request_body = MatchRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "the candidates, or {results: [...]} for a batch"),
        (status = 400, body = crate::error::Problem), (status = 413, body = crate::error::Problem)))]
pub(crate) async fn match_addresses(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppJson(req): AppJson<MatchRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let limit = req.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::new(
            Code::InvalidRequest,
            format!("`limit` must be between 1 and {MAX_LIMIT}"),
        ));
    }
    match (req.address, req.addresses) {
        (Some(address), None) => Ok(Json(match_one(&state, &address, limit))),
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
            let results = tokio::task::spawn_blocking(move || {
                addresses
                    .iter()
                    .map(|a| match_one(&state, a, limit))
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
