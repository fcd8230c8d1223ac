//! Open311 GeoReport v2 under `/open311/v2`: discovery, services and their definitions, requests
//! (create, query, one) and tokens, in JSON and XML (the path suffix decides).
//!
//! Reads are public unless the jurisdiction switches them off ([`crate::Open311Config`]), so
//! they show no reporter and mask numbers written into the text. Creating a request needs an
//! `api_key`: a key issued to an account (`POST /api/v1/accounts/{id}/api-keys`, `yiwang
//! accounts api-key`) or a login token; the case is recorded under that account, source
//! `citizen`. Handlers only translate: the vocabulary is in [`vocab`], the formats in
//! [`render`], the rules in `yiwang-core` and the desk.

pub(crate) mod render;
pub(crate) mod vocab;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use yiwang_core::model::CaseSource;
use yiwang_core::normalize_phone;
use yiwang_store::{AccountRecord, CaseQuery, Intake};

use self::render::{ErrorItem, Format, Open311Error, document};
use crate::AppState;
use crate::auth::token_hash;
use crate::desk::IntakeRequest;

/// Longest description accepted (the spec's limit).
const MAX_DESCRIPTION: usize = 4000;
/// Widest `start_date`–`end_date` window.
const MAX_WINDOW_DAYS: i64 = 90;
/// Most requests answered at once (and the default page size).
const MAX_ROWS: i64 = 1000;
/// Sortable stamp of the service list: bump it when the category catalogue changes, so clients
/// re-read services and definitions.
const CHANGESET: &str = "2026-11-27T00:00:00+08:00";
/// The specification the endpoints follow.
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

type Params = Vec<(String, String)>;
type Answer = Result<Response, Open311Error>;

/// The first non-empty value of `name` (the spec: an empty argument is an absent one).
fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .find(|v| !v.is_empty())
}

fn parse_params(raw: &[u8]) -> Result<Params, Open311Error> {
    serde_urlencoded::from_bytes(raw)
        .map_err(|e| Open311Error::bad(format!("the arguments are not URL-encoded: {e}")))
}

fn split(file: &str) -> Result<(&str, Format), Open311Error> {
    Format::split(file).ok_or_else(|| {
        Open311Error::not_found(format!(
            "no Open311 resource `{file}`: paths end in `.json` or `.xml`"
        ))
    })
}

/// Refuses a `jurisdiction_id` other than ours (404); none is fine, we serve one.
fn check_jurisdiction(state: &AppState, params: &Params) -> Result<(), Open311Error> {
    match param(params, "jurisdiction_id") {
        Some(j) if j != state.open311.jurisdiction_id => Err(Open311Error::not_found(format!(
            "unknown jurisdiction_id `{j}`; this server answers for `{}`",
            state.open311.jurisdiction_id
        ))),
        _ => Ok(()),
    }
}

/// The enabled account a key acts as: an API key issued to it, or a live login token.
async fn account_for_key(
    state: &AppState,
    key: &str,
) -> Result<Option<AccountRecord>, Open311Error> {
    let hash = token_hash(key);
    if let Some(account) = state.store.account_by_api_key(&hash).await? {
        return Ok(Some(account));
    }
    Ok(state
        .store
        .session(&hash, Utc::now())
        .await?
        .map(|s| s.account))
}

/// Reads are open to anyone unless the jurisdiction switched public reads off; then they need
/// an `api_key` argument or an `Authorization: Bearer` token (403 otherwise).
async fn check_read(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<(), Open311Error> {
    if state.open311.public_reads {
        return Ok(());
    }
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(key) = param(params, "api_key").or(bearer) else {
        return Err(Open311Error::forbidden(
            "public reads are switched off in this jurisdiction: send `api_key` (or `Authorization: Bearer`)",
        ));
    };
    match account_for_key(state, key).await? {
        Some(_) => Ok(()),
        None => Err(Open311Error::forbidden(
            "the api_key is unknown or revoked, or its account is disabled",
        )),
    }
}

/// The base URL clients reach us at, from the `Host` header.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}/open311/v2")
}

fn ok(format: Format, root: &str, value: &impl Serialize) -> Answer {
    let value = serde_json::to_value(value).map_err(|e| {
        tracing::error!(error = %e, "open311 answer not serialisable");
        Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    })?;
    Ok(document(format, StatusCode::OK, root, &value))
}

fn finish(answer: Answer, format: Format) -> Response {
    match answer {
        Ok(response) => response,
        Err(e) => e.in_format(format).into_response(),
    }
}

/// `GET /open311/v2/{discovery|services|requests}.{format}`.
pub(crate) async fn root_get(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (stem, format) = match split(&file) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let answer = async {
        let params = parse_params(query.unwrap_or_default().as_bytes())?;
        check_jurisdiction(&state, &params)?;
        match stem {
            "discovery" => discovery(&headers, format),
            "services" => services(&state, &headers, &params, format).await,
            "requests" => list_requests(&state, &headers, &params, format).await,
            _ => Err(Open311Error::not_found(format!(
                "no Open311 resource `{stem}`"
            ))),
        }
    }
    .await;
    finish(answer, format)
}

/// `POST /open311/v2/requests.{format}`.
pub(crate) async fn root_post(
    State(state): State<AppState>,
    Path(file): Path<String>,
    body: Bytes,
) -> Response {
    let (stem, format) = match split(&file) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let answer = async {
        if stem != "requests" {
            return Err(Open311Error::not_found(format!(
                "`{stem}` cannot be posted to; POST requests.{{json,xml}}"
            )));
        }
        let params = parse_params(&body)?;
        check_jurisdiction(&state, &params)?;
        create_request(&state, &params, format).await
    }
    .await;
    finish(answer, format)
}

/// `GET /open311/v2/services/{code}.{format}`.
pub(crate) async fn service_get(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (code, format) = match split(&file) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let answer = async {
        let params = parse_params(query.unwrap_or_default().as_bytes())?;
        check_jurisdiction(&state, &params)?;
        service_definition(&state, &headers, &params, code, format).await
    }
    .await;
    finish(answer, format)
}

/// `GET /open311/v2/requests/{id}.{format}`.
pub(crate) async fn request_get(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (id, format) = match split(&file) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let answer = async {
        let params = parse_params(query.unwrap_or_default().as_bytes())?;
        check_jurisdiction(&state, &params)?;
        one_request(&state, &headers, &params, id, format).await
    }
    .await;
    finish(answer, format)
}

/// `GET /open311/v2/tokens/{token}.{format}`.
pub(crate) async fn token_get(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (name, format) = match split(&file) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let answer = async {
        let params = parse_params(query.unwrap_or_default().as_bytes())?;
        check_jurisdiction(&state, &params)?;
        token(name)
    }
    .await;
    finish(answer, format)
}

/// The discovery document.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Discovery {
    changeset: String,
    contact: String,
    key_service: String,
    endpoints: Vec<DiscoveryEndpoint>,
}

/// One endpoint of the discovery document.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DiscoveryEndpoint {
    specification: String,
    url: String,
    changeset: String,
    #[serde(rename = "type")]
    kind: String,
    formats: Vec<String>,
}

/// The answer to a created request.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Created {
    service_request_id: String,
    service_notice: Option<String>,
    account_id: Option<String>,
}

/// A request to create, as form fields (`application/x-www-form-urlencoded`); attributes of the
/// service definition come as `attribute[CODE]=value` (e.g. `attribute[condition]=1`).
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct NewRequestForm {
    /// An API key issued to an account, or a login token.
    api_key: String,
    /// Our jurisdiction (optional).
    jurisdiction_id: Option<String>,
    /// A code from `GET /services`, e.g. `event-0102`.
    service_code: String,
    /// WGS-84 latitude; with `long`. One of lat+long, address_string or address_id is needed.
    lat: Option<f64>,
    /// WGS-84 longitude.
    long: Option<f64>,
    /// The address as written; matched to the premises registry.
    address_string: Option<String>,
    /// A premises id of the registry.
    address_id: Option<String>,
    /// What is wrong, at most 4000 characters.
    description: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    /// Mainland mobile or landline.
    phone: Option<String>,
    email: Option<String>,
    device_id: Option<String>,
    account_id: Option<String>,
    media_url: Option<String>,
}

/// Where this Open311 service is and what it speaks.
#[utoipa::path(get, path = "/open311/v2/discovery.{format}", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`")),
    responses((status = 200, body = Discovery, description = "JSON object or `<discovery>`")))]
pub(crate) fn discovery(headers: &HeaderMap, format: Format) -> Answer {
    ok(
        format,
        "discovery",
        &Discovery {
            changeset: CHANGESET.to_owned(),
            contact: "12345 市民服务热线; yiwang district platform administrators".to_owned(),
            key_service: "an administrator issues API keys: POST /api/v1/accounts/{id}/api-keys or `yiwang accounts api-key USERNAME`".to_owned(),
            endpoints: vec![DiscoveryEndpoint {
                specification: SPECIFICATION.to_owned(),
                url: base_url(headers),
                changeset: CHANGESET.to_owned(),
                kind: "production".to_owned(),
                formats: vec!["application/json".to_owned(), "text/xml".to_owned()],
            }],
        },
    )
}

/// Every service: one per GB/T 30428 subclass, coded `{kind}-{subclass}`.
#[utoipa::path(get, path = "/open311/v2/services.{format}", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`"),
        ("jurisdiction_id" = Option<String>, Query, description = "ours, or nothing")),
    responses((status = 200, body = [vocab::Service], description = "bare JSON array or `<services>`"),
        (status = 403, body = [ErrorItem], description = "public reads are off and no valid key was sent"),
        (status = 404, body = [ErrorItem], description = "unknown jurisdiction")))]
pub(crate) async fn services(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    format: Format,
) -> Answer {
    check_read(state, headers, params).await?;
    ok(
        format,
        "services",
        &vocab::services(state.desk.classifier.categories()),
    )
}

/// A service's definition: its attributes (the filing condition to choose when a subclass has
/// several, and the time limits as information).
#[utoipa::path(get, path = "/open311/v2/services/{service_code}.{format}", tag = "open311",
    params(("service_code" = String, Path, description = "e.g. `event-0102`"),
        ("format" = String, Path, description = "`json` or `xml`"),
        ("jurisdiction_id" = Option<String>, Query, description = "ours, or nothing")),
    responses((status = 200, body = vocab::Definition, description = "JSON object or `<service_definition>`"),
        (status = 404, body = [ErrorItem], description = "unknown service code or jurisdiction")))]
pub(crate) async fn service_definition(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    code: &str,
    format: Format,
) -> Answer {
    check_read(state, headers, params).await?;
    let definition = vocab::definition(state.desk.classifier.categories(), code)
        .ok_or_else(|| unknown_service(code))?;
    ok(format, "service_definition", &definition)
}

fn unknown_service(code: &str) -> Open311Error {
    Open311Error::not_found(format!("unknown service_code `{code}`; see services.json"))
}

fn parse_coordinate(params: &Params, name: &str, range: f64) -> Result<Option<f64>, Open311Error> {
    match param(params, name) {
        None => Ok(None),
        Some(v) => match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x.abs() <= range => Ok(Some(x)),
            _ => Err(Open311Error::bad(format!(
                "`{name}` must be a WGS-84 coordinate within ±{range}"
            ))),
        },
    }
}

/// Creates a request: a citizen case under the key's account, located by point, address or
/// premises id, enriched and committed like any intake.
#[utoipa::path(post, path = "/open311/v2/requests.{format}", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`")),
    request_body(content = NewRequestForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = [Created], description = "a one-element list: the new request's id"),
        (status = 400, body = [ErrorItem], description = "a missing location, a description over 4000 characters, an invalid argument"),
        (status = 403, body = [ErrorItem], description = "api_key missing or unknown"),
        (status = 404, body = [ErrorItem], description = "unknown service code or jurisdiction")))]
pub(crate) async fn create_request(state: &AppState, params: &Params, format: Format) -> Answer {
    let Some(key) = param(params, "api_key") else {
        return Err(Open311Error::forbidden(
            "`api_key` is required to create requests; an administrator issues one",
        ));
    };
    let account = account_for_key(state, key).await?.ok_or_else(|| {
        Open311Error::forbidden("the api_key is unknown or revoked, or its account is disabled")
    })?;
    let code = param(params, "service_code")
        .ok_or_else(|| Open311Error::bad("`service_code` is required; see services.json"))?;
    let (kind, subclass) = vocab::parse_service_code(code).ok_or_else(|| unknown_service(code))?;
    let categories = state.desk.classifier.categories();
    let Some(category) = categories
        .iter()
        .find(|c| c.kind == kind && c.subclass_code == subclass)
    else {
        return Err(unknown_service(code));
    };
    let attributes: HashMap<&str, &str> = params
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("attribute[")?.strip_suffix(']')?;
            Some((name.trim_end_matches("]["), v.as_str()))
        })
        .collect();
    let condition = vocab::chosen_condition(
        categories,
        kind,
        &subclass,
        attributes.get(vocab::CONDITION_ATTRIBUTE).copied(),
    )
    .map_err(|allowed| {
        Open311Error::bad(if allowed.is_empty() {
            format!("service `{code}` has no attribute `condition`")
        } else {
            format!("attribute[condition] is one of {}", allowed.join(", "))
        })
    })?;
    let description = param(params, "description").unwrap_or("");
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(Open311Error::bad(format!(
            "`description` is longer than {MAX_DESCRIPTION} characters"
        )));
    }
    let text = if description.is_empty() {
        category.subclass_name.clone()
    } else {
        description.to_owned()
    };
    let lat = parse_coordinate(params, "lat", 90.0)?;
    let long = parse_coordinate(params, "long", 180.0)?;
    let point = match (lat, long) {
        (Some(lat), Some(long)) => Some((long, lat)),
        (None, None) => None,
        _ => return Err(Open311Error::bad("give both `lat` and `long`, or neither")),
    };
    let address_string = param(params, "address_string");
    let address_id = param(params, "address_id");
    if point.is_none() && address_string.is_none() && address_id.is_none() {
        return Err(Open311Error::bad(
            "a location is required: `lat` and `long`, `address_string` or `address_id`",
        ));
    }
    let matched = match (address_id, address_string) {
        (Some(id), _) => {
            let found = match id.parse::<i64>() {
                Ok(id) => state.premises_by_id(id).await?,
                Err(_) => None,
            };
            Some(found.ok_or_else(|| {
                Open311Error::bad(format!(
                    "`address_id` {id} is not a premises of the registry"
                ))
            })?)
        }
        (None, Some(address)) => state.resolve_address(address).await?,
        (None, None) => None,
    };
    let phone = match param(params, "phone") {
        Some(p) => {
            Some(normalize_phone(p).map_err(|e| Open311Error::bad(format!("`phone`: {e}")))?)
        }
        None => None,
    };
    let name = reporter_name(param(params, "first_name"), param(params, "last_name"));
    if let Some(url) = param(params, "media_url")
        && (!(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2048)
    {
        return Err(Open311Error::bad(
            "`media_url` must be an http(s) URL of at most 2048 characters",
        ));
    }
    let request = IntakeRequest {
        source: CaseSource::Citizen,
        text,
        address: matched
            .as_ref()
            .map(|m| m.standard_address.clone())
            .or(address_string.map(str::to_owned)),
        point,
        category: Some((kind, subclass)),
        filing_condition: condition,
        request_type: None,
        priority: None,
        reporter_name: name,
        reporter_phone: phone,
        reporter_account_id: Some(account.id),
        premises: matched.as_ref().map(|m| (m.premises_id, m.point)),
        // The spec's photo link, kept as the report's attachment.
        attachments: param(params, "media_url")
            .map(|url| serde_json::json!({ "name": url, "kind": "scene", "url": url }))
            .into_iter()
            .collect(),
    };
    let (intake, enrichment) = state
        .take_case(request, account.username.clone(), None)
        .await?;
    let case = match intake {
        Intake::Created(c) | Intake::Replayed(c) => c,
    };
    let notice = match enrichment.duplicate_of {
        Some((parent, _)) => {
            format!("重复诉求，已并入请求 {parent}（duplicate of request {parent}）")
        }
        None => match case.due_at {
            Some(due) => format!("已受理，将于 {} 前处理完毕", vocab::local_time(due)),
            None => "已受理".to_owned(),
        },
    };
    ok(
        format,
        "service_requests",
        &[Created {
            service_request_id: case.id.to_string(),
            service_notice: Some(notice),
            account_id: None,
        }],
    )
}

/// The reporter's name from Open311's first and last name: surname first for Chinese names.
fn reporter_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (Some(f), Some(l)) if !f.is_ascii() || !l.is_ascii() => Some(format!("{l}{f}")),
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

fn parse_time(params: &Params, name: &str) -> Result<Option<DateTime<Utc>>, Open311Error> {
    param(params, name)
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    Open311Error::bad(format!(
                        "`{name}` must be a W3C date-time with a zone, e.g. 2026-11-27T09:30:00+08:00"
                    ))
                })
        })
        .transpose()
}

fn parse_count(params: &Params, name: &str, max: i64) -> Result<Option<i64>, Open311Error> {
    param(params, name)
        .map(|v| match v.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Open311Error::bad(format!(
                "`{name}` is a whole number from 1 to {max}"
            ))),
        })
        .transpose()
}

/// The cases a `GET /requests` asks for.
fn request_query(params: &Params, now: DateTime<Utc>) -> Result<CaseQuery, Open311Error> {
    if let Some(ids) = param(params, "service_request_id") {
        let ids = ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<i64>().map_err(|_| {
                    Open311Error::bad(format!("service_request_id `{s}` is not a request id"))
                })
            })
            .collect::<Result<Vec<i64>, _>>()?;
        if ids.len() as i64 > MAX_ROWS {
            return Err(Open311Error::bad(format!(
                "at most {MAX_ROWS} service_request_id at once"
            )));
        }
        return Ok(CaseQuery {
            limit: (ids.len() as i64).max(1),
            ids: Some(ids),
            ..CaseQuery::default()
        });
    }
    let mut categories = Vec::new();
    for code in param(params, "service_code")
        .into_iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let (kind, subclass) = vocab::parse_service_code(code).ok_or_else(|| {
            Open311Error::bad(format!("unknown service_code `{code}`; see services.json"))
        })?;
        categories.push((kind.as_str().to_owned(), subclass));
    }
    let window = Duration::days(MAX_WINDOW_DAYS);
    let (start, end) = match (
        parse_time(params, "start_date")?,
        parse_time(params, "end_date")?,
    ) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s + window),
        (None, Some(e)) => (e - window, e),
        (None, None) => {
            // Up to now, inclusive.
            let end = now + Duration::seconds(1);
            (end - window, end)
        }
    };
    if end < start {
        return Err(Open311Error::bad("`end_date` is before `start_date`"));
    }
    if end - start > window {
        return Err(Open311Error::bad(format!(
            "the start_date–end_date window may not exceed {MAX_WINDOW_DAYS} days"
        )));
    }
    let mut states = Vec::new();
    for s in param(params, "status")
        .into_iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let of = vocab::states_of(s)
            .ok_or_else(|| Open311Error::bad(format!("`status` is open or closed, not `{s}`")))?;
        states.extend(of.iter().map(|st| st.as_str().to_owned()));
    }
    let page = parse_count(params, "page", i64::from(u32::MAX))?.unwrap_or(1);
    let page_size = parse_count(params, "page_size", MAX_ROWS)?.unwrap_or(MAX_ROWS);
    Ok(CaseQuery {
        states,
        categories,
        created_from: Some(start),
        created_to: Some(end),
        limit: page_size,
        offset: (page - 1).saturating_mul(page_size),
        ..CaseQuery::default()
    })
}

async fn rows(state: &AppState, query: &CaseQuery) -> Result<Vec<vocab::RequestRow>, Open311Error> {
    let cases = state.store.cases(query).await?;
    let departments: HashMap<String, String> = state
        .store
        .departments()
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    Ok(cases
        .iter()
        .map(|c| {
            let agency = c.department_code.as_ref().map(|code| {
                departments
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| code.clone())
            });
            vocab::request_row(c, agency)
        })
        .collect())
}

/// Requests, newest first: by ids (overriding every other argument), or by service codes,
/// status and a window of at most 90 days (default: the last 90 days), at most 1000 at once;
/// `page` and `page_size` page through them. No reporter is shown; numbers in the text are
/// masked.
#[utoipa::path(get, path = "/open311/v2/requests.{format}", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`"),
        ("jurisdiction_id" = Option<String>, Query, description = "ours, or nothing"),
        ("service_request_id" = Option<String>, Query, description = "comma-separated ids; overrides the other arguments"),
        ("service_code" = Option<String>, Query, description = "comma-separated service codes"),
        ("start_date" = Option<String>, Query, description = "requested at or after (W3C date-time)"),
        ("end_date" = Option<String>, Query, description = "requested before; at most 90 days after start_date"),
        ("status" = Option<String>, Query, description = "`open`, `closed` or both, comma-separated"),
        ("page" = Option<i64>, Query, description = "extension: page number from 1"),
        ("page_size" = Option<i64>, Query, description = "extension: requests per page, 1–1000 (default 1000)")),
    responses((status = 200, body = [vocab::RequestRow], description = "bare JSON array or `<service_requests>`"),
        (status = 400, body = [ErrorItem], description = "an invalid argument or a window over 90 days"),
        (status = 403, body = [ErrorItem], description = "public reads are off and no valid key was sent"),
        (status = 404, body = [ErrorItem], description = "unknown jurisdiction")))]
pub(crate) async fn list_requests(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    format: Format,
) -> Answer {
    check_read(state, headers, params).await?;
    let query = request_query(params, Utc::now())?;
    ok(format, "service_requests", &rows(state, &query).await?)
}

/// One request, as a one-element list.
#[utoipa::path(get, path = "/open311/v2/requests/{service_request_id}.{format}", tag = "open311",
    params(("service_request_id" = String, Path, description = "the request id"),
        ("format" = String, Path, description = "`json` or `xml`"),
        ("jurisdiction_id" = Option<String>, Query, description = "ours, or nothing")),
    responses((status = 200, body = [vocab::RequestRow], description = "a one-element list"),
        (status = 404, body = [ErrorItem], description = "no such request, or unknown jurisdiction")))]
pub(crate) async fn one_request(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    id: &str,
    format: Format,
) -> Answer {
    check_read(state, headers, params).await?;
    let missing = || Open311Error::not_found(format!("no service request `{id}`"));
    let id: i64 = id.parse().map_err(|_| missing())?;
    let found = rows(
        state,
        &CaseQuery {
            ids: Some(vec![id]),
            limit: 1,
            ..CaseQuery::default()
        },
    )
    .await?;
    if found.is_empty() {
        return Err(missing());
    }
    ok(format, "service_requests", &found)
}

/// Tokens are for `batch` services; every service here is `realtime`, so no token ever exists.
#[utoipa::path(get, path = "/open311/v2/tokens/{token}.{format}", tag = "open311",
    params(("token" = String, Path, description = "a token from a batch POST"),
        ("format" = String, Path, description = "`json` or `xml`")),
    responses((status = 404, body = [ErrorItem], description = "always: services are realtime")))]
pub(crate) fn token(token: &str) -> Answer {
    Err(Open311Error::not_found(format!(
        "no token `{token}`: every service here is realtime, so POST requests answers the service_request_id at once and issues no tokens"
    )))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn names_of_reporters() {
        let cases = [
            (Some("小明"), Some("王"), Some("王小明")),
            (Some("Ada"), Some("Lovelace"), Some("Ada Lovelace")),
            (Some("小明"), None, Some("小明")),
            (None, None, None),
        ];
        for (first, last, expect) in cases {
            assert_eq!(reporter_name(first, last).as_deref(), expect);
        }
    }

    #[test]
    fn request_queries() {
        let now = DateTime::parse_from_rfc3339("2026-11-27T12:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        type Pairs<'a> = &'a [(&'a str, &'a str)];
        let ok_cases: [(Pairs, i64, i64, usize); 5] = [
            (&[], MAX_ROWS, 0, 0),
            (&[("page", "3"), ("page_size", "20")], 20, 40, 0),
            (&[("status", "open")], MAX_ROWS, 0, 10),
            (&[("status", "open,closed")], MAX_ROWS, 0, 13),
            (&[("service_request_id", "")], MAX_ROWS, 0, 0),
        ];
        for (pairs, limit, offset, states) in ok_cases {
            let q = request_query(&params(pairs), now).unwrap();
            assert_eq!(
                (q.limit, q.offset, q.states.len()),
                (limit, offset, states),
                "{pairs:?}"
            );
        }
        let q = request_query(
            &params(&[("service_request_id", "3, 5"), ("status", "bogus")]),
            now,
        )
        .unwrap();
        assert_eq!(q.ids, Some(vec![3, 5]));
        let q = request_query(
            &params(&[("service_code", "event-0102,component-0102")]),
            now,
        )
        .unwrap();
        assert_eq!(q.categories.len(), 2);
        let bad: [&[(&str, &str)]; 7] = [
            &[("status", "pending")],
            &[("service_code", "rubbish")],
            &[("service_request_id", "1,x")],
            &[
                ("start_date", "2026-01-01"),
                ("end_date", "2026-06-01T00:00:00Z"),
            ],
            &[
                ("start_date", "2026-01-01T00:00:00Z"),
                ("end_date", "2026-06-01T00:00:00Z"),
            ],
            &[
                ("start_date", "2026-06-01T00:00:00Z"),
                ("end_date", "2026-01-01T00:00:00Z"),
            ],
            &[("page_size", "5000")],
        ];
        for pairs in bad {
            let err = request_query(&params(pairs), now).unwrap_err();
            assert_eq!(err.status, StatusCode::BAD_REQUEST, "{pairs:?}");
        }
    }
}
