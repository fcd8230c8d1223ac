//! Route table: which paths are public, which need a session, and the handlers behind them.

pub(crate) mod accounts;
pub(crate) mod address;
pub(crate) mod auth;
pub(crate) mod boundaries;
pub(crate) mod calendar;
pub(crate) mod cases;
pub(crate) mod extract;
pub(crate) mod group_rentals;
pub(crate) mod kpi;
pub(crate) mod locate;
pub(crate) mod open311;
pub(crate) mod places;
pub(crate) mod premises;
pub(crate) mod registries;
pub(crate) mod routing;
pub(crate) mod system;
pub(crate) mod tiles;
pub(crate) mod verify;

use axum::Router;
use axum::http::Uri;
use axum::routing::{delete, get, post};

use crate::AppState;
use crate::error::{ApiError, Code};

/// Protected routes that take whole files (registry snapshots): a larger body limit.
pub(crate) fn uploads() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/registries/{kind}/imports",
            post(registries::import),
        )
        .route("/api/v1/grids/boundaries", post(boundaries::import))
}

/// Routes anyone may call.
pub(crate) fn public() -> Router<AppState> {
    Router::new()
        .route("/", get(crate::console::index))
        .route("/assets/{file}", get(crate::console::asset))
        .route("/healthz", get(system::healthz))
        .route("/api/v1/auth/login", post(auth::login))
        // Open311 GeoReport v2: the format is the path's suffix (`services.json`, `services.xml`).
        .route(
            "/open311/v2/{file}",
            get(open311::root_get).post(open311::root_post),
        )
        .route("/open311/v2/services/{file}", get(open311::service_get))
        .route("/open311/v2/requests/{file}", get(open311::request_get))
        .route("/open311/v2/tokens/{file}", get(open311::token_get))
}

/// Routes that need a live session; each handler also names its permission.
pub(crate) fn protected() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stats", get(system::stats))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/me", get(auth::me))
        .route(
            "/api/v1/accounts",
            get(accounts::list).post(accounts::create),
        )
        .route(
            "/api/v1/accounts/{id}/api-keys",
            post(accounts::create_api_key).get(accounts::list_api_keys),
        )
        .route(
            "/api/v1/accounts/{id}/api-keys/{key_id}",
            delete(accounts::revoke_api_key),
        )
        .route("/api/v1/audit", get(system::audit))
        .route("/api/v1/divisions", get(places::divisions))
        .route("/api/v1/divisions/{code}", get(places::division))
        .route("/api/v1/grids", get(places::grids))
        .route("/api/v1/grids/check", get(places::check))
        .route("/api/v1/grids/{code}", get(places::grid))
        .route("/api/v1/grids/{code}/history", get(places::history))
        .route("/api/v1/departments", get(places::departments))
        .route("/api/v1/locate", get(locate::locate))
        .route("/api/v1/address/parse", post(address::parse_addresses))
        .route("/api/v1/address/match", post(address::match_addresses))
        .route("/tiles/{layer}/{z}/{x}/{file}", get(tiles::tile))
        .route("/api/v1/premises", get(premises::search))
        .route("/api/v1/premises/verify", post(verify::verify))
        .route("/api/v1/premises/{id}", get(premises::one))
        .route("/api/v1/premises/{id}/children", get(premises::children))
        .route("/api/v1/premises/{id}/registers", get(premises::registers))
        .route("/api/v1/cases", get(cases::list).post(cases::create))
        .route("/api/v1/cases/preview", post(cases::preview))
        .route("/api/v1/categories", get(cases::categories))
        .route("/api/v1/cases/{id}", get(cases::one))
        .route("/api/v1/cases/{id}/actions", post(cases::act))
        .route("/api/v1/calendar/deadline", get(calendar::deadline))
        .route("/api/v1/calendar", get(calendar::show))
        .route("/api/v1/routing", get(routing::show).post(routing::edit))
        .route("/api/v1/calendar/days", post(calendar::set_days))
        .route("/api/v1/kpis", get(kpi::kpis))
        .route("/api/v1/kpis/roles", get(kpi::role_kpis))
        .route("/api/v1/problem-lists", get(kpi::problem_lists))
        .route(
            "/api/v1/registries/{kind}/quality",
            get(registries::quality),
        )
        .route("/api/v1/registries/{kind}/sample", get(registries::sample))
        .route(
            "/api/v1/registries/{kind}/verifications",
            post(registries::verify_row),
        )
        .route("/api/v1/registries/group-rentals", get(group_rentals::list))
        .route(
            "/api/v1/registries/group-rentals/{room_id}/case",
            post(group_rentals::open_case),
        )
        .route(
            "/api/v1/registries/change-sets",
            get(registries::change_sets),
        )
        .route(
            "/api/v1/registries/change-sets/{id}",
            get(registries::change_set),
        )
        .route(
            "/api/v1/registries/change-sets/{id}/rollback",
            post(registries::rollback),
        )
}

pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        Code::RouteNotFound,
        format!(
            "no endpoint at `{}`; the API is described at /api/v1/openapi.json",
            uri.path()
        ),
    )
}

pub(crate) async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError::new(
        Code::MethodNotAllowed,
        format!(
            "`{}` does not accept this method; see /api/v1/openapi.json",
            uri.path()
        ),
    )
}
