//! Cases: intake, queues, one case with its timeline, and workflow actions.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::disclosure::{reporter_contact, sees_own_department_only};
use yiwang_core::intake::Route;
use yiwang_core::model::{Case, CaseSource};
use yiwang_core::normalize_phone;
use yiwang_core::reference::CategoryKind;
use yiwang_core::workflow::{
    ActionInput, Actor, CaseAction, CaseState, DeadlineStatus, Refusal, allowed_actions,
    deadline_status, decide,
};
use yiwang_geo::convert;
use yiwang_store::{AuditEvent, CaseChange, CaseEvent, CaseQuery, IdempotencyKey, Intake};

use super::extract::{AppJson, AppPath, AppQuery, crs_param};
use crate::AppState;
use crate::auth::{Caller, Need, perm};
use crate::desk::{Enrichment, IntakeRequest};
use crate::error::{ApiError, ApiResult, Code};

/// The pseudo-state of a queue's `state` list for closed cases not yet revisited (回访).
const AWAITING_REVISIT: &str = "awaiting_revisit";

/// Best-matching cases a text search hands to the queue's filters.
const MAX_SEARCH_HITS: usize = 10_000;

/// Longest case text accepted.
const MAX_TEXT_CHARS: usize = 4000;

/// Photo or document metadata (the file itself is kept elsewhere).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub(crate) struct AttachmentMeta {
    /// File name.
    name: String,
    /// `before` (处置前), `after` (处置后), `scene` (现场) or `document`.
    kind: Option<String>,
    /// SHA-256 of the file, hex.
    sha256: Option<String>,
    /// When the photo was taken.
    taken_at: Option<DateTime<Utc>>,
    /// Where the file is kept (a URL), if it is kept elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// A new case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub(crate) struct NewCaseRequest {
    /// `hotline` (default), `grid_patrol`, `sensor` or `citizen`.
    source: Option<String>,
    /// What is reported, in the reporter's words.
    text: String,
    /// The address as given; matched to the premises registry.
    address: Option<String>,
    /// Longitude of the place, in `crs`.
    lon: Option<f64>,
    /// Latitude of the place, in `crs`.
    lat: Option<f64>,
    /// `wgs84` (default), `gcj02` or `bd09`.
    crs: Option<String>,
    /// `component` (部件) or `event` (事件), with `category_code`.
    category_kind: Option<String>,
    /// GB/T 30428 subclass code, if known; else suggested from the text.
    category_code: Option<String>,
    /// 12345 request type: 咨询, 求助, 投诉, 举报 or 建议.
    request_type: Option<String>,
    /// `normal`, `urgent` or `critical`; else from the category.
    priority: Option<String>,
    /// Reporter's name.
    reporter_name: Option<String>,
    /// Reporter's phone.
    reporter_phone: Option<String>,
    /// Photos and documents.
    #[serde(default)]
    attachments: Vec<AttachmentMeta>,
}

/// A case as the API shows it: the record (reporter masked unless the role contacts reporters),
/// what may be done next, and how its clocks stand.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CaseDto {
    #[serde(flatten)]
    case: Case,
    /// 中文 name of the state.
    state_zh: String,
    /// Whole-case clock: `on_time`, `warning` or `overdue` (none once finished).
    deadline_status: Option<String>,
    /// Stage clock, likewise.
    stage_status: Option<String>,
    /// What the caller may do now.
    allowed_actions: Vec<String>,
    /// Where the responsibility matrix sends it.
    suggested_route: Option<RouteDto>,
}

/// Lead and assisting bodies.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct RouteDto {
    lead: String,
    assisting: Vec<String>,
}

impl From<Route> for RouteDto {
    fn from(r: Route) -> Self {
        Self {
            lead: r.lead,
            assisting: r.assisting,
        }
    }
}

/// The answer to intake.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct IntakeDto {
    #[serde(flatten)]
    case: CaseDto,
    /// When the case repeats an open one: it was merged into it.
    duplicate_of: Option<DuplicateDto>,
    /// The category suggested from the text (when none was given).
    classification: Option<ClassificationDto>,
    /// The premises the address matched.
    premises: Option<PremisesMatchDto>,
    /// True when this answers a retried request (same `Idempotency-Key`).
    replayed: bool,
}

/// The original of a repeat report.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct DuplicateDto {
    case_id: i64,
    reason: String,
}

/// A suggested category.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ClassificationDto {
    /// `model` (learned from closed cases) or `keywords`.
    method: String,
    kind: String,
    code: String,
    name: String,
    confidence: f64,
    matched: Vec<String>,
}

/// The premises an address was matched to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PremisesMatchDto {
    premises_id: i64,
    standard_address: String,
    /// The matcher's confidence (0–1).
    score: f64,
    /// The level matched: `room`, `floor`, `unit`, `building`, `compound`.
    level: String,
}

fn actor(caller: &Caller) -> Actor {
    Actor {
        roles: caller.roles().to_vec(),
        org_code: caller.session.account.org_code.clone(),
    }
}

/// The case as `caller` sees it; reveals the reporter only to roles that contact reporters.
/// Answers whether personal data was revealed (the caller audits it).
fn to_dto(state: &AppState, caller: &Caller, mut case: Case) -> (CaseDto, bool) {
    let (name, phone, revealed) = reporter_contact(
        caller.roles(),
        case.reporter_name.as_deref(),
        case.reporter_phone.as_deref(),
    );
    case.reporter_name = name;
    case.reporter_phone = phone;
    let now = Utc::now();
    let warn = state.desk.limits.warn_after;
    let flow = case.flow().ok();
    let open = flow.as_ref().is_some_and(|f| !f.state.is_finished());
    let status = |s: DeadlineStatus| s.as_str().to_owned();
    let deadline = flow
        .as_ref()
        .filter(|_| open)
        .map(|f| status(deadline_status(f.received_at, f.due_at, now, warn)));
    let stage = flow.as_ref().filter(|_| open).and_then(|f| {
        Some(status(deadline_status(
            f.stage_started_at?,
            f.stage_due_at?,
            now,
            warn,
        )))
    });
    let allowed = flow
        .as_ref()
        .map(|f| {
            allowed_actions(f, &actor(caller))
                .into_iter()
                .map(|a| a.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let state_zh = case
        .state
        .parse::<CaseState>()
        .map(|s| s.name_zh().to_owned())
        .unwrap_or_default();
    let suggested_route = state.desk.route_of(&case).map(RouteDto::from);
    (
        CaseDto {
            case,
            state_zh,
            deadline_status: deadline,
            stage_status: stage,
            allowed_actions: allowed,
            suggested_route,
        },
        revealed,
    )
}

async fn audit_reveal(state: &AppState, caller: &Caller, case_id: i64) -> ApiResult<()> {
    state
        .store
        .audit(&AuditEvent {
            actor: caller.username().to_owned(),
            action: "case.read_reporter".to_owned(),
            entity: "case".to_owned(),
            entity_id: Some(case_id.to_string()),
            detail: serde_json::json!({ "fields": ["reporter_name", "reporter_phone"] }),
        })
        .await?;
    Ok(())
}

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidRequest, detail)
}

/// Checks the request and turns it into what the desk takes in.
fn check_request(
    state: &AppState,
    caller: &Caller,
    req: &NewCaseRequest,
) -> ApiResult<IntakeRequest> {
    let text = req.text.trim();
    if text.is_empty() {
        return Err(bad("`text` is empty: say what the problem is"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(bad(format!(
            "`text` is longer than {MAX_TEXT_CHARS} characters"
        )));
    }
    let source: CaseSource = match &req.source {
        Some(s) => s.parse().map_err(|e| bad(format!("`source`: {e}")))?,
        None => CaseSource::Hotline,
    };
    let point = match (req.lon, req.lat) {
        (Some(lon), Some(lat)) => {
            if !(lon.is_finite()
                && lat.is_finite()
                && (-180.0..=180.0).contains(&lon)
                && (-90.0..=90.0).contains(&lat))
            {
                return Err(bad("`lon`/`lat` are not a point on Earth"));
            }
            let crs = crs_param(req.crs.as_deref())?;
            Some(convert(lon, lat, crs, yiwang_geo::Crs::Wgs84))
        }
        (None, None) => None,
        _ => return Err(bad("give both `lon` and `lat`, or neither")),
    };
    if point.is_none() && req.address.as_deref().is_none_or(|a| a.trim().is_empty()) {
        return Err(bad(
            "give an `address` or a point (`lon`, `lat`) so the case can be located",
        ));
    }
    let category = match (&req.category_kind, &req.category_code) {
        (Some(kind), Some(code)) => {
            let kind: CategoryKind = kind
                .parse()
                .map_err(|e: String| bad(format!("`category_kind`: {e}")))?;
            if state.desk.category(kind, code, text).is_none() {
                return Err(bad(format!(
                    "no {kind} category with subclass code `{code}`; GET /api/v1/categories lists them"
                )));
            }
            Some((kind, code.clone()))
        }
        (None, Some(code)) => {
            let kinds: Vec<CategoryKind> = [CategoryKind::Event, CategoryKind::Component]
                .into_iter()
                .filter(|k| state.desk.category(*k, code, text).is_some())
                .collect();
            match kinds[..] {
                [kind] => Some((kind, code.clone())),
                [] => return Err(bad(format!("no category with subclass code `{code}`"))),
                _ => {
                    return Err(bad(format!(
                        "subclass code `{code}` exists as a component and as an event; give `category_kind`"
                    )));
                }
            }
        }
        (Some(_), None) => return Err(bad("`category_kind` needs `category_code`")),
        (None, None) => None,
    };
    if let Some(rt) = &req.request_type
        && !state.desk.request_type_names().contains(&rt.as_str())
    {
        return Err(bad(format!(
            "`request_type` `{rt}` is not one of: {}",
            state.desk.request_type_names().join(", ")
        )));
    }
    if let Some(p) = &req.priority
        && !["normal", "urgent", "critical"].contains(&p.as_str())
    {
        return Err(bad("`priority` is normal, urgent or critical"));
    }
    let reporter_phone = match req.reporter_phone.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => {
            Some(normalize_phone(p).map_err(|e| bad(format!("`reporter_phone`: {e}")))?)
        }
        _ => None,
    };
    Ok(IntakeRequest {
        source,
        text: text.to_owned(),
        address: req
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
        point,
        category,
        filing_condition: None,
        request_type: req.request_type.clone(),
        priority: req.priority.clone(),
        reporter_name: req
            .reporter_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        reporter_phone,
        reporter_account_id: Some(caller.session.account.id),
        premises: None,
        attachments: req
            .attachments
            .iter()
            .filter_map(|a| serde_json::to_value(a).ok())
            .collect(),
    })
}

/// The `Idempotency-Key` header, if any (1–200 visible ASCII characters).
fn idempotency_key(
    headers: &HeaderMap,
    body: &NewCaseRequest,
) -> ApiResult<Option<IdempotencyKey>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| bad("`Idempotency-Key` must be 1–200 visible ASCII characters"))?;
    let canonical =
        serde_json::to_vec(body).map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
    let digest = Sha256::digest(&canonical);
    Ok(Some(IdempotencyKey {
        key: key.to_owned(),
        request_hash: digest.iter().map(|b| format!("{b:02x}")).collect(),
    }))
}

/// Takes in a case: locates it (address → premises, point → grid chain), suggests a category
/// from the text, sets its deadline on the statutory calendar, and merges it into an open case
/// it repeats. Answers 201 with the case once it is durably stored; a retry with the same
/// `Idempotency-Key` answers 200 with the same case.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCaseRequest,
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "makes retries safe: the same key and body answer the first case")),
    responses((status = 201, body = IntakeDto), (status = 200, body = IntakeDto, description = "a retried request"),
        (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::IntakeCases>,
    headers: HeaderMap,
    AppJson(body): AppJson<NewCaseRequest>,
) -> ApiResult<(StatusCode, Json<IntakeDto>)> {
    let mut req = check_request(&state, &caller, &body)?;
    let key = idempotency_key(&headers, &body)?;
    let matched = match &req.address {
        Some(address) => state.resolve_address(address).await?,
        None => None,
    };
    if let Some(m) = &matched {
        req.premises = Some((m.premises_id, m.point));
    }
    let (intake, enrichment) = state
        .take_case(req, caller.username().to_owned(), key)
        .await?;
    let (case, replayed) = match intake {
        Intake::Created(c) => (c, false),
        Intake::Replayed(c) => (c, true),
    };
    let Enrichment {
        classification,
        duplicate_of,
        ..
    } = enrichment;
    // The reporter's details in the answer are what this caller just sent: no read to audit.
    let (dto, _) = to_dto(&state, &caller, case);
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(IntakeDto {
            case: dto,
            duplicate_of: duplicate_of
                .filter(|_| !replayed)
                .map(|(case_id, reason)| DuplicateDto { case_id, reason }),
            classification: classification
                .filter(|_| !replayed)
                .map(|c| ClassificationDto {
                    method: c.method.to_owned(),
                    kind: c.category.kind.as_str().to_owned(),
                    code: c.category.subclass_code,
                    name: c.category.subclass_name,
                    confidence: (c.confidence * 1000.0).round() / 1000.0,
                    matched: c.matched,
                }),
            premises: matched.map(|m| PremisesMatchDto {
                premises_id: m.premises_id,
                standard_address: m.standard_address,
                score: (m.score * 1000.0).round() / 1000.0,
                level: m.level,
            }),
            replayed,
        }),
    ))
}

/// What intake would make of a call, before it is taken in.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct IntakePreview {
    /// The premises the address matched, with the matcher's score and level.
    premises: Option<PremisesMatchDto>,
    /// The category suggested from the text (when none was given).
    classification: Option<ClassificationDto>,
    /// The category the case would be filed under.
    category_kind: Option<String>,
    category_code: Option<String>,
    category_name: Option<String>,
    /// The statutory deadline if it were received now.
    due_at: Option<DateTime<Utc>>,
    /// Street and smallest grid cell of the place.
    street_code: Option<String>,
    grid_code: Option<String>,
    /// Where the responsibility matrix would send it.
    suggested_route: Option<RouteDto>,
    /// The open case it would repeat (intake would merge it there).
    duplicate_of: Option<DuplicateDto>,
}

/// Previews intake for the person on the phone: the same checks and enrichment as
/// `POST /api/v1/cases` (address → premises, text → category, deadline, routing, repeat check),
/// with nothing written.
#[utoipa::path(post, path = "/api/v1/cases/preview", tag = "cases", request_body = NewCaseRequest,
    security(("bearer" = [])),
    responses((status = 200, body = IntakePreview), (status = 400, body = crate::error::Problem)))]
pub(crate) async fn preview(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::IntakeCases>,
    AppJson(body): AppJson<NewCaseRequest>,
) -> ApiResult<Json<IntakePreview>> {
    let mut req = check_request(&state, &caller, &body)?;
    let matched = match &req.address {
        Some(address) => state.resolve_address(address).await?,
        None => None,
    };
    if let Some(m) = &matched {
        req.premises = Some((m.premises_id, m.point));
    }
    let (case, enrichment) = state
        .desk
        .prepare(req, &state.grid().locator, &state.store, Utc::now())
        .await?;
    Ok(Json(IntakePreview {
        premises: matched.map(|m| PremisesMatchDto {
            premises_id: m.premises_id,
            standard_address: m.standard_address,
            score: (m.score * 1000.0).round() / 1000.0,
            level: m.level,
        }),
        classification: enrichment.classification.map(|c| ClassificationDto {
            method: c.method.to_owned(),
            kind: c.category.kind.as_str().to_owned(),
            code: c.category.subclass_code,
            name: c.category.subclass_name,
            confidence: (c.confidence * 1000.0).round() / 1000.0,
            matched: c.matched,
        }),
        category_kind: case.category_kind,
        category_code: case.category_code,
        category_name: case.category_name,
        due_at: case.due_at,
        street_code: case.street_code,
        grid_code: case.grid_code,
        suggested_route: enrichment.route.map(RouteDto::from),
        duplicate_of: enrichment
            .duplicate_of
            .map(|(case_id, reason)| DuplicateDto { case_id, reason }),
    }))
}

/// Filters of a case queue.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ListQuery {
    /// Words of the case text (Chinese is cut into words; a case must hold every word, and
    /// none of the `-words`): the best 10,000 matches, then filtered and paged like any queue.
    q: Option<String>,
    /// Comma-separated states, e.g. `dispatched,handling`; `awaiting_revisit` stands for the
    /// closed cases whose caller was not yet revisited (回访).
    state: Option<String>,
    /// Department code (department handlers always see their own department's cases).
    department: Option<String>,
    /// Street code.
    street: Option<String>,
    /// Grid code: cases in this cell or below.
    grid: Option<String>,
    /// Premises id: the cases located at these premises (the premises dossier's cases).
    premises: Option<i64>,
    /// Case id: the cases merged into it (并单), its repeats.
    parent: Option<i64>,
    /// `hotline`, `grid_patrol`, `sensor` or `citizen`.
    source: Option<String>,
    /// Only open cases past their deadline.
    overdue: Option<bool>,
    /// Only supervised (督办) cases, or only unsupervised.
    supervised: Option<bool>,
    /// Received at or after (RFC 3339).
    from: Option<DateTime<Utc>>,
    /// Received before (RFC 3339).
    to: Option<DateTime<Utc>>,
    /// At most this many (1–200, default 50).
    limit: Option<i64>,
    /// Skip this many.
    offset: Option<i64>,
}

/// A page of a queue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CasePage {
    /// Cases matching, all pages.
    total: i64,
    /// This page, newest first.
    items: Vec<CaseDto>,
}

/// A queue of cases, newest first. Reporters are always masked in lists; department handlers
/// see only their own department's cases.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = CasePage), (status = 400, body = crate::error::Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ReadCases>,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<Json<CasePage>> {
    let mut states = Vec::new();
    let mut awaiting_revisit = false;
    for s in q
        .state
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if s == AWAITING_REVISIT {
            awaiting_revisit = true;
            continue;
        }
        let parsed: CaseState = s.parse().map_err(|e| {
            ApiError::new(
                Code::InvalidQuery,
                format!("`state`: {e} (nor `{AWAITING_REVISIT}`)"),
            )
        })?;
        states.push(parsed.as_str().to_owned());
    }
    if let Some(s) = &q.source {
        s.parse::<CaseSource>()
            .map_err(|e| ApiError::new(Code::InvalidQuery, format!("`source`: {e}")))?;
    }
    let department = if sees_own_department_only(caller.roles()) {
        Some(caller.session.account.org_code.clone().unwrap_or_default())
    } else {
        q.department.clone()
    };
    let query = CaseQuery {
        states,
        awaiting_revisit,
        department_code: department,
        street_code: q.street.clone(),
        grid_prefix: q.grid.clone(),
        premises_id: q.premises,
        parent_id: q.parent,
        source: q.source.clone(),
        supervised: q.supervised,
        overdue_at: q.overdue.filter(|o| *o).map(|_| Utc::now()),
        created_from: q.from,
        created_to: q.to,
        limit: q.limit.unwrap_or(50).clamp(1, 200),
        offset: q.offset.unwrap_or(0).max(0),
        ids: match q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(words) => Some(
                state
                    .search
                    .search(words, MAX_SEARCH_HITS)
                    .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?,
            ),
            None => None,
        },
        ..CaseQuery::default()
    };
    let total = state.store.count_cases(&query).await?;
    let items = state.store.cases(&query).await?;
    // Lists never reveal reporters: mask as for a role that does not contact them.
    let items = items
        .into_iter()
        .map(|mut c| {
            let (name, phone, _) =
                reporter_contact(&[], c.reporter_name.as_deref(), c.reporter_phone.as_deref());
            c.reporter_name = name;
            c.reporter_phone = phone;
            to_dto(&state, &caller, c).0
        })
        .collect();
    Ok(Json(CasePage { total, items }))
}

/// One case with its timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CaseDetail {
    #[serde(flatten)]
    case: CaseDto,
    /// Every step, oldest first.
    timeline: Vec<EventDto>,
}

/// A step on the timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct EventDto {
    at: DateTime<Utc>,
    action: String,
    /// 中文 name of the action.
    action_zh: String,
    actor: String,
    from_state: Option<String>,
    to_state: String,
    detail: serde_json::Value,
}

impl From<CaseEvent> for EventDto {
    fn from(e: CaseEvent) -> Self {
        let action_zh = match e.action.as_str() {
            "receive" => "登记".to_owned(),
            a => a
                .parse::<CaseAction>()
                .map(|a| a.name_zh().to_owned())
                .unwrap_or_default(),
        };
        Self {
            at: e.at,
            action: e.action,
            action_zh,
            actor: e.actor,
            from_state: e.from_state,
            to_state: e.to_state,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        }
    }
}

async fn load(state: &AppState, id: i64) -> ApiResult<Case> {
    state
        .store
        .case(id)
        .await?
        .ok_or_else(|| ApiError::not_found("case", id))
}

/// One case, its timeline, and the actions the caller may take on it.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ReadCases>,
    AppPath(id): AppPath<i64>,
) -> ApiResult<Json<CaseDetail>> {
    let case = load(&state, id).await?;
    if sees_own_department_only(caller.roles())
        && case.department_code != caller.session.account.org_code
    {
        return Err(ApiError::not_found("case", id));
    }
    let timeline = state
        .store
        .case_events(id)
        .await?
        .into_iter()
        .map(EventDto::from)
        .collect();
    let (dto, revealed) = to_dto(&state, &caller, case);
    if revealed {
        audit_reveal(&state, &caller, id).await?;
    }
    Ok(Json(CaseDetail {
        case: dto,
        timeline,
    }))
}

/// A workflow action and its input.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ActionRequest {
    #[serde(flatten)]
    input: ActionInput,
    /// At `file`: the category (kind and subclass) the case is filed under; its filing
    /// condition sets the time limit unless `time_limit` is given.
    category_kind: Option<String>,
    /// At `file`: the subclass code.
    category_code: Option<String>,
    /// Photos (处置前 / 处置后) and documents.
    #[serde(default)]
    attachments: Vec<AttachmentMeta>,
}

fn refusal(r: Refusal) -> ApiError {
    let detail = r.to_string();
    match r {
        Refusal::RoleMayNot { .. } | Refusal::NotYourCase { .. } => {
            ApiError::new(Code::PermissionDenied, detail)
        }
        Refusal::NotNow { allowed, .. } => ApiError {
            code: Code::ActionNotAllowed,
            detail,
            allowed_actions: Some(allowed.iter().map(|a| a.as_str().to_owned()).collect()),
        },
        Refusal::Input { .. } => ApiError::new(Code::InvalidActionInput, detail),
    }
}

/// Takes a workflow action on a case. The action is checked against the caller's roles, the
/// case's state and department, and its input; an action out of turn answers 409
/// `action_not_allowed` with the actions that are possible now.
///
/// Actions (中文): accept 受理, request_verification 核实派发, verify 核实, reject 不予受理, answer 直接答复,
/// file 立案, dispatch 派遣, sign 签收, return 退单, reassign 改派, refuse_return 驳回退单, handle 处置,
/// report 反馈, check 核查, rework 返工, close 结案, revisit 回访, extend 申请延期, suspend 申请挂账,
/// approve 批准申请, deny 驳回申请, resume 恢复处置, supervise 督办, merge 并单, comment 备注.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "case id")), request_body = ActionRequest,
    responses((status = 200, body = CaseDetail), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ReadCases>,
    AppPath(id): AppPath<i64>,
    AppJson(req): AppJson<ActionRequest>,
) -> ApiResult<Json<CaseDetail>> {
    let mut case = load(&state, id).await?;
    let flow = case
        .flow()
        .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
    let mut input = req.input.clone();
    let action = input.action;
    // Filing under a category: the category's filing condition sets the time limit.
    if action == CaseAction::File
        && let Some(code) = &req.category_code
    {
        let kinds: Vec<CategoryKind> = match &req.category_kind {
            Some(k) => vec![
                k.parse()
                    .map_err(|e: String| ApiError::new(Code::InvalidActionInput, e))?,
            ],
            None => vec![CategoryKind::Event, CategoryKind::Component],
        };
        let category = kinds
            .iter()
            .find_map(|k| state.desk.category(*k, code, &case.text))
            .ok_or_else(|| {
                ApiError::new(
                    Code::InvalidActionInput,
                    format!("no category with subclass code `{code}`"),
                )
            })?;
        if input.time_limit.is_none() {
            input.time_limit = Some(yiwang_core::workflow::TimeLimit::new(
                category.time_limit_amount,
                category.time_limit_unit,
            ));
        }
        case.category_kind = Some(category.kind.as_str().to_owned());
        case.category_code = Some(category.subclass_code.clone());
        case.category_name = Some(category.subclass_name.clone());
    }
    // Dispatch without a department goes where the matrix says, with its assisting departments.
    if matches!(action, CaseAction::Dispatch)
        && input.department.is_none()
        && let Some(route) = state.desk.route_of(&case)
    {
        input.department = Some(route.lead);
        if input.assisting.is_none() {
            input.assisting = Some(route.assisting);
        }
    }
    if matches!(action, CaseAction::Dispatch | CaseAction::Reassign) {
        let departments = state.store.departments().await?;
        for code in input
            .department
            .iter()
            .chain(input.assisting.iter().flatten())
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            if !departments.iter().any(|d| d.code == code) {
                return Err(ApiError::new(
                    Code::InvalidActionInput,
                    format!("no department `{code}`; see /api/v1/departments"),
                ));
            }
        }
    }
    if action == CaseAction::Merge {
        let parent_id = input.parent_id.ok_or_else(|| {
            ApiError::new(
                Code::InvalidActionInput,
                "merge needs the `parent_id` of the case to merge into",
            )
        })?;
        let parent = state.store.case(parent_id).await?;
        match parent {
            None => {
                return Err(ApiError::new(
                    Code::InvalidActionInput,
                    format!("no case {parent_id} to merge into"),
                ));
            }
            Some(p) if p.id == id || p.state == CaseState::Merged.as_str() => {
                return Err(ApiError::new(
                    Code::InvalidActionInput,
                    "a case is merged into another case that is not itself merged",
                ));
            }
            Some(_) => {}
        }
    }
    let next = {
        let calendar = state
            .desk
            .calendar
            .read()
            .map_err(|_| ApiError::new(Code::Internal, "calendar lock poisoned"))?;
        decide(
            &flow,
            &input,
            &actor(&caller),
            Utc::now(),
            &calendar,
            &state.desk.limits,
        )
        .map_err(refusal)?
    };
    let from_state = case.state.clone();
    case.set_flow(&next);
    if matches!(action, CaseAction::Report | CaseAction::Answer) {
        case.reply.clone_from(&input.reply);
    }
    let mut detail = serde_json::to_value(&input).unwrap_or(serde_json::Value::Null);
    if !req.attachments.is_empty()
        && let Some(map) = detail.as_object_mut()
    {
        map.insert(
            "attachments".to_owned(),
            serde_json::to_value(&req.attachments).unwrap_or_default(),
        );
    }
    let stored = state
        .store
        .change_case(&CaseChange {
            case: &case,
            action: action.as_str(),
            actor: caller.username(),
            from_state: &from_state,
            detail,
        })
        .await?;
    let timeline = state
        .store
        .case_events(id)
        .await?
        .into_iter()
        .map(EventDto::from)
        .collect();
    let (dto, revealed) = to_dto(&state, &caller, stored);
    if revealed {
        audit_reveal(&state, &caller, id).await?;
    }
    Ok(Json(CaseDetail {
        case: dto,
        timeline,
    }))
}

/// One row of the case category catalogue (GB/T 30428 subclass and filing condition).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct CategoryRow {
    /// `event` (事件) or `component` (部件): the `category_kind` of a new case.
    kind: String,
    /// 大类 code (2 digits) and name.
    class_code: String,
    class_name: String,
    /// 小类 code (4 digits): the `category_code` of a new case.
    subclass_code: String,
    subclass_name: String,
    /// 立案条件: when a report is filed under this row.
    filing_condition: String,
    /// Time limit for handling: amount and unit (`urgent_hour`, `hour`, `working_day`, …).
    time_limit_amount: u32,
    time_limit_unit: String,
    /// 结案条件: when the case may be closed.
    closing_condition: String,
    /// Lead and assisting departments (short names).
    lead_department: String,
    assisting_departments: Vec<String>,
}

/// The case category catalogue: the codes `POST /api/v1/cases` takes, with their time limits.
#[utoipa::path(get, path = "/api/v1/categories", tag = "cases", security(("bearer" = [])),
    responses((status = 200, body = Vec<CategoryRow>)))]
pub(crate) async fn categories(
    State(state): State<AppState>,
    _: Need<perm::ReadCases>,
) -> Json<Vec<CategoryRow>> {
    Json(
        state
            .desk
            .classifier
            .categories()
            .iter()
            .map(|c| CategoryRow {
                kind: c.kind.as_str().to_owned(),
                class_code: c.class_code.clone(),
                class_name: c.class_name.clone(),
                subclass_code: c.subclass_code.clone(),
                subclass_name: c.subclass_name.clone(),
                filing_condition: c.filing_condition.clone(),
                time_limit_amount: c.time_limit_amount,
                time_limit_unit: c.time_limit_unit.as_str().to_owned(),
                closing_condition: c.closing_condition.clone(),
                lead_department: c.lead_department.clone(),
                assisting_departments: c.assisting_departments.clone(),
            })
            .collect(),
    )
}
