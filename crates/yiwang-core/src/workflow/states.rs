//! Where a case is in its life.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{UnknownVariant, stored_enum};

stored_enum!(
    /// Workflow state of a case. Identifiers are stable API and stored as text.
    CaseState, "case state" {
        /// 待受理: reported, not yet taken in.
        Received = "received" / "待受理",
        /// 待核实: sent to a grid worker to confirm on site.
        Verifying = "verifying" / "待核实",
        /// 待立案: accepted, waiting for the shift leader to file it.
        Accepted = "accepted" / "待立案",
        /// 待派遣: filed with a category and time limit, waiting for dispatch.
        Filed = "filed" / "待派遣",
        /// 待签收: dispatched to a department, not yet signed for.
        Dispatched = "dispatched" / "待签收",
        /// 退单审核: the department returned it; the centre reviews the dispute.
        Disputed = "disputed" / "退单审核",
        /// 处置中: signed for and being handled.
        Handling = "handling" / "处置中",
        /// 已挂账: parked with approval; its clock is paused.
        Suspended = "suspended" / "已挂账",
        /// 待核查: the department reported it done; waiting for the check.
        Reported = "reported" / "待核查",
        /// 待结案: the check passed; waiting for the shift leader to close it.
        Checked = "checked" / "待结案",
        /// 已结案: closed (回访 may follow and reopen it).
        Closed = "closed" / "已结案",
        /// 不予受理: not taken in (not a matter for the platform, or not found on site).
        Rejected = "rejected" / "不予受理",
        /// 已并单: merged into another case as a duplicate.
        Merged = "merged" / "已并单",
    }
);

impl CaseState {
    /// Whether the case is finished (closed, rejected or merged): no clock
    /// runs and it cannot be overdue.
    #[must_use]
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            CaseState::Closed | CaseState::Rejected | CaseState::Merged
        )
    }
}
