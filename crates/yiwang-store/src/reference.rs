//! Reference data the district edits: calendar additions (holidays, make-up working days) and
//! routing rules.

use chrono::{NaiveDate, SubsecRound, Utc};
use serde::Serialize;

use crate::audit::AuditEvent;
use crate::bulk::on_tx;
use crate::pool::with_pool;
use crate::records::{decode_all, record};
use crate::{Store, StoreError};

/// A date the district listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarDay {
    /// The date, `YYYY-MM-DD`.
    pub day: String,
    /// `holiday` or `workday`.
    pub kind: String,
    /// Why (e.g. 2027年春节).
    pub note: Option<String>,
}

record!(CalendarDay { day, kind, note });

impl Store {
    /// Every listed date, in date order.
    pub async fn calendar_days(&self) -> Result<Vec<CalendarDay>, StoreError> {
        let sql = "SELECT day, kind, note FROM calendar_days ORDER BY day";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).fetch_all(p).await?))
    }

    /// Lists (or re-lists) dates in one transaction, audited as done by `actor`.
    pub async fn set_calendar_days(
        &self,
        days: &[(NaiveDate, &str, Option<&str>)],
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = Utc::now().trunc_subsecs(6);
        let upsert = "INSERT INTO calendar_days (day, kind, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5) \
                      ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note, \
                      changed_by = excluded.changed_by, changed_at = excluded.changed_at";
        let mut bulk = self.bulk().await?;
        for (day, kind, note) in days {
            let day = day.format("%Y-%m-%d").to_string();
            on_tx!(&mut bulk.tx, c => {
                sqlx::query(upsert).bind(&day).bind(*kind).bind(*note).bind(actor).bind(now)
                    .execute(&mut **c).await?;
            });
        }
        bulk.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "calendar.set".to_owned(),
            entity: "calendar".to_owned(),
            entity_id: None,
            detail: serde_json::json!({
                "days": days.iter().map(|(d, k, _)| format!("{d} {k}")).collect::<Vec<_>>()
            }),
        })
        .await?;
        bulk.commit().await?;
        Ok(())
    }
}

impl Store {
    /// The edited routing rules as CSV lines, by key.
    pub async fn routing_lines(&self) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT line FROM routing_rules ORDER BY rule_key";
        with_pool!(&self.pool, p => Ok(sqlx::query_scalar::<_, String>(sql).fetch_all(p).await?))
    }

    /// Keeps routing rules given as `(key, CSV line)` (replacing rules with the same key), in one
    /// transaction, audited as done by `actor`.
    pub async fn set_routing_lines(
        &self,
        lines: &[(String, String)],
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = Utc::now().trunc_subsecs(6);
        let upsert = "INSERT INTO routing_rules (rule_key, line, changed_by, changed_at) VALUES ($1, $2, $3, $4) \
                      ON CONFLICT (rule_key) DO UPDATE SET line = excluded.line, \
                      changed_by = excluded.changed_by, changed_at = excluded.changed_at";
        let mut bulk = self.bulk().await?;
        for (key, line) in lines {
            on_tx!(&mut bulk.tx, c => {
                sqlx::query(upsert).bind(key).bind(line).bind(actor).bind(now).execute(&mut **c).await?;
            });
        }
        bulk.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "routing.set".to_owned(),
            entity: "routing".to_owned(),
            entity_id: None,
            detail: serde_json::json!({ "lines": lines.iter().map(|(_, l)| l).collect::<Vec<_>>() }),
        })
        .await?;
        bulk.commit().await?;
        Ok(())
    }
}
