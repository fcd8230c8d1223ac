//! Time limits: per-stage clocks on the working calendar, and deadline status.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::model::{UnknownVariant, stored_enum};
use crate::reference::TimeLimitUnit;

/// An amount of time in one of the four units of practice
/// (紧急工作时 / 工作时 / 工作日 / 自然日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeLimit {
    /// How many units.
    pub amount: u32,
    /// The unit.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "working_day"))]
    pub unit: TimeLimitUnit,
}

impl TimeLimit {
    /// `amount` units.
    #[must_use]
    pub const fn new(amount: u32, unit: TimeLimitUnit) -> Self {
        Self { amount, unit }
    }

    /// The deadline this limit sets from `start` (UTC), on `calendar` in
    /// Asia/Shanghai local time.
    #[must_use]
    pub fn due_from(self, start: DateTime<Utc>, calendar: &WorkCalendar) -> DateTime<Utc> {
        let local = shanghai(start);
        from_shanghai(calendar.deadline(local, self.amount, self.unit))
    }
}

/// Asia/Shanghai has had no daylight saving since 1991: a fixed +08:00.
const SHANGHAI_OFFSET_HOURS: i64 = 8;

/// UTC → Shanghai wall-clock time.
#[must_use]
pub fn shanghai(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc() + chrono::Duration::hours(SHANGHAI_OFFSET_HOURS)
}

/// Shanghai wall-clock time → UTC (saturating at the representable ends).
#[must_use]
pub fn from_shanghai(t: NaiveDateTime) -> DateTime<Utc> {
    let utc = t
        .checked_sub_signed(chrono::Duration::hours(SHANGHAI_OFFSET_HOURS))
        .unwrap_or(t);
    DateTime::from_naive_utc_and_offset(utc, Utc)
}

stored_enum!(
    /// A stage of the case whose clock runs separately from the whole-case deadline.
    Stage, "stage" {
        /// 受理立案: from receipt (and any on-site verification) to filing.
        Intake = "intake" / "受理立案",
        /// 派遣: from filing to dispatch.
        Dispatch = "dispatch" / "派遣",
        /// 签收: from dispatch to the department signing for it.
        Sign = "sign" / "签收",
        /// 处置: from signing to the report back; ends at the case deadline.
        Handle = "handle" / "处置",
        /// 核查: from the report to the check.
        Check = "check" / "核查",
        /// 结案: from the check to closing.
        Close = "close" / "结案",
        /// 回访: from closing to the revisit.
        Revisit = "revisit" / "回访",
        /// 重办: handling again after a failed check or an unsatisfied caller.
        Redo = "redo" / "重办",
    }
);

/// The clock of each stage. [`Stage::Handle`] ends at the case deadline and has no entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageLimits {
    /// 受理立案.
    pub intake: TimeLimit,
    /// 派遣.
    pub dispatch: TimeLimit,
    /// 签收 (the 24-hour signing rate is measured against this).
    pub sign: TimeLimit,
    /// 核查.
    pub check: TimeLimit,
    /// 结案.
    pub close: TimeLimit,
    /// 回访 (热线督办及回访复核 3 工作日 in Jing'an practice).
    pub revisit: TimeLimit,
    /// 重办 (再次处置 ≤ 3 工作日 in Qingpu practice).
    pub redo: TimeLimit,
    /// Fraction of a stage's time after which it is in warning (0..1).
    pub warn_after: f64,
}

impl Default for StageLimits {
    fn default() -> Self {
        use TimeLimitUnit::{WorkingDay, WorkingHour};
        Self {
            intake: TimeLimit::new(1, WorkingDay),
            dispatch: TimeLimit::new(2, WorkingHour),
            sign: TimeLimit::new(1, WorkingDay),
            check: TimeLimit::new(1, WorkingDay),
            close: TimeLimit::new(1, WorkingDay),
            revisit: TimeLimit::new(3, WorkingDay),
            redo: TimeLimit::new(3, WorkingDay),
            warn_after: 0.75,
        }
    }
}

impl StageLimits {
    /// The limit of `stage`, `None` for [`Stage::Handle`] (it runs to the case deadline).
    #[must_use]
    pub fn of(&self, stage: Stage) -> Option<TimeLimit> {
        match stage {
            Stage::Intake => Some(self.intake),
            Stage::Dispatch => Some(self.dispatch),
            Stage::Sign => Some(self.sign),
            Stage::Handle => None,
            Stage::Check => Some(self.check),
            Stage::Close => Some(self.close),
            Stage::Revisit => Some(self.revisit),
            Stage::Redo => Some(self.redo),
        }
    }
}

stored_enum!(
    /// How a running clock stands.
    DeadlineStatus, "deadline status" {
        /// Within time.
        OnTime = "on_time" / "正常",
        /// Most of the time is used (预警).
        Warning = "warning" / "预警",
        /// Past the deadline (超期).
        Overdue = "overdue" / "超期",
    }
);

/// How a clock that started at `start` and ends at `due` stands at `now`:
/// overdue strictly after `due`, warning once `warn_after` of the time is used.
#[must_use]
pub fn deadline_status(
    start: DateTime<Utc>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    warn_after: f64,
) -> DeadlineStatus {
    if now > due {
        return DeadlineStatus::Overdue;
    }
    let total = (due - start).num_seconds().max(1) as f64;
    let used = (now - start).num_seconds() as f64;
    if used / total >= warn_after {
        DeadlineStatus::Warning
    } else {
        DeadlineStatus::OnTime
    }
}
