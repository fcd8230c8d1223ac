//! 群租 (group rental) flags from the registries, and opening a case from one.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::model::CaseSource;
use yiwang_core::reference::CategoryKind;
use yiwang_core::registry::group_rental::{GroupRentalFlag, assess, case_text};

use super::extract::{AppPath, AppQuery};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::desk::IntakeRequest;
use crate::error::{ApiError, ApiResult, Code};

/// The event subclass of 群租 in the case catalogue.
const GROUP_RENTAL_SUBCLASS: &str = "0601";

/// Which dwellings to assess.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct FlagsQuery {
    /// Only this street (9-digit code).
    street: Option<String>,
    /// At most this many flags (default 200, at most 5,000).
    limit: Option<usize>,
}

async fn flags(state: &AppState, street: Option<&str>) -> ApiResult<Vec<GroupRentalFlag>> {
    let today = yiwang_core::workflow::shanghai(Utc::now()).date();
    let adult_born_by = today
        .with_year(today.year() - 18)
        .or_else(|| {
            today
                .pred_opt()
                .and_then(|d| d.with_year(today.year() - 18))
        })
        .unwrap_or(today);
    let occupancy = state.store.rental_occupancy(street, adult_born_by).await?;
    Ok(occupancy.iter().filter_map(assess).collect())
}

/// Dwellings the registries show as possible 群租 (rented, or declared vacant, and breaking the
/// 5 m² per resident or 2 per room rule), with the evidence, for grid workers to check on site.
#[utoipa::path(get, path = "/api/v1/registries/group-rentals", tag = "registries",
    security(("bearer" = [])), params(FlagsQuery),
    responses((status = 200, body = [Object]), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Need<perm::WriteRegistries>,
    AppQuery(q): AppQuery<FlagsQuery>,
) -> ApiResult<axum::Json<Vec<GroupRentalFlag>>> {
    let mut found = flags(&state, q.street.as_deref()).await?;
    found.truncate(q.limit.unwrap_or(200).clamp(1, 5_000));
    Ok(axum::Json(found))
}

/// The case opened from a flag.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OpenedCase {
    /// The case.
    case_id: i64,
    /// Its number.
    case_no: String,
    /// The department it is routed to.
    department_code: Option<String>,
    /// An open case about the same place it was merged into, if any.
    duplicate_of: Option<i64>,
}

/// Opens a grid-patrol case (event 群租, routed like any case) from the flag on a dwelling; the
/// case text carries the evidence. Refused if the dwelling is not flagged (any more).
#[utoipa::path(post, path = "/api/v1/registries/group-rentals/{room_id}/case", tag = "registries",
    security(("bearer" = [])), params(("room_id" = i64, Path, description = "the flagged dwelling")),
    responses((status = 201, body = OpenedCase), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn open_case(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::IntakeCases>,
    AppPath(room_id): AppPath<i64>,
) -> ApiResult<(StatusCode, axum::Json<OpenedCase>)> {
    let premises = state
        .premises_by_id(room_id)
        .await?
        .ok_or_else(|| ApiError::new(Code::NotFound, format!("no premises {room_id}")))?;
    let street = state
        .store
        .premises_record(room_id)
        .await?
        .map(|p| p.street_code);
    let flag = flags(&state, street.as_deref())
        .await?
        .into_iter()
        .find(|f| f.room_id == room_id)
        .ok_or_else(|| {
            ApiError::new(
                Code::NotFound,
                format!("premises {room_id} is not flagged as possible 群租 by the registries"),
            )
        })?;
    let request = IntakeRequest {
        source: CaseSource::GridPatrol,
        text: case_text(&flag),
        address: Some(premises.standard_address.clone()),
        point: premises.point,
        category: Some((CategoryKind::Event, GROUP_RENTAL_SUBCLASS.to_owned())),
        filing_condition: None,
        request_type: None,
        priority: None,
        reporter_name: None,
        reporter_phone: None,
        reporter_account_id: None,
        premises: Some((premises.premises_id, premises.point)),
        attachments: Vec::new(),
    };
    let (intake, enrichment) = state
        .take_case(request, caller.username().to_owned(), None)
        .await?;
    let case = match intake {
        yiwang_store::Intake::Created(c) | yiwang_store::Intake::Replayed(c) => c,
    };
    Ok((
        StatusCode::CREATED,
        axum::Json(OpenedCase {
            case_id: case.id,
            case_no: case.case_no,
            department_code: case.department_code,
            duplicate_of: enrichment.duplicate_of.map(|(id, _)| id),
        }),
    ))
}
