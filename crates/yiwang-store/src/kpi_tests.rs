//! KPI counts and problem-list reads, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use yiwang_core::kpi::CaseCounts;
use yiwang_core::model::Case;

use crate::case_tests::new_case;
use crate::testing::TestDb;
use crate::tests::seed;
use yiwang_core::kpi::Period;

use crate::{CaseChange, KpiFacts, KpiGrouping, Store, both_backends, months};

fn t(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, month, day, 0, 0, 0).unwrap()
}

/// February 2025 (UTC).
fn period() -> (DateTime<Utc>, DateTime<Utc>) {
    (t(2, 1), t(3, 1))
}

struct Spec {
    id: i64,
    created: DateTime<Utc>,
    due: DateTime<Utc>,
    closed: Option<DateTime<Utc>>,
    state: &'static str,
}

fn case(s: &Spec) -> Case {
    let mut c = new_case("井盖缺失", None).case;
    c.id = s.id;
    c.case_no = format!("XH2025-{:06}", s.id);
    c.created_at = s.created;
    c.due_at = Some(s.due);
    c.closed_at = s.closed;
    c.state = s.state.to_owned();
    c.category_kind = Some("component".into());
    c.category_code = Some("0101".into());
    c.category_name = Some("井盖".into());
    c
}

/// Ten cases around February 2025, each probing one edge of the definitions.
async fn load(store: &Store) {
    let spec = |id, created, due, closed, state| Spec {
        id,
        created,
        due,
        closed,
        state,
    };
    let mut cases = vec![
        // A: received before, due and closed on time in the period, 满意.
        case(&spec(100, t(1, 20), t(2, 5), Some(t(2, 3)), "closed")),
        // B: closed in the period before a deadline in the next one: due now.
        case(&spec(101, t(1, 25), t(3, 10), Some(t(2, 20)), "closed")),
        // C: due in the period, closed only after it: due, overdue at the end.
        case(&spec(102, t(2, 2), t(2, 10), Some(t(3, 2)), "closed")),
        // D: open and overdue, returned by one department, handled by another.
        case(&spec(103, t(2, 3), t(2, 12), None, "handling")),
        // E: merged into C: a repeat, never due.
        case(&spec(104, t(2, 4), t(2, 9), None, "merged")),
        // F: rejected: never due.
        case(&spec(105, t(2, 5), t(2, 10), None, "rejected")),
        // G: late, reworked, 不满意, supervised.
        case(&spec(106, t(2, 6), t(2, 8), Some(t(2, 9)), "closed")),
        // H: deadline exactly at the end: not due in this period (half-open).
        case(&spec(107, t(2, 20), t(3, 1), None, "handling")),
        // I: deadline exactly at the start: due, and overdue.
        case(&spec(108, t(1, 10), t(2, 1), None, "handling")),
        // J: suspended (挂账): due, but its clock is paused, so not overdue.
        case(&spec(109, t(2, 8), t(2, 9), None, "suspended")),
    ];
    cases[0].satisfaction = Some("satisfied".into());
    for c in &mut cases {
        if ["closed", "handling"].contains(&c.state.as_str()) {
            c.department_code = Some("XH-CGJ".into());
        }
    }
    cases[3].returned_by = Some("XH-LH".into());
    cases[4].parent_id = Some(102);
    cases[6].rework_count = 1;
    cases[6].satisfaction = Some("unsatisfied".into());
    cases[6].supervised = true;
    let mut bulk = store.bulk().await.unwrap();
    bulk.cases(&cases).await.unwrap();
    bulk.commit().await.unwrap();
}

fn expected() -> CaseCounts {
    CaseCounts {
        received: 7,
        due: 7,
        closed: 3,
        closed_on_time: 2,
        reworked: 1,
        resolved: 2,
        revisited: 2,
        satisfied: 1,
        basically_satisfied: 0,
        unsatisfied: 1,
        merged_repeats: 1,
        overdue_open: 3,
        supervised: 1,
        returned: 1,
        disputed: 0,
        cross_department: 1,
        // A 14 days, B 26 days, G 3 days.
        handling_minutes: f64::from(43 * 24 * 60),
    }
}

fn close_enough(mut got: CaseCounts, want: CaseCounts) {
    assert!(
        (got.handling_minutes - want.handling_minutes).abs() < 0.01,
        "{got:?}"
    );
    got.handling_minutes = want.handling_minutes;
    assert_eq!(got, want);
}

both_backends!(kpi_counts_follow_the_definitions, |db: TestDb| async move {
    seed(&db.store).await;
    load(&db.store).await;
    let (from, to) = period();
    let now = Utc::now();
    close_enough(db.store.kpi_total(from, to, now).await.unwrap(), expected());

    let streets = db
        .store
        .kpi_counts(KpiGrouping::Street, from, to, now)
        .await
        .unwrap();
    assert_eq!(streets.len(), 1);
    assert_eq!(streets[0].group, "310104003");
    assert_eq!(streets[0].group_name, "天平路街道");
    close_enough(streets[0].counts, expected());

    for (by, code, name) in [
        (KpiGrouping::Area, "310104003901", "grid 310104003901"),
        (KpiGrouping::Community, "310104003001", "grid 310104003001"),
        (KpiGrouping::Grid, "310104003001001", "grid 310104003001001"),
        (KpiGrouping::Source, "hotline", "12345热线"),
    ] {
        let rows = db.store.kpi_counts(by, from, to, now).await.unwrap();
        assert_eq!(rows.len(), 1, "{by:?}");
        assert_eq!(
            (rows[0].group.as_str(), rows[0].group_name.as_str()),
            (code, name)
        );
        close_enough(rows[0].counts, expected());
    }

    let departments = db
        .store
        .kpi_counts(KpiGrouping::Department, from, to, now)
        .await
        .unwrap();
    let groups: Vec<(&str, &str)> = departments
        .iter()
        .map(|r| (r.group.as_str(), r.group_name.as_str()))
        .collect();
    assert_eq!(
        groups,
        [("", "未派遣"), ("XH-CGJ", "上海市徐汇区城市管理行政执法局")]
    );
    let mut sum = CaseCounts::default();
    for r in &departments {
        sum += r.counts;
    }
    close_enough(sum, expected());

    // A period still running judges 超期未结 now: I and D are overdue on 2025-02-13, C is not yet.
    let early = db.store.kpi_total(from, to, t(2, 11)).await.unwrap();
    assert_eq!(early.overdue_open, 2);

    // A year: on SQLite every case is read (no WHERE); the counts are the same kind.
    let year = db
        .store
        .kpi_total(
            t(1, 1),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        (year.received, year.due, year.closed, year.overdue_open),
        (10, 8, 4, 3),
        "{year:?}"
    );

    // A later period with nothing received, due or closed still has what is overdue at its
    // end: D, H and I.
    let june = db.store.kpi_total(t(6, 1), t(7, 1), now).await.unwrap();
    assert_eq!(
        june,
        CaseCounts {
            overdue_open: 3,
            ..CaseCounts::default()
        }
    );
});

both_backends!(kpi_by_month_splits_the_period, |db: TestDb| async move {
    seed(&db.store).await;
    load(&db.store).await;
    let from = Utc.with_ymd_and_hms(2025, 1, 31, 16, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2025, 3, 31, 16, 0, 0).unwrap();
    let rows = db
        .store
        .kpi_counts(KpiGrouping::Month, from, to, Utc::now())
        .await
        .unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.group_name.as_str()).collect();
    assert_eq!(names, ["2025年2月", "2025年3月"]);
    // B is due in February only (closed there, before its March deadline); H is due in March by
    // its deadline, and C in both months (deadline in February, closed in March).
    assert_eq!(rows[0].counts.due, 7);
    assert_eq!(rows[1].counts.closed, 1);
    assert_eq!(rows[1].counts.due, 2);
});

both_backends!(problem_cases_of_an_area, |db: TestDb| async move {
    seed(&db.store).await;
    load(&db.store).await;
    let (from, to) = period();
    let cases = db
        .store
        .problem_cases("310104003901", from, to, Utc::now())
        .await
        .unwrap();
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    // Received in February, plus I (received in January, overdue).
    assert_eq!(ids, [109, 108, 107, 106, 105, 104, 103, 102]);
    let overdue: Vec<i64> = cases.iter().filter(|c| c.overdue).map(|c| c.id).collect();
    assert_eq!(overdue, [108, 103, 102]);
    assert_eq!(
        cases[0].premises_address.as_deref(),
        Some("上海市徐汇区宛平南路500弄")
    );
    assert!(
        db.store
            .problem_cases("310104003902", from, to, Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.store.area_name("310104003901").await.unwrap().as_deref(),
        Some("grid 310104003901")
    );
    assert_eq!(db.store.area_name("310104003001").await.unwrap(), None);
});

#[test]
fn months_are_china_standard_time() {
    let from = Utc.with_ymd_and_hms(2025, 1, 15, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2025, 3, 10, 0, 0, 0).unwrap();
    let m = months(from, to);
    let labels: Vec<&str> = m.iter().map(|(l, _, _)| l.as_str()).collect();
    assert_eq!(labels, ["2025-01", "2025-02", "2025-03"]);
    assert_eq!(m[0].1, from);
    assert_eq!(m[0].2, Utc.with_ymd_and_hms(2025, 1, 31, 16, 0, 0).unwrap());
    assert_eq!(m[2].2, to);
    assert_eq!(m[1].2 - m[1].1, Duration::days(28));
    assert!(months(to, to).is_empty());
}

both_backends!(
    kpi_facts_follow_new_and_changed_cases,
    |db: TestDb| async move {
        seed(&db.store).await;
        load(&db.store).await;
        let (from, to) = period();
        let now = Utc::now();
        let mut facts = KpiFacts::default();
        // The ten above and the seed's own.
        assert_eq!(db.store.refresh_kpi_facts(&mut facts).await.unwrap(), 11);
        assert_eq!(facts.table().len(), 11);
        assert_eq!(db.store.refresh_kpi_facts(&mut facts).await.unwrap(), 0);

        // D's check stage gets a deadline that has passed; then D is closed in the period, late;
        // a new case arrives.
        let mut d = db.store.case(103).await.unwrap().unwrap();
        d.stage_due_at = Some(now - Duration::hours(1));
        let mut d = db
            .store
            .change_case(&CaseChange {
                case: &d,
                action: "check",
                actor: "li",
                from_state: "handling",
                detail: serde_json::json!({}),
            })
            .await
            .unwrap();
        d.state = "closed".into();
        d.closed_at = Some(t(2, 14));
        db.store
            .change_case(&CaseChange {
                case: &d,
                action: "close",
                actor: "zhang",
                from_state: "handling",
                detail: serde_json::json!({}),
            })
            .await
            .unwrap();
        let mut bulk = db.store.bulk().await.unwrap();
        bulk.cases(&[case(&Spec {
            id: 110,
            created: t(2, 15),
            due: t(2, 25),
            closed: None,
            state: "handling",
        })])
        .await
        .unwrap();
        bulk.commit().await.unwrap();

        assert_eq!(db.store.refresh_kpi_facts(&mut facts).await.unwrap(), 2);
        let held = facts.table().total(&Period::new(from, to, now));
        let mut want = expected();
        want.received += 1;
        want.due += 1;
        want.closed += 1;
        want.resolved += 1;
        want.handling_minutes += f64::from(11 * 24 * 60);
        close_enough(held, want);
        // What the facts hold is what a fresh read of the store counts.
        close_enough(db.store.kpi_total(from, to, now).await.unwrap(), held);
        // The steps: 核查 ended the loaded case's stage, before its deadline; 结案 ended the one
        // that had passed.
        let steps = facts
            .steps()
            .tally(now - Duration::hours(2), Utc::now() + Duration::hours(1));
        let judged: Vec<(&str, &str, i64, i64, i64)> = steps
            .iter()
            .map(|r| {
                (
                    r.role.as_str(),
                    r.action.as_str(),
                    r.count,
                    r.judged,
                    r.on_time,
                )
            })
            .collect();
        assert_eq!(
            judged,
            [
                ("grid_worker", "check", 1, 1, 1),
                ("shift_leader", "close", 1, 1, 0)
            ]
        );
    }
);
