//! The HTTP face of yiwang: REST API, OpenAPI document, Swagger UI, authentication.
//!
//! [`app`] builds the whole router from an [`AppState`], so tests drive it in-process with
//! `tower::ServiceExt::oneshot` and no port. Handlers translate between HTTP and the store; they
//! hold no business rules of their own.
#![warn(missing_docs)]

pub mod auth;
pub mod boundaries;
pub mod case_map;
pub mod case_search;
mod console;
pub mod desk;
pub mod error;
pub mod grid_maps;
pub mod mqtt;
mod openapi;
pub mod registry;
mod routes;
pub mod tabular;

use std::net::SocketAddr;
use std::sync::Arc;

use std::time::Duration;
use yiwang_core::privacy::IdVault;
use yiwang_core::registry::verify::VerificationRules;

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::middleware;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use yiwang_address::{Gazetteer, MatchIndex};
use yiwang_index::BuildingPoint;
use yiwang_store::{KpiFacts, Store};

pub use openapi::ApiDoc;

/// Everything a handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The repository.
    pub store: Store,
    /// The grid's indexes (point → grid chain, tiles, staff), built from the store at start-up
    /// and rebuilt when the grid changes: take [`AppState::grid`] once per request.
    pub grid_maps: Arc<grid_maps::GridHolder>,
    /// Full-text search over case texts, filled at start-up and kept current.
    pub search: Arc<yiwang_index::CaseSearch>,
    /// What the KPIs count of every case, filled at start-up and brought up to date by each
    /// KPI request.
    pub kpi_facts: Arc<tokio::sync::Mutex<KpiFacts>>,
    /// Sessions read recently, so that a busy client is not looked up on every request.
    pub sessions: Arc<auth::SessionCache>,
    /// Place names for the address parser: national facts plus the registry's roads and POIs.
    pub gazetteer: Arc<Gazetteer>,
    /// Every premises by its address tokens, names and aliases, for address matching.
    pub matcher: Arc<MatchIndex>,
    /// Case rules, reference data and the intake writer.
    pub desk: Arc<desk::CaseDesk>,
    /// Name of the district the database holds (e.g. 徐汇区), to read addresses written without it.
    pub district_name: Option<String>,
    /// Open311 GeoReport v2 settings.
    pub open311: Open311Config,
    /// Seals and opens ID numbers (the data key).
    pub vault: Arc<IdVault>,
    /// Imports registry snapshots.
    pub registrar: registry::Registrar,
    /// The district's 住所云 rules for "verified for enterprise registration".
    pub verification_rules: Arc<VerificationRules>,
}

/// Open311 GeoReport v2 settings of this jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Config {
    /// The `jurisdiction_id` this server answers for; any other is refused with 404.
    pub jurisdiction_id: String,
    /// Whether reads (services, requests) are open to anyone, as the spec has them; when off,
    /// they need an `api_key` or a bearer token.
    pub public_reads: bool,
}

impl Default for Open311Config {
    fn default() -> Self {
        Self {
            jurisdiction_id: "xuhui.sh.cn".to_owned(),
            public_reads: true,
        }
    }
}

impl Open311Config {
    /// The defaults, changed by `YIWANG_OPEN311_JURISDICTION` and
    /// `YIWANG_OPEN311_PUBLIC_READS` (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`; any other
    /// value switches public reads off, with a warning).
    pub fn from_env() -> Self {
        let mut config = Self::default();
        if let Ok(j) = std::env::var("YIWANG_OPEN311_JURISDICTION")
            && !j.trim().is_empty()
        {
            config.jurisdiction_id = j.trim().to_owned();
        }
        if let Ok(v) = std::env::var("YIWANG_OPEN311_PUBLIC_READS") {
            config.public_reads = match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" => false,
                other => {
                    tracing::warn!(
                        value = other,
                        "YIWANG_OPEN311_PUBLIC_READS is not true/false; public reads are off"
                    );
                    false
                }
            };
        }
        config
    }
}

/// An address matched to the premises registry.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressMatch {
    /// The premises.
    pub premises_id: i64,
    /// Its standard address.
    pub standard_address: String,
    /// Its WGS-84 point, or its nearest ancestor's (rooms have none of their own).
    pub point: Option<(f64, f64)>,
    /// The matcher's confidence (0–1).
    pub score: f64,
    /// The level matched (`room`, `building`, `compound`, …).
    pub level: String,
}

/// Lowest matcher score at which intake attaches a case to a premises; below it the case keeps
/// the address as written and is located by its point, if any.
pub const ADDRESS_MATCH_THRESHOLD: f64 = 0.6;

/// The address gazetteer: the facts `yiwang-address` carries plus the registry's roads and POI
/// names (all in this district).
pub async fn gazetteer(store: &Store) -> Result<Gazetteer, yiwang_store::StoreError> {
    let mut gazetteer = Gazetteer::default();
    let district = store
        .divisions(None)
        .await?
        .into_iter()
        .next()
        .map(|d| d.code);
    if let Some(district) = district {
        for road in store.roads().await? {
            gazetteer.add_road(&road.name, &district);
        }
        for alias in store.aliases_of_kind("poi").await? {
            gazetteer.add_poi(&alias.alias, &district);
        }
    }
    Ok(gazetteer)
}

/// Premises read per query when building the address matcher.
const MATCH_PAGE: i64 = 20_000;

/// The address matcher over every premises and alias of the registry, read page by page so the
/// rows are never all in memory at once.
pub async fn match_index(store: &Store) -> Result<MatchIndex, yiwang_store::StoreError> {
    let mut builder = yiwang_index::MatchIndexBuilder::new(store.all_aliases().await?);
    let mut after = 0;
    loop {
        let page = store.premises_addresses(after, MATCH_PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.id;
        for p in page {
            builder.add(p);
        }
    }
    Ok(builder.finish())
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Reading the records to index failed.
    #[error("cannot read the district from the database: {0}")]
    Store(#[from] yiwang_store::StoreError),
    /// The case search index could not be filled.
    #[error("cannot build the case search index: {0}")]
    Search(#[from] case_search::CatchUpError),
    /// The grid's indexes could not be built.
    #[error("{0}")]
    Grid(#[from] grid_maps::GridMapsError),
    /// The case reference data is broken.
    #[error("{0}")]
    Desk(#[from] desk::DeskError),
    /// `YIWANG_VERIFY_RULES` is not the JSON of the verification rules.
    #[error("YIWANG_VERIFY_RULES: {0}")]
    VerifyRules(String),
}

/// The 住所云 rules from `YIWANG_VERIFY_RULES` (JSON, e.g. `{"min_ends_attesting_existence": 3}`;
/// fields left out keep their defaults), or the defaults.
pub fn verification_rules_from_env() -> Result<VerificationRules, StartError> {
    match std::env::var("YIWANG_VERIFY_RULES") {
        Ok(text) if !text.trim().is_empty() => {
            serde_json::from_str(&text).map_err(|e| StartError::VerifyRules(e.to_string()))
        }
        _ => Ok(VerificationRules::default()),
    }
}

/// What the in-memory indexes are built from: every grid and every building with a point.
pub async fn index_inputs(
    store: &Store,
) -> Result<(Vec<yiwang_core::model::Grid>, Vec<BuildingPoint>), yiwang_store::StoreError> {
    let grids = store.all_grids().await?;
    let buildings = store
        .buildings_with_points()
        .await?
        .into_iter()
        .filter_map(|p| BuildingPoint::from_premises(&p))
        .collect();
    Ok((grids, buildings))
}

impl AppState {
    /// Loads what the in-memory indexes need from `store`, builds them, and starts the automatic
    /// 督办 (every minute) and the case layer's refresh: what the server runs on.
    pub async fn load(store: Store, vault: IdVault) -> Result<AppState, StartError> {
        let state = AppState::build(store, vault).await?;
        state
            .desk
            .spawn_supervision(state.store.clone(), Duration::from_secs(60));
        case_map::spawn_refresh(
            &state.grid_maps,
            state.store.clone(),
            case_map::REFRESH_EVERY,
        );
        grid_maps::spawn_refresh(
            &state.grid_maps,
            state.store.clone(),
            grid_maps::REFRESH_EVERY,
        );
        case_search::spawn_refresh(
            &state.search,
            state.store.clone(),
            case_search::REFRESH_EVERY,
        );
        Ok(state)
    }

    /// [`AppState::load`] without the automatic 督办: for tools that take cases in (the bulk
    /// import) and must change no other case.
    pub async fn build(store: Store, vault: IdVault) -> Result<AppState, StartError> {
        let sealed = store.seal_plain_ids(&vault).await?;
        if sealed > 0 {
            tracing::info!(
                sealed,
                "sealed ID numbers stored in clear before this release"
            );
        }
        let gazetteer = Arc::new(gazetteer(&store).await?);
        // The spatial indexes build on a blocking thread while the matcher reads and builds.
        let (maps, matcher) = tokio::join!(grid_maps::GridMaps::build(&store), match_index(&store));
        let (maps, matcher) = (maps?, matcher?);
        tracing::info!(
            cells = maps.locator.cell_count(),
            "spatial index and tiles ready"
        );
        let district_name = store
            .divisions(None)
            .await?
            .into_iter()
            .next()
            .map(|d| d.name);
        let desk = desk::CaseDesk::start(store.clone())?;
        desk.apply_calendar_days(&store.calendar_days().await?)?;
        desk.apply_routing_lines(&store.routing_lines().await?)?;
        let learned = desk.learn_categories(&store, 50_000).await?;
        tracing::info!(
            categories = learned,
            "category model learned from closed cases"
        );
        let stats = matcher.stats();
        tracing::info!(
            premises = stats.premises,
            names = stats.names,
            heap_mb = stats.heap_bytes / 1_000_000,
            "address matcher ready"
        );
        let started = std::time::Instant::now();
        let search = Arc::new(
            yiwang_index::CaseSearch::new()
                .map_err(|e| StartError::Search(case_search::CatchUpError::Index(e)))?,
        );
        // Both read every case: one indexes texts on a blocking thread while the other reads.
        let mut kpi_facts = KpiFacts::default();
        let (indexed, facts_read) = tokio::join!(
            case_search::catch_up(&search, &store),
            store.refresh_kpi_facts(&mut kpi_facts)
        );
        tracing::info!(
            cases = indexed?,
            kpi_facts = facts_read?,
            seconds = started.elapsed().as_secs_f64(),
            "case search index and KPI facts ready"
        );
        let vault = Arc::new(vault);
        let matcher = Arc::new(matcher);
        let registrar = registry::Registrar::new(
            store.clone(),
            vault.clone(),
            matcher.clone(),
            gazetteer.clone(),
        );
        let verification_rules = Arc::new(verification_rules_from_env()?);
        Ok(AppState {
            verification_rules,
            vault,
            registrar,
            store,
            grid_maps: Arc::new(grid_maps::GridHolder::new(maps)),
            search,
            kpi_facts: Arc::new(tokio::sync::Mutex::new(kpi_facts)),
            sessions: Arc::default(),
            gazetteer,
            desk,
            district_name,
            matcher,
            open311: Open311Config::from_env(),
        })
    }

    /// The grid's indexes now (a request keeps the version it took).
    pub fn grid(&self) -> Arc<grid_maps::GridMaps> {
        self.grid_maps.current()
    }

    /// The KPI facts, brought up to date with the store and held until the guard is dropped.
    pub async fn current_kpi_facts(
        &self,
    ) -> Result<tokio::sync::MutexGuard<'_, KpiFacts>, yiwang_store::StoreError> {
        let mut facts = self.kpi_facts.lock().await;
        self.store.refresh_kpi_facts(&mut facts).await?;
        Ok(facts)
    }

    /// Takes a case in now, as `actor`: enriched by the desk (premises, grid, category,
    /// deadline, route, repeat check) and committed by the intake writer. Returns the case as
    /// stored (as first stored, when `idempotency` replays a key) and how it was enriched.
    pub async fn take_case(
        &self,
        mut request: desk::IntakeRequest,
        actor: String,
        idempotency: Option<yiwang_store::IdempotencyKey>,
    ) -> Result<(yiwang_store::Intake, desk::Enrichment), yiwang_store::StoreError> {
        let attachments = std::mem::take(&mut request.attachments);
        let (case, enrichment) = self
            .desk
            .prepare(
                request,
                &self.grid().locator,
                &self.store,
                chrono::Utc::now(),
            )
            .await?;
        let intake = self
            .desk
            .submit(yiwang_store::NewCase {
                case,
                actor,
                idempotency,
                attachments,
            })
            .await?;
        Ok((intake, enrichment))
    }

    /// Matches an address to the premises registry with the address matcher: the best
    /// candidate that names a premises, if its score reaches [`ADDRESS_MATCH_THRESHOLD`].
    pub async fn resolve_address(
        &self,
        address: &str,
    ) -> Result<Option<AddressMatch>, yiwang_store::StoreError> {
        let best = self
            .matcher
            .find(address, &self.gazetteer, 1)
            .into_iter()
            .next()
            .filter(|c| c.score >= ADDRESS_MATCH_THRESHOLD);
        let Some((candidate, id)) = best.and_then(|c| c.premises_id.map(|id| (c, id))) else {
            return Ok(None);
        };
        let Some(premises) = self.store.premises_record(id).await? else {
            return Ok(None);
        };
        self.premises_match(premises, candidate.score, candidate.level.as_str())
            .await
            .map(Some)
    }

    /// A premises of the registry by id (Open311 `address_id`), with its point (or its nearest
    /// ancestor's).
    pub async fn premises_by_id(
        &self,
        id: i64,
    ) -> Result<Option<AddressMatch>, yiwang_store::StoreError> {
        match self.store.premises_record(id).await? {
            Some(found) => {
                let level = found.kind.as_str();
                self.premises_match(found.clone(), 1.0, level)
                    .await
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    async fn premises_match(
        &self,
        premises: yiwang_core::model::Premises,
        score: f64,
        level: &str,
    ) -> Result<AddressMatch, yiwang_store::StoreError> {
        let mut point = premises.lon.zip(premises.lat);
        let mut parent = premises.parent_id;
        while point.is_none() {
            let Some(id) = parent else { break };
            let Some(up) = self.store.premises_record(id).await? else {
                break;
            };
            point = up.lon.zip(up.lat);
            parent = up.parent_id;
        }
        Ok(AddressMatch {
            premises_id: premises.id,
            standard_address: premises.standard_address,
            point,
            score,
            level: level.to_owned(),
        })
    }
}

/// Largest request body accepted (a batch of 10,000 addresses fits comfortably).
const BODY_LIMIT: usize = 16 * 1024 * 1024;
/// Largest file a registry import takes over HTTP (a district's persons, ≈1.1 million rows).
const UPLOAD_LIMIT: usize = 512 * 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The complete router: public routes, the protected API behind a session check, docs, and a
/// problem+json fallback for unknown paths.
pub fn app(state: AppState) -> Router {
    let limited = |router: Router<AppState>, limit: usize| {
        router
            .layer(axum::extract::DefaultBodyLimit::max(limit))
            .layer(RequestBodyLimitLayer::new(limit))
    };
    let session = || middleware::from_fn_with_state(state.clone(), auth::require_session);
    Router::new()
        .merge(limited(routes::public(), BODY_LIMIT))
        .merge(limited(routes::protected().layer(session()), BODY_LIMIT))
        .merge(limited(routes::uploads().layer(session()), UPLOAD_LIMIT))
        .merge(openapi::docs())
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .with_state(state)
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // Only method, path and id: query strings may carry personal data.
                tracing::info_span!("http", method = %request.method(), path = %request.uri().path(), request_id = %id)
            })
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Serves `app(state)` on `addr` until SIGTERM or Ctrl-C, then drains requests in flight.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let store = state.store.clone();
    tracing::info!(%addr, "yiwang listening on http://{addr}");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tokio::time::timeout(Duration::from_secs(5), store.close())
        .await
        .ok();
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
