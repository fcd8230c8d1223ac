//! Chinese addresses for yiwang: no I/O, no global state.
//!
//! This crate starts with the **standard address** (标准地址): the one canonical spelling of a
//! premises that every record hangs off (一标三实). Parsing and matching what people actually write
//! builds on it (see ARCHITECTURE.md).
#![warn(missing_docs)]

mod door;
mod matcher;
mod normalize;
mod output;
mod parse;
mod standard;

pub use door::{DoorNumber, DoorSuffix};
pub use matcher::{Candidate, MatchEntry, MatchIndex, MatchLevel, MatchStats};
pub use normalize::{Normalized, normalize, normalize_str};
pub use output::{Scheme, WireComponent, WireParse, to_wire};
pub use parse::{
    Component, Entry, Gazetteer, Kind, Label, Parsed, ccks_components, ccks_label, parse,
};
pub use standard::{AddressParts, standard_address};
