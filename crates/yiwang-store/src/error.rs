//! The store's one error type.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// A record with the same key exists already.
    #[error("{0} already exists")]
    Conflict(String),
    /// The database could not take the write (connection lost, commit failed); nothing of it
    /// was kept.
    #[error("{0}")]
    Unavailable(String),
    /// The record changed since it was read (optimistic concurrency).
    #[error("{0}")]
    Stale(String),
    /// A stored value could not be read back (corrupt or foreign data).
    #[error("stored value of `{column}` is invalid: {reason}")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// Why it could not be read.
        reason: String,
    },
    /// The audit chain does not verify.
    #[error("audit chain broken at entry {0}")]
    AuditChainBroken(i64),
    /// Applying migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// An error from SQLite's C API on the bulk write path (`direct`).
    #[error("database error: {0}")]
    Engine(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            return StoreError::Conflict(db.message().to_owned());
        }
        StoreError::Database(err)
    }
}

impl StoreError {
    /// True when the database could not be reached (pool exhausted or closed, connection lost):
    /// retrying later may succeed.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_)
                | StoreError::Database(
                    sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
                )
        )
    }
}
