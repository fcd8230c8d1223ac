//! Validators for the national identifiers the platform stores.
//!
//! Each validator is pure: it takes the text as typed and returns either
//! structured information or an error whose `Display` is a sentence a clerk
//! can act on.

pub mod account;
pub mod division;
pub mod id_number;
pub mod phone;
pub mod uscc;
