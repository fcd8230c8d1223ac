//! The registries as sourced snapshots: what each holds, applying a snapshot's change set in one
//! transaction, reviewing change sets and rolling the latest one back.
//!
//! Records travel as column → JSON value maps (built by `yiwang-core::registry::records`); this
//! module only maps them onto each table's typed columns. Which rows are added, changed or gone
//! is decided in `yiwang-core` ([`yiwang_core::registry::changes`]).
//!
//! * [`snapshots`] — what each registry holds, applying and rolling back change sets;
//! * [`quality`] — the counts data quality is computed from, samples and field verifications;
//! * [`facts`] — what 住所云 verification and 群租 detection read;
//! * [`dossier`] — what the premises dossier shows of the registries.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use yiwang_core::registry::RegistryKind;
use yiwang_core::registry::records::StoredRecord;

/// Bound parameters per statement (below SQLite's and PostgreSQL's limits).
const MAX_PARAMS: usize = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ty {
    Text,
    Int,
    Real,
    Date,
}

struct Table {
    name: &'static str,
    /// The column that orders rows for paging (an integer).
    order: &'static str,
    /// The column naming the row's premises.
    premises: &'static str,
    /// The key column; `key_is_int` for housing's room id.
    key: &'static str,
    key_is_int: bool,
    columns: &'static [(&'static str, Ty)],
}

/// Columns every registry table has after its own.
const TRAILER: [(&str, Ty); 3] = [
    ("source", Ty::Text),
    ("row_hash", Ty::Text),
    ("change_set_id", Ty::Int),
];

const PERSONS: Table = Table {
    name: "persons",
    order: "id",
    premises: "room_id",
    key: "id_hash",
    key_is_int: false,
    columns: &[
        ("id", Ty::Int),
        ("id_hash", Ty::Text),
        ("id_cipher", Ty::Text),
        ("id_masked", Ty::Text),
        ("id_kind", Ty::Text),
        ("name", Ty::Text),
        ("person_type", Ty::Text),
        ("sex", Ty::Text),
        ("birth_date", Ty::Date),
        ("nationality", Ty::Text),
        ("phone", Ty::Text),
        ("room_id", Ty::Int),
        ("move_in_date", Ty::Date),
    ],
};

const HOUSING: Table = Table {
    name: "housing",
    order: "room_id",
    premises: "room_id",
    key: "room_id",
    key_is_int: true,
    columns: &[
        ("room_id", Ty::Int),
        ("use_kind", Ty::Text),
        ("area_m2", Ty::Real),
        ("owner_person_id", Ty::Int),
        ("rooms", Ty::Int),
        ("owner_id_hash", Ty::Text),
        ("owner_id_cipher", Ty::Text),
        ("owner_id_masked", Ty::Text),
    ],
};

const UNITS: Table = Table {
    name: "units",
    order: "id",
    premises: "premises_id",
    key: "uscc",
    key_is_int: false,
    columns: &[
        ("id", Ty::Int),
        ("uscc", Ty::Text),
        ("name", Ty::Text),
        ("industry", Ty::Text),
        ("staff", Ty::Int),
        ("registered_at", Ty::Date),
        ("premises_id", Ty::Int),
        ("actual_premises_id", Ty::Int),
    ],
};

const ATTESTATIONS: Table = Table {
    name: "attestations",
    order: "id",
    premises: "premises_id",
    key: "record_key",
    key_is_int: false,
    columns: &[
        ("id", Ty::Int),
        ("record_key", Ty::Text),
        ("end_kind", Ty::Text),
        ("premises_id", Ty::Int),
        ("fact", Ty::Text),
        ("value", Ty::Text),
        ("evidence", Ty::Text),
        ("attested_at", Ty::Date),
        ("attester", Ty::Text),
    ],
};

fn table(kind: RegistryKind) -> &'static Table {
    match kind {
        RegistryKind::Persons => &PERSONS,
        RegistryKind::Housing => &HOUSING,
        RegistryKind::Units => &UNITS,
        RegistryKind::Attestations => &ATTESTATIONS,
    }
}

impl Table {
    fn all_columns(&self) -> impl Iterator<Item = (&'static str, Ty)> + '_ {
        self.columns.iter().copied().chain(TRAILER)
    }

    /// The key as text, the same on both backends.
    fn key_text(&self) -> String {
        if self.key_is_int {
            format!("CAST({} AS TEXT)", self.key)
        } else {
            self.key.to_owned()
        }
    }
}

/// A snapshot's change set, decided by `yiwang-core`, ready to apply.
#[derive(Debug)]
pub struct Snapshot<'a> {
    /// Which registry.
    pub kind: RegistryKind,
    /// The source it came from (公安, 房管, 市场监管, a street, …).
    pub source: &'a str,
    /// The file it was read from (name only).
    pub file_name: &'a str,
    /// Who imported it.
    pub actor: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// Data rows read from the file.
    pub rows_total: usize,
    /// Records the registry lacked.
    pub added: Vec<&'a StoredRecord>,
    /// Records replacing a row: the record, the columns that differ, the row before.
    pub changed: Vec<(&'a StoredRecord, Vec<String>, Map<String, Value>)>,
    /// Records the registry already held as they are.
    pub unchanged: usize,
    /// Rows of this source the snapshot lacks: key and the row before.
    pub gone: Vec<(String, Map<String, Value>)>,
    /// Rows of the file refused: in all, as duplicates, for an unplaced address.
    pub refused: Refused,
}

/// How many rows of a file were refused, and why (for the validity and uniqueness of a source).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// Every refused row.
    pub rejected: usize,
    /// Rows repeating an earlier line's key.
    pub duplicates: usize,
    /// Rows whose address was not placed on a premises.
    pub unplaced: usize,
}

/// A stored change set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeSetSummary {
    /// Identifier.
    pub id: i64,
    /// `persons`, `housing`, `units` or `attestations`.
    pub kind: String,
    /// Source of the snapshot.
    pub source: String,
    /// File name.
    pub file_name: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// Who imported it.
    pub imported_by: String,
    /// Data rows read from the file.
    pub rows_total: i64,
    /// Rows added.
    pub added: i64,
    /// Rows changed.
    pub changed: i64,
    /// Rows already as they were.
    pub unchanged: i64,
    /// Rows removed.
    pub gone: i64,
    /// Rows of the file refused.
    pub rejected: i64,
    /// Of them, repeats of an earlier line's key.
    pub duplicates: i64,
    /// Of them, rows whose address was not placed.
    pub unplaced: i64,
    /// `applied` or `rolled_back`.
    pub state: String,
    /// When it was rolled back.
    pub rolled_back_at: Option<DateTime<Utc>>,
    /// Who rolled it back.
    pub rolled_back_by: Option<String>,
}

/// One row a change set changed or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeEntry {
    /// The record's key.
    pub key: String,
    /// `changed` or `gone`.
    pub op: String,
    /// The columns that differ (empty for `gone`).
    pub fields: Vec<String>,
    /// The row before (sealed and personal columns as stored; mask before showing).
    pub before: Map<String, Value>,
}

const CHANGE_SET_COLUMNS: &str = "id, kind, source, file_name, imported_at, imported_by, rows_total, \
     added, changed, unchanged, gone, rejected, duplicates, unplaced, state, rolled_back_at, \
     rolled_back_by";

macro_rules! summary_from_row {
    ($row:expr) => {
        ChangeSetSummary {
            id: $row.try_get("id")?,
            kind: $row.try_get("kind")?,
            source: $row.try_get("source")?,
            file_name: $row.try_get("file_name")?,
            imported_at: $row.try_get("imported_at")?,
            imported_by: $row.try_get("imported_by")?,
            rows_total: $row.try_get("rows_total")?,
            added: $row.try_get("added")?,
            changed: $row.try_get("changed")?,
            unchanged: $row.try_get("unchanged")?,
            gone: $row.try_get("gone")?,
            rejected: $row.try_get("rejected")?,
            duplicates: $row.try_get("duplicates")?,
            unplaced: $row.try_get("unplaced")?,
            state: $row.try_get("state")?,
            rolled_back_at: $row.try_get("rolled_back_at")?,
            rolled_back_by: $row.try_get("rolled_back_by")?,
        }
    };
}

/// Binds one JSON value as the column's type.
macro_rules! push_value {
    ($b:expr, $ty:expr, $value:expr, $column:expr, $pg:literal) => {{
        let v: &serde_json::Value = $value;
        match $ty {
            // Strings are bound by reference: a registry file is millions of cells.
            $crate::registry::Ty::Text => match v {
                serde_json::Value::String(s) => {
                    $b.push_bind(s.as_str());
                }
                serde_json::Value::Null => {
                    $b.push_bind(None::<&str>);
                }
                other => {
                    $b.push_bind(yiwang_core::registry::records::canonical(other));
                }
            },
            $crate::registry::Ty::Int => {
                $b.push_bind(
                    v.as_i64()
                        .or_else(|| v.as_str().and_then(|s| s.parse().ok())),
                );
            }
            $crate::registry::Ty::Real => {
                $b.push_bind(v.as_f64());
            }
            $crate::registry::Ty::Date if $pg => {
                $b.push_bind(
                    v.as_str()
                        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
                );
            }
            $crate::registry::Ty::Date => {
                $b.push_bind(v.as_str());
            }
        }
    }};
}

/// Reads one column of a row as JSON.
macro_rules! read_value {
    ($row:expr, $name:expr, $ty:expr, $pg:literal) => {{
        let row = &$row;
        let name: &str = $name;
        match $ty {
            $crate::registry::Ty::Text => row
                .try_get::<Option<String>, _>(name)?
                .map_or(serde_json::Value::Null, serde_json::Value::from),
            $crate::registry::Ty::Int => row
                .try_get::<Option<i64>, _>(name)?
                .map_or(serde_json::Value::Null, serde_json::Value::from),
            $crate::registry::Ty::Real => row
                .try_get::<Option<f64>, _>(name)?
                .map_or(serde_json::Value::Null, serde_json::Value::from),
            $crate::registry::Ty::Date if $pg => row
                .try_get::<Option<chrono::NaiveDate>, _>(name)?
                .map_or(serde_json::Value::Null, |d| {
                    serde_json::Value::from(d.to_string())
                }),
            $crate::registry::Ty::Date => row
                .try_get::<Option<String>, _>(name)?
                .map_or(serde_json::Value::Null, serde_json::Value::from),
        }
    }};
}

mod dossier;
mod facts;
mod quality;
mod snapshots;

pub use dossier::{AttestationHere, PremisesRegisters, UnitHere};

pub use quality::{NewVerification, QualityGrouping, SampledRow};
