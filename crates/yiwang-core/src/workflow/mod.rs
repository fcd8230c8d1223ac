//! The case workflow: the merged GB/T 30428 (数字城管) and 12345 hotline
//! state machine, decided without I/O.
//!
//! ```text
//!  received ──accept──▶ accepted ──file──▶ filed ──dispatch──▶ dispatched ──sign──▶ handling
//!    │  ▲ request_verification / verify        ▲    return ▼        ▲ refuse_return   │  ▲
//!    │  └──── verifying                        │      disputed ─────┘ / reassign      │  │ rework
//!    ├─answer──▶ closed ◀──close── checked ◀──check── reported ◀──────report──────────┘  │
//!    └─reject──▶ rejected          closed ──revisit(不满意)──────────────────────────────┘
//! ```
//!
//! Beside the main line: `extend` / `suspend` requests that a shift leader
//! `approve`s or `deny`s (an approved 挂账 parks the case in `suspended`,
//! clock paused, until `resume`), `supervise` (督办), `merge` (并单) into
//! another case, `handle` (a handling note with photos) and `comment`.
//!
//! [`decide`] is the only way a case changes: it takes the case's
//! [`CaseFlow`], an [`ActionInput`] and the [`Actor`], and answers the next
//! flow or a [`Refusal`] that names the actions that *are* allowed.

mod actions;
mod limits;
mod machine;
mod record;
mod states;
#[cfg(test)]
mod tests;

pub use actions::{ActionInput, CaseAction, Satisfaction, VerifyOutcome};
pub use limits::{
    DeadlineStatus, Stage, StageLimits, TimeLimit, deadline_status, from_shanghai, shanghai,
};
pub use machine::{
    Actor, CaseFlow, PendingRequest, Refusal, allowed_actions, decide, overdue_supervision,
};
pub use record::{CorruptFlow, FALLBACK_TIME_LIMIT};
pub use states::CaseState;
