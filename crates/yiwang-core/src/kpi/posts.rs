//! 岗位评价: what each post of the workflow did in a period, read from the case timelines.
//!
//! A post is the role a workflow step belongs to ([`CaseAction::roles`], the first one): 受理
//! belongs to the 受理员 even when a 值班长 took it, as a post is judged on its steps, not on
//! who stood in. For each post and action the report counts:
//!
//! * **`count`**: steps taken in the period;
//! * **`judged`** and **`on_time`**: steps that ended a stage with a deadline (the case's stage
//!   deadline when the step was taken), and those taken at or before it (按时受理, 按时派遣,
//!   按时签收, 按期处置, 按时核查 …);
//! * **`accurate`** for 派遣 and 改派 (准确派遣): dispatches the department did not return (退单)
//!   before the case was dispatched again; `None` for other actions;
//! * **`actors`**: how many different accounts took them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Role;
use crate::workflow::CaseAction;

/// One timeline entry as the post counts read it: a row of the store's `case_events`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFactRow {
    /// The entry's id (entries of a case are in id order).
    pub id: i64,
    /// The case.
    pub case_id: i64,
    /// When the step was taken.
    pub at: DateTime<Utc>,
    /// The action identifier (`receive` for intake, then [`CaseAction`] identifiers).
    pub action: String,
    /// Who took it (an account's user name, or `system`).
    pub actor: String,
    /// The deadline of the stage the step ended, if the case had one running.
    pub stage_due_at: Option<DateTime<Utc>>,
}

/// A post's counts for one action over a period (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostCounts {
    /// The post (a role identifier, e.g. `dispatcher`).
    pub role: String,
    /// Its Chinese name (派遣员).
    pub role_name: String,
    /// The action identifier (`dispatch`).
    pub action: String,
    /// Its Chinese name (派遣).
    pub action_name: String,
    /// Steps taken in the period.
    pub count: i64,
    /// Steps that ended a stage with a deadline.
    pub judged: i64,
    /// Of those, taken at or before the deadline.
    pub on_time: i64,
    /// 按时率 = on_time / judged; `None` when nothing was judged.
    pub on_time_rate: Option<f64>,
    /// For 派遣 and 改派: dispatches not returned (退单) before the next dispatch.
    pub accurate: Option<i64>,
    /// 准确派遣率 = accurate / count, for 派遣 and 改派.
    pub accurate_rate: Option<f64>,
    /// Different accounts that took the steps.
    pub actors: i64,
}

#[derive(Debug, Clone, Copy)]
struct EventFact {
    id: i64,
    case_id: i64,
    at: i64,
    action: CaseAction,
    actor: u32,
    stage_due: Option<i64>,
}

/// Every workflow step of every case (intake entries and unknown actions left out).
#[derive(Debug, Clone, Default)]
pub struct EventTable {
    events: Vec<EventFact>,
    /// Indices into `events` of each case's steps, in id order.
    by_case: HashMap<i64, Vec<usize>>,
    actors: HashMap<String, u32>,
}

impl EventTable {
    /// How many steps the table holds.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Adds a timeline entry (each entry once: entries never change).
    pub fn add(&mut self, row: &EventFactRow) {
        let Ok(action) = row.action.parse::<CaseAction>() else {
            return;
        };
        let next = u32::try_from(self.actors.len()).unwrap_or(u32::MAX);
        let actor = *self.actors.entry(row.actor.clone()).or_insert(next);
        let index = self.events.len();
        self.events.push(EventFact {
            id: row.id,
            case_id: row.case_id,
            at: row.at.timestamp_micros(),
            action,
            actor,
            stage_due: row.stage_due_at.map(|t| t.timestamp_micros()),
        });
        let steps = self.by_case.entry(row.case_id).or_default();
        steps.push(index);
        // Entries can arrive out of id order (PostgreSQL commits); keep each case's in order.
        let events = &self.events;
        steps.sort_by_key(|&i| events[i].id);
    }

    /// Whether the dispatch `e` was returned (退单) before the case was dispatched again.
    fn returned_after(&self, e: &EventFact) -> bool {
        let Some(steps) = self.by_case.get(&e.case_id) else {
            return false;
        };
        for step in steps
            .iter()
            .map(|&i| &self.events[i])
            .filter(|s| s.id > e.id)
        {
            match step.action {
                CaseAction::Return => return true,
                CaseAction::Dispatch | CaseAction::Reassign => return false,
                _ => {}
            }
        }
        false
    }

    /// The counts of every post and action with steps in `[from, to)`, in workflow order.
    pub fn tally(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<PostCounts> {
        let (from, to) = (from.timestamp_micros(), to.timestamp_micros());
        struct Sum {
            count: i64,
            judged: i64,
            on_time: i64,
            accurate: i64,
            actors: HashSet<u32>,
        }
        let mut sums: HashMap<CaseAction, Sum> = HashMap::new();
        for e in self.events.iter().filter(|e| from <= e.at && e.at < to) {
            let s = sums.entry(e.action).or_insert_with(|| Sum {
                count: 0,
                judged: 0,
                on_time: 0,
                accurate: 0,
                actors: HashSet::new(),
            });
            s.count += 1;
            s.actors.insert(e.actor);
            if let Some(due) = e.stage_due {
                s.judged += 1;
                s.on_time += i64::from(e.at <= due);
            }
            if is_dispatch(e.action) && !self.returned_after(e) {
                s.accurate += 1;
            }
        }
        let rate = |n: i64, d: i64| (d > 0).then(|| n as f64 / d as f64);
        CaseAction::ALL
            .iter()
            .filter_map(|action| {
                let s = sums.get(action)?;
                let role = post_of(*action);
                let accurate = is_dispatch(*action).then_some(s.accurate);
                Some(PostCounts {
                    role: role.as_str().to_owned(),
                    role_name: role.name_zh().to_owned(),
                    action: action.as_str().to_owned(),
                    action_name: action.name_zh().to_owned(),
                    count: s.count,
                    judged: s.judged,
                    on_time: s.on_time,
                    on_time_rate: rate(s.on_time, s.judged),
                    accurate,
                    accurate_rate: accurate.and_then(|a| rate(a, s.count)),
                    actors: s.actors.len() as i64,
                })
            })
            .collect()
    }
}

fn is_dispatch(action: CaseAction) -> bool {
    matches!(action, CaseAction::Dispatch | CaseAction::Reassign)
}

/// The post a step belongs to: the first role that may take it.
pub fn post_of(action: CaseAction) -> Role {
    action.roles().first().copied().unwrap_or(Role::ShiftLeader)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;

    fn t(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).unwrap()
    }

    fn step(
        id: i64,
        case_id: i64,
        hour: u32,
        action: &str,
        actor: &str,
        due: Option<u32>,
    ) -> EventFactRow {
        EventFactRow {
            id,
            case_id,
            at: t(hour),
            action: action.to_owned(),
            actor: actor.to_owned(),
            stage_due_at: due.map(t),
        }
    }

    fn row<'a>(rows: &'a [PostCounts], action: &str) -> &'a PostCounts {
        rows.iter().find(|r| r.action == action).unwrap()
    }

    #[test]
    fn posts_are_judged_on_their_steps() {
        let mut table = EventTable::default();
        for s in [
            step(1, 7, 1, "receive", "intake", None),
            step(2, 7, 2, "accept", "wang", Some(3)),
            step(3, 7, 3, "dispatch", "li", Some(2)),
            step(4, 7, 4, "return", "cgj", Some(8)),
            step(5, 7, 5, "reassign", "li", Some(9)),
            step(6, 8, 2, "accept", "zhao", Some(1)),
            step(7, 8, 3, "dispatch", "li", None),
            step(9, 8, 23, "accept", "wang", Some(23)),
        ] {
            table.add(&s);
        }
        // `receive` is intake, not a step of a post.
        assert_eq!(table.len(), 7);
        let rows = table.tally(t(0), t(10));
        let accept = row(&rows, "accept");
        assert_eq!(
            (
                accept.role.as_str(),
                accept.count,
                accept.judged,
                accept.on_time,
                accept.actors
            ),
            ("intake_operator", 2, 2, 1, 2)
        );
        assert_eq!(accept.accurate, None);
        let dispatch = row(&rows, "dispatch");
        // Case 7's dispatch was returned; case 8's was not. One of two was judged, and late.
        assert_eq!(
            (
                dispatch.count,
                dispatch.accurate,
                dispatch.judged,
                dispatch.on_time
            ),
            (2, Some(1), 1, 0)
        );
        assert_eq!(dispatch.accurate_rate, Some(0.5));
        assert_eq!(row(&rows, "reassign").accurate, Some(1));
        assert_eq!(row(&rows, "return").role, "department_handler");
        // In workflow order: accept before dispatch before return.
        let order: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(order, ["accept", "dispatch", "return", "reassign"]);
    }

    #[test]
    fn a_return_that_arrives_late_still_counts_against_its_dispatch() {
        let mut table = EventTable::default();
        table.add(&step(10, 1, 1, "dispatch", "li", None));
        table.add(&step(12, 1, 3, "reassign", "li", None));
        // Committed after 12 was read.
        table.add(&step(11, 1, 2, "return", "cgj", None));
        let rows = table.tally(t(0), t(10));
        assert_eq!(row(&rows, "dispatch").accurate, Some(0));
        assert_eq!(row(&rows, "reassign").accurate, Some(1));
    }
}
