//! The transition function: one case, one action, one actor → the next flow or a refusal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::actions::{ActionInput, CaseAction, Satisfaction, VerifyOutcome};
use super::limits::{Stage, StageLimits, TimeLimit};
use super::states::CaseState;
use crate::Role;
use crate::calendar::WorkCalendar;

/// A request waiting for the shift leader's approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PendingRequest {
    /// 延期: more time.
    Extension {
        /// Time asked for, added to the current deadline when approved.
        extension: TimeLimit,
        /// Why.
        reason: String,
    },
    /// 挂账: park the case with its clock paused.
    Suspension {
        /// Why.
        reason: String,
    },
}

/// Everything the workflow decides on: the state, the clocks and the flags of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFlow {
    /// Workflow state.
    pub state: CaseState,
    /// Department the case is dispatched to (the lead, 主办).
    pub department_code: Option<String>,
    /// Departments assisting the lead (协办), set with it at 派遣 and 改派.
    pub assisting: Vec<String>,
    /// A request waiting for approval.
    pub pending: Option<PendingRequest>,
    /// The caller's verdict at the latest 回访.
    pub satisfaction: Option<Satisfaction>,
    /// Times sent back for handling (返工 and 重办).
    pub rework_count: u32,
    /// Flagged for supervision (督办).
    pub supervised: bool,
    /// Reopened once already after an unsatisfied 回访 (重办); a second 不满意 is recorded, not reopened.
    pub reopened: bool,
    /// The case this one was merged into.
    pub parent_id: Option<i64>,
    /// The department that last returned the case (退单).
    pub returned_by: Option<String>,
    /// When the case was received; the whole-case clock starts here.
    pub received_at: DateTime<Utc>,
    /// The whole-case time limit (subclass × filing condition, or request type).
    pub time_limit: TimeLimit,
    /// The whole-case deadline.
    pub due_at: DateTime<Utc>,
    /// The stage whose clock is running, if any.
    pub stage: Option<Stage>,
    /// When that stage started.
    pub stage_started_at: Option<DateTime<Utc>>,
    /// When that stage is due.
    pub stage_due_at: Option<DateTime<Utc>>,
    /// When the clocks were paused (挂账), if they are.
    pub paused_at: Option<DateTime<Utc>>,
    /// When the case was closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Who is acting: their roles and the organisation they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The actor's roles.
    pub roles: Vec<Role>,
    /// Department or street code of the actor's organisation.
    pub org_code: Option<String>,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// None of the actor's roles may take the action.
    #[error("{action} ({zh}) needs one of the roles: {roles}", action = .action.as_str(), zh = .action.name_zh(), roles = role_list(.roles))]
    RoleMayNot {
        /// The action.
        action: CaseAction,
        /// Roles that may.
        roles: &'static [Role],
    },
    /// The action is for the department the case is dispatched to.
    #[error("{action} is for the department the case is dispatched to ({department}), not for {org}", action = .action.as_str(), department = .department.as_deref().unwrap_or("none yet"), org = .org.as_deref().unwrap_or("an account with no organisation"))]
    NotYourCase {
        /// The action.
        action: CaseAction,
        /// The case's department.
        department: Option<String>,
        /// The actor's organisation.
        org: Option<String>,
    },
    /// The action is not possible in the case's state.
    #[error("{action} ({zh}) is not possible while the case is {state} ({state_zh}); possible now: {allowed}", action = .action.as_str(), zh = .action.name_zh(), state = .state.as_str(), state_zh = .state.name_zh(), allowed = action_list(.allowed))]
    NotNow {
        /// The action.
        action: CaseAction,
        /// The case's state.
        state: CaseState,
        /// What the actor may do instead.
        allowed: Vec<CaseAction>,
    },
    /// Input the action needs is missing or wrong.
    #[error("{action} needs {what}", action = .action.as_str())]
    Input {
        /// The action.
        action: CaseAction,
        /// What is missing or wrong, in words.
        what: String,
    },
}

fn role_list(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn action_list(actions: &[CaseAction]) -> String {
    if actions.is_empty() {
        return "nothing".to_owned();
    }
    actions
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl CaseFlow {
    /// A case just received at `at` with the whole-case `time_limit`: 待受理, intake clock running.
    #[must_use]
    pub fn received(
        at: DateTime<Utc>,
        time_limit: TimeLimit,
        calendar: &WorkCalendar,
        limits: &StageLimits,
    ) -> Self {
        let mut flow = Self {
            state: CaseState::Received,
            department_code: None,
            assisting: Vec::new(),
            pending: None,
            satisfaction: None,
            rework_count: 0,
            supervised: false,
            reopened: false,
            parent_id: None,
            returned_by: None,
            received_at: at,
            time_limit,
            due_at: time_limit.due_from(at, calendar),
            stage: None,
            stage_started_at: None,
            stage_due_at: None,
            paused_at: None,
            closed_at: None,
        };
        flow.start_stage(Stage::Intake, at, calendar, limits);
        flow
    }

    fn start_stage(
        &mut self,
        stage: Stage,
        now: DateTime<Utc>,
        calendar: &WorkCalendar,
        limits: &StageLimits,
    ) {
        self.stage = Some(stage);
        self.stage_started_at = Some(now);
        self.stage_due_at = Some(match limits.of(stage) {
            Some(limit) => limit.due_from(now, calendar),
            None => self.due_at,
        });
    }

    /// This case merged into `parent` (并单) at `now`: finished, its clocks stopped.
    #[must_use]
    pub fn merged_into(&self, parent: i64, now: DateTime<Utc>) -> Self {
        let mut next = self.clone();
        next.parent_id = Some(parent);
        next.state = CaseState::Merged;
        next.closed_at = Some(now);
        next.stop_clocks();
        next
    }

    fn stop_clocks(&mut self) {
        self.stage = None;
        self.stage_started_at = None;
        self.stage_due_at = None;
    }
}

/// The assisting departments given with a dispatch: trimmed, without blanks, repeats or the lead.
fn assisting(input: &ActionInput, lead: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in input.assisting.iter().flatten().map(|c| c.trim()) {
        if !code.is_empty() && code != lead && !out.iter().any(|c| c == code) {
            out.push(code.to_owned());
        }
    }
    out
}

/// Whether `action` is possible in the flow's state, whoever asks.
fn possible(flow: &CaseFlow, action: CaseAction) -> bool {
    use CaseAction as A;
    use CaseState as S;
    let s = flow.state;
    let idle = flow.pending.is_none();
    match action {
        A::Accept | A::Reject => matches!(s, S::Received | S::Verifying),
        A::RequestVerification | A::Answer => s == S::Received,
        A::Verify => s == S::Verifying,
        A::File => s == S::Accepted,
        A::Dispatch => s == S::Filed,
        A::Sign => s == S::Dispatched,
        A::Return => (s == S::Dispatched || s == S::Handling) && idle,
        A::Reassign | A::RefuseReturn => s == S::Disputed,
        A::Handle => s == S::Handling,
        A::Report | A::Extend | A::Suspend => s == S::Handling && idle,
        A::Approve | A::Deny => s == S::Handling && !idle,
        A::Check | A::Rework => s == S::Reported,
        A::Close => s == S::Checked,
        A::Revisit => s == S::Closed && flow.satisfaction.is_none(),
        A::Resume => s == S::Suspended,
        A::Supervise => !s.is_finished() && !flow.supervised,
        A::Merge => !s.is_finished(),
        A::Comment => true,
    }
}

fn has_role(actor: &Actor, action: CaseAction) -> bool {
    action.roles().iter().any(|r| actor.roles.contains(r))
}

fn in_scope(flow: &CaseFlow, actor: &Actor, action: CaseAction) -> bool {
    !action.is_department_action()
        || (flow.department_code.is_some() && flow.department_code == actor.org_code)
}

/// The actions `actor` may take on the case now, in declaration order.
#[must_use]
pub fn allowed_actions(flow: &CaseFlow, actor: &Actor) -> Vec<CaseAction> {
    CaseAction::ALL
        .iter()
        .copied()
        .filter(|&a| possible(flow, a) && has_role(actor, a) && in_scope(flow, actor, a))
        .collect()
}

/// Whether an open case is past its deadline and not yet supervised: the
/// automatic 督办 applies [`CaseAction::Supervise`] to it. A parked case is
/// not overdue while its clock is paused.
#[must_use]
pub fn overdue_supervision(flow: &CaseFlow, now: DateTime<Utc>) -> bool {
    !flow.state.is_finished()
        && flow.state != CaseState::Suspended
        && !flow.supervised
        && now > flow.due_at
}

fn required<T: Clone>(value: &Option<T>, action: CaseAction, what: &str) -> Result<T, Refusal> {
    value.clone().ok_or_else(|| Refusal::Input {
        action,
        what: what.to_owned(),
    })
}

fn required_text(
    value: &Option<String>,
    action: CaseAction,
    what: &str,
) -> Result<String, Refusal> {
    match value.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Ok(text.to_owned()),
        _ => Err(Refusal::Input {
            action,
            what: what.to_owned(),
        }),
    }
}

/// Decides `input` by `actor` on a case whose flow is `flow`, at `now`.
///
/// Checks, in order: the actor's roles ([`Refusal::RoleMayNot`]), the state
/// ([`Refusal::NotNow`], naming what the actor may do instead), the
/// department scope ([`Refusal::NotYourCase`]) and the input
/// ([`Refusal::Input`]). On success answers the case's next flow; the caller
/// stores it together with the action on the case's timeline.
pub fn decide(
    flow: &CaseFlow,
    input: &ActionInput,
    actor: &Actor,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
    limits: &StageLimits,
) -> Result<CaseFlow, Refusal> {
    use CaseAction as A;
    use CaseState as S;
    let action = input.action;
    if !has_role(actor, action) {
        return Err(Refusal::RoleMayNot {
            action,
            roles: action.roles(),
        });
    }
    if !possible(flow, action) {
        return Err(Refusal::NotNow {
            action,
            state: flow.state,
            allowed: allowed_actions(flow, actor),
        });
    }
    if !in_scope(flow, actor, action) {
        return Err(Refusal::NotYourCase {
            action,
            department: flow.department_code.clone(),
            org: actor.org_code.clone(),
        });
    }
    let mut next = flow.clone();
    match action {
        A::Accept => next.state = S::Accepted,
        A::RequestVerification => next.state = S::Verifying,
        A::Verify => match required(
            &input.outcome,
            action,
            "an `outcome` (confirmed, not_found or unable)",
        )? {
            VerifyOutcome::Confirmed => next.state = S::Accepted,
            VerifyOutcome::NotFound => {
                next.state = S::Rejected;
                next.stop_clocks();
            }
            VerifyOutcome::Unable => next.state = S::Received,
        },
        A::Reject => {
            required_text(&input.reason, action, "a `reason` the caller can be told")?;
            next.state = S::Rejected;
            next.stop_clocks();
        }
        A::Answer => {
            required_text(&input.reply, action, "the `reply` given to the caller")?;
            next.state = S::Closed;
            next.closed_at = Some(now);
            next.start_stage(Stage::Revisit, now, calendar, limits);
        }
        A::File => {
            if let Some(limit) = input.time_limit {
                if limit.amount == 0 {
                    return Err(Refusal::Input {
                        action,
                        what: "a `time_limit` of at least 1".to_owned(),
                    });
                }
                next.time_limit = limit;
                next.due_at = limit.due_from(next.received_at, calendar);
            }
            next.state = S::Filed;
            next.start_stage(Stage::Dispatch, now, calendar, limits);
        }
        A::Dispatch => {
            let department = required_text(
                &input.department,
                action,
                "the `department` code to send the case to",
            )?;
            next.assisting = assisting(input, &department);
            next.department_code = Some(department);
            next.state = S::Dispatched;
            next.start_stage(Stage::Sign, now, calendar, limits);
        }
        A::Sign => {
            next.state = S::Handling;
            next.start_stage(Stage::Handle, now, calendar, limits);
        }
        A::Return => {
            required_text(
                &input.reason,
                action,
                "a `reason` (why it is not this department's matter)",
            )?;
            next.returned_by = flow.department_code.clone();
            next.state = S::Disputed;
            next.start_stage(Stage::Dispatch, now, calendar, limits);
        }
        A::Reassign => {
            let department = required_text(
                &input.department,
                action,
                "the `department` code to send the case to",
            )?;
            if flow.returned_by.as_deref() == Some(department.as_str()) {
                return Err(Refusal::Input {
                    action,
                    what: format!(
                        "a department other than {department}, which returned it (use refuse_return to keep it there)"
                    ),
                });
            }
            next.assisting = assisting(input, &department);
            next.department_code = Some(department);
            next.state = S::Dispatched;
            next.start_stage(Stage::Sign, now, calendar, limits);
        }
        A::RefuseReturn => {
            required_text(
                &input.reason,
                action,
                "a `reason` why the department keeps the case",
            )?;
            next.state = S::Dispatched;
            next.start_stage(Stage::Sign, now, calendar, limits);
        }
        A::Handle | A::Comment => {
            if input.comment.as_deref().is_none_or(|c| c.trim().is_empty()) && action == A::Comment
            {
                return Err(Refusal::Input {
                    action,
                    what: "a `comment`".to_owned(),
                });
            }
        }
        A::Report => {
            required_text(
                &input.reply,
                action,
                "the `reply`: what was done, in words for the caller",
            )?;
            next.state = S::Reported;
            next.start_stage(Stage::Check, now, calendar, limits);
        }
        A::Check => {
            next.state = S::Checked;
            next.start_stage(Stage::Close, now, calendar, limits);
        }
        A::Rework => {
            required_text(&input.reason, action, "a `reason`: what is still wrong")?;
            next.state = S::Handling;
            next.rework_count += 1;
            next.start_stage(Stage::Redo, now, calendar, limits);
        }
        A::Close => {
            next.state = S::Closed;
            next.closed_at = Some(now);
            next.start_stage(Stage::Revisit, now, calendar, limits);
        }
        A::Revisit => {
            let verdict = required(
                &input.satisfaction,
                action,
                "a `satisfaction` (satisfied, basically_satisfied or unsatisfied)",
            )?;
            next.satisfaction = Some(verdict);
            if verdict == Satisfaction::Unsatisfied && !flow.reopened {
                // 不满意 → 重办: the case is reopened once, with a fresh redo deadline.
                next.state = S::Handling;
                next.reopened = true;
                next.rework_count += 1;
                next.closed_at = None;
                next.satisfaction = None;
                next.start_stage(Stage::Redo, now, calendar, limits);
                if let Some(due) = next.stage_due_at {
                    next.due_at = due;
                }
            } else {
                next.stop_clocks();
            }
        }
        A::Extend => {
            let extension = required(&input.extension, action, "an `extension` ({amount, unit})")?;
            if extension.amount == 0 {
                return Err(Refusal::Input {
                    action,
                    what: "an `extension` of at least 1".to_owned(),
                });
            }
            let reason = required_text(&input.reason, action, "a `reason` for the extension")?;
            next.pending = Some(PendingRequest::Extension { extension, reason });
        }
        A::Suspend => {
            let reason = required_text(&input.reason, action, "a `reason` for parking the case")?;
            next.pending = Some(PendingRequest::Suspension { reason });
        }
        A::Approve => match next.pending.take() {
            Some(PendingRequest::Extension { extension, .. }) => {
                next.due_at = extension.due_from(flow.due_at, calendar);
                if matches!(next.stage, Some(Stage::Handle | Stage::Redo)) {
                    next.stage_due_at = Some(next.due_at);
                }
            }
            Some(PendingRequest::Suspension { .. }) => {
                next.state = S::Suspended;
                next.paused_at = Some(now);
            }
            None => {}
        },
        A::Deny => {
            required_text(&input.reason, action, "a `reason` for denying the request")?;
            next.pending = None;
        }
        A::Resume => {
            // The clocks stood still while the case was parked: move the deadlines on by as long.
            if let Some(paused) = flow.paused_at {
                let parked = now - paused;
                next.due_at = flow.due_at + parked;
                next.stage_due_at = flow.stage_due_at.map(|d| d + parked);
            }
            next.paused_at = None;
            next.state = S::Handling;
        }
        A::Supervise => next.supervised = true,
        A::Merge => {
            let parent = required(
                &input.parent_id,
                action,
                "the `parent_id` of the case to merge into",
            )?;
            next = flow.merged_into(parent, now);
        }
    }
    Ok(next)
}
