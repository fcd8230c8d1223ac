//! Connecting, migrating, and dispatching one query to whichever backend is open.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::Mutex;

use crate::StoreError;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite: one file, WAL, foreign keys on.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool of either backend; the body is compiled once
/// per backend, so the same SQL and bindings are type-checked against both.
macro_rules! with_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::pool::Pool::Sqlite($p) => $body,
            $crate::pool::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// The repository: a connection pool to SQLite or PostgreSQL with the schema applied.
///
/// Cloning is cheap and shares the pool.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    /// Serialises write transactions in this process: SQLite allows one writer at a time, and the
    /// audit chain needs its appends in order.
    pub(crate) write_lock: Arc<Mutex<()>>,
}

impl Store {
    /// Opens `url` (`sqlite://PATH` or `postgres://…`), creating a SQLite file if missing, and
    /// applies the migrations of that backend.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // 32 MiB of page cache per connection (the default is 2 MiB): the hot indexes of
                // a district stay in memory instead of being re-read through the kernel.
                .pragma("cache_size", "-32768");
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            Pool::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        Ok(Store {
            pool,
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    /// Opens (creating if needed) the SQLite database file at `path`.
    pub async fn open_sqlite(path: &std::path::Path) -> Result<Store, StoreError> {
        Store::connect(&format!("sqlite://{}", path.display())).await
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the planner's statistics up to date after a bulk load. PostgreSQL plans from
    /// them and its autovacuum may take minutes to notice a load: until then a query the size
    /// of a 片区 was planned as if the tables were empty (0.39 s instead of 0.05 s). SQLite plans
    /// from its indexes alone; `PRAGMA optimize` does what little it needs.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query("PRAGMA optimize").execute(p).await?;
            }
            Pool::Postgres(p) => {
                sqlx::query("ANALYZE").execute(p).await?;
            }
        }
        Ok(())
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        with_pool!(&self.pool, p => p.close().await)
    }

    /// True when nothing has been loaded yet (no divisions).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = with_pool!(&self.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM divisions").fetch_one(p).await?);
        Ok(n == 0)
    }

    /// Whether the database is structurally sound: on SQLite `PRAGMA integrity_check` answers
    /// `ok` and `PRAGMA foreign_key_check` finds nothing; PostgreSQL keeps both itself.
    pub async fn integrity_ok(&self) -> Result<bool, StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(p)
                    .await?;
                let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(p).await?;
                Ok(verdict == "ok" && broken.is_empty())
            }
            Pool::Postgres(p) => {
                let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(p).await?;
                Ok(one == 1)
            }
        }
    }

    /// Reads a value of the key/value `meta` table.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            with_pool!(&self.pool, p => sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await?),
        )
    }

    /// Sets a value of the `meta` table.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let sql = "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        with_pool!(&self.pool, p => {
            sqlx::query(sql).bind(key).bind(value).execute(p).await?;
        });
        Ok(())
    }
}
