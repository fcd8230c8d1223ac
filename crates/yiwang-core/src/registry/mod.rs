//! The registries of actual population, housing and units (三个实有) and the 住所云
//! attestations, as imported from the sources that keep them.
//!
//! * [`schema`] — the one column schema per kind that imports read and exports write;
//! * [`rows`] — checking one row of a file: identifiers, dates, enumerations, required cells;
//! * [`records`] — a checked row on its premises, with its ID numbers sealed, as stored;
//! * [`changes`] — the change set of a snapshot against what the registry holds;
//! * [`group_rental`] — 群租 flags from residents, ages, floor area and rooms;
//! * [`quality`] — completeness, validity, uniqueness, consistency, timeliness and accuracy;
//! * [`verify`] — 住所云: is an address verified for enterprise registration, with risk flags.

pub mod changes;
pub mod group_rental;
pub mod quality;
pub mod records;
pub mod rows;
pub mod schema;
pub mod verify;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{UnknownVariant, stored_enum};

stored_enum!(
    /// Which registry a file or change set belongs to.
    RegistryKind, "registry" {
        /// 实有人口.
        Persons = "persons" / "实有人口",
        /// 实有房屋.
        Housing = "housing" / "实有房屋",
        /// 实有单位.
        Units = "units" / "实有单位",
        /// 住所云 attestations of the four ends.
        Attestations = "attestations" / "住所核验",
    }
);

stored_enum!(
    /// The four ends of 住所云 that attest facts about premises.
    AttestationEnd, "attestation end" {
        /// 审批端: the registration authority (market regulation).
        Approval = "approval" / "审批",
        /// 管理端: the street, grid and housing administration.
        Management = "management" / "管理",
        /// 物业端: the property manager.
        Property = "property" / "物业",
        /// 营商端: the business-service side (landlords, parks, agents).
        Business = "business" / "营商",
    }
);

stored_enum!(
    /// What an attestation says about a premises.
    AttestationFact, "attestation fact" {
        /// The premises exists as addressed.
        Exists = "exists" / "存在",
        /// Its actual use (residential, office, shop, …).
        Use = "use" / "用途",
        /// Who occupies it.
        Occupant = "occupant" / "使用人",
        /// A lease is in force.
        Lease = "lease" / "租赁",
        /// Who manages the property.
        PropertyManager = "property_manager" / "物业",
    }
);
