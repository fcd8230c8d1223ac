//! The responsibility matrix (派单目录 / 权责清单): read it, and edit it by CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::intake::routing::CSV_HEADER;
use yiwang_core::intake::{ResponsibilityMatrix, RouteRule, Target};

use super::extract::{AppJson, AppQuery};
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};

/// `format=json` (default) or `format=csv`.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct FormatQuery {
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// One rule.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct RuleDto {
    /// `component` or `event`.
    kind: String,
    /// 4-digit subclass code.
    subclass_code: String,
    /// The street the rule is limited to, or null for the whole district.
    street_code: Option<String>,
    /// Lead body: a department code, or `属地街镇` (the case's street office).
    lead: String,
    /// Assisting bodies, likewise.
    assisting: Vec<String>,
}

fn target(t: &Target) -> String {
    match t {
        Target::Department(code) => code.clone(),
        Target::LocalStreet => "属地街镇".to_owned(),
    }
}

fn dto(r: &RouteRule) -> RuleDto {
    RuleDto {
        kind: r.kind.as_str().to_owned(),
        subclass_code: r.subclass_code.clone(),
        street_code: r.street_code.clone(),
        lead: target(&r.lead),
        assisting: r.assisting.iter().map(target).collect(),
    }
}

fn matrix_error() -> ApiError {
    ApiError::new(Code::Internal, "routing lock poisoned")
}

/// The matrix in force: the category catalogue's defaults with the district's edits, as JSON
/// rules or as the CSV that `POST /api/v1/routing` takes.
#[utoipa::path(get, path = "/api/v1/routing", tag = "cases", security(("bearer" = [])), params(FormatQuery),
    responses((status = 200, body = [RuleDto], description = "rules, or text/csv with format=csv")))]
pub(crate) async fn show(
    State(state): State<AppState>,
    _: Need<perm::ReadDepartments>,
    AppQuery(q): AppQuery<FormatQuery>,
) -> ApiResult<Response> {
    let matrix = state.desk.matrix.read().map_err(|_| matrix_error())?;
    match q.format.as_deref() {
        None | Some("json") => {
            let rules: Vec<RuleDto> = matrix.rules().into_iter().map(dto).collect();
            Ok(axum::Json(rules).into_response())
        }
        Some("csv") => Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            matrix.to_csv(),
        )
            .into_response()),
        Some(other) => Err(ApiError::new(
            Code::InvalidQuery,
            format!("`format` `{other}` is not json or csv"),
        )),
    }
}

/// Rules to add or replace, as CSV.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct RoutingEdit {
    /// CSV with the header `kind,subclass_code,street_code,lead,assisting`; `assisting` separated
    /// by `;`; `属地街镇` for the case's street office; an empty street for the whole district.
    csv: String,
}

/// What an edit did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct RoutingEdited {
    /// Rules added or replaced.
    changed: usize,
}

/// Adds or replaces rules of the matrix. Every line is checked first (kind, codes, known
/// departments, never a residents' committee); if any is wrong, nothing changes and every wrong
/// line is reported. Kept in the database and audited; cases are routed by it from now on.
#[utoipa::path(post, path = "/api/v1/routing", tag = "cases", security(("bearer" = [])),
    request_body = RoutingEdit,
    responses((status = 200, body = RoutingEdited), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem)))]
pub(crate) async fn edit(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ManageReferenceData>,
    AppJson(req): AppJson<RoutingEdit>,
) -> ApiResult<axum::Json<RoutingEdited>> {
    let rules = {
        let matrix = state.desk.matrix.read().map_err(|_| matrix_error())?;
        matrix.parse_csv(&req.csv).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            ApiError::new(Code::InvalidRequest, lines.join("; "))
        })?
    };
    if rules.is_empty() {
        return Err(ApiError::new(
            Code::InvalidRequest,
            format!("no rules below the header `{CSV_HEADER}`"),
        ));
    }
    let lines: Vec<(String, String)> = rules
        .iter()
        .map(|r| {
            (
                format!(
                    "{}:{}:{}",
                    r.kind.as_str(),
                    r.subclass_code,
                    r.street_code.as_deref().unwrap_or("")
                ),
                ResponsibilityMatrix::csv_line(r),
            )
        })
        .collect();
    state
        .store
        .set_routing_lines(&lines, caller.username())
        .await?;
    let mut matrix = state.desk.matrix.write().map_err(|_| matrix_error())?;
    let changed = rules.len();
    for r in rules {
        matrix
            .set(r)
            .map_err(|e| ApiError::new(Code::InvalidRequest, e.to_string()))?;
    }
    Ok(axum::Json(RoutingEdited { changed }))
}
