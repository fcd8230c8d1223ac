//! What 住所云 verification and 群租 detection read from the registries.

use chrono::NaiveDate;

use crate::pool::{Pool, with_pool};
use crate::{Store, StoreError};

impl Store {
    /// What 住所云 verification of premises `id` needs: its kind and use, the attestations about
    /// it, how many units are registered at it, and (given a USCC) whether that unit is one of
    /// them (`None`: no such unit in the registry). `None` if there is no such premises.
    pub async fn verification_facts(
        &self,
        id: i64,
        uscc: Option<&str>,
    ) -> Result<Option<yiwang_core::registry::verify::PremisesFacts>, StoreError> {
        use yiwang_core::registry::verify::{AttestedFact, PremisesFacts};
        let premises: Option<(String, String)> = with_pool!(&self.pool, p => sqlx::query_as(
            "SELECT kind, use_kind FROM premises WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(p)
        .await?);
        let Some((kind, use_kind)) = premises else {
            return Ok(None);
        };
        let rows: Vec<(String, String, String, String)> = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT end_kind, fact, value, attested_at FROM attestations WHERE premises_id = $1",
                )
                .bind(id)
                .fetch_all(p)
                .await?
            }
            Pool::Postgres(p) => sqlx::query_as(
                "SELECT end_kind, fact, value, to_char(attested_at, 'YYYY-MM-DD') \
                 FROM attestations WHERE premises_id = $1",
            )
            .bind(id)
            .fetch_all(p)
            .await?,
        };
        let corrupt = |column: &'static str, reason: String| StoreError::Corrupt { column, reason };
        let mut attestations = Vec::with_capacity(rows.len());
        for (end, fact, value, at) in rows {
            attestations.push(AttestedFact {
                end: end
                    .parse()
                    .map_err(|e| corrupt("attestations.end_kind", format!("{e:?}")))?,
                fact: fact
                    .parse()
                    .map_err(|e| corrupt("attestations.fact", format!("{e:?}")))?,
                value,
                attested_at: NaiveDate::parse_from_str(&at, "%Y-%m-%d")
                    .map_err(|e| corrupt("attestations.attested_at", e.to_string()))?,
            });
        }
        let units: i64 = with_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM units WHERE premises_id = $1",
        )
        .bind(id)
        .fetch_one(p)
        .await?);
        let registrant_here = match uscc {
            Some(code) => {
                let at: Option<Option<i64>> = with_pool!(&self.pool, p => sqlx::query_scalar(
                    "SELECT premises_id FROM units WHERE uscc = $1",
                )
                .bind(code)
                .fetch_optional(p)
                .await?);
                at.map(|premises| premises == Some(id))
            }
            None => None,
        };
        Ok(Some(PremisesFacts {
            id,
            kind,
            use_kind,
            attestations,
            units_registered: units as u64,
            registrant_here,
        }))
    }
}

impl Store {
    /// Occupancy of the rented dwellings, and of the vacant ones with residents, that hold two
    /// residents or more (optionally of one street): the input of 群租 detection. Residents born
    /// on or before `adult_born_by` are adults.
    pub async fn rental_occupancy(
        &self,
        street: Option<&str>,
        adult_born_by: NaiveDate,
    ) -> Result<Vec<yiwang_core::registry::group_rental::Occupancy>, StoreError> {
        use yiwang_core::registry::group_rental::Occupancy;
        let sql = "SELECT h.room_id, p.standard_address, p.street_code, h.use_kind, h.area_m2, \
                   h.rooms, COUNT(x.id) AS residents, \
                   SUM(CASE WHEN x.birth_date <= $2 THEN 1 ELSE 0 END) AS adults \
                   FROM housing h JOIN premises p ON p.id = h.room_id \
                   JOIN persons x ON x.room_id = h.room_id \
                   WHERE h.use_kind IN ('rented', 'vacant') AND ($1 IS NULL OR p.street_code = $1) \
                   GROUP BY h.room_id, p.standard_address, p.street_code, h.use_kind, h.area_m2, h.rooms \
                   HAVING COUNT(x.id) >= 2 OR h.use_kind = 'vacant' ORDER BY h.room_id";
        type Row = (
            i64,
            String,
            String,
            String,
            f64,
            Option<i64>,
            i64,
            Option<i64>,
        );
        let rows: Vec<Row> = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(sql)
                    .bind(street)
                    .bind(adult_born_by.to_string())
                    .fetch_all(p)
                    .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_as(sql)
                    .bind(street)
                    .bind(adult_born_by)
                    .fetch_all(p)
                    .await?
            }
        };
        rows.into_iter()
            .map(
                |(room_id, address, street_code, use_kind, area_m2, rooms, residents, adults)| {
                    Ok(Occupancy {
                        room_id,
                        address,
                        street_code,
                        use_kind: use_kind.parse().map_err(|e| StoreError::Corrupt {
                            column: "housing.use_kind",
                            reason: format!("{e:?}"),
                        })?,
                        area_m2,
                        rooms: rooms.and_then(|r| u32::try_from(r).ok()),
                        residents: u32::try_from(residents).unwrap_or(u32::MAX),
                        adults: adults.and_then(|a| u32::try_from(a).ok()).unwrap_or(0),
                    })
                },
            )
            .collect()
    }
}
