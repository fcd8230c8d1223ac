//! The statutory calendar as a service: the same deadline computation cases use.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::reference::TimeLimitUnit;
use yiwang_core::workflow::TimeLimit;

use super::extract::AppQuery;
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};

/// A deadline question.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct DeadlineQuery {
    /// Start, RFC 3339 with an offset, e.g. `2026-11-27T10:00:00+08:00`.
    start: DateTime<FixedOffset>,
    /// How many units (1–1000).
    amount: u32,
    /// `working_day`, `working_hour`, `natural_day` or `urgent_hour`.
    unit: String,
}

/// The answer, in Asia/Shanghai time.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct DeadlineDto {
    start: String,
    amount: u32,
    unit: String,
    /// The deadline, RFC 3339 with +08:00.
    deadline: String,
    /// How working-day limits end: `end_of_day` or `same_time`.
    working_day_rule: String,
}

/// The deadline `amount` units after `start` on the district's calendar: "N working days" ends
/// at 23:59:59 (+08:00) of the N-th working day after the day of `start`; working hours count
/// only inside the working periods; holidays and make-up working days follow the State Council
/// calendar plus the district's own additions.
#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "cases", security(("bearer" = [])),
    params(DeadlineQuery),
    responses((status = 200, body = DeadlineDto), (status = 400, body = crate::error::Problem)))]
pub(crate) async fn deadline(
    State(state): State<AppState>,
    _: Need<perm::ReadCases>,
    AppQuery(q): AppQuery<DeadlineQuery>,
) -> ApiResult<Json<DeadlineDto>> {
    let unit: TimeLimitUnit = q
        .unit
        .parse()
        .map_err(|e: String| ApiError::new(Code::InvalidQuery, format!("`unit`: {e}")))?;
    if !(1..=1000).contains(&q.amount) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "`amount` must be between 1 and 1000",
        ));
    }
    let calendar = state
        .desk
        .calendar
        .read()
        .map_err(|_| ApiError::new(Code::Internal, "calendar lock poisoned"))?;
    let due = TimeLimit::new(q.amount, unit).due_from(q.start.to_utc(), &calendar);
    let shanghai =
        FixedOffset::east_opt(8 * 3600).ok_or_else(|| ApiError::new(Code::Internal, "offset"))?;
    Ok(Json(DeadlineDto {
        start: q.start.with_timezone(&shanghai).to_rfc3339(),
        amount: q.amount,
        unit: unit.as_str().to_owned(),
        deadline: due.with_timezone(&shanghai).to_rfc3339(),
        working_day_rule: match calendar.working_day_rule() {
            yiwang_core::WorkingDayRule::EndOfDay => "end_of_day",
            yiwang_core::WorkingDayRule::SameTime => "same_time",
        }
        .to_owned(),
    }))
}
