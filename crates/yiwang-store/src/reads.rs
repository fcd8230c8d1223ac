//! Read queries used by the CLI and the HTTP API.

use serde::Serialize;
use sqlx::Row;
use yiwang_core::model::{
    Department, Division, Grid, GridLevel, GridStaff, Premises, PremisesAddress, PremisesAlias,
    Road, Stats,
};

use crate::pool::with_pool;
use crate::records::{decode_all, record};
use crate::{Store, StoreError};

const PREMISES_COLUMNS: &str = "id, parent_id, kind, standard_address, name, use_kind, road, lon, lat, floor_area_m2, \
     street_code, community_code, grid_code";
const GRID_COLUMNS: &str =
    "code, level, name, parent_code, street_code, geometry, area_m2, centroid_lon, centroid_lat";

/// Premises with what a dossier page needs around it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PremisesDetail {
    /// The premises itself.
    pub premises: Premises,
    /// Its aliases.
    pub aliases: Vec<PremisesAlias>,
    /// How many direct children it has.
    pub children: i64,
}

/// The size of the grid and of its history (see [`Store::grid_signature`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridSignature {
    /// Cells now.
    pub cells: i64,
    /// Previous versions kept.
    pub versions: i64,
}

/// What [`Store::case_map_signature`] reads: equal signatures mean no case changed in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseMapSignature {
    /// Cases in all.
    pub cases: i64,
    /// Sum of their versions (each change bumps one).
    pub versions: i64,
    /// Highest case id.
    pub last_id: i64,
}

impl CaseMapSignature {
    /// A number that grows with every case taken in or changed (cases are never deleted, and a
    /// change bumps a version), so a later reading is never smaller.
    #[must_use]
    pub fn generation(&self) -> u64 {
        u64::try_from(self.cases.saturating_add(self.versions)).unwrap_or(0)
    }
}

/// A case as the map needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseMapPoint {
    /// Case id.
    pub id: i64,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// Workflow state.
    pub state: String,
    /// Deadline.
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Category name.
    pub category_name: Option<String>,
}

record!(CaseMapPoint {
    id,
    lon,
    lat,
    state,
    due_at,
    category_name
});

/// Upper bound of the strings that start with `prefix` in code-point order.
fn prefix_upper_bound(prefix: &str) -> String {
    let mut upper = prefix.to_owned();
    upper.push(char::MAX);
    upper
}

impl Store {
    /// Counts of everything (`yiwang stats`).
    pub async fn stats(&self) -> Result<Stats, StoreError> {
        let sql = "SELECT \
            (SELECT COUNT(*) FROM grids WHERE level = 'street') AS streets, \
            (SELECT COUNT(*) FROM grids WHERE level = 'area') AS areas, \
            (SELECT COUNT(*) FROM grids WHERE level = 'community') AS communities, \
            (SELECT COUNT(*) FROM grids WHERE level = 'micro_grid') AS micro_grids, \
            (SELECT COUNT(*) FROM grids WHERE level = 'building_group') AS building_groups, \
            (SELECT COUNT(*) FROM premises WHERE kind = 'compound') AS compounds, \
            (SELECT COUNT(*) FROM premises WHERE kind = 'building') AS buildings, \
            (SELECT COUNT(*) FROM premises WHERE kind = 'room') AS rooms, \
            (SELECT COUNT(*) FROM persons) AS persons, \
            (SELECT COUNT(*) FROM housing) AS housing, \
            (SELECT COUNT(*) FROM units) AS units, \
            (SELECT COUNT(*) FROM departments) AS departments, \
            (SELECT COUNT(*) FROM cases) AS cases";
        with_pool!(&self.pool, p => {
            let r = sqlx::query(sql).fetch_one(p).await?;
            Ok(Stats {
                streets: r.try_get("streets")?,
                areas: r.try_get("areas")?,
                communities: r.try_get("communities")?,
                micro_grids: r.try_get("micro_grids")?,
                building_groups: r.try_get("building_groups")?,
                compounds: r.try_get("compounds")?,
                buildings: r.try_get("buildings")?,
                rooms: r.try_get("rooms")?,
                persons: r.try_get("persons")?,
                housing: r.try_get("housing")?,
                units: r.try_get("units")?,
                departments: r.try_get("departments")?,
                cases: r.try_get("cases")?,
            })
        })
    }

    /// Divisions under `parent` (the district's own row when `parent` is `None`), by code.
    pub async fn divisions(&self, parent: Option<&str>) -> Result<Vec<Division>, StoreError> {
        let sql = match parent {
            Some(_) => {
                "SELECT code, name, level, parent_code FROM divisions WHERE parent_code = $1 ORDER BY code"
            }
            None => {
                "SELECT code, name, level, parent_code FROM divisions WHERE level = 'district' ORDER BY code"
            }
        };
        with_pool!(&self.pool, p => {
            let mut q = sqlx::query(sql);
            if let Some(parent) = parent {
                q = q.bind(parent);
            }
            decode_all(&q.fetch_all(p).await?)
        })
    }

    /// One division by code.
    pub async fn division(&self, code: &str) -> Result<Option<Division>, StoreError> {
        let sql = "SELECT code, name, level, parent_code FROM divisions WHERE code = $1";
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(sql).bind(code).fetch_all(p).await?;
            Ok(decode_all(&rows)?.into_iter().next())
        })
    }

    /// Grids of one level, optionally only the children of `parent`, by code.
    pub async fn grids(
        &self,
        level: GridLevel,
        parent: Option<&str>,
    ) -> Result<Vec<Grid>, StoreError> {
        let sql = match parent {
            Some(_) => format!(
                "SELECT {GRID_COLUMNS} FROM grids WHERE level = $1 AND parent_code = $2 ORDER BY code"
            ),
            None => format!("SELECT {GRID_COLUMNS} FROM grids WHERE level = $1 ORDER BY code"),
        };
        with_pool!(&self.pool, p => {
            let mut q = sqlx::query(&sql).bind(level.as_str());
            if let Some(parent) = parent {
                q = q.bind(parent);
            }
            decode_all(&q.fetch_all(p).await?)
        })
    }

    /// One grid by code.
    pub async fn grid(&self, code: &str) -> Result<Option<Grid>, StoreError> {
        let sql = format!("SELECT {GRID_COLUMNS} FROM grids WHERE code = $1");
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(code).fetch_all(p).await?;
            Ok(decode_all(&rows)?.into_iter().next())
        })
    }

    /// One premises by id, with aliases and child count.
    pub async fn premises(&self, id: i64) -> Result<Option<PremisesDetail>, StoreError> {
        let sql = format!("SELECT {PREMISES_COLUMNS} FROM premises WHERE id = $1");
        let alias_sql = "SELECT premises_id, alias, kind FROM premises_aliases WHERE premises_id = $1 ORDER BY alias";
        let count_sql = "SELECT COUNT(*) FROM premises WHERE parent_id = $1";
        with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(id).fetch_all(p).await?;
            let Some(premises) = decode_all::<_, Premises>(&rows)?.into_iter().next() else {
                return Ok(None);
            };
            let aliases = decode_all(&sqlx::query(alias_sql).bind(id).fetch_all(p).await?)?;
            let children: i64 = sqlx::query_scalar(count_sql).bind(id).fetch_one(p).await?;
            Ok(Some(PremisesDetail { premises, aliases, children }))
        })
    }

    /// One premises record by id, without its aliases and children (one indexed read).
    pub async fn premises_record(&self, id: i64) -> Result<Option<Premises>, StoreError> {
        let sql = format!("SELECT {PREMISES_COLUMNS} FROM premises WHERE id = $1");
        with_pool!(&self.pool, p => Ok(decode_all(&sqlx::query(&sql).bind(id).fetch_all(p).await?)?.into_iter().next()))
    }

    /// Direct children of a premises, in address order.
    pub async fn premises_children(&self, id: i64) -> Result<Vec<Premises>, StoreError> {
        let sql = format!(
            "SELECT {PREMISES_COLUMNS} FROM premises WHERE parent_id = $1 ORDER BY standard_address"
        );
        with_pool!(&self.pool, p => decode_all(&sqlx::query(&sql).bind(id).fetch_all(p).await?))
    }

    /// Premises whose standard address starts with `prefix`, in address order, at most `limit`.
    pub async fn premises_by_prefix(
        &self,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<Premises>, StoreError> {
        let sql = format!(
            "SELECT {PREMISES_COLUMNS} FROM premises WHERE standard_address >= $1 AND standard_address < $2 \
             ORDER BY standard_address LIMIT $3"
        );
        let upper = prefix_upper_bound(prefix);
        with_pool!(&self.pool, p => decode_all(
            &sqlx::query(&sql).bind(prefix).bind(&upper).bind(limit).fetch_all(p).await?
        ))
    }

    /// Every building that has a point (for the in-memory spatial index), by id.
    pub async fn buildings_with_points(&self) -> Result<Vec<Premises>, StoreError> {
        let sql = format!(
            "SELECT {PREMISES_COLUMNS} FROM premises WHERE kind = 'building' AND lon IS NOT NULL AND lat IS NOT NULL \
             ORDER BY id"
        );
        with_pool!(&self.pool, p => decode_all(&sqlx::query(&sql).fetch_all(p).await?))
    }

    /// Every grid of every level, parents first (street, area, community, micro-grid, 楼组).
    pub async fn all_grids(&self) -> Result<Vec<Grid>, StoreError> {
        let mut all = Vec::new();
        for level in GridLevel::ALL {
            all.extend(self.grids(*level, None).await?);
        }
        Ok(all)
    }

    /// Every unfinished case with a point, for the map: (id, lon, lat, state, due_at, category
    /// name), by id. Closed, rejected and merged cases are not on the operations map.
    pub async fn case_map_points(&self) -> Result<Vec<CaseMapPoint>, StoreError> {
        let sql = format!(
            "SELECT id, lon, lat, state, due_at, category_name FROM cases \
             WHERE lon IS NOT NULL AND lat IS NOT NULL AND state NOT IN {} ORDER BY id",
            crate::cases::finished_states_sql()
        );
        with_pool!(&self.pool, p => decode_all(&sqlx::query(&sql).fetch_all(p).await?))
    }

    /// Up to `limit` cases with an id above `after`, by id: their id and text (for the search
    /// index, which reads them page by page and then only the new ones).
    pub async fn case_texts(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(with_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, text FROM cases WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(p)
        .await?))
    }

    /// What changes whenever a case is taken in or changed (every change bumps its version):
    /// the map redraws its case layer when this differs from the last one it drew.
    pub async fn case_map_signature(&self) -> Result<CaseMapSignature, StoreError> {
        let (cases, versions, last_id): (i64, i64, i64) = with_pool!(&self.pool, p => sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT), COALESCE(MAX(id), 0) FROM cases",
        )
        .fetch_one(p)
        .await?);
        Ok(CaseMapSignature {
            cases,
            versions,
            last_id,
        })
    }

    /// What changes whenever the grid does: a boundary import adds cells or keeps the previous
    /// version of each cell it replaces.
    pub async fn grid_signature(&self) -> Result<GridSignature, StoreError> {
        let (cells, versions): (i64, i64) = with_pool!(&self.pool, p => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM grids), (SELECT COUNT(*) FROM grid_versions)",
        )
        .fetch_one(p)
        .await?);
        Ok(GridSignature { cells, versions })
    }

    /// Every grid cell's staff (网格长, 网格员, 楼组长), by cell code, then id: a district has a
    /// few tens of thousands, which a server holds beside its grid index.
    pub async fn all_grid_staff(&self) -> Result<Vec<GridStaff>, StoreError> {
        let sql = "SELECT id, grid_code, role, name, phone FROM grid_staff ORDER BY grid_code, id";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).fetch_all(p).await?))
    }

    /// Up to `limit` premises with an id above `after`, by id: their id, kind, standard address
    /// and street (for the address matcher, which reads the registry page by page so a million
    /// rows are never held at once).
    pub async fn premises_addresses(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<PremisesAddress>, StoreError> {
        let sql = "SELECT id, kind, standard_address, street_code FROM premises WHERE id > $1 \
                   ORDER BY id LIMIT $2";
        with_pool!(&self.pool, p => decode_all(
            &sqlx::query(sql).bind(after).bind(limit).fetch_all(p).await?
        ))
    }

    /// Every alias of every kind, by premises.
    pub async fn all_aliases(&self) -> Result<Vec<PremisesAlias>, StoreError> {
        let sql =
            "SELECT premises_id, alias, kind FROM premises_aliases ORDER BY premises_id, alias";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).fetch_all(p).await?))
    }

    /// Every alias of one kind (`poi`, `variant`, `old_name`), by premises.
    pub async fn aliases_of_kind(&self, kind: &str) -> Result<Vec<PremisesAlias>, StoreError> {
        let sql = "SELECT premises_id, alias, kind FROM premises_aliases WHERE kind = $1 ORDER BY premises_id, alias";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).bind(kind).fetch_all(p).await?))
    }

    /// Every road, by name.
    pub async fn roads(&self) -> Result<Vec<Road>, StoreError> {
        let sql = "SELECT name, street_code, geometry FROM roads ORDER BY name";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).fetch_all(p).await?))
    }

    /// Every department, by code.
    pub async fn departments(&self) -> Result<Vec<Department>, StoreError> {
        let sql = "SELECT code, name, short_name, kind FROM departments ORDER BY code";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).fetch_all(p).await?))
    }
}
