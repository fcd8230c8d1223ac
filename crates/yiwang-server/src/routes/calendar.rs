//! The statutory calendar as a service: the same deadline computation cases use.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::DayKind;
use yiwang_core::reference::TimeLimitUnit;
use yiwang_core::workflow::TimeLimit;

use super::extract::{AppJson, AppQuery};
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

/// A date listed as a holiday or a make-up working day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub(crate) struct DayDto {
    /// `YYYY-MM-DD`.
    date: String,
    /// `holiday` or `workday` (调休上班).
    kind: String,
    /// Why, e.g. 2027年春节.
    note: Option<String>,
}

/// The calendar in force.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CalendarDto {
    /// First and last year with listed dates (State Council calendar plus the district's additions).
    years_covered: [i32; 2],
    /// Dates the district added or corrected, in date order.
    district_days: Vec<DayDto>,
}

/// The years the calendar covers and the dates the district added to the statutory calendar.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "cases", security(("bearer" = [])),
    responses((status = 200, body = CalendarDto)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    _: Need<perm::ReadCases>,
) -> ApiResult<Json<CalendarDto>> {
    let district_days = state
        .store
        .calendar_days()
        .await?
        .into_iter()
        .map(|d| DayDto {
            date: d.day,
            kind: d.kind,
            note: d.note,
        })
        .collect();
    let calendar = state
        .desk
        .calendar
        .read()
        .map_err(|_| ApiError::new(Code::Internal, "calendar lock poisoned"))?;
    let years = calendar.years_covered();
    Ok(Json(CalendarDto {
        years_covered: [*years.start(), *years.end()],
        district_days,
    }))
}

/// Dates to list, as JSON or as CSV (`date,kind,note` header).
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct DaysRequest {
    /// Dates as records.
    days: Option<Vec<DayDto>>,
    /// Or the same as CSV text with the header `date,kind,note`.
    csv: Option<String>,
}

fn check_day(line: usize, date: &str, kind: &str) -> Result<(NaiveDate, DayKind), String> {
    let parsed = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| format!("line {line}: date `{date}` is not YYYY-MM-DD"))?;
    let kind: DayKind = kind
        .trim()
        .parse()
        .map_err(|_| format!("line {line}: kind `{kind}` is not holiday or workday"))?;
    Ok((parsed, kind))
}

/// Adds or corrects holidays and make-up working days (e.g. next year's, when the State Council
/// publishes them). Every date is checked first; if any is wrong, nothing changes and every
/// wrong one is reported. Deadlines computed from now on use the new calendar; audited.
#[utoipa::path(post, path = "/api/v1/calendar/days", tag = "cases", security(("bearer" = [])),
    request_body = DaysRequest,
    responses((status = 200, body = CalendarDto), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem)))]
pub(crate) async fn set_days(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ManageReferenceData>,
    AppJson(req): AppJson<DaysRequest>,
) -> ApiResult<Json<CalendarDto>> {
    let rows: Vec<(usize, String, String, Option<String>)> = match (req.days, req.csv) {
        (Some(days), None) => days
            .into_iter()
            .enumerate()
            .map(|(i, d)| (i + 1, d.date, d.kind, d.note))
            .collect(),
        (None, Some(csv)) => {
            let mut lines = csv.lines().enumerate();
            if lines.next().map(|(_, h)| h.trim()) != Some("date,kind,note") {
                return Err(ApiError::new(
                    Code::InvalidRequest,
                    "line 1: the CSV header must be `date,kind,note`",
                ));
            }
            lines
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    let mut f = l.splitn(3, ',');
                    let date = f.next().unwrap_or("").to_owned();
                    let kind = f.next().unwrap_or("").to_owned();
                    let note = f
                        .next()
                        .map(|n| n.trim().to_owned())
                        .filter(|n| !n.is_empty());
                    (i + 1, date, kind, note)
                })
                .collect()
        }
        _ => {
            return Err(ApiError::new(
                Code::InvalidRequest,
                "send either `days` (a list of {date, kind, note}) or `csv` (text with the header date,kind,note)",
            ));
        }
    };
    let mut good = Vec::new();
    let mut errors = Vec::new();
    for (line, date, kind, note) in &rows {
        match check_day(*line, date, kind) {
            Ok((d, k)) => good.push((d, k, note.clone())),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::new(Code::InvalidRequest, errors.join("; ")));
    }
    if good.is_empty() {
        return Err(ApiError::new(Code::InvalidRequest, "no dates given"));
    }
    let days: Vec<(NaiveDate, &str, Option<&str>)> = good
        .iter()
        .map(|(d, k, n)| (*d, k.as_str(), n.as_deref()))
        .collect();
    state
        .store
        .set_calendar_days(&days, caller.username())
        .await?;
    {
        let mut calendar = state
            .desk
            .calendar
            .write()
            .map_err(|_| ApiError::new(Code::Internal, "calendar lock poisoned"))?;
        for (d, k, _) in &good {
            calendar.with_overrides(*d, *k);
        }
    }
    show(State(state), Need(caller, std::marker::PhantomData)).await
}
