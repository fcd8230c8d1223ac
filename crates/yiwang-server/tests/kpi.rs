//! KPIs and problem lists over HTTP, on the small twin's year of cases (2025-11-01 … 2026-10-31).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_problem};
use serde_json::Value;
use yiwang_core::model::GridLevel;
use yiwang_store::both_backends;
use yiwang_store::testing::TestDb;

const YEAR: &str = "from=2025-11-01&to=2026-10-31";

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a count: {v}"))
}

both_backends!(kpis_partition_the_district, |db: TestDb| async move {
    let api = Api::from_db(db).await;
    let token = api.login("shift_leader").await;
    let mut totals = Vec::new();
    for by in [
        "street",
        "area",
        "community",
        "grid",
        "department",
        "source",
        "month",
    ] {
        let reply = api
            .send(
                "GET",
                &format!("/api/v1/kpis?by={by}&{YEAR}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{by}: {}", reply.body);
        let body = &reply.body;
        assert_eq!(body["by"], by);
        assert_eq!(body["total"]["group"], "district");
        assert_eq!(body["total"]["group_name"], "全区");
        let rows = body["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{by}");
        // Receipt, closing and deadlines each fall in one group: the rows add up to the total.
        for field in ["received", "closed", "closed_on_time", "merged_repeats"] {
            let sum: i64 = rows.iter().map(|r| n(&r["counts"][field])).sum();
            assert_eq!(sum, n(&body["total"]["counts"][field]), "{by} {field}");
        }
        for row in rows.iter().chain(std::iter::once(&body["total"])) {
            assert!(!row["group_name"].as_str().unwrap().is_empty(), "{row}");
            let c = &row["counts"];
            assert!(n(&c["closed"]) <= n(&c["due"]), "{row}");
            assert!(n(&c["closed_on_time"]) <= n(&c["closed"]), "{row}");
            for rate in [
                "closed_rate",
                "on_time_closed_rate",
                "rework_rate",
                "satisfaction_rate",
                "resolution_rate",
                "repeat_rate",
            ] {
                let v = &row["kpis"][rate];
                assert!(
                    v.is_null() || (0.0..=1.0).contains(&v.as_f64().unwrap()),
                    "{rate}: {row}"
                );
            }
        }
        totals.push(body["total"]["counts"]["received"].clone());
    }
    // The twin's year: about 0.003 × 150,000 cases, all received in the period.
    let received = n(&totals[0]);
    assert!(received > 300, "{received}");
    assert!(totals.iter().all(|t| n(t) == received));

    // Months are calendar months in UTC+8.
    let months = api
        .send(
            "GET",
            &format!("/api/v1/kpis?by=month&{YEAR}"),
            Some(&token),
            None,
        )
        .await;
    let names: Vec<&str> = months.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["group_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 12);
    assert_eq!(names[0], "2025年11月");
    assert_eq!(names[11], "2026年10月");
});

both_backends!(kpis_export_csv_and_xlsx, |db: TestDb| async move {
    let api = Api::from_db(db).await;
    let token = api.login("admin").await;
    let csv = api
        .send(
            "GET",
            &format!("/api/v1/kpis?by=street&format=csv&{YEAR}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    let text = csv.body.as_str().unwrap();
    assert!(
        text.starts_with("\u{feff}分组代码,分组名称,受理数,应结案数,结案数,按期结案数"),
        "{text}"
    );
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    // Header, 13 streets, the total.
    assert_eq!(lines.len(), 15, "{text}");
    assert!(lines[14].starts_with("district,全区,"), "{text}");
    assert!(lines.iter().all(|l| l.split(',').count() == 26), "{text}");

    let xlsx = api
        .send(
            "GET",
            &format!("/api/v1/kpis?by=department&format=xlsx&{YEAR}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        xlsx.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    // A ZIP container.
    assert!(xlsx.body.as_str().unwrap().starts_with("PK"));
});

both_backends!(kpis_refuse_bad_queries_and_roles, |db: TestDb| async move {
    let api = Api::from_db(db).await;
    let token = api.login("shift_leader").await;
    for (query, needle) in [
        ("by=ward", "`by`"),
        ("format=pdf", "`format`"),
        ("from=2026-13-01", "`from`"),
        ("from=2026-02-01&to=2026-01-01", "empty"),
        ("from=2020-01-01&to=2026-01-01", "three years"),
    ] {
        let reply = api
            .send("GET", &format!("/api/v1/kpis?{query}"), Some(&token), None)
            .await;
        assert_problem(&reply, StatusCode::BAD_REQUEST, "invalid_query");
        assert!(
            reply.body["detail"].as_str().unwrap().contains(needle),
            "{}",
            reply.body
        );
    }
    let worker = api.login("grid_worker").await;
    let reply = api.send("GET", "/api/v1/kpis", Some(&worker), None).await;
    assert_problem(&reply, StatusCode::FORBIDDEN, "permission_denied");
    let reply = api
        .send(
            "GET",
            "/api/v1/problem-lists?area=310104003901",
            Some(&worker),
            None,
        )
        .await;
    assert_problem(&reply, StatusCode::FORBIDDEN, "permission_denied");
    let reply = api.send("GET", "/api/v1/kpis", None, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // The default period (this year to now) answers too.
    let reply = api.send("GET", "/api/v1/kpis", Some(&token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
});

both_backends!(problem_lists_of_an_area, |db: TestDb| async move {
    let api = Api::from_db(db).await;
    let token = api.login("shift_leader").await;
    // The 片区 with the most cases this year.
    let kpis = api
        .send(
            "GET",
            &format!("/api/v1/kpis?by=area&{YEAR}"),
            Some(&token),
            None,
        )
        .await;
    let area = kpis.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["group"].as_str().unwrap().is_empty())
        .max_by_key(|r| n(&r["counts"]["received"]))
        .unwrap()["group"]
        .as_str()
        .unwrap()
        .to_owned();
    let areas = api.db.store.grids(GridLevel::Area, None).await.unwrap();
    assert!(areas.iter().any(|a| a.code == area));

    let reply = api
        .send(
            "GET",
            &format!("/api/v1/problem-lists?area={area}&{YEAR}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = &reply.body;
    assert_eq!(body["area"], area.as_str());
    assert!(
        body["area_name"].as_str().unwrap().contains("片区"),
        "{body}"
    );
    let hot = body["hot_spots"].as_array().unwrap();
    assert!(
        hot.iter()
            .any(|i| i["kind"] == "premises" || i["kind"] == "grid"),
        "{body}"
    );
    for item in hot.iter().chain(body["bottlenecks"].as_array().unwrap()) {
        let examples = item["example_case_ids"].as_array().unwrap();
        assert!(!examples.is_empty() && examples.len() <= 5, "{item}");
        assert!(n(&item["count"]) >= i64::try_from(examples.len()).unwrap());
        assert!(!item["name"].as_str().unwrap().is_empty(), "{item}");
    }
    for item in hot {
        assert!(n(&item["count"]) >= 2, "{item}");
        if item["kind"] == "grid" {
            assert_ne!(
                item["name"], item["key"],
                "grid items carry the grid's name: {item}"
            );
        }
    }
    // An example case is one of the area's.
    let first = n(&hot[0]["example_case_ids"][0]);
    let case = api.db.store.case(first).await.unwrap().unwrap();
    let community = &case.grid_code.unwrap()[..12];
    let parent = areas.iter().find(|a| a.code == area).unwrap();
    assert_eq!(&community[..9], &parent.code[..9]);

    let missing = api
        .send(
            "GET",
            "/api/v1/problem-lists?area=310104003999",
            Some(&token),
            None,
        )
        .await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");
    let no_area = api
        .send("GET", "/api/v1/problem-lists", Some(&token), None)
        .await;
    assert_problem(&no_area, StatusCode::BAD_REQUEST, "invalid_query");
});
