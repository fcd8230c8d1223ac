//! Reading domain records back from rows of either backend.

use std::str::FromStr;

use yiwang_core::model::{
    Case, Department, Division, Grid, GridStaff, Housing, Premises, PremisesAddress, PremisesAlias,
    Road, Unit,
};

use crate::StoreError;

/// A record that can be decoded from a row of backend row type `R`.
pub(crate) trait FromRecord<R>: Sized {
    fn from_row(row: &R) -> Result<Self, StoreError>;
}

pub(crate) fn parse_column<T: FromStr>(value: String, column: &'static str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| StoreError::Corrupt {
        column,
        reason: e.to_string(),
    })
}

/// Implements [`FromRecord`] for both row types; fields marked `parse` are stored as text
/// identifiers and parsed with `FromStr`; fields marked `skip` are not columns and start empty.
macro_rules! record {
    ($ty:ident { $($field:ident $(: $conv:ident)?),* $(,)? }) => {
        record!(@impl sqlx::sqlite::SqliteRow, $ty { $($field $(: $conv)?),* });
        record!(@impl sqlx::postgres::PgRow, $ty { $($field $(: $conv)?),* });
    };
    (@impl $row:ty, $ty:ident { $($field:ident $(: $conv:ident)?),* }) => {
        impl $crate::records::FromRecord<$row> for $ty {
            fn from_row(row: &$row) -> Result<Self, $crate::StoreError> {
                use sqlx::Row as _;
                Ok($ty { $($field: record!(@get row, $field $(, $conv)?)),* })
            }
        }
    };
    (@get $row:ident, $field:ident) => { $row.try_get(stringify!($field))? };
    (@get $row:ident, $field:ident, skip) => {
        Default::default()
    };
    (@get $row:ident, $field:ident, parse) => {
        $crate::records::parse_column($row.try_get::<String, _>(stringify!($field))?, stringify!($field))?
    };
}

pub(crate) use record;

record!(Division {
    code,
    name,
    level: parse,
    parent_code
});
record!(Grid {
    code,
    level: parse,
    name,
    parent_code,
    street_code,
    geometry,
    area_m2,
    centroid_lon,
    centroid_lat
});
record!(Premises {
    id,
    parent_id,
    kind: parse,
    standard_address,
    name,
    use_kind: parse,
    road,
    lon,
    lat,
    floor_area_m2,
    street_code,
    community_code,
    grid_code
});
record!(PremisesAddress {
    id,
    kind: parse,
    standard_address,
    street_code
});
record!(PremisesAlias {
    premises_id,
    alias,
    kind
});
record!(Housing {
    room_id,
    use_kind: parse,
    area_m2,
    owner_person_id
});
record!(Unit {
    id,
    uscc,
    name,
    industry,
    staff,
    registered_at,
    premises_id,
    actual_premises_id
});
record!(Department {
    code,
    name,
    short_name,
    kind
});
record!(Case {
    id,
    case_no,
    source: parse,
    category_kind,
    category_code,
    category_name,
    request_type,
    text,
    address,
    premises_id,
    lon,
    lat,
    street_code,
    grid_code,
    department_code,
    state,
    priority,
    reporter_name,
    reporter_phone,
    created_at,
    due_at,
    closed_at,
    satisfaction,
    reply,
    parent_id,
    time_limit_amount,
    time_limit_unit,
    rework_count,
    supervised,
    reopened,
    pending_request,
    returned_by,
    stage,
    stage_started_at,
    stage_due_at,
    paused_at,
    reporter_account_id,
    assisting_departments,
    version
});

record!(GridStaff {
    id,
    grid_code,
    role: parse,
    name,
    phone
});

record!(Road {
    name,
    street_code,
    geometry
});

/// Decodes every row into `T`.
pub(crate) fn decode_all<R, T: FromRecord<R>>(rows: &[R]) -> Result<Vec<T>, StoreError> {
    rows.iter().map(T::from_row).collect()
}
