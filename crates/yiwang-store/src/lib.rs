//! Persistence for yiwang: one repository API over SQLite (the embedded default) and PostgreSQL.
//!
//! [`Store`] is the only type the rest of the workspace sees. Every method runs the same SQL on
//! both backends (runtime queries with `$n` placeholders, which sqlx accepts for SQLite too);
//! where the dialects differ, the difference lives in the per-backend migrations, never in the
//! callers. No business rule lives here: the store keeps records, checks constraints and orders
//! writes.
#![warn(missing_docs)]

mod accounts;
mod api_keys;
mod audit;
mod bulk;
mod cases;
mod direct;
mod error;
mod grid_changes;
mod kpi;
mod pool;
mod reads;
mod records;
mod reference;
mod registry;

pub use accounts::{AccountRecord, NewAccount, Session};
pub use api_keys::{ApiKeyRecord, NewApiKey};
pub use audit::{AuditEntry, AuditEvent};
pub use bulk::Bulk;
pub use cases::{CaseChange, CaseEvent, CaseProbe, CaseQuery, IdempotencyKey, Intake, NewCase};
pub use error::StoreError;
pub use grid_changes::{GridChangeSummary, GridVersion, PremisesGridUpdate};
pub use kpi::{KpiFacts, KpiGrouping, KpiRow, months};
pub use pool::{Backend, Store};
pub use reads::{CaseMapPoint, CaseMapSignature, GridSignature, PremisesDetail};
pub use reference::CalendarDay;
pub use registry::{
    AttestationHere, ChangeEntry, ChangeSetSummary, NewVerification, PremisesRegisters,
    QualityGrouping, Refused, SampledRow, Snapshot, UnitHere,
};

#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod case_tests;

#[cfg(test)]
mod kpi_tests;

#[cfg(test)]
mod registry_tests;
