//! The counts registry quality is computed from, random samples and field verifications.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::Row;
use yiwang_core::registry::RegistryKind;

use super::{Table, table};
use crate::pool::{Pool, with_pool};
use crate::{Store, StoreError};

/// A sampled row: key, fields, standard address, street code.
pub type SampledRow = (String, Map<String, Value>, Option<String>, Option<String>);

/// How registry quality is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualityGrouping {
    /// One group: `district`.
    District,
    /// By the street of each row's premises.
    Street,
    /// By the source that wrote each row.
    Source,
}

/// A field verification of one registry row.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVerification {
    /// Registry.
    pub kind: RegistryKind,
    /// The row's key.
    pub key: String,
    /// Found correct on site.
    pub correct: bool,
    /// Columns found wrong.
    pub wrong_fields: Vec<String>,
    /// What the verifier noted.
    pub note: Option<String>,
    /// Who verified.
    pub verified_by: String,
    /// When.
    pub verified_at: DateTime<Utc>,
}

impl Table {
    /// Optional-but-expected columns, for completeness.
    fn expected(&self) -> &'static [&'static str] {
        match self.name {
            "persons" => &["phone", "move_in_date"],
            "housing" => &["owner_id_hash"],
            "units" => &["premises_id", "actual_premises_id"],
            _ => &["evidence"],
        }
    }

    /// The condition a row breaking a consistency rule meets (`r` the row, `p` its premises).
    fn inconsistent(&self) -> &'static str {
        match self.name {
            // In no room, in something that is not a room, or in a room with more residents
            // than its area allows ($2 m² each).
            "persons" => {
                "r.room_id IS NULL OR p.kind <> 'room' OR r.room_id IN (\
                 SELECT x.room_id FROM persons x JOIN premises q ON q.id = x.room_id \
                 LEFT JOIN housing h ON h.room_id = x.room_id \
                 GROUP BY x.room_id, h.area_m2, q.floor_area_m2 \
                 HAVING COUNT(*) > 1 AND COUNT(*) * $2 > COALESCE(h.area_m2, q.floor_area_m2, 1e12))"
            }
            "housing" => "p.kind IS NULL OR p.kind <> 'room'",
            // Registered nowhere in the district, or in a residential room.
            "units" => "r.premises_id IS NULL OR (p.kind = 'room' AND p.use_kind = 'residential')",
            // Another attestation of the same fact about the same premises says otherwise.
            _ => {
                "EXISTS (SELECT 1 FROM attestations o WHERE o.premises_id = r.premises_id \
                 AND o.fact = r.fact AND o.value <> r.value)"
            }
        }
    }
}

impl Store {
    /// What data quality is computed from, per group (see `yiwang-core::registry::quality`):
    /// rows written by a snapshot imported at or after `fresh_since` count as fresh; a room
    /// holds one resident per `area_per_resident` m².
    pub async fn registry_quality_counts(
        &self,
        kind: RegistryKind,
        by: QualityGrouping,
        fresh_since: DateTime<Utc>,
        area_per_resident: f64,
    ) -> Result<Vec<yiwang_core::registry::quality::QualityCounts>, StoreError> {
        use yiwang_core::registry::quality::QualityCounts;
        let t = table(kind);
        let group = match by {
            QualityGrouping::District => "'district'",
            QualityGrouping::Street => "COALESCE(p.street_code, '-')",
            QualityGrouping::Source => "r.source",
        };
        let filled: Vec<String> = t
            .expected()
            .iter()
            .map(|c| format!("SUM(CASE WHEN r.{c} IS NOT NULL THEN 1 ELSE 0 END)"))
            .collect();
        let sql = format!(
            "SELECT {group} AS grp, COUNT(*) AS n, {filled} AS filled, \
             SUM(CASE WHEN {bad} THEN 1 ELSE 0 END) AS bad, \
             SUM(CASE WHEN cs.imported_at >= $1 THEN 1 ELSE 0 END) AS fresh \
             FROM {table} r LEFT JOIN premises p ON p.id = r.{premises} \
             LEFT JOIN registry_change_sets cs ON cs.id = r.change_set_id \
             {grouping}",
            filled = filled.join(" + "),
            bad = t.inconsistent(),
            grouping = if by == QualityGrouping::District {
                String::new()
            } else {
                format!("GROUP BY {group}")
            },
            table = t.name,
            premises = t.premises,
        );
        let with_area = kind == RegistryKind::Persons;
        /// Group, rows, filled cells, inconsistent rows, fresh rows.
        type Counted = (String, i64, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Counted> = with_pool!(&self.pool, p => {
            let q = sqlx::query_as(&sql).bind(fresh_since);
            let q = if with_area { q.bind(area_per_resident) } else { q };
            q.fetch_all(p).await?
        });
        let expected = t.expected().len() as u64;
        let mut out: Vec<QualityCounts> = rows
            .into_iter()
            .map(|(group, n, filled, bad, fresh)| QualityCounts {
                group,
                rows: n as u64,
                expected_cells: n as u64 * expected,
                filled_cells: filled.unwrap_or(0) as u64,
                inconsistent: bad.unwrap_or(0) as u64,
                fresh: fresh.unwrap_or(0) as u64,
                ..QualityCounts::default()
            })
            .collect();
        // Validity and uniqueness are facts of files: known per source (and so for the district).
        if by != QualityGrouping::Street {
            let latest: Vec<(String, i64, i64, i64)> = with_pool!(&self.pool, p => sqlx::query_as(
                "SELECT source, rows_total, rejected, duplicates FROM registry_change_sets \
                 WHERE id IN (SELECT MAX(id) FROM registry_change_sets \
                 WHERE kind = $1 AND state = 'applied' GROUP BY source)",
            )
            .bind(kind.as_str())
            .fetch_all(p)
            .await?);
            for (source, read, rejected, duplicates) in latest {
                let group = if by == QualityGrouping::Source {
                    source.as_str()
                } else {
                    "district"
                };
                let i = group_index(&mut out, group);
                out[i].read += read as u64;
                out[i].rejected += rejected as u64;
                out[i].duplicates += duplicates as u64;
            }
        }
        let verified_group = match by {
            QualityGrouping::District => "'district'",
            QualityGrouping::Street => "COALESCE(street_code, '-')",
            QualityGrouping::Source => "source",
        };
        let sql = format!(
            "SELECT {verified_group} AS grp, COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END) \
             FROM registry_verifications WHERE kind = $1 {grouping}",
            grouping = if by == QualityGrouping::District {
                String::new()
            } else {
                format!("GROUP BY {verified_group}")
            }
        );
        let verified: Vec<(String, i64, Option<i64>)> = with_pool!(&self.pool, p => sqlx::query_as(&sql)
            .bind(kind.as_str())
            .fetch_all(p)
            .await?);
        for (group, n, correct) in verified {
            let i = group_index(&mut out, &group);
            out[i].verified += n as u64;
            out[i].verified_correct += correct.unwrap_or(0) as u64;
        }
        out.sort_by(|a, b| a.group.cmp(&b.group));
        Ok(out)
    }

    /// A random sample of a registry's rows for field verification, optionally of one street:
    /// each row's key, fields (as stored), standard address and street.
    pub async fn registry_sample(
        &self,
        kind: RegistryKind,
        street: Option<&str>,
        n: i64,
    ) -> Result<Vec<SampledRow>, StoreError> {
        let t = table(kind);
        let sql = format!(
            "SELECT {cols}, {key} AS sample_key, p.standard_address AS sample_address, \
             p.street_code AS sample_street FROM {table} r \
             LEFT JOIN premises p ON p.id = r.{premises} \
             WHERE ($1 IS NULL OR p.street_code = $1) ORDER BY RANDOM() LIMIT $2",
            cols = t
                .all_columns()
                .map(|(c, _)| format!("r.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            key = if t.key_is_int {
                format!("CAST(r.{} AS TEXT)", t.key)
            } else {
                format!("r.{}", t.key)
            },
            table = t.name,
            premises = t.premises,
        );
        let mut out = Vec::new();
        macro_rules! fetch {
            ($p:expr, $pg:literal) => {{
                for row in sqlx::query(&sql).bind(street).bind(n).fetch_all($p).await? {
                    let mut fields = Map::new();
                    for (name, ty) in t.all_columns() {
                        fields.insert(name.to_owned(), read_value!(row, name, ty, $pg));
                    }
                    out.push((
                        row.try_get::<String, _>("sample_key")?,
                        fields,
                        row.try_get::<Option<String>, _>("sample_address")?,
                        row.try_get::<Option<String>, _>("sample_street")?,
                    ));
                }
            }};
        }
        match &self.pool {
            Pool::Sqlite(p) => fetch!(p, false),
            Pool::Postgres(p) => fetch!(p, true),
        }
        Ok(out)
    }

    /// Records a field verification of a registry row; `Ok(false)` if no row has that key.
    /// The row's source and street are kept with it, so accuracy can be told per source and
    /// street even after the row changes.
    pub async fn record_verification(&self, v: &NewVerification) -> Result<bool, StoreError> {
        let t = table(v.kind);
        let sql = format!(
            "INSERT INTO registry_verifications (kind, record_key, source, street_code, correct, \
             wrong_fields, note, verified_by, verified_at) \
             SELECT $1, $2, r.source, p.street_code, $3, $4, $5, $6, $7 FROM {table} r \
             LEFT JOIN premises p ON p.id = r.{premises} WHERE {key} = $2",
            table = t.name,
            premises = t.premises,
            key = if t.key_is_int {
                format!("CAST(r.{} AS TEXT)", t.key)
            } else {
                format!("r.{}", t.key)
            },
        );
        let wrong = serde_json::to_string(&v.wrong_fields).unwrap_or_else(|_| "[]".to_owned());
        let done = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(v.kind.as_str())
            .bind(&v.key)
            .bind(v.correct)
            .bind(&wrong)
            .bind(&v.note)
            .bind(&v.verified_by)
            .bind(v.verified_at)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done > 0)
    }
}

/// The index of `group` in `out`, added empty if missing.
fn group_index(out: &mut Vec<yiwang_core::registry::quality::QualityCounts>, group: &str) -> usize {
    match out.iter().position(|c| c.group == group) {
        Some(i) => i,
        None => {
            out.push(yiwang_core::registry::quality::QualityCounts {
                group: group.to_owned(),
                ..Default::default()
            });
            out.len() - 1
        }
    }
}
