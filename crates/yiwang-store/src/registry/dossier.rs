//! What the premises dossier (一楼一档) shows of the registries: for a premises and everything
//! inside it, the residents by type, the dwellings by use, the units registered there, and the
//! 住所云 attestations about the premises itself.

use serde::Serialize;

use crate::pool::{Pool, with_pool};
use crate::{Store, StoreError};

/// The premises and everything inside it (a recursive walk down `parent_id`).
const SUBTREE: &str = "WITH RECURSIVE sub(id) AS (SELECT id FROM premises WHERE id = $1 \
     UNION ALL SELECT p.id FROM premises p JOIN sub ON p.parent_id = sub.id)";

/// The registries' counts and records under one premises.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PremisesRegisters {
    /// Rooms in it (1 for a room).
    pub rooms: i64,
    /// Residents (实有人口) by `person_type`, in type order.
    pub persons_by_type: Vec<(String, i64)>,
    /// Dwellings (实有房屋) by `use_kind`: records and floor area in m², in use order.
    pub housing_by_use: Vec<(String, i64, f64)>,
    /// Units (实有单位) registered at it or inside it.
    pub units_total: i64,
    /// The first of them, by name.
    pub units: Vec<UnitHere>,
    /// Attestations about the premises itself, by end and fact.
    pub attestations: Vec<AttestationHere>,
}

/// A unit registered at a premises.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitHere {
    /// GB 32100 code.
    pub uscc: String,
    /// Registered name.
    pub name: String,
    /// Industry.
    pub industry: String,
    /// Staff.
    pub staff: Option<i64>,
    /// Date of registration.
    pub registered_at: String,
    /// The premises it is registered at.
    pub premises_id: i64,
    /// Its standard address.
    pub address: String,
}

/// One end's attestation about a premises.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttestationHere {
    /// `approval`, `management`, `property` or `business`.
    pub end: String,
    /// `exists`, `use`, `occupant`, `lease` or `property_manager`.
    pub fact: String,
    /// What was attested.
    pub value: String,
    /// The evidence named.
    pub evidence: Option<String>,
    /// When.
    pub attested_at: String,
    /// Who attested.
    pub attester: Option<String>,
}

impl Store {
    /// The registries under premises `id`, with at most `unit_limit` units listed; `None` if
    /// there is no such premises.
    pub async fn premises_registers(
        &self,
        id: i64,
        unit_limit: i64,
    ) -> Result<Option<PremisesRegisters>, StoreError> {
        let exists: Option<i64> = with_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT id FROM premises WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(p)
        .await?);
        if exists.is_none() {
            return Ok(None);
        }
        let rooms: i64 = with_pool!(&self.pool, p => sqlx::query_scalar(&format!(
            "{SUBTREE} SELECT COUNT(*) FROM premises WHERE kind = 'room' AND id IN (SELECT id FROM sub)"
        ))
        .bind(id)
        .fetch_one(p)
        .await?);
        let persons_by_type: Vec<(String, i64)> = with_pool!(&self.pool, p => sqlx::query_as(&format!(
            "{SUBTREE} SELECT person_type, COUNT(*) FROM persons \
             WHERE room_id IN (SELECT id FROM sub) GROUP BY person_type ORDER BY person_type"
        ))
        .bind(id)
        .fetch_all(p)
        .await?);
        let housing_by_use: Vec<(String, i64, f64)> = with_pool!(&self.pool, p => sqlx::query_as(&format!(
            "{SUBTREE} SELECT use_kind, COUNT(*), CAST(COALESCE(SUM(area_m2), 0) AS DOUBLE PRECISION) \
             FROM housing WHERE room_id IN (SELECT id FROM sub) GROUP BY use_kind ORDER BY use_kind"
        ))
        .bind(id)
        .fetch_all(p)
        .await?);
        let units_total: i64 = with_pool!(&self.pool, p => sqlx::query_scalar(&format!(
            "{SUBTREE} SELECT COUNT(*) FROM units WHERE premises_id IN (SELECT id FROM sub)"
        ))
        .bind(id)
        .fetch_one(p)
        .await?);
        let date = |column: &str| match &self.pool {
            Pool::Sqlite(_) => column.to_owned(),
            Pool::Postgres(_) => format!("to_char({column}, 'YYYY-MM-DD')"),
        };
        type UnitRow = (String, String, String, Option<i64>, String, i64, String);
        let units: Vec<UnitRow> = with_pool!(&self.pool, p => sqlx::query_as(&format!(
            "{SUBTREE} SELECT u.uscc, u.name, u.industry, CAST(u.staff AS BIGINT), {registered}, \
             u.premises_id, p.standard_address FROM units u JOIN premises p ON p.id = u.premises_id \
             WHERE u.premises_id IN (SELECT id FROM sub) ORDER BY u.name, u.uscc LIMIT $2",
            registered = date("u.registered_at")
        ))
        .bind(id)
        .bind(unit_limit)
        .fetch_all(p)
        .await?);
        type AttestationRow = (
            String,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
        );
        let attestations: Vec<AttestationRow> = with_pool!(&self.pool, p => sqlx::query_as(&format!(
            "SELECT end_kind, fact, value, evidence, {attested}, attester FROM attestations \
             WHERE premises_id = $1 ORDER BY end_kind, fact",
            attested = date("attested_at")
        ))
        .bind(id)
        .fetch_all(p)
        .await?);
        Ok(Some(PremisesRegisters {
            rooms,
            persons_by_type,
            housing_by_use,
            units_total,
            units: units
                .into_iter()
                .map(
                    |(uscc, name, industry, staff, registered_at, premises_id, address)| UnitHere {
                        uscc,
                        name,
                        industry,
                        staff,
                        registered_at,
                        premises_id,
                        address,
                    },
                )
                .collect(),
            attestations: attestations
                .into_iter()
                .map(
                    |(end, fact, value, evidence, attested_at, attester)| AttestationHere {
                        end,
                        fact,
                        value,
                        evidence,
                        attested_at,
                        attester,
                    },
                )
                .collect(),
        }))
    }
}
