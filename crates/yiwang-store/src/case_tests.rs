//! Case intake and workflow writes, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use yiwang_core::model::{Case, CaseSource};

use crate::testing::TestDb;
use crate::tests::seed;
use crate::{CaseChange, CaseQuery, IdempotencyKey, Intake, NewCase, StoreError, both_backends};

pub(crate) fn new_case(text: &str, key: Option<(&str, &str)>) -> NewCase {
    let now = Utc::now();
    NewCase {
        case: Case {
            id: 0,
            case_no: "XH20261127-".into(),
            source: CaseSource::Hotline,
            category_kind: None,
            category_code: None,
            category_name: None,
            request_type: Some("投诉".into()),
            text: text.into(),
            address: Some("宛平南路500弄".into()),
            premises_id: Some(1),
            lon: Some(121.44),
            lat: Some(31.19),
            street_code: Some("310104003".into()),
            grid_code: Some("310104003001001001".into()),
            department_code: None,
            state: "received".into(),
            priority: "normal".into(),
            reporter_name: Some("王五".into()),
            reporter_phone: Some("13800000000".into()),
            created_at: now,
            due_at: Some(now + Duration::days(5)),
            closed_at: None,
            satisfaction: None,
            reply: None,
            parent_id: None,
            time_limit_amount: Some(5),
            time_limit_unit: Some("working_day".into()),
            rework_count: 0,
            supervised: false,
            reopened: false,
            pending_request: None,
            returned_by: None,
            stage: Some("intake".into()),
            stage_started_at: Some(now),
            stage_due_at: Some(now + Duration::days(1)),
            paused_at: None,
            reporter_account_id: None,
            assisting_departments: None,
            version: 0,
        },
        actor: "operator1".into(),
        idempotency: key.map(|(k, h)| IdempotencyKey {
            key: k.into(),
            request_hash: h.into(),
        }),
        attachments: Vec::new(),
    }
}

fn created(r: &Result<Intake, StoreError>) -> &Case {
    match r {
        Ok(Intake::Created(c)) => c,
        other => panic!("expected a new case, got {other:?}"),
    }
}

both_backends!(
    intake_numbers_cases_and_replays_retries,
    |db: TestDb| async move {
        seed(&db.store).await;
        let batch = [
            new_case("路灯不亮", Some(("k-1", "h1"))),
            new_case("噪声扰民", None),
            // The same key and body again in the same group: answered with the first case.
            new_case("路灯不亮", Some(("k-1", "h1"))),
        ];
        let results = db.store.insert_cases(&batch).await.unwrap();
        let first = created(&results[0]).clone();
        let second = created(&results[1]).clone();
        assert_eq!(first.case_no, format!("XH20261127-{:06}", first.id));
        assert_ne!(first.id, second.id);
        assert!(matches!(&results[2], Ok(Intake::Replayed(c)) if c.id == first.id));

        // A retry later is answered with the same case; a different body under the key is refused.
        let again = db
            .store
            .insert_cases(&[
                new_case("路灯不亮", Some(("k-1", "h1"))),
                new_case("别的事", Some(("k-1", "h2"))),
            ])
            .await
            .unwrap();
        assert!(matches!(&again[0], Ok(Intake::Replayed(c)) if c == &first));
        assert!(matches!(&again[1], Err(StoreError::Conflict(m)) if m.contains("k-1")));
        let events = db.store.case_events(first.id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            (events[0].action.as_str(), events[0].to_state.as_str()),
            ("receive", "received")
        );
        // Seed case + two new ones.
        assert_eq!(db.store.stats().await.unwrap().cases, 3);
    }
);

both_backends!(a_group_is_taken_in_whole, |db: TestDb| async move {
    seed(&db.store).await;
    let audited = db.store.verify_audit().await.unwrap();
    let keys: Vec<String> = (0..40).map(|n| format!("g-{n}")).collect();
    let batch: Vec<NewCase> = keys
        .iter()
        .enumerate()
        .map(|(n, k)| {
            let mut c = new_case(&format!("第{n}件：路灯不亮"), Some((k.as_str(), "h")));
            if n % 2 == 1 {
                c.idempotency = None;
            }
            c
        })
        .collect();
    let results = db.store.insert_cases(&batch).await.unwrap();
    let cases: Vec<Case> = results.iter().map(|r| created(r).clone()).collect();
    for (n, case) in cases.iter().enumerate() {
        // Each answer is its own request's case, numbered with its id.
        assert_eq!(case.text, format!("第{n}件：路灯不亮"));
        assert_eq!(case.case_no, format!("XH20261127-{:06}", case.id));
        let stored = db.store.case(case.id).await.unwrap().unwrap();
        assert_eq!(&stored, case);
        let events = db.store.case_events(case.id).await.unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
    }
    assert_eq!(db.store.verify_audit().await.unwrap(), audited + 40);
    // The keys were recorded: a retry of the group is answered with the same cases.
    let again = db.store.insert_cases(&batch).await.unwrap();
    for n in (0..40).step_by(2) {
        assert!(
            matches!(&again[n], Ok(Intake::Replayed(c)) if c.id == cases[n].id),
            "{:?}",
            again[n]
        );
    }
});

both_backends!(
    one_bad_case_does_not_sink_its_group,
    |db: TestDb| async move {
        seed(&db.store).await;
        let mut bad = new_case("井盖缺失", None);
        bad.case.department_code = Some("XH-NOPE".into());
        let results = db
            .store
            .insert_cases(&[new_case("路面坑洼", None), bad, new_case("违章停车", None)])
            .await
            .unwrap();
        assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
        assert!(results[1].is_err());
        let all = db
            .store
            .cases(&CaseQuery {
                states: vec!["received".into()],
                limit: 10,
                ..CaseQuery::default()
            })
            .await
            .unwrap();
        let texts: Vec<&str> = all.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts.len(), 2);
        assert!(texts.contains(&"路面坑洼") && texts.contains(&"违章停车"));
        // The audit chain skipped the refused case and still verifies.
        assert!(db.store.verify_audit().await.unwrap() >= 2);
    }
);

both_backends!(
    workflow_writes_are_versioned_and_on_the_timeline,
    |db: TestDb| async move {
        seed(&db.store).await;
        let results = db
            .store
            .insert_cases(&[new_case("路灯不亮", None)])
            .await
            .unwrap();
        let case = created(&results[0]).clone();
        let stored = db.store.case(case.id).await.unwrap().unwrap();
        assert_eq!(stored, case);

        let mut next = stored.clone();
        next.state = "accepted".into();
        let after = db
            .store
            .change_case(&CaseChange {
                case: &next,
                action: "accept",
                actor: "operator1",
                from_state: "received",
                detail: serde_json::json!({"comment": "已受理"}),
            })
            .await
            .unwrap();
        assert_eq!((after.state.as_str(), after.version), ("accepted", 1));
        assert_eq!(db.store.case(case.id).await.unwrap().unwrap(), after);

        // A second writer still holding version 0 is refused, and nothing changes.
        let mut stale = stored.clone();
        stale.state = "rejected".into();
        let err = db
            .store
            .change_case(&CaseChange {
                case: &stale,
                action: "reject",
                actor: "operator2",
                from_state: "received",
                detail: serde_json::json!({}),
            })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Stale(_)), "{err}");
        assert_eq!(
            db.store.case(case.id).await.unwrap().unwrap().state,
            "accepted"
        );
        let timeline: Vec<String> = db
            .store
            .case_events(case.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{}:{}", e.action, e.to_state))
            .collect();
        assert_eq!(timeline, ["receive:received", "accept:accepted"]);
        assert!(db.store.verify_audit().await.unwrap() >= 2);
    }
);

both_backends!(queues_filter_and_count, |db: TestDb| async move {
    seed(&db.store).await;
    let mut overdue = new_case("占道经营", None);
    overdue.case.due_at = Some(Utc::now() - Duration::hours(1));
    overdue.case.state = "handling".into();
    overdue.case.department_code = Some("XH-CGJ".into());
    db.store
        .insert_cases(&[overdue, new_case("路灯不亮", None)])
        .await
        .unwrap();
    let now = Utc::now();
    let cases = [
        (
            CaseQuery {
                overdue_at: Some(now),
                ..CaseQuery::default()
            },
            1,
        ),
        (
            CaseQuery {
                department_code: Some("XH-CGJ".into()),
                ..CaseQuery::default()
            },
            2,
        ),
        (
            CaseQuery {
                grid_prefix: Some("310104003001".into()),
                ..CaseQuery::default()
            },
            3,
        ),
        (
            CaseQuery {
                grid_prefix: Some("310104003002".into()),
                ..CaseQuery::default()
            },
            0,
        ),
        (
            CaseQuery {
                states: vec!["handling".into(), "closed".into()],
                ..CaseQuery::default()
            },
            2,
        ),
        (
            CaseQuery {
                ids: Some(vec![]),
                ..CaseQuery::default()
            },
            0,
        ),
        (
            CaseQuery {
                premises_id: Some(1),
                supervised: Some(false),
                ..CaseQuery::default()
            },
            3,
        ),
    ];
    for (query, expect) in cases {
        assert_eq!(
            db.store.count_cases(&query).await.unwrap(),
            expect,
            "{query:?}"
        );
        let listed = db
            .store
            .cases(&CaseQuery {
                limit: 50,
                ..query.clone()
            })
            .await
            .unwrap();
        assert_eq!(listed.len() as i64, expect, "{query:?}");
    }
    let sweep = db.store.overdue_unsupervised(now, 10).await.unwrap();
    assert_eq!(sweep.len(), 1);
    assert_eq!(sweep[0].text, "占道经营");
});

both_backends!(
    the_revisit_queue_holds_closed_cases_not_yet_revisited,
    |db: TestDb| async move {
        seed(&db.store).await;
        let closed = |text: &str, satisfaction: Option<&str>| {
            let mut c = new_case(text, None);
            c.case.state = "closed".into();
            c.case.closed_at = Some(Utc::now());
            c.case.satisfaction = satisfaction.map(str::to_owned);
            c
        };
        db.store
            .insert_cases(&[
                closed("待回访", None),
                closed("已回访", Some("satisfied")),
                new_case("新诉求", None),
            ])
            .await
            .unwrap();
        let texts = |query: CaseQuery| {
            let store = db.store.clone();
            async move {
                let mut t: Vec<String> = store
                    .cases(&CaseQuery { limit: 50, ..query })
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.text)
                    .collect();
                t.sort();
                t
            }
        };
        let revisit = CaseQuery {
            awaiting_revisit: true,
            ..CaseQuery::default()
        };
        assert_eq!(texts(revisit.clone()).await, ["待回访"]);
        assert_eq!(db.store.count_cases(&revisit).await.unwrap(), 1);
        // With states, the queue is either: an intake operator's one list.
        let intake = CaseQuery {
            states: vec!["received".into()],
            awaiting_revisit: true,
            ..CaseQuery::default()
        };
        let got = texts(intake).await;
        assert!(
            got.contains(&"待回访".to_owned()) && got.contains(&"新诉求".to_owned()),
            "{got:?}"
        );
        assert!(!got.contains(&"已回访".to_owned()), "{got:?}");
    }
);

both_backends!(cases_filter_by_category, |db: TestDb| async move {
    seed(&db.store).await;
    let mut lamp = new_case("路灯不亮", None);
    lamp.case.category_kind = Some("component".into());
    lamp.case.category_code = Some("0118".into());
    let mut rubbish = new_case("暴露垃圾", None);
    rubbish.case.category_kind = Some("event".into());
    rubbish.case.category_code = Some("0102".into());
    // The same subclass code under the other kind is another category.
    let mut cover = new_case("污水井盖", None);
    cover.case.category_kind = Some("component".into());
    cover.case.category_code = Some("0102".into());
    let results = db
        .store
        .insert_cases(&[lamp, rubbish, cover, new_case("没有分类", None)])
        .await
        .unwrap();
    assert!(results.iter().all(Result::is_ok));
    let cases = [
        (vec![("event", "0102")], vec!["暴露垃圾"]),
        (vec![("component", "0102")], vec!["污水井盖"]),
        (
            vec![("component", "0118"), ("event", "0102")],
            vec!["暴露垃圾", "路灯不亮"],
        ),
        (vec![("event", "9999")], vec![]),
    ];
    for (categories, expect) in cases {
        let query = CaseQuery {
            categories: categories
                .iter()
                .map(|(k, c)| ((*k).to_owned(), (*c).to_owned()))
                .collect(),
            limit: 10,
            ..CaseQuery::default()
        };
        let mut texts: Vec<String> = db
            .store
            .cases(&query)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.text)
            .collect();
        texts.sort();
        assert_eq!(texts, expect, "{categories:?}");
        assert_eq!(
            db.store.count_cases(&query).await.unwrap(),
            expect.len() as i64
        );
    }
});

both_backends!(
    calendar_days_are_kept_and_relisted,
    |db: TestDb| async move {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        db.store
            .set_calendar_days(
                &[
                    (d("2027-02-08"), "holiday", Some("春节")),
                    (d("2027-02-20"), "workday", None),
                ],
                "cdo",
            )
            .await
            .unwrap();
        db.store
            .set_calendar_days(&[(d("2027-02-20"), "holiday", Some("更正"))], "cdo")
            .await
            .unwrap();
        let days: Vec<(String, String)> = db
            .store
            .calendar_days()
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.day, c.kind))
            .collect();
        assert_eq!(
            days,
            [
                ("2027-02-08".to_owned(), "holiday".to_owned()),
                ("2027-02-20".to_owned(), "holiday".to_owned())
            ]
        );
        let bad = db
            .store
            .set_calendar_days(&[(d("2027-03-01"), "feast", None)], "cdo")
            .await;
        assert!(bad.is_err(), "the kind is checked by the database too");
    }
);

both_backends!(routing_lines_are_kept_by_key, |db: TestDb| async move {
    let line = |l: &str| l.to_owned();
    db.store
        .set_routing_lines(
            &[("event:0102:".into(), line("event,0102,,XH-LRJ,属地街镇"))],
            "cdo",
        )
        .await
        .unwrap();
    db.store
        .set_routing_lines(
            &[
                ("event:0102:".into(), line("event,0102,,XH-CGJ,")),
                (
                    "event:0101:310104003".into(),
                    line("event,0101,310104003,XH-CGJ,"),
                ),
            ],
            "cdo",
        )
        .await
        .unwrap();
    assert_eq!(
        db.store.routing_lines().await.unwrap(),
        ["event,0101,310104003,XH-CGJ,", "event,0102,,XH-CGJ,"]
    );
});
