//! What each registry holds, applying a snapshot's change set, reviewing and rolling back.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::{Postgres, QueryBuilder, Row, Sqlite};
use yiwang_core::privacy::IdVault;
use yiwang_core::registry::RegistryKind;
use yiwang_core::registry::changes::Held;
use yiwang_core::registry::records::StoredRecord;

use super::{
    CHANGE_SET_COLUMNS, ChangeEntry, ChangeSetSummary, MAX_PARAMS, Snapshot, Table, Ty, table,
};
use crate::audit::AuditEvent;
use crate::bulk::{Tx, on_tx};
use crate::pool::{Pool, with_pool};
use crate::{Store, StoreError};

/// Rows sealed per round when sealing plain ID numbers.
const SEAL_BATCH: i64 = 5_000;

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
            let mut fields = r.fields.to_map();
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
        // Owners get their sealed numbers when persons were sealed now; a start of an already
        // sealed database writes nothing.
        if sealed > 0 {
            let mut bulk = self.bulk().await?;
            bulk.link_housing_owners().await?;
            bulk.commit().await?;
        }
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
        .filter(|(c, _)| first.fields.contains(c))
        .collect();
    let head = format!(
        "INSERT INTO {} ({}, source, row_hash, change_set_id) ",
        t.name,
        cols.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
    );
    let null = Value::Null;
    let tx = match tx {
        Tx::Sqlite(tx) => {
            // One prepared row at a time through SQLite's C API: a district's file is a million
            // rows, and sqlx's multi-row statements cost more than SQLite's own work.
            let sql = format!("{head}VALUES ({})", vec!["?"; cols.len() + 3].join(", "));
            return crate::direct::execute_each(tx, &sql, records, |r, b| {
                for (c, ty) in &cols {
                    bind_direct(b, *ty, r.fields.get(c).unwrap_or(&null));
                }
                b.text(Some(source))
                    .text(Some(r.row_hash.as_str()))
                    .int(Some(change_set_id));
            })
            .await;
        }
        Tx::Postgres(tx) => tx,
    };
    for chunk in records.chunks(MAX_PARAMS / (cols.len() + 3)) {
        let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new(head.as_str());
        qb.push_values(chunk, |mut b, r| {
            for (c, ty) in &cols {
                push_value!(b, *ty, r.fields.get(c).unwrap_or(&null), c, true);
            }
            b.push_bind(source)
                .push_bind(r.row_hash.as_str())
                .push_bind(change_set_id);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Binds one JSON value as the column's type on the direct SQLite path (as `push_value!`).
fn bind_direct(b: &mut crate::direct::Binder<'_, '_>, ty: Ty, v: &Value) {
    match ty {
        Ty::Text => match v {
            Value::String(s) => b.text(Some(s)),
            Value::Null => b.text(None),
            other => b.text(Some(&yiwang_core::registry::records::canonical(other))),
        },
        Ty::Int => b.int(
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok())),
        ),
        Ty::Real => b.real(v.as_f64()),
        Ty::Date => b.text(v.as_str()),
    };
}

/// Updates rows given as column maps, found by their key; `id` is left as it is.
async fn update_maps(
    tx: &mut Tx,
    t: &Table,
    rows: &[Map<String, Value>],
) -> Result<(), StoreError> {
    let null = Value::Null;
    let set: Vec<(&'static str, Ty)> = t
        .all_columns()
        .filter(|(c, _)| *c != "id" && *c != t.key)
        .collect();
    let key_ty = if t.key_is_int { Ty::Int } else { Ty::Text };
    let tx = match tx {
        Tx::Sqlite(tx) => {
            let sql = format!(
                "UPDATE {} SET {} WHERE {} = ?",
                t.name,
                set.iter()
                    .map(|(c, _)| format!("{c} = ?"))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.key
            );
            return crate::direct::execute_each(tx, &sql, rows, |row, b| {
                for (c, ty) in &set {
                    bind_direct(b, *ty, row.get(*c).unwrap_or(&null));
                }
                bind_direct(b, key_ty, row.get(t.key).unwrap_or(&null));
            })
            .await;
        }
        Tx::Postgres(tx) => tx,
    };
    for row in rows {
        let mut qb: QueryBuilder<'_, Postgres> =
            QueryBuilder::new(format!("UPDATE {} SET ", t.name));
        for (i, (c, ty)) in set.iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            qb.push(c).push(" = ");
            push_value!(qb, *ty, row.get(*c).unwrap_or(&null), c, true);
        }
        qb.push(format!(" WHERE {} = ", t.key));
        push_value!(qb, key_ty, row.get(t.key).unwrap_or(&null), t.key, true);
        qb.build().execute(&mut **tx).await?;
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
