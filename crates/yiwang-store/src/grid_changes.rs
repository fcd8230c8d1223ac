//! Replacing grid geometry with history: the current version stays in `grids`, every superseded
//! one moves to `grid_versions`.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use sqlx::Row;
use yiwang_core::model::Grid;

use crate::audit::AuditEvent;
use crate::bulk::on_tx;
use crate::pool::with_pool;
use crate::records::{decode_all, record};
use crate::{Store, StoreError};

/// A superseded version of a grid cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridVersion {
    /// Grid code.
    pub code: String,
    /// 1 for the first superseded version, counting up.
    pub version: i64,
    /// Level identifier.
    pub level: String,
    /// Name then.
    pub name: String,
    /// Parent then.
    pub parent_code: Option<String>,
    /// Street then.
    pub street_code: String,
    /// GeoJSON geometry then.
    pub geometry: String,
    /// Area then, m².
    pub area_m2: f64,
    /// When it was replaced.
    pub valid_until: DateTime<Utc>,
    /// What replaced it (the import's source).
    pub replaced_by: String,
}

record!(GridVersion {
    code,
    version,
    level,
    name,
    parent_code,
    street_code,
    geometry,
    area_m2,
    valid_until,
    replaced_by
});

/// Premises whose grid membership changed with new boundaries. Applies to the premises and
/// everything under it.
#[derive(Debug, Clone, PartialEq)]
pub struct PremisesGridUpdate {
    /// The building.
    pub premises_id: i64,
    /// Its 楼组 now.
    pub grid_code: String,
    /// Its street now.
    pub street_code: String,
    /// Its residents' committee now.
    pub community_code: String,
}

/// What [`Store::apply_grid_changes`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GridChangeSummary {
    /// Cells that did not exist before.
    pub inserted: usize,
    /// Cells whose geometry, name or parent changed (previous version kept in history).
    pub replaced: usize,
    /// Cells given but identical to the stored version.
    pub unchanged: usize,
    /// Buildings (with their floors and rooms) moved to another 楼组.
    pub premises_moved: usize,
}

impl Store {
    /// Writes new or changed grid cells (parents before children) and premises membership in one
    /// transaction, keeping every replaced version, and audits it. A cell identical to the stored
    /// one is left alone, so re-importing unchanged boundaries changes nothing.
    pub async fn apply_grid_changes(
        &self,
        grids: &[Grid],
        premises: &[PremisesGridUpdate],
        source: &str,
        actor: &str,
    ) -> Result<GridChangeSummary, StoreError> {
        let now = Utc::now().trunc_subsecs(6);
        let mut summary = GridChangeSummary::default();
        let mut bulk = self.bulk().await?;
        for grid in grids {
            let current = "SELECT name, parent_code, geometry FROM grids WHERE code = $1";
            let found: Option<(String, Option<String>, String)> = on_tx!(&mut bulk.tx, c => {
                match sqlx::query(current).bind(&grid.code).fetch_optional(&mut **c).await? {
                    Some(r) => Some((r.try_get("name")?, r.try_get("parent_code")?, r.try_get("geometry")?)),
                    None => None,
                }
            });
            match found {
                None => {
                    bulk.grids(std::slice::from_ref(grid)).await?;
                    summary.inserted += 1;
                }
                Some((name, parent, geometry))
                    if name == grid.name
                        && parent == grid.parent_code
                        && geometry == grid.geometry =>
                {
                    summary.unchanged += 1;
                }
                Some(_) => {
                    let archive = "INSERT INTO grid_versions (code, version, level, name, parent_code, street_code, \
                        geometry, area_m2, valid_until, replaced_by) \
                        SELECT code, (SELECT COUNT(*) FROM grid_versions v WHERE v.code = g.code) + 1, level, name, \
                        parent_code, street_code, geometry, area_m2, $2, $3 FROM grids g WHERE code = $1";
                    let update = "UPDATE grids SET name = $2, parent_code = $3, street_code = $4, geometry = $5, \
                        area_m2 = $6, centroid_lon = $7, centroid_lat = $8 WHERE code = $1";
                    on_tx!(&mut bulk.tx, c => {
                        sqlx::query(archive).bind(&grid.code).bind(now).bind(source).execute(&mut **c).await?;
                        sqlx::query(update)
                            .bind(&grid.code)
                            .bind(&grid.name)
                            .bind(&grid.parent_code)
                            .bind(&grid.street_code)
                            .bind(&grid.geometry)
                            .bind(grid.area_m2)
                            .bind(grid.centroid_lon)
                            .bind(grid.centroid_lat)
                            .execute(&mut **c)
                            .await?;
                    });
                    summary.replaced += 1;
                }
            }
        }
        let move_premises = "UPDATE premises SET grid_code = $1, street_code = $2, community_code = $3 \
            WHERE id = $4 OR parent_id = $4 OR parent_id IN (SELECT id FROM premises WHERE parent_id = $4)";
        for p in premises {
            on_tx!(&mut bulk.tx, c => {
                sqlx::query(move_premises)
                    .bind(&p.grid_code)
                    .bind(&p.street_code)
                    .bind(&p.community_code)
                    .bind(p.premises_id)
                    .execute(&mut **c)
                    .await?;
            });
            summary.premises_moved += 1;
        }
        bulk.audit(&AuditEvent {
            actor: actor.to_owned(),
            action: "grid.import".to_owned(),
            entity: "grid".to_owned(),
            entity_id: None,
            detail: serde_json::json!({ "source": source, "summary": summary }),
        })
        .await?;
        bulk.commit().await?;
        Ok(summary)
    }

    /// Superseded versions of a grid cell, oldest first.
    pub async fn grid_history(&self, code: &str) -> Result<Vec<GridVersion>, StoreError> {
        let sql = "SELECT code, version, level, name, parent_code, street_code, geometry, area_m2, valid_until, \
                   replaced_by FROM grid_versions WHERE code = $1 ORDER BY version";
        with_pool!(&self.pool, p => decode_all(&sqlx::query(sql).bind(code).fetch_all(p).await?))
    }
}
