//! The change set of a snapshot (周更新): what a source's new file adds to, changes in and
//! removes from the registry.
//!
//! A registry row belongs to the source whose snapshot last wrote it. Against a new snapshot
//! of source S:
//! * a key the registry lacks is **added**;
//! * a key it holds with the same fingerprint, written by S, is **unchanged**;
//! * a key it holds with another fingerprint, or written by another source, is **changed**
//!   (S now answers for it);
//! * a key written by S that the snapshot lacks is **gone**.
//!
//! Re-importing an unchanged snapshot therefore yields an empty change set.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::records::{Fields, StoredRecord, UNHASHED_COLUMNS, canonical};

/// What the registry holds for a key: the source that wrote it and its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Source of the last snapshot that wrote it.
    pub source: String,
    /// Fingerprint of its fields (`None` for rows written before fingerprints were kept).
    pub row_hash: Option<String>,
}

/// The change set of one snapshot: indexes into the incoming records, and the keys gone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Incoming records the registry lacks.
    pub added: Vec<usize>,
    /// Incoming records that replace a row.
    pub changed: Vec<usize>,
    /// Incoming records the registry already holds as they are.
    pub unchanged: usize,
    /// Keys of `source`'s rows the snapshot lacks.
    pub gone: Vec<String>,
}

impl Diff {
    /// Whether the snapshot changes nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.gone.is_empty()
    }
}

/// Compares `incoming` (keys unique) from `source` with what the registry `held`.
#[must_use]
pub fn diff(source: &str, held: &HashMap<String, Held>, incoming: &[StoredRecord]) -> Diff {
    let mut out = Diff::default();
    let mut seen: HashSet<&str> = HashSet::with_capacity(incoming.len());
    for (i, record) in incoming.iter().enumerate() {
        seen.insert(&record.key);
        match held.get(&record.key) {
            None => out.added.push(i),
            Some(h) if h.source == source && h.row_hash.as_deref() == Some(&record.row_hash) => {
                out.unchanged += 1;
            }
            Some(_) => out.changed.push(i),
        }
    }
    let mut gone: Vec<String> = held
        .iter()
        .filter(|(key, h)| h.source == source && !seen.contains(key.as_str()))
        .map(|(key, _)| key.clone())
        .collect();
    gone.sort();
    out.gone = gone;
    out
}

/// The columns whose values differ between a stored row and its replacement (ciphers left
/// out: they differ at every sealing), in name order.
#[must_use]
pub fn changed_fields(before: &Map<String, Value>, after: &Fields) -> Vec<String> {
    let null = Value::Null;
    after
        .iter()
        .filter(|(c, _)| !UNHASHED_COLUMNS.contains(c))
        .filter(|(c, v)| canonical(before.get(*c).unwrap_or(&null)) != canonical(v))
        .map(|(c, _)| c.to_owned())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(key: &str, hash: &str) -> StoredRecord {
        StoredRecord {
            key: key.into(),
            fields: Fields::default(),
            row_hash: hash.into(),
        }
    }

    fn held(rows: &[(&str, &str, &str)]) -> HashMap<String, Held> {
        rows.iter()
            .map(|(k, s, h)| {
                (
                    k.to_string(),
                    Held {
                        source: s.to_string(),
                        row_hash: Some(h.to_string()),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_snapshot_is_sorted_into_added_changed_unchanged_and_gone() {
        let registry = held(&[
            ("a", "police", "1"),
            ("b", "police", "2"),
            ("c", "police", "3"),
            ("d", "housing-bureau", "4"),
            ("e", "housing-bureau", "5"),
        ]);
        let incoming = [
            record("a", "1"),
            record("b", "20"),
            record("d", "4"),
            record("f", "6"),
        ];
        let d = diff("police", &registry, &incoming);
        assert_eq!(d.added, [3]);
        assert_eq!(d.changed, [1, 2]);
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.gone, ["c"]);
        assert!(!d.is_empty());
    }

    #[test]
    fn the_same_snapshot_again_changes_nothing() {
        let registry = held(&[("a", "police", "1"), ("b", "police", "2")]);
        let d = diff("police", &registry, &[record("b", "2"), record("a", "1")]);
        assert!(d.is_empty());
        assert_eq!(d.unchanged, 2);
    }

    #[test]
    fn changed_fields_name_what_differs() {
        let before = json!({"name": "张三", "phone": null, "area_m2": 45.0, "id_cipher": "aa"});
        let Value::Object(b) = before else {
            unreachable!()
        };
        let a = Fields::new(vec![
            ("phone", json!("13800138000")),
            ("name", json!("张三")),
            ("id_cipher", json!("bb")),
            ("area_m2", json!(45)),
        ]);
        assert_eq!(changed_fields(&b, &a), ["phone"]);
    }
}
