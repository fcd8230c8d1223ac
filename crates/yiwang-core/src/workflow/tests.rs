#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use super::limits::{from_shanghai, shanghai};
use super::*;
use crate::Role;
use crate::calendar::WorkCalendar;
use crate::reference::TimeLimitUnit;

fn at(s: &str) -> DateTime<Utc> {
    from_shanghai(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

fn local(t: DateTime<Utc>) -> String {
    shanghai(t).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn actor(role: Role, org: Option<&str>) -> Actor {
    Actor {
        roles: vec![role],
        org_code: org.map(str::to_owned),
    }
}

struct World {
    calendar: WorkCalendar,
    limits: StageLimits,
}

impl World {
    fn new() -> Self {
        Self {
            calendar: WorkCalendar::statutory().unwrap(),
            limits: StageLimits::default(),
        }
    }

    /// A complaint received Monday 2025-03-03 10:00 with 5 working days.
    fn fresh(&self) -> CaseFlow {
        CaseFlow::received(
            at("2025-03-03 10:00"),
            TimeLimit::new(5, TimeLimitUnit::WorkingDay),
            &self.calendar,
            &self.limits,
        )
    }

    fn act(
        &self,
        flow: &CaseFlow,
        input: ActionInput,
        who: &Actor,
        now: &str,
    ) -> Result<CaseFlow, Refusal> {
        decide(flow, &input, who, at(now), &self.calendar, &self.limits)
    }
}

fn with(action: CaseAction, f: impl FnOnce(&mut ActionInput)) -> ActionInput {
    let mut input = ActionInput::new(action);
    f(&mut input);
    input
}

const DEPT: &str = "XH-LHJ";

#[test]
fn a_complaint_goes_from_receipt_to_a_satisfied_revisit() {
    let w = World::new();
    let intake = actor(Role::IntakeOperator, None);
    let leader = actor(Role::ShiftLeader, None);
    let dispatcher = actor(Role::Dispatcher, None);
    let handler = actor(Role::DepartmentHandler, Some(DEPT));
    let grid = actor(Role::GridWorker, None);
    let mut flow = w.fresh();
    assert_eq!(local(flow.due_at), "2025-03-10 23:59:59");
    assert_eq!(flow.stage, Some(Stage::Intake));
    type Step<'a> = (
        ActionInput,
        &'a Actor,
        &'a str,
        CaseState,
        Option<Stage>,
        &'a str,
    );
    let steps: Vec<Step> = vec![
        (
            ActionInput::new(CaseAction::Accept),
            &intake,
            "2025-03-03 10:05",
            CaseState::Accepted,
            Some(Stage::Intake),
            "2025-03-04 23:59:59",
        ),
        (
            ActionInput::new(CaseAction::File),
            &leader,
            "2025-03-03 10:20",
            CaseState::Filed,
            Some(Stage::Dispatch),
            "2025-03-03 13:20:00",
        ),
        (
            with(CaseAction::Dispatch, |i| i.department = Some(DEPT.into())),
            &dispatcher,
            "2025-03-03 10:30",
            CaseState::Dispatched,
            Some(Stage::Sign),
            "2025-03-04 23:59:59",
        ),
        (
            ActionInput::new(CaseAction::Sign),
            &handler,
            "2025-03-03 14:00",
            CaseState::Handling,
            Some(Stage::Handle),
            "2025-03-10 23:59:59",
        ),
        (
            with(CaseAction::Report, |i| i.reply = Some("已清运".into())),
            &handler,
            "2025-03-05 09:00",
            CaseState::Reported,
            Some(Stage::Check),
            "2025-03-06 23:59:59",
        ),
        (
            ActionInput::new(CaseAction::Check),
            &grid,
            "2025-03-05 15:00",
            CaseState::Checked,
            Some(Stage::Close),
            "2025-03-06 23:59:59",
        ),
        (
            ActionInput::new(CaseAction::Close),
            &leader,
            "2025-03-05 16:00",
            CaseState::Closed,
            Some(Stage::Revisit),
            "2025-03-10 23:59:59",
        ),
    ];
    for (input, who, now, state, stage, stage_due) in steps {
        let action = input.action;
        flow = w
            .act(&flow, input, who, now)
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        assert_eq!((flow.state, flow.stage), (state, stage), "after {action}");
        assert_eq!(
            local(flow.stage_due_at.unwrap()),
            stage_due,
            "after {action}"
        );
    }
    assert_eq!(flow.closed_at, Some(at("2025-03-05 16:00")));
    let flow = w
        .act(
            &flow,
            with(CaseAction::Revisit, |i| {
                i.satisfaction = Some(Satisfaction::Satisfied)
            }),
            &intake,
            "2025-03-06 10:00",
        )
        .unwrap();
    assert_eq!(flow.state, CaseState::Closed);
    assert_eq!(flow.satisfaction, Some(Satisfaction::Satisfied));
    assert_eq!(flow.stage, None);
    assert!(allowed_actions(&flow, &intake) == vec![CaseAction::Comment]);
}

#[test]
fn an_action_out_of_turn_names_what_is_possible() {
    let w = World::new();
    let leader = actor(Role::ShiftLeader, None);
    let err = w
        .act(
            &w.fresh(),
            ActionInput::new(CaseAction::Close),
            &leader,
            "2025-03-03 11:00",
        )
        .unwrap_err();
    let Refusal::NotNow { state, allowed, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*state, CaseState::Received);
    assert_eq!(
        allowed,
        &vec![
            CaseAction::Accept,
            CaseAction::RequestVerification,
            CaseAction::Reject,
            CaseAction::Answer,
            CaseAction::Supervise,
            CaseAction::Merge,
            CaseAction::Comment,
        ]
    );
    assert!(
        err.to_string()
            .contains("possible now: accept, request_verification"),
        "{err}"
    );
}

#[test]
fn roles_and_departments_are_checked() {
    let w = World::new();
    let dispatched = {
        let f = w
            .act(
                &w.fresh(),
                ActionInput::new(CaseAction::Accept),
                &actor(Role::IntakeOperator, None),
                "2025-03-03 10:05",
            )
            .unwrap();
        let f = w
            .act(
                &f,
                ActionInput::new(CaseAction::File),
                &actor(Role::ShiftLeader, None),
                "2025-03-03 10:06",
            )
            .unwrap();
        w.act(
            &f,
            with(CaseAction::Dispatch, |i| i.department = Some(DEPT.into())),
            &actor(Role::Dispatcher, None),
            "2025-03-03 10:07",
        )
        .unwrap()
    };
    let cases: Vec<(Actor, CaseAction, &str)> = vec![
        (
            actor(Role::IntakeOperator, None),
            CaseAction::Sign,
            "RoleMayNot",
        ),
        (
            actor(Role::Citizen, None),
            CaseAction::Comment,
            "RoleMayNot",
        ),
        (actor(Role::Admin, None), CaseAction::Close, "RoleMayNot"),
        (
            actor(Role::DepartmentHandler, Some("XH-FGW")),
            CaseAction::Sign,
            "NotYourCase",
        ),
        (
            actor(Role::DepartmentHandler, None),
            CaseAction::Sign,
            "NotYourCase",
        ),
        (
            actor(Role::DepartmentHandler, Some(DEPT)),
            CaseAction::Report,
            "NotNow",
        ),
        (
            actor(Role::DepartmentHandler, Some(DEPT)),
            CaseAction::Sign,
            "ok",
        ),
        (
            actor(Role::DepartmentHandler, Some(DEPT)),
            CaseAction::Return,
            "Input",
        ),
    ];
    for (who, action, expect) in cases {
        let got = match w.act(
            &dispatched,
            ActionInput::new(action),
            &who,
            "2025-03-03 11:00",
        ) {
            Ok(_) => "ok",
            Err(Refusal::RoleMayNot { .. }) => "RoleMayNot",
            Err(Refusal::NotYourCase { .. }) => "NotYourCase",
            Err(Refusal::NotNow { .. }) => "NotNow",
            Err(Refusal::Input { .. }) => "Input",
        };
        assert_eq!(got, expect, "{action} by {:?}", who.roles);
    }
}

fn handling(w: &World) -> CaseFlow {
    let mut f = w.fresh();
    for (input, who) in [
        (
            ActionInput::new(CaseAction::Accept),
            actor(Role::IntakeOperator, None),
        ),
        (
            ActionInput::new(CaseAction::File),
            actor(Role::ShiftLeader, None),
        ),
        (
            with(CaseAction::Dispatch, |i| i.department = Some(DEPT.into())),
            actor(Role::Dispatcher, None),
        ),
        (
            ActionInput::new(CaseAction::Sign),
            actor(Role::DepartmentHandler, Some(DEPT)),
        ),
    ] {
        f = w.act(&f, input, &who, "2025-03-03 11:00").unwrap();
    }
    f
}

#[test]
fn a_return_is_reviewed_then_reassigned_elsewhere() {
    let w = World::new();
    let f = handling(&w);
    let handler = actor(Role::DepartmentHandler, Some(DEPT));
    let f = w
        .act(
            &f,
            with(CaseAction::Return, |i| {
                i.reason = Some("不属本部门职责".into())
            }),
            &handler,
            "2025-03-03 15:00",
        )
        .unwrap();
    assert_eq!(
        (f.state, f.returned_by.as_deref()),
        (CaseState::Disputed, Some(DEPT))
    );
    let dispatcher = actor(Role::Dispatcher, None);
    let same = with(CaseAction::Reassign, |i| i.department = Some(DEPT.into()));
    assert!(matches!(
        w.act(&f, same, &dispatcher, "2025-03-03 15:10"),
        Err(Refusal::Input { .. })
    ));
    let f = w
        .act(
            &f,
            with(CaseAction::Reassign, |i| {
                i.department = Some("XH-FGW".into())
            }),
            &dispatcher,
            "2025-03-03 15:10",
        )
        .unwrap();
    assert_eq!(
        (f.state, f.department_code.as_deref()),
        (CaseState::Dispatched, Some("XH-FGW"))
    );
    // The whole-case deadline does not move for a mis-dispatch.
    assert_eq!(local(f.due_at), "2025-03-10 23:59:59");
}

#[test]
fn a_dispatch_names_its_assisting_departments_and_the_case_keeps_them() {
    let w = World::new();
    let mut f = w.fresh();
    for (input, who) in [
        (
            ActionInput::new(CaseAction::Accept),
            actor(Role::IntakeOperator, None),
        ),
        (
            ActionInput::new(CaseAction::File),
            actor(Role::ShiftLeader, None),
        ),
    ] {
        f = w.act(&f, input, &who, "2025-03-03 11:00").unwrap();
    }
    let dispatcher = actor(Role::Dispatcher, None);
    let f = w
        .act(
            &f,
            with(CaseAction::Dispatch, |i| {
                i.department = Some(DEPT.into());
                // The lead, a blank and a repeat are dropped.
                i.assisting = Some(vec![
                    "XH-CGJ".into(),
                    DEPT.into(),
                    " ".into(),
                    "XH-SCJ".into(),
                    "XH-CGJ".into(),
                ]);
            }),
            &dispatcher,
            "2025-03-03 11:10",
        )
        .unwrap();
    assert_eq!(f.assisting, ["XH-CGJ", "XH-SCJ"]);
    // 改派 after a return sets them anew (none given: none).
    let handler = actor(Role::DepartmentHandler, Some(DEPT));
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Sign),
            &handler,
            "2025-03-03 11:20",
        )
        .unwrap();
    let f = w
        .act(
            &f,
            with(CaseAction::Return, |i| i.reason = Some("不属本部门".into())),
            &handler,
            "2025-03-03 11:30",
        )
        .unwrap();
    let f = w
        .act(
            &f,
            with(CaseAction::Reassign, |i| {
                i.department = Some("XH-FGW".into())
            }),
            &dispatcher,
            "2025-03-03 11:40",
        )
        .unwrap();
    assert!(f.assisting.is_empty());
}

#[test]
fn approved_extension_moves_the_deadline_and_suspension_pauses_it() {
    let w = World::new();
    let handler = actor(Role::DepartmentHandler, Some(DEPT));
    let leader = actor(Role::ShiftLeader, None);
    let f = handling(&w);
    let ask = with(CaseAction::Extend, |i| {
        i.extension = Some(TimeLimit::new(3, TimeLimitUnit::WorkingDay));
        i.reason = Some("需协调产权单位".into());
    });
    let f = w.act(&f, ask, &handler, "2025-03-04 10:00").unwrap();
    assert!(matches!(f.pending, Some(PendingRequest::Extension { .. })));
    // While a request waits, the department cannot report or ask again.
    assert!(matches!(
        w.act(
            &f,
            with(CaseAction::Report, |i| i.reply = Some("x".into())),
            &handler,
            "2025-03-04 11:00"
        ),
        Err(Refusal::NotNow { .. })
    ));
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Approve),
            &leader,
            "2025-03-04 12:00",
        )
        .unwrap();
    assert_eq!(
        (f.pending.is_none(), local(f.due_at)),
        (true, "2025-03-13 23:59:59".to_owned())
    );
    assert_eq!(f.stage_due_at, Some(f.due_at));

    let f = w
        .act(
            &f,
            with(CaseAction::Suspend, |i| {
                i.reason = Some("待汛期后施工".into())
            }),
            &handler,
            "2025-03-05 10:00",
        )
        .unwrap();
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Approve),
            &leader,
            "2025-03-05 11:00",
        )
        .unwrap();
    assert_eq!(f.state, CaseState::Suspended);
    assert!(
        !overdue_supervision(&f, at("2025-04-01 00:00")),
        "a parked case is not overdue"
    );
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Resume),
            &leader,
            "2025-03-07 11:00",
        )
        .unwrap();
    assert_eq!(f.state, CaseState::Handling);
    assert_eq!(
        f.due_at,
        at("2025-03-13 23:59") + Duration::seconds(59) + Duration::days(2)
    );
}

#[test]
fn rework_and_an_unsatisfied_revisit_reopen_the_case() {
    let w = World::new();
    let handler = actor(Role::DepartmentHandler, Some(DEPT));
    let grid = actor(Role::GridWorker, None);
    let leader = actor(Role::ShiftLeader, None);
    let intake = actor(Role::IntakeOperator, None);
    let report = || with(CaseAction::Report, |i| i.reply = Some("已处理".into()));
    let f = w
        .act(&handling(&w), report(), &handler, "2025-03-04 10:00")
        .unwrap();
    assert!(matches!(
        w.act(
            &f,
            ActionInput::new(CaseAction::Rework),
            &grid,
            "2025-03-04 11:00"
        ),
        Err(Refusal::Input { .. })
    ));
    let f = w
        .act(
            &f,
            with(CaseAction::Rework, |i| {
                i.reason = Some("垃圾仍未清运".into())
            }),
            &grid,
            "2025-03-04 11:00",
        )
        .unwrap();
    assert_eq!(
        (f.state, f.rework_count, f.stage),
        (CaseState::Handling, 1, Some(Stage::Redo))
    );
    assert_eq!(local(f.stage_due_at.unwrap()), "2025-03-07 23:59:59");
    let f = w.act(&f, report(), &handler, "2025-03-05 10:00").unwrap();
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Check),
            &grid,
            "2025-03-05 11:00",
        )
        .unwrap();
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Close),
            &leader,
            "2025-03-05 12:00",
        )
        .unwrap();
    let f = w
        .act(
            &f,
            with(CaseAction::Revisit, |i| {
                i.satisfaction = Some(Satisfaction::Unsatisfied)
            }),
            &intake,
            "2025-03-06 09:00",
        )
        .unwrap();
    assert_eq!(
        (f.state, f.rework_count, f.closed_at),
        (CaseState::Handling, 2, None)
    );
    assert_eq!(local(f.due_at), "2025-03-11 23:59:59");
    // After the 重办, a second 不满意 is recorded and the case stays closed.
    let f = w.act(&f, report(), &handler, "2025-03-07 10:00").unwrap();
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Check),
            &grid,
            "2025-03-07 11:00",
        )
        .unwrap();
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Close),
            &leader,
            "2025-03-07 12:00",
        )
        .unwrap();
    let f = w
        .act(
            &f,
            with(CaseAction::Revisit, |i| {
                i.satisfaction = Some(Satisfaction::Unsatisfied)
            }),
            &intake,
            "2025-03-10 09:00",
        )
        .unwrap();
    assert_eq!(
        (f.state, f.satisfaction),
        (CaseState::Closed, Some(Satisfaction::Unsatisfied))
    );
}

#[test]
fn overdue_open_cases_are_supervised_once() {
    let w = World::new();
    let f = handling(&w);
    assert!(!overdue_supervision(&f, at("2025-03-10 23:59")));
    assert!(overdue_supervision(&f, at("2025-03-11 00:00")));
    let f = w
        .act(
            &f,
            ActionInput::new(CaseAction::Supervise),
            &actor(Role::ShiftLeader, None),
            "2025-03-11 00:00",
        )
        .unwrap();
    assert!(!overdue_supervision(&f, at("2025-03-12 00:00")));
    assert_eq!(
        deadline_status(f.received_at, f.due_at, at("2025-03-04 09:00"), 0.75),
        DeadlineStatus::OnTime
    );
    assert_eq!(
        deadline_status(f.received_at, f.due_at, at("2025-03-10 09:00"), 0.75),
        DeadlineStatus::Warning
    );
    assert_eq!(
        deadline_status(f.received_at, f.due_at, at("2025-03-11 09:00"), 0.75),
        DeadlineStatus::Overdue
    );
}

#[test]
fn verification_and_shortcuts() {
    let w = World::new();
    let intake = actor(Role::IntakeOperator, None);
    let grid = actor(Role::GridWorker, None);
    let f = w
        .act(
            &w.fresh(),
            ActionInput::new(CaseAction::RequestVerification),
            &intake,
            "2025-03-03 10:01",
        )
        .unwrap();
    let cases = [
        (VerifyOutcome::Confirmed, CaseState::Accepted),
        (VerifyOutcome::NotFound, CaseState::Rejected),
        (VerifyOutcome::Unable, CaseState::Received),
    ];
    for (outcome, state) in cases {
        let got = w
            .act(
                &f,
                with(CaseAction::Verify, |i| i.outcome = Some(outcome)),
                &grid,
                "2025-03-03 12:00",
            )
            .unwrap();
        assert_eq!(got.state, state, "{outcome}");
    }
    let answered = w
        .act(
            &w.fresh(),
            with(CaseAction::Answer, |i| {
                i.reply = Some("办理地点为区行政服务中心".into())
            }),
            &intake,
            "2025-03-03 10:02",
        )
        .unwrap();
    assert_eq!(
        (answered.state, answered.stage),
        (CaseState::Closed, Some(Stage::Revisit))
    );
    let merged = w
        .act(
            &w.fresh(),
            with(CaseAction::Merge, |i| i.parent_id = Some(7)),
            &intake,
            "2025-03-03 10:02",
        )
        .unwrap();
    assert_eq!(
        (merged.state, merged.parent_id),
        (CaseState::Merged, Some(7))
    );
    assert!(merged.state.is_finished());
}

#[test]
fn action_and_state_identifiers_round_trip() {
    for a in CaseAction::ALL {
        assert_eq!(a.as_str().parse::<CaseAction>().unwrap(), *a);
        assert!(!a.roles().is_empty(), "{a} has no role");
    }
    for s in CaseState::ALL {
        assert_eq!(s.as_str().parse::<CaseState>().unwrap(), *s);
    }
    assert_eq!(
        Satisfaction::from_label("基本满意"),
        Some(Satisfaction::BasicallySatisfied)
    );
    let json = serde_json::json!({"action": "extend", "extension": {"amount": 2, "unit": "working_day"}, "reason": "x"});
    let input: ActionInput = serde_json::from_value(json).unwrap();
    assert_eq!(
        input.extension,
        Some(TimeLimit::new(2, TimeLimitUnit::WorkingDay))
    );
}

#[test]
fn finished_states_agree_with_the_model_list() {
    for s in CaseState::ALL {
        assert_eq!(
            s.is_finished(),
            crate::model::FINISHED_CASE_STATES.contains(&s.as_str()),
            "{s}"
        );
    }
}
