//! API keys issued to accounts, for machine clients (Open311 `api_key`).
//!
//! The store never sees a key in clear: callers pass its SHA-256. The key's first characters
//! (`prefix`) are kept so an administrator can tell keys apart.

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::Row;

use crate::accounts::AccountRecord;
use crate::audit::AuditEvent;
use crate::pool::with_pool;
use crate::records::FromRecord;
use crate::{Store, StoreError};

/// A key to record.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    /// The account the key acts as.
    pub account_id: i64,
    /// SHA-256 of the key, hex.
    pub key_hash: String,
    /// The key's first characters, shown to administrators.
    pub prefix: String,
    /// What the key is for (e.g. the client's name).
    pub label: String,
}

/// A key as stored (never the key itself).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKeyRecord {
    /// Identifier.
    pub id: i64,
    /// The account the key acts as.
    pub account_id: i64,
    /// The key's first characters.
    pub prefix: String,
    /// What the key is for.
    pub label: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
}

macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            crate::bulk::Tx::Sqlite($c) => $body,
            crate::bulk::Tx::Postgres($c) => $body,
        }
    };
}

impl Store {
    /// Records a new API key and its audit entry (`api_key.create`, by `actor`) in one
    /// transaction. Fails with [`StoreError::Conflict`] if the hash is already recorded; the
    /// caller checks that the account exists.
    pub async fn create_api_key(
        &self,
        key: &NewApiKey,
        actor: &str,
    ) -> Result<ApiKeyRecord, StoreError> {
        let sql = "INSERT INTO api_keys (key_hash, prefix, account_id, label, created_at) \
                   VALUES ($1, $2, $3, $4, $5) RETURNING id";
        let now = Utc::now().trunc_subsecs(6);
        let mut bulk = self.transaction().await?;
        let id: i64 = on_tx!(&mut bulk.tx, c => {
            sqlx::query_scalar(sql)
                .bind(&key.key_hash)
                .bind(&key.prefix)
                .bind(key.account_id)
                .bind(&key.label)
                .bind(now)
                .fetch_one(&mut **c)
                .await?
        });
        bulk.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "api_key.create".to_owned(),
            entity: "account".to_owned(),
            entity_id: Some(key.account_id.to_string()),
            detail: serde_json::json!({ "api_key_id": id, "prefix": key.prefix, "label": key.label }),
        })
        .await?;
        bulk.commit().await?;
        Ok(ApiKeyRecord {
            id,
            account_id: key.account_id,
            prefix: key.prefix.clone(),
            label: key.label.clone(),
            created_at: now,
        })
    }

    /// Revokes the live key `key_id` of `account_id`, with its audit entry (`api_key.revoke`, by
    /// `actor`), in one transaction; `false` when the account has no such live key.
    pub async fn revoke_api_key(
        &self,
        account_id: i64,
        key_id: i64,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE api_keys SET revoked_at = $1 \
                   WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL";
        let now = Utc::now().trunc_subsecs(6);
        let mut bulk = self.transaction().await?;
        let done = on_tx!(&mut bulk.tx, c => {
            sqlx::query(sql)
                .bind(now)
                .bind(key_id)
                .bind(account_id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        if done == 0 {
            return Ok(false);
        }
        bulk.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "api_key.revoke".to_owned(),
            entity: "account".to_owned(),
            entity_id: Some(account_id.to_string()),
            detail: serde_json::json!({ "api_key_id": key_id }),
        })
        .await?;
        bulk.commit().await?;
        Ok(true)
    }

    /// The enabled account an unrevoked key (by hash) acts as.
    pub async fn account_by_api_key(
        &self,
        key_hash: &str,
    ) -> Result<Option<AccountRecord>, StoreError> {
        let sql = "SELECT a.id, a.username, a.display_name, a.password_hash, a.org_code, a.disabled \
                   FROM api_keys k JOIN accounts a ON a.id = k.account_id \
                   WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND NOT a.disabled";
        let found: Option<AccountRecord> = with_pool!(&self.pool, p => {
            match sqlx::query(sql).bind(key_hash).fetch_optional(p).await? {
                Some(r) => Some(AccountRecord::from_row(&r)?),
                None => None,
            }
        });
        match found {
            Some(mut account) => {
                account.roles = self.roles_of(account.id).await?;
                Ok(Some(account))
            }
            None => Ok(None),
        }
    }

    /// The keys issued to an account, oldest first (never the keys themselves).
    pub async fn api_keys_of(&self, account_id: i64) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let sql = "SELECT id, account_id, prefix, label, created_at FROM api_keys \
                   WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id";
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(sql).bind(account_id).fetch_all(p).await?;
            let mut keys = Vec::with_capacity(rows.len());
            for r in &rows {
                keys.push(ApiKeyRecord {
                    id: r.try_get("id")?,
                    account_id: r.try_get("account_id")?,
                    prefix: r.try_get("prefix")?,
                    label: r.try_get("label")?,
                    created_at: r.try_get("created_at")?,
                });
            }
            Ok(keys)
        })
    }
}
