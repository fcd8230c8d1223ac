//! Point → grid chain and nearby premises.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_geo::{Crs, convert};

use super::extract::{AppQuery, crs_param};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct LocateQuery {
    /// Longitude.
    lon: f64,
    /// Latitude.
    lat: f64,
    /// Coordinate system of `lon`/`lat` and of the coordinates returned: `wgs84` (default),
    /// `gcj02` or `bd09`.
    crs: Option<String>,
    /// Search radius for nearby premises in metres (1–2000, default 200).
    radius_m: Option<f64>,
    /// At most this many nearby premises (0–50, default 10).
    limit: Option<usize>,
}

/// A grid cell in the chain.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CellDto {
    code: String,
    name: String,
}

/// A person responsible for a cell.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct StaffDto {
    grid_code: String,
    /// `grid_leader`, `grid_worker` or `building_group_leader`.
    role: String,
    /// 网格长 / 网格员 / 楼组长.
    role_zh: String,
    name: String,
    /// Masked, e.g. 138****5678.
    phone: Option<String>,
}

/// A nearby building.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct NearbyDto {
    premises_id: i64,
    standard_address: String,
    name: Option<String>,
    lon: f64,
    lat: f64,
    distance_m: f64,
}

/// The grid chain of a point, from 街镇 down to 楼组, and the buildings nearest to it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Located {
    street: Option<CellDto>,
    area: Option<CellDto>,
    community: Option<CellDto>,
    micro_grid: Option<CellDto>,
    building_group: Option<CellDto>,
    /// Nearest buildings first; coordinates in the requested `crs`. Empty for roles that may not
    /// see premises.
    nearest_premises: Vec<NearbyDto>,
    /// Who is responsible: the 楼组长, the 网格员 of the 微网格 and the 网格长 of the 居民区, smallest
    /// cell first; phones masked (3+4 digits shown), names masked for roles outside the district
    /// staff.
    staff: Vec<StaffDto>,
}

fn cell(c: Option<yiwang_index::Cell>) -> Option<CellDto> {
    c.map(|c| CellDto {
        code: c.code,
        name: c.name,
    })
}

/// Which grid cells contain a point: exactly one per level inside the district (a point on a
/// shared edge belongs to the cell on its right, or above it on a horizontal edge).
#[utoipa::path(get, path = "/api/v1/locate", tag = "places", params(LocateQuery), security(("bearer" = [])),
    responses((status = 200, body = Located), (status = 400, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem, description = "outside the district")))]
pub(crate) async fn locate(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ReadGrids>,
    AppQuery(q): AppQuery<LocateQuery>,
) -> ApiResult<Json<Located>> {
    let crs = crs_param(q.crs.as_deref())?;
    if !(-180.0..=180.0).contains(&q.lon) || !(-90.0..=90.0).contains(&q.lat) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!(
                "lon must be in [-180, 180] and lat in [-90, 90]; got lon={} lat={}",
                q.lon, q.lat
            ),
        ));
    }
    let radius = q.radius_m.unwrap_or(200.0).clamp(1.0, 2000.0);
    let limit = q.limit.unwrap_or(10).min(50);
    let (lon, lat) = convert(q.lon, q.lat, crs, Crs::Wgs84);
    let grid = state.grid();
    let chain = grid.locator.chain(lon, lat);
    if chain.is_empty() {
        return Err(ApiError::new(
            Code::OutsideDistrict,
            format!(
                "({}, {}) in {} lies in no grid of this district; check the coordinates and their crs",
                q.lon,
                q.lat,
                crs.as_str()
            ),
        ));
    }
    let nearest_premises = if !yiwang_core::disclosure::may_see_premises(caller.roles()) {
        Vec::new()
    } else {
        grid.locator
            .nearest_buildings(lon, lat, radius, limit)
            .into_iter()
            .map(|b| {
                let (lon, lat) = convert(b.lon, b.lat, Crs::Wgs84, crs);
                NearbyDto {
                    premises_id: b.id,
                    standard_address: b.standard_address,
                    name: b.name,
                    lon,
                    lat,
                    distance_m: b.distance_m,
                }
            })
            .collect()
    };
    let codes: Vec<&str> = [&chain.building_group, &chain.micro_grid, &chain.community]
        .into_iter()
        .flatten()
        .map(|c| c.code.as_str())
        .collect();
    let staff = codes
        .iter()
        .filter_map(|code| grid.staff.get(*code))
        .flatten()
        .map(|s| {
            let (name, phone) =
                yiwang_core::disclosure::staff_contact(caller.roles(), &s.name, s.phone.as_deref());
            StaffDto {
                grid_code: s.grid_code.clone(),
                role: s.role.as_str().to_owned(),
                role_zh: s.role.name_zh().to_owned(),
                name,
                phone,
            }
        })
        .collect();
    Ok(Json(Located {
        street: cell(chain.street),
        area: cell(chain.area),
        community: cell(chain.community),
        micro_grid: cell(chain.micro_grid),
        building_group: cell(chain.building_group),
        nearest_premises,
        staff,
    }))
}
