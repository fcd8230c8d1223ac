//! The OpenAPI 3.1 document and the vendored Swagger UI.

use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;
use crate::error::Code;
use crate::routes::{
    accounts, address, auth, boundaries, calendar, cases, group_rentals, kpi, locate, open311,
    places, premises, registries, routing, system, tiles, verify,
};

/// The API description served at `/api/v1/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(title = "yiwang API", description = "District digital-governance platform (一网统管 / 一网通办)."),
    paths(
        system::healthz, system::stats, system::audit,
        auth::login, auth::logout, auth::me,
        accounts::list, accounts::create, accounts::create_api_key, accounts::list_api_keys,
        accounts::revoke_api_key,
        places::divisions, places::division, places::grids, places::grid, places::history, boundaries::import, places::check, places::departments,
        locate::locate, tiles::tile, address::parse_addresses, address::match_addresses,
        premises::one, premises::children, premises::registers, premises::search, verify::verify,
        cases::create, cases::preview, cases::list, cases::one, cases::act, cases::categories, calendar::deadline, calendar::show, calendar::set_days, routing::show, routing::edit,
        kpi::kpis, kpi::role_kpis, kpi::problem_lists,
        registries::import, registries::change_sets, registries::change_set, registries::rollback,
        registries::quality, registries::sample, registries::verify_row,
        group_rentals::list, group_rentals::open_case,
        open311::discovery, open311::services, open311::service_definition, open311::create_request,
        open311::list_requests, open311::one_request, open311::token,
    ),
    components(schemas(crate::error::Problem)),
    modifiers(&Security, &ErrorTable),
    tags(
        (name = "system", description = "Health, statistics, audit"),
        (name = "auth", description = "Login and sessions"),
        (name = "accounts", description = "Account administration"),
        (name = "places", description = "Divisions, grids, departments"),
        (name = "premises", description = "Premises registry (住所云)"),
        (name = "address", description = "Chinese address parsing and matching to the premises registry"),
        (name = "cases", description = "Case loop: intake, queues, workflow actions (GB/T 30428 + 12345), time limits"),
        (name = "kpis", description = "KPIs (按期结案率, 结案率, 返工率, 满意率, 解决率, 重复率, average times) per street, 片区, 居民区, 网格, department, source or month, as JSON, CSV or XLSX; the problem lists of a 片区 (急难愁盼, 治理瓶颈)"),
        (name = "registries", description = "The registries of actual population, housing and units (三个实有) and 住所云 attestations: snapshot imports from CSV or XLSX with every bad row reported, weekly change sets (added / changed / gone) for review and rollback; ID numbers sealed at rest and shown masked"),
        (name = "open311", description = "Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): JSON (bare arrays, ids as strings) or XML by the path suffix; errors are lists of {code, description} with 400/403/404; reads are public (no reporter, numbers in text masked) unless the jurisdiction switches them off; POST needs an `api_key` issued to an account"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Appends the error-code table to the API description.
struct ErrorTable;

impl Modify for ErrorTable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut table = String::from(
            "\n\nErrors are `application/problem+json` (RFC 9457) with a stable `code`:\n\n| code | status | meaning |\n|---|---|---|\n",
        );
        for code in Code::ALL {
            table.push_str(&format!(
                "| `{}` | {} | {} |\n",
                code.as_str(),
                code.status().as_u16(),
                code.title()
            ));
        }
        let description = openapi.info.description.get_or_insert_with(String::new);
        description.push_str(&table);
    }
}

pub(crate) fn docs() -> Router<AppState> {
    Router::new()
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/openapi.json", ApiDoc::openapi()))
}
