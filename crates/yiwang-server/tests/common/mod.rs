//! Shared fixture of the in-process API tests: a small generated twin, accounts for every
//! role the tests need, and a client that sends requests to `app(state)` without a port.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use yiwang_core::role::Role;
use yiwang_server::{AppState, app};
use yiwang_store::testing::TestDb;
use yiwang_store::{Backend, NewAccount, Store};

pub const PASSWORD: &str = "correct horse battery";

pub async fn load_twin(store: &Store) {
    let twin = yiwang_twin::generate(
        &yiwang_twin::TwinConfig {
            scale: 0.003,
            seed: 7,
            boundaries: None,
        },
        &mut |_| {},
    )
    .expect("twin");
    let mut bulk = store.bulk().await.unwrap();
    bulk.divisions(&twin.divisions).await.unwrap();
    bulk.grids(&twin.grids).await.unwrap();
    bulk.roads(&twin.roads).await.unwrap();
    bulk.staff(&twin.staff).await.unwrap();
    bulk.departments(&twin.departments).await.unwrap();
    bulk.premises(&twin.premises).await.unwrap();
    bulk.aliases(&twin.aliases).await.unwrap();
    bulk.persons(&twin.persons, &yiwang_store::testing::vault())
        .await
        .unwrap();
    bulk.housing(&twin.housing).await.unwrap();
    bulk.link_housing_owners().await.unwrap();
    bulk.units(&twin.units).await.unwrap();
    bulk.cases(&twin.cases).await.unwrap();
    bulk.commit().await.unwrap();
}

pub struct Api {
    pub db: TestDb,
    pub state: AppState,
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

impl Api {
    /// The twin's first building that has a point.
    pub async fn first_building(&self) -> yiwang_core::model::Premises {
        self.db
            .store
            .buildings_with_points()
            .await
            .unwrap()
            .into_iter()
            .next()
            .expect("the twin has buildings with a point")
    }

    pub async fn new(backend: Backend) -> Api {
        Api::from_db(TestDb::new(backend).await).await
    }

    pub async fn from_db(db: TestDb) -> Api {
        load_twin(&db.store).await;
        let hash = yiwang_server::auth::hash_password(PASSWORD).unwrap();
        let accounts = [
            (Role::Admin.as_str(), Role::Admin, None),
            (Role::Citizen.as_str(), Role::Citizen, None),
            (Role::IntakeOperator.as_str(), Role::IntakeOperator, None),
            (Role::ShiftLeader.as_str(), Role::ShiftLeader, None),
            (Role::Dispatcher.as_str(), Role::Dispatcher, None),
            (Role::GridWorker.as_str(), Role::GridWorker, None),
            (Role::DistrictCdo.as_str(), Role::DistrictCdo, None),
            (Role::PropertyManager.as_str(), Role::PropertyManager, None),
            (Role::DataSpecialist.as_str(), Role::DataSpecialist, None),
            (Role::ApprovalOfficer.as_str(), Role::ApprovalOfficer, None),
            // 区绿化市容局 and 区城管执法局 case handlers.
            ("handler_lrj", Role::DepartmentHandler, Some("XH-LRJ")),
            ("handler_cgj", Role::DepartmentHandler, Some("XH-CGJ")),
        ];
        for (username, role, org) in accounts {
            db.store
                .create_account(
                    &NewAccount {
                        username: username.into(),
                        display_name: role.name_zh().into(),
                        password_hash: hash.clone(),
                        org_code: org.map(Into::into),
                        roles: vec![role],
                    },
                    "system",
                )
                .await
                .unwrap();
        }
        let state = AppState::load(db.store.clone(), yiwang_store::testing::vault())
            .await
            .unwrap();
        Api { db, state }
    }

    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        self.send_with(method, uri, token, &[], body).await
    }

    pub async fn send_with(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            content_type,
            body,
        }
    }

    pub async fn login(&self, username: &str) -> String {
        let reply = self
            .send(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({ "username": username, "password": PASSWORD })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["token"].as_str().unwrap().to_owned()
    }
}

#[track_caller]
pub fn assert_problem(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.body["code"], code, "{}", reply.body);
    assert_eq!(reply.body["status"], status.as_u16());
    assert!(
        !reply.body["detail"].as_str().unwrap_or("").is_empty(),
        "detail must explain: {}",
        reply.body
    );
}

/// A reply kept as text (XML, or JSON checked as written).
pub struct RawReply {
    pub status: StatusCode,
    pub content_type: String,
    pub text: String,
}

impl RawReply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }
}

impl Api {
    /// Sends `body` with its content type as given, and answers the body as text.
    pub async fn raw(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> RawReply {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match body {
            Some((content_type, body)) => request
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body)),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        RawReply {
            status,
            content_type,
            text: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }
}

/// A reply kept as bytes (workbooks).
pub struct BytesReply {
    pub status: StatusCode,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Api {
    /// Sends a file body (`content_type`) with a bearer token and further headers.
    pub async fn upload(
        &self,
        uri: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> BytesReply {
        let mut request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = app(self.state.clone())
            .oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        BytesReply {
            status,
            content_type,
            bytes: bytes.to_vec(),
        }
    }
}

impl BytesReply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.bytes)))
    }
}
