//! Cases: intake in groups (one transaction and one flush for many cases, each isolated by a
//! savepoint), workflow writes guarded by a version, the timeline, and queue reads.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use sqlx::{QueryBuilder, Row};
use yiwang_core::model::{Case, FINISHED_CASE_STATES};

use crate::audit::{AUDIT_COLUMNS, AuditEvent, OpenChain};
use crate::bulk::{Bulk, CASE_COLUMNS, CASE_COLUMNS_BUT_ID, on_tx, push_case};
use crate::pool::with_pool;
use crate::records::{decode_all, record};
use crate::{Store, StoreError};

/// A retried request carries the same key: the second time, the first case is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The client's key (the `Idempotency-Key` header).
    pub key: String,
    /// A digest of the request body: the same key with a different body is refused.
    pub request_hash: String,
}

/// A case to take in.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The case. `id` is ignored; `case_no` holds the number's prefix (e.g. `XH20261127-`), to
    /// which the store appends the new id, zero-padded to six digits.
    pub case: Case,
    /// Who is reporting it (account username, `mqtt:…`, `import:…`).
    pub actor: String,
    /// Makes retries safe.
    pub idempotency: Option<IdempotencyKey>,
    /// Metadata of the photos and documents that came with the report (name, kind, digest,
    /// where the file is kept), kept on the intake entry of the timeline.
    pub attachments: Vec<serde_json::Value>,
}

impl NewCase {
    /// The detail of the case's intake entry (`receive`) on its timeline.
    fn intake_detail(&self, case: &Case) -> String {
        let mut detail = serde_json::json!({ "source": case.source.as_str() });
        if !self.attachments.is_empty() {
            detail["attachments"] = serde_json::Value::Array(self.attachments.clone());
        }
        detail.to_string()
    }
}

/// What intake did with one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Intake {
    /// A new case.
    Created(Case),
    /// The key was seen before with the same request: the case made then.
    Replayed(Case),
}

/// A step on a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseEvent {
    /// Identifier, increasing.
    pub id: i64,
    /// The case.
    pub case_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `receive` or a workflow action identifier.
    pub action: String,
    /// Who (username, or `system` for automatic supervision).
    pub actor: String,
    /// State before.
    pub from_state: Option<String>,
    /// State after.
    pub to_state: String,
    /// What came with it (reason, reply, department, comment, attachments), as JSON.
    pub detail: String,
}

record!(CaseEvent {
    id,
    case_id,
    at,
    action,
    actor,
    from_state,
    to_state,
    detail
});

/// A workflow step to write: the case with its new values, and what to put on the timeline.
#[derive(Debug, Clone)]
pub struct CaseChange<'a> {
    /// The case after the step (its `version` is the one read before the step).
    pub case: &'a Case,
    /// The action identifier.
    pub action: &'a str,
    /// Who.
    pub actor: &'a str,
    /// State before the step.
    pub from_state: &'a str,
    /// Timeline detail.
    pub detail: serde_json::Value,
}

/// Which cases to list. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Any of these states.
    pub states: Vec<String>,
    /// Also (or, without `states`, only) closed cases whose caller was not yet revisited (回访):
    /// the cases `yiwang-core`'s workflow still allows a `revisit` on.
    pub awaiting_revisit: bool,
    /// Dispatched to this department.
    pub department_code: Option<String>,
    /// In this street.
    pub street_code: Option<String>,
    /// In this grid cell or below it (code prefix).
    pub grid_prefix: Option<String>,
    /// In exactly this grid cell.
    pub grid_code: Option<String>,
    /// From this source.
    pub source: Option<String>,
    /// Supervised (督办) or not.
    pub supervised: Option<bool>,
    /// Open and past the deadline at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Received at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Received before.
    pub created_to: Option<DateTime<Utc>>,
    /// At this premises.
    pub premises_id: Option<i64>,
    /// Merged into this case (并单: its repeats).
    pub parent_id: Option<i64>,
    /// Under any of these categories, as (kind, subclass code).
    pub categories: Vec<(String, String)>,
    /// Only open cases (not closed, rejected or merged).
    pub open_only: bool,
    /// Only these ids (full-text search results).
    pub ids: Option<Vec<i64>>,
    /// At most this many (newest first).
    pub limit: i64,
    /// Skip this many.
    pub offset: i64,
}

/// `('closed', 'rejected', 'merged')`: the finished states of `yiwang-core`, as an SQL list, so
/// the store never restates which states are finished.
pub(crate) fn finished_states_sql() -> String {
    let quoted: Vec<String> = FINISHED_CASE_STATES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect();
    format!("({})", quoted.join(", "))
}

fn select_cases() -> String {
    format!("SELECT {} FROM cases", CASE_COLUMNS.join(", "))
}

/// What the repeat check needs to know about an earlier case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseProbe {
    /// Case id.
    pub id: i64,
    /// Matched premises.
    pub premises_id: Option<i64>,
    /// `component` or `event`.
    pub category_kind: Option<String>,
    /// Subclass code.
    pub category_code: Option<String>,
    /// WGS-84 longitude.
    pub lon: Option<f64>,
    /// WGS-84 latitude.
    pub lat: Option<f64>,
    /// When received.
    pub created_at: DateTime<Utc>,
    /// What was reported.
    pub text: String,
}

record!(CaseProbe {
    id,
    premises_id,
    category_kind,
    category_code,
    lon,
    lat,
    created_at,
    text
});

/// Columns a workflow step may change (all but the identity, the intake facts and the version).
const MUTABLE: [&str; 27] = [
    "category_kind",
    "category_code",
    "category_name",
    "request_type",
    "premises_id",
    "street_code",
    "grid_code",
    "department_code",
    "state",
    "priority",
    "due_at",
    "closed_at",
    "satisfaction",
    "reply",
    "parent_id",
    "time_limit_amount",
    "time_limit_unit",
    "rework_count",
    "supervised",
    "reopened",
    "pending_request",
    "returned_by",
    "stage",
    "stage_started_at",
    "stage_due_at",
    "paused_at",
    "assisting_departments",
];

/// The SQL around one bound parameter holding a JSON array of ids that reads it as a set of
/// ids: `id IN {open}$n{close}` (one parameter, however many ids).
pub(crate) fn ids_of_json_array(postgres: bool) -> (&'static str, &'static str) {
    if postgres {
        ("(SELECT jsonb_array_elements_text(", "::jsonb)::bigint)")
    } else {
        ("(SELECT value FROM json_each(", "))")
    }
}

/// Both backends keep microseconds: trim the times so what is answered is what is stored.
fn to_microseconds(case: &mut Case) {
    let trim = |t: &mut Option<DateTime<Utc>>| *t = t.map(|t| t.trunc_subsecs(6));
    case.created_at = case.created_at.trunc_subsecs(6);
    for t in [
        &mut case.due_at,
        &mut case.closed_at,
        &mut case.stage_started_at,
        &mut case.stage_due_at,
        &mut case.paused_at,
    ] {
        trim(t);
    }
}

impl Bulk<'_> {
    async fn insert_case(
        &mut self,
        item: &NewCase,
        now: DateTime<Utc>,
        chain: &mut OpenChain,
    ) -> Result<Intake, StoreError> {
        if let Some(key) = &item.idempotency {
            let seen =
                "SELECT case_id, request_hash FROM case_idempotency WHERE actor = $1 AND key = $2";
            let found: Option<(i64, String)> = on_tx!(&mut self.tx, c => {
                match sqlx::query(seen).bind(&item.actor).bind(&key.key).fetch_optional(&mut **c).await? {
                    Some(r) => Some((r.try_get("case_id")?, r.try_get("request_hash")?)),
                    None => None,
                }
            });
            if let Some((case_id, hash)) = found {
                if hash != key.request_hash {
                    return Err(StoreError::Conflict(format!(
                        "Idempotency-Key `{}` was used for a different request (case {case_id})",
                        key.key
                    )));
                }
                let sql = format!("{} WHERE id = $1", select_cases());
                let case: Option<Case> = on_tx!(&mut self.tx, c => {
                    decode_all(&sqlx::query(&sql).bind(case_id).fetch_all(&mut **c).await?)?.into_iter().next()
                });
                return case
                    .map(Intake::Replayed)
                    .ok_or_else(|| StoreError::Corrupt {
                        column: "case_idempotency.case_id",
                        reason: format!("case {case_id} is missing"),
                    });
            }
        }
        let head = format!("INSERT INTO cases ({}) ", CASE_COLUMNS_BUT_ID.join(", "));
        let mut case = item.case.clone();
        let prefix = std::mem::take(&mut case.case_no);
        // A unique placeholder until the id is known.
        case.case_no = format!("{prefix}#{}", now.timestamp_nanos_opt().unwrap_or_default());
        case.version = 0;
        to_microseconds(&mut case);
        let id: i64 = on_tx!(&mut self.tx, c => {
            let mut qb = QueryBuilder::new(head.as_str());
            qb.push_values(std::iter::once(&case), |mut b, r| {
                push_case!(b, r);
            });
            qb.push(" RETURNING id");
            qb.build().fetch_one(&mut **c).await?.try_get("id")?
        });
        case.id = id;
        case.case_no = format!("{prefix}{id:06}");
        let number = "UPDATE cases SET case_no = $1 WHERE id = $2";
        let event = "INSERT INTO case_events (case_id, at, action, actor, from_state, to_state, detail) \
                     VALUES ($1, $2, 'receive', $3, NULL, $4, $5)";
        let key_sql = "INSERT INTO case_idempotency (actor, key, request_hash, case_id, created_at) \
                       VALUES ($1, $2, $3, $4, $5)";
        let detail = item.intake_detail(&case);
        on_tx!(&mut self.tx, c => {
            sqlx::query(number).bind(&case.case_no).bind(id).execute(&mut **c).await?;
            sqlx::query(event)
                .bind(id)
                .bind(now)
                .bind(&item.actor)
                .bind(&case.state)
                .bind(&detail)
                .execute(&mut **c)
                .await?;
            if let Some(key) = &item.idempotency {
                sqlx::query(key_sql)
                    .bind(&item.actor)
                    .bind(&key.key)
                    .bind(&key.request_hash)
                    .bind(id)
                    .bind(now)
                    .execute(&mut **c)
                    .await?;
            }
        });
        self.audit_chained(
            chain,
            &AuditEvent {
            actor: item.actor.clone(),
            action: "case.create".to_owned(),
            entity: "case".to_owned(),
            entity_id: Some(id.to_string()),
            detail: serde_json::json!({ "case_no": case.case_no, "source": case.source.as_str() }),
        },
        )
        .await?;
        Ok(Intake::Created(case))
    }

    /// Takes in a whole group with one statement per table: the usual case, where no key in
    /// the group was seen before. `Ok(None)` when one was (a retry): the caller then takes the
    /// group in case by case. Any error leaves the transaction to be rolled back.
    async fn insert_case_group(
        &mut self,
        batch: &[NewCase],
        now: DateTime<Utc>,
        chain: &mut OpenChain,
    ) -> Result<Option<Vec<Intake>>, StoreError> {
        let keys: Vec<(&str, &str)> = batch
            .iter()
            .filter_map(|i| {
                i.idempotency
                    .as_ref()
                    .map(|k| (i.actor.as_str(), k.key.as_str()))
            })
            .collect();
        if !keys.is_empty() {
            let list =
                serde_json::to_string(&keys).map_err(|e| StoreError::Engine(e.to_string()))?;
            let postgres = matches!(self.tx, crate::bulk::Tx::Postgres(_));
            let seen: i64 = on_tx!(&mut self.tx, c => {
                let sql = if postgres {
                    "SELECT COUNT(*) FROM case_idempotency i JOIN jsonb_array_elements($1::jsonb) j \
                     ON i.actor = j->>0 AND i.key = j->>1"
                } else {
                    "SELECT COUNT(*) FROM case_idempotency i JOIN json_each($1) j \
                     ON i.actor = json_extract(j.value, '$[0]') AND i.key = json_extract(j.value, '$[1]')"
                };
                sqlx::query_scalar(sql).bind(&list).fetch_one(&mut **c).await?
            });
            if seen > 0 {
                return Ok(None);
            }
        }
        // Unique placeholders until the ids are known, then the numbers: prefix + id.
        let stamp = now.timestamp_nanos_opt().unwrap_or_default();
        let mut cases: Vec<(String, Case)> = batch
            .iter()
            .enumerate()
            .map(|(n, item)| {
                let mut case = item.case.clone();
                let prefix = std::mem::take(&mut case.case_no);
                case.case_no = format!("{prefix}#{stamp}-{n}");
                case.version = 0;
                to_microseconds(&mut case);
                (prefix, case)
            })
            .collect();
        let head = format!("INSERT INTO cases ({}) ", CASE_COLUMNS_BUT_ID.join(", "));
        let ids: Vec<(i64, String)> = on_tx!(&mut self.tx, c => {
            let mut qb = QueryBuilder::new(head.as_str());
            qb.push_values(cases.iter().map(|(_, case)| case), |mut b, r| {
                push_case!(b, r);
            });
            qb.push(" RETURNING id, case_no");
            qb.build_query_as().fetch_all(&mut **c).await?
        });
        let ids: std::collections::HashMap<String, i64> =
            ids.into_iter().map(|(id, no)| (no, id)).collect();
        for (prefix, case) in &mut cases {
            let id = ids
                .get(&case.case_no)
                .copied()
                .ok_or_else(|| StoreError::Corrupt {
                    column: "cases.id",
                    reason: format!("no id came back for {}", case.case_no),
                })?;
            case.id = id;
            case.case_no = format!("{prefix}{id:06}");
        }
        let events: Vec<String> = batch
            .iter()
            .zip(&cases)
            .map(|(item, (_, c))| item.intake_detail(c))
            .collect();
        let audits: Vec<AuditEvent> = batch
            .iter()
            .zip(&cases)
            .map(|(item, (_, case))| AuditEvent {
                actor: item.actor.clone(),
                action: "case.create".to_owned(),
                entity: "case".to_owned(),
                entity_id: Some(case.id.to_string()),
                detail: serde_json::json!({ "case_no": case.case_no, "source": case.source.as_str() }),
            })
            .collect();
        let audits = chain.chain(&audits);
        on_tx!(&mut self.tx, c => {
            let mut qb = QueryBuilder::new("UPDATE cases SET case_no = v.column2 FROM (");
            qb.push_values(&cases, |mut b, (_, case)| {
                b.push("CAST(")
                    .push_bind_unseparated(case.id)
                    .push_unseparated(" AS BIGINT)")
                    .push("CAST(")
                    .push_bind_unseparated(&case.case_no)
                    .push_unseparated(" AS TEXT)");
            });
            qb.push(") AS v WHERE cases.id = v.column1");
            qb.build().execute(&mut **c).await?;

            let mut qb = QueryBuilder::new(
                "INSERT INTO case_events (case_id, at, action, actor, from_state, to_state, detail) ",
            );
            qb.push_values(batch.iter().zip(&cases).zip(&events), |mut b, ((item, (_, case)), detail)| {
                b.push_bind(case.id)
                    .push_bind(now)
                    .push_bind("receive")
                    .push_bind(&item.actor)
                    .push_bind(None::<String>)
                    .push_bind(&case.state)
                    .push_bind(detail);
            });
            qb.build().execute(&mut **c).await?;

            let keyed: Vec<(&NewCase, i64)> = batch
                .iter()
                .zip(&cases)
                .filter(|(item, _)| item.idempotency.is_some())
                .map(|(item, (_, case))| (item, case.id))
                .collect();
            if !keyed.is_empty() {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO case_idempotency (actor, key, request_hash, case_id, created_at) ",
                );
                qb.push_values(&keyed, |mut b, (item, id)| {
                    let key = item.idempotency.as_ref();
                    b.push_bind(&item.actor)
                        .push_bind(key.map(|k| k.key.as_str()))
                        .push_bind(key.map(|k| k.request_hash.as_str()))
                        .push_bind(*id)
                        .push_bind(now);
                });
                qb.build().execute(&mut **c).await?;
            }

            let mut qb = QueryBuilder::new(AUDIT_COLUMNS);
            qb.push_values(&audits, |mut b, e| {
                b.push_bind(e.at)
                    .push_bind(&e.event.actor)
                    .push_bind(&e.event.action)
                    .push_bind(&e.event.entity)
                    .push_bind(&e.event.entity_id)
                    .push_bind(&e.detail)
                    .push_bind(&e.prev)
                    .push_bind(&e.hash);
            });
            qb.build().execute(&mut **c).await?;
        });
        Ok(Some(
            cases
                .into_iter()
                .map(|(_, case)| Intake::Created(case))
                .collect(),
        ))
    }

    async fn savepoint(&mut self, sql: &str) -> Result<(), StoreError> {
        on_tx!(&mut self.tx, c => { sqlx::query(sql).execute(&mut **c).await?; });
        Ok(())
    }
}

impl Store {
    /// Takes in a group of cases in one transaction: one durable commit acknowledges them all.
    /// One bad case (a reused idempotency key, a reference that does not exist) is answered with
    /// its error and the others still commit. The outer error is for the transaction as a whole
    /// (database unreachable, commit failed): then nothing was taken in.
    pub async fn insert_cases(
        &self,
        batch: &[NewCase],
    ) -> Result<Vec<Result<Intake, StoreError>>, StoreError> {
        let now = Utc::now().trunc_subsecs(6);
        // Usually every case is new and fine: take the group in with one statement per table.
        // Otherwise (a retried key, an error) the transaction is dropped (rolled back) and the
        // group goes again case by case, each in a savepoint.
        if !batch.is_empty() {
            let mut bulk = self.transaction().await?;
            let mut chain = bulk.open_audit_chain().await?;
            if let Ok(Some(intakes)) = bulk.insert_case_group(batch, now, &mut chain).await {
                bulk.commit().await?;
                return Ok(intakes.into_iter().map(Ok).collect());
            }
        }
        let mut bulk = self.transaction().await?;
        let mut chain = bulk.open_audit_chain().await?;
        let mut results = Vec::with_capacity(batch.len());
        for item in batch {
            bulk.savepoint("SAVEPOINT intake").await?;
            let before = chain.clone();
            let result = bulk.insert_case(item, now, &mut chain).await;
            if result.is_err() {
                bulk.savepoint("ROLLBACK TO SAVEPOINT intake").await?;
                chain = before;
            }
            bulk.savepoint("RELEASE SAVEPOINT intake").await?;
            results.push(result);
        }
        bulk.commit().await?;
        Ok(results)
    }

    /// One case by id.
    pub async fn case(&self, id: i64) -> Result<Option<Case>, StoreError> {
        let sql = format!("{} WHERE id = $1", select_cases());
        with_pool!(&self.pool, p => Ok(decode_all(&sqlx::query(&sql).bind(id).fetch_all(p).await?)?.into_iter().next()))
    }

    /// A case's timeline, oldest first.
    pub async fn case_events(&self, case_id: i64) -> Result<Vec<CaseEvent>, StoreError> {
        let sql = "SELECT id, case_id, at, action, actor, from_state, to_state, detail FROM case_events \
                   WHERE case_id = $1 ORDER BY id";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).bind(case_id).fetch_all(p).await?))
    }

    /// Writes one workflow step: the case's new values (only if nobody changed it since it was
    /// read: [`StoreError::Stale`] otherwise), its timeline entry and an audit entry, in one
    /// transaction. Answers the case as stored, with its version moved on.
    pub async fn change_case(&self, change: &CaseChange<'_>) -> Result<Case, StoreError> {
        let mut trimmed = change.case.clone();
        to_microseconds(&mut trimmed);
        let case = &trimmed;
        let sets: Vec<String> = MUTABLE
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 3))
            .collect();
        let update = format!(
            "UPDATE cases SET {}, version = version + 1 WHERE id = $1 AND version = $2",
            sets.join(", ")
        );
        // The entry is written first, from the row as read: it keeps the deadline of the stage
        // this step ends. Nothing written means the case moved on since it was read.
        let event = "INSERT INTO case_events (case_id, at, action, actor, from_state, to_state, detail, stage_due_at) \
                     SELECT id, $3, $4, $5, $6, $7, $8, stage_due_at FROM cases WHERE id = $1 AND version = $2";
        let now = Utc::now().trunc_subsecs(6);
        let detail = change.detail.to_string();
        let mut bulk = self.transaction().await?;
        let written = on_tx!(&mut bulk.tx, c => {
            sqlx::query(event)
                .bind(case.id)
                .bind(case.version)
                .bind(now)
                .bind(change.action)
                .bind(change.actor)
                .bind(change.from_state)
                .bind(&case.state)
                .bind(&detail)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        let updated = on_tx!(&mut bulk.tx, c => {
            sqlx::query(&update)
                .bind(case.id)
                .bind(case.version)
                .bind(&case.category_kind)
                .bind(&case.category_code)
                .bind(&case.category_name)
                .bind(&case.request_type)
                .bind(case.premises_id)
                .bind(&case.street_code)
                .bind(&case.grid_code)
                .bind(&case.department_code)
                .bind(&case.state)
                .bind(&case.priority)
                .bind(case.due_at)
                .bind(case.closed_at)
                .bind(&case.satisfaction)
                .bind(&case.reply)
                .bind(case.parent_id)
                .bind(case.time_limit_amount)
                .bind(&case.time_limit_unit)
                .bind(case.rework_count)
                .bind(case.supervised)
                .bind(case.reopened)
                .bind(&case.pending_request)
                .bind(&case.returned_by)
                .bind(&case.stage)
                .bind(case.stage_started_at)
                .bind(case.stage_due_at)
                .bind(case.paused_at)
                .bind(&case.assisting_departments)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        if updated == 0 || written == 0 {
            return Err(StoreError::Stale(format!(
                "case {} was changed by someone else since it was read; reload it and try again",
                case.id
            )));
        }
        bulk.audit(&AuditEvent {
            actor: change.actor.to_owned(),
            action: format!("case.{}", change.action),
            entity: "case".to_owned(),
            entity_id: Some(case.id.to_string()),
            detail: serde_json::json!({ "from": change.from_state, "to": case.state }),
        })
        .await?;
        bulk.commit().await?;
        let mut stored = case.clone();
        stored.version += 1;
        Ok(stored)
    }

    /// Cases matching `query`, newest first.
    pub async fn cases(&self, query: &CaseQuery) -> Result<Vec<Case>, StoreError> {
        let select = select_cases();
        with_pool!(&self.pool, p => {
            let mut qb = QueryBuilder::new(select.as_str());
            push_filters(&mut qb, query);
            qb.push(" ORDER BY created_at DESC, id DESC LIMIT ");
            qb.push_bind(query.limit.clamp(1, 1000));
            qb.push(" OFFSET ");
            qb.push_bind(query.offset.max(0));
            decode_all(&qb.build().fetch_all(p).await?)
        })
    }

    /// The few columns the repeat check reads, of the cases matching `query`, newest first.
    pub async fn case_probes(&self, query: &CaseQuery) -> Result<Vec<CaseProbe>, StoreError> {
        let select = "SELECT id, premises_id, category_kind, category_code, lon, lat, created_at, text FROM cases";
        with_pool!(&self.pool, p => {
            let mut qb = QueryBuilder::new(select);
            push_filters(&mut qb, query);
            qb.push(" ORDER BY created_at DESC, id DESC LIMIT ");
            qb.push_bind(query.limit.clamp(1, 1000));
            decode_all(&qb.build().fetch_all(p).await?)
        })
    }

    /// How many cases match `query` (ignoring its limit and offset).
    pub async fn count_cases(&self, query: &CaseQuery) -> Result<i64, StoreError> {
        with_pool!(&self.pool, p => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM cases");
            push_filters(&mut qb, query);
            Ok(qb.build_query_scalar::<i64>().fetch_one(p).await?)
        })
    }

    /// `(text, category kind, subclass code)` of up to `limit` of the latest closed cases with a
    /// category: what the category model learns from.
    pub async fn closed_case_categories(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let sql = "SELECT text, category_kind, category_code FROM cases \
                   WHERE state = 'closed' AND category_kind IS NOT NULL AND category_code IS NOT NULL \
                   ORDER BY id DESC LIMIT $1";
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(sql).bind(limit).fetch_all(p).await?;
            rows.iter()
                .map(|r| Ok((r.try_get("text")?, r.try_get("category_kind")?, r.try_get("category_code")?)))
                .collect()
        })
    }

    /// Open, unsupervised cases past their deadline at `now` (the automatic 督办 sweep), oldest first.
    pub async fn overdue_unsupervised(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Case>, StoreError> {
        let sql = format!(
            "{} WHERE supervised = FALSE AND due_at < $1 AND state NOT IN {finished} AND state <> 'suspended' \
             ORDER BY due_at LIMIT $2",
            select_cases(),
            finished = finished_states_sql()
        );
        with_pool!(&self.pool, p => decode_all(&sqlx::query(&sql).bind(now).bind(limit).fetch_all(p).await?))
    }
}

fn push_filters<'a, DB>(qb: &mut QueryBuilder<'a, DB>, q: &'a CaseQuery)
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut sep = " WHERE ";
    let mut and = |qb: &mut QueryBuilder<'a, DB>, clause: &str| {
        qb.push(sep);
        qb.push(clause);
        sep = " AND ";
    };
    const AWAITING_REVISIT: &str = "(state = 'closed' AND satisfaction IS NULL)";
    match (q.states.is_empty(), q.awaiting_revisit) {
        (true, true) => and(qb, AWAITING_REVISIT),
        (false, revisit) => {
            and(qb, "(state IN (");
            let mut list = qb.separated(", ");
            for s in &q.states {
                list.push_bind(s.clone());
            }
            qb.push(")");
            if revisit {
                qb.push(" OR ").push(AWAITING_REVISIT);
            }
            qb.push(")");
        }
        (true, false) => {}
    }
    if let Some(d) = &q.department_code {
        and(qb, "department_code = ");
        qb.push_bind(d.clone());
    }
    if let Some(s) = &q.street_code {
        and(qb, "street_code = ");
        qb.push_bind(s.clone());
    }
    if let Some(g) = &q.grid_prefix {
        and(qb, "grid_code >= ");
        qb.push_bind(g.clone());
        qb.push(" AND grid_code < ");
        qb.push_bind(format!("{g}{}", char::MAX));
    }
    if let Some(g) = &q.grid_code {
        and(qb, "grid_code = ");
        qb.push_bind(g.clone());
    }
    if let Some(s) = &q.source {
        and(qb, "source = ");
        qb.push_bind(s.clone());
    }
    if let Some(s) = q.supervised {
        and(qb, "supervised = ");
        qb.push_bind(s);
    }
    if let Some(t) = q.overdue_at {
        and(
            qb,
            &format!("state NOT IN {} AND due_at < ", finished_states_sql()),
        );
        qb.push_bind(t);
    }
    if let Some(t) = q.created_from {
        and(qb, "created_at >= ");
        qb.push_bind(t);
    }
    if let Some(t) = q.created_to {
        and(qb, "created_at < ");
        qb.push_bind(t);
    }
    if q.open_only {
        and(qb, &format!("state NOT IN {}", finished_states_sql()));
    }
    if let Some(id) = q.premises_id {
        and(qb, "premises_id = ");
        qb.push_bind(id);
    }
    if let Some(id) = q.parent_id {
        and(qb, "parent_id = ");
        qb.push_bind(id);
    }
    if !q.categories.is_empty() {
        and(qb, "(");
        for (i, (kind, code)) in q.categories.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push("(category_kind = ");
            qb.push_bind(kind.clone());
            qb.push(" AND category_code = ");
            qb.push_bind(code.clone());
            qb.push(")");
        }
        qb.push(")");
    }
    if let Some(ids) = &q.ids {
        if ids.is_empty() {
            and(qb, "1 = 0");
        } else {
            // One bound JSON array, not a parameter per id: a search hands over up to 10,000.
            let list = serde_json::Value::from(ids.clone()).to_string();
            let (open, close) = ids_of_json_array(DB::NAME == "PostgreSQL");
            and(qb, &format!("id IN {open}"));
            qb.push_bind(list);
            qb.push(close);
        }
    }
}
