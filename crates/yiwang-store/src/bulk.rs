//! Loading many records in one transaction: the twin generator and, later, the importers.

use sqlx::{Postgres, QueryBuilder, Sqlite, Transaction};
use tokio::sync::MutexGuard;
use yiwang_core::model::{
    Case, Department, Division, Grid, GridStaff, Housing, Person, Premises, PremisesAlias, Road,
    Unit,
};

use yiwang_core::privacy::{IdVault, SealedId};

use crate::NewAccount;
use crate::audit::{
    AuditEvent, OpenChain, append_audit_pg, append_audit_sqlite, append_chained_pg,
    append_chained_sqlite, open_chain_pg, open_chain_sqlite,
};
use crate::pool::Pool;
use crate::{Store, StoreError};

/// Bound parameters per statement: below SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;
/// Page cache of a SQLite connection while it loads (256 MiB), and after (32 MiB, as opened).
const BULK_CACHE: &str = "PRAGMA cache_size = -262144";
const NORMAL_CACHE: &str = "PRAGMA cache_size = -32768";
/// Loads at least this big end with a WAL checkpoint on SQLite.
const CHECKPOINT_ROWS: usize = 10_000;

pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An open write transaction for bulk loading. Nothing is visible to readers until
/// [`Bulk::commit`]; dropping it without committing rolls everything back.
pub struct Bulk<'a> {
    pub(crate) tx: Tx,
    pool: Pool,
    /// Rows inserted so far, to decide whether the commit is worth a WAL checkpoint.
    rows: usize,
    /// Whether rows were inserted with explicit ids (then PostgreSQL's identity sequences must
    /// move past them at commit).
    explicit_ids: bool,
    /// Whether this is a load, with the larger SQLite page cache to reset at commit.
    load: bool,
    _guard: MutexGuard<'a, ()>,
}

/// Every column of `cases`, in the order of [`Case`]'s fields.
pub(crate) const CASE_COLUMNS: [&str; 39] = [
    "id",
    "case_no",
    "source",
    "category_kind",
    "category_code",
    "category_name",
    "request_type",
    "text",
    "address",
    "premises_id",
    "lon",
    "lat",
    "street_code",
    "grid_code",
    "department_code",
    "state",
    "priority",
    "reporter_name",
    "reporter_phone",
    "created_at",
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
    "reporter_account_id",
    "assisting_departments",
    "version",
];
/// The columns of `cases` but `id`, in the order [`push_case!`] binds them.
pub(crate) const CASE_COLUMNS_BUT_ID: &[&str] = CASE_COLUMNS.split_at(1).1;

/// Binds every column of a case but `id`, in the order of [`CASE_COLUMNS_BUT_ID`].
macro_rules! push_case {
    ($b:ident, $r:ident) => {
        $b.push_bind(&$r.case_no)
            .push_bind($r.source.as_str())
            .push_bind(&$r.category_kind)
            .push_bind(&$r.category_code)
            .push_bind(&$r.category_name)
            .push_bind(&$r.request_type)
            .push_bind(&$r.text)
            .push_bind(&$r.address)
            .push_bind($r.premises_id)
            .push_bind($r.lon)
            .push_bind($r.lat)
            .push_bind(&$r.street_code)
            .push_bind(&$r.grid_code)
            .push_bind(&$r.department_code)
            .push_bind(&$r.state)
            .push_bind(&$r.priority)
            .push_bind(&$r.reporter_name)
            .push_bind(&$r.reporter_phone)
            .push_bind($r.created_at)
            .push_bind($r.due_at)
            .push_bind($r.closed_at)
            .push_bind(&$r.satisfaction)
            .push_bind(&$r.reply)
            .push_bind($r.parent_id)
            .push_bind($r.time_limit_amount)
            .push_bind(&$r.time_limit_unit)
            .push_bind($r.rework_count)
            .push_bind($r.supervised)
            .push_bind($r.reopened)
            .push_bind(&$r.pending_request)
            .push_bind(&$r.returned_by)
            .push_bind(&$r.stage)
            .push_bind($r.stage_started_at)
            .push_bind($r.stage_due_at)
            .push_bind($r.paused_at)
            .push_bind($r.reporter_account_id)
            .push_bind(&$r.assisting_departments)
            .push_bind($r.version)
    };
}
pub(crate) use push_case;

/// Runs `$body` with `$c` bound to the open transaction of either backend.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::bulk::Tx::Sqlite($c) => $body,
            $crate::bulk::Tx::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_tx;

/// Inserts `$rows` into `$table` in statements of at most [`MAX_PARAMS`] parameters.
macro_rules! insert_rows {
    ($self:expr, $table:literal, [$($col:literal),+ $(,)?], $rows:expr, |$b:ident, $r:ident| $push:block) => {
        insert_rows!($self, $table, &[$($col),+], $rows, |$b, $r| $push)
    };
    ($self:expr, $table:literal, $columns:expr, $rows:expr, |$b:ident, $r:ident| $push:block) => {{
        const COLUMNS: &[&str] = $columns;
        let head = format!("INSERT INTO {} ({}) ", $table, COLUMNS.join(", "));
        $self.rows += $rows.len();
        $self.explicit_ids |= COLUMNS.first() == Some(&"id");
        for chunk in $rows.chunks(MAX_PARAMS / COLUMNS.len()) {
            match &mut $self.tx {
                Tx::Sqlite(tx) => {
                    let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(head.as_str());
                    qb.push_values(chunk, |mut $b, $r| $push);
                    qb.build().execute(&mut **tx).await?;
                }
                Tx::Postgres(tx) => {
                    let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new(head.as_str());
                    qb.push_values(chunk, |mut $b, $r| $push);
                    qb.build().execute(&mut **tx).await?;
                }
            }
        }
        Ok(())
    }};
}

impl Store {
    /// Starts a bulk load. Other writers in this process wait until it commits or is dropped.
    pub async fn bulk(&self) -> Result<Bulk<'_>, StoreError> {
        self.begin(true).await
    }

    /// A write transaction for a few rows (a group of cases, one workflow step, an account):
    /// [`Store::bulk`] without the load's page cache, whose setting and resetting would empty
    /// the connection's cache at every commit.
    pub async fn transaction(&self) -> Result<Bulk<'_>, StoreError> {
        self.begin(false).await
    }

    async fn begin(&self, load: bool) -> Result<Bulk<'_>, StoreError> {
        let guard = self.write_lock.lock().await;
        let tx = match &self.pool {
            // IMMEDIATE takes the write lock now (waiting up to the busy timeout) rather than at
            // the first write, so a writer in another process cannot make this one fail halfway.
            Pool::Sqlite(p) => {
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                // A load writes into every index of its tables at random places (keyed hashes,
                // rooms): with the index pages cached it costs a third of the time.
                if load {
                    sqlx::query(BULK_CACHE).execute(&mut *tx).await?;
                }
                Tx::Sqlite(tx)
            }
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        };
        Ok(Bulk {
            tx,
            pool: self.pool.clone(),
            rows: 0,
            explicit_ids: false,
            load,
            _guard: guard,
        })
    }
}

impl Bulk<'_> {
    /// Counts rows written by another module, for the checkpoint decision at commit.
    pub(crate) fn note_rows(&mut self, n: usize) {
        self.rows += n;
    }

    /// Inserts administrative divisions (parents before children).
    pub async fn divisions(&mut self, rows: &[Division]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "divisions",
            ["code", "name", "level", "parent_code"],
            rows,
            |b, r| {
                b.push_bind(&r.code)
                    .push_bind(&r.name)
                    .push_bind(r.level.as_str())
                    .push_bind(&r.parent_code);
            }
        )
    }

    /// Inserts grids (parents before children).
    pub async fn grids(&mut self, rows: &[Grid]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "grids",
            [
                "code",
                "level",
                "name",
                "parent_code",
                "street_code",
                "geometry",
                "area_m2",
                "centroid_lon",
                "centroid_lat"
            ],
            rows,
            |b, r| {
                b.push_bind(&r.code)
                    .push_bind(r.level.as_str())
                    .push_bind(&r.name)
                    .push_bind(&r.parent_code)
                    .push_bind(&r.street_code)
                    .push_bind(&r.geometry)
                    .push_bind(r.area_m2)
                    .push_bind(r.centroid_lon)
                    .push_bind(r.centroid_lat);
            }
        )
    }

    /// Inserts grid staff.
    pub async fn staff(&mut self, rows: &[GridStaff]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "grid_staff",
            ["id", "grid_code", "role", "name", "phone"],
            rows,
            |b, r| {
                b.push_bind(r.id)
                    .push_bind(&r.grid_code)
                    .push_bind(r.role.as_str())
                    .push_bind(&r.name)
                    .push_bind(&r.phone);
            }
        )
    }

    /// Inserts roads.
    pub async fn roads(&mut self, rows: &[Road]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "roads",
            ["name", "street_code", "geometry"],
            rows,
            |b, r| {
                b.push_bind(&r.name)
                    .push_bind(&r.street_code)
                    .push_bind(&r.geometry);
            }
        )
    }

    /// Inserts premises (parents before children).
    pub async fn premises(&mut self, rows: &[Premises]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "premises",
            [
                "id",
                "parent_id",
                "kind",
                "standard_address",
                "name",
                "use_kind",
                "road",
                "lon",
                "lat",
                "floor_area_m2",
                "street_code",
                "community_code",
                "grid_code"
            ],
            rows,
            |b, r| {
                b.push_bind(r.id)
                    .push_bind(r.parent_id)
                    .push_bind(r.kind.as_str())
                    .push_bind(&r.standard_address)
                    .push_bind(&r.name)
                    .push_bind(r.use_kind.as_str())
                    .push_bind(&r.road)
                    .push_bind(r.lon)
                    .push_bind(r.lat)
                    .push_bind(r.floor_area_m2)
                    .push_bind(&r.street_code)
                    .push_bind(&r.community_code)
                    .push_bind(&r.grid_code);
            }
        )
    }

    /// Inserts premises aliases.
    pub async fn aliases(&mut self, rows: &[PremisesAlias]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "premises_aliases",
            ["premises_id", "alias", "kind"],
            rows,
            |b, r| {
                b.push_bind(r.premises_id)
                    .push_bind(&r.alias)
                    .push_bind(&r.kind);
            }
        )
    }

    /// Inserts persons, their ID numbers sealed with `vault` (never stored in clear).
    pub async fn persons(&mut self, rows: &[Person], vault: &IdVault) -> Result<(), StoreError> {
        let sealed: Vec<(&Person, SealedId)> =
            rows.iter().map(|r| (r, vault.seal(&r.id_number))).collect();
        insert_rows!(
            self,
            "persons",
            [
                "id",
                "id_hash",
                "id_cipher",
                "id_masked",
                "id_kind",
                "name",
                "person_type",
                "sex",
                "birth_date",
                "nationality",
                "phone",
                "room_id",
                "move_in_date"
            ],
            &sealed,
            |b, row| {
                let (r, id) = row;
                b.push_bind(r.id)
                    .push_bind(&id.hash)
                    .push_bind(&id.cipher)
                    .push_bind(&id.masked)
                    .push_bind(&r.id_kind)
                    .push_bind(&r.name)
                    .push_bind(r.person_type.as_str())
                    .push_bind(&r.sex)
                    .push_bind(r.birth_date)
                    .push_bind(&r.nationality)
                    .push_bind(&r.phone)
                    .push_bind(r.room_id)
                    .push_bind(r.move_in_date);
            }
        )
    }

    /// Inserts housing records.
    pub async fn housing(&mut self, rows: &[Housing]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "housing",
            ["room_id", "use_kind", "area_m2", "owner_person_id"],
            rows,
            |b, r| {
                b.push_bind(r.room_id)
                    .push_bind(r.use_kind.as_str())
                    .push_bind(r.area_m2)
                    .push_bind(r.owner_person_id);
            }
        )
    }

    /// Inserts units.
    pub async fn units(&mut self, rows: &[Unit]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "units",
            [
                "id",
                "uscc",
                "name",
                "industry",
                "staff",
                "registered_at",
                "premises_id",
                "actual_premises_id"
            ],
            rows,
            |b, r| {
                b.push_bind(r.id)
                    .push_bind(&r.uscc)
                    .push_bind(&r.name)
                    .push_bind(&r.industry)
                    .push_bind(r.staff)
                    .push_bind(r.registered_at)
                    .push_bind(r.premises_id)
                    .push_bind(r.actual_premises_id);
            }
        )
    }

    /// Inserts departments.
    pub async fn departments(&mut self, rows: &[Department]) -> Result<(), StoreError> {
        insert_rows!(
            self,
            "departments",
            ["code", "name", "short_name", "kind"],
            rows,
            |b, r| {
                b.push_bind(&r.code)
                    .push_bind(&r.name)
                    .push_bind(&r.short_name)
                    .push_bind(&r.kind);
            }
        )
    }

    /// Inserts cases with their ids (parents before duplicates that point at them).
    pub async fn cases(&mut self, rows: &[Case]) -> Result<(), StoreError> {
        insert_rows!(self, "cases", &CASE_COLUMNS, rows, |b, r| {
            b.push_bind(r.id);
            push_case!(b, r);
        })
    }

    /// Creates an account and its roles inside this transaction; the caller audits it.
    pub async fn create_account(&mut self, account: &NewAccount) -> Result<i64, StoreError> {
        let insert = "INSERT INTO accounts (username, display_name, password_hash, org_code, disabled, created_at) \
                      VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id";
        let role_sql = "INSERT INTO account_roles (account_id, role) VALUES ($1, $2)";
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
        macro_rules! run {
            ($tx:expr) => {{
                let id: i64 = sqlx::query_scalar(insert)
                    .bind(&account.username)
                    .bind(&account.display_name)
                    .bind(&account.password_hash)
                    .bind(&account.org_code)
                    .bind(now)
                    .fetch_one(&mut **$tx)
                    .await?;
                for role in &account.roles {
                    sqlx::query(role_sql)
                        .bind(id)
                        .bind(role.as_str())
                        .execute(&mut **$tx)
                        .await?;
                }
                Ok(id)
            }};
        }
        match &mut self.tx {
            Tx::Sqlite(tx) => run!(tx),
            Tx::Postgres(tx) => run!(tx),
        }
    }

    /// Appends an audit entry inside this transaction.
    pub async fn audit(&mut self, event: &AuditEvent) -> Result<i64, StoreError> {
        match &mut self.tx {
            Tx::Sqlite(tx) => append_audit_sqlite(tx, event).await,
            Tx::Postgres(tx) => append_audit_pg(tx, event).await,
        }
    }

    /// Opens the audit chain for several appends in this transaction (see [`OpenChain`]).
    pub(crate) async fn open_audit_chain(&mut self) -> Result<OpenChain, StoreError> {
        match &mut self.tx {
            Tx::Sqlite(tx) => open_chain_sqlite(tx).await,
            Tx::Postgres(tx) => open_chain_pg(tx).await,
        }
    }

    /// Appends an audit entry to a chain opened with [`Self::open_audit_chain`].
    pub(crate) async fn audit_chained(
        &mut self,
        chain: &mut OpenChain,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        match &mut self.tx {
            Tx::Sqlite(tx) => append_chained_sqlite(tx, chain, event).await,
            Tx::Postgres(tx) => append_chained_pg(tx, chain, event).await,
        }
    }

    /// Commits everything. On PostgreSQL the identity sequences are moved past the ids loaded, so
    /// later inserts that let the database choose an id do not collide.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            Tx::Sqlite(mut tx) => {
                if self.load {
                    sqlx::query(NORMAL_CACHE).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                // Fold the write-ahead log back into the database file now, so a large load
                // does not leave a WAL as big as the data behind it.
                if let (Pool::Sqlite(pool), true) = (&self.pool, self.rows >= CHECKPOINT_ROWS) {
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .execute(pool)
                        .await?;
                }
            }
            Tx::Postgres(mut tx) if self.explicit_ids => {
                for table in [
                    "premises",
                    "persons",
                    "units",
                    "cases",
                    "accounts",
                    "grid_staff",
                ] {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                    );
                    sqlx::query(&sql).execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
