//! `GET /tiles/{layer}/{z}/{x}/{y}.mvt`: Mapbox Vector Tiles with ETags.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use yiwang_core::role::Permission;
use yiwang_geo::tile::TileId;
use yiwang_index::TileLayerKind;

use super::extract::AppPath;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Code};

const MVT: &str = "application/vnd.mapbox-vector-tile";

fn parse(layer: &str, z: &str, x: &str, file: &str) -> Result<(TileLayerKind, TileId), ApiError> {
    let layer: TileLayerKind = layer
        .parse()
        .map_err(|e: String| ApiError::new(Code::InvalidRequest, e))?;
    let y = file.strip_suffix(".mvt").ok_or_else(|| {
        ApiError::new(
            Code::InvalidRequest,
            "tile paths end in `.mvt`: /tiles/{layer}/{z}/{x}/{y}.mvt",
        )
    })?;
    let number = |what: &str, v: &str| -> Result<u32, ApiError> {
        v.parse().map_err(|_| {
            ApiError::new(
                Code::InvalidRequest,
                format!("tile {what} `{v}` is not a whole number"),
            )
        })
    };
    let z = u8::try_from(number("zoom", z)?)
        .map_err(|_| ApiError::new(Code::InvalidRequest, "zoom too large"))?;
    let tile = TileId::new(z, number("x", x)?, number("y", y)?)
        .map_err(|e| ApiError::new(Code::InvalidRequest, e.to_string()))?;
    Ok((layer, tile))
}

/// A vector tile of one layer: `streets`, `areas`, `communities`, `micro_grids`, `building_groups`,
/// `buildings` or `cases` (clustered with `count`/`overdue` below zoom 15, points with
/// `state`/`overdue`/`category` from zoom 15). Answers 304 to a matching `If-None-Match`.
#[utoipa::path(get, path = "/tiles/{layer}/{z}/{x}/{y}.mvt", tag = "places", security(("bearer" = [])),
    params(("layer" = String, Path, description = "layer name"), ("z" = u8, Path, description = "zoom 0–22"),
        ("x" = u32, Path, description = "column"), ("y" = u32, Path, description = "row")),
    responses((status = 200, content_type = "application/vnd.mapbox-vector-tile", description = "the tile"),
        (status = 304, description = "unchanged"), (status = 400, body = crate::error::Problem)))]
pub(crate) async fn tile(
    State(state): State<AppState>,
    caller: Caller,
    AppPath((layer, z, x, file)): AppPath<(String, String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (layer, tile) = parse(&layer, &z, &x, &file)?;
    caller.require(match layer {
        TileLayerKind::Cases => Permission::ReadCases,
        TileLayerKind::Buildings => Permission::ReadPremises,
        _ => Permission::ReadGrids,
    })?;
    // A tile drawn before is answered here; drawing one (up to ~10 ms) goes to a blocking thread.
    let renderer = Arc::clone(&state.grid().tiles);
    let rendered = match renderer.cached(layer, tile) {
        Some(hit) => hit,
        None => tokio::task::spawn_blocking(move || renderer.tile(layer, tile))
            .await
            .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?
            .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?,
    };
    let etag = rendered.etag.clone();
    // Grid tiles change only with boundary imports; case tiles with every case (the server
    // redraws the layer every `case_map::REFRESH_EVERY`; a browser asks again as often, and an
    // unchanged tile costs a 304).
    let cache = if layer == TileLayerKind::Cases {
        "private, max-age=10"
    } else {
        "private, max-age=3600"
    };
    let etag_value =
        HeaderValue::from_str(&etag).map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
        )
            .into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(MVT)),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        rendered.bytes.clone(),
    )
        .into_response())
}
