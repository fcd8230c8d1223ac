//! The append-only, hash-linked audit log.
//!
//! Each entry's hash covers the previous entry's hash and the entry's own canonical JSON
//! ([`yiwang_core::audit::audit_hash`]), so editing or deleting any entry breaks every hash after it.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use sqlx::{Postgres, Sqlite, Transaction};
use yiwang_core::audit::{GENESIS_HASH, audit_hash};

use crate::pool::with_pool;
use crate::records::{decode_all, record};
use crate::{Store, StoreError};

/// Something a user or the system did that must be accountable.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Username of the actor, or `system`.
    pub actor: String,
    /// What was done, e.g. `auth.login`, `account.create`, `twin.generate`.
    pub action: String,
    /// Kind of record acted on, e.g. `account`.
    pub entity: String,
    /// Which record, if one.
    pub entity_id: Option<String>,
    /// Further facts (never personal data in clear).
    pub detail: serde_json::Value,
}

/// An audit entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub seq: i64,
    /// When (UTC, microseconds).
    pub at: DateTime<Utc>,
    /// Username of the actor.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// Kind of record.
    pub entity: String,
    /// Which record.
    pub entity_id: Option<String>,
    /// Further facts, as the JSON text that was hashed.
    pub detail: String,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

record!(AuditEntry {
    seq,
    at,
    actor,
    action,
    entity,
    entity_id,
    detail,
    prev_hash,
    hash
});

/// The fields an entry's hash covers, in a fixed order.
#[derive(Serialize)]
struct Canonical<'a> {
    at: String,
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
    detail: &'a str,
}

fn canonical_json(
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    detail: &str,
) -> String {
    let canonical = Canonical {
        at: at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        actor,
        action,
        entity,
        entity_id,
        detail,
    };
    // Serialising a struct of strings cannot fail.
    serde_json::to_string(&canonical).unwrap_or_default()
}

struct Prepared {
    at: DateTime<Utc>,
    detail: String,
}

fn prepare(event: &AuditEvent) -> Prepared {
    Prepared {
        at: Utc::now().trunc_subsecs(6),
        detail: event.detail.to_string(),
    }
}

/// An audit entry ready to insert, its hash chained to the one before.
pub(crate) struct ChainedEntry<'e> {
    pub(crate) at: DateTime<Utc>,
    pub(crate) event: &'e AuditEvent,
    pub(crate) detail: String,
    pub(crate) prev: String,
    pub(crate) hash: String,
}

impl OpenChain {
    /// Chains `events` in order after the chain's last entry and moves the chain on, for one
    /// multi-row insert ([`AUDIT_COLUMNS`]).
    pub(crate) fn chain<'e>(&mut self, events: &'e [AuditEvent]) -> Vec<ChainedEntry<'e>> {
        events
            .iter()
            .map(|event| {
                let p = prepare(event);
                let json = canonical_json(
                    p.at,
                    &event.actor,
                    &event.action,
                    &event.entity,
                    event.entity_id.as_deref(),
                    &p.detail,
                );
                let hash = audit_hash(&self.prev, &json);
                let prev = std::mem::replace(&mut self.prev, hash.clone());
                ChainedEntry {
                    at: p.at,
                    event,
                    detail: p.detail,
                    prev,
                    hash,
                }
            })
            .collect()
    }
}

/// `INSERT INTO audit_log (…) ` for [`ChainedEntry`] rows.
pub(crate) const AUDIT_COLUMNS: &str =
    "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash) ";

const LAST_HASH: &str = "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1";
const INSERT: &str = "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq";

macro_rules! append {
    ($conn:expr, $event:expr) => {{
        let prev: Option<String> = sqlx::query_scalar(LAST_HASH)
            .fetch_optional(&mut *$conn)
            .await?;
        let mut chain = OpenChain {
            prev: prev.unwrap_or_else(|| GENESIS_HASH.to_owned()),
        };
        append_chained!($conn, chain, $event)
    }};
}

/// The audit chain held open across several appends in one transaction: the last hash is read
/// once (under the table lock on PostgreSQL) and carried from append to append, so a group of
/// writes costs one insert per entry.
#[derive(Debug, Clone)]
pub(crate) struct OpenChain {
    pub(crate) prev: String,
}

macro_rules! append_chained {
    ($conn:expr, $chain:expr, $event:expr) => {{
        // On an error the caller restores the chain it held before (or drops the transaction).
        let events = std::slice::from_ref($event);
        let entries = $chain.chain(events);
        let Some(e) = entries.first() else {
            return Err(StoreError::Engine("no audit entry to append".to_owned()));
        };
        let seq: i64 = sqlx::query_scalar(INSERT)
            .bind(e.at)
            .bind(&e.event.actor)
            .bind(&e.event.action)
            .bind(&e.event.entity)
            .bind(&e.event.entity_id)
            .bind(&e.detail)
            .bind(&e.prev)
            .bind(&e.hash)
            .fetch_one(&mut *$conn)
            .await?;
        Ok(seq)
    }};
}

pub(crate) async fn open_chain_sqlite(
    tx: &mut Transaction<'static, Sqlite>,
) -> Result<OpenChain, StoreError> {
    let prev: Option<String> = sqlx::query_scalar(LAST_HASH)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(OpenChain {
        prev: prev.unwrap_or_else(|| GENESIS_HASH.to_owned()),
    })
}

pub(crate) async fn open_chain_pg(
    tx: &mut Transaction<'static, Postgres>,
) -> Result<OpenChain, StoreError> {
    sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
        .execute(&mut **tx)
        .await?;
    let prev: Option<String> = sqlx::query_scalar(LAST_HASH)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(OpenChain {
        prev: prev.unwrap_or_else(|| GENESIS_HASH.to_owned()),
    })
}

pub(crate) async fn append_chained_sqlite(
    tx: &mut Transaction<'static, Sqlite>,
    chain: &mut OpenChain,
    event: &AuditEvent,
) -> Result<i64, StoreError> {
    append_chained!(&mut **tx, chain, event)
}

pub(crate) async fn append_chained_pg(
    tx: &mut Transaction<'static, Postgres>,
    chain: &mut OpenChain,
    event: &AuditEvent,
) -> Result<i64, StoreError> {
    append_chained!(&mut **tx, chain, event)
}

pub(crate) async fn append_audit_sqlite(
    tx: &mut Transaction<'static, Sqlite>,
    event: &AuditEvent,
) -> Result<i64, StoreError> {
    append!(&mut **tx, event)
}

pub(crate) async fn append_audit_pg(
    tx: &mut Transaction<'static, Postgres>,
    event: &AuditEvent,
) -> Result<i64, StoreError> {
    // Other server instances may append concurrently; the chain needs one writer at a time.
    sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
        .execute(&mut **tx)
        .await?;
    append!(&mut **tx, event)
}

impl Store {
    /// Appends one audit entry in its own transaction and returns its sequence number.
    pub async fn audit(&self, event: &AuditEvent) -> Result<i64, StoreError> {
        let mut bulk = self.transaction().await?;
        let seq = bulk.audit(event).await?;
        bulk.commit().await?;
        Ok(seq)
    }

    /// The newest `limit` audit entries, newest first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = "SELECT seq, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log \
                   ORDER BY seq DESC LIMIT $1";
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(sql).bind(limit).fetch_all(p).await?;
            decode_all(&rows)
        })
    }

    /// Recomputes the whole chain; returns the number of entries, or the first broken one.
    pub async fn verify_audit(&self) -> Result<i64, StoreError> {
        let sql = "SELECT seq, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY seq";
        let entries: Vec<AuditEntry> = with_pool!(&self.pool, p => {
            let rows = sqlx::query(sql).fetch_all(p).await?;
            decode_all(&rows)?
        });
        let mut prev = GENESIS_HASH.to_owned();
        for e in &entries {
            let json = canonical_json(
                e.at,
                &e.actor,
                &e.action,
                &e.entity,
                e.entity_id.as_deref(),
                &e.detail,
            );
            if e.prev_hash != prev || audit_hash(&prev, &json) != e.hash {
                return Err(StoreError::AuditChainBroken(e.seq));
            }
            prev = e.hash.clone();
        }
        Ok(i64::try_from(entries.len()).unwrap_or(i64::MAX))
    }
}
