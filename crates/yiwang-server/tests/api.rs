//! The HTTP API driven in-process (`app(state).oneshot(..)`), on a small generated twin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Api, PASSWORD, assert_problem};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use yiwang_server::app;
use yiwang_store::testing::TestDb;
use yiwang_store::{Backend, both_backends};

both_backends!(health_login_and_stats, |db: TestDb| async move {
    let backend = match db.store.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let api = Api::from_db(db).await;
    let health = api.send("GET", "/healthz", None, None).await;
    assert_eq!(health.body["backend"], backend);
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body["status"], "ok");

    let token = api.login("admin").await;
    let stats = api.send("GET", "/api/v1/stats", Some(&token), None).await;
    assert_eq!(stats.status, StatusCode::OK);
    assert_eq!(
        stats.body,
        serde_json::to_value(api.db.store.stats().await.unwrap()).unwrap()
    );
    assert_eq!(stats.body["streets"], 13);
    assert_eq!(stats.body["areas"], 64);
    assert_eq!(stats.body["communities"], 312);
});

#[tokio::test]
async fn login_answers_tokens_roles_and_expiry() {
    let api = Api::new(Backend::Sqlite).await;
    let reply = api
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "username": "intake_operator", "password": PASSWORD })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["roles"], json!(["intake_operator"]));
    assert!(reply.body["token"].as_str().unwrap().len() >= 40);
    let expires: chrono::DateTime<chrono::Utc> =
        reply.body["expires_at"].as_str().unwrap().parse().unwrap();
    assert!(expires > chrono::Utc::now() + chrono::Duration::hours(11));
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_are_refused_alike() {
    let api = Api::new(Backend::Sqlite).await;
    let wrong = api
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "username": "admin", "password": "nope" })),
        )
        .await;
    assert_problem(&wrong, StatusCode::UNAUTHORIZED, "invalid_credentials");
    let unknown = api
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "username": "ghost", "password": "nope" })),
        )
        .await;
    assert_problem(&unknown, StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    let audit = api.db.store.audit_entries(10).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "auth.login_failed")
            .count(),
        2
    );
}

#[tokio::test]
async fn protected_routes_deny_by_default() {
    let api = Api::new(Backend::Sqlite).await;
    for path in [
        "/api/v1/stats",
        "/api/v1/grids?level=street",
        "/api/v1/premises/1",
        "/api/v1/accounts",
        "/api/v1/audit",
    ] {
        let reply = api.send("GET", path, None, None).await;
        assert_problem(&reply, StatusCode::UNAUTHORIZED, "authentication_required");
        let bad = api.send("GET", path, Some("not-a-token"), None).await;
        assert_problem(&bad, StatusCode::UNAUTHORIZED, "invalid_token");
    }
}

#[tokio::test]
async fn each_endpoint_checks_its_permission() {
    let api = Api::new(Backend::Sqlite).await;
    let citizen = api.login("citizen").await;
    let denied = api.send("GET", "/api/v1/stats", Some(&citizen), None).await;
    assert_problem(&denied, StatusCode::FORBIDDEN, "permission_denied");
    assert!(
        denied.body["detail"]
            .as_str()
            .unwrap()
            .contains("read_overview")
    );
    assert_problem(
        &api.send("GET", "/api/v1/accounts", Some(&citizen), None)
            .await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    );
    // What a citizen may do, they can.
    let streets = api
        .send("GET", "/api/v1/grids?level=street", Some(&citizen), None)
        .await;
    assert_eq!(streets.status, StatusCode::OK);
    let me = api
        .send("GET", "/api/v1/auth/me", Some(&citizen), None)
        .await;
    assert_eq!(me.body["roles"], json!(["citizen"]));
    assert!(
        !me.body["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("read_overview"))
    );
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("admin").await;
    assert_eq!(
        api.send("POST", "/api/v1/auth/logout", Some(&token), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let after = api.send("GET", "/api/v1/stats", Some(&token), None).await;
    assert_problem(&after, StatusCode::UNAUTHORIZED, "invalid_token");
}

#[tokio::test]
async fn grids_come_as_geojson_per_level_and_parent() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("admin").await;
    let streets = api
        .send("GET", "/api/v1/grids?level=street", Some(&token), None)
        .await;
    assert_eq!(streets.body["type"], "FeatureCollection");
    let features = streets.body["features"].as_array().unwrap();
    assert_eq!(features.len(), 13);
    assert_eq!(features[0]["geometry"]["type"], "MultiPolygon");
    let first = features[0]["properties"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let areas = api
        .send(
            "GET",
            &format!("/api/v1/grids?level=area&parent={first}"),
            Some(&token),
            None,
        )
        .await;
    let areas = areas.body["features"].as_array().unwrap();
    assert!(!areas.is_empty());
    assert!(
        areas
            .iter()
            .all(|f| f["properties"]["parent_code"] == first.as_str())
    );

    let one = api
        .send("GET", &format!("/api/v1/grids/{first}"), Some(&token), None)
        .await;
    assert_eq!(one.body["properties"]["level"], "street");
    assert_problem(
        &api.send("GET", "/api/v1/grids/000", Some(&token), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_problem(
        &api.send("GET", "/api/v1/grids?level=ward", Some(&token), None)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    assert_problem(
        &api.send(
            "GET",
            "/api/v1/grids?level=building_group",
            Some(&token),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
}

#[tokio::test]
async fn divisions_and_departments() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("admin").await;
    let district = api
        .send("GET", "/api/v1/divisions", Some(&token), None)
        .await;
    assert_eq!(district.body[0]["name"], "徐汇区");
    let streets = api
        .send("GET", "/api/v1/divisions?parent=310104", Some(&token), None)
        .await;
    assert_eq!(streets.body.as_array().unwrap().len(), 13);
    let committee = api
        .send("GET", "/api/v1/divisions/310104003001", Some(&token), None)
        .await;
    assert_eq!(committee.body["level"], "community");
    assert_eq!(committee.body["parent_code"], "310104003");
    let departments = api
        .send("GET", "/api/v1/departments", Some(&token), None)
        .await;
    assert!(
        departments
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["short_name"] == "区城管执法局")
    );
}

#[tokio::test]
async fn premises_by_id_children_and_prefix() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("admin").await;
    let compound = api
        .send("GET", "/api/v1/premises/1", Some(&token), None)
        .await;
    assert_eq!(compound.status, StatusCode::OK);
    assert_eq!(compound.body["kind"], "compound");
    assert!(compound.body["children"].as_i64().unwrap() >= 1);
    assert!(!compound.body["aliases"].as_array().unwrap().is_empty());
    let address = compound.body["standard_address"]
        .as_str()
        .unwrap()
        .to_owned();

    let children = api
        .send("GET", "/api/v1/premises/1/children", Some(&token), None)
        .await;
    let children = children.body.as_array().unwrap();
    assert!(
        children
            .iter()
            .all(|c| c["parent_id"] == 1 && c["kind"] == "building")
    );
    assert!(children.iter().all(|c| {
        c["standard_address"]
            .as_str()
            .unwrap()
            .starts_with(&address)
    }));

    let uri = format!("/api/v1/premises?prefix={}&limit=5", urlencode(&address));
    let found = api.send("GET", &uri, Some(&token), None).await;
    let found = found.body.as_array().unwrap();
    assert_eq!(found.len(), 5);
    assert!(found.iter().all(|p| {
        p["standard_address"]
            .as_str()
            .unwrap()
            .starts_with(&address)
    }));
    assert_problem(
        &api.send("GET", "/api/v1/premises/999999999", Some(&token), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_problem(
        &api.send("GET", "/api/v1/premises/abc", Some(&token), None)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_problem(
        &api.send("GET", "/api/v1/premises?prefix=上", Some(&token), None)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn admins_create_accounts_and_every_write_is_audited() {
    let api = Api::new(Backend::Sqlite).await;
    let admin = api.login("admin").await;
    let created = api
        .send(
            "POST",
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"username": "wang.handler", "password": "s3cret-pass", "roles": ["department_handler"], "org_code": "XH-CGJ"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["roles"], json!(["department_handler"]));
    assert!(created.body.get("password_hash").is_none());

    let again = api
        .send("POST", "/api/v1/accounts", Some(&admin), Some(json!({"username": "wang.handler", "password": "s3cret-pass", "roles": ["citizen"]})))
        .await;
    assert_problem(&again, StatusCode::CONFLICT, "conflict");
    let bad_role = api
        .send(
            "POST",
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"username": "li.si", "password": "s3cret-pass", "roles": ["mayor"]})),
        )
        .await;
    assert_problem(&bad_role, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(bad_role.body["detail"].as_str().unwrap().contains("mayor"));
    let short = api
        .send(
            "POST",
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"username": "li.si", "password": "short", "roles": ["citizen"]})),
        )
        .await;
    assert_problem(&short, StatusCode::BAD_REQUEST, "invalid_request");

    let new_login = api
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "wang.handler", "password": "s3cret-pass"})),
        )
        .await;
    assert_eq!(new_login.status, StatusCode::OK);

    let audit = api
        .send("GET", "/api/v1/audit?limit=50", Some(&admin), None)
        .await;
    assert_eq!(audit.body["chain_verified"], true);
    let actions: Vec<&str> = audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"account.create"));
    assert!(actions.contains(&"auth.login"));
    let create = audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "account.create" && e["entity_id"] == "wang.handler")
        .unwrap();
    assert_eq!(create["actor"], "admin");
}

#[tokio::test]
async fn malformed_requests_get_problems_that_explain() {
    let api = Api::new(Backend::Sqlite).await;
    let not_json = api
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!("just a string")),
        )
        .await;
    assert_problem(&not_json, StatusCode::BAD_REQUEST, "invalid_json");
    let missing = api
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin"})),
        )
        .await;
    assert_problem(&missing, StatusCode::BAD_REQUEST, "invalid_json");
    assert!(
        missing.body["detail"]
            .as_str()
            .unwrap()
            .contains("password")
    );
    assert_problem(
        &api.send("GET", "/api/v1/nothing-here", None, None).await,
        StatusCode::NOT_FOUND,
        "route_not_found",
    );
    assert_problem(
        &api.send("DELETE", "/healthz", None, None).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn openapi_document_and_swagger_ui_are_served() {
    let api = Api::new(Backend::Sqlite).await;
    let doc = api.send("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/stats",
        "/api/v1/auth/login",
        "/api/v1/grids",
        "/api/v1/premises/{id}",
        "/api/v1/departments",
        "/api/v1/address/parse",
        "/api/v1/address/match",
    ] {
        assert!(
            doc.body["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(
        doc.body["info"]["description"]
            .as_str()
            .unwrap()
            .contains("`permission_denied`")
    );
    let ui = api.send("GET", "/api/v1/docs/", None, None).await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.body.as_str().unwrap().contains("swagger"));
}

#[tokio::test]
async fn locate_gives_one_cell_per_level_and_nearby_buildings() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("intake_operator").await;
    let building = api.first_building().await;
    let (lon, lat) = (building.lon.unwrap(), building.lat.unwrap());
    let uri = format!("/api/v1/locate?lon={lon}&lat={lat}");
    let located = api.send("GET", &uri, Some(&token), None).await;
    assert_eq!(located.status, StatusCode::OK, "{}", located.body);
    assert_eq!(
        located.body["building_group"]["code"],
        building.grid_code.clone().unwrap()
    );
    assert_eq!(located.body["community"]["code"], building.community_code);
    assert_eq!(located.body["street"]["code"], building.street_code);
    assert!(
        located.body["area"]["code"]
            .as_str()
            .unwrap()
            .starts_with(&building.street_code)
    );
    let staff = located.body["staff"].as_array().unwrap();
    let roles: Vec<&str> = staff.iter().map(|s| s["role"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        ["building_group_leader", "grid_worker", "grid_leader"]
    );
    assert!(
        staff
            .iter()
            .all(|s| s["phone"].as_str().unwrap().contains("****")),
        "phones are masked"
    );
    assert!(
        staff
            .iter()
            .all(|s| !s["name"].as_str().unwrap().contains('*')),
        "staff see names"
    );
    let near = located.body["nearest_premises"].as_array().unwrap();
    assert_eq!(near[0]["premises_id"], building.id);
    assert_eq!(near[0]["distance_m"], 0.0);

    // The same place given in GCJ-02 (as Chinese map apps report it) finds the same chain, and the
    // nearby buildings come back in GCJ-02.
    let (glon, glat) = yiwang_geo::wgs84_to_gcj02(lon, lat);
    let gcj = api
        .send(
            "GET",
            &format!("/api/v1/locate?lon={glon}&lat={glat}&crs=gcj02"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(gcj.body["building_group"], located.body["building_group"]);
    let back_lon = gcj.body["nearest_premises"][0]["lon"].as_f64().unwrap();
    assert!((back_lon - glon).abs() < 1e-6, "{back_lon} vs {glon}");

    let outside = api
        .send(
            "GET",
            "/api/v1/locate?lon=121.49&lat=31.24",
            Some(&token),
            None,
        )
        .await;
    assert_problem(&outside, StatusCode::NOT_FOUND, "outside_district");
    let bad_crs = api
        .send(
            "GET",
            &format!("/api/v1/locate?lon={lon}&lat={lat}&crs=utm"),
            Some(&token),
            None,
        )
        .await;
    assert_problem(&bad_crs, StatusCode::BAD_REQUEST, "invalid_query");
    assert!(bad_crs.body["detail"].as_str().unwrap().contains("gcj02"));
    let missing = api
        .send("GET", "/api/v1/locate?lon=121.4", Some(&token), None)
        .await;
    assert_problem(&missing, StatusCode::BAD_REQUEST, "invalid_query");
}

#[tokio::test]
async fn grid_check_over_http() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("admin").await;
    let report = api
        .send(
            "GET",
            "/api/v1/grids/check?level=community",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(report.body["levels"], json!(["community"]));
    assert_eq!(report.body["problems"], json!([]));
    assert_eq!(report.body["parents_checked"], 64);
    let bad = api
        .send("GET", "/api/v1/grids/check?level=ward", Some(&token), None)
        .await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_query");
}

#[tokio::test]
async fn vector_tiles_with_etags_and_permissions() {
    let api = Api::new(Backend::Sqlite).await;
    let admin = api.login("admin").await;
    let tile = yiwang_geo::tile::TileId::containing(121.44, 31.18, 12).unwrap();
    let path = format!("/tiles/streets/{}/{}/{}.mvt", tile.z(), tile.x(), tile.y());
    let request = |etag: Option<&str>| {
        let mut r = Request::get(&path).header(header::AUTHORIZATION, format!("Bearer {admin}"));
        if let Some(etag) = etag {
            r = r.header(header::IF_NONE_MATCH, etag);
        }
        r.body(Body::empty()).unwrap()
    };
    let response = app(api.state.clone()).oneshot(request(None)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/vnd.mapbox-vector-tile"
    );
    assert!(
        response.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        body.len() > 100,
        "a z12 tile over Xuhui holds street polygons"
    );
    assert!(
        body.windows(7).any(|w| w == b"streets"),
        "layer name inside the tile"
    );
    let again = app(api.state.clone())
        .oneshot(request(Some(&etag)))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let citizen = api.login("citizen").await;
    let cases = api
        .send(
            "GET",
            &format!("/tiles/cases/{}/{}/{}.mvt", tile.z(), tile.x(), tile.y()),
            Some(&citizen),
            None,
        )
        .await;
    assert_problem(&cases, StatusCode::FORBIDDEN, "permission_denied");
    for bad in [
        "/tiles/rivers/12/3429/1674.mvt",
        "/tiles/streets/12/3429/1674.png",
        "/tiles/streets/12/99999/1674.mvt",
        "/tiles/streets/x/1/1.mvt",
    ] {
        assert_problem(
            &api.send("GET", bad, Some(&admin), None).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        );
    }
}

#[tokio::test]
async fn coordinates_come_in_the_requested_crs() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("admin").await;
    let building = api.first_building().await;
    let wgs = api
        .send(
            "GET",
            &format!("/api/v1/premises/{}", building.id),
            Some(&token),
            None,
        )
        .await;
    let gcj = api
        .send(
            "GET",
            &format!("/api/v1/premises/{}?crs=gcj02", building.id),
            Some(&token),
            None,
        )
        .await;
    let (x, y) = yiwang_geo::wgs84_to_gcj02(building.lon.unwrap(), building.lat.unwrap());
    assert!((wgs.body["lon"].as_f64().unwrap() - building.lon.unwrap()).abs() < 1e-9);
    assert!(
        (gcj.body["lon"].as_f64().unwrap() - x).abs() < 1e-7
            && (gcj.body["lat"].as_f64().unwrap() - y).abs() < 1e-7
    );
    let street = api
        .send(
            "GET",
            "/api/v1/grids/310104003?crs=bd09",
            Some(&token),
            None,
        )
        .await;
    let plain = api
        .send("GET", "/api/v1/grids/310104003", Some(&token), None)
        .await;
    let first = |v: &Value| v["geometry"]["coordinates"][0][0][0].clone();
    assert_ne!(first(&street.body), first(&plain.body));
    let (bx, _) = yiwang_geo::convert(
        first(&plain.body)[0].as_f64().unwrap(),
        first(&plain.body)[1].as_f64().unwrap(),
        yiwang_geo::Crs::Wgs84,
        yiwang_geo::Crs::Bd09,
    );
    assert!((first(&street.body)[0].as_f64().unwrap() - bx).abs() < 1e-6);
    assert_problem(
        &api.send(
            "GET",
            "/api/v1/grids?level=street&crs=mercator",
            Some(&token),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
}

#[tokio::test]
async fn addresses_are_parsed_singly_and_in_batches() {
    let api = Api::new(Backend::Sqlite).await;
    let token = api.login("citizen").await;
    let one = api
        .send(
            "POST",
            "/api/v1/address/parse",
            Some(&token),
            Some(json!({"address": "漕溪北路88号12层1203室"})),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(
        one.body["district_code"], "310104",
        "inferred from the road"
    );
    let labels: Vec<&str> = one.body["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["road", "door", "floor", "room"]);
    assert_eq!(one.body["components"][0]["text"], "漕溪北路");
    assert_eq!(
        (
            one.body["components"][0]["start"].as_u64(),
            one.body["components"][0]["end"].as_u64()
        ),
        (Some(0), Some(4))
    );

    let batch = api
        .send("POST", "/api/v1/address/parse", Some(&token), Some(json!({"addresses": ["宛平南路500弄9号660室", "北京市海淀区中关村大街27号"], "scheme": "ccks"})))
        .await;
    let results = batch.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results[0]["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["label"] == "roadno" && c["text"] == "500弄")
    );
    assert_eq!(results[1]["district"], "海淀区");

    let too_many = vec!["徐汇区"; 10_001];
    let big = api
        .send(
            "POST",
            "/api/v1/address/parse",
            Some(&token),
            Some(json!({"addresses": too_many})),
        )
        .await;
    assert_problem(&big, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let neither = api
        .send(
            "POST",
            "/api/v1/address/parse",
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_problem(&neither, StatusCode::BAD_REQUEST, "invalid_request");
}

both_backends!(
    addresses_are_matched_to_premises_singly_and_in_batches,
    |db: TestDb| async move {
        let api = Api::from_db(db).await;
        let token = api.login("intake_operator").await;
        // A residential building with rooms, as a caller says it.
        let building = api
            .db
            .store
            .buildings_with_points()
            .await
            .unwrap()
            .into_iter()
            .find(|b| b.parent_id.is_some())
            .unwrap();
        let spoken = building.standard_address.trim_start_matches("上海市徐汇区");
        let one = api
            .send(
                "POST",
                "/api/v1/address/match",
                Some(&token),
                Some(json!({"address": spoken})),
            )
            .await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.body);
        assert_eq!(one.body["input"], spoken);
        let best = &one.body["candidates"][0];
        assert_eq!(best["premises_id"], building.id);
        assert_eq!(best["standard_address"], building.standard_address.as_str());
        assert_eq!(best["level"], "building");
        assert_eq!(best["score"], 1.0);

        // A room that does not exist: the building, never a room, with the reason.
        let room = api
            .send(
                "POST",
                "/api/v1/address/match",
                Some(&token),
                Some(json!({"addresses": [format!("{spoken}9999室"), "北京市海淀区中关村大街27号"], "limit": 1})),
            )
            .await;
        assert_eq!(room.status, StatusCode::OK, "{}", room.body);
        let results = room.body["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        let best = &results[0]["candidates"][0];
        assert_eq!(best["premises_id"], building.id);
        assert_eq!(best["level"], "building");
        assert!(
            best["reasons"].to_string().contains("9999室 not found"),
            "{best}"
        );
        assert_eq!(results[0]["candidates"].as_array().unwrap().len(), 1);
        assert_eq!(results[1]["candidates"][0]["level"], "district");
        assert_eq!(results[1]["candidates"][0]["premises_id"], Value::Null);

        let too_many = vec!["徐汇区"; 10_001];
        let big = api
            .send(
                "POST",
                "/api/v1/address/match",
                Some(&token),
                Some(json!({"addresses": too_many})),
            )
            .await;
        assert_problem(&big, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
        let bad_limit = api
            .send(
                "POST",
                "/api/v1/address/match",
                Some(&token),
                Some(json!({"address": spoken, "limit": 0})),
            )
            .await;
        assert_problem(&bad_limit, StatusCode::BAD_REQUEST, "invalid_request");
        let citizen = api.login("citizen").await;
        let denied = api
            .send(
                "POST",
                "/api/v1/address/match",
                Some(&citizen),
                Some(json!({"address": spoken})),
            )
            .await;
        assert_problem(&denied, StatusCode::FORBIDDEN, "permission_denied");
    }
);

#[tokio::test]
async fn citizens_locating_a_point_see_no_premises_and_masked_staff() {
    let api = Api::new(Backend::Sqlite).await;
    let citizen = api.login("citizen").await;
    let building = api.first_building().await;
    let uri = format!(
        "/api/v1/locate?lon={}&lat={}",
        building.lon.unwrap(),
        building.lat.unwrap()
    );
    let located = api.send("GET", &uri, Some(&citizen), None).await;
    assert_eq!(located.status, StatusCode::OK);
    assert_eq!(located.body["nearest_premises"], json!([]));
    assert!(
        located.body["staff"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["name"].as_str().unwrap().contains('*'))
    );
    let check = api
        .send(
            "GET",
            "/api/v1/grids/check?level=community",
            Some(&citizen),
            None,
        )
        .await;
    assert_problem(&check, StatusCode::FORBIDDEN, "permission_denied");
}

/// The embedded console: `/` is revalidated and locked to this server by its CSP; hashed assets
/// are cached for a year with their content types; a missing asset is a problem+json 404.
#[tokio::test]
async fn the_console_is_served_from_the_binary() {
    let api = Api::new(Backend::Sqlite).await;
    let get = |uri: &str| {
        let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
        app(api.state.clone()).oneshot(request)
    };
    let index = get("/").await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    let headers = index.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    let html = String::from_utf8(
        index
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(html.contains("<title>一网 yiwang</title>"), "{html}");
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("index.html loads a script");
    assert!(script.starts_with("/assets/"), "{script}");

    let asset = get(script).await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        asset.headers()[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        asset.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );

    // Browsers that accept gzip get the precompressed copy.
    let request = Request::builder()
        .uri(script)
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .unwrap();
    let zipped = app(api.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(zipped.headers()[header::VARY], "accept-encoding");
    let gz = zipped.into_body().collect().await.unwrap().to_bytes();
    let plain = asset.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(gz.len() < plain.len());

    let missing = get("/assets/nothing-here.js").await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

#[tokio::test]
async fn boundaries_import_over_http_and_the_map_follows_at_once() {
    let api = Api::new(Backend::Sqlite).await;
    let admin = api.login("admin").await;
    let building = api.first_building().await;
    let locate = format!(
        "/api/v1/locate?lon={}&lat={}",
        building.lon.unwrap(),
        building.lat.unwrap()
    );
    let before = api.send("GET", &locate, Some(&admin), None).await;
    let street = before.body["street"]["code"].as_str().unwrap().to_owned();
    let old_name = before.body["street"]["name"].as_str().unwrap().to_owned();
    let cell = api
        .send(
            "GET",
            &format!("/api/v1/grids/{street}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(cell.status, StatusCode::OK, "{}", cell.body);
    let renamed = format!("{old_name}（新界）");
    let collection = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": {"code": street, "name": renamed},
        "geometry": cell.body["geometry"],
    }]});
    let uri = "/api/v1/grids/boundaries?level=street&file_name=streets-2026.geojson";

    // Checked only: nothing changes.
    let dry = api
        .send(
            "POST",
            &format!("{uri}&dry_run=true"),
            Some(&admin),
            Some(collection.clone()),
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(
        (&dry.body["changed"], &dry.body["written"]),
        (&json!(1), &json!(false))
    );
    let same = api.send("GET", &locate, Some(&admin), None).await;
    assert_eq!(same.body["street"]["name"], json!(old_name));

    // Written: the point now lies in the renamed street, without a restart; the old version is
    // kept.
    let done = api
        .send("POST", uri, Some(&admin), Some(collection.clone()))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // The street, and the lower cells re-derived inside it (the polygon came back through the
    // API, rounded, so their clipped shapes move a little).
    assert_eq!(
        (&done.body["written"], &done.body["changed"]),
        (&json!(true), &json!(1))
    );
    assert!(
        done.body["replaced"].as_i64().unwrap() >= 1,
        "{}",
        done.body
    );
    let after = api.send("GET", &locate, Some(&admin), None).await;
    assert_eq!(after.body["street"]["name"], json!(renamed));
    let history = api
        .send(
            "GET",
            &format!("/api/v1/grids/{street}/history"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        history.body.as_array().unwrap().len(),
        1,
        "{}",
        history.body
    );

    // A self-intersecting polygon is refused with its reason; the rest of the file goes on.
    let bowtie = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": {"code": street, "name": "蝴蝶"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [121.40, 31.15], [121.45, 31.20], [121.45, 31.15], [121.40, 31.20], [121.40, 31.15]
        ]]},
    }]});
    let refused = api.send("POST", uri, Some(&admin), Some(bowtie)).await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
    assert_eq!(refused.body["rejected"][0]["feature"], 1);
    assert!(
        !refused.body["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert_eq!(refused.body["written"], false);

    let operator = api.login("intake_operator").await;
    let r = api
        .send("POST", uri, Some(&operator), Some(collection.clone()))
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "permission_denied");
    let r = api
        .send(
            "POST",
            "/api/v1/grids/boundaries?level=ward",
            Some(&admin),
            Some(collection),
        )
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_query");
    let r = api
        .send("POST", uri, Some(&admin), Some(json!({"type": "Feature"})))
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "invalid_request");

    // Written elsewhere (the CLI, another server): the next refresh rebuilds the map, and only
    // then.
    let store = &api.state.store;
    assert!(!api.state.grid_maps.refresh(store).await.unwrap());
    let mut grid = store.grid(&street).await.unwrap().unwrap();
    grid.name = "外部改名".to_owned();
    store
        .apply_grid_changes(&[grid], &[], "cli.geojson", "cli")
        .await
        .unwrap();
    assert!(api.state.grid_maps.refresh(store).await.unwrap());
    let after = api.send("GET", &locate, Some(&admin), None).await;
    assert_eq!(after.body["street"]["name"], "外部改名");
}
