//! The registries over HTTP: import a snapshot (CSV or XLSX), review change sets, roll back.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::disclosure::{
    attesting_ends, may_review_registry, may_roll_back_registry, registry_row_for_review,
};
use yiwang_core::registry::RegistryKind;
use yiwang_core::role::{Permission, roles_allow};
use yiwang_store::{ChangeSetSummary, StoreError};

use super::extract::{AppPath, AppQuery};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Code};
use crate::registry::{DEFAULT_MIN_SCORE, ImportError, ImportReport, ImportRequest, report_xlsx};
use crate::tabular::{TableFormat, read_table};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Most change entries one review page returns.
const MAX_PAGE: i64 = 1_000;

/// How to import.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ImportQuery {
    /// Who the snapshot comes from (公安, 房管, 市场监管, a street office, …): the change set
    /// is computed against this source's previous snapshot.
    source: String,
    /// Check, place and compare only; write nothing.
    #[serde(default)]
    dry_run: bool,
    /// The file's name (for the report and the change set); its extension picks the format
    /// when the content type does not.
    file_name: Option<String>,
    /// Lowest address-match score accepted (0–1, default 0.8).
    min_score: Option<f64>,
}

fn parse_kind(kind: &str) -> ApiResult<RegistryKind> {
    kind.parse().map_err(|_| {
        ApiError::new(
            Code::NotFound,
            format!("no registry `{kind}`; use persons, housing, units or attestations"),
        )
    })
}

/// Imports a snapshot of one registry from one source. The body is the file: CSV (UTF-8,
/// `text/csv`) or a workbook (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`).
/// Every row is checked and its address placed on a premises; bad rows are reported with their
/// line and reason and the good ones kept. The change set against the source's previous
/// snapshot (added / changed / gone) is applied in one transaction and kept for review and
/// rollback. Persons, housing and units need `write_registries`; attestations are written by
/// each 住所云 end for itself only. Ask for `Accept: …spreadsheetml.sheet` to get the report as
/// a workbook.
#[utoipa::path(post, path = "/api/v1/registries/{kind}/imports", tag = "registries",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "persons, housing, units or attestations"), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "the file"),
    responses((status = 201, body = ImportReport, description = "imported"),
        (status = 200, body = ImportReport, description = "dry run"),
        (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(kind): AppPath<String>,
    AppQuery(q): AppQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let kind = parse_kind(&kind)?;
    let allowed_ends = if kind == RegistryKind::Attestations {
        let ends = attesting_ends(caller.roles());
        if ends.is_empty() {
            return Err(ApiError::new(
                Code::PermissionDenied,
                "attestations are written by the 住所云 ends (审批, 管理, 物业, 营商); your roles are none of them",
            ));
        }
        Some(ends)
    } else {
        if !roles_allow(caller.roles(), Permission::WriteRegistries) {
            return Err(ApiError::new(
                Code::PermissionDenied,
                format!("importing {} needs `write_registries`", kind.name_zh()),
            ));
        }
        None
    };
    let min_score = q.min_score.unwrap_or(DEFAULT_MIN_SCORE);
    if !(0.0..=1.0).contains(&min_score) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "`min_score` must be between 0 and 1",
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let format = if content_type.starts_with("text/csv") {
        TableFormat::Csv
    } else if content_type.starts_with(XLSX) || content_type.starts_with("application/vnd.ms-excel")
    {
        TableFormat::Workbook
    } else {
        q.file_name
            .as_deref()
            .and_then(TableFormat::from_file_name)
            .ok_or_else(|| {
                ApiError::new(
                    Code::InvalidRequest,
                    "send the file as text/csv or as an XLSX workbook (or name it with `file_name=….csv|.xlsx`)",
                )
            })?
    };
    if body.is_empty() {
        return Err(ApiError::new(Code::InvalidRequest, "the file is empty"));
    }
    let file_name = q.file_name.clone().unwrap_or_else(|| {
        format!(
            "{}.{}",
            kind.as_str(),
            if format == TableFormat::Csv {
                "csv"
            } else {
                "xlsx"
            }
        )
    });
    let table = read_table(&body, format)
        .map_err(|e| ApiError::new(Code::InvalidRequest, format!("{file_name}: {e}")))?;
    let request = ImportRequest {
        kind,
        source: q.source.clone(),
        file_name,
        actor: caller.username().to_owned(),
        dry_run: q.dry_run,
        min_score,
        allowed_ends,
    };
    let report = state
        .registrar
        .import(&request, table, chrono::Utc::now(), &|_, _| {})
        .await
        .map_err(|e| match e {
            ImportError::MissingColumns(_) => ApiError::new(Code::InvalidRequest, e.to_string()),
            ImportError::BadSource => ApiError::new(Code::InvalidQuery, e.to_string()),
            ImportError::Store(s) => s.into(),
        })?;
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let wants_xlsx = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(XLSX));
    if wants_xlsx {
        let bytes = report_xlsx(&report)
            .map_err(|e| ApiError::new(Code::Internal, format!("cannot write the report: {e}")))?;
        return Ok((status, [(header::CONTENT_TYPE, XLSX)], bytes).into_response());
    }
    Ok((status, axum::Json(report)).into_response())
}

/// Which change sets to list.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ChangeSetsQuery {
    /// Only this registry.
    kind: Option<String>,
    /// At most this many, newest first (default 50).
    limit: Option<i64>,
}

/// A change set as listed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChangeSetDto {
    /// Identifier.
    id: i64,
    /// Registry.
    kind: String,
    /// Source of the snapshot.
    source: String,
    /// File name.
    file_name: String,
    /// When.
    imported_at: chrono::DateTime<chrono::Utc>,
    /// By whom.
    imported_by: String,
    /// Accepted rows in the file.
    rows_total: i64,
    /// Added.
    added: i64,
    /// Changed.
    changed: i64,
    /// Unchanged.
    unchanged: i64,
    /// Gone.
    gone: i64,
    /// Rows of the file refused.
    rejected: i64,
    /// Of them, repeats of an earlier line's key.
    duplicates: i64,
    /// Of them, rows whose address was not placed.
    unplaced: i64,
    /// `applied` or `rolled_back`.
    state: String,
    /// When it was rolled back.
    rolled_back_at: Option<chrono::DateTime<chrono::Utc>>,
    /// By whom.
    rolled_back_by: Option<String>,
}

impl From<ChangeSetSummary> for ChangeSetDto {
    fn from(s: ChangeSetSummary) -> Self {
        ChangeSetDto {
            id: s.id,
            kind: s.kind,
            source: s.source,
            file_name: s.file_name,
            imported_at: s.imported_at,
            imported_by: s.imported_by,
            rows_total: s.rows_total,
            added: s.added,
            changed: s.changed,
            unchanged: s.unchanged,
            gone: s.gone,
            rejected: s.rejected,
            duplicates: s.duplicates,
            unplaced: s.unplaced,
            state: s.state,
            rolled_back_at: s.rolled_back_at,
            rolled_back_by: s.rolled_back_by,
        }
    }
}

fn need_review(caller: &Caller) -> ApiResult<()> {
    if may_review_registry(caller.roles()) {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::PermissionDenied,
            "reviewing registry change sets is for data officers and street data staff",
        ))
    }
}

/// Registry change sets, newest first.
#[utoipa::path(get, path = "/api/v1/registries/change-sets", tag = "registries",
    security(("bearer" = [])), params(ChangeSetsQuery),
    responses((status = 200, body = [ChangeSetDto]), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn change_sets(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<ChangeSetsQuery>,
) -> ApiResult<axum::Json<Vec<ChangeSetDto>>> {
    need_review(&caller)?;
    let kind = q.kind.as_deref().map(parse_kind).transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, 1_000);
    let sets = state.store.change_sets(kind, limit).await?;
    Ok(axum::Json(sets.into_iter().map(Into::into).collect()))
}

/// Which part of a change set to show.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct PageQuery {
    /// Skip this many changed/gone rows (key order).
    offset: Option<i64>,
    /// Show at most this many (default 100, at most 1,000).
    limit: Option<i64>,
}

/// One changed or removed row, as a reviewer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChangeDto {
    /// `changed` or `gone`.
    op: String,
    /// The columns whose values differ (`changed`).
    fields: Vec<String>,
    /// The row before, personal columns masked and sealed ones left out.
    #[schema(value_type = Object)]
    before: Map<String, Value>,
}

/// A change set with a page of its changed and removed rows.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChangeSetDetail {
    /// The change set.
    change_set: ChangeSetDto,
    /// Changed and removed rows, in key order.
    changes: Vec<ChangeDto>,
}

fn not_found(id: i64) -> ApiError {
    ApiError::new(Code::NotFound, format!("no registry change set {id}"))
}

/// A change set and a page of the rows it changed or removed (masked).
#[utoipa::path(get, path = "/api/v1/registries/change-sets/{id}", tag = "registries",
    security(("bearer" = [])), params(("id" = i64, Path, description = "change set"), PageQuery),
    responses((status = 200, body = ChangeSetDetail), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn change_set(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<PageQuery>,
) -> ApiResult<axum::Json<ChangeSetDetail>> {
    need_review(&caller)?;
    let set = state
        .store
        .change_set(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let entries = state
        .store
        .change_entries(
            id,
            q.offset.unwrap_or(0).max(0),
            q.limit.unwrap_or(100).clamp(1, MAX_PAGE),
        )
        .await?;
    Ok(axum::Json(ChangeSetDetail {
        change_set: set.into(),
        changes: entries
            .into_iter()
            .map(|e| ChangeDto {
                op: e.op,
                fields: e.fields,
                before: registry_row_for_review(&e.before),
            })
            .collect(),
    }))
}

/// Rolls a change set back: the rows it added go, the rows it changed or removed come back as
/// they were. Only the latest applied change set of a registry can be rolled back. Audited.
#[utoipa::path(post, path = "/api/v1/registries/change-sets/{id}/rollback", tag = "registries",
    security(("bearer" = [])), params(("id" = i64, Path, description = "change set")),
    responses((status = 200, body = ChangeSetDto), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub(crate) async fn rollback(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<i64>,
) -> ApiResult<axum::Json<ChangeSetDto>> {
    if !may_roll_back_registry(caller.roles()) {
        return Err(ApiError::new(
            Code::PermissionDenied,
            "rolling a registry change set back is for data officers (admin, district CDO, data specialist)",
        ));
    }
    state
        .store
        .change_set(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    match state
        .store
        .rollback_change_set(id, caller.username(), chrono::Utc::now())
        .await
    {
        Ok(set) => Ok(axum::Json(set.into())),
        Err(StoreError::Stale(why)) => Err(ApiError::new(Code::RollbackRefused, why)),
        Err(e) => Err(e.into()),
    }
}

/// How to group the quality report.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct QualityQuery {
    /// `district` (default), `street` or `source`.
    by: Option<String>,
    /// `json` (default) or `xlsx`.
    format: Option<String>,
}

/// One snapshot in the trend: how good the file was and how much it moved the registry.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SnapshotTrend {
    /// Change set.
    change_set_id: i64,
    /// Source.
    source: String,
    /// When.
    imported_at: chrono::DateTime<chrono::Utc>,
    /// Rows read.
    read: i64,
    /// Share of rows accepted.
    validity: Option<f64>,
    /// Share of rows with a key of their own.
    uniqueness: Option<f64>,
    /// Added, changed, gone.
    added: i64,
    /// Changed.
    changed: i64,
    /// Gone.
    gone: i64,
}

/// The quality report of one registry.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QualityReport {
    /// Registry.
    kind: String,
    /// How the groups are formed.
    by: String,
    /// Target of the accuracy lower bound (0.9).
    accuracy_target: f64,
    /// Rows written within this many days count as timely.
    fresh_days: i64,
    /// One entry per group.
    #[schema(value_type = Vec<Object>)]
    groups: Vec<yiwang_core::registry::quality::Quality>,
    /// The latest snapshots (up to 26), newest first.
    trend: Vec<SnapshotTrend>,
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Data quality of a registry per district, street or source: completeness, validity,
/// uniqueness, consistency, timeliness and field-verified accuracy with its one-sided 95%
/// Wilson lower bound, and the trend over the latest snapshots. JSON or XLSX.
#[utoipa::path(get, path = "/api/v1/registries/{kind}/quality", tag = "registries",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "persons, housing, units or attestations"), QualityQuery),
    responses((status = 200, body = QualityReport), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn quality(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(kind): AppPath<String>,
    AppQuery(q): AppQuery<QualityQuery>,
) -> ApiResult<Response> {
    use yiwang_core::registry::quality::{
        ACCURACY_TARGET, FRESH_DAYS, MIN_AREA_PER_RESIDENT_M2, quality,
    };
    use yiwang_store::QualityGrouping;
    need_review(&caller)?;
    let kind = parse_kind(&kind)?;
    let by = q.by.as_deref().unwrap_or("district");
    let grouping = match by {
        "district" => QualityGrouping::District,
        "street" => QualityGrouping::Street,
        "source" => QualityGrouping::Source,
        other => {
            return Err(ApiError::new(
                Code::InvalidQuery,
                format!("`by` `{other}` is not district, street or source"),
            ));
        }
    };
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "xlsx"].contains(&format) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("`format` `{format}` is not json or xlsx"),
        ));
    }
    let now = chrono::Utc::now();
    let counts = state
        .store
        .registry_quality_counts(
            kind,
            grouping,
            now - chrono::Duration::days(FRESH_DAYS),
            MIN_AREA_PER_RESIDENT_M2,
        )
        .await?;
    let trend = state
        .store
        .change_sets(Some(kind), 26)
        .await?
        .into_iter()
        .filter(|s| s.state == "applied")
        .map(|s| SnapshotTrend {
            change_set_id: s.id,
            validity: share(s.rows_total - s.rejected, s.rows_total),
            uniqueness: share(s.rows_total - s.duplicates, s.rows_total),
            source: s.source,
            imported_at: s.imported_at,
            read: s.rows_total,
            added: s.added,
            changed: s.changed,
            gone: s.gone,
        })
        .collect();
    let report = QualityReport {
        kind: kind.as_str().to_owned(),
        by: by.to_owned(),
        accuracy_target: ACCURACY_TARGET,
        fresh_days: FRESH_DAYS,
        groups: counts.iter().map(quality).collect(),
        trend,
    };
    if format == "xlsx" {
        let bytes = quality_xlsx(&report)
            .map_err(|e| ApiError::new(Code::Internal, format!("cannot write the report: {e}")))?;
        return Ok(([(header::CONTENT_TYPE, XLSX)], bytes).into_response());
    }
    Ok(axum::Json(report).into_response())
}

fn quality_xlsx(report: &QualityReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let pct = rust_xlsxwriter::Format::new().set_num_format("0.0%");
    let sheet = book.add_worksheet().set_name("数据质量 quality")?;
    let headers = [
        "分组 group",
        "记录数 rows",
        "完整性 completeness",
        "有效性 validity",
        "唯一性 uniqueness",
        "一致性 consistency",
        "及时性 timeliness",
        "核查数 verified",
        "准确率 accuracy",
        "准确率95%下限 lower bound",
        "达标(>90%) meets target",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, g) in report.groups.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, &g.group)?;
        sheet.write_number(r, 1, g.rows as f64)?;
        let shares = [
            g.completeness,
            g.validity,
            g.uniqueness,
            g.consistency,
            g.timeliness,
        ];
        for (c, v) in shares.iter().enumerate() {
            if let Some(v) = v {
                sheet.write_number_with_format(r, c as u16 + 2, *v, &pct)?;
            }
        }
        sheet.write_number(r, 7, g.verified as f64)?;
        for (c, v) in [(8u16, g.accuracy), (9, g.accuracy_lower_95)] {
            if let Some(v) = v {
                sheet.write_number_with_format(r, c, v, &pct)?;
            }
        }
        if let Some(m) = g.meets_accuracy_target {
            sheet.write_string(r, 10, if m { "是 yes" } else { "否 no" })?;
        }
    }
    let trend = book.add_worksheet().set_name("快照趋势 trend")?;
    let headers = [
        "变更集 change set",
        "来源 source",
        "导入时间 imported",
        "读入 read",
        "有效性 validity",
        "唯一性 uniqueness",
        "新增 added",
        "变更 changed",
        "消失 gone",
    ];
    for (c, h) in headers.iter().enumerate() {
        trend.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, t) in report.trend.iter().enumerate() {
        let r = i as u32 + 1;
        trend.write_number(r, 0, t.change_set_id as f64)?;
        trend.write_string(r, 1, &t.source)?;
        trend.write_string(r, 2, t.imported_at.to_rfc3339())?;
        trend.write_number(r, 3, t.read as f64)?;
        for (c, v) in [(4u16, t.validity), (5, t.uniqueness)] {
            if let Some(v) = v {
                trend.write_number_with_format(r, c, v, &pct)?;
            }
        }
        trend.write_number(r, 6, t.added as f64)?;
        trend.write_number(r, 7, t.changed as f64)?;
        trend.write_number(r, 8, t.gone as f64)?;
    }
    book.save_to_buffer()
}

/// Which rows to sample.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SampleQuery {
    /// How many (default 20, at most 1,000).
    n: Option<i64>,
    /// Only this street (9-digit code).
    street: Option<String>,
}

/// A sampled row to verify on site.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SampledRow {
    /// What to send back with the verdict.
    r#ref: String,
    /// The premises' standard address.
    address: Option<String>,
    /// Street code.
    street_code: Option<String>,
    /// The row as held, personal columns masked.
    #[schema(value_type = Object)]
    fields: Map<String, Value>,
}

fn need_field_work(caller: &Caller) -> ApiResult<()> {
    if roles_allow(caller.roles(), Permission::WriteRegistries) {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::PermissionDenied,
            "field verification is for grid workers and street or data staff (`write_registries`)",
        ))
    }
}

/// A random sample of a registry's rows for field verification (上门核查), masked.
#[utoipa::path(get, path = "/api/v1/registries/{kind}/sample", tag = "registries",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "persons, housing, units or attestations"), SampleQuery),
    responses((status = 200, body = [SampledRow]), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn sample(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(kind): AppPath<String>,
    AppQuery(q): AppQuery<SampleQuery>,
) -> ApiResult<axum::Json<Vec<SampledRow>>> {
    need_field_work(&caller)?;
    let kind = parse_kind(&kind)?;
    let n = q.n.unwrap_or(20).clamp(1, 1_000);
    let rows = state
        .store
        .registry_sample(kind, q.street.as_deref(), n)
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|(key, fields, address, street_code)| SampledRow {
                r#ref: key,
                address,
                street_code,
                fields: registry_row_for_review(&fields),
            })
            .collect(),
    ))
}

/// A verdict from the field.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct VerificationRequest {
    /// The sampled row's `ref`.
    r#ref: String,
    /// Whether the row matched what was found on site.
    correct: bool,
    /// Columns found wrong (when not correct).
    #[serde(default)]
    wrong_fields: Vec<String>,
    /// Notes.
    note: Option<String>,
}

/// Records a field verification of a sampled row: the evidence behind the accuracy figure.
#[utoipa::path(post, path = "/api/v1/registries/{kind}/verifications", tag = "registries",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "persons, housing, units or attestations")),
    request_body = VerificationRequest,
    responses((status = 201, description = "recorded"), (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub(crate) async fn verify_row(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(kind): AppPath<String>,
    super::extract::AppJson(req): super::extract::AppJson<VerificationRequest>,
) -> ApiResult<StatusCode> {
    need_field_work(&caller)?;
    let kind = parse_kind(&kind)?;
    if !req.correct && req.wrong_fields.is_empty() {
        return Err(ApiError::new(
            Code::InvalidRequest,
            "a row found wrong needs `wrong_fields`: the columns that did not match",
        ));
    }
    if req.note.as_ref().is_some_and(|n| n.chars().count() > 1_000) {
        return Err(ApiError::new(
            Code::InvalidRequest,
            "`note` is longer than 1,000 characters",
        ));
    }
    let recorded = state
        .store
        .record_verification(&yiwang_store::NewVerification {
            kind,
            key: req.r#ref.clone(),
            correct: req.correct,
            wrong_fields: if req.correct {
                Vec::new()
            } else {
                req.wrong_fields
            },
            note: req.note.map(|n| yiwang_core::mask_numbers_in_text(&n)),
            verified_by: caller.username().to_owned(),
            verified_at: chrono::Utc::now(),
        })
        .await?;
    if recorded {
        Ok(StatusCode::CREATED)
    } else {
        Err(ApiError::new(
            Code::NotFound,
            format!("no {} row with ref `{}`", kind.as_str(), req.r#ref),
        ))
    }
}
