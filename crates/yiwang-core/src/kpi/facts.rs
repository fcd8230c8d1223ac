//! KPI facts: each case reduced to what the counts of [`CaseCounts`] read, held in memory so
//! that a year of a district's cases is tallied in milliseconds instead of re-read and
//! re-evaluated by the database for every report.
//!
//! The definitions are the module documentation of [`super`]; [`FactTable::tally`] is their one
//! implementation. The table is filled and kept current by the store (`yiwang_store::KpiFacts`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::CaseCounts;
use crate::model::FINISHED_CASE_STATES;

/// One case as the KPI definitions read it: a row of the store's `cases` table.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFactRow {
    /// The case id.
    pub id: i64,
    /// Received.
    pub created_at: DateTime<Utc>,
    /// The deadline.
    pub due_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The workflow state (`closed`, `merged`, `disputed`, …).
    pub state: String,
    /// How many times it was sent back (返工/重办).
    pub rework_count: i32,
    /// The 回访 verdict (`satisfied`, `basically_satisfied`, `unsatisfied`).
    pub satisfaction: Option<String>,
    /// Whether it was supervised (督办).
    pub supervised: bool,
    /// The department that returned it (退单), if any.
    pub returned_by: Option<String>,
    /// The department it is dispatched to.
    pub department_code: Option<String>,
    /// The assisting departments (协办), `;`-separated.
    pub assisting_departments: Option<String>,
    /// Its street's code.
    pub street_code: Option<String>,
    /// Its grid cell's code.
    pub grid_code: Option<String>,
    /// Its intake channel.
    pub source: String,
}

/// What a case's state means to the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Not finished and its clock runs.
    Open,
    /// 挂账: not finished, clock paused.
    Suspended,
    /// Waiting for the review of a return (退单审核); not finished.
    Disputed,
    /// 已结案.
    Closed,
    /// 已并单.
    Merged,
    /// 不予受理.
    Rejected,
}

impl Status {
    fn of(state: &str) -> Status {
        match state {
            "suspended" => Status::Suspended,
            "disputed" => Status::Disputed,
            "closed" => Status::Closed,
            "merged" => Status::Merged,
            "rejected" => Status::Rejected,
            _ => Status::Open,
        }
    }
}

/// The 回访 verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    None,
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
    /// Recorded, but none of the three (counted as revisited only).
    Other,
}

/// The keys a table groups by; each is a code of the case (empty when it has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKey {
    /// `street_code`.
    Street,
    /// `grid_code`, whole (callers take prefixes for 居民区 and 网格).
    Grid,
    /// `department_code`.
    Department,
    /// `source`.
    Source,
}

/// A case reduced to the counts' inputs: instants in microseconds since the epoch, codes as
/// indices into the table's interned names (0 = none).
#[derive(Debug, Clone, Copy)]
struct CaseFact {
    created: i64,
    due: Option<i64>,
    closed: Option<i64>,
    status: Status,
    /// In one of [`FINISHED_CASE_STATES`].
    finished: bool,
    verdict: Verdict,
    reworked: bool,
    supervised: bool,
    returned: bool,
    cross_department: bool,
    /// Indexed by `FactKey as usize`.
    keys: [u32; 4],
}

/// A reporting period `[from, to)` and the instant 超期未结 is judged at, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: i64,
    to: i64,
    cutoff: i64,
}

impl Period {
    /// The period `[from, to)` judged at `min(to, now)`.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>, now: DateTime<Utc>) -> Period {
        Period {
            from: from.timestamp_micros(),
            to: to.timestamp_micros(),
            cutoff: to.min(now).timestamp_micros(),
        }
    }

    fn holds(&self, t: i64) -> bool {
        self.from <= t && t < self.to
    }

    fn holds_opt(&self, t: Option<i64>) -> bool {
        t.is_some_and(|t| self.holds(t))
    }
}

impl CaseFact {
    /// Adds this case to `c` for the period `p`: the definitions of the module [`super`].
    fn add_to(&self, c: &mut CaseCounts, p: &Period) {
        let received = p.holds(self.created);
        let closed_in = p.holds_opt(self.closed);
        let closed = self.status == Status::Closed && closed_in;
        let may_be_due = !matches!(self.status, Status::Merged | Status::Rejected);
        let due_in = p.holds_opt(self.due) && self.closed.is_none_or(|t| t >= p.from);
        let overdue = self
            .due
            .is_some_and(|due| due < p.cutoff && self.created < p.cutoff)
            && ((!self.finished && self.status != Status::Suspended)
                || (self.status == Status::Closed && self.closed.is_some_and(|t| t >= p.cutoff)));
        let n = |b: bool| i64::from(b);
        c.received += n(received);
        c.due += n(may_be_due && (due_in || closed_in));
        c.overdue_open += n(overdue);
        if received {
            c.merged_repeats += n(self.status == Status::Merged);
            c.supervised += n(self.supervised);
            c.returned += n(self.returned);
            c.disputed += n(self.status == Status::Disputed);
            c.cross_department += n(self.cross_department);
        }
        if closed {
            let (Some(at), on_time) = (self.closed, self.due) else {
                return;
            };
            c.closed += 1;
            c.closed_on_time += n(on_time.is_some_and(|due| at <= due));
            c.reworked += n(self.reworked);
            c.resolved += n(!self.reworked && self.verdict != Verdict::Unsatisfied);
            c.revisited += n(self.verdict != Verdict::None);
            c.satisfied += n(self.verdict == Verdict::Satisfied);
            c.basically_satisfied += n(self.verdict == Verdict::BasicallySatisfied);
            c.unsatisfied += n(self.verdict == Verdict::Unsatisfied);
            // Microseconds to minutes; a year is far inside f64's exact integers.
            c.handling_minutes += (at - self.created) as f64 / 60_000_000.0;
        }
    }
}

/// Every case's facts, by case id, with the codes they are grouped by interned once.
#[derive(Debug, Clone)]
pub struct FactTable {
    facts: Vec<CaseFact>,
    slots: HashMap<i64, usize>,
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Default for FactTable {
    fn default() -> Self {
        FactTable {
            facts: Vec::new(),
            slots: HashMap::new(),
            // Index 0 is "no code".
            names: vec![String::new()],
            ids: HashMap::from([(String::new(), 0)]),
        }
    }
}

impl FactTable {
    /// How many cases the table holds.
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether the table holds no case.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    fn intern(&mut self, code: Option<&str>) -> u32 {
        let code = code.unwrap_or("");
        if let Some(id) = self.ids.get(code) {
            return *id;
        }
        // Codes are streets, grid cells, departments and channels: far fewer than u32::MAX.
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(code.to_owned());
        self.ids.insert(code.to_owned(), id);
        id
    }

    /// Adds a case, or replaces what the table held of it.
    pub fn upsert(&mut self, row: &CaseFactRow) {
        let keys = [
            self.intern(row.street_code.as_deref()),
            self.intern(row.grid_code.as_deref()),
            self.intern(row.department_code.as_deref()),
            self.intern(Some(&row.source)),
        ];
        let fact = CaseFact {
            created: row.created_at.timestamp_micros(),
            due: row.due_at.map(|t| t.timestamp_micros()),
            closed: row.closed_at.map(|t| t.timestamp_micros()),
            status: Status::of(&row.state),
            finished: FINISHED_CASE_STATES.contains(&row.state.as_str()),
            verdict: match row.satisfaction.as_deref() {
                None => Verdict::None,
                Some("satisfied") => Verdict::Satisfied,
                Some("basically_satisfied") => Verdict::BasicallySatisfied,
                Some("unsatisfied") => Verdict::Unsatisfied,
                Some(_) => Verdict::Other,
            },
            reworked: row.rework_count > 0,
            supervised: row.supervised,
            returned: row.returned_by.is_some(),
            cross_department: row
                .assisting_departments
                .as_deref()
                .is_some_and(|a| !a.trim_matches(';').is_empty())
                || matches!(
                    (&row.returned_by, &row.department_code),
                    (Some(by), Some(now)) if by != now
                ),
            keys,
        };
        match self.slots.get(&row.id) {
            Some(&i) => self.facts[i] = fact,
            None => {
                self.slots.insert(row.id, self.facts.len());
                self.facts.push(fact);
            }
        }
    }

    /// Counts per code of `key` over the period; codes with nothing to count are left out.
    /// The code is empty for cases without one.
    pub fn tally(&self, key: FactKey, period: &Period) -> Vec<(&str, CaseCounts)> {
        let mut sums = vec![CaseCounts::default(); self.names.len()];
        for fact in &self.facts {
            fact.add_to(&mut sums[fact.keys[key as usize] as usize], period);
        }
        let zero = CaseCounts::default();
        self.names
            .iter()
            .zip(sums)
            .filter(|(_, c)| *c != zero)
            .map(|(name, c)| (name.as_str(), c))
            .collect()
    }

    /// The counts of every case over the period.
    pub fn total(&self, period: &Period) -> CaseCounts {
        let mut total = CaseCounts::default();
        for fact in &self.facts {
            fact.add_to(&mut total, period);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 2, day, 0, 0, 0).unwrap()
    }

    fn row(id: i64, state: &str) -> CaseFactRow {
        CaseFactRow {
            id,
            created_at: t(2),
            due_at: Some(t(10)),
            closed_at: None,
            state: state.to_owned(),
            rework_count: 0,
            satisfaction: None,
            supervised: false,
            returned_by: None,
            department_code: Some("XH-CGJ".into()),
            assisting_departments: None,
            street_code: Some("310104003".into()),
            grid_code: None,
            source: "hotline".into(),
        }
    }

    /// February 2025, judged on 20 February.
    fn february() -> Period {
        Period::new(
            t(1),
            Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap(),
            t(20),
        )
    }

    #[test]
    fn an_upsert_replaces_the_case_it_held() {
        let mut table = FactTable::default();
        table.upsert(&row(1, "handling"));
        assert_eq!(table.total(&february()).overdue_open, 1);
        let mut closed = row(1, "closed");
        closed.closed_at = Some(t(9));
        closed.satisfaction = Some("satisfied".into());
        table.upsert(&closed);
        let c = table.total(&february());
        assert_eq!(table.len(), 1);
        assert_eq!(
            (
                c.received,
                c.due,
                c.closed,
                c.closed_on_time,
                c.overdue_open
            ),
            (1, 1, 1, 1, 0)
        );
        assert_eq!((c.revisited, c.satisfied, c.resolved), (1, 1, 1));
        assert_eq!(c.handling_minutes, 7.0 * 24.0 * 60.0);
    }

    #[test]
    fn tally_groups_by_code_and_leaves_out_empty_groups() {
        let mut table = FactTable::default();
        table.upsert(&row(1, "handling"));
        let mut other = row(2, "merged");
        other.department_code = None;
        table.upsert(&other);
        let mut outside = row(3, "handling");
        outside.created_at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        outside.due_at = Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
        outside.department_code = Some("XH-JW".into());
        table.upsert(&outside);
        let by_department = table.tally(FactKey::Department, &february());
        let names: Vec<(&str, i64, i64)> = by_department
            .iter()
            .map(|(k, c)| (*k, c.received, c.merged_repeats))
            .collect();
        // XH-JW's only case is outside the period and not overdue: left out.
        assert_eq!(names, [("", 1, 1), ("XH-CGJ", 1, 0)]);
    }

    #[test]
    fn a_case_returned_and_handled_elsewhere_is_cross_department() {
        let mut table = FactTable::default();
        let mut moved = row(1, "handling");
        moved.returned_by = Some("XH-JW".into());
        table.upsert(&moved);
        let mut back = row(2, "disputed");
        back.returned_by = Some("XH-CGJ".into());
        table.upsert(&back);
        let mut shared = row(3, "handling");
        shared.assisting_departments = Some("XH-SCJ;XH-JW".into());
        table.upsert(&shared);
        let c = table.total(&february());
        assert_eq!((c.returned, c.cross_department, c.disputed), (2, 2, 1));
    }
}
