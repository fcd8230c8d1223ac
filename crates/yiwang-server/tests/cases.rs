//! The case loop over HTTP: intake with idempotency and enrichment, queues, and a case walked
//! from 受理 to 回访 by the roles that do each step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_problem};
use serde_json::{Value, json};
use yiwang_store::testing::TestDb;
use yiwang_store::{Backend, both_backends};

/// A building of the twin and its address as a caller says it (without 上海市徐汇区).
async fn a_building(api: &Api) -> (i64, String) {
    let b = api.first_building().await;
    let spoken = b
        .standard_address
        .trim_start_matches("上海市徐汇区")
        .to_owned();
    (b.id, spoken)
}

async fn act(api: &Api, token: &str, id: i64, body: Value) -> common::Reply {
    api.send(
        "POST",
        &format!("/api/v1/cases/{id}/actions"),
        Some(token),
        Some(body),
    )
    .await
}

/// Takes a case in by `POST /api/v1/cases`; its id.
async fn take(api: &Api, token: &str, text: &str, address: &str) -> i64 {
    let created = api
        .send(
            "POST",
            "/api/v1/cases",
            Some(token),
            Some(json!({"text": text, "address": address})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_i64().unwrap()
}

#[track_caller]
fn ok(reply: &common::Reply) -> &Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    &reply.body
}

both_backends!(
    a_complaint_from_intake_to_revisit,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let intake = api.login("intake_operator").await;
        let leader = api.login("shift_leader").await;
        let dispatcher = api.login("dispatcher").await;
        let handler = api.login("handler_lrj").await;
        let other_handler = api.login("handler_cgj").await;
        let grid = api.login("grid_worker").await;
        let (premises_id, spoken) = a_building(&api).await;
        let body = json!({
            "text": format!("{spoken}门口垃圾堆了好几天没人清，气味很大"),
            "address": spoken,
            "request_type": "投诉",
            "reporter_name": "王小明",
            "reporter_phone": "138 1234 5678",
        });
        let created = api
            .send_with(
                "POST",
                "/api/v1/cases",
                Some(&intake),
                &[("idempotency-key", "call-0001")],
                Some(body.clone()),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let case = &created.body;
        let id = case["id"].as_i64().unwrap();
        assert_eq!(case["state"], "received");
        assert_eq!(case["state_zh"], "待受理");
        assert_eq!(case["premises"]["premises_id"], premises_id);
        assert_eq!(case["premises_id"], premises_id);
        assert!(case["grid_code"].as_str().unwrap().len() >= 15, "{case}");
        assert!(case["street_code"].as_str().unwrap().starts_with("310104"));
        assert_eq!(case["classification"]["name"], "暴露垃圾");
        assert_eq!(case["category_name"], "暴露垃圾");
        assert_eq!(case["suggested_route"]["lead"], "XH-LRJ");
        assert_eq!(case["suggested_route"]["assisting"][0], case["street_code"]);
        assert_eq!(
            case["reporter_phone"], "13812345678",
            "the intake operator contacts the caller"
        );
        assert!(case["case_no"].as_str().unwrap().starts_with("XH"));
        assert!(
            case["allowed_actions"]
                .as_array()
                .unwrap()
                .contains(&json!("accept"))
        );
        assert_eq!(case["deadline_status"], "on_time");

        // A retry answers the same case; the same key with another body is refused.
        let retry = api
            .send_with(
                "POST",
                "/api/v1/cases",
                Some(&intake),
                &[("idempotency-key", "call-0001")],
                Some(body.clone()),
            )
            .await;
        assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
        assert_eq!(
            (retry.body["id"].as_i64(), &retry.body["replayed"]),
            (Some(id), &json!(true))
        );
        let mut changed = body.clone();
        changed["text"] = json!("另一件事：路灯不亮");
        let reused = api
            .send_with(
                "POST",
                "/api/v1/cases",
                Some(&intake),
                &[("idempotency-key", "call-0001")],
                Some(changed),
            )
            .await;
        assert_problem(&reused, StatusCode::CONFLICT, "conflict");

        // Out of turn: the intake operator may not close; the shift leader may not close yet.
        let r = act(&api, &intake, id, json!({"action": "close"})).await;
        assert_problem(&r, StatusCode::FORBIDDEN, "permission_denied");
        let r = act(&api, &leader, id, json!({"action": "close"})).await;
        assert_problem(&r, StatusCode::CONFLICT, "action_not_allowed");
        assert!(
            r.body["allowed_actions"]
                .as_array()
                .unwrap()
                .contains(&json!("accept")),
            "{}",
            r.body
        );

        ok(&act(&api, &intake, id, json!({"action": "accept"})).await);
        let filed = act(
            &api,
            &leader,
            id,
            json!({"action": "file", "category_code": "0102", "category_kind": "event"}),
        )
        .await;
        assert_eq!(ok(&filed)["state"], "filed");
        // Dispatch without a department follows the responsibility matrix.
        let unknown = act(
            &api,
            &dispatcher,
            id,
            json!({"action": "dispatch", "department": "XH-LRJ", "assisting": ["XH-NOPE"]}),
        )
        .await;
        assert_problem(
            &unknown,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_action_input",
        );
        let dispatched = act(&api, &dispatcher, id, json!({"action": "dispatch"})).await;
        assert_eq!(ok(&dispatched)["department_code"], "XH-LRJ");
        // …with the matrix's assisting departments (协办), kept on the case.
        let assisting: Vec<&str> = dispatched.body["suggested_route"]["assisting"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(!assisting.is_empty(), "{}", dispatched.body);
        assert_eq!(
            dispatched.body["assisting_departments"],
            assisting.join(";")
        );

        // A repeat report at the same premises while the case is open is merged into it.
        let repeat = api
            .send(
                "POST",
                "/api/v1/cases",
                Some(&intake),
                Some(json!({
                    "text": "门口暴露垃圾还是没人清", "address": spoken, "request_type": "投诉"
                })),
            )
            .await;
        assert_eq!(repeat.status, StatusCode::CREATED, "{}", repeat.body);
        assert_eq!(repeat.body["state"], "merged");
        assert_eq!(repeat.body["parent_id"], id);
        assert_eq!(repeat.body["duplicate_of"]["case_id"], id);
        // The case lists its repeats (并单), and only them.
        let repeats = api
            .send(
                "GET",
                &format!("/api/v1/cases?parent={id}"),
                Some(&intake),
                None,
            )
            .await;
        assert_eq!(repeats.body["total"], 1, "{}", repeats.body);
        assert_eq!(repeats.body["items"][0]["id"], repeat.body["id"]);

        // Another department may not sign for it, and does not see it in its queue.
        let r = act(&api, &other_handler, id, json!({"action": "sign"})).await;
        assert_problem(&r, StatusCode::FORBIDDEN, "permission_denied");
        let queue = api
            .send(
                "GET",
                "/api/v1/cases?state=dispatched",
                Some(&other_handler),
                None,
            )
            .await;
        assert!(
            ok(&queue)["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["department_code"] == "XH-CGJ")
        );
        let queue = api
            .send(
                "GET",
                "/api/v1/cases?state=dispatched",
                Some(&handler),
                None,
            )
            .await;
        let mine = ok(&queue)["items"].as_array().unwrap().clone();
        assert!(mine.iter().any(|c| c["id"] == id));
        assert!(
            mine.iter()
                .all(|c| c["reporter_phone"].as_str().is_none_or(|p| p.contains('*'))),
            "lists mask reporters"
        );

        ok(&act(&api, &handler, id, json!({"action": "sign"})).await);
        let r = act(&api, &handler, id, json!({"action": "report"})).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_action_input");
        ok(&act(
            &api,
            &handler,
            id,
            json!({
                "action": "report", "reply": "已安排保洁清运，现场已清理干净",
                "attachments": [{"name": "after.jpg", "kind": "after", "sha256": "ab12"}]
            }),
        )
        .await);
        ok(&act(&api, &grid, id, json!({"action": "check"})).await);
        ok(&act(&api, &leader, id, json!({"action": "close"})).await);
        let done = act(
            &api,
            &intake,
            id,
            json!({"action": "revisit", "satisfaction": "satisfied"}),
        )
        .await;
        let done = ok(&done);
        assert_eq!(
            (&done["state"], &done["satisfaction"]),
            (&json!("closed"), &json!("satisfied"))
        );
        assert_eq!(done["reply"], "已安排保洁清运，现场已清理干净");
        let steps: Vec<&str> = done["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            [
                "receive", "accept", "file", "dispatch", "sign", "report", "check", "close",
                "revisit"
            ]
        );
        assert_eq!(
            done["timeline"][5]["detail"]["attachments"][0]["kind"],
            "after"
        );
        assert_eq!(done["timeline"][1]["action_zh"], "受理");

        // 岗位评价: each step counts for its post, on time (every step came within its stage's
        // limit), and the one dispatch was accurate (not returned).
        let posts = api
            .send("GET", "/api/v1/kpis/roles", Some(&leader), None)
            .await;
        let rows = ok(&posts)["rows"].as_array().unwrap().clone();
        let row = |action: &str| {
            rows.iter()
                .find(|r| r["action"] == action)
                .unwrap_or_else(|| panic!("no {action} row in {rows:?}"))
                .clone()
        };
        for (action, post) in [
            ("accept", "intake_operator"),
            ("file", "shift_leader"),
            ("dispatch", "dispatcher"),
            ("sign", "department_handler"),
            ("report", "department_handler"),
            ("check", "grid_worker"),
            ("close", "shift_leader"),
            ("revisit", "intake_operator"),
        ] {
            let r = row(action);
            assert_eq!(
                (
                    r["role"].as_str(),
                    r["count"].as_i64(),
                    r["on_time"].as_i64()
                ),
                (Some(post), Some(1), Some(1)),
                "{r}"
            );
        }
        assert_eq!(
            (
                &row("dispatch")["accurate"],
                &row("dispatch")["accurate_rate"]
            ),
            (&json!(1), &json!(1.0))
        );
        assert_eq!(row("accept")["accurate"], Value::Null);
        let sheet = api
            .send("GET", "/api/v1/kpis/roles?format=csv", Some(&leader), None)
            .await;
        assert_eq!(sheet.status, StatusCode::OK);
        assert!(
            sheet.content_type.starts_with("text/csv"),
            "{}",
            sheet.content_type
        );
        let r = api
            .send("GET", "/api/v1/kpis?by=role", Some(&leader), None)
            .await;
        assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_query");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("/api/v1/kpis/roles")
        );

        // A grid worker sees the case with the reporter masked; revealing reads were audited.
        let seen = api
            .send("GET", &format!("/api/v1/cases/{id}"), Some(&grid), None)
            .await;
        assert_eq!(ok(&seen)["reporter_phone"], "138****5678");
        let admin = api.login("admin").await;
        let audit = api
            .send("GET", "/api/v1/audit?limit=500", Some(&admin), None)
            .await;
        let actions: Vec<String> = ok(&audit)["entries"]
            .as_array()
            .or(audit.body.as_array())
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap_or("").to_owned())
            .collect();
        for expected in [
            "case.create",
            "case.accept",
            "case.revisit",
            "case.read_reporter",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{expected} not audited: {actions:?}"
            );
        }
    }
);

#[tokio::test]
async fn intake_refuses_what_it_cannot_use() {
    let api = Api::new(Backend::Sqlite).await;
    let intake = api.login("intake_operator").await;
    let citizen = api.login("citizen").await;
    let cases = [
        (
            json!({"text": "  ", "address": "漕溪北路88号"}),
            "invalid_request",
            "text",
        ),
        (json!({"text": "路灯不亮"}), "invalid_request", "address"),
        (
            json!({"text": "路灯不亮", "lon": 121.4}),
            "invalid_request",
            "both",
        ),
        (
            json!({"text": "路灯不亮", "lon": 500.0, "lat": 31.0}),
            "invalid_request",
            "Earth",
        ),
        (
            json!({"text": "路灯不亮", "address": "x", "source": "fax"}),
            "invalid_request",
            "source",
        ),
        (
            json!({"text": "路灯不亮", "address": "x", "request_type": "抱怨"}),
            "invalid_request",
            "咨询",
        ),
        (
            json!({"text": "路灯不亮", "address": "x", "category_code": "9999"}),
            "invalid_request",
            "9999",
        ),
        (
            json!({"text": "路灯不亮", "address": "x", "category_kind": "event", "category_code": "9999"}),
            "invalid_request",
            "GET /api/v1/categories",
        ),
        (
            json!({"text": "路灯不亮", "address": "x", "reporter_phone": "abc"}),
            "invalid_request",
            "reporter_phone",
        ),
        (json!({"address": "x"}), "invalid_json", "text"),
    ];
    for (body, code, mentions) in cases {
        let r = api
            .send("POST", "/api/v1/cases", Some(&intake), Some(body.clone()))
            .await;
        assert_problem(&r, StatusCode::BAD_REQUEST, code);
        assert!(
            r.body["detail"].as_str().unwrap().contains(mentions),
            "{body}: {}",
            r.body
        );
    }
    // The catalogue the hint points at lists the codes a case takes, with their time limits.
    let catalogue = api
        .send("GET", "/api/v1/categories", Some(&intake), None)
        .await;
    assert_eq!(catalogue.status, StatusCode::OK, "{}", catalogue.body);
    let rows = catalogue.body.as_array().unwrap();
    let manhole = rows
        .iter()
        .find(|c| c["kind"] == "event" && c["subclass_code"] == "0102")
        .expect("event 0102 in the catalogue");
    assert!(manhole["time_limit_amount"].as_u64().unwrap() > 0);
    assert!(rows.iter().all(|c| c["subclass_code"] != "9999"));
    let r = api
        .send(
            "POST",
            "/api/v1/cases",
            Some(&citizen),
            Some(json!({"text": "路灯不亮", "address": "x"})),
        )
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "permission_denied");
    let r = api
        .send(
            "POST",
            "/api/v1/cases/999999/actions",
            Some(&intake),
            Some(json!({"action": "accept"})),
        )
        .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not_found");
    let r = api
        .send(
            "POST",
            "/api/v1/cases/1/actions",
            Some(&intake),
            Some(json!({"action": "fly"})),
        )
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_json");
    let r = api
        .send("GET", "/api/v1/cases?state=lost", Some(&intake), None)
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_query");
}

#[tokio::test]
async fn deadlines_follow_the_statutory_calendar() {
    let api = Api::new(Backend::Sqlite).await;
    let leader = api.login("shift_leader").await;
    let cases = [
        // Friday 16:00 + 1 working day → end of Monday.
        (
            "2025-03-07T16:00:00%2B08:00",
            1,
            "working_day",
            "2025-03-10T23:59:59+08:00",
        ),
        // Across the 2024 National Day holiday.
        (
            "2024-09-30T17:00:00%2B08:00",
            2,
            "working_hour",
            "2024-10-08T10:00:00+08:00",
        ),
        (
            "2024-09-30T09:00:00Z",
            24,
            "urgent_hour",
            "2024-10-01T17:00:00+08:00",
        ),
        (
            "2025-01-27T10:00:00%2B08:00",
            3,
            "natural_day",
            "2025-01-30T10:00:00+08:00",
        ),
    ];
    for (start, amount, unit, expect) in cases {
        let r = api
            .send(
                "GET",
                &format!("/api/v1/calendar/deadline?start={start}&amount={amount}&unit={unit}"),
                Some(&leader),
                None,
            )
            .await;
        assert_eq!(ok(&r)["deadline"], expect, "{start} + {amount} {unit}");
    }
    let r = api
        .send(
            "GET",
            "/api/v1/calendar/deadline?start=2025-03-07T16:00:00Z&amount=1&unit=fortnight",
            Some(&leader),
            None,
        )
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_query");
    let r = api
        .send(
            "GET",
            "/api/v1/calendar/deadline?start=yesterday&amount=1&unit=working_day",
            Some(&leader),
            None,
        )
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_query");
}

#[tokio::test]
async fn overdue_cases_are_supervised_automatically() {
    let api = Api::new(Backend::Sqlite).await;
    let intake = api.login("intake_operator").await;
    let (_, spoken) = a_building(&api).await;
    let created = api
        .send(
            "POST",
            "/api/v1/cases",
            Some(&intake),
            Some(json!({"text": "路灯不亮", "address": spoken})),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    // Move its deadline into the past, as if days had gone by.
    let mut case = api.db.store.case(id).await.unwrap().unwrap();
    case.due_at = Some(chrono::Utc::now() - chrono::Duration::hours(1));
    api.db
        .store
        .change_case(&yiwang_store::CaseChange {
            case: &case,
            action: "comment",
            actor: "test",
            from_state: "received",
            detail: json!({"comment": "time passes"}),
        })
        .await
        .unwrap();
    let flagged = api
        .state
        .desk
        .supervise_overdue(&api.db.store, chrono::Utc::now())
        .await
        .unwrap();
    assert!(flagged >= 1);
    let leader = api.login("shift_leader").await;
    let seen = api
        .send("GET", &format!("/api/v1/cases/{id}"), Some(&leader), None)
        .await;
    let seen = ok(&seen);
    assert_eq!(seen["supervised"], true);
    assert_eq!(seen["deadline_status"], "overdue");
    let last = seen["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["action"], &last["actor"]),
        (&json!("supervise"), &json!("system"))
    );
    // A second sweep finds nothing new.
    assert_eq!(
        api.state
            .desk
            .supervise_overdue(&api.db.store, chrono::Utc::now())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_district_adds_next_years_holidays() {
    let api = Api::new(Backend::Sqlite).await;
    let cdo = api.login("district_cdo").await;
    let intake = api.login("intake_operator").await;
    // Monday 2027-02-08 + 1 working day, before and after the district lists the holidays.
    let ask =
        "/api/v1/calendar/deadline?start=2027-02-05T10:00:00%2B08:00&amount=1&unit=working_day";
    let before = api.send("GET", ask, Some(&intake), None).await;
    assert_eq!(ok(&before)["deadline"], "2027-02-08T23:59:59+08:00");

    let bad = api
        .send("POST", "/api/v1/calendar/days", Some(&cdo), Some(json!({
            "csv": "date,kind,note\n2027-02-08,holiday,春节\n2027-02-30,holiday,\n2027-02-20,feast,\n"
        })))
        .await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_request");
    let detail = bad.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("line 3") && detail.contains("line 4"),
        "{detail}"
    );
    assert_eq!(
        ok(&api.send("GET", ask, Some(&intake), None).await)["deadline"],
        "2027-02-08T23:59:59+08:00",
        "nothing changed"
    );

    let r = api
        .send(
            "POST",
            "/api/v1/calendar/days",
            Some(&intake),
            Some(json!({"days": [{"date": "2027-02-08", "kind": "holiday"}]})),
        )
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "permission_denied");

    let set = api
        .send("POST", "/api/v1/calendar/days", Some(&cdo), Some(json!({
            "csv": "date,kind,note\n2027-02-08,holiday,2027年春节\n2027-02-09,holiday,2027年春节\n2027-02-20,workday,调休上班\n"
        })))
        .await;
    let set = ok(&set);
    assert_eq!(set["years_covered"][1], 2027);
    assert_eq!(set["district_days"].as_array().unwrap().len(), 3);
    assert_eq!(
        ok(&api.send("GET", ask, Some(&intake), None).await)["deadline"],
        "2027-02-10T23:59:59+08:00"
    );

    // Kept in the database: a restarted server computes the same.
    let again = yiwang_server::AppState::load(api.db.store.clone(), yiwang_store::testing::vault())
        .await
        .unwrap();
    let calendar = again.desk.calendar.read().unwrap();
    assert!(!calendar.is_working_day(chrono::NaiveDate::from_ymd_opt(2027, 2, 8).unwrap()));
    assert!(calendar.is_working_day(chrono::NaiveDate::from_ymd_opt(2027, 2, 20).unwrap()));
}

#[tokio::test]
async fn the_responsibility_matrix_is_edited_by_csv() {
    let api = Api::new(Backend::Sqlite).await;
    let cdo = api.login("district_cdo").await;
    let intake = api.login("intake_operator").await;
    let csv = api
        .send("GET", "/api/v1/routing?format=csv", Some(&intake), None)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    let text = csv.body.as_str().unwrap().to_owned();
    assert!(text.starts_with("kind,subclass_code,street_code,lead,assisting\n"));
    assert!(
        text.contains("event,0102,,XH-LRJ,属地街镇"),
        "暴露垃圾 to 区绿化市容局 by default"
    );

    let bad = api
        .send("POST", "/api/v1/routing", Some(&cdo), Some(json!({
            "csv": "kind,subclass_code,street_code,lead,assisting\nevent,0102,310104003,区城管执法局,\nevent,0102,,310104003001,\n"
        })))
        .await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(
        bad.body["detail"]
            .as_str()
            .unwrap()
            .contains("residents' committee")
    );

    // In 天平路街道, 暴露垃圾 now goes to 区城管执法局; elsewhere still to 区绿化市容局.
    let (_, spoken) = a_building(&api).await;
    let here = api
        .send(
            "POST",
            "/api/v1/cases",
            Some(&intake),
            Some(json!({"text": "门口暴露垃圾", "address": spoken})),
        )
        .await;
    let street = here.body["street_code"].as_str().unwrap().to_owned();
    let set = api
        .send("POST", "/api/v1/routing", Some(&cdo), Some(json!({
            "csv": format!("kind,subclass_code,street_code,lead,assisting\nevent,0102,{street},区城管执法局,属地街镇\n")
        })))
        .await;
    assert_eq!(ok(&set)["changed"], 1);
    let case = api
        .send(
            "GET",
            &format!("/api/v1/cases/{}", here.body["id"]),
            Some(&intake),
            None,
        )
        .await;
    assert_eq!(ok(&case)["suggested_route"]["lead"], "XH-CGJ");
    let r = api
        .send(
            "POST",
            "/api/v1/routing",
            Some(&intake),
            Some(json!({"csv": "kind,subclass_code,street_code,lead,assisting\n"})),
        )
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "permission_denied");
    // Kept: a restarted server routes the same way.
    let again = yiwang_server::AppState::load(api.db.store.clone(), yiwang_store::testing::vault())
        .await
        .unwrap();
    let matrix = again.desk.matrix.read().unwrap();
    let route = matrix
        .route(
            yiwang_core::reference::CategoryKind::Event,
            "0102",
            Some(&street),
        )
        .unwrap();
    assert_eq!(route.lead, "XH-CGJ");
}

/// The intake preview answers what intake would make of a call — premises, category, deadline,
/// route, repeat — and writes nothing; it needs the intake permission and a valid request.
#[tokio::test]
async fn intake_preview_enriches_without_writing() {
    let api = Api::new(Backend::Sqlite).await;
    let intake = api.login("intake_operator").await;
    let (premises_id, spoken) = a_building(&api).await;
    let before = api.db.store.stats().await.unwrap().cases;
    let body = json!({"text": format!("{spoken}门口垃圾堆了好几天没人清"), "address": spoken});
    let preview = api
        .send(
            "POST",
            "/api/v1/cases/preview",
            Some(&intake),
            Some(body.clone()),
        )
        .await;
    let p = ok(&preview);
    assert_eq!(p["premises"]["premises_id"], premises_id);
    assert_eq!(p["classification"]["name"], p["category_name"]);
    assert!(p["category_code"].as_str().is_some(), "{p}");
    assert!(p["due_at"].as_str().is_some(), "{p}");
    assert!(
        p["suggested_route"]["lead"]
            .as_str()
            .unwrap()
            .starts_with("XH-")
    );
    assert!(p["duplicate_of"].is_null(), "{p}");
    assert_eq!(api.db.store.stats().await.unwrap().cases, before);

    // Once the case is taken, the same call previews as its repeat.
    let created = api
        .send("POST", "/api/v1/cases", Some(&intake), Some(body.clone()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let again = api
        .send("POST", "/api/v1/cases/preview", Some(&intake), Some(body))
        .await;
    assert_eq!(ok(&again)["duplicate_of"]["case_id"], created.body["id"]);

    // The premises dossier lists the cases at the premises.
    let here = api
        .send(
            "GET",
            &format!("/api/v1/cases?premises={premises_id}"),
            Some(&intake),
            None,
        )
        .await;
    let items = ok(&here)["items"].as_array().unwrap().clone();
    assert!(items.iter().any(|c| c["id"] == created.body["id"]));
    assert!(items.iter().all(|c| c["premises_id"] == premises_id));

    let citizen = api.login("citizen").await;
    let r = api
        .send(
            "POST",
            "/api/v1/cases/preview",
            Some(&citizen),
            Some(json!({"text": "路灯不亮", "address": spoken})),
        )
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "permission_denied");
    let r = api
        .send(
            "POST",
            "/api/v1/cases/preview",
            Some(&intake),
            Some(json!({"text": " ", "address": spoken})),
        )
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_request");
}

both_backends!(
    the_map_draws_new_cases_and_drops_finished_ones,
    |db: TestDb| async move {
        use yiwang_server::case_map::refresh;
        let api = Api::from_db(db).await;
        let intake = api.login("intake_operator").await;
        // The server's own refresh runs too; whichever draws first, the layer ends the same.
        let tiles = &api.state.grid().tiles;
        let mut seen = None;
        refresh(tiles, &api.state.store, &mut seen).await.unwrap();
        let drawn = tiles.case_count();
        let open = api
            .send("GET", "/api/v1/cases?limit=1", Some(&intake), None)
            .await;
        assert!(drawn as i64 <= open.body["total"].as_i64().unwrap());
        // Once cases stop changing (the automatic 督办 at start-up may still be flagging some),
        // nothing is redrawn.
        let mut settled = false;
        for _ in 0..20 {
            if !refresh(tiles, &api.state.store, &mut seen).await.unwrap() {
                settled = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            settled,
            "the case layer is redrawn although no case changes"
        );
        let drawn = tiles.case_count();

        let (_, spoken) = a_building(&api).await;
        let id = take(&api, &intake, &format!("{spoken}路灯不亮"), &spoken).await;
        refresh(tiles, &api.state.store, &mut seen).await.unwrap();
        assert_eq!(tiles.case_count(), drawn + 1, "the new case is on the map");

        // A case rejected (不予受理) is finished and leaves the operations map.
        ok(&act(
            &api,
            &intake,
            id,
            json!({"action": "reject", "reason": "非本区事项"}),
        )
        .await);
        refresh(tiles, &api.state.store, &mut seen).await.unwrap();
        assert_eq!(tiles.case_count(), drawn);
    }
);

both_backends!(
    cases_are_found_by_words_of_their_text,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let intake = api.login("intake_operator").await;
        let (_, spoken) = a_building(&api).await;
        let mut ids = Vec::new();
        for text in [
            "门口的窨井盖有些松动，踩上去咣当响",
            "楼道里的窨井盖缺失，夜里看不见",
        ] {
            ids.push(take(&api, &intake, &format!("{spoken}{text}"), &spoken).await);
        }
        // The server adds new cases every couple of seconds; here, now.
        yiwang_server::case_search::catch_up(&api.state.search, &api.state.store)
            .await
            .unwrap();
        let found = |query: &str| {
            let api = &api;
            let intake = intake.clone();
            let path = format!("/api/v1/cases?limit=200&q={}", url_escape(query));
            async move {
                let page = api.send("GET", &path, Some(&intake), None).await;
                assert_eq!(page.status, StatusCode::OK, "{}", page.body);
                page.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["id"].as_i64().unwrap())
                    .collect::<Vec<_>>()
            }
        };
        let both = found("窨井盖").await;
        assert!(ids.iter().all(|id| both.contains(id)), "{both:?}");
        // Two words, not adjacent in the text; and a word left out.
        assert_eq!(found("窨井盖松动").await, [ids[0]]);
        assert_eq!(found("窨井盖 -松动").await, [ids[1]]);
        assert!(found("窨井盖 不存在的词语").await.is_empty());
        // With a filter: the queue's own filters still apply.
        let path = format!("/api/v1/cases?state=closed&q={}", url_escape("窨井盖"));
        let closed = api.send("GET", &path, Some(&intake), None).await;
        assert_eq!(closed.body["total"], 0, "{}", closed.body);
    }
);

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

both_backends!(
    attachments_of_a_report_stay_on_its_timeline,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let intake = api.login("intake_operator").await;
        let (_, spoken) = a_building(&api).await;
        let created = api
            .send(
                "POST",
                "/api/v1/cases",
                Some(&intake),
                Some(json!({
                    "text": "楼道里堆满杂物，堵住了消防通道",
                    "address": spoken,
                    "attachments": [{"name": "scene-1.jpg", "kind": "scene", "sha256": "ab12"}]
                })),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created.body["id"].as_i64().unwrap();
        let case = api
            .send("GET", &format!("/api/v1/cases/{id}"), Some(&intake), None)
            .await;
        let receive = &ok(&case)["timeline"][0];
        assert_eq!(receive["action"], "receive");
        assert_eq!(receive["detail"]["attachments"][0]["name"], "scene-1.jpg");
        assert_eq!(receive["detail"]["attachments"][0]["sha256"], "ab12");
    }
);
