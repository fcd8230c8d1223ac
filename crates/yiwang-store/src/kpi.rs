//! KPI counts per group and period, tallied over the cases' facts held in memory
//! ([`KpiFacts`]), and the raw material of the two problem lists of a 片区. The definitions are
//! in `yiwang_core::kpi`.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use sqlx::Row;
use yiwang_core::kpi::{
    CaseCounts, CaseFactRow, EventFactRow, EventTable, FactKey, FactTable, Period, ProblemCase,
};
use yiwang_core::model::CaseSource;

use crate::cases::{finished_states_sql, ids_of_json_array};
use crate::pool::{Pool, with_pool};
use crate::records::{decode_all, record};
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

/// The columns of [`CaseFactRow`].
const FACT_COLUMNS: &str = "id, created_at, due_at, closed_at, state, rework_count, satisfaction, \
     supervised, returned_by, department_code, assisting_departments, street_code, grid_code, source";

/// Rows read per round when filling the table.
const FACT_PAGE: i64 = 50_000;

/// How far below the highest id seen a refresh looks again on PostgreSQL, where an id is handed
/// out when a row is written, not when it commits: a row below the highest id seen can still
/// become visible (a concurrent transaction that committed later). SQLite writers take turns, so
/// its ids become visible in order.
const POSTGRES_LOOKBACK: i64 = 4096;

/// Ids read so far of a table whose rows are only ever added (`cases` for new cases,
/// `case_events` for changes): the highest, and those within the look-back window below it.
#[derive(Debug, Default, Clone)]
struct IdCursor {
    high: i64,
    recent: BTreeSet<i64>,
}

impl IdCursor {
    /// The id to read above.
    fn after(&self, lookback: i64) -> i64 {
        (self.high - lookback).max(0)
    }

    /// Whether `id` is new to the cursor; records it.
    fn take(&mut self, id: i64, lookback: i64) -> bool {
        if lookback == 0 {
            let new = id > self.high;
            self.high = self.high.max(id);
            return new;
        }
        let new = id > self.high || (id > self.high - lookback && self.recent.insert(id));
        if id > self.high {
            self.recent.insert(id);
            self.high = id;
        }
        let floor = self.high - lookback;
        while self.recent.first().is_some_and(|first| *first <= floor) {
            self.recent.pop_first();
        }
        new
    }
}

/// The KPI facts of every case ([`FactTable`]) and where the store's reads of them stopped.
/// [`Store::refresh_kpi_facts`] brings it up to date: new cases, and cases with a new timeline
/// entry (every change of a case writes one), whose entries it keeps as well.
#[derive(Debug, Default, Clone)]
pub struct KpiFacts {
    table: FactTable,
    steps: EventTable,
    cases: IdCursor,
    events: IdCursor,
}

impl KpiFacts {
    /// The facts of the cases.
    pub fn table(&self) -> &FactTable {
        &self.table
    }

    /// Every workflow step of the cases' timelines, for 岗位评价.
    pub fn steps(&self) -> &EventTable {
        &self.steps
    }
}

record!(EventFactRow {
    id,
    case_id,
    at,
    action,
    actor,
    stage_due_at
});
record!(CaseFactRow {
    id,
    created_at,
    due_at,
    closed_at,
    state,
    rework_count,
    satisfaction,
    supervised,
    returned_by,
    department_code,
    assisting_departments,
    street_code,
    grid_code,
    source
});

impl Store {
    fn lookback(&self) -> i64 {
        match self.pool {
            Pool::Sqlite(_) => 0,
            Pool::Postgres(_) => POSTGRES_LOOKBACK,
        }
    }

    /// Brings `facts` up to date with the store; answers how many cases were read.
    pub async fn refresh_kpi_facts(&self, facts: &mut KpiFacts) -> Result<usize, StoreError> {
        let lookback = self.lookback();
        // Changes first: a change that lands while the cases are read is read again next time.
        let events: Vec<EventFactRow> = with_pool!(&self.pool, p => decode_all(&sqlx::query(
            "SELECT id, case_id, at, action, actor, stage_due_at FROM case_events WHERE id > $1 ORDER BY id",
        )
        .bind(facts.events.after(lookback))
        .fetch_all(p)
        .await?)?);
        let mut changed = Vec::new();
        for event in events {
            if facts.events.take(event.id, lookback) {
                changed.push(event.case_id);
                facts.steps.add(&event);
            }
        }
        let mut read = 0;
        let mut after = facts.cases.after(lookback);
        let sql = format!("SELECT {FACT_COLUMNS} FROM cases WHERE id > $1 ORDER BY id LIMIT $2");
        loop {
            let rows: Vec<CaseFactRow> = with_pool!(&self.pool, p => decode_all(
                &sqlx::query(&sql).bind(after).bind(FACT_PAGE).fetch_all(p).await?
            )?);
            let full = rows.len() as i64 == FACT_PAGE;
            after = rows.last().map_or(after, |r| r.id);
            for row in &rows {
                if facts.cases.take(row.id, lookback) {
                    facts.table.upsert(row);
                    read += 1;
                }
            }
            if !full {
                break;
            }
        }
        changed.sort_unstable();
        changed.dedup();
        for ids in changed.chunks(10_000) {
            let list = serde_json::Value::from(ids.to_vec()).to_string();
            let (open, close) = ids_of_json_array(matches!(self.pool, Pool::Postgres(_)));
            let sql = format!("SELECT {FACT_COLUMNS} FROM cases WHERE id IN {open}$1{close}");
            let rows: Vec<CaseFactRow> = with_pool!(&self.pool, p => decode_all(
                &sqlx::query(&sql).bind(list).fetch_all(p).await?
            )?);
            read += rows.len();
            for row in &rows {
                facts.table.upsert(row);
            }
        }
        Ok(read)
    }

    /// Counts per code of `key` over `[from, to)`, 超期未结 judged at `min(to, now)`, folded
    /// into groups by `group` (a code's prefix, its parent, …).
    fn fold(
        facts: &KpiFacts,
        key: FactKey,
        period: &Period,
        group: impl Fn(&str) -> String,
    ) -> HashMap<String, CaseCounts> {
        let mut out: HashMap<String, CaseCounts> = HashMap::new();
        for (code, counts) in facts.table.tally(key, period) {
            *out.entry(group(code)).or_default() += counts;
        }
        out
    }

    /// Codes and names of a table's rows (`sql` selects `code, name`).
    async fn names(&self, sql: &str) -> Result<HashMap<String, String>, StoreError> {
        with_pool!(&self.pool, p => {
            let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(p).await?;
            Ok(rows.into_iter().collect())
        })
    }

    /// KPI counts of every group of `by` over `[from, to)`, read afresh from the store; 超期未结
    /// is judged at the end of the period or at `now`, whichever is earlier. Sorted by group
    /// code (months in order). A server keeps [`KpiFacts`] and calls [`Store::kpi_counts_in`].
    pub async fn kpi_counts(
        &self,
        by: KpiGrouping,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<KpiRow>, StoreError> {
        let mut facts = KpiFacts::default();
        self.refresh_kpi_facts(&mut facts).await?;
        self.kpi_counts_in(&facts, by, from, to, now).await
    }

    /// [`Store::kpi_counts`] over facts already read: only the groups' names come from the store.
    pub async fn kpi_counts_in(
        &self,
        facts: &KpiFacts,
        by: KpiGrouping,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<KpiRow>, StoreError> {
        let period = Period::new(from, to, now);
        let prefix = |n: usize| move |code: &str| code.get(..n).unwrap_or(code).to_owned();
        let (groups, names, missing) = match by {
            KpiGrouping::Month => {
                return Ok(months(from, to)
                    .into_iter()
                    .map(|(month, start, end)| {
                        let counts = facts.table.total(&Period::new(start, end, now));
                        let (y, m) = month.split_at(4);
                        KpiRow {
                            group_name: format!("{y}年{}月", m.trim_start_matches(['-', '0'])),
                            group: month,
                            counts,
                        }
                    })
                    .collect());
            }
            KpiGrouping::Area => {
                let parents = self
                    .names("SELECT code, parent_code FROM grids WHERE level = 'community' AND parent_code IS NOT NULL")
                    .await?;
                let community = prefix(12);
                let groups = Self::fold(facts, FactKey::Grid, &period, |code| {
                    parents.get(&community(code)).cloned().unwrap_or_default()
                });
                let names = self
                    .names("SELECT code, name FROM grids WHERE level = 'area'")
                    .await?;
                (groups, names, "未定位")
            }
            KpiGrouping::Street => (
                Self::fold(facts, FactKey::Street, &period, str::to_owned),
                self.names("SELECT code, name FROM divisions WHERE level = 'street'")
                    .await?,
                "未定位",
            ),
            KpiGrouping::Community => (
                Self::fold(facts, FactKey::Grid, &period, prefix(12)),
                self.names("SELECT code, name FROM grids WHERE level = 'community'")
                    .await?,
                "未定位",
            ),
            KpiGrouping::Grid => (
                Self::fold(facts, FactKey::Grid, &period, prefix(15)),
                self.names("SELECT code, name FROM grids WHERE level = 'micro_grid'")
                    .await?,
                "未定位",
            ),
            KpiGrouping::Department => (
                Self::fold(facts, FactKey::Department, &period, str::to_owned),
                self.names("SELECT code, name FROM departments").await?,
                "未派遣",
            ),
            KpiGrouping::Source => (
                Self::fold(facts, FactKey::Source, &period, str::to_owned),
                CaseSource::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), s.name_zh().to_owned()))
                    .collect(),
                "未定位",
            ),
        };
        let mut rows: Vec<KpiRow> = groups
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
            .collect();
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
        let mut facts = KpiFacts::default();
        self.refresh_kpi_facts(&mut facts).await?;
        Ok(facts.table.total(&Period::new(from, to, now)))
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

#[cfg(test)]
mod tests {
    use super::IdCursor;

    #[test]
    fn a_cursor_with_lookback_takes_an_id_that_commits_late_once() {
        let mut c = IdCursor::default();
        assert!(c.take(10, 4));
        assert!(c.take(12, 4));
        assert_eq!(c.after(4), 8);
        // 11 was written before 12 but committed after it was read.
        assert!(c.take(11, 4));
        assert!(!c.take(11, 4));
        assert!(!c.take(12, 4));
        assert!(c.take(20, 4));
        // Below the window: taken as seen.
        assert!(!c.take(15, 4));
    }

    #[test]
    fn a_cursor_without_lookback_takes_only_higher_ids() {
        let mut c = IdCursor::default();
        assert!(c.take(5, 0));
        assert!(!c.take(4, 0));
        assert_eq!(c.after(0), 5);
    }
}
