//! KPIs per group and period (JSON, CSV, XLSX) and the two problem lists of a 片区.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yiwang_core::kpi::{CaseCounts, Kpis, Period, PostCounts, ProblemItem, ProblemLists, percent};
use yiwang_store::KpiGrouping;

use super::extract::AppQuery;
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};

/// China Standard Time, in which dates of the query are read.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Reads `value` as an RFC 3339 instant or a date (`YYYY-MM-DD`, UTC+8); a date is the start
/// of that day, or with `end` the start of the next day (so the day is included).
fn instant(name: &str, value: &str, end: bool) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.with_timezone(&Utc));
    }
    let bad = || {
        ApiError::new(
            Code::InvalidQuery,
            format!("`{name}`: `{value}` is neither a date (2026-01-31) nor an RFC 3339 instant"),
        )
    };
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
    let date = if end {
        date.succ_opt().ok_or_else(bad)?
    } else {
        date
    };
    date.and_hms_opt(0, 0, 0)
        .and_then(|d| china().from_local_datetime(&d).single())
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(bad)
}

/// The period `[from, to)` of a query: by default from 1 January of the current year (UTC+8)
/// to now.
fn period(
    from: Option<&str>,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let from = match from {
        Some(v) => instant("from", v, false)?,
        None => {
            let year = now.with_timezone(&china()).year();
            instant("from", &format!("{year:04}-01-01"), false)?
        }
    };
    let to = match to {
        Some(v) => instant("to", v, true)?,
        None => now,
    };
    if from >= to {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("the period is empty: `from` ({from}) must be before `to` ({to})"),
        ));
    }
    if to - from > chrono::Duration::days(3 * 366) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "the period is longer than three years; ask for shorter periods",
        ));
    }
    Ok((from, to))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct KpiQuery {
    /// Grouping: `street` (default), `area` (片区), `community` (居民区), `grid` (网格),
    /// `department`, `source` or `month` (calendar months in UTC+8). Posts (岗位) are in
    /// `/api/v1/kpis/roles`.
    by: Option<String>,
    /// Start of the period: a date (`2026-01-01`, 00:00 UTC+8) or an RFC 3339 instant. Default:
    /// 1 January of the current year.
    from: Option<String>,
    /// End of the period, exclusive for an instant; a date includes that whole day. Default: now.
    to: Option<String>,
    /// `json` (default), `csv` (UTF-8 with a byte-order mark) or `xlsx`, with Chinese headers.
    format: Option<String>,
}

/// One group's counts and rates.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct KpiRowDto {
    /// Group code (`district` for the total, `YYYY-MM` for months; empty for cases without one).
    group: String,
    /// Group name.
    group_name: String,
    /// The counts (definitions in the schema's field descriptions).
    counts: CaseCounts,
    /// The rates, as fractions in [0, 1]; null when the denominator is 0.
    kpis: Kpis,
}

/// KPIs of every group over a period, and the district total.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct KpiReport {
    /// The grouping.
    by: String,
    /// Start of the period (inclusive).
    from: DateTime<Utc>,
    /// End of the period (exclusive).
    to: DateTime<Utc>,
    /// One row per group, by group code.
    rows: Vec<KpiRowDto>,
    /// The whole district.
    total: KpiRowDto,
}

fn grouping(by: &str) -> Result<KpiGrouping, ApiError> {
    Ok(match by {
        "street" => KpiGrouping::Street,
        "area" => KpiGrouping::Area,
        "community" => KpiGrouping::Community,
        "grid" => KpiGrouping::Grid,
        "department" => KpiGrouping::Department,
        "source" => KpiGrouping::Source,
        "month" => KpiGrouping::Month,
        "role" | "post" => {
            return Err(ApiError::new(
                Code::InvalidQuery,
                "`by=role`: posts (岗位) are judged on the steps they take, not on cases; ask GET /api/v1/kpis/roles",
            ));
        }
        other => {
            return Err(ApiError::new(
                Code::InvalidQuery,
                format!(
                    "`by`: unknown grouping `{other}`; expected one of: street, area, community, grid, department, source, month (for posts, GET /api/v1/kpis/roles)"
                ),
            ));
        }
    })
}

/// The export's columns: Chinese header and the cell of a row.
const HEADERS: [&str; 26] = [
    "分组代码",
    "分组名称",
    "受理数",
    "应结案数",
    "结案数",
    "按期结案数",
    "超期结案数",
    "返工数",
    "解决数",
    "回访数",
    "满意数",
    "基本满意数",
    "不满意数",
    "重复件数",
    "超期未结数",
    "督办数",
    "退单数",
    "退单审核中",
    "跨部门件数",
    "结案率(%)",
    "按期结案率(%)",
    "返工率(%)",
    "满意率(%)",
    "解决率(%)",
    "重复率(%)",
    "平均处置时长(小时)",
];

enum Cell {
    Text(String),
    Number(Option<f64>),
}

#[allow(clippy::cast_precision_loss)]
fn cells(row: &KpiRowDto) -> Vec<Cell> {
    let c = &row.counts;
    let k = &row.kpis;
    let n = |v: i64| Cell::Number(Some(v as f64));
    vec![
        Cell::Text(row.group.clone()),
        Cell::Text(row.group_name.clone()),
        n(c.received),
        n(c.due),
        n(c.closed),
        n(c.closed_on_time),
        n(k.overdue_closed),
        n(c.reworked),
        n(c.resolved),
        n(c.revisited),
        n(c.satisfied),
        n(c.basically_satisfied),
        n(c.unsatisfied),
        n(c.merged_repeats),
        n(c.overdue_open),
        n(c.supervised),
        n(c.returned),
        n(c.disputed),
        n(c.cross_department),
        Cell::Number(percent(k.closed_rate)),
        Cell::Number(percent(k.on_time_closed_rate)),
        Cell::Number(percent(k.rework_rate)),
        Cell::Number(percent(k.satisfaction_rate)),
        Cell::Number(percent(k.resolution_rate)),
        Cell::Number(percent(k.repeat_rate)),
        Cell::Number(
            k.average_handling_hours
                .map(|h| (h * 100.0).round() / 100.0),
        ),
    ]
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The rows of a KPI report as cells: every group, then the district total.
fn report_rows(report: &KpiReport) -> impl Iterator<Item = Vec<Cell>> + '_ {
    report
        .rows
        .iter()
        .chain(std::iter::once(&report.total))
        .map(cells)
}

/// A CSV table (UTF-8 with a byte-order mark, for spreadsheet programs) with Chinese headers.
fn to_csv(headers: &[&str], rows: impl Iterator<Item = Vec<Cell>>) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    for row in rows {
        let line: Vec<String> = row
            .into_iter()
            .map(|c| match c {
                Cell::Text(t) => csv_field(&t),
                Cell::Number(Some(v)) => v.to_string(),
                Cell::Number(None) => String::new(),
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A workbook of one sheet, headers in bold and frozen with the first two columns.
fn to_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    for (col, h) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, col, *h, &bold)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, col, t)?;
                }
                Cell::Number(Some(v)) => {
                    sheet.write_number(r, col, v)?;
                }
                Cell::Number(None) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 2)?;
    book.save_to_buffer()
}

/// The answer in the asked `format`: JSON, or a CSV or XLSX download named `stem`.
fn answer<T: Serialize>(
    format: &str,
    stem: &str,
    body: &T,
    sheet: (&str, &[&str], Vec<Vec<Cell>>),
) -> ApiResult<Response> {
    let (name, headers, rows) = sheet;
    Ok(match format {
        "csv" => download(
            "text/csv; charset=utf-8",
            format!("{stem}.csv"),
            to_csv(headers, rows.into_iter()).into_bytes(),
        ),
        "xlsx" => {
            let bytes = to_xlsx(name, headers, rows.into_iter())
                .map_err(|e| ApiError::new(Code::Internal, format!("xlsx export: {e}")))?;
            download(XLSX, format!("{stem}.xlsx"), bytes)
        }
        _ => Json(body).into_response(),
    })
}

/// The `format` of a report query: `json` (default), `csv` or `xlsx`.
fn report_format(format: Option<&str>) -> Result<&str, ApiError> {
    let format = format.unwrap_or("json");
    if ["json", "csv", "xlsx"].contains(&format) {
        Ok(format)
    } else {
        Err(ApiError::new(
            Code::InvalidQuery,
            format!("`format`: unknown format `{format}`; expected json, csv or xlsx"),
        ))
    }
}

fn download(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// KPIs (按期结案率, 结案率, 返工率, 满意率, 解决率, 重复率, average handling time) of every
/// street, 片区, 居民区, 网格, department, source or month over a period, with the district
/// total; as JSON, CSV or XLSX.
#[utoipa::path(get, path = "/api/v1/kpis", tag = "kpis", params(KpiQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "the report", content(
            (KpiReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem)))]
pub(crate) async fn kpis(
    State(state): State<AppState>,
    _: Need<perm::ReadOverview>,
    AppQuery(q): AppQuery<KpiQuery>,
) -> ApiResult<Response> {
    let by_name = q.by.as_deref().unwrap_or("street");
    let by = grouping(by_name)?;
    let format = report_format(q.format.as_deref())?;
    let now = Utc::now();
    let (from, to) = period(q.from.as_deref(), q.to.as_deref(), now)?;
    let facts = state.current_kpi_facts().await?;
    let rows = state.store.kpi_counts_in(&facts, by, from, to, now).await?;
    // Every case has one street, area, …, source: the rows add up to the district. Not so for
    // months (a case can be due in two), which ask for the total over the whole period.
    let total = if by == KpiGrouping::Month {
        facts.table().total(&Period::new(from, to, now))
    } else {
        let mut total = CaseCounts::default();
        for r in &rows {
            total += r.counts;
        }
        total
    };
    drop(facts);
    let report = KpiReport {
        by: by_name.to_owned(),
        from,
        to,
        rows: rows
            .into_iter()
            .map(|r| KpiRowDto {
                kpis: Kpis::from(&r.counts),
                group: r.group,
                group_name: r.group_name,
                counts: r.counts,
            })
            .collect(),
        total: KpiRowDto {
            group: "district".to_owned(),
            group_name: "全区".to_owned(),
            kpis: Kpis::from(&total),
            counts: total,
        },
    };
    let stem = format!(
        "kpis-{by_name}-{}",
        from.with_timezone(&china()).format("%Y%m%d")
    );
    let rows = report_rows(&report).collect();
    answer(format, &stem, &report, ("KPI", &HEADERS, rows))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ProblemQuery {
    /// The 片区's grid code (12 digits, e.g. `310104003901`).
    area: String,
    /// Start of the period (as for `/api/v1/kpis`). Default: 1 January of the current year.
    from: Option<String>,
    /// End of the period (as for `/api/v1/kpis`). Default: now.
    to: Option<String>,
}

/// The problem lists of a 片区 over a period.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ProblemListsDto {
    /// The 片区's code.
    area: String,
    /// Its name.
    area_name: String,
    /// Start of the period (inclusive).
    from: DateTime<Utc>,
    /// End of the period (exclusive).
    to: DateTime<Utc>,
    /// 急难愁盼: premises and grids with the most cases (at least two), and categories recurring
    /// at the same premises; at most 10 of each kind.
    hot_spots: Vec<ProblemItem>,
    /// 治理瓶颈: overdue cases by department, returned (退单) cases by returning department, and
    /// cross-department cases by returning → handling department; at most 10 of each kind.
    bottlenecks: Vec<ProblemItem>,
}

/// The two problem lists of a 片区: 急难愁盼 (hot spots and recurring problems) and 治理瓶颈
/// (overdue, returned and cross-department cases), each item with its count and example cases.
#[utoipa::path(get, path = "/api/v1/problem-lists", tag = "kpis", params(ProblemQuery), security(("bearer" = [])),
    responses((status = 200, body = ProblemListsDto), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn problem_lists(
    State(state): State<AppState>,
    _: Need<perm::ReadOverview>,
    AppQuery(q): AppQuery<ProblemQuery>,
) -> ApiResult<Json<ProblemListsDto>> {
    let now = Utc::now();
    let (from, to) = period(q.from.as_deref(), q.to.as_deref(), now)?;
    let area_name = state
        .store
        .area_name(&q.area)
        .await?
        .ok_or_else(|| ApiError::not_found("片区 (area grid cell)", &q.area))?;
    let cases = state.store.problem_cases(&q.area, from, to, now).await?;
    let ProblemLists {
        mut hot_spots,
        mut bottlenecks,
    } = ProblemLists::from_cases(&cases);
    let grids: Vec<String> = hot_spots
        .iter()
        .filter(|i| i.kind == "grid")
        .map(|i| i.key.clone())
        .collect();
    let grid_names = state.store.grid_names(&grids).await?;
    for item in &mut hot_spots {
        if let Some(name) = grid_names.get(&item.key).filter(|_| item.kind == "grid") {
            item.name.clone_from(name);
        }
    }
    let departments: std::collections::HashMap<String, String> = state
        .store
        .departments()
        .await?
        .into_iter()
        .map(|d| (d.code, d.short_name))
        .collect();
    let dept = |code: &str| {
        departments.get(code).cloned().unwrap_or_else(|| {
            if code.is_empty() {
                "未派遣".to_owned()
            } else {
                code.to_owned()
            }
        })
    };
    for item in &mut bottlenecks {
        item.name = match item.key.split_once('→') {
            Some((from, to)) => format!("{}→{}", dept(from), dept(to)),
            None => dept(&item.key),
        };
    }
    Ok(Json(ProblemListsDto {
        area: q.area,
        area_name,
        from,
        to,
        hot_spots,
        bottlenecks,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct RoleKpiQuery {
    /// Start of the period (as for `/api/v1/kpis`). Default: 1 January of the current year.
    from: Option<String>,
    /// End of the period (as for `/api/v1/kpis`). Default: now.
    to: Option<String>,
    /// `json` (default), `csv` or `xlsx`, with Chinese headers.
    format: Option<String>,
}

/// 岗位评价 over a period: one row per post and action.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct RoleKpiReport {
    /// Start of the period (inclusive).
    from: DateTime<Utc>,
    /// End of the period (exclusive).
    to: DateTime<Utc>,
    /// In workflow order.
    rows: Vec<PostCounts>,
}

const ROLE_HEADERS: [&str; 10] = [
    "岗位",
    "岗位名称",
    "环节",
    "环节名称",
    "件数",
    "有时限件数",
    "按时件数",
    "按时率(%)",
    "准确派遣数",
    "人数",
];

#[allow(clippy::cast_precision_loss)]
fn role_cells(r: &PostCounts) -> Vec<Cell> {
    let n = |v: i64| Cell::Number(Some(v as f64));
    vec![
        Cell::Text(r.role.clone()),
        Cell::Text(r.role_name.clone()),
        Cell::Text(r.action.clone()),
        Cell::Text(r.action_name.clone()),
        n(r.count),
        n(r.judged),
        n(r.on_time),
        Cell::Number(percent(r.on_time_rate)),
        Cell::Number(r.accurate.map(|a| a as f64)),
        n(r.actors),
    ]
}

/// 岗位评价: what each post (受理员, 值班长, 派遣员, 处置部门, 网格员) did over a period, from
/// the cases' timelines: steps taken, how many of those that ended a timed stage were on time
/// (按时受理/派遣/签收/处置/核查…), dispatches not returned (准确派遣) and how many accounts
/// took them. A step belongs to its post whoever took it. JSON, CSV or XLSX.
#[utoipa::path(get, path = "/api/v1/kpis/roles", tag = "kpis", params(RoleKpiQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "the report", content(
            (RoleKpiReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem)))]
pub(crate) async fn role_kpis(
    State(state): State<AppState>,
    _: Need<perm::ReadOverview>,
    AppQuery(q): AppQuery<RoleKpiQuery>,
) -> ApiResult<Response> {
    let format = report_format(q.format.as_deref())?;
    let (from, to) = period(q.from.as_deref(), q.to.as_deref(), Utc::now())?;
    let rows = state.current_kpi_facts().await?.steps().tally(from, to);
    let report = RoleKpiReport { from, to, rows };
    let stem = format!(
        "kpis-roles-{}",
        from.with_timezone(&china()).format("%Y%m%d")
    );
    let cells = report.rows.iter().map(role_cells).collect();
    answer(format, &stem, &report, ("岗位评价", &ROLE_HEADERS, cells))
}
