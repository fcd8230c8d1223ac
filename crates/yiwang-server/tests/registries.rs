//! Registry snapshots over HTTP: imports with every bad row reported, change sets reviewed
//! masked, rollback, and each 住所云 end writing only for itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_problem};
use serde_json::Value;
use yiwang_core::model::PremisesKind;
use yiwang_core::validate::id_number::make_id_number;
use yiwang_store::both_backends;
use yiwang_store::testing::TestDb;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The first `n` rooms and the first building of the twin, by standard address.
async fn places(api: &Api, n: usize) -> (Vec<String>, String) {
    let all = api.db.store.premises_addresses(0, 5_000).await.unwrap();
    let rooms: Vec<String> = all
        .iter()
        .filter(|p| p.kind == PremisesKind::Room)
        .take(n)
        .map(|p| p.standard_address.clone())
        .collect();
    let building = all
        .iter()
        .find(|p| p.kind == PremisesKind::Building)
        .unwrap()
        .standard_address
        .clone();
    (rooms, building)
}

fn id(sequence: u16) -> String {
    make_id_number(
        "310104",
        chrono::NaiveDate::from_ymd_opt(1988, 8, 8).unwrap(),
        sequence,
    )
    .unwrap()
}

fn persons_csv(lines: &[String]) -> Vec<u8> {
    let mut text = String::from("id_number,name,type,address,phone\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    text.into_bytes()
}

fn lines_and_reasons(report: &Value) -> Vec<(u64, String)> {
    report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

both_backends!(
    a_snapshot_is_imported_reviewed_and_rolled_back,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let (rooms, building) = places(&api, 3).await;
        let specialist = api.login("data_specialist").await;
        let csv = persons_csv(&[
            format!("{},张三,户籍,{},13800138000", id(11), rooms[0]),
            format!("{},李四,来沪,{},", id(12), rooms[1]),
            format!("{},王五,户籍,{},", id(11), rooms[2]),
            format!("{},赵六,户籍,{},12345", id(13), rooms[2]),
            format!("{},钱七,户籍,{},", id(14), building),
            format!("{},孙八,户籍,上海市徐汇区没有这条路999弄9号101室,", id(15)),
        ]);
        let uri =
            "/api/v1/registries/persons/imports?source=%E5%85%AC%E5%AE%89&file_name=persons.csv";

        // A dry run reports everything and writes nothing.
        let dry = api
            .upload(
                &format!("{uri}&dry_run=true"),
                &specialist,
                "text/csv",
                csv.clone(),
                &[],
            )
            .await;
        assert_eq!(dry.status, StatusCode::OK);
        assert_eq!(dry.json()["added"], 2);
        assert!(dry.json()["change_set_id"].is_null());

        let reply = api
            .upload(uri, &specialist, "text/csv", csv.clone(), &[])
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&reply.bytes)
        );
        let report = reply.json();
        assert_eq!(report["rows"], 6);
        assert_eq!(report["accepted"], 2);
        assert_eq!(report["added"], 2);
        assert_eq!(report["unmatched_addresses"], 2);
        let rejected = lines_and_reasons(&report);
        assert_eq!(
            rejected.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            [4, 5, 6, 7],
            "{rejected:?}"
        );
        assert_eq!(rejected[0].1, "the same `id_number` as line 2");
        assert!(rejected[1].1.starts_with("`phone`: "), "{}", rejected[1].1);
        assert!(rejected[2].1.contains("not a room"), "{}", rejected[2].1);
        assert!(
            rejected[3].1.contains("is not in the premises registry"),
            "{}",
            rejected[3].1
        );
        let set_id = report["change_set_id"].as_i64().unwrap();

        // The same snapshot again changes nothing.
        let again = api
            .upload(uri, &specialist, "text/csv", csv, &[])
            .await
            .json();
        assert_eq!(
            (
                again["added"].clone(),
                again["changed"].clone(),
                again["unchanged"].clone(),
                again["gone"].clone()
            ),
            (0.into(), 0.into(), 2.into(), 0.into())
        );

        // A week later 张三 has a new phone and 李四 has gone; the report comes as a workbook.
        let week = persons_csv(&[format!("{},张三,户籍,{},13900139000", id(11), rooms[0])]);
        let reply = api
            .upload(uri, &specialist, "text/csv", week, &[("accept", XLSX)])
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
        assert_eq!(reply.content_type, XLSX);
        assert!(reply.bytes.starts_with(b"PK"), "an XLSX is a zip");

        // The district CDO reviews: newest first, personal data masked, sealed columns absent.
        let cdo = api.login("district_cdo").await;
        let sets = api
            .send(
                "GET",
                "/api/v1/registries/change-sets?kind=persons",
                Some(&cdo),
                None,
            )
            .await;
        assert_eq!(sets.status, StatusCode::OK);
        let latest = &sets.body[0];
        assert_eq!(
            (latest["changed"].clone(), latest["gone"].clone()),
            (1.into(), 1.into())
        );
        assert_eq!(latest["source"], "公安");
        let latest_id = latest["id"].as_i64().unwrap();
        let detail = api
            .send(
                "GET",
                &format!("/api/v1/registries/change-sets/{latest_id}"),
                Some(&cdo),
                None,
            )
            .await;
        assert_eq!(detail.status, StatusCode::OK);
        let changes = detail.body["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2);
        let changed = changes.iter().find(|c| c["op"] == "changed").unwrap();
        assert_eq!(changed["fields"], serde_json::json!(["phone"]));
        assert_eq!(changed["before"]["phone"], "138****8000");
        assert_eq!(changed["before"]["name"], "张*");
        let text = detail.body.to_string();
        assert!(
            !text.contains(&id(11)) && !text.contains(&id(12)),
            "no ID number in clear"
        );
        assert!(!text.contains("id_cipher") && !text.contains("id_hash"));

        // Only the latest can be rolled back, only by a data officer, and only once.
        let intake = api.login("intake_operator").await;
        let denied = api
            .send(
                "POST",
                &format!("/api/v1/registries/change-sets/{latest_id}/rollback"),
                Some(&intake),
                None,
            )
            .await;
        assert_problem(&denied, StatusCode::FORBIDDEN, "permission_denied");
        let early = api
            .send(
                "POST",
                &format!("/api/v1/registries/change-sets/{set_id}/rollback"),
                Some(&cdo),
                None,
            )
            .await;
        assert_problem(&early, StatusCode::CONFLICT, "rollback_refused");
        let rolled = api
            .send(
                "POST",
                &format!("/api/v1/registries/change-sets/{latest_id}/rollback"),
                Some(&cdo),
                None,
            )
            .await;
        assert_eq!(rolled.status, StatusCode::OK, "{}", rolled.body);
        assert_eq!(rolled.body["state"], "rolled_back");
        let twice = api
            .send(
                "POST",
                &format!("/api/v1/registries/change-sets/{latest_id}/rollback"),
                Some(&cdo),
                None,
            )
            .await;
        assert_problem(&twice, StatusCode::CONFLICT, "rollback_refused");
        // 李四 is back: the same snapshot as before the week's is unchanged again.
        let back = persons_csv(&[
            format!("{},张三,户籍,{},13800138000", id(11), rooms[0]),
            format!("{},李四,来沪,{},", id(12), rooms[1]),
        ]);
        let check = api
            .upload(
                &format!("{uri}&dry_run=true"),
                &specialist,
                "text/csv",
                back,
                &[],
            )
            .await
            .json();
        assert_eq!(
            (check["unchanged"].clone(), check["changed"].clone()),
            (2.into(), 0.into())
        );

        // The audit log holds the import and the rollback.
        let admin = api.login("admin").await;
        let audit = api
            .send("GET", "/api/v1/audit?limit=200", Some(&admin), None)
            .await;
        assert_eq!(audit.body["chain_verified"], true);
        let actions: Vec<&str> = audit.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(
            actions.contains(&"registry.import") && actions.contains(&"registry.rollback"),
            "{actions:?}"
        );
    }
);

both_backends!(bad_requests_get_clear_answers, |db: TestDb| async move {
    let api = Api::from_db(db).await;
    let specialist = api.login("data_specialist").await;
    let intake = api.login("intake_operator").await;
    let csv = persons_csv(&[]);
    let reply = api
        .upload(
            "/api/v1/registries/persons/imports?source=x",
            &intake,
            "text/csv",
            csv.clone(),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let missing = api
        .upload(
            "/api/v1/registries/persons/imports?source=x",
            &specialist,
            "text/csv",
            b"name,address\n".to_vec(),
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let problem = missing.json();
    assert_eq!(problem["code"], "invalid_request");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("id_number, type"),
        "{problem}"
    );
    let unknown = api
        .upload(
            "/api/v1/registries/pets/imports?source=x",
            &specialist,
            "text/csv",
            csv.clone(),
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let no_source = api
        .upload(
            "/api/v1/registries/persons/imports?source=%20",
            &specialist,
            "text/csv",
            csv.clone(),
            &[],
        )
        .await;
    assert_eq!(no_source.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_source.json()["code"], "invalid_query");
    let not_a_table = api
        .upload(
            "/api/v1/registries/persons/imports?source=x",
            &specialist,
            "application/json",
            b"{}".to_vec(),
            &[],
        )
        .await;
    assert_eq!(not_a_table.status, StatusCode::BAD_REQUEST);
    let not_a_workbook = api
        .upload(
            "/api/v1/registries/persons/imports?source=x",
            &specialist,
            XLSX,
            b"not a zip".to_vec(),
            &[],
        )
        .await;
    assert_eq!(not_a_workbook.status, StatusCode::BAD_REQUEST);
    let review = api
        .send("GET", "/api/v1/registries/change-sets", Some(&intake), None)
        .await;
    assert_problem(&review, StatusCode::FORBIDDEN, "permission_denied");
    let none = api
        .send(
            "GET",
            "/api/v1/registries/change-sets/999",
            Some(&api.login("district_cdo").await),
            None,
        )
        .await;
    assert_problem(&none, StatusCode::NOT_FOUND, "not_found");
});

both_backends!(each_end_attests_for_itself, |db: TestDb| async move {
    let api = Api::from_db(db).await;
    let (rooms, building) = places(&api, 1).await;
    let property = api.login("property_manager").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        [
            "end",
            "address",
            "fact",
            "value",
            "evidence",
            "attested_at",
            "attester",
        ],
        [
            "物业",
            building.as_str(),
            "存在",
            "是",
            "物业台账",
            "2026-11-01",
            "某物业公司",
        ],
        [
            "营商",
            building.as_str(),
            "用途",
            "办公",
            "",
            "2026-11-01",
            "某物业公司",
        ],
        [
            "物业",
            rooms[0].as_str(),
            "物业",
            "某物业公司",
            "",
            "2026-11-02",
            "某物业公司",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let reply = api
        .upload(
            "/api/v1/registries/attestations/imports?source=%E7%89%A9%E4%B8%9A",
            &property,
            XLSX,
            book.save_to_buffer().unwrap(),
            &[],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.bytes)
    );
    let report = reply.json();
    assert_eq!(report["added"], 2);
    let rejected = lines_and_reasons(&report);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0, 3);
    assert!(rejected[0].1.contains("another end's"), "{}", rejected[0].1);
    // The registration authority attests the building's use too.
    let approval = api.login("approval_officer").await;
    let csv = format!(
        "end,address,fact,value,evidence,attested_at,attester\n审批,{building},用途,办公,营业执照,2026-11-03,区市场监管局\n"
    );
    let reply = api
        .upload(
            "/api/v1/registries/attestations/imports?source=%E5%AE%A1%E6%89%B9",
            &approval,
            "text/csv",
            csv.into_bytes(),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    // The dossier shows each end what it may read: the property manager its own attestation and
    // no resident counts; the district's staff every end and the residents.
    let building_id = api
        .db
        .store
        .premises_addresses(0, 5_000)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.standard_address == building)
        .unwrap()
        .id;
    let path = format!("/api/v1/premises/{building_id}/registers");
    let seen = api.send("GET", &path, Some(&property), None).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    let ends: Vec<&str> = seen.body["attestations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["end"].as_str().unwrap())
        .collect();
    assert_eq!(ends, ["property"]);
    assert!(seen.body["residents"].is_null());
    let admin = api.login("admin").await;
    let all = api.send("GET", &path, Some(&admin), None).await;
    let ends: Vec<&str> = all.body["attestations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["end"].as_str().unwrap())
        .collect();
    assert_eq!(ends, ["approval", "property"]);
    assert!(all.body["rooms"].as_i64().unwrap() >= 1);
    let residents: i64 = all.body["residents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_i64().unwrap())
        .sum();
    let persons_in_district = api.db.store.stats().await.unwrap().persons;
    assert!(residents <= persons_in_district, "{}", all.body);
    let missing = api
        .send(
            "GET",
            "/api/v1/premises/999999999/registers",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // A property manager writes no population registry, and a data specialist attests nothing.
    let persons = api
        .upload(
            "/api/v1/registries/persons/imports?source=x",
            &property,
            "text/csv",
            persons_csv(&[]),
            &[],
        )
        .await;
    assert_eq!(persons.status, StatusCode::FORBIDDEN);
    let specialist = api.login("data_specialist").await;
    let attest = api
        .upload(
            "/api/v1/registries/attestations/imports?source=x",
            &specialist,
            "text/csv",
            b"end\n".to_vec(),
            &[],
        )
        .await;
    assert_eq!(attest.status, StatusCode::FORBIDDEN);
});

both_backends!(
    quality_is_measured_and_accuracy_has_evidence,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let grid = api.login("grid_worker").await;
        let cdo = api.login("district_cdo").await;
        // Field workers draw a sample and record verdicts; the data officer reads the quality.
        let sample = api
            .send(
                "GET",
                "/api/v1/registries/persons/sample?n=10",
                Some(&grid),
                None,
            )
            .await;
        assert_eq!(sample.status, StatusCode::OK, "{}", sample.body);
        let rows = sample.body.as_array().unwrap();
        assert_eq!(rows.len(), 10);
        assert!(rows.iter().all(|r| {
            r["fields"]["id_masked"]
                .as_str()
                .unwrap()
                .contains("********")
        }));
        assert!(!sample.body.to_string().contains("id_cipher"));
        for (i, row) in rows.iter().enumerate() {
            let verdict = if i < 9 {
                serde_json::json!({"ref": row["ref"], "correct": true})
            } else {
                serde_json::json!({"ref": row["ref"], "correct": false, "wrong_fields": ["phone"], "note": "新号码 13912345678"})
            };
            let r = api
                .send(
                    "POST",
                    "/api/v1/registries/persons/verifications",
                    Some(&grid),
                    Some(verdict),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let vague = api
            .send(
                "POST",
                "/api/v1/registries/persons/verifications",
                Some(&grid),
                Some(serde_json::json!({"ref": rows[0]["ref"], "correct": false})),
            )
            .await;
        assert_problem(&vague, StatusCode::BAD_REQUEST, "invalid_request");
        let unknown = api
            .send(
                "POST",
                "/api/v1/registries/persons/verifications",
                Some(&grid),
                Some(serde_json::json!({"ref": "nope", "correct": true})),
            )
            .await;
        assert_problem(&unknown, StatusCode::NOT_FOUND, "not_found");

        let report = api
            .send(
                "GET",
                "/api/v1/registries/persons/quality",
                Some(&cdo),
                None,
            )
            .await;
        assert_eq!(report.status, StatusCode::OK, "{}", report.body);
        let district = &report.body["groups"][0];
        assert_eq!(district["group"], "district");
        assert_eq!(district["verified"], 10);
        assert_eq!(district["accuracy"], 0.9);
        // 9 of 10 is no evidence of "over 90%".
        assert_eq!(district["meets_accuracy_target"], false);
        assert!(district["accuracy_lower_95"].as_f64().unwrap() < 0.9);
        for share in ["completeness", "consistency", "timeliness"] {
            let v = district[share].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{share} {v}");
        }
        // The twin's rows were written by no snapshot of the last week.
        assert_eq!(district["timeliness"], 0.0);
        let by_street = api
            .send(
                "GET",
                "/api/v1/registries/persons/quality?by=street",
                Some(&cdo),
                None,
            )
            .await;
        let streets = by_street.body["groups"].as_array().unwrap();
        assert!(streets.len() > 1);
        let total: u64 = streets.iter().map(|g| g["rows"].as_u64().unwrap()).sum();
        assert_eq!(total, district["rows"].as_u64().unwrap());
        let verified: u64 = streets
            .iter()
            .map(|g| g["verified"].as_u64().unwrap())
            .sum();
        assert_eq!(verified, 10);
        let xlsx = api
            .send(
                "GET",
                "/api/v1/registries/units/quality?by=source&format=xlsx",
                Some(&cdo),
                None,
            )
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert_eq!(xlsx.content_type, XLSX);
        for kind in ["persons", "housing", "units", "attestations"] {
            for by in ["district", "street", "source"] {
                let r = api
                    .send(
                        "GET",
                        &format!("/api/v1/registries/{kind}/quality?by={by}"),
                        Some(&cdo),
                        None,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{kind} by {by}: {}", r.body);
            }
        }
        let bad = api
            .send(
                "GET",
                "/api/v1/registries/persons/quality?by=moon",
                Some(&cdo),
                None,
            )
            .await;
        assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_query");
        let intake = api.login("intake_operator").await;
        let denied = api
            .send(
                "GET",
                "/api/v1/registries/persons/sample",
                Some(&intake),
                None,
            )
            .await;
        assert_problem(&denied, StatusCode::FORBIDDEN, "permission_denied");
    }
);

both_backends!(
    an_address_is_verified_by_two_ends,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let (_, building) = places(&api, 1).await;
        let approval = api.login("admin").await;
        let ask = |address: String, uscc: Option<&str>| {
            let api = &api;
            let token = approval.clone();
            let body = serde_json::json!({"address": address, "uscc": uscc});
            async move {
                api.send("POST", "/api/v1/premises/verify", Some(&token), Some(body))
                    .await
            }
        };
        let unknown = ask("上海市徐汇区没有这条路999号".into(), None).await;
        assert_eq!(unknown.status, StatusCode::OK, "{}", unknown.body);
        assert_eq!(unknown.body["verified"], false);
        assert_eq!(unknown.body["flags"][0]["code"], "not_in_registry");
        let bare = ask(building.clone(), None).await;
        assert_eq!(bare.body["verified"], false, "{}", bare.body);
        assert_eq!(bare.body["standard_address"], building.as_str());
        assert!(
            bare.body["reasons"][0]
                .as_str()
                .unwrap()
                .contains("0 end(s)")
        );

        // The property manager and the grid (管理端) attest that the building exists.
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        for (account, end) in [("property_manager", "物业"), ("grid_worker", "管理")] {
            let token = api.login(account).await;
            let file = format!(
                "end,address,fact,value,attested_at,attester\n{end},{building},存在,是,{today},{account}\n"
            );
            let reply = api
                .upload(
                    "/api/v1/registries/attestations/imports?source=x",
                    &token,
                    "text/csv",
                    file.into_bytes(),
                    &[],
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::CREATED,
                "{}",
                String::from_utf8_lossy(&reply.bytes)
            );
            assert_eq!(reply.json()["added"], 1);
        }
        let verified = ask(building.clone(), None).await;
        assert_eq!(verified.body["verified"], true, "{}", verified.body);
        assert_eq!(verified.body["paper_proof_waived"], true);
        assert_eq!(verified.body["attestations"].as_array().unwrap().len(), 2);
        // The property manager sees its own end's attestation only; the decision is the same.
        let property = api.login("property_manager").await;
        let own = api
            .send(
                "POST",
                "/api/v1/premises/verify",
                Some(&property),
                Some(serde_json::json!({"address": building})),
            )
            .await;
        assert_eq!(own.body["verified"], true);
        let ends: Vec<&str> = own.body["attestations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["end"].as_str().unwrap())
            .collect();
        assert_eq!(ends, ["property"]);
        let bad = ask(building.clone(), Some("91310104MA1FL4XQ0X")).await;
        assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_request");
        let citizen = api.login("citizen").await;
        let denied = api
            .send(
                "POST",
                "/api/v1/premises/verify",
                Some(&citizen),
                Some(serde_json::json!({"address": building})),
            )
            .await;
        assert_problem(&denied, StatusCode::FORBIDDEN, "permission_denied");
    }
);

both_backends!(
    a_group_rental_is_flagged_and_becomes_a_case,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let (rooms, _) = places(&api, 1).await;
        let room = rooms[0].clone();
        let grid = api.login("grid_worker").await;
        // The housing source says the flat is rented, 12 m², one room; the police have 4 adults there.
        let housing = format!("address,use,area_m2,rooms\n{room},出租,12,1\n");
        let reply = api
            .upload(
                "/api/v1/registries/housing/imports?source=fg",
                &grid,
                "text/csv",
                housing.into_bytes(),
                &[],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&reply.bytes)
        );
        let persons = persons_csv(
            &(31..35)
                .map(|i| format!("{},某{i},来沪,{room},", id(i)))
                .collect::<Vec<_>>(),
        );
        let reply = api
            .upload(
                "/api/v1/registries/persons/imports?source=ga",
                &grid,
                "text/csv",
                persons,
                &[],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&reply.bytes)
        );

        let flags = api
            .send(
                "GET",
                "/api/v1/registries/group-rentals?limit=5000",
                Some(&grid),
                None,
            )
            .await;
        assert_eq!(flags.status, StatusCode::OK, "{}", flags.body);
        let flag = flags
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["address"] == room.as_str())
            .unwrap_or_else(|| panic!("{room} not flagged: {}", flags.body))
            .clone();
        assert!(flag["residents"].as_u64().unwrap() >= 4);
        let evidence = flag["evidence"].to_string();
        assert!(
            evidence.contains("m² per resident") && evidence.contains("room(s)"),
            "{evidence}"
        );

        let room_id = flag["room_id"].as_i64().unwrap();
        let opened = api
            .send(
                "POST",
                &format!("/api/v1/registries/group-rentals/{room_id}/case"),
                Some(&grid),
                None,
            )
            .await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
        let case_id = opened.body["case_id"].as_i64().unwrap();
        let case = api
            .send(
                "GET",
                &format!("/api/v1/cases/{case_id}"),
                Some(&grid),
                None,
            )
            .await;
        assert_eq!(case.body["category_name"], "群租", "{}", case.body);
        assert_eq!(case.body["source"], "grid_patrol");
        assert!(case.body["text"].as_str().unwrap().starts_with("疑似群租"));
        // A dwelling the registries do not flag opens no case.
        let (others, _) = places(&api, 400).await;
        let calm = api.db.store.premises_addresses(0, 5_000).await.unwrap();
        let quiet = calm
            .iter()
            .find(|p| p.standard_address == others[399])
            .unwrap()
            .id;
        let refused = api
            .send(
                "POST",
                &format!("/api/v1/registries/group-rentals/{quiet}/case"),
                Some(&grid),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
        let citizen = api.login("citizen").await;
        let denied = api
            .send(
                "GET",
                "/api/v1/registries/group-rentals",
                Some(&citizen),
                None,
            )
            .await;
        assert_problem(&denied, StatusCode::FORBIDDEN, "permission_denied");
    }
);
