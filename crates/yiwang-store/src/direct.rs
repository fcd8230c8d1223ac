//! Row-at-a-time writes on SQLite straight through its C API, inside the caller's transaction.
//!
//! sqlx sends each statement to the connection's worker thread and binds from argument buffers
//! built per statement; for a registry snapshot of a million rows that costs twice SQLite's own
//! work (docs/PERFORMANCE.md). Here the connection is locked out of sqlx's worker while one
//! prepared statement is stepped once per row on this thread. A single-row statement also needs
//! no statement journal, which a multi-row `VALUES` list with a unique index does.

use rusqlite::ffi::ErrorCode;
use sqlx::SqliteConnection;
use tokio::runtime::{Handle, RuntimeFlavor};

use crate::StoreError;

/// Binds one row's values, in the order of the statement's `?`s.
pub(crate) struct Binder<'s, 'c> {
    stmt: &'s mut rusqlite::Statement<'c>,
    next: usize,
    failed: Option<rusqlite::Error>,
}

impl Binder<'_, '_> {
    /// Binds text (`None` is NULL).
    pub(crate) fn text(&mut self, value: Option<&str>) -> &mut Self {
        self.bind(value)
    }

    /// Binds an integer (`None` is NULL).
    pub(crate) fn int(&mut self, value: Option<i64>) -> &mut Self {
        self.bind(value)
    }

    /// Binds a real (`None` is NULL).
    pub(crate) fn real(&mut self, value: Option<f64>) -> &mut Self {
        self.bind(value)
    }

    fn bind(&mut self, value: impl rusqlite::ToSql) -> &mut Self {
        self.next += 1;
        if self.failed.is_none()
            && let Err(e) = self.stmt.raw_bind_parameter(self.next, value)
        {
            self.failed = Some(e);
        }
        self
    }
}

/// Executes `sql` once for each of `rows`, binding each with `bind`, on the connection of an
/// open transaction. Stops at the first failing row; the caller's transaction then rolls back.
pub(crate) async fn execute_each<T: Sync>(
    conn: &mut SqliteConnection,
    sql: &str,
    rows: &[T],
    bind: impl Fn(&T, &mut Binder<'_, '_>) + Sync,
) -> Result<(), StoreError> {
    let mut handle = conn.lock_handle().await?;
    let raw = handle.as_raw_handle();
    let run = || -> rusqlite::Result<()> {
        // SAFETY: `handle` keeps sqlx's worker off the connection until this returns; the
        // wrapper neither owns nor closes it, and the statement is finalized when dropped here.
        #[allow(unsafe_code)]
        let direct = unsafe { rusqlite::Connection::from_handle(raw.as_ptr()) }?;
        let mut stmt = direct.prepare(sql)?;
        for row in rows {
            let mut binder = Binder {
                stmt: &mut stmt,
                next: 0,
                failed: None,
            };
            bind(row, &mut binder);
            if let Some(e) = binder.failed {
                return Err(e);
            }
            stmt.raw_execute()?;
        }
        Ok(())
    };
    // Seconds of work for a district's file: keep the runtime's other tasks moving.
    let outcome = match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(run)
        }
        _ => run(),
    };
    outcome.map_err(store_error)
}

fn store_error(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, message)
            if f.code == ErrorCode::ConstraintViolation
                && matches!(
                    f.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                ) =>
        {
            StoreError::Conflict(message.clone().unwrap_or_else(|| e.to_string()))
        }
        _ => StoreError::Engine(e.to_string()),
    }
}
