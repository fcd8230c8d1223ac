//! Accounts, their roles, and bearer-token sessions.
//!
//! The store never sees a password or a token in clear: callers pass the argon2 hash and the
//! SHA-256 of the token.

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::Row;
use yiwang_core::role::Role;

use crate::audit::AuditEvent;
use crate::pool::with_pool;
use crate::records::{FromRecord, decode_all, parse_column, record};
use crate::{Store, StoreError};

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login name, unique.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// PHC-format argon2 hash of the password.
    pub password_hash: String,
    /// Department or street the account belongs to, if any.
    pub org_code: Option<String>,
    /// Roles granted.
    pub roles: Vec<Role>,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRecord {
    /// Identifier.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// PHC-format argon2 hash.
    pub password_hash: String,
    /// Department or street the account belongs to.
    pub org_code: Option<String>,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Roles granted, sorted.
    pub roles: Vec<Role>,
}

/// A live session found by its token hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The account.
    pub account: AccountRecord,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
}

record!(AccountRecord {
    id,
    username,
    display_name,
    password_hash,
    org_code,
    disabled,
    roles: skip
});

const ACCOUNT_COLUMNS: &str = "id, username, display_name, password_hash, org_code, disabled";

impl Store {
    /// Creates an account with its roles, auditing it as done by `actor`. Fails with
    /// [`StoreError::Conflict`] if the username is taken.
    pub async fn create_account(
        &self,
        account: &NewAccount,
        actor: &str,
    ) -> Result<i64, StoreError> {
        let mut bulk = self.transaction().await?;
        let id = bulk.create_account(account).await?;
        let roles: Vec<&str> = account.roles.iter().map(|r| r.as_str()).collect();
        bulk.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "account.create".to_owned(),
            entity: "account".to_owned(),
            entity_id: Some(account.username.clone()),
            detail: serde_json::json!({ "roles": roles }),
        })
        .await?;
        bulk.commit().await?;
        Ok(id)
    }

    /// Finds an account by username.
    pub async fn account_by_username(
        &self,
        username: &str,
    ) -> Result<Option<AccountRecord>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = $1");
        let found: Option<AccountRecord> = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(username).fetch_all(p).await?;
            decode_all(&rows)?.into_iter().next()
        });
        match found {
            Some(mut account) => {
                account.roles = self.roles_of(account.id).await?;
                Ok(Some(account))
            }
            None => Ok(None),
        }
    }

    /// Finds an account by id.
    pub async fn account(&self, id: i64) -> Result<Option<AccountRecord>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
        let found: Option<AccountRecord> = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(id).fetch_all(p).await?;
            decode_all(&rows)?.into_iter().next()
        });
        match found {
            Some(mut account) => {
                account.roles = self.roles_of(account.id).await?;
                Ok(Some(account))
            }
            None => Ok(None),
        }
    }

    /// All accounts, by username.
    pub async fn accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username");
        let mut accounts: Vec<AccountRecord> =
            with_pool!(&self.pool, p => decode_all(&sqlx::query(&sql).fetch_all(p).await?)?);
        for account in &mut accounts {
            account.roles = self.roles_of(account.id).await?;
        }
        Ok(accounts)
    }

    pub(crate) async fn roles_of(&self, account_id: i64) -> Result<Vec<Role>, StoreError> {
        let sql = "SELECT role FROM account_roles WHERE account_id = $1 ORDER BY role";
        let names: Vec<String> = with_pool!(&self.pool, p => sqlx::query_scalar(sql).bind(account_id).fetch_all(p).await?);
        names.into_iter().map(|n| parse_column(n, "role")).collect()
    }

    /// Records a new session token (by hash) for an account.
    pub async fn insert_token(
        &self,
        token_hash: &str,
        account_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let sql = "INSERT INTO tokens (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        let now = Utc::now().trunc_subsecs(6);
        with_pool!(&self.pool, p => {
            sqlx::query(sql).bind(token_hash).bind(account_id).bind(now).bind(expires_at).execute(p).await?;
        });
        Ok(())
    }

    /// The session of a token hash, if it exists, is not revoked, has not expired at `now`, and its
    /// account is enabled.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        // One round trip: the account once per role (or once with no role).
        let sql = "SELECT a.id, a.username, a.display_name, a.password_hash, a.org_code, a.disabled, t.expires_at, r.role \
                   FROM tokens t JOIN accounts a ON a.id = t.account_id \
                   LEFT JOIN account_roles r ON r.account_id = a.id \
                   WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND NOT a.disabled \
                   ORDER BY r.role";
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(sql).bind(token_hash).bind(now).fetch_all(p).await?;
            let Some(first) = rows.first() else {
                return Ok(None);
            };
            let mut account = AccountRecord::from_row(first)?;
            for r in &rows {
                if let Some(role) = r.try_get::<Option<String>, _>("role")? {
                    account.roles.push(parse_column(role, "role")?);
                }
            }
            Ok(Some(Session { account, expires_at: first.try_get("expires_at")? }))
        })
    }

    /// Revokes a token; returns whether a live token was revoked.
    pub async fn revoke_token(&self, token_hash: &str) -> Result<bool, StoreError> {
        let _guard = self.write_lock.lock().await;
        let sql = "UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL";
        let now = Utc::now().trunc_subsecs(6);
        let done = with_pool!(&self.pool, p => sqlx::query(sql).bind(now).bind(token_hash).execute(p).await?.rows_affected());
        Ok(done > 0)
    }
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
    /// Records a new session token (by hash) and its audit entry in one transaction: a token
    /// never exists without the entry that says who got it.
    pub async fn open_session(
        &self,
        token_hash: &str,
        account_id: i64,
        expires_at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO tokens (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        let now = Utc::now().trunc_subsecs(6);
        let mut bulk = self.transaction().await?;
        on_tx!(&mut bulk.tx, c => {
            sqlx::query(sql).bind(token_hash).bind(account_id).bind(now).bind(expires_at).execute(&mut **c).await?;
        });
        bulk.audit(audit).await?;
        bulk.commit().await
    }

    /// Revokes a token and audits it in one transaction; returns whether a live token was revoked.
    pub async fn close_session(
        &self,
        token_hash: &str,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL";
        let now = Utc::now().trunc_subsecs(6);
        let mut bulk = self.transaction().await?;
        let done = on_tx!(&mut bulk.tx, c => {
            sqlx::query(sql).bind(now).bind(token_hash).execute(&mut **c).await?.rows_affected()
        });
        bulk.audit(audit).await?;
        bulk.commit().await?;
        Ok(done > 0)
    }
}
