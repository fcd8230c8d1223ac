//! A year of cases: hotline, grid patrol, sensor and citizen reports at real premises, with
//! statutory deadlines on the working-day calendar, outcomes, repeats and overdue ones.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rand::Rng;
use yiwang_core::calendar::WorkCalendar;
use yiwang_core::model::{Case, CaseSource};
use yiwang_core::reference::{event_categories, request_types};
use yiwang_core::workflow::{Satisfaction, Stage, StageLimits};

use crate::premises::Layout;
use crate::{Twin, TwinError, text};

/// Cases per year at scale 1.
pub const CASES_AT_SCALE_1: f64 = 150_000.0;
/// Last day of the twin's year of cases (inclusive); fixed so the twin is deterministic.
pub const HISTORY_END: (i32, u32, u32) = (2026, 10, 31);

/// Asia/Shanghai has had no daylight saving since 1991: a fixed +08:00.
const SHANGHAI_OFFSET_SECONDS: i32 = 8 * 3600;

fn to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    FixedOffset::east_opt(SHANGHAI_OFFSET_SECONDS)
        .and_then(|tz| tz.from_local_datetime(&local).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Generates the case history.
pub fn history(
    layout: &Layout,
    scale: f64,
    rng: &mut impl Rng,
    twin: &mut Twin,
) -> Result<(), TwinError> {
    let categories = event_categories().map_err(|e| TwinError::Reference(e.to_string()))?;
    let request_types = request_types().map_err(|e| TwinError::Reference(e.to_string()))?;
    let calendar = WorkCalendar::statutory().map_err(|e| TwinError::Reference(e.to_string()))?;
    let by_short: HashMap<&str, &str> = twin
        .departments
        .iter()
        .map(|d| (d.short_name.as_str(), d.code.as_str()))
        .collect();
    if layout.sites.is_empty() || categories.is_empty() {
        return Ok(());
    }
    let end = NaiveDate::from_ymd_opt(HISTORY_END.0, HISTORY_END.1, HISTORY_END.2)
        .ok_or_else(|| TwinError::Internal("bad history end".into()))?;
    let end_time = end.and_hms_opt(23, 59, 59).unwrap_or_default();
    let total = (CASES_AT_SCALE_1 * scale).round().max(20.0) as usize;
    let mut day_offsets: Vec<i64> = (0..total).map(|_| rng.gen_range(0..365)).collect();
    day_offsets.sort_unstable_by(|a, b| b.cmp(a));
    let mut recent_by_site: HashMap<i64, (i64, NaiveDateTime)> = HashMap::new();
    for (i, days_before) in day_offsets.into_iter().enumerate() {
        let id = i as i64 + 1;
        let created_local = (end - Duration::days(days_before))
            .and_hms_opt(
                rng.gen_range(7..23),
                rng.gen_range(0..60),
                rng.gen_range(0..60),
            )
            .unwrap_or_default();
        let site = &layout.sites[rng.gen_range(0..layout.sites.len())];
        let category = &categories[rng.gen_range(0..categories.len())];
        let source = match rng.gen_range(0..100) {
            0..=57 => CaseSource::Hotline,
            58..=89 => CaseSource::GridPatrol,
            90..=94 => CaseSource::Sensor,
            _ => CaseSource::Citizen,
        };
        let (request_type, text) = match source {
            CaseSource::Hotline => {
                let rt = &request_types[rng.gen_range(0..request_types.len())];
                (
                    Some(rt.name.clone()),
                    text::hotline_text(
                        rng,
                        &rt.name,
                        &category.subclass_name,
                        &site.spoken_address,
                    ),
                )
            }
            _ => (
                None,
                text::case_text(rng, &category.subclass_name, &site.spoken_address),
            ),
        };
        let due_local = calendar.deadline(
            created_local,
            category.time_limit_amount,
            category.time_limit_unit,
        );
        let limit = (due_local - created_local).num_minutes().max(60);
        // A repeat report of the same problem at the same place within a week is merged.
        let parent = recent_by_site
            .get(&site.premises_id)
            .filter(|(_, at)| (created_local - *at).num_days() < 7)
            .map(|(pid, _)| *pid)
            .filter(|_| rng.gen_bool(0.35));
        let age_days = (end_time - created_local).num_days();
        let (state, closed_local) = if parent.is_some() {
            (
                "merged",
                Some(created_local + Duration::minutes(rng.gen_range(5..120))),
            )
        } else if age_days > 20 {
            match rng.gen_range(0..1000) {
                0..=14 => ("handling", None),
                15..=74 => (
                    "closed",
                    Some(due_local + Duration::minutes(rng.gen_range(60..limit * 2 + 120))),
                ),
                _ => (
                    "closed",
                    Some(created_local + Duration::minutes(rng.gen_range(30..limit))),
                ),
            }
        } else {
            match rng.gen_range(0..10) {
                0 => ("accepted", None),
                1..=2 => ("dispatched", None),
                3..=4 => ("handling", None),
                _ => (
                    "closed",
                    Some(created_local + Duration::minutes(rng.gen_range(30..limit))),
                ),
            }
        };
        let closed_local = closed_local.map(|c| c.min(end_time));
        let satisfaction = (state == "closed").then(|| match rng.gen_range(0..100) {
            0..=79 => Satisfaction::Satisfied,
            80..=93 => Satisfaction::BasicallySatisfied,
            _ => Satisfaction::Unsatisfied,
        });
        let reply = satisfaction.map(|s| {
            text::handling_reply(rng, &category.subclass_name, s != Satisfaction::Unsatisfied)
        });
        // The stage clock an open case is on: intake before dispatch, handling after.
        let (stage, stage_started) = match state {
            "accepted" => (Some(Stage::Intake), Some(created_local)),
            "dispatched" => (
                Some(Stage::Sign),
                Some(created_local + Duration::minutes(30)),
            ),
            "handling" => (
                Some(Stage::Handle),
                Some(created_local + Duration::hours(2)),
            ),
            _ => (None, None),
        };
        let stage_due = stage.map(|s| match StageLimits::default().of(s) {
            Some(limit) => calendar.deadline(
                stage_started.unwrap_or(created_local),
                limit.amount,
                limit.unit,
            ),
            None => due_local,
        });
        let open = closed_local.is_none();
        let department_code = (state != "accepted")
            .then(|| by_short.get(category.lead_department.as_str()))
            .flatten()
            .map(|c| (*c).to_owned());
        // Dispatched with the matrix's assisting departments (协办), as the dispatcher would.
        let assisting: Vec<&str> = if department_code.is_some() {
            category
                .assisting_departments
                .iter()
                .filter_map(|short| by_short.get(short.as_str()).copied())
                .collect()
        } else {
            Vec::new()
        };
        let male = rng.gen_bool(0.5);
        let reporter = matches!(source, CaseSource::Hotline | CaseSource::Citizen)
            .then(|| text::chinese_name(rng, male));
        let reporter_phone = reporter.as_ref().map(|_| {
            format!(
                "1{}{:09}",
                rng.gen_range(3..=9),
                rng.gen_range(0..1_000_000_000u32)
            )
        });
        let (dx, dy) = (
            rng.gen_range(-0.0002..0.0002),
            rng.gen_range(-0.0002..0.0002),
        );
        twin.cases.push(Case {
            id,
            case_no: format!("XH{}-{:06}", created_local.format("%Y%m%d"), id),
            source,
            category_kind: Some(category.kind.as_str().to_owned()),
            category_code: Some(category.subclass_code.clone()),
            category_name: Some(category.subclass_name.clone()),
            request_type,
            text,
            address: Some(site.spoken_address.clone()),
            premises_id: Some(site.premises_id),
            lon: Some(site.lon + dx),
            lat: Some(site.lat + dy),
            street_code: Some(site.street_code.clone()),
            grid_code: Some(site.grid_code.clone()),
            department_code,
            state: state.to_owned(),
            priority: match category.time_limit_unit {
                yiwang_core::reference::TimeLimitUnit::UrgentHour => "urgent",
                _ => "normal",
            }
            .to_owned(),
            reporter_name: reporter,
            reporter_phone,
            created_at: to_utc(created_local),
            due_at: Some(to_utc(due_local)),
            closed_at: closed_local.map(to_utc),
            satisfaction: satisfaction.map(|s| s.as_str().to_owned()),
            reply,
            parent_id: parent,
            time_limit_amount: i32::try_from(category.time_limit_amount).ok(),
            time_limit_unit: Some(category.time_limit_unit.as_str().to_owned()),
            // An unsatisfied verdict on a closed case is the second one, after the 重办.
            rework_count: i32::from(satisfaction == Some(Satisfaction::Unsatisfied)),
            reopened: satisfaction == Some(Satisfaction::Unsatisfied),
            // Open cases past their deadline have had the automatic 督办.
            supervised: open && due_local < end_time,
            pending_request: None,
            returned_by: None,
            stage: stage.map(|s| s.as_str().to_owned()),
            stage_started_at: stage_started.map(to_utc),
            stage_due_at: stage_due.map(to_utc),
            paused_at: None,
            reporter_account_id: None,
            assisting_departments: (!assisting.is_empty()).then(|| assisting.join(";")),
            version: 0,
        });
        if parent.is_none() {
            recent_by_site.insert(site.premises_id, (id, created_local));
        }
    }
    Ok(())
}
