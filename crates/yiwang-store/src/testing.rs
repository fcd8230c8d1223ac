//! Throwaway databases for tests of this crate and the crates above it (feature `testing`).
//!
//! The PostgreSQL half is not optional: if the server cannot be reached the test fails with a
//! message saying how to start it, rather than passing silently.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::{Backend, Store};

/// The vault tests seal ID numbers with (a fixed key; never use it for real data).
#[must_use]
pub fn vault() -> yiwang_core::privacy::IdVault {
    yiwang_core::privacy::IdVault::new(&[0x5a; yiwang_core::privacy::KEY_BYTES])
}

/// Environment variable naming the PostgreSQL server used by tests (an admin database URL).
pub const POSTGRES_URL_VAR: &str = "YIWANG_TEST_POSTGRES_URL";
/// Default when the variable is unset: the local server with trust authentication.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test and is removed afterwards.
#[derive(Debug)]
pub struct TestDb {
    /// The open store.
    pub store: Store,
    /// Its URL (for tests that start the binary against it).
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn admin_url() -> String {
    std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// `admin_url` with its database replaced by `name`.
fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let cut = base
        .rfind('/')
        .filter(|&i| i > base.find("://").map_or(0, |s| s + 2))
        .unwrap_or(base.len());
    let mut url = format!("{}/{name}", &base[..cut]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

impl TestDb {
    /// A new database of `backend`, migrated and empty.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite().await,
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    /// A fresh SQLite file in the temp folder.
    #[allow(clippy::panic)]
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", unique("yiwang_test")));
        let url = format!("sqlite://{}", path.display());
        let store = match Store::connect(&url).await {
            Ok(store) => store,
            Err(e) => panic!("cannot create test SQLite database {}: {e}", path.display()),
        };
        TestDb {
            store,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    /// A fresh PostgreSQL database on the server of `YIWANG_TEST_POSTGRES_URL`.
    #[allow(clippy::panic)]
    pub async fn postgres() -> TestDb {
        let admin_url = admin_url();
        let mut admin = match PgConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) => panic!(
                "\n\nPostgreSQL half of the test suite cannot run: cannot connect to {admin_url}: {e}\n\
                 Start PostgreSQL (see README, \"Services\") or point {POSTGRES_URL_VAR} at a server \
                 where this user may create databases.\n"
            ),
        };
        let name = unique("yiwang_test");
        if let Err(e) = sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
        {
            panic!("cannot create test database {name} on {admin_url}: {e}");
        }
        let _ = admin.close().await;
        let url = with_database(&admin_url, &name);
        let store = match Store::connect(&url).await {
            Ok(store) => store,
            Err(e) => panic!("cannot open test database {url}: {e}"),
        };
        TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop runs outside any runtime guarantee: use a thread with its own runtime.
                let admin_url = admin_url.clone();
                let name = name.clone();
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut admin)
                            .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Declares one `#[tokio::test]` per backend running `$body(store)`:
/// `both_backends!(name, |db| async move { … });` expands to `mod name { fn sqlite; fn postgres }`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::new($crate::Backend::Sqlite).await;
                ($body)(db).await;
            }

            #[tokio::test]
            async fn postgres() {
                let db = $crate::testing::TestDb::new($crate::Backend::Postgres).await;
                ($body)(db).await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "t1"), "postgres://u@h/t1");
    }
}
