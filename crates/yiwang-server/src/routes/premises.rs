//! The premises registry: one node, its children, search by standard-address prefix.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::disclosure::{readable_attestation_ends, sees_resident_counts};
use yiwang_core::model::{Premises, PremisesAlias};

use super::extract::{AppPath, AppQuery, CrsQuery, crs_param};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};
use yiwang_geo::{Crs, convert};

/// Premises with aliases and the number of direct children.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PremisesDto {
    #[serde(flatten)]
    premises: Premises,
    aliases: Vec<PremisesAlias>,
    children: i64,
}

/// The premises with its point expressed in `crs`.
fn in_crs(mut p: Premises, crs: Crs) -> Premises {
    if crs == Crs::Wgs84 {
        return p;
    }
    if let (Some(lon), Some(lat)) = (p.lon, p.lat) {
        let (x, y) = convert(lon, lat, Crs::Wgs84, crs);
        p.lon = Some((x * 1e7).round() / 1e7);
        p.lat = Some((y * 1e7).round() / 1e7);
    }
    p
}

/// One premises.
#[utoipa::path(get, path = "/api/v1/premises/{id}", tag = "premises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "premises id"), CrsQuery),
    responses((status = 200, body = PremisesDto), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<CrsQuery>,
) -> ApiResult<Json<PremisesDto>> {
    let crs = crs_param(q.crs.as_deref())?;
    let detail = state
        .store
        .premises(id)
        .await?
        .ok_or_else(|| ApiError::not_found("premises", id))?;
    Ok(Json(PremisesDto {
        premises: in_crs(detail.premises, crs),
        aliases: detail.aliases,
        children: detail.children,
    }))
}

/// Direct children of a premises (buildings of a compound, floors or rooms of a building).
#[utoipa::path(get, path = "/api/v1/premises/{id}/children", tag = "premises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "premises id"), CrsQuery),
    responses((status = 200, body = Vec<Premises>), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn children(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<CrsQuery>,
) -> ApiResult<Json<Vec<Premises>>> {
    let crs = crs_param(q.crs.as_deref())?;
    if state.store.premises(id).await?.is_none() {
        return Err(ApiError::not_found("premises", id));
    }
    let children = state.store.premises_children(id).await?;
    Ok(Json(children.into_iter().map(|p| in_crs(p, crs)).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SearchQuery {
    /// Start of the standard address, e.g. `上海市徐汇区宛平南路500弄` (at least 2 characters).
    prefix: String,
    /// At most this many results (1–500, default 50).
    limit: Option<i64>,
    /// Coordinate system of `lon`/`lat` returned: `wgs84` (default), `gcj02` or `bd09`.
    crs: Option<String>,
}

/// Premises whose standard address starts with `prefix`, in address order.
#[utoipa::path(get, path = "/api/v1/premises", tag = "premises", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Premises>), (status = 400, body = crate::error::Problem)))]
pub(crate) async fn search(
    State(state): State<AppState>,
    _: Need<perm::ReadPremises>,
    AppQuery(q): AppQuery<SearchQuery>,
) -> ApiResult<Json<Vec<Premises>>> {
    if q.prefix.chars().count() < 2 {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "`prefix` needs at least 2 characters",
        ));
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let crs = crs_param(q.crs.as_deref())?;
    let found = state.store.premises_by_prefix(&q.prefix, limit).await?;
    Ok(Json(found.into_iter().map(|p| in_crs(p, crs)).collect()))
}

/// Residents of one type.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResidentCount {
    /// `registered` (户籍), `migrant` (来沪) or `overseas` (境外).
    person_type: String,
    /// How many.
    count: i64,
}

/// Dwellings of one use.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwellingCount {
    /// `owner_occupied` (自住), `rented` (出租), `vacant` (空置) or `commercial` (商用).
    use_kind: String,
    /// Housing records.
    count: i64,
    /// Their floor area, m².
    area_m2: f64,
}

/// A unit registered at the premises or inside it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnitDto {
    uscc: String,
    name: String,
    industry: String,
    staff: Option<i64>,
    registered_at: String,
    premises_id: i64,
    address: String,
}

/// One end's attestation about the premises (住所云).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttestationDto {
    /// `approval` (审批), `management` (管理), `property` (物业) or `business` (营商).
    end: String,
    /// `exists`, `use`, `occupant`, `lease` or `property_manager`.
    fact: String,
    value: String,
    evidence: Option<String>,
    attested_at: String,
    attester: Option<String>,
}

/// What the registries hold under a premises (一楼一档).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RegistersDto {
    /// Rooms in it (1 for a room).
    rooms: i64,
    /// Residents (实有人口) by type; `null` when the caller's roles do not read the population
    /// registry.
    residents: Option<Vec<ResidentCount>>,
    /// Dwellings (实有房屋) by use.
    dwellings: Vec<DwellingCount>,
    /// Units (实有单位) registered at it or inside it, in all.
    units_total: i64,
    /// The first 50 of them, by name.
    units: Vec<UnitDto>,
    /// Attestations about the premises itself, of the ends the caller may read.
    attestations: Vec<AttestationDto>,
}

/// Units listed per dossier.
const DOSSIER_UNITS: i64 = 50;

/// The registries under a premises: residents by type (for the roles that read the population
/// registry), dwellings by use, units registered there and the 住所云 attestations about it.
#[utoipa::path(get, path = "/api/v1/premises/{id}/registers", tag = "premises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "premises id")),
    responses((status = 200, body = RegistersDto), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn registers(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ReadPremises>,
    AppPath(id): AppPath<i64>,
) -> ApiResult<Json<RegistersDto>> {
    let r = state
        .store
        .premises_registers(id, DOSSIER_UNITS)
        .await?
        .ok_or_else(|| ApiError::not_found("premises", id))?;
    let readable = readable_attestation_ends(caller.roles());
    Ok(Json(RegistersDto {
        rooms: r.rooms,
        residents: sees_resident_counts(caller.roles()).then(|| {
            r.persons_by_type
                .into_iter()
                .map(|(person_type, count)| ResidentCount { person_type, count })
                .collect()
        }),
        dwellings: r
            .housing_by_use
            .into_iter()
            .map(|(use_kind, count, area_m2)| DwellingCount {
                use_kind,
                count,
                area_m2,
            })
            .collect(),
        units_total: r.units_total,
        units: r
            .units
            .into_iter()
            .map(|u| UnitDto {
                uscc: u.uscc,
                name: u.name,
                industry: u.industry,
                staff: u.staff,
                registered_at: u.registered_at,
                premises_id: u.premises_id,
                address: u.address,
            })
            .collect(),
        attestations: r
            .attestations
            .into_iter()
            .filter(|a| {
                readable
                    .as_ref()
                    .is_none_or(|ends| ends.iter().any(|e| e.as_str() == a.end))
            })
            .map(|a| AttestationDto {
                end: a.end,
                fact: a.fact,
                value: a.value,
                evidence: a.evidence,
                attested_at: a.attested_at,
                attester: a.attester,
            })
            .collect(),
    }))
}
