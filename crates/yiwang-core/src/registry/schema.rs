//! The column schema of each registry file: what `yiwang import` reads and `yiwang export`
//! writes, so an export imports again unchanged. Column names are lower-case; order is free on
//! import and as listed on export.

use super::RegistryKind;

/// One column of a registry file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// Whether every row must fill it.
    pub required: bool,
    /// What it holds, for the README and error messages.
    pub meaning: &'static str,
}

const fn col(name: &'static str, required: bool, meaning: &'static str) -> Column {
    Column {
        name,
        required,
        meaning,
    }
}

const PERSONS: &[Column] = &[
    col(
        "id_number",
        true,
        "GB 11643 citizen ID number (passport or permit number for 境外)",
    ),
    col("name", true, "full name"),
    col(
        "type",
        true,
        "户籍, 来沪 or 境外 (registered, migrant, overseas)",
    ),
    col(
        "address",
        true,
        "where the person actually lives, down to the room",
    ),
    col("phone", false, "mobile or landline"),
    col("move_in_date", false, "YYYY-MM-DD"),
    col("id_kind", false, "resident_id (default) or passport"),
    col(
        "sex",
        false,
        "男/女 (male/female); required for passports, else read from the ID number",
    ),
    col(
        "birth_date",
        false,
        "YYYY-MM-DD; required for passports, else read from the ID number",
    ),
    col("nationality", false, "ISO 3166 alpha-3, default CHN"),
];

const HOUSING: &[Column] = &[
    col(
        "address",
        true,
        "the room, as a standard address or as written",
    ),
    col(
        "use",
        true,
        "自住, 出租, 空置 or 商用 (owner_occupied, rented, vacant, commercial)",
    ),
    col("area_m2", true, "floor area in square metres"),
    col("owner_id_number", false, "the owner's GB 11643 ID number"),
];

const UNITS: &[Column] = &[
    col("uscc", true, "GB 32100 unified social credit code"),
    col("name", true, "registered name"),
    col("address", true, "registered address"),
    col("industry", true, "industry (GB/T 4754 section or name)"),
    col("staff", true, "number of staff"),
    col("registered_at", true, "date of registration, YYYY-MM-DD"),
];

const ATTESTATIONS: &[Column] = &[
    col(
        "end",
        true,
        "审批, 管理, 物业 or 营商 (approval, management, property, business)",
    ),
    col("address", true, "the premises attested"),
    col(
        "fact",
        true,
        "exists, use, occupant, lease or property_manager (存在, 用途, 使用人, 租赁, 物业)",
    ),
    col(
        "value",
        true,
        "what is attested (e.g. 是, 办公, the occupant's name)",
    ),
    col(
        "evidence",
        false,
        "document or record the attestation rests on",
    ),
    col("attested_at", true, "date, YYYY-MM-DD"),
    col("attester", true, "who attests (organisation or officer)"),
];

/// The columns of a kind's file, in export order.
#[must_use]
pub fn columns(kind: RegistryKind) -> &'static [Column] {
    match kind {
        RegistryKind::Persons => PERSONS,
        RegistryKind::Housing => HOUSING,
        RegistryKind::Units => UNITS,
        RegistryKind::Attestations => ATTESTATIONS,
    }
}

/// The required columns a header lacks (header names compared lower-case, trimmed, without a
/// byte-order mark).
#[must_use]
pub fn missing_columns(kind: RegistryKind, header: &[String]) -> Vec<&'static str> {
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    columns(kind)
        .iter()
        .filter(|c| c.required && !names.iter().any(|h| h == c.name))
        .map(|c| c.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_missing_required_columns_names_them() {
        let header: Vec<String> = ["\u{feff}ID_Number", "name", "phone"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            missing_columns(RegistryKind::Persons, &header),
            ["type", "address"]
        );
        let full: Vec<String> = columns(RegistryKind::Units)
            .iter()
            .map(|c| c.name.to_owned())
            .collect();
        assert!(missing_columns(RegistryKind::Units, &full).is_empty());
    }
}
