//! A checked row placed on its premises, as the registry stores it: the record key, the
//! column values (ID numbers sealed) and a fingerprint that tells changed from unchanged.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::rows::CheckedRow;
use crate::privacy::IdVault;

/// Columns left out of the fingerprint: ciphers differ at every sealing of the same number.
pub const UNHASHED_COLUMNS: [&str; 2] = ["id_cipher", "owner_id_cipher"];

/// A registry record as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    /// The record's key in its registry: the ID number's keyed hash (persons), the room's
    /// premises id (housing), the USCC (units), `end/premises/fact` (attestations).
    pub key: String,
    /// Column → value, as the store writes them.
    pub fields: Map<String, Value>,
    /// Fingerprint of the fields (see [`fingerprint`]).
    pub row_hash: String,
}

/// Builds the stored record of a checked row on premises `premises_id`.
#[must_use]
pub fn stored_record(row: &CheckedRow, premises_id: i64, vault: &IdVault) -> StoredRecord {
    let (key, value) = match row {
        CheckedRow::Person(p) => {
            let id = vault.seal(&p.id_number);
            (
                id.hash.clone(),
                json!({
                    "id_hash": id.hash, "id_cipher": id.cipher, "id_masked": id.masked,
                    "id_kind": p.id_kind, "name": p.name, "person_type": p.person_type.as_str(),
                    "sex": p.sex, "birth_date": p.birth_date.to_string(),
                    "nationality": p.nationality, "phone": p.phone, "room_id": premises_id,
                    "move_in_date": p.move_in_date.map(|d| d.to_string()),
                }),
            )
        }
        CheckedRow::Housing(h) => {
            let owner = h.owner_id_number.as_deref().map(|id| vault.seal(id));
            (
                premises_id.to_string(),
                json!({
                    "room_id": premises_id, "use_kind": h.use_kind.as_str(), "area_m2": h.area_m2,
                    "rooms": h.rooms,
                    "owner_id_hash": owner.as_ref().map(|o| &o.hash),
                    "owner_id_cipher": owner.as_ref().map(|o| &o.cipher),
                    "owner_id_masked": owner.as_ref().map(|o| &o.masked),
                }),
            )
        }
        CheckedRow::Unit(u) => (
            u.uscc.clone(),
            json!({
                "uscc": u.uscc, "name": u.name, "industry": u.industry, "staff": u.staff,
                "registered_at": u.registered_at.to_string(), "premises_id": premises_id,
            }),
        ),
        CheckedRow::Attestation(a) => {
            let key = attestation_key(a.end.as_str(), premises_id, a.fact.as_str());
            (
                key.clone(),
                json!({
                    "record_key": key, "end_kind": a.end.as_str(), "premises_id": premises_id,
                    "fact": a.fact.as_str(), "value": a.value, "evidence": a.evidence,
                    "attested_at": a.attested_at.to_string(), "attester": a.attester,
                }),
            )
        }
    };
    let fields = match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let row_hash = fingerprint(&fields);
    StoredRecord {
        key,
        fields,
        row_hash,
    }
}

/// The key of an attestation: one value per end, premises and fact (a newer one replaces it).
#[must_use]
pub fn attestation_key(end: &str, premises_id: i64, fact: &str) -> String {
    format!("{end}/{premises_id}/{fact}")
}

/// The end of an attestation key made by [`attestation_key`].
#[must_use]
pub fn attestation_end_of_key(key: &str) -> Option<&str> {
    key.split_once('/').map(|(end, _)| end)
}

/// The fingerprint of a record's fields: SHA-256 (128 bits, hex) over the columns in name order,
/// leaving out [`UNHASHED_COLUMNS`]. Numbers are written as JSON writes them, so a value read
/// back from either database hashes as it did when written.
#[must_use]
pub fn fingerprint(fields: &Map<String, Value>) -> String {
    let mut names: Vec<&String> = fields
        .keys()
        .filter(|k| !UNHASHED_COLUMNS.contains(&k.as_str()))
        .collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        hasher.update(name.as_bytes());
        hasher.update([0x1f]);
        hasher.update(canonical(&fields[name]).as_bytes());
        hasher.update([0x1e]);
    }
    hex::encode(&hasher.finalize()[..16])
}

/// A value as text for comparison: strings bare, whole floats without `.0`, null empty.
#[must_use]
pub fn canonical(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::HousingUse;
    use crate::registry::rows::HousingRow;

    #[test]
    fn the_fingerprint_ignores_ciphers_and_number_spelling() {
        let vault = IdVault::new(&[3; 32]);
        let row = CheckedRow::Housing(HousingRow {
            address: "a".into(),
            use_kind: HousingUse::Rented,
            area_m2: 45.0,
            owner_id_number: Some("31010419800101123X".into()),
            rooms: Some(2),
        });
        let a = stored_record(&row, 7, &vault);
        let b = stored_record(&row, 7, &vault);
        assert_eq!(a.key, "7");
        assert_ne!(a.fields["owner_id_cipher"], b.fields["owner_id_cipher"]);
        assert_eq!(a.row_hash, b.row_hash);
        let mut read_back = a.fields.clone();
        read_back.insert("area_m2".into(), json!(45));
        assert_eq!(fingerprint(&read_back), a.row_hash);
        read_back.insert("use_kind".into(), json!("vacant"));
        assert_ne!(fingerprint(&read_back), a.row_hash);
        assert_ne!(stored_record(&row, 8, &vault).row_hash, a.row_hash);
    }
}
