//! What can be done to a case, by whom, with what input.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::limits::TimeLimit;
use crate::Role;
use crate::model::{UnknownVariant, stored_enum};

stored_enum!(
    /// An action on a case. Identifiers are English snake_case; the Chinese
    /// names are those used on the hotline and in GB/T 30428.
    CaseAction, "case action" {
        /// 受理: take the case in.
        Accept = "accept" / "受理",
        /// 核实派发: ask a grid worker to confirm the report on site.
        RequestVerification = "request_verification" / "核实派发",
        /// 核实: report what was found on site (needs `outcome`).
        Verify = "verify" / "核实",
        /// 不予受理: decline the case (needs `reason`).
        Reject = "reject" / "不予受理",
        /// 直接答复: answer a consultation on the spot and close it (needs `reply`).
        Answer = "answer" / "直接答复",
        /// 立案: file the case; may set the category and its time limit.
        File = "file" / "立案",
        /// 派遣: send the case to a department (needs `department`).
        Dispatch = "dispatch" / "派遣",
        /// 签收: the department signs for the case.
        Sign = "sign" / "签收",
        /// 退单: the department returns the case as not its matter (needs `reason`).
        Return = "return" / "退单",
        /// 改派: after a return, send the case to another department (needs `department`).
        Reassign = "reassign" / "改派",
        /// 驳回退单: after a return, keep the case with the same department (needs `reason`).
        RefuseReturn = "refuse_return" / "驳回退单",
        /// 处置: record handling progress (contact with the caller, work done, photos).
        Handle = "handle" / "处置",
        /// 反馈: report the case handled (needs `reply`).
        Report = "report" / "反馈",
        /// 核查: confirm on site that the handling is done.
        Check = "check" / "核查",
        /// 返工: the check failed; back to the department (needs `reason`).
        Rework = "rework" / "返工",
        /// 结案: close the case.
        Close = "close" / "结案",
        /// 回访: record the caller's satisfaction (needs `satisfaction`); 不满意 reopens it (重办).
        Revisit = "revisit" / "回访",
        /// 申请延期: ask for more time (needs `extension` and `reason`).
        Extend = "extend" / "申请延期",
        /// 申请挂账: ask to park the case (needs `reason`).
        Suspend = "suspend" / "申请挂账",
        /// 批准: approve the pending extension or suspension request.
        Approve = "approve" / "批准申请",
        /// 驳回申请: deny the pending extension or suspension request (needs `reason`).
        Deny = "deny" / "驳回申请",
        /// 恢复处置: take a parked case up again.
        Resume = "resume" / "恢复处置",
        /// 督办: flag the case for supervision.
        Supervise = "supervise" / "督办",
        /// 并单: merge the case into another one (needs `parent_id`).
        Merge = "merge" / "并单",
        /// 备注: add a comment.
        Comment = "comment" / "备注",
    }
);

impl CaseAction {
    /// The roles that may take this action (scope to a department is checked separately).
    #[must_use]
    pub fn roles(self) -> &'static [Role] {
        use CaseAction as A;
        use Role as R;
        const HANDLERS: &[Role] = &[R::DepartmentHandler, R::StreetOperator];
        const INTAKE: &[Role] = &[R::IntakeOperator, R::ShiftLeader];
        const CHECKERS: &[Role] = &[R::GridWorker, R::ShiftLeader];
        const DISPATCH: &[Role] = &[R::Dispatcher, R::ShiftLeader];
        const LEADER: &[Role] = &[R::ShiftLeader];
        match self {
            A::Accept | A::RequestVerification | A::Reject | A::Answer | A::Revisit => INTAKE,
            A::Verify => &[R::GridWorker, R::StreetOperator],
            A::File | A::Close | A::Approve | A::Deny | A::Supervise | A::RefuseReturn => LEADER,
            A::Dispatch | A::Reassign => DISPATCH,
            A::Sign | A::Return | A::Handle | A::Report | A::Extend | A::Suspend => HANDLERS,
            A::Check | A::Rework => CHECKERS,
            A::Resume => &[R::ShiftLeader, R::DepartmentHandler, R::StreetOperator],
            A::Merge => &[R::IntakeOperator, R::ShiftLeader, R::Dispatcher],
            A::Comment => &[
                R::IntakeOperator,
                R::ShiftLeader,
                R::Dispatcher,
                R::DepartmentHandler,
                R::StreetOperator,
                R::GridWorker,
            ],
        }
    }

    /// Whether only the department the case is dispatched to may take this action.
    #[must_use]
    pub fn is_department_action(self) -> bool {
        use CaseAction as A;
        matches!(
            self,
            A::Sign | A::Return | A::Handle | A::Report | A::Extend | A::Suspend
        )
    }
}

stored_enum!(
    /// What a grid worker found when verifying a report on site.
    VerifyOutcome, "verification outcome" {
        /// 属实: the problem is there.
        Confirmed = "confirmed" / "属实",
        /// 不属实: nothing found; the case is not taken in.
        NotFound = "not_found" / "不属实",
        /// 无法核实: could not be checked (access, timing); back to intake.
        Unable = "unable" / "无法核实",
    }
);

stored_enum!(
    /// The caller's verdict at the 回访.
    Satisfaction, "satisfaction" {
        /// 满意.
        Satisfied = "satisfied" / "满意",
        /// 基本满意.
        BasicallySatisfied = "basically_satisfied" / "基本满意",
        /// 不满意: the case is reopened (重办).
        Unsatisfied = "unsatisfied" / "不满意",
    }
);

impl Satisfaction {
    /// Parses the identifier or the Chinese label (满意 / 基本满意 / 不满意).
    #[must_use]
    pub fn from_label(s: &str) -> Option<Self> {
        Satisfaction::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s || v.name_zh() == s)
    }
}

/// An action and what came with it. Fields an action does not use are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionInput {
    /// The action.
    pub action: CaseAction,
    /// Why (return, reject, rework, deny, refuse_return, extend, suspend).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Department code (dispatch, reassign).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Assisting departments' codes (协办) with a dispatch or reassign; without them, none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assisting: Option<Vec<String>>,
    /// Reply to the caller (report, answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// On-site finding (verify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<VerifyOutcome>,
    /// Caller's verdict (revisit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Satisfaction>,
    /// Extra time asked for (extend).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<TimeLimit>,
    /// Handling time limit chosen at filing (subclass × filing condition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<TimeLimit>,
    /// The case this one is merged into (merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    /// Free comment, kept on the timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl ActionInput {
    /// An action with no further input.
    #[must_use]
    pub fn new(action: CaseAction) -> Self {
        Self {
            action,
            reason: None,
            department: None,
            assisting: None,
            reply: None,
            outcome: None,
            satisfaction: None,
            extension: None,
            time_limit: None,
            parent_id: None,
            comment: None,
        }
    }
}
