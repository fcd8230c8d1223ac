//! Open311 GeoReport v2 in-process: every endpoint in JSON and XML, the errors the spec names
//! (400, 403, 404 as lists of {code, description}), public reads that reveal no personal data,
//! reads switched off, and API keys issued by an administrator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, RawReply};
use serde_json::{Value, json};
use yiwang_core::model::CaseSource;
use yiwang_store::Backend;

const JSON: &str = "application/json; charset=utf-8";
const XML: &str = "text/xml; charset=utf-8";
const FORM: &str = "application/x-www-form-urlencoded";
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

async fn get(api: &Api, uri: &str) -> RawReply {
    api.raw("GET", uri, &[], None).await
}

async fn post(api: &Api, uri: &str, form: &[(&str, &str)]) -> RawReply {
    let body = serde_urlencoded::to_string(form).unwrap();
    api.raw("POST", uri, &[], Some((FORM, body))).await
}

/// An Open311 error list in the format of `uri`, with the status.
#[track_caller]
fn assert_errors(reply: &RawReply, status: StatusCode, xml: bool) {
    assert_eq!(reply.status, status, "{}", reply.text);
    if xml {
        assert_eq!(reply.content_type, XML);
        assert!(reply.text.starts_with(XML_HEAD), "{}", reply.text);
        assert!(
            reply.text.contains(&format!(
                "<errors><error><code>{}</code><description>",
                status.as_u16()
            )),
            "{}",
            reply.text
        );
    } else {
        assert_eq!(reply.content_type, JSON);
        let list = reply.json();
        assert_eq!(list[0]["code"], status.as_u16(), "{list}");
        assert!(
            !list[0]["description"].as_str().unwrap().is_empty(),
            "{list}"
        );
    }
}

async fn api_key_for(api: &Api, username: &str) -> String {
    let admin = api.login("admin").await;
    let account = api
        .state
        .store
        .account_by_username(username)
        .await
        .unwrap()
        .unwrap();
    let reply = api
        .send(
            "POST",
            &format!("/api/v1/accounts/{}/api-keys", account.id),
            Some(&admin),
            Some(json!({ "label": "test client" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["key"].as_str().unwrap().to_owned()
}

/// A building's point inside the district.
async fn a_point(api: &Api) -> (f64, f64) {
    let b = &api.state.store.buildings_with_points().await.unwrap()[0];
    (b.lon.unwrap(), b.lat.unwrap())
}

#[tokio::test]
async fn discovery_services_definitions_and_tokens_in_both_formats() {
    let api = Api::new(Backend::Sqlite).await;
    // Discovery.
    let d = get(&api, "/open311/v2/discovery.json").await;
    assert_eq!((d.status, d.content_type.as_str()), (StatusCode::OK, JSON));
    let d = d.json();
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(
        d["endpoints"][0]["formats"],
        json!(["application/json", "text/xml"])
    );
    assert!(d["changeset"].as_str().unwrap().ends_with("+08:00"));
    let d = get(&api, "/open311/v2/discovery.xml").await;
    assert_eq!((d.status, d.content_type.as_str()), (StatusCode::OK, XML));
    assert!(d.text.starts_with(&format!("{XML_HEAD}<discovery>")));
    assert!(
        d.text.contains(
            "<formats><format>application/json</format><format>text/xml</format></formats>"
        )
    );

    // Services: a bare array, codes as strings, kind in the code.
    let s = get(
        &api,
        "/open311/v2/services.json?jurisdiction_id=xuhui.sh.cn",
    )
    .await;
    assert_eq!((s.status, s.content_type.as_str()), (StatusCode::OK, JSON));
    let services = s.json();
    let list = services.as_array().unwrap();
    assert!(list.len() > 50, "{}", list.len());
    let rubbish = list
        .iter()
        .find(|s| s["service_code"] == "event-0102")
        .unwrap();
    assert_eq!(rubbish["service_name"], "暴露垃圾");
    assert_eq!(rubbish["type"], "realtime");
    assert_eq!(rubbish["metadata"], true);
    assert!(rubbish["group"].is_string() && rubbish["keywords"].is_string());
    assert!(list.iter().all(|s| s["service_code"].is_string()));
    let s = get(&api, "/open311/v2/services.xml").await;
    assert_eq!((s.status, s.content_type.as_str()), (StatusCode::OK, XML));
    assert!(
        s.text
            .starts_with(&format!("{XML_HEAD}<services><service>"))
    );
    assert!(s.text.contains("<service_code>event-0102</service_code>"));
    assert_eq!(s.text.matches("<service>").count(), list.len());

    // Definitions: a list attribute where a subclass has several filing conditions.
    let def = get(&api, "/open311/v2/services/component-0101.json").await;
    assert_eq!(
        (def.status, def.content_type.as_str()),
        (StatusCode::OK, JSON)
    );
    let def = def.json();
    assert_eq!(def["service_code"], "component-0101");
    assert_eq!(def["attributes"][0]["code"], "condition");
    assert_eq!(def["attributes"][0]["datatype"], "singlevaluelist");
    assert_eq!(def["attributes"][0]["values"][0]["key"], "1");
    assert_eq!(def["attributes"][1]["variable"], false);
    let def = get(&api, "/open311/v2/services/event-0102.xml").await;
    assert_eq!(
        (def.status, def.content_type.as_str()),
        (StatusCode::OK, XML)
    );
    assert!(
        def.text
            .contains("<service_definition><attributes><attribute>")
    );
    assert!(def.text.contains("<code>time_limit</code>"));

    // Errors, both formats.
    let not_found: [(&str, bool); 10] = [
        ("/open311/v2/services/event-9999.json", false),
        ("/open311/v2/services/nonsense.xml", true),
        ("/open311/v2/services.json?jurisdiction_id=sfgov.org", false),
        ("/open311/v2/services.xml?jurisdiction_id=sfgov.org", true),
        ("/open311/v2/requests/999999999.json", false),
        ("/open311/v2/requests/abc.xml", true),
        ("/open311/v2/tokens/123.json", false),
        ("/open311/v2/tokens/123.xml", true),
        ("/open311/v2/services.html", false),
        ("/open311/v2/teapots.json", false),
    ];
    for (uri, xml) in not_found {
        let reply = get(&api, uri).await;
        assert_errors(&reply, StatusCode::NOT_FOUND, xml);
    }
    let token = get(&api, "/open311/v2/tokens/123.json").await.json();
    assert!(
        token[0]["description"]
            .as_str()
            .unwrap()
            .contains("realtime")
    );
    let bad: [(&str, bool); 4] = [
        ("/open311/v2/requests.json?status=pending", false),
        (
            "/open311/v2/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            true,
        ),
        ("/open311/v2/requests.json?service_code=rubbish", false),
        ("/open311/v2/requests.json?page_size=0", false),
    ];
    for (uri, xml) in bad {
        assert_errors(&get(&api, uri).await, StatusCode::BAD_REQUEST, xml);
    }
}

async fn create_and_read(backend: Backend) {
    let api = Api::new(backend).await;
    let key = api_key_for(&api, "citizen").await;
    let (lon, lat) = a_point(&api).await;
    let (lon, lat) = (lon.to_string(), lat.to_string());
    let text = "小区门口垃圾堆没人清，请联系我13812345678，身份证310104199003071239";

    // Created in JSON: a one-element list with the id as a string.
    let made = post(
        &api,
        "/open311/v2/requests.json",
        &[
            ("api_key", key.as_str()),
            ("jurisdiction_id", "xuhui.sh.cn"),
            ("service_code", "event-0102"),
            ("lat", lat.as_str()),
            ("long", lon.as_str()),
            ("description", text),
            ("first_name", "小明"),
            ("last_name", "王"),
            ("phone", "13812345678"),
            ("email", "wang@example.com"),
            ("media_url", "https://photos.example.org/r/1.jpg"),
        ],
    )
    .await;
    assert_eq!(
        (made.status, made.content_type.as_str()),
        (StatusCode::OK, JSON),
        "{}",
        made.text
    );
    let made = made.json();
    let id = made[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(made[0]["service_notice"].is_string());

    // Recorded under the key's account, as a citizen report, with the reporter kept inside.
    let case = api
        .state
        .store
        .case(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let citizen = api
        .state
        .store
        .account_by_username("citizen")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.reporter_account_id, Some(citizen.id));
    assert_eq!(case.source, CaseSource::Citizen);
    assert_eq!(case.category_kind.as_deref(), Some("event"));
    assert_eq!(case.category_code.as_deref(), Some("0102"));
    assert_eq!(case.reporter_name.as_deref(), Some("王小明"));
    assert_eq!(case.reporter_phone.as_deref(), Some("13812345678"));
    // The photo link is kept on the timeline's intake entry.
    let events = api.state.store.case_events(case.id).await.unwrap();
    let detail: Value = serde_json::from_str(&events[0].detail).unwrap();
    assert_eq!(
        detail["attachments"][0]["url"],
        "https://photos.example.org/r/1.jpg"
    );
    assert!(case.grid_code.is_some(), "located in the grid");
    let events = api.state.store.case_events(case.id).await.unwrap();
    assert_eq!(events[0].actor, "citizen");

    // Read back, public: no reporter, numbers in the text masked, times at +08:00.
    let one = get(&api, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(
        (one.status, one.content_type.as_str()),
        (StatusCode::OK, JSON)
    );
    assert!(!one.text.contains("13812345678") && !one.text.contains("王小明"));
    assert!(!one.text.contains("310104199003071239"));
    let one = one.json();
    assert_eq!(one.as_array().unwrap().len(), 1);
    let r = &one[0];
    assert_eq!(r["service_request_id"], id.as_str());
    assert_eq!(r["service_code"], "event-0102");
    assert_eq!(r["service_name"], "暴露垃圾");
    assert_eq!(r["status"], "open");
    assert!(r["description"].as_str().unwrap().contains("138****5678"));
    assert!(
        r["description"]
            .as_str()
            .unwrap()
            .contains("310104********1239")
    );
    assert!(
        r["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );
    assert!(r["expected_datetime"].as_str().unwrap().ends_with("+08:00"));
    assert!(r["lat"].is_number() && r["long"].is_number());
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert!(
        keys.iter()
            .all(|k| !k.contains("reporter") && !k.contains("phone")),
        "{keys:?}"
    );
    let one = get(&api, &format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(
        (one.status, one.content_type.as_str()),
        (StatusCode::OK, XML)
    );
    assert!(
        one.text
            .starts_with(&format!("{XML_HEAD}<service_requests><request>"))
    );
    assert!(
        one.text
            .contains(&format!("<service_request_id>{id}</service_request_id>"))
    );
    assert!(one.text.contains("138****5678") && !one.text.contains("13812345678"));

    // Created in XML, by premises id, with a login token as api_key and a filing condition.
    let premises = api.state.store.buildings_with_points().await.unwrap()[1]
        .id
        .to_string();
    let token = api.login("citizen").await;
    let made = post(
        &api,
        "/open311/v2/requests.xml",
        &[
            ("api_key", token.as_str()),
            ("service_code", "component-0101"),
            ("address_id", premises.as_str()),
            ("description", "井盖不平"),
            ("attribute[condition]", "1"),
        ],
    )
    .await;
    assert_eq!(
        (made.status, made.content_type.as_str()),
        (StatusCode::OK, XML),
        "{}",
        made.text
    );
    assert!(
        made.text
            .contains("<service_requests><request><account_id></account_id><service_notice>")
    );
    let second = made
        .text
        .split("<service_request_id>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let case = api
        .state
        .store
        .case(second.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.premises_id, Some(premises.parse().unwrap()));
    // The first filing condition of 上水井盖 is the urgent one, chosen although the text is mild.
    assert_eq!(case.time_limit_unit.as_deref(), Some("urgent_hour"));

    // Lists: filters, ids, paging, both formats. (The twin has cases of its own.)
    let by_ids = format!("service_request_id={second},{id}&status=closed");
    type Check = fn(&Value) -> bool;
    let lists: [(&str, Vec<&str>, Vec<&str>, Check); 6] = [
        ("service_code=event-0102", vec![&id], vec![&second], |r| {
            r["service_code"] == "event-0102"
        }),
        (
            "service_code=component-0101,event-0102",
            vec![&id, &second],
            vec![],
            |r| r["service_code"] == "event-0102" || r["service_code"] == "component-0101",
        ),
        (&by_ids, vec![&id, &second], vec![], |_| true),
        (
            "service_code=event-0102&status=closed",
            vec![],
            vec![&id],
            |r| r["status"] == "closed" && r["service_code"] == "event-0102",
        ),
        ("page=1&page_size=1", vec![&second], vec![&id], |_| true),
        ("page=2&page_size=1", vec![&id], vec![&second], |_| true),
    ];
    for (query, include, exclude, check) in lists {
        let reply = get(&api, &format!("/open311/v2/requests.json?{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text);
        let rows = reply.json();
        let rows = rows.as_array().unwrap();
        let got: Vec<&str> = rows
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap())
            .collect();
        assert!(include.iter().all(|i| got.contains(i)), "{query}: {got:?}");
        assert!(exclude.iter().all(|i| !got.contains(i)), "{query}: {got:?}");
        assert!(rows.iter().all(check), "{query}");
        if query.starts_with("service_request_id") {
            assert_eq!(got.len(), 2, "ids override every other argument");
        }
        if query.contains("page_size=1") {
            assert_eq!(got.len(), 1, "{query}");
        }
        let xml = get(&api, &format!("/open311/v2/requests.xml?{query}")).await;
        assert_eq!(xml.status, StatusCode::OK);
        assert_eq!(xml.text.matches("<request>").count(), rows.len(), "{query}");
    }
    // The default list is the last 90 days, newest first, and shows no reporter anywhere.
    let all = get(&api, "/open311/v2/requests.json").await;
    assert_eq!(all.json()[0]["service_request_id"], second.as_str());
    assert!(!all.text.contains("13812345678"));

    // Errors of POST.
    let long = "很".repeat(4001);
    type Form<'a> = Vec<(&'a str, &'a str)>;
    let errors: [(&str, Form, StatusCode); 10] = [
        (
            "json",
            vec![
                ("service_code", "event-0102"),
                ("lat", "31.2"),
                ("long", "121.4"),
            ],
            StatusCode::FORBIDDEN,
        ),
        (
            "xml",
            vec![
                ("api_key", "yw_nope"),
                ("service_code", "event-0102"),
                ("lat", "31.2"),
                ("long", "121.4"),
            ],
            StatusCode::FORBIDDEN,
        ),
        (
            "json",
            vec![("api_key", &key), ("service_code", "event-0102")],
            StatusCode::BAD_REQUEST,
        ),
        (
            "xml",
            vec![
                ("api_key", &key),
                ("service_code", "event-0102"),
                ("lat", "31.2"),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            "json",
            vec![
                ("api_key", &key),
                ("service_code", "event-0102"),
                ("lat", "31.2"),
                ("long", "121.4"),
                ("description", &long),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            "json",
            vec![("api_key", &key), ("lat", "31.2"), ("long", "121.4")],
            StatusCode::BAD_REQUEST,
        ),
        (
            "xml",
            vec![
                ("api_key", &key),
                ("service_code", "event-9999"),
                ("lat", "31.2"),
                ("long", "121.4"),
            ],
            StatusCode::NOT_FOUND,
        ),
        (
            "json",
            vec![
                ("api_key", &key),
                ("jurisdiction_id", "sfgov.org"),
                ("service_code", "event-0102"),
                ("lat", "31.2"),
                ("long", "121.4"),
            ],
            StatusCode::NOT_FOUND,
        ),
        (
            "json",
            vec![
                ("api_key", &key),
                ("service_code", "component-0101"),
                ("address_id", "1"),
                ("attribute[condition]", "7"),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            "json",
            vec![
                ("api_key", &key),
                ("service_code", "event-0102"),
                ("lat", "31.2"),
                ("long", "121.4"),
                ("media_url", "file:///etc/passwd"),
            ],
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (format, form, status) in errors {
        let reply = post(&api, &format!("/open311/v2/requests.{format}"), &form).await;
        assert_errors(&reply, status, format == "xml");
    }
}

#[tokio::test]
async fn requests_are_created_and_read_sqlite() {
    create_and_read(Backend::Sqlite).await;
}

#[tokio::test]
async fn requests_are_created_and_read_postgres() {
    create_and_read(Backend::Postgres).await;
}

#[tokio::test]
async fn a_jurisdiction_can_switch_public_reads_off() {
    let mut api = Api::new(Backend::Sqlite).await;
    let key = api_key_for(&api, "citizen").await;
    let token = api.login("grid_worker").await;
    api.state.open311.public_reads = false;
    let reads = [
        "/open311/v2/services.json",
        "/open311/v2/services/event-0102.json",
        "/open311/v2/requests.json",
        "/open311/v2/requests/1.xml",
    ];
    for uri in reads {
        let reply = get(&api, uri).await;
        assert_errors(&reply, StatusCode::FORBIDDEN, uri.ends_with(".xml"));
        let sep = if uri.contains('?') { '&' } else { '?' };
        let reply = get(&api, &format!("{uri}{sep}api_key=yw_wrong")).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
        let reply = get(&api, &format!("{uri}{sep}api_key={key}")).await;
        assert_ne!(reply.status, StatusCode::FORBIDDEN, "{uri}: {}", reply.text);
        let bearer = format!("Bearer {token}");
        let reply = api
            .raw("GET", uri, &[("authorization", &bearer)], None)
            .await;
        assert_ne!(reply.status, StatusCode::FORBIDDEN, "{uri}: {}", reply.text);
    }
    // Discovery stays open: it is how a client learns where to get a key.
    assert_eq!(
        get(&api, "/open311/v2/discovery.json").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn admins_issue_api_keys_shown_once_and_audited() {
    let api = Api::new(Backend::Sqlite).await;
    let admin = api.login("admin").await;
    let citizen = api.login("citizen").await;
    let account = api
        .state
        .store
        .account_by_username("citizen")
        .await
        .unwrap()
        .unwrap();
    let uri = format!("/api/v1/accounts/{}/api-keys", account.id);
    let cases: [(Option<&str>, &str, Option<Value>, StatusCode); 5] = [
        (None, uri.as_str(), None, StatusCode::UNAUTHORIZED),
        (
            Some(citizen.as_str()),
            uri.as_str(),
            None,
            StatusCode::FORBIDDEN,
        ),
        (
            Some(admin.as_str()),
            "/api/v1/accounts/999999/api-keys",
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Some(admin.as_str()),
            uri.as_str(),
            Some(json!({ "label": "x".repeat(201) })),
            StatusCode::BAD_REQUEST,
        ),
        (
            Some(admin.as_str()),
            uri.as_str(),
            None,
            StatusCode::CREATED,
        ),
    ];
    for (token, uri, body, status) in cases {
        let reply = api.send("POST", uri, token, body).await;
        assert_eq!(reply.status, status, "{uri}: {}", reply.body);
        if status == StatusCode::CREATED {
            let key = reply.body["key"].as_str().unwrap();
            assert!(key.starts_with("yw_") && key.len() > 40, "{key}");
            assert_eq!(reply.body["username"], "citizen");
            assert!(key.starts_with(reply.body["prefix"].as_str().unwrap()));
        }
    }
    let audit = api.state.store.audit_entries(1).await.unwrap();
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].action.as_str()),
        ("admin", "api_key.create")
    );
    // The document lists the Open311 endpoints under their tag.
    let doc = api.send("GET", "/api/v1/openapi.json", None, None).await;
    let paths = doc.body["paths"].as_object().unwrap();
    for path in [
        "/open311/v2/discovery.{format}",
        "/open311/v2/services.{format}",
        "/open311/v2/services/{service_code}.{format}",
        "/open311/v2/requests.{format}",
        "/open311/v2/requests/{service_request_id}.{format}",
        "/open311/v2/tokens/{token}.{format}",
        "/api/v1/accounts/{id}/api-keys",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    assert_eq!(
        doc.body["paths"]["/open311/v2/requests.{format}"]["post"]["tags"][0],
        "open311"
    );
}

#[tokio::test]
async fn a_revoked_api_key_is_refused_from_then_on() {
    let api = Api::new(Backend::Sqlite).await;
    let admin = api.login("admin").await;
    let key = api_key_for(&api, "citizen").await;
    let (lon, lat) = a_point(&api).await;
    let (lon, lat) = (lon.to_string(), lat.to_string());
    let report = |key: String| {
        let (api, lon, lat) = (&api, lon.clone(), lat.clone());
        async move {
            post(
                api,
                "/open311/v2/requests.json",
                &[
                    ("api_key", key.as_str()),
                    ("service_code", "event-0102"),
                    ("lat", lat.as_str()),
                    ("long", lon.as_str()),
                    ("description", "路边垃圾没人清"),
                ],
            )
            .await
        }
    };
    assert_eq!(report(key.clone()).await.status, StatusCode::OK);

    let account = api
        .state
        .store
        .account_by_username("citizen")
        .await
        .unwrap()
        .unwrap();
    let keys_uri = format!("/api/v1/accounts/{}/api-keys", account.id);
    let listed = api.send("GET", &keys_uri, Some(&admin), None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let keys = listed.body.as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].get("key").is_none(), "a listed key is never shown");
    assert!(key.starts_with(keys[0]["prefix"].as_str().unwrap()));
    let key_uri = format!("{keys_uri}/{}", keys[0]["id"]);

    let citizen = api.login("citizen").await;
    let r = api.send("DELETE", &key_uri, Some(&citizen), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api.send("DELETE", &key_uri, Some(&admin), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_errors(&report(key.clone()).await, StatusCode::FORBIDDEN, false);
    let listed = api.send("GET", &keys_uri, Some(&admin), None).await;
    assert_eq!(listed.body, json!([]));
    let r = api.send("DELETE", &key_uri, Some(&admin), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let audit = api.state.store.audit_entries(1).await.unwrap();
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].action.as_str()),
        ("admin", "api_key.revoke")
    );
}
