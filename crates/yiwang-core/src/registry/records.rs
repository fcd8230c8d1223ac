//! A checked row placed on its premises, as the registry stores it: the record key, the
//! column values (ID numbers sealed) and a fingerprint that tells changed from unchanged.

use serde_json::{Map, Value};
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
    pub fields: Fields,
    /// Fingerprint of the fields (see [`fingerprint`]).
    pub row_hash: String,
}

/// A record's column values in column-name order. A snapshot holds a million records until
/// its transaction, so names are the schema's own strings, not a map of owned keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    /// The fields of `(column, value)` pairs (a later pair for the same column wins).
    #[must_use]
    pub fn new(mut pairs: Vec<(&'static str, Value)>) -> Fields {
        pairs.reverse();
        pairs.sort_by_key(|(c, _)| *c);
        pairs.dedup_by_key(|(c, _)| *c);
        pairs.shrink_to_fit();
        Fields(pairs)
    }

    /// The value of `column`, if the record has it.
    #[must_use]
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.0
            .binary_search_by(|(c, _)| (*c).cmp(column))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Whether the record has `column`.
    #[must_use]
    pub fn contains(&self, column: &str) -> bool {
        self.get(column).is_some()
    }

    /// Every column and value, in column-name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.0.iter().map(|(c, v)| (*c, v))
    }

    /// The fields as a JSON map.
    #[must_use]
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(c, v)| (c.to_owned(), v.clone()))
            .collect()
    }
}

impl std::ops::Index<&str> for Fields {
    type Output = Value;

    fn index(&self, column: &str) -> &Value {
        self.get(column).unwrap_or(&Value::Null)
    }
}

/// Builds the stored record of a checked row on premises `premises_id`.
#[must_use]
pub fn stored_record(row: &CheckedRow, premises_id: i64, vault: &IdVault) -> StoredRecord {
    let (key, pairs): (String, Vec<(&'static str, Value)>) = match row {
        CheckedRow::Person(p) => {
            let id = vault.seal(&p.id_number);
            (
                id.hash.clone(),
                vec![
                    ("id_hash", id.hash.into()),
                    ("id_cipher", id.cipher.into()),
                    ("id_masked", id.masked.into()),
                    ("id_kind", p.id_kind.clone().into()),
                    ("name", p.name.clone().into()),
                    ("person_type", p.person_type.as_str().into()),
                    ("sex", p.sex.clone().into()),
                    ("birth_date", p.birth_date.to_string().into()),
                    ("nationality", p.nationality.clone().into()),
                    ("phone", p.phone.clone().into()),
                    ("room_id", premises_id.into()),
                    ("move_in_date", p.move_in_date.map(|d| d.to_string()).into()),
                ],
            )
        }
        CheckedRow::Housing(h) => {
            let owner = h.owner_id_number.as_deref().map(|id| vault.seal(id));
            let (hash, cipher, masked) = match owner {
                Some(o) => (Some(o.hash), Some(o.cipher), Some(o.masked)),
                None => (None, None, None),
            };
            (
                premises_id.to_string(),
                vec![
                    ("room_id", premises_id.into()),
                    ("use_kind", h.use_kind.as_str().into()),
                    ("area_m2", h.area_m2.into()),
                    ("rooms", h.rooms.into()),
                    ("owner_id_hash", hash.into()),
                    ("owner_id_cipher", cipher.into()),
                    ("owner_id_masked", masked.into()),
                ],
            )
        }
        CheckedRow::Unit(u) => (
            u.uscc.clone(),
            vec![
                ("uscc", u.uscc.clone().into()),
                ("name", u.name.clone().into()),
                ("industry", u.industry.clone().into()),
                ("staff", u.staff.into()),
                ("registered_at", u.registered_at.to_string().into()),
                ("premises_id", premises_id.into()),
            ],
        ),
        CheckedRow::Attestation(a) => {
            let key = attestation_key(a.end.as_str(), premises_id, a.fact.as_str());
            (
                key.clone(),
                vec![
                    ("record_key", key.into()),
                    ("end_kind", a.end.as_str().into()),
                    ("premises_id", premises_id.into()),
                    ("fact", a.fact.as_str().into()),
                    ("value", a.value.clone().into()),
                    ("evidence", a.evidence.clone().into()),
                    ("attested_at", a.attested_at.to_string().into()),
                    ("attester", a.attester.clone().into()),
                ],
            )
        }
    };
    let fields = Fields::new(pairs);
    let row_hash = fingerprint_of(fields.iter());
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
    // serde_json's map iterates in key order.
    fingerprint_of(fields.iter().map(|(c, v)| (c.as_str(), v)))
}

/// [`fingerprint`] of columns given in name order.
fn fingerprint_of<'n, 'v>(fields: impl Iterator<Item = (&'n str, &'v Value)>) -> String {
    let mut hasher = Sha256::new();
    for (name, value) in fields.filter(|(c, _)| !UNHASHED_COLUMNS.contains(c)) {
        hasher.update(name.as_bytes());
        hasher.update([0x1f]);
        hasher.update(canonical(value).as_bytes());
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
    use serde_json::json;

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
        let mut read_back = a.fields.to_map();
        read_back.insert("area_m2".into(), json!(45));
        assert_eq!(fingerprint(&read_back), a.row_hash);
        read_back.insert("use_kind".into(), json!("vacant"));
        assert_ne!(fingerprint(&read_back), a.row_hash);
        assert_ne!(stored_record(&row, 8, &vault).row_hash, a.row_hash);
    }

    #[test]
    fn fields_are_found_by_name_and_the_later_pair_wins() {
        let f = Fields::new(vec![
            ("name", json!("张三")),
            ("area_m2", json!(45)),
            ("name", json!("李四")),
        ]);
        assert_eq!(f.get("name"), Some(&json!("李四")));
        assert_eq!(f["area_m2"], json!(45));
        assert_eq!(f["phone"], Value::Null);
        assert!(!f.contains("phone"));
        let names: Vec<&str> = f.iter().map(|(c, _)| c).collect();
        assert_eq!(names, ["area_m2", "name"]);
        assert_eq!(fingerprint(&f.to_map()), fingerprint_of(f.iter()));
    }
}
