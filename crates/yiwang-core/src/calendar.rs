//! Statutory working-day calendar (public holidays and make-up working days
//! published each year by the State Council), used for case time limits.
//!
//! All times are local Asia/Shanghai wall-clock times ([`NaiveDateTime`]);
//! China has no daylight saving time, so wall-clock arithmetic is exact.
//!
//! # Rules
//!
//! * A date is a working day if it is Monday–Friday and not a listed
//!   holiday, or if it is a listed make-up working day (调休上班日).
//! * Outside [`WorkCalendar::years_covered`] only weekends are non-working:
//!   callers should extend the calendar (see [`WorkCalendar::with_overrides`])
//!   before the next year's deadlines fall due.
//! * Working hours are 09:00–12:00 and 13:00–18:00 by default
//!   ([`WORK_PERIODS`]), 8 hours per working day; a district may configure
//!   its own ([`WorkCalendar::set_work_periods`]).
//! * "N working days" ends at 23:59:59 of the N-th working day after the
//!   day of receipt ([`WorkingDayRule::EndOfDay`], the 12345 practice)
//!   unless configured to keep the time of day ([`WorkingDayRule::SameTime`]).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::reference::TimeLimitUnit;

/// The embedded statutory calendar, 2004–2026 (`date<TAB>kind`).
const HOLIDAYS_TSV: &str = include_str!("../data/holidays.tsv");

/// Header line of a calendar TSV.
const HEADER: &str = "date\tkind";

/// Working periods of a working day as `(start hour, end hour)`, local time.
pub const WORK_PERIODS: [(u32, u32); 2] = [(9, 12), (13, 18)];

/// The kind of a listed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (or a day of the holiday break): not working.
    Holiday,
    /// A make-up working day on a weekend: working.
    Workday,
}

impl DayKind {
    /// The identifier used in data files and serde (`holiday` or `workday`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DayKind {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "holiday" => Ok(DayKind::Holiday),
            "workday" => Ok(DayKind::Workday),
            other => Err(CalendarError::Parse {
                line: 0,
                message: format!("kind \"{other}\" is not holiday or workday"),
            }),
        }
    }
}

/// Why a calendar could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A line of the calendar data is malformed.
    #[error("holiday calendar line {line}: {message}")]
    Parse {
        /// 1-based line number (0 when parsing a lone value).
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
    /// The data has no dates.
    #[error("holiday calendar has no dates")]
    Empty,
}

/// How a limit in working days ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkingDayRule {
    /// At 23:59:59 of the N-th working day after the day of receipt.
    #[default]
    EndOfDay,
    /// At the time of receipt on the N-th working day ([`WorkCalendar::add_working_days`]).
    SameTime,
}

/// A working-day calendar: weekends plus listed holidays and make-up days,
/// the working periods of a day, and how working-day limits end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
    periods: Vec<(NaiveTime, NaiveTime)>,
    working_day_rule: WorkingDayRule,
}

fn hour(h: u32) -> NaiveTime {
    NaiveTime::MIN + Duration::hours(i64::from(h))
}

fn default_periods() -> Vec<(NaiveTime, NaiveTime)> {
    WORK_PERIODS
        .iter()
        .map(|&(a, b)| (hour(a), hour(b)))
        .collect()
}

/// The last second of a day, where an end-of-day deadline falls.
fn day_end() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
}

impl WorkCalendar {
    /// Loads the embedded statutory calendar (2004–2026).
    pub fn statutory() -> Result<Self, CalendarError> {
        Self::from_tsv(HOLIDAYS_TSV)
    }

    /// Parses calendar data: a `date<TAB>kind` header, then one
    /// `YYYY-MM-DD<TAB>holiday|workday` line per listed date. Blank lines
    /// are ignored; a date may appear only once.
    pub fn from_tsv(text: &str) -> Result<Self, CalendarError> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim_end() == HEADER => {}
            _ => {
                return Err(CalendarError::Parse {
                    line: 1,
                    message: format!("expected header \"{}\"", HEADER.replace('\t', "<TAB>")),
                });
            }
        }
        let mut days = BTreeMap::new();
        for (i, raw) in lines {
            let line = i + 1;
            let raw = raw.trim_end();
            if raw.is_empty() {
                continue;
            }
            let err = |message: String| CalendarError::Parse { line, message };
            let (date, kind) = raw
                .split_once('\t')
                .ok_or_else(|| err("expected date<TAB>kind".to_owned()))?;
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|e| err(format!("date \"{date}\": {e}")))?;
            let kind: DayKind = kind
                .parse()
                .map_err(|_| err(format!("kind \"{kind}\" is not holiday or workday")))?;
            if days.insert(date, kind).is_some() {
                return Err(err(format!("date {date} is listed twice")));
            }
        }
        if days.is_empty() {
            return Err(CalendarError::Empty);
        }
        Ok(Self {
            days,
            periods: default_periods(),
            working_day_rule: WorkingDayRule::default(),
        })
    }

    /// Replaces the working periods of a day. Periods must be non-empty,
    /// each start before its end, in order and not overlapping.
    pub fn set_work_periods(
        &mut self,
        periods: Vec<(NaiveTime, NaiveTime)>,
    ) -> Result<(), CalendarError> {
        let bad = |message: &str| {
            Err(CalendarError::Parse {
                line: 0,
                message: message.to_owned(),
            })
        };
        if periods.is_empty() {
            return bad("a working day needs at least one working period");
        }
        if periods.iter().any(|(a, b)| a >= b) {
            return bad("each working period must start before it ends");
        }
        if periods.windows(2).any(|w| w[0].1 > w[1].0) {
            return bad("working periods must be in order and must not overlap");
        }
        self.periods = periods;
        Ok(())
    }

    /// Parses working periods written `09:00-12:00,13:00-18:00` and sets them (see
    /// [`Self::set_work_periods`] for the rules).
    pub fn set_work_periods_text(&mut self, text: &str) -> Result<(), CalendarError> {
        let bad = |message: String| CalendarError::Parse { line: 0, message };
        let mut periods = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = part
                .split_once('-')
                .ok_or_else(|| bad(format!("working period `{part}` is not HH:MM-HH:MM")))?;
            let time = |t: &str| {
                NaiveTime::parse_from_str(t.trim(), "%H:%M")
                    .map_err(|_| bad(format!("`{t}` in `{part}` is not a time HH:MM")))
            };
            periods.push((time(a)?, time(b)?));
        }
        self.set_work_periods(periods)
    }

    /// The working periods of a day, local time.
    #[must_use]
    pub fn work_periods(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.periods
    }

    /// Sets how working-day limits end.
    pub fn set_working_day_rule(&mut self, rule: WorkingDayRule) {
        self.working_day_rule = rule;
    }

    /// How working-day limits end.
    #[must_use]
    pub fn working_day_rule(&self) -> WorkingDayRule {
        self.working_day_rule
    }

    /// Every listed date with its kind, in date order.
    pub fn listed_days(&self) -> impl Iterator<Item = (NaiveDate, DayKind)> + '_ {
        self.days.iter().map(|(d, k)| (*d, *k))
    }

    /// Where counting starts after a non-working day: the start of the first period.
    fn day_start(&self) -> NaiveTime {
        self.periods.first().map_or(NaiveTime::MIN, |p| p.0)
    }

    /// Lists `date` as `kind`, replacing any earlier entry. Administrators
    /// use this to add next year's dates (or correct a date) before the
    /// embedded data is updated; it extends [`Self::years_covered`].
    pub fn with_overrides(&mut self, date: NaiveDate, kind: DayKind) {
        self.days.insert(date, kind);
    }

    /// The listed kind of `date`, if any.
    #[must_use]
    pub fn listed(&self, date: NaiveDate) -> Option<DayKind> {
        self.days.get(&date).copied()
    }

    /// Years from the first to the last listed date.
    #[must_use]
    pub fn years_covered(&self) -> RangeInclusive<i32> {
        let first = self.days.keys().next().map_or(0, Datelike::year);
        let last = self.days.keys().next_back().map_or(0, Datelike::year);
        first..=last
    }

    /// Whether `date` is a working day (see the module rules).
    #[must_use]
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.listed(date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The first working day strictly after `date`, or `None` past the end of
    /// the representable dates.
    #[must_use]
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut d = date.succ_opt()?;
        while !self.is_working_day(d) {
            d = d.succ_opt()?;
        }
        Some(d)
    }

    /// Adds `n` working days to `start`.
    ///
    /// If `start` is on a working day, the result is the same wall-clock
    /// time on the `n`-th following working day (Monday 10:00 + 1 → Tuesday
    /// 10:00, whatever the hour, even outside working hours). If `start` is
    /// on a non-working day, counting starts from 09:00 of the next working
    /// day, so Saturday 20:00 + 1 → Tuesday 09:00 (a full working day after
    /// Monday 09:00). `n = 0` returns `start` unchanged. Saturates at
    /// [`NaiveDateTime::MAX`] if the result is not representable.
    #[must_use]
    pub fn add_working_days(&self, start: NaiveDateTime, n: u32) -> NaiveDateTime {
        if n == 0 {
            return start;
        }
        let (mut date, time) = if self.is_working_day(start.date()) {
            (start.date(), start.time())
        } else {
            match self.next_working_day(start.date()) {
                Some(d) => (d, self.day_start()),
                None => return NaiveDateTime::MAX,
            }
        };
        for _ in 0..n {
            match self.next_working_day(date) {
                Some(d) => date = d,
                None => return NaiveDateTime::MAX,
            }
        }
        date.and_time(time)
    }

    /// The end of the `n`-th working day after the day of `start`
    /// (23:59:59), whatever the time of `start` and whether or not its day is
    /// a working day. `n = 0` returns `start` unchanged.
    #[must_use]
    pub fn working_days_end_of_day(&self, start: NaiveDateTime, n: u32) -> NaiveDateTime {
        if n == 0 {
            return start;
        }
        let mut date = start.date();
        for _ in 0..n {
            match self.next_working_day(date) {
                Some(d) => date = d,
                None => return NaiveDateTime::MAX,
            }
        }
        date.and_time(day_end())
    }

    /// Adds `hours` working hours to `start`, counting only time inside the
    /// working periods on working days.
    ///
    /// Time before, between or after the periods, and on non-working days,
    /// is skipped, so counting starts at the next period start. A deadline
    /// that falls exactly at the end of a period is that end (11:00 + 1 h →
    /// 12:00, not 13:00). `hours = 0` returns `start` unchanged. Saturates at
    /// [`NaiveDateTime::MAX`] if the result is not representable.
    #[must_use]
    pub fn add_working_hours(&self, start: NaiveDateTime, hours: u32) -> NaiveDateTime {
        if hours == 0 {
            return start;
        }
        let mut remaining = Duration::hours(i64::from(hours));
        let mut date = start.date();
        let mut from = start.time();
        loop {
            if self.is_working_day(date) {
                for &(a, b) in &self.periods {
                    let begin = from.max(a);
                    if begin >= b {
                        continue;
                    }
                    let available = b - begin;
                    if remaining <= available {
                        return date.and_time(begin + remaining);
                    }
                    remaining -= available;
                    from = b;
                }
            }
            match self.next_working_day(date) {
                Some(d) => date = d,
                None => return NaiveDateTime::MAX,
            }
            from = NaiveTime::MIN;
        }
    }

    /// The deadline `amount` units after `start`:
    ///
    /// * [`TimeLimitUnit::UrgentHour`] (紧急工作时): continuous clock hours,
    ///   nights and holidays included;
    /// * [`TimeLimitUnit::WorkingHour`]: as [`Self::add_working_hours`];
    /// * [`TimeLimitUnit::WorkingDay`]: by the calendar's [`WorkingDayRule`]:
    ///   [`Self::working_days_end_of_day`] (default) or [`Self::add_working_days`];
    /// * [`TimeLimitUnit::NaturalDay`]: same wall-clock time `amount`
    ///   calendar days later.
    ///
    /// Saturates at [`NaiveDateTime::MAX`].
    #[must_use]
    pub fn deadline(
        &self,
        start: NaiveDateTime,
        amount: u32,
        unit: TimeLimitUnit,
    ) -> NaiveDateTime {
        match unit {
            TimeLimitUnit::UrgentHour => start
                .checked_add_signed(Duration::hours(i64::from(amount)))
                .unwrap_or(NaiveDateTime::MAX),
            TimeLimitUnit::WorkingHour => self.add_working_hours(start, amount),
            TimeLimitUnit::WorkingDay => match self.working_day_rule {
                WorkingDayRule::EndOfDay => self.working_days_end_of_day(start, amount),
                WorkingDayRule::SameTime => self.add_working_days(start, amount),
            },
            TimeLimitUnit::NaturalDay => start
                .checked_add_days(chrono::Days::new(u64::from(amount)))
                .unwrap_or(NaiveDateTime::MAX),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::Timelike;

    fn cal() -> WorkCalendar {
        WorkCalendar::statutory().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
            .unwrap()
    }

    #[test]
    fn statutory_loads() {
        let c = cal();
        assert_eq!(c.years_covered(), 2004..=2026);
        for year in c.years_covered() {
            let n = c.days.keys().filter(|d| d.year() == year).count();
            assert!(n >= 10, "{year} has only {n} listed dates");
        }
    }

    #[test]
    fn make_up_days_fall_on_weekends() {
        for (date, kind) in &cal().days {
            if *kind == DayKind::Workday {
                assert!(
                    matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
                    "{date}"
                );
            }
        }
    }

    #[test]
    fn working_days() {
        let c = cal();
        let cases = [
            ("2024-10-01", false), // National Day
            ("2024-10-07", false),
            ("2024-10-08", true),
            ("2024-09-29", true),  // Sunday make-up day
            ("2024-10-12", true),  // Saturday make-up day
            ("2024-09-28", false), // ordinary Saturday
            ("2025-01-28", false), // Spring Festival eve
            ("2025-02-04", false),
            ("2025-02-08", true),
            ("2025-03-03", true), // ordinary Monday
            ("2025-03-08", false),
            ("2030-01-01", true), // not covered: weekday rule only
            ("2030-01-05", false),
        ];
        for (date, expect) in cases {
            assert_eq!(c.is_working_day(d(date)), expect, "{date}");
        }
    }

    #[test]
    fn adding_working_days() {
        let c = cal();
        let cases = [
            ("2025-01-27 10:00", 5, "2025-02-10 10:00"), // across Spring Festival 2025
            ("2025-01-27 10:00", 4, "2025-02-08 10:00"), // lands on make-up Saturday
            ("2025-01-24 16:30", 1, "2025-01-26 16:30"), // Friday → make-up Sunday
            ("2025-01-29 10:00", 1, "2025-02-06 09:00"), // starts on a holiday
            ("2025-03-08 20:00", 1, "2025-03-11 09:00"), // starts on Saturday
            ("2025-03-03 23:30", 1, "2025-03-04 23:30"),
            ("2024-09-30 09:00", 1, "2024-10-08 09:00"),
            ("2024-09-30 09:00", 0, "2024-09-30 09:00"),
            ("2024-10-03 09:00", 0, "2024-10-03 09:00"),
            ("2025-03-03 10:00", 15, "2025-03-24 10:00"),
        ];
        for (start, n, expect) in cases {
            assert_eq!(
                c.add_working_days(dt(start), n),
                dt(expect),
                "{start} + {n}"
            );
        }
    }

    #[test]
    fn adding_working_hours() {
        let c = cal();
        let cases = [
            ("2025-03-03 09:00", 1, "2025-03-03 10:00"),
            ("2025-03-03 11:00", 1, "2025-03-03 12:00"),
            ("2025-03-03 11:00", 2, "2025-03-03 14:00"),
            ("2025-03-03 12:30", 1, "2025-03-03 14:00"),
            ("2025-03-03 08:00", 3, "2025-03-03 12:00"),
            ("2025-03-03 18:30", 1, "2025-03-04 10:00"),
            ("2025-03-03 09:00", 8, "2025-03-03 18:00"),
            ("2025-03-03 09:00", 9, "2025-03-04 10:00"),
            ("2025-03-03 17:15", 1, "2025-03-04 09:15"),
            ("2024-09-27 17:00", 2, "2024-09-29 10:00"), // Friday → make-up Sunday
            ("2024-09-30 17:00", 2, "2024-10-08 10:00"), // across National Day
            ("2025-03-03 17:15", 0, "2025-03-03 17:15"),
        ];
        for (start, h, expect) in cases {
            assert_eq!(
                c.add_working_hours(dt(start), h),
                dt(expect),
                "{start} + {h} h"
            );
        }
    }

    #[test]
    fn deadlines_by_unit() {
        let c = cal();
        let start = dt("2024-09-30 17:00");
        let cases = [
            (TimeLimitUnit::UrgentHour, 24, "2024-10-01 17:00"),
            (TimeLimitUnit::WorkingHour, 2, "2024-10-08 10:00"),
            (TimeLimitUnit::WorkingDay, 1, "2024-10-08 23:59:59"),
            (TimeLimitUnit::NaturalDay, 3, "2024-10-03 17:00"),
        ];
        for (unit, n, expect) in cases {
            assert_eq!(c.deadline(start, n, unit), dt(expect), "{unit:?}");
        }
    }

    #[test]
    fn working_days_end_at_the_end_of_the_nth_working_day() {
        let mut c = cal();
        let cases = [
            ("2025-03-03 10:00", 1, "2025-03-04 23:59:59"), // Monday → Tuesday
            ("2025-03-03 23:30", 1, "2025-03-04 23:59:59"),
            ("2025-03-07 16:00", 1, "2025-03-10 23:59:59"), // Friday → Monday
            ("2025-03-08 20:00", 1, "2025-03-10 23:59:59"), // Saturday → Monday
            ("2025-01-27 10:00", 5, "2025-02-10 23:59:59"), // across Spring Festival 2025
            ("2024-09-30 09:00", 1, "2024-10-08 23:59:59"), // across National Day
            ("2025-03-03 10:00", 0, "2025-03-03 10:00"),
        ];
        for (start, n, expect) in cases {
            assert_eq!(
                c.deadline(dt(start), n, TimeLimitUnit::WorkingDay),
                dt(expect),
                "{start} + {n}"
            );
        }
        c.set_working_day_rule(WorkingDayRule::SameTime);
        assert_eq!(
            c.deadline(dt("2025-03-07 16:00"), 1, TimeLimitUnit::WorkingDay),
            dt("2025-03-10 16:00")
        );
    }

    #[test]
    fn working_periods_are_configurable() {
        let mut c = cal();
        let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        c.set_work_periods(vec![(t(8, 30), t(11, 30)), (t(13, 30), t(17, 30))])
            .unwrap();
        assert_eq!(
            c.add_working_hours(dt("2025-03-03 11:00"), 1),
            dt("2025-03-03 14:00")
        );
        assert_eq!(
            c.add_working_days(dt("2025-03-08 20:00"), 1),
            dt("2025-03-11 08:30")
        );
        for bad in [
            vec![],
            vec![(t(12, 0), t(9, 0))],
            vec![(t(9, 0), t(12, 0)), (t(11, 0), t(18, 0))],
        ] {
            assert!(c.set_work_periods(bad).is_err());
        }
    }

    #[test]
    fn working_periods_from_text() {
        let cases = [
            (
                "08:30-11:30,13:00-17:00",
                Ok(vec![(8, 30, 11, 30), (13, 0, 17, 0)]),
            ),
            (" 09:00-17:00 ", Ok(vec![(9, 0, 17, 0)])),
            ("", Err("at least one")),
            ("9-12", Err("not a time")),
            ("09:00", Err("HH:MM-HH:MM")),
            ("13:00-12:00", Err("start before")),
            ("09:00-12:00,11:00-18:00", Err("overlap")),
        ];
        for (text, expect) in cases {
            let mut c = cal();
            let got = c.set_work_periods_text(text).map(|()| {
                c.work_periods()
                    .iter()
                    .map(|(a, b)| (a.hour(), a.minute(), b.hour(), b.minute()))
                    .collect::<Vec<_>>()
            });
            match (got, expect) {
                (Ok(got), Ok(expect)) => assert_eq!(got, expect, "{text}"),
                (Err(e), Err(needle)) => assert!(e.to_string().contains(needle), "{text}: {e}"),
                (got, expect) => panic!("{text}: got {got:?}, expected {expect:?}"),
            }
        }
    }

    #[test]
    fn overrides_extend_the_calendar() {
        let mut c = cal();
        assert!(c.is_working_day(d("2027-02-08")));
        c.with_overrides(d("2027-02-08"), DayKind::Holiday);
        c.with_overrides(d("2027-02-20"), DayKind::Workday);
        assert!(!c.is_working_day(d("2027-02-08")));
        assert!(c.is_working_day(d("2027-02-20")));
        assert_eq!(c.years_covered(), 2004..=2027);
    }

    #[test]
    fn parse_errors() {
        let cases = [
            (
                "",
                Err(CalendarError::Parse {
                    line: 1,
                    message: "expected header \"date<TAB>kind\"".into(),
                }),
            ),
            ("date\tkind\n", Err(CalendarError::Empty)),
            (
                "date\tkind\n2025-01-01\tholiday\n\n2025-01-26\tworkday\n",
                Ok(2),
            ),
            (
                "date\tkind\n2025-01-01 holiday\n",
                Err(CalendarError::Parse {
                    line: 2,
                    message: "expected date<TAB>kind".into(),
                }),
            ),
            (
                "date\tkind\n2025-01-01\tfeast\n",
                Err(CalendarError::Parse {
                    line: 2,
                    message: "kind \"feast\" is not holiday or workday".into(),
                }),
            ),
            (
                "date\tkind\n2025-01-01\tholiday\n2025-01-01\tholiday\n",
                Err(CalendarError::Parse {
                    line: 3,
                    message: "date 2025-01-01 is listed twice".into(),
                }),
            ),
        ];
        for (text, expect) in cases {
            let got = WorkCalendar::from_tsv(text).map(|c| c.days.len());
            assert_eq!(got, expect, "{text:?}");
        }
        assert!(matches!(
            WorkCalendar::from_tsv("date\tkind\n2025-02-30\tholiday\n"),
            Err(CalendarError::Parse { line: 2, .. })
        ));
    }

    #[test]
    fn far_future_saturates() {
        let c = cal();
        let late = NaiveDateTime::MAX - Duration::days(3);
        assert_eq!(c.add_working_days(late, 10), NaiveDateTime::MAX);
        assert_eq!(c.add_working_hours(late, 100), NaiveDateTime::MAX);
    }
}
