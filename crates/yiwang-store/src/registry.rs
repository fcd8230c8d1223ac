//! The registries as sourced snapshots: what each holds, applying a snapshot's change set in one
//! transaction, reviewing change sets and rolling the latest one back.
//!
//! Records travel as column → JSON value maps (built by `yiwang-core::registry::records`); this
//! module only maps them onto each table's typed columns. Which rows are added, changed or gone
//! is decided in `yiwang-core` ([`yiwang_core::registry::changes`]).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::{Postgres, QueryBuilder, Row, Sqlite};
use yiwang_core::privacy::IdVault;
use yiwang_core::registry::RegistryKind;
use yiwang_core::registry::changes::Held;
use yiwang_core::registry::records::StoredRecord;

use crate::audit::AuditEvent;
use crate::bulk::{Tx, on_tx};
use crate::pool::{Pool, with_pool};
use crate::{Store, StoreError};

/// Bound parameters per statement (below SQLite's and PostgreSQL's limits).
const MAX_PARAMS: usize = 30_000;
/// Rows sealed per round when sealing plain ID numbers.
const SEAL_BATCH: i64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ty {
    Text,
    Int,
    Real,
    Date,
}

struct Table {
    name: &'static str,
    /// The column that orders rows for paging (an integer).
    order: &'static str,
    /// The column naming the row's premises.
    premises: &'static str,
    /// The key column; `key_is_int` for housing's room id.
    key: &'static str,
    key_is_int: bool,
    columns: &'static [(&'static str, Ty)],
}

/// Columns every registry table has after its own.
const TRAILER: [(&str, Ty); 3] = [
    ("source", Ty::Text),
    ("row_hash", Ty::Text),
    ("change_set_id", Ty::Int),
];

const PERSONS: Table = Table {
    name: "persons",
    order: "id",
    premises: "room_id",
    key: "id_hash",
    key_is_int: false,
    columns: &[
        ("id", Ty::Int),
        ("id_hash", Ty::Text),
        ("id_cipher", Ty::Text),
        ("id_masked", Ty::Text),
        ("id_kind", Ty::Text),
        ("name", Ty::Text),
        ("person_type", Ty::Text),
        ("sex", Ty::Text),
        ("birth_date", Ty::Date),
        ("nationality", Ty::Text),
        ("phone", Ty::Text),
        ("room_id", Ty::Int),
        ("move_in_date", Ty::Date),
    ],
};

const HOUSING: Table = Table {
    name: "housing",
    order: "room_id",
    premises: "room_id",
    key: "room_id",
    key_is_int: true,
    columns: &[
        ("room_id", Ty::Int),
        ("use_kind", Ty::Text),
        ("area_m2", Ty::Real),
        ("owner_person_id", Ty::Int),
        ("rooms", Ty::Int),
        ("owner_id_hash", Ty::Text),
        ("owner_id_cipher", Ty::Text),
        ("owner_id_masked", Ty::Text),
    ],
};

const UNITS: Table = Table {
    name: "units",
    order: "id",
    premises: "premises_id",
    key: "uscc",
    key_is_int: false,
    columns: &[
        ("id", Ty::Int),
        ("uscc", Ty::Text),
        ("name", Ty::Text),
        ("industry", Ty::Text),
        ("staff", Ty::Int),
        ("registered_at", Ty::Date),
        ("premises_id", Ty::Int),
        ("actual_premises_id", Ty::Int),
    ],
};

const ATTESTATIONS: Table = Table {
    name: "attestations",
    order: "id",
    premises: "premises_id",
    key: "record_key",
    key_is_int: false,
    columns: &[
        ("id", Ty::Int),
        ("record_key", Ty::Text),
        ("end_kind", Ty::Text),
        ("premises_id", Ty::Int),
        ("fact", Ty::Text),
        ("value", Ty::Text),
        ("evidence", Ty::Text),
        ("attested_at", Ty::Date),
        ("attester", Ty::Text),
    ],
};

fn table(kind: RegistryKind) -> &'static Table {
    match kind {
        RegistryKind::Persons => &PERSONS,
        RegistryKind::Housing => &HOUSING,
        RegistryKind::Units => &UNITS,
        RegistryKind::Attestations => &ATTESTATIONS,
    }
}

impl Table {
    fn all_columns(&self) -> impl Iterator<Item = (&'static str, Ty)> + '_ {
        self.columns.iter().copied().chain(TRAILER)
    }

    /// The key as text, the same on both backends.
    fn key_text(&self) -> String {
        if self.key_is_int {
            format!("CAST({} AS TEXT)", self.key)
        } else {
            self.key.to_owned()
        }
    }
}

/// A snapshot's change set, decided by `yiwang-core`, ready to apply.
#[derive(Debug)]
pub struct Snapshot<'a> {
    /// Which registry.
    pub kind: RegistryKind,
    /// The source it came from (公安, 房管, 市场监管, a street, …).
    pub source: &'a str,
    /// The file it was read from (name only).
    pub file_name: &'a str,
    /// Who imported it.
    pub actor: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// Data rows read from the file.
    pub rows_total: usize,
    /// Records the registry lacked.
    pub added: Vec<&'a StoredRecord>,
    /// Records replacing a row: the record, the columns that differ, the row before.
    pub changed: Vec<(&'a StoredRecord, Vec<String>, Map<String, Value>)>,
    /// Records the registry already held as they are.
    pub unchanged: usize,
    /// Rows of this source the snapshot lacks: key and the row before.
    pub gone: Vec<(String, Map<String, Value>)>,
    /// Rows of the file refused: in all, as duplicates, for an unplaced address.
    pub refused: Refused,
}

/// How many rows of a file were refused, and why (for the validity and uniqueness of a source).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// Every refused row.
    pub rejected: usize,
    /// Rows repeating an earlier line's key.
    pub duplicates: usize,
    /// Rows whose address was not placed on a premises.
    pub unplaced: usize,
}

/// A stored change set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeSetSummary {
    /// Identifier.
    pub id: i64,
    /// `persons`, `housing`, `units` or `attestations`.
    pub kind: String,
    /// Source of the snapshot.
    pub source: String,
    /// File name.
    pub file_name: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// Who imported it.
    pub imported_by: String,
    /// Data rows read from the file.
    pub rows_total: i64,
    /// Rows added.
    pub added: i64,
    /// Rows changed.
    pub changed: i64,
    /// Rows already as they were.
    pub unchanged: i64,
    /// Rows removed.
    pub gone: i64,
    /// Rows of the file refused.
    pub rejected: i64,
    /// Of them, repeats of an earlier line's key.
    pub duplicates: i64,
    /// Of them, rows whose address was not placed.
    pub unplaced: i64,
    /// `applied` or `rolled_back`.
    pub state: String,
    /// When it was rolled back.
    pub rolled_back_at: Option<DateTime<Utc>>,
    /// Who rolled it back.
    pub rolled_back_by: Option<String>,
}

/// One row a change set changed or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeEntry {
    /// The record's key.
    pub key: String,
    /// `changed` or `gone`.
    pub op: String,
    /// The columns that differ (empty for `gone`).
    pub fields: Vec<String>,
    /// The row before (sealed and personal columns as stored; mask before showing).
    pub before: Map<String, Value>,
}

const CHANGE_SET_COLUMNS: &str = "id, kind, source, file_name, imported_at, imported_by, rows_total, \
     added, changed, unchanged, gone, rejected, duplicates, unplaced, state, rolled_back_at, \
     rolled_back_by";

macro_rules! summary_from_row {
    ($row:expr) => {
        ChangeSetSummary {
            id: $row.try_get("id")?,
            kind: $row.try_get("kind")?,
            source: $row.try_get("source")?,
            file_name: $row.try_get("file_name")?,
            imported_at: $row.try_get("imported_at")?,
            imported_by: $row.try_get("imported_by")?,
            rows_total: $row.try_get("rows_total")?,
            added: $row.try_get("added")?,
            changed: $row.try_get("changed")?,
            unchanged: $row.try_get("unchanged")?,
            gone: $row.try_get("gone")?,
            rejected: $row.try_get("rejected")?,
            duplicates: $row.try_get("duplicates")?,
            unplaced: $row.try_get("unplaced")?,
            state: $row.try_get("state")?,
            rolled_back_at: $row.try_get("rolled_back_at")?,
            rolled_back_by: $row.try_get("rolled_back_by")?,
        }
    };
}

/// Binds one JSON value as the column's type.
macro_rules! push_value {
    ($b:expr, $ty:expr, $value:expr, $column:expr, $pg:literal) => {{
        let v: &Value = $value;
        match $ty {
            // Strings are bound by reference: a registry file is millions of cells.
            Ty::Text => match v {
                Value::String(s) => {
                    $b.push_bind(s.as_str());
                }
                Value::Null => {
                    $b.push_bind(None::<&str>);
                }
                other => {
                    $b.push_bind(yiwang_core::registry::records::canonical(other));
                }
            },
            Ty::Int => {
                $b.push_bind(
                    v.as_i64()
                        .or_else(|| v.as_str().and_then(|s| s.parse().ok())),
                );
            }
            Ty::Real => {
                $b.push_bind(v.as_f64());
            }
            Ty::Date if $pg => {
                $b.push_bind(
                    v.as_str()
                        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
                );
            }
            Ty::Date => {
                $b.push_bind(v.as_str());
            }
        }
    }};
}

/// Reads one column of a row as JSON.
macro_rules! read_value {
    ($row:expr, $name:expr, $ty:expr, $pg:literal) => {{
        let row = &$row;
        let name: &str = $name;
        match $ty {
            Ty::Text => row
                .try_get::<Option<String>, _>(name)?
                .map_or(Value::Null, Value::from),
            Ty::Int => row
                .try_get::<Option<i64>, _>(name)?
                .map_or(Value::Null, Value::from),
            Ty::Real => row
                .try_get::<Option<f64>, _>(name)?
                .map_or(Value::Null, Value::from),
            Ty::Date if $pg => row
                .try_get::<Option<NaiveDate>, _>(name)?
                .map_or(Value::Null, |d| Value::from(d.to_string())),
            Ty::Date => row
                .try_get::<Option<String>, _>(name)?
                .map_or(Value::Null, Value::from),
        }
    }};
}

impl Store {
    /// Every row of a registry: its key, the source that wrote it and its fingerprint.
    pub async fn registry_held(
        &self,
        kind: RegistryKind,
    ) -> Result<HashMap<String, Held>, StoreError> {
        let t = table(kind);
        let sql = format!("SELECT {}, source, row_hash FROM {}", t.key_text(), t.name);
        let rows: Vec<(String, String, Option<String>)> =
            with_pool!(&self.pool, p => sqlx::query_as(&sql).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(key, source, row_hash)| (key, Held { source, row_hash }))
            .collect())
    }

    /// The stored rows of `keys` (all columns, as JSON), by key.
    pub async fn registry_rows(
        &self,
        kind: RegistryKind,
        keys: &[String],
    ) -> Result<HashMap<String, Map<String, Value>>, StoreError> {
        let t = table(kind);
        let mut out = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(5_000) {
            macro_rules! fetch {
                ($db:ty, $p:expr, $pg:literal) => {{
                    let mut qb: QueryBuilder<'_, $db> = QueryBuilder::new(format!(
                        "SELECT {}, {} AS key_text FROM {} WHERE {} IN (",
                        t.all_columns()
                            .map(|(c, _)| c)
                            .collect::<Vec<_>>()
                            .join(", "),
                        t.key_text(),
                        t.name,
                        t.key_text()
                    ));
                    let mut sep = qb.separated(", ");
                    for key in chunk {
                        sep.push_bind(key.clone());
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all($p).await? {
                        let mut fields = Map::new();
                        for (name, ty) in t.all_columns() {
                            fields.insert(name.to_owned(), read_value!(row, name, ty, $pg));
                        }
                        out.insert(row.try_get::<String, _>("key_text")?, fields);
                    }
                }};
            }
            match &self.pool {
                Pool::Sqlite(p) => fetch!(Sqlite, p, false),
                Pool::Postgres(p) => fetch!(Postgres, p, true),
            }
        }
        Ok(out)
    }

    /// A page of a registry's rows (all columns, as JSON) with the standard address of each
    /// row's premises, in id order after `after` (pass 0 first, then the returned cursor).
    pub async fn registry_page(
        &self,
        kind: RegistryKind,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<(Map<String, Value>, Option<String>)>, Option<i64>), StoreError> {
        let t = table(kind);
        let sql = format!(
            "SELECT {cols}, t.{order} AS page_cursor, p.standard_address AS page_address \
             FROM {table} t LEFT JOIN premises p ON p.id = t.{premises} \
             WHERE t.{order} > $1 ORDER BY t.{order} LIMIT $2",
            cols = t
                .all_columns()
                .map(|(c, _)| format!("t.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            order = t.order,
            table = t.name,
            premises = t.premises,
        );
        let mut out = Vec::new();
        let mut cursor = None;
        macro_rules! fetch {
            ($p:expr, $pg:literal) => {{
                for row in sqlx::query(&sql)
                    .bind(after)
                    .bind(limit)
                    .fetch_all($p)
                    .await?
                {
                    let mut fields = Map::new();
                    for (name, ty) in t.all_columns() {
                        fields.insert(name.to_owned(), read_value!(row, name, ty, $pg));
                    }
                    cursor = Some(row.try_get::<i64, _>("page_cursor")?);
                    out.push((fields, row.try_get::<Option<String>, _>("page_address")?));
                }
            }};
        }
        match &self.pool {
            Pool::Sqlite(p) => fetch!(p, false),
            Pool::Postgres(p) => fetch!(p, true),
        }
        Ok((out, cursor))
    }

    /// Applies a snapshot's change set in one transaction and records it; returns its id.
    /// Nothing of it is visible until all of it is in.
    pub async fn apply_snapshot(&self, s: &Snapshot<'_>) -> Result<i64, StoreError> {
        let t = table(s.kind);
        let mut bulk = self.bulk().await?;
        let id: i64 = on_tx!(&mut bulk.tx, tx => sqlx::query_scalar(
            "INSERT INTO registry_change_sets (kind, source, file_name, imported_at, imported_by, \
             rows_total, added, changed, unchanged, gone, rejected, duplicates, unplaced, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'applied') RETURNING id",
        )
        .bind(s.kind.as_str())
        .bind(s.source)
        .bind(s.file_name)
        .bind(s.at)
        .bind(s.actor)
        .bind(s.rows_total as i64)
        .bind(s.added.len() as i64)
        .bind(s.changed.len() as i64)
        .bind(s.unchanged as i64)
        .bind(s.gone.len() as i64)
        .bind(s.refused.rejected as i64)
        .bind(s.refused.duplicates as i64)
        .bind(s.refused.unplaced as i64)
        .fetch_one(&mut **tx)
        .await?);
        let stamp = |r: &StoredRecord| {
            let mut fields = r.fields.clone();
            fields.insert("source".into(), Value::from(s.source));
            fields.insert("row_hash".into(), Value::from(r.row_hash.clone()));
            fields.insert("change_set_id".into(), Value::from(id));
            fields
        };
        // Gone first, then changed and added, so a key freed by one row can be taken by another.
        let gone_keys: Vec<String> = s.gone.iter().map(|(k, _)| k.clone()).collect();
        delete_keys(&mut bulk.tx, t, &gone_keys).await?;
        let changed: Vec<Map<String, Value>> = s.changed.iter().map(|(r, _, _)| stamp(r)).collect();
        update_maps(&mut bulk.tx, t, &changed).await?;
        insert_records(&mut bulk.tx, t, &s.added, s.source, id).await?;
        let mut entries: Vec<(String, &str, String, String)> = Vec::new();
        for (r, fields, before) in &s.changed {
            entries.push((
                r.key.clone(),
                "changed",
                serde_json::to_string(fields).unwrap_or_default(),
                Value::Object(before.clone()).to_string(),
            ));
        }
        for (key, before) in &s.gone {
            entries.push((
                key.clone(),
                "gone",
                "[]".to_owned(),
                Value::Object(before.clone()).to_string(),
            ));
        }
        for chunk in entries.chunks(MAX_PARAMS / 5) {
            macro_rules! insert {
                ($db:ty, $tx:expr) => {{
                    let mut qb: QueryBuilder<'_, $db> = QueryBuilder::new(
                        "INSERT INTO registry_changes (change_set_id, record_key, op, fields, before) ",
                    );
                    qb.push_values(chunk, |mut b, (key, op, fields, before)| {
                        b.push_bind(id)
                            .push_bind(key.clone())
                            .push_bind(*op)
                            .push_bind(fields.clone())
                            .push_bind(before.clone());
                    });
                    qb.build().execute(&mut **$tx).await?;
                }};
            }
            match &mut bulk.tx {
                Tx::Sqlite(tx) => insert!(Sqlite, tx),
                Tx::Postgres(tx) => insert!(Postgres, tx),
            }
        }
        bulk.note_rows(changed.len() + s.added.len());
        bulk.audit(&AuditEvent {
            actor: s.actor.to_owned(),
            action: "registry.import".into(),
            entity: "registry_change_set".into(),
            entity_id: Some(id.to_string()),
            detail: serde_json::json!({
                "kind": s.kind.as_str(), "source": s.source, "file": s.file_name,
                "added": s.added.len(), "changed": s.changed.len(),
                "unchanged": s.unchanged, "gone": s.gone.len(),
            }),
        })
        .await?;
        bulk.commit().await?;
        Ok(id)
    }

    /// Change sets, newest first, optionally of one registry.
    pub async fn change_sets(
        &self,
        kind: Option<RegistryKind>,
        limit: i64,
    ) -> Result<Vec<ChangeSetSummary>, StoreError> {
        let sql = format!(
            "SELECT {CHANGE_SET_COLUMNS} FROM registry_change_sets \
             WHERE ($1 IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2"
        );
        let kind = kind.map(RegistryKind::as_str);
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(kind).bind(limit).fetch_all(p).await?;
            rows.iter().map(|row| Ok(summary_from_row!(row))).collect()
        })
    }

    /// One change set.
    pub async fn change_set(&self, id: i64) -> Result<Option<ChangeSetSummary>, StoreError> {
        let sql = format!("SELECT {CHANGE_SET_COLUMNS} FROM registry_change_sets WHERE id = $1");
        with_pool!(&self.pool, p => {
            match sqlx::query(&sql).bind(id).fetch_optional(p).await? {
                Some(row) => Ok(Some(summary_from_row!(row))),
                None => Ok(None),
            }
        })
    }

    /// The rows a change set changed or removed (`offset`, `limit` in key order).
    pub async fn change_entries(
        &self,
        id: i64,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        let rows: Vec<(String, String, String, String)> = with_pool!(&self.pool, p => sqlx::query_as(
            "SELECT record_key, op, fields, before FROM registry_changes WHERE change_set_id = $1 \
             ORDER BY record_key LIMIT $2 OFFSET $3",
        )
        .bind(id)
        .bind(limit)
        .bind(offset)
        .fetch_all(p)
        .await?);
        rows.into_iter()
            .map(|(key, op, fields, before)| {
                let corrupt = |e: serde_json::Error| StoreError::Corrupt {
                    column: "registry_changes",
                    reason: e.to_string(),
                };
                Ok(ChangeEntry {
                    key,
                    op,
                    fields: serde_json::from_str(&fields).map_err(corrupt)?,
                    before: serde_json::from_str(&before).map_err(corrupt)?,
                })
            })
            .collect()
    }

    /// The keys of rows a change set added (they carry its id and have no change entry).
    pub async fn change_set_added_keys(
        &self,
        kind: RegistryKind,
        id: i64,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        let t = table(kind);
        let sql = format!(
            "SELECT {key} FROM {table} WHERE change_set_id = $1 AND {key} NOT IN \
             (SELECT record_key FROM registry_changes WHERE change_set_id = $1) \
             ORDER BY {key} LIMIT $2",
            key = t.key_text(),
            table = t.name
        );
        Ok(
            with_pool!(&self.pool, p => sqlx::query_scalar(&sql).bind(id).bind(limit).fetch_all(p).await?),
        )
    }

    /// Rolls a change set back: its added rows are removed and the rows it changed or removed are
    /// put back as they were. Only the latest applied change set of a registry can be rolled
    /// back ([`StoreError::Stale`] otherwise), so no later snapshot is undone under it.
    pub async fn rollback_change_set(
        &self,
        id: i64,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<ChangeSetSummary, StoreError> {
        let Some(set) = self.change_set(id).await? else {
            return Err(StoreError::Stale(format!("no change set {id}")));
        };
        if set.state != "applied" {
            return Err(StoreError::Stale(format!(
                "change set {id} was rolled back already"
            )));
        }
        let kind: RegistryKind = set.kind.parse().map_err(|e| StoreError::Corrupt {
            column: "registry_change_sets.kind",
            reason: format!("{e:?}"),
        })?;
        let t = table(kind);
        let mut entries = Vec::new();
        loop {
            let page = self
                .change_entries(id, entries.len() as i64, 10_000)
                .await?;
            if page.is_empty() {
                break;
            }
            entries.extend(page);
        }
        let mut bulk = self.bulk().await?;
        let latest: Option<i64> = on_tx!(&mut bulk.tx, tx => sqlx::query_scalar(
            "SELECT MAX(id) FROM registry_change_sets WHERE kind = $1 AND state = 'applied'",
        )
        .bind(kind.as_str())
        .fetch_one(&mut **tx)
        .await?);
        if latest != Some(id) {
            return Err(StoreError::Stale(format!(
                "change set {id} is not the latest applied {} change set ({}); roll back the later ones first",
                kind.as_str(),
                latest.map_or("none".to_owned(), |l| l.to_string())
            )));
        }
        // Rows the set added go; rows it changed or removed come back as they were.
        let added = self.change_set_added_keys(kind, id, i64::MAX).await?;
        delete_keys(&mut bulk.tx, t, &added).await?;
        let (changed, gone): (Vec<_>, Vec<_>) =
            entries.into_iter().partition(|e| e.op == "changed");
        let changed: Vec<Map<String, Value>> = changed.into_iter().map(|e| e.before).collect();
        update_maps(&mut bulk.tx, t, &changed).await?;
        let gone: Vec<Map<String, Value>> = gone.into_iter().map(|e| e.before).collect();
        insert_maps(&mut bulk.tx, t, &gone).await?;
        on_tx!(&mut bulk.tx, tx => sqlx::query(
            "UPDATE registry_change_sets SET state = 'rolled_back', rolled_back_at = $2, \
             rolled_back_by = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(at)
        .bind(actor)
        .execute(&mut **tx)
        .await
        .map(|_| ())?);
        bulk.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "registry.rollback".into(),
            entity: "registry_change_set".into(),
            entity_id: Some(id.to_string()),
            detail: serde_json::json!({"kind": kind.as_str(), "source": set.source}),
        })
        .await?;
        bulk.commit().await?;
        self.change_set(id)
            .await?
            .ok_or_else(|| StoreError::Stale(format!("no change set {id}")))
    }

    /// Seals ID numbers stored in clear (rows written before migration 0010) and copies each
    /// housing owner's sealed number from the population registry. Returns how many persons were
    /// sealed; running it again seals nothing.
    pub async fn seal_plain_ids(&self, vault: &IdVault) -> Result<u64, StoreError> {
        let mut sealed = 0u64;
        loop {
            let plain: Vec<(i64, String)> = with_pool!(&self.pool, p => sqlx::query_as(
                "SELECT id, id_hash FROM persons WHERE id_cipher IS NULL ORDER BY id LIMIT $1",
            )
            .bind(SEAL_BATCH)
            .fetch_all(p)
            .await?);
            if plain.is_empty() {
                break;
            }
            let mut bulk = self.bulk().await?;
            for (id, number) in &plain {
                let s = vault.seal(number);
                on_tx!(&mut bulk.tx, tx => sqlx::query(
                    "UPDATE persons SET id_hash = $2, id_cipher = $3, id_masked = $4 WHERE id = $1",
                )
                .bind(id)
                .bind(&s.hash)
                .bind(&s.cipher)
                .bind(&s.masked)
                .execute(&mut **tx)
                .await
                .map(|_| ())?);
            }
            bulk.commit().await?;
            sealed += plain.len() as u64;
        }
        let mut bulk = self.bulk().await?;
        bulk.link_housing_owners().await?;
        bulk.commit().await?;
        Ok(sealed)
    }
}

impl crate::Bulk<'_> {
    /// Copies each housing owner's sealed ID number from the population registry where the
    /// housing row has an owner but no sealed number yet.
    pub async fn link_housing_owners(&mut self) -> Result<(), StoreError> {
        on_tx!(&mut self.tx, tx => sqlx::query(
            "UPDATE housing SET owner_id_hash = p.id_hash, owner_id_cipher = p.id_cipher, \
             owner_id_masked = p.id_masked FROM persons p \
             WHERE p.id = housing.owner_person_id AND housing.owner_id_hash IS NULL \
             AND p.id_cipher IS NOT NULL",
        )
        .execute(&mut **tx)
        .await
        .map(|_| ())?);
        Ok(())
    }
}

/// Inserts new records as written by `source` in change set `change_set_id`, binding every
/// value by reference (the columns are those of the first record; all records of a kind have
/// the same).
async fn insert_records(
    tx: &mut Tx,
    t: &Table,
    records: &[&StoredRecord],
    source: &str,
    change_set_id: i64,
) -> Result<(), StoreError> {
    let Some(first) = records.first() else {
        return Ok(());
    };
    let cols: Vec<(&'static str, Ty)> = t
        .columns
        .iter()
        .copied()
        .filter(|(c, _)| first.fields.contains_key(*c))
        .collect();
    let head = format!(
        "INSERT INTO {} ({}, source, row_hash, change_set_id) ",
        t.name,
        cols.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
    );
    let null = Value::Null;
    for chunk in records.chunks(MAX_PARAMS / (cols.len() + 3)) {
        macro_rules! insert {
            ($db:ty, $tx:expr, $pg:literal) => {{
                let mut qb: QueryBuilder<'_, $db> = QueryBuilder::new(head.as_str());
                qb.push_values(chunk, |mut b, r| {
                    for (c, ty) in &cols {
                        push_value!(b, *ty, r.fields.get(*c).unwrap_or(&null), c, $pg);
                    }
                    b.push_bind(source)
                        .push_bind(r.row_hash.as_str())
                        .push_bind(change_set_id);
                });
                qb.build().execute(&mut **$tx).await?;
            }};
        }
        match &mut *tx {
            Tx::Sqlite(tx) => insert!(Sqlite, tx, false),
            Tx::Postgres(tx) => insert!(Postgres, tx, true),
        }
    }
    Ok(())
}

/// Updates rows given as column maps, found by their key; `id` is left as it is.
async fn update_maps(
    tx: &mut Tx,
    t: &Table,
    rows: &[Map<String, Value>],
) -> Result<(), StoreError> {
    let null = Value::Null;
    for row in rows {
        let key = row.get(t.key).unwrap_or(&null);
        macro_rules! update {
            ($db:ty, $tx:expr, $pg:literal) => {{
                let mut qb: QueryBuilder<'_, $db> =
                    QueryBuilder::new(format!("UPDATE {} SET ", t.name));
                let mut first = true;
                for (c, ty) in t.all_columns().filter(|(c, _)| *c != "id" && *c != t.key) {
                    if !first {
                        qb.push(", ");
                    }
                    first = false;
                    qb.push(c).push(" = ");
                    push_value!(qb, ty, row.get(c).unwrap_or(&null), c, $pg);
                }
                qb.push(format!(" WHERE {} = ", t.key));
                let key_ty = if t.key_is_int { Ty::Int } else { Ty::Text };
                push_value!(qb, key_ty, key, t.key, $pg);
                qb.build().execute(&mut **$tx).await?;
            }};
        }
        match &mut *tx {
            Tx::Sqlite(tx) => update!(Sqlite, tx, false),
            Tx::Postgres(tx) => update!(Postgres, tx, true),
        }
    }
    Ok(())
}

async fn delete_keys(tx: &mut Tx, t: &Table, keys: &[String]) -> Result<(), StoreError> {
    for chunk in keys.chunks(MAX_PARAMS) {
        macro_rules! delete {
            ($db:ty, $tx:expr) => {{
                if t.name == "persons" {
                    // An owner leaving the population registry stays known by sealed number.
                    let mut qb: QueryBuilder<'_, $db> = QueryBuilder::new(
                        "UPDATE housing SET owner_person_id = NULL WHERE owner_person_id IN \
                         (SELECT id FROM persons WHERE id_hash IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for key in chunk {
                        sep.push_bind(key.clone());
                    }
                    qb.push("))");
                    qb.build().execute(&mut **$tx).await?;
                }
                let mut qb: QueryBuilder<'_, $db> = QueryBuilder::new(format!(
                    "DELETE FROM {} WHERE {} IN (",
                    t.name,
                    t.key_text()
                ));
                let mut sep = qb.separated(", ");
                for key in chunk {
                    sep.push_bind(key.clone());
                }
                qb.push(")");
                qb.build().execute(&mut **$tx).await?;
            }};
        }
        match tx {
            Tx::Sqlite(tx) => delete!(Sqlite, tx),
            Tx::Postgres(tx) => delete!(Postgres, tx),
        }
    }
    Ok(())
}

/// Inserts rows given as column maps; rows are grouped by the columns they have, so the
/// database chooses ids where a row has none.
async fn insert_maps(
    tx: &mut Tx,
    t: &Table,
    rows: &[Map<String, Value>],
) -> Result<(), StoreError> {
    type Columns = Vec<(&'static str, Ty)>;
    let mut groups: HashMap<Columns, Vec<&Map<String, Value>>> = HashMap::new();
    for row in rows {
        let cols: Vec<(&'static str, Ty)> = t
            .all_columns()
            .filter(|(c, _)| row.get(*c).is_some_and(|v| !v.is_null() || *c != "id"))
            .collect();
        groups.entry(cols).or_default().push(row);
    }
    let null = Value::Null;
    for (cols, rows) in groups {
        let head = format!(
            "INSERT INTO {} ({}) ",
            t.name,
            cols.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
        );
        for chunk in rows.chunks(MAX_PARAMS / cols.len().max(1)) {
            macro_rules! insert {
                ($db:ty, $tx:expr, $pg:literal) => {{
                    let mut qb: QueryBuilder<'_, $db> = QueryBuilder::new(head.as_str());
                    qb.push_values(chunk, |mut b, row| {
                        for (c, ty) in &cols {
                            push_value!(b, *ty, row.get(*c).unwrap_or(&null), c, $pg);
                        }
                    });
                    qb.build().execute(&mut **$tx).await?;
                }};
            }
            match &mut *tx {
                Tx::Sqlite(tx) => insert!(Sqlite, tx, false),
                Tx::Postgres(tx) => insert!(Postgres, tx, true),
            }
        }
    }
    Ok(())
}

/// A sampled row: key, fields, standard address, street code.
pub type SampledRow = (String, Map<String, Value>, Option<String>, Option<String>);

/// How registry quality is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualityGrouping {
    /// One group: `district`.
    District,
    /// By the street of each row's premises.
    Street,
    /// By the source that wrote each row.
    Source,
}

/// A field verification of one registry row.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVerification {
    /// Registry.
    pub kind: RegistryKind,
    /// The row's key.
    pub key: String,
    /// Found correct on site.
    pub correct: bool,
    /// Columns found wrong.
    pub wrong_fields: Vec<String>,
    /// What the verifier noted.
    pub note: Option<String>,
    /// Who verified.
    pub verified_by: String,
    /// When.
    pub verified_at: DateTime<Utc>,
}

impl Table {
    /// Optional-but-expected columns, for completeness.
    fn expected(&self) -> &'static [&'static str] {
        match self.name {
            "persons" => &["phone", "move_in_date"],
            "housing" => &["owner_id_hash"],
            "units" => &["premises_id", "actual_premises_id"],
            _ => &["evidence"],
        }
    }

    /// The condition a row breaking a consistency rule meets (`r` the row, `p` its premises).
    fn inconsistent(&self) -> &'static str {
        match self.name {
            // In no room, in something that is not a room, or in a room with more residents
            // than its area allows ($2 m² each).
            "persons" => {
                "r.room_id IS NULL OR p.kind <> 'room' OR r.room_id IN (\
                 SELECT x.room_id FROM persons x JOIN premises q ON q.id = x.room_id \
                 LEFT JOIN housing h ON h.room_id = x.room_id \
                 GROUP BY x.room_id, h.area_m2, q.floor_area_m2 \
                 HAVING COUNT(*) > 1 AND COUNT(*) * $2 > COALESCE(h.area_m2, q.floor_area_m2, 1e12))"
            }
            "housing" => "p.kind IS NULL OR p.kind <> 'room'",
            // Registered nowhere in the district, or in a residential room.
            "units" => "r.premises_id IS NULL OR (p.kind = 'room' AND p.use_kind = 'residential')",
            // Another attestation of the same fact about the same premises says otherwise.
            _ => {
                "EXISTS (SELECT 1 FROM attestations o WHERE o.premises_id = r.premises_id \
                 AND o.fact = r.fact AND o.value <> r.value)"
            }
        }
    }
}

impl Store {
    /// What data quality is computed from, per group (see `yiwang-core::registry::quality`):
    /// rows written by a snapshot imported at or after `fresh_since` count as fresh; a room
    /// holds one resident per `area_per_resident` m².
    pub async fn registry_quality_counts(
        &self,
        kind: RegistryKind,
        by: QualityGrouping,
        fresh_since: DateTime<Utc>,
        area_per_resident: f64,
    ) -> Result<Vec<yiwang_core::registry::quality::QualityCounts>, StoreError> {
        use yiwang_core::registry::quality::QualityCounts;
        let t = table(kind);
        let group = match by {
            QualityGrouping::District => "'district'",
            QualityGrouping::Street => "COALESCE(p.street_code, '-')",
            QualityGrouping::Source => "r.source",
        };
        let filled: Vec<String> = t
            .expected()
            .iter()
            .map(|c| format!("SUM(CASE WHEN r.{c} IS NOT NULL THEN 1 ELSE 0 END)"))
            .collect();
        let sql = format!(
            "SELECT {group} AS grp, COUNT(*) AS n, {filled} AS filled, \
             SUM(CASE WHEN {bad} THEN 1 ELSE 0 END) AS bad, \
             SUM(CASE WHEN cs.imported_at >= $1 THEN 1 ELSE 0 END) AS fresh \
             FROM {table} r LEFT JOIN premises p ON p.id = r.{premises} \
             LEFT JOIN registry_change_sets cs ON cs.id = r.change_set_id \
             {grouping}",
            filled = filled.join(" + "),
            bad = t.inconsistent(),
            grouping = if by == QualityGrouping::District {
                String::new()
            } else {
                format!("GROUP BY {group}")
            },
            table = t.name,
            premises = t.premises,
        );
        let with_area = kind == RegistryKind::Persons;
        /// Group, rows, filled cells, inconsistent rows, fresh rows.
        type Counted = (String, i64, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Counted> = with_pool!(&self.pool, p => {
            let q = sqlx::query_as(&sql).bind(fresh_since);
            let q = if with_area { q.bind(area_per_resident) } else { q };
            q.fetch_all(p).await?
        });
        let expected = t.expected().len() as u64;
        let mut out: Vec<QualityCounts> = rows
            .into_iter()
            .map(|(group, n, filled, bad, fresh)| QualityCounts {
                group,
                rows: n as u64,
                expected_cells: n as u64 * expected,
                filled_cells: filled.unwrap_or(0) as u64,
                inconsistent: bad.unwrap_or(0) as u64,
                fresh: fresh.unwrap_or(0) as u64,
                ..QualityCounts::default()
            })
            .collect();
        // Validity and uniqueness are facts of files: known per source (and so for the district).
        if by != QualityGrouping::Street {
            let latest: Vec<(String, i64, i64, i64)> = with_pool!(&self.pool, p => sqlx::query_as(
                "SELECT source, rows_total, rejected, duplicates FROM registry_change_sets \
                 WHERE id IN (SELECT MAX(id) FROM registry_change_sets \
                 WHERE kind = $1 AND state = 'applied' GROUP BY source)",
            )
            .bind(kind.as_str())
            .fetch_all(p)
            .await?);
            for (source, read, rejected, duplicates) in latest {
                let group = if by == QualityGrouping::Source {
                    source.as_str()
                } else {
                    "district"
                };
                let i = group_index(&mut out, group);
                out[i].read += read as u64;
                out[i].rejected += rejected as u64;
                out[i].duplicates += duplicates as u64;
            }
        }
        let verified_group = match by {
            QualityGrouping::District => "'district'",
            QualityGrouping::Street => "COALESCE(street_code, '-')",
            QualityGrouping::Source => "source",
        };
        let sql = format!(
            "SELECT {verified_group} AS grp, COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END) \
             FROM registry_verifications WHERE kind = $1 {grouping}",
            grouping = if by == QualityGrouping::District {
                String::new()
            } else {
                format!("GROUP BY {verified_group}")
            }
        );
        let verified: Vec<(String, i64, Option<i64>)> = with_pool!(&self.pool, p => sqlx::query_as(&sql)
            .bind(kind.as_str())
            .fetch_all(p)
            .await?);
        for (group, n, correct) in verified {
            let i = group_index(&mut out, &group);
            out[i].verified += n as u64;
            out[i].verified_correct += correct.unwrap_or(0) as u64;
        }
        out.sort_by(|a, b| a.group.cmp(&b.group));
        Ok(out)
    }

    /// A random sample of a registry's rows for field verification, optionally of one street:
    /// each row's key, fields (as stored), standard address and street.
    pub async fn registry_sample(
        &self,
        kind: RegistryKind,
        street: Option<&str>,
        n: i64,
    ) -> Result<Vec<SampledRow>, StoreError> {
        let t = table(kind);
        let sql = format!(
            "SELECT {cols}, {key} AS sample_key, p.standard_address AS sample_address, \
             p.street_code AS sample_street FROM {table} r \
             LEFT JOIN premises p ON p.id = r.{premises} \
             WHERE ($1 IS NULL OR p.street_code = $1) ORDER BY RANDOM() LIMIT $2",
            cols = t
                .all_columns()
                .map(|(c, _)| format!("r.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            key = if t.key_is_int {
                format!("CAST(r.{} AS TEXT)", t.key)
            } else {
                format!("r.{}", t.key)
            },
            table = t.name,
            premises = t.premises,
        );
        let mut out = Vec::new();
        macro_rules! fetch {
            ($p:expr, $pg:literal) => {{
                for row in sqlx::query(&sql).bind(street).bind(n).fetch_all($p).await? {
                    let mut fields = Map::new();
                    for (name, ty) in t.all_columns() {
                        fields.insert(name.to_owned(), read_value!(row, name, ty, $pg));
                    }
                    out.push((
                        row.try_get::<String, _>("sample_key")?,
                        fields,
                        row.try_get::<Option<String>, _>("sample_address")?,
                        row.try_get::<Option<String>, _>("sample_street")?,
                    ));
                }
            }};
        }
        match &self.pool {
            Pool::Sqlite(p) => fetch!(p, false),
            Pool::Postgres(p) => fetch!(p, true),
        }
        Ok(out)
    }

    /// Records a field verification of a registry row; `Ok(false)` if no row has that key.
    /// The row's source and street are kept with it, so accuracy can be told per source and
    /// street even after the row changes.
    pub async fn record_verification(&self, v: &NewVerification) -> Result<bool, StoreError> {
        let t = table(v.kind);
        let sql = format!(
            "INSERT INTO registry_verifications (kind, record_key, source, street_code, correct, \
             wrong_fields, note, verified_by, verified_at) \
             SELECT $1, $2, r.source, p.street_code, $3, $4, $5, $6, $7 FROM {table} r \
             LEFT JOIN premises p ON p.id = r.{premises} WHERE {key} = $2",
            table = t.name,
            premises = t.premises,
            key = if t.key_is_int {
                format!("CAST(r.{} AS TEXT)", t.key)
            } else {
                format!("r.{}", t.key)
            },
        );
        let wrong = serde_json::to_string(&v.wrong_fields).unwrap_or_else(|_| "[]".to_owned());
        let done = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(v.kind.as_str())
            .bind(&v.key)
            .bind(v.correct)
            .bind(&wrong)
            .bind(&v.note)
            .bind(&v.verified_by)
            .bind(v.verified_at)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done > 0)
    }
}

/// The index of `group` in `out`, added empty if missing.
fn group_index(out: &mut Vec<yiwang_core::registry::quality::QualityCounts>, group: &str) -> usize {
    match out.iter().position(|c| c.group == group) {
        Some(i) => i,
        None => {
            out.push(yiwang_core::registry::quality::QualityCounts {
                group: group.to_owned(),
                ..Default::default()
            });
            out.len() - 1
        }
    }
}

impl Store {
    /// What 住所云 verification of premises `id` needs: its kind and use, the attestations about
    /// it, how many units are registered at it, and (given a USCC) whether that unit is one of
    /// them (`None`: no such unit in the registry). `None` if there is no such premises.
    pub async fn verification_facts(
        &self,
        id: i64,
        uscc: Option<&str>,
    ) -> Result<Option<yiwang_core::registry::verify::PremisesFacts>, StoreError> {
        use yiwang_core::registry::verify::{AttestedFact, PremisesFacts};
        let premises: Option<(String, String)> = with_pool!(&self.pool, p => sqlx::query_as(
            "SELECT kind, use_kind FROM premises WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(p)
        .await?);
        let Some((kind, use_kind)) = premises else {
            return Ok(None);
        };
        let rows: Vec<(String, String, String, String)> = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT end_kind, fact, value, attested_at FROM attestations WHERE premises_id = $1",
                )
                .bind(id)
                .fetch_all(p)
                .await?
            }
            Pool::Postgres(p) => sqlx::query_as(
                "SELECT end_kind, fact, value, to_char(attested_at, 'YYYY-MM-DD') \
                 FROM attestations WHERE premises_id = $1",
            )
            .bind(id)
            .fetch_all(p)
            .await?,
        };
        let corrupt = |column: &'static str, reason: String| StoreError::Corrupt { column, reason };
        let mut attestations = Vec::with_capacity(rows.len());
        for (end, fact, value, at) in rows {
            attestations.push(AttestedFact {
                end: end
                    .parse()
                    .map_err(|e| corrupt("attestations.end_kind", format!("{e:?}")))?,
                fact: fact
                    .parse()
                    .map_err(|e| corrupt("attestations.fact", format!("{e:?}")))?,
                value,
                attested_at: NaiveDate::parse_from_str(&at, "%Y-%m-%d")
                    .map_err(|e| corrupt("attestations.attested_at", e.to_string()))?,
            });
        }
        let units: i64 = with_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM units WHERE premises_id = $1",
        )
        .bind(id)
        .fetch_one(p)
        .await?);
        let registrant_here = match uscc {
            Some(code) => {
                let at: Option<Option<i64>> = with_pool!(&self.pool, p => sqlx::query_scalar(
                    "SELECT premises_id FROM units WHERE uscc = $1",
                )
                .bind(code)
                .fetch_optional(p)
                .await?);
                at.map(|premises| premises == Some(id))
            }
            None => None,
        };
        Ok(Some(PremisesFacts {
            id,
            kind,
            use_kind,
            attestations,
            units_registered: units as u64,
            registrant_here,
        }))
    }
}

impl Store {
    /// Occupancy of the rented dwellings, and of the vacant ones with residents, that hold two
    /// residents or more (optionally of one street): the input of 群租 detection. Residents born
    /// on or before `adult_born_by` are adults.
    pub async fn rental_occupancy(
        &self,
        street: Option<&str>,
        adult_born_by: NaiveDate,
    ) -> Result<Vec<yiwang_core::registry::group_rental::Occupancy>, StoreError> {
        use yiwang_core::registry::group_rental::Occupancy;
        let sql = "SELECT h.room_id, p.standard_address, p.street_code, h.use_kind, h.area_m2, \
                   h.rooms, COUNT(x.id) AS residents, \
                   SUM(CASE WHEN x.birth_date <= $2 THEN 1 ELSE 0 END) AS adults \
                   FROM housing h JOIN premises p ON p.id = h.room_id \
                   JOIN persons x ON x.room_id = h.room_id \
                   WHERE h.use_kind IN ('rented', 'vacant') AND ($1 IS NULL OR p.street_code = $1) \
                   GROUP BY h.room_id, p.standard_address, p.street_code, h.use_kind, h.area_m2, h.rooms \
                   HAVING COUNT(x.id) >= 2 OR h.use_kind = 'vacant' ORDER BY h.room_id";
        type Row = (
            i64,
            String,
            String,
            String,
            f64,
            Option<i64>,
            i64,
            Option<i64>,
        );
        let rows: Vec<Row> = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(sql)
                    .bind(street)
                    .bind(adult_born_by.to_string())
                    .fetch_all(p)
                    .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_as(sql)
                    .bind(street)
                    .bind(adult_born_by)
                    .fetch_all(p)
                    .await?
            }
        };
        rows.into_iter()
            .map(
                |(room_id, address, street_code, use_kind, area_m2, rooms, residents, adults)| {
                    Ok(Occupancy {
                        room_id,
                        address,
                        street_code,
                        use_kind: use_kind.parse().map_err(|e| StoreError::Corrupt {
                            column: "housing.use_kind",
                            reason: format!("{e:?}"),
                        })?,
                        area_m2,
                        rooms: rooms.and_then(|r| u32::try_from(r).ok()),
                        residents: u32::try_from(residents).unwrap_or(u32::MAX),
                        adults: adults.and_then(|a| u32::try_from(a).ok()).unwrap_or(0),
                    })
                },
            )
            .collect()
    }
}
