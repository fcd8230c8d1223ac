//! The column schema of each registry file: what `yiwang import` reads and `yiwang export`
//! writes, so an export imports again unchanged. Column names are lower-case; order is free on
//! import and as listed on export.

use serde_json::{Map, Value};

use super::records::canonical;
use super::{AttestationEnd, AttestationFact, RegistryKind};
use crate::mask::mask_phone;
use crate::model::{HousingUse, PersonType};
use crate::privacy::{IdVault, VaultError};

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
    col("rooms", false, "number of rooms (间)"),
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

/// How personal numbers (ID numbers, phones) are written in an export.
#[derive(Debug, Clone, Copy)]
pub enum Disclosure<'a> {
    /// Masked: first 6 and last 4 of an ID number, 3 + 4 digits of a phone.
    Masked,
    /// In full, opened with the vault (an audited export for re-import).
    Unmasked(&'a IdVault),
}

/// The cells of one stored row in the file's column order ([`columns`]), its premises written as
/// `address`. Enumerations are written in Chinese, as the import reads them.
pub fn export_cells(
    kind: RegistryKind,
    fields: &Map<String, Value>,
    address: &str,
    disclosure: Disclosure<'_>,
) -> Result<Vec<String>, VaultError> {
    let text = |name: &str| fields.get(name).map(canonical).unwrap_or_default();
    let zh = |name: &str, label: &dyn Fn(&str) -> Option<&'static str>| {
        let v = text(name);
        label(&v).map(str::to_owned).unwrap_or(v)
    };
    let sealed = |cipher: &str, masked: &str| -> Result<String, VaultError> {
        match disclosure {
            Disclosure::Masked => Ok(text(masked)),
            Disclosure::Unmasked(vault) => match text(cipher) {
                c if c.is_empty() => Ok(String::new()),
                c => vault.open(&c),
            },
        }
    };
    let phone = || {
        let p = text("phone");
        match disclosure {
            Disclosure::Masked if !p.is_empty() => mask_phone(&p),
            _ => p,
        }
    };
    Ok(match kind {
        RegistryKind::Persons => vec![
            sealed("id_cipher", "id_masked")?,
            text("name"),
            zh("person_type", &|v| {
                v.parse::<PersonType>().ok().map(PersonType::name_zh)
            }),
            address.to_owned(),
            phone(),
            text("move_in_date"),
            text("id_kind"),
            zh("sex", &|v| match v {
                "male" => Some("男"),
                "female" => Some("女"),
                _ => None,
            }),
            text("birth_date"),
            text("nationality"),
        ],
        RegistryKind::Housing => vec![
            address.to_owned(),
            zh("use_kind", &|v| {
                v.parse::<HousingUse>().ok().map(HousingUse::name_zh)
            }),
            text("area_m2"),
            sealed("owner_id_cipher", "owner_id_masked")?,
            text("rooms"),
        ],
        RegistryKind::Units => vec![
            text("uscc"),
            text("name"),
            address.to_owned(),
            text("industry"),
            text("staff"),
            text("registered_at"),
        ],
        RegistryKind::Attestations => vec![
            zh("end_kind", &|v| {
                v.parse::<AttestationEnd>()
                    .ok()
                    .map(AttestationEnd::name_zh)
            }),
            address.to_owned(),
            zh("fact", &|v| {
                v.parse::<AttestationFact>()
                    .ok()
                    .map(AttestationFact::name_zh)
            }),
            text("value"),
            text("evidence"),
            text("attested_at"),
            text("attester"),
        ],
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exports_mask_unless_unmasked_and_write_chinese_labels() {
        let vault = IdVault::new(&[9; 32]);
        let id = vault.seal("31010419800101123X");
        let Value::Object(fields) = json!({"id_cipher": id.cipher, "id_masked": id.masked,
            "name": "张三", "person_type": "migrant", "phone": "13812345678", "move_in_date": null,
            "id_kind": "resident_id", "sex": "male", "birth_date": "1980-01-01", "nationality": "CHN"})
        else {
            unreachable!()
        };
        let masked = export_cells(
            RegistryKind::Persons,
            &fields,
            "某路1号101室",
            Disclosure::Masked,
        )
        .unwrap();
        assert_eq!(
            masked,
            [
                "310104********123X",
                "张三",
                "来沪",
                "某路1号101室",
                "138****5678",
                "",
                "resident_id",
                "男",
                "1980-01-01",
                "CHN"
            ]
        );
        let full = export_cells(
            RegistryKind::Persons,
            &fields,
            "a",
            Disclosure::Unmasked(&vault),
        )
        .unwrap();
        assert_eq!(
            (full[0].as_str(), full[4].as_str()),
            ("31010419800101123X", "13812345678")
        );
        let other = IdVault::new(&[1; 32]);
        assert!(
            export_cells(
                RegistryKind::Persons,
                &fields,
                "a",
                Disclosure::Unmasked(&other)
            )
            .is_err()
        );
        assert_eq!(masked.len(), columns(RegistryKind::Persons).len());
    }

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
