//! Between a stored [`Case`] record and the [`CaseFlow`] the workflow decides on.

use super::actions::Satisfaction;
use super::limits::{Stage, TimeLimit};
use super::machine::{CaseFlow, PendingRequest};
use super::states::CaseState;
use crate::model::Case;
use crate::reference::TimeLimitUnit;

/// A stored case whose workflow columns do not make sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("case {case_id}: {reason}")]
pub struct CorruptFlow {
    /// The case.
    pub case_id: i64,
    /// What is wrong.
    pub reason: String,
}

/// The whole-case limit used when a case carries none (older records): 5 working days,
/// the general limit for 12345 求助 and 投诉.
pub const FALLBACK_TIME_LIMIT: TimeLimit = TimeLimit::new(5, TimeLimitUnit::WorkingDay);

impl Case {
    /// The workflow view of this case.
    pub fn flow(&self) -> Result<CaseFlow, CorruptFlow> {
        let bad = |reason: String| CorruptFlow {
            case_id: self.id,
            reason,
        };
        let state: CaseState = self.state.parse().map_err(|e| bad(format!("{e}")))?;
        let time_limit = match (self.time_limit_amount, &self.time_limit_unit) {
            (Some(amount), Some(unit)) => TimeLimit::new(
                u32::try_from(amount).map_err(|_| bad(format!("time limit {amount}")))?,
                unit.parse().map_err(|e: String| bad(e))?,
            ),
            _ => FALLBACK_TIME_LIMIT,
        };
        let pending = match &self.pending_request {
            Some(json) => Some(
                serde_json::from_str::<PendingRequest>(json)
                    .map_err(|e| bad(format!("pending request: {e}")))?,
            ),
            None => None,
        };
        let satisfaction = match &self.satisfaction {
            Some(s) => {
                Some(Satisfaction::from_label(s).ok_or_else(|| bad(format!("satisfaction {s}")))?)
            }
            None => None,
        };
        let stage = match &self.stage {
            Some(s) => Some(s.parse::<Stage>().map_err(|e| bad(format!("{e}")))?),
            None => None,
        };
        Ok(CaseFlow {
            state,
            department_code: self.department_code.clone(),
            assisting: self
                .assisting_departments
                .iter()
                .flat_map(|a| a.split(';'))
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            pending,
            satisfaction,
            rework_count: u32::try_from(self.rework_count).unwrap_or(0),
            supervised: self.supervised,
            reopened: self.reopened,
            parent_id: self.parent_id,
            returned_by: self.returned_by.clone(),
            received_at: self.created_at,
            time_limit,
            due_at: self
                .due_at
                .unwrap_or_else(|| self.created_at + chrono::Duration::days(7)),
            stage,
            stage_started_at: self.stage_started_at,
            stage_due_at: self.stage_due_at,
            paused_at: self.paused_at,
            closed_at: self.closed_at,
        })
    }

    /// Writes `flow` into this case's workflow columns.
    pub fn set_flow(&mut self, flow: &CaseFlow) {
        self.state = flow.state.as_str().to_owned();
        self.department_code.clone_from(&flow.department_code);
        self.assisting_departments = (!flow.assisting.is_empty()).then(|| flow.assisting.join(";"));
        self.pending_request = flow
            .pending
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok());
        self.satisfaction = flow.satisfaction.map(|s| s.as_str().to_owned());
        self.rework_count = i32::try_from(flow.rework_count).unwrap_or(i32::MAX);
        self.supervised = flow.supervised;
        self.reopened = flow.reopened;
        self.parent_id = flow.parent_id;
        self.returned_by.clone_from(&flow.returned_by);
        self.time_limit_amount = i32::try_from(flow.time_limit.amount).ok();
        self.time_limit_unit = Some(flow.time_limit.unit.as_str().to_owned());
        self.due_at = Some(flow.due_at);
        self.stage = flow.stage.map(|s| s.as_str().to_owned());
        self.stage_started_at = flow.stage_started_at;
        self.stage_due_at = flow.stage_due_at;
        self.paused_at = flow.paused_at;
        self.closed_at = flow.closed_at;
    }
}
