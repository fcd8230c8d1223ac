//! KPI counts per group and period (one aggregate query with `CASE WHEN` sums), and the raw
//! material of the two problem lists of a 片区. The definitions are in `yiwang_core::kpi`.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use sqlx::Row;
use yiwang_core::kpi::{CaseCounts, ProblemCase};
use yiwang_core::model::CaseSource;

use crate::cases::finished_states_sql;
use crate::pool::{Pool, with_pool};
use crate::{Store, StoreError};

/// How to group KPI counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiGrouping {
    /// By street (街镇), the case's `street_code`.
    Street,
    /// By 片区: the parent of the case's 居民区 cell (the first 12 digits of its grid code).
    Area,
    /// By 居民区 cell (the first 12 digits of the case's grid code).
    Community,
    /// By 网格 (micro grid, the first 15 digits of the case's grid code).
    Grid,
    /// By the department the case is dispatched to.
    Department,
    /// By intake channel.
    Source,
    /// By calendar month in China Standard Time (UTC+8); each month is its own period.
    Month,
}

/// Counts of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiRow {
    /// The group's code (empty for cases without one, e.g. not yet dispatched); `YYYY-MM` for months.
    pub group: String,
    /// Its display name.
    pub group_name: String,
    /// The counts.
    pub counts: CaseCounts,
}

/// The UTC+8 offset used for months.
fn china() -> FixedOffset {
    // 8 h is within ±24 h, so the offset exists; UTC is never used.
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// The calendar months (UTC+8) overlapping `[from, to)`, each clipped to it, with `YYYY-MM`.
pub fn months(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
    let tz = china();
    let mut out = Vec::new();
    let local = from.with_timezone(&tz);
    let (mut y, mut m) = (local.year(), local.month());
    loop {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let Some(next) = NaiveDate::from_ymd_opt(ny, nm, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| tz.from_local_datetime(&d).single())
            .map(|d| d.with_timezone(&Utc))
        else {
            break;
        };
        let start = out
            .last()
            .map_or(from, |(_, _, end): &(String, _, DateTime<Utc>)| *end);
        let end = next.min(to);
        if start >= end {
            break;
        }
        out.push((format!("{y:04}-{m:02}"), start, end));
        if next >= to {
            break;
        }
        (y, m) = (ny, nm);
    }
    out
}

/// The aggregate select: `$1` = from, `$2` = to, `$3` = the cutoff for 超期未结. With `filter`,
/// a `WHERE` keeps only the cases that can count; without it every case is read (on SQLite a
/// plain scan beats the multi-index OR once the period holds most cases).
fn aggregate_sql(pool: &Pool, key: &str, filter: bool) -> String {
    let minutes = match pool {
        Pool::Sqlite(_) => "(julianday(closed_at) - julianday(created_at)) * 1440.0",
        Pool::Postgres(_) => "EXTRACT(EPOCH FROM (closed_at - created_at)) / 60.0",
    };
    let recv = "created_at >= $1 AND created_at < $2";
    let closed = "state = 'closed' AND closed_at >= $1 AND closed_at < $2";
    let due = "state NOT IN ('rejected', 'merged') AND ((due_at >= $1 AND due_at < $2 AND (closed_at IS NULL OR closed_at >= $1)) OR (closed_at >= $1 AND closed_at < $2))";
    let finished = finished_states_sql();
    let overdue = format!(
        "due_at < $3 AND created_at < $3 AND ((state NOT IN {finished} AND state <> 'suspended') OR (state = 'closed' AND closed_at >= $3))"
    );
    let sum = |cond: &str, name: &str| {
        format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS {name}")
    };
    let cols = [
        sum(recv, "received"),
        sum(due, "due"),
        sum(closed, "closed"),
        sum(
            &format!("{closed} AND closed_at <= due_at"),
            "closed_on_time",
        ),
        sum(&format!("{closed} AND rework_count > 0"), "reworked"),
        sum(
            &format!(
                "{closed} AND rework_count = 0 AND (satisfaction IS NULL OR satisfaction <> 'unsatisfied')"
            ),
            "resolved",
        ),
        sum(
            &format!("{closed} AND satisfaction IS NOT NULL"),
            "revisited",
        ),
        sum(
            &format!("{closed} AND satisfaction = 'satisfied'"),
            "satisfied",
        ),
        sum(
            &format!("{closed} AND satisfaction = 'basically_satisfied'"),
            "basically_satisfied",
        ),
        sum(
            &format!("{closed} AND satisfaction = 'unsatisfied'"),
            "unsatisfied",
        ),
        sum(&format!("{recv} AND state = 'merged'"), "merged_repeats"),
        sum(&overdue, "overdue_open"),
        sum(&format!("{recv} AND supervised = TRUE"), "supervised"),
        sum(&format!("{recv} AND returned_by IS NOT NULL"), "returned"),
        sum(&format!("{recv} AND state = 'disputed'"), "disputed"),
        sum(
            &format!(
                "{recv} AND returned_by IS NOT NULL AND department_code IS NOT NULL AND department_code <> returned_by"
            ),
            "cross_department",
        ),
        format!(
            "CAST(COALESCE(SUM(CASE WHEN {closed} THEN {minutes} ELSE 0.0 END), 0.0) AS DOUBLE PRECISION) AS handling_minutes"
        ),
    ];
    let filter = if filter {
        format!(
            "WHERE ({recv}) OR (due_at >= $1 AND due_at < $2) OR (closed_at >= $1 AND closed_at < $2) OR ({overdue})"
        )
    } else {
        String::new()
    };
    format!(
        "SELECT COALESCE({key}, '') AS g, {} FROM cases {filter} GROUP BY COALESCE({key}, '')",
        cols.join(", ")
    )
}

fn decode_counts<R>(r: &R) -> Result<(String, CaseCounts), sqlx::Error>
where
    R: Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: sqlx::Type<R::Database> + for<'a> sqlx::Decode<'a, R::Database>,
    f64: sqlx::Type<R::Database> + for<'a> sqlx::Decode<'a, R::Database>,
    String: sqlx::Type<R::Database> + for<'a> sqlx::Decode<'a, R::Database>,
{
    Ok((
        r.try_get("g")?,
        CaseCounts {
            received: r.try_get("received")?,
            due: r.try_get("due")?,
            closed: r.try_get("closed")?,
            closed_on_time: r.try_get("closed_on_time")?,
            reworked: r.try_get("reworked")?,
            resolved: r.try_get("resolved")?,
            revisited: r.try_get("revisited")?,
            satisfied: r.try_get("satisfied")?,
            basically_satisfied: r.try_get("basically_satisfied")?,
            unsatisfied: r.try_get("unsatisfied")?,
            merged_repeats: r.try_get("merged_repeats")?,
            overdue_open: r.try_get("overdue_open")?,
            supervised: r.try_get("supervised")?,
            returned: r.try_get("returned")?,
            disputed: r.try_get("disputed")?,
            cross_department: r.try_get("cross_department")?,
            handling_minutes: r.try_get("handling_minutes")?,
        },
    ))
}

impl Store {
    /// Counts per `key` expression over `[from, to)`, with 超期未结 judged at `cutoff`.
    async fn kpi_grouped(
        &self,
        key: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        cutoff: DateTime<Utc>,
    ) -> Result<Vec<(String, CaseCounts)>, StoreError> {
        // A quarter or more of the history: read every case on SQLite.
        let filter =
            !matches!(self.pool, Pool::Sqlite(_)) || to - from < chrono::Duration::days(90);
        let sql = aggregate_sql(&self.pool, key, filter);
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(from).bind(to).bind(cutoff).fetch_all(p).await?;
            rows.iter().map(decode_counts).collect::<Result<Vec<_>, _>>()?
        });
        // Groups with nothing in the period are left out, whichever way they were read.
        Ok(rows
            .into_iter()
            .filter(|(_, c)| *c != CaseCounts::default())
            .collect())
    }

    /// Codes and names of a table's rows (`sql` selects `code, name`).
    async fn names(&self, sql: &str) -> Result<HashMap<String, String>, StoreError> {
        with_pool!(&self.pool, p => {
            let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(p).await?;
            Ok(rows.into_iter().collect())
        })
    }

    /// KPI counts of every group of `by` over `[from, to)`; 超期未结 is judged at the end of the
    /// period or at `now`, whichever is earlier. Sorted by group code (months in order).
    pub async fn kpi_counts(
        &self,
        by: KpiGrouping,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<KpiRow>, StoreError> {
        let cutoff = to.min(now);
        let mut rows: Vec<KpiRow> = match by {
            KpiGrouping::Month => {
                let mut out = Vec::new();
                for (month, start, end) in months(from, to) {
                    let counts = self
                        .kpi_grouped("NULL", start, end, end.min(now))
                        .await?
                        .into_iter()
                        .map(|(_, c)| c)
                        .next()
                        .unwrap_or_default();
                    let (y, m) = month.split_at(4);
                    out.push(KpiRow {
                        group_name: format!("{y}年{}月", m.trim_start_matches(['-', '0'])),
                        group: month,
                        counts,
                    });
                }
                return Ok(out);
            }
            KpiGrouping::Area => {
                let parents = self
                    .names("SELECT code, parent_code FROM grids WHERE level = 'community' AND parent_code IS NOT NULL")
                    .await?;
                let names = self
                    .names("SELECT code, name FROM grids WHERE level = 'area'")
                    .await?;
                let mut areas: HashMap<String, CaseCounts> = HashMap::new();
                for (community, counts) in self
                    .kpi_grouped("substr(grid_code, 1, 12)", from, to, cutoff)
                    .await?
                {
                    let area = parents.get(&community).cloned().unwrap_or_default();
                    *areas.entry(area).or_default() += counts;
                }
                areas
                    .into_iter()
                    .map(|(group, counts)| KpiRow {
                        group_name: names
                            .get(&group)
                            .cloned()
                            .unwrap_or_else(|| "未定位".to_owned()),
                        group,
                        counts,
                    })
                    .collect()
            }
            _ => {
                let (key, names) = match by {
                    KpiGrouping::Street => (
                        "street_code",
                        self.names("SELECT code, name FROM divisions WHERE level = 'street'")
                            .await?,
                    ),
                    KpiGrouping::Community => (
                        "substr(grid_code, 1, 12)",
                        self.names("SELECT code, name FROM grids WHERE level = 'community'")
                            .await?,
                    ),
                    KpiGrouping::Grid => (
                        "substr(grid_code, 1, 15)",
                        self.names("SELECT code, name FROM grids WHERE level = 'micro_grid'")
                            .await?,
                    ),
                    KpiGrouping::Department => (
                        "department_code",
                        self.names("SELECT code, name FROM departments").await?,
                    ),
                    _ => (
                        "source",
                        CaseSource::ALL
                            .iter()
                            .map(|s| (s.as_str().to_owned(), s.name_zh().to_owned()))
                            .collect(),
                    ),
                };
                let missing = if by == KpiGrouping::Department {
                    "未派遣"
                } else {
                    "未定位"
                };
                self.kpi_grouped(key, from, to, cutoff)
                    .await?
                    .into_iter()
                    .map(|(group, counts)| KpiRow {
                        group_name: names.get(&group).cloned().unwrap_or_else(|| {
                            if group.is_empty() {
                                missing.to_owned()
                            } else {
                                group.clone()
                            }
                        }),
                        group,
                        counts,
                    })
                    .collect()
            }
        };
        rows.sort_by(|a, b| a.group.cmp(&b.group));
        Ok(rows)
    }

    /// The district's counts over `[from, to)` (see [`Store::kpi_counts`]).
    pub async fn kpi_total(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<CaseCounts, StoreError> {
        Ok(self
            .kpi_grouped("NULL", from, to, to.min(now))
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .next()
            .unwrap_or_default())
    }

    /// The 片区 `area`'s name, or `None` when there is no such 片区.
    pub async fn area_name(&self, area: &str) -> Result<Option<String>, StoreError> {
        with_pool!(&self.pool, p => Ok(sqlx::query_scalar("SELECT name FROM grids WHERE code = $1 AND level = 'area'")
            .bind(area)
            .fetch_optional(p)
            .await?))
    }

    /// The cases of the 片区 `area` received in `[from, to)` or overdue at `min(to, now)`, for
    /// the problem lists.
    pub async fn problem_cases(
        &self,
        area: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProblemCase>, StoreError> {
        let cutoff = to.min(now);
        let finished = finished_states_sql();
        let overdue = format!(
            "c.due_at < $4 AND c.created_at < $4 AND ((c.state NOT IN {finished} AND c.state <> 'suspended') OR (c.state = 'closed' AND c.closed_at >= $4))"
        );
        let sql = format!(
            "SELECT c.id, c.premises_id, p.standard_address, c.grid_code, c.category_code, c.category_name, \
             c.request_type, c.department_code, c.state, c.returned_by, \
             CASE WHEN c.created_at >= $2 AND c.created_at < $3 THEN 1 ELSE 0 END AS received, \
             CASE WHEN {overdue} THEN 1 ELSE 0 END AS overdue \
             FROM cases c LEFT JOIN premises p ON p.id = c.premises_id \
             WHERE c.street_code = substr($1, 1, 9) \
             AND substr(c.grid_code, 1, 12) IN (SELECT code FROM grids WHERE level = 'community' AND parent_code = $1) \
             AND ((c.created_at >= $2 AND c.created_at < $3) OR ({overdue})) \
             ORDER BY c.id DESC"
        );
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(area).bind(from).bind(to).bind(cutoff).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let code: Option<String> = r.try_get("category_code")?;
                let name: Option<String> = r.try_get("category_name")?;
                let request: Option<String> = r.try_get("request_type")?;
                let category = match (code, name, request) {
                    (Some(c), Some(n), _) => Some((c, n)),
                    (_, _, Some(t)) => Some((t.clone(), t)),
                    _ => None,
                };
                out.push(ProblemCase {
                    id: r.try_get("id")?,
                    premises_id: r.try_get("premises_id")?,
                    premises_address: r.try_get("standard_address")?,
                    grid_code: r.try_get("grid_code")?,
                    category,
                    department_code: r.try_get("department_code")?,
                    state: r.try_get("state")?,
                    returned_by: r.try_get("returned_by")?,
                    received_in_period: r.try_get::<i32, _>("received")? == 1,
                    overdue: r.try_get::<i32, _>("overdue")? == 1,
                });
            }
            Ok(out)
        })
    }

    /// Names of grid cells (`code → name`) among `codes`.
    pub async fn grid_names(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut out = HashMap::new();
        for code in codes {
            let name: Option<String> = with_pool!(&self.pool, p => sqlx::query_scalar("SELECT name FROM grids WHERE code = $1")
                .bind(code)
                .fetch_optional(p)
                .await?);
            if let Some(name) = name {
                out.insert(code.clone(), name);
            }
        }
        Ok(out)
    }
}
