//! yiwang-core: the domain rules of the yiwang platform that need no I/O.
//!
//! * [`validate`] — GB 11643 citizen ID numbers, GB 32100 unified social
//!   credit codes, GB/T 2260 division code shapes, phone numbers;
//! * [`mask`] — display masking of ID numbers, phones and names, and of such numbers in free text;
//! * [`role`] — roles, permissions and the role–permission matrix;
//! * [`calendar`] — the statutory working-day calendar and deadlines;
//! * [`reference`](mod@reference) — embedded departments, case categories and 12345
//!   request types;
//! * [`audit`] — the hash-linked audit chain;
//! * [`model`] — records of the domain model;
//! * [`privacy`] — sealing ID numbers at rest (keyed hash, cipher, mask);
//! * [`registry`] — the 三个实有 registries and 住所云 attestations: file schema, row checks, change sets;
//! * [`workflow`] — the case state machine and its clocks;
//! * [`intake`] — classification, routing and duplicate rules for new cases.

#![warn(missing_docs)]

pub mod audit;
pub mod calendar;
pub mod disclosure;
pub mod intake;
pub mod kpi;
pub mod mask;
pub mod model;
pub mod privacy;
pub mod reference;
pub mod registry;
pub mod role;
pub mod validate;
pub mod workflow;

pub use audit::{GENESIS_HASH, audit_hash, verify_chain};
pub use calendar::{CalendarError, DayKind, WorkCalendar, WorkingDayRule};
pub use mask::{mask_id_number, mask_name, mask_numbers_in_text, mask_phone};
pub use reference::{
    DepartmentFact, EventCategoryFact, ReferenceError, RequestTypeFact, TimeLimitUnit, departments,
    event_categories, request_types,
};
pub use role::{Permission, Role, role_permissions, roles_allow};
pub use validate::division::{division_level, is_parent_code};
pub use validate::id_number::{IdNumberError, IdNumberInfo, Sex, validate_id_number};
pub use validate::phone::{PhoneError, normalize_phone};
pub use validate::uscc::{UsccError, UsccInfo, validate_uscc};
