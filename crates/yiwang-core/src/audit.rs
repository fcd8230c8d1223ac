//! Hash-linked, append-only audit chain.
//!
//! Entry `i` stores `hash_i = SHA-256(hash_{i−1} ‖ 0x1F ‖ entry_json_i)` as
//! lowercase hex, with `hash_{−1} =` [`GENESIS_HASH`]. The hash input is the
//! previous hash's 64 ASCII hex characters, one unit-separator byte (0x1F,
//! which cannot occur in the hex text) and the entry's exact JSON bytes, so
//! the entry text must be stored byte for byte as it was hashed. Changing,
//! removing, inserting or reordering any entry breaks every later link.

use sha2::{Digest, Sha256};

/// The "previous hash" of the first entry: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Separator byte between the previous hash and the entry (ASCII unit separator).
const SEPARATOR: u8 = 0x1F;

/// Lowercase hex SHA-256 of `prev_hash ‖ 0x1F ‖ entry_json`.
#[must_use]
pub fn audit_hash(prev_hash: &str, entry_json: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update([SEPARATOR]);
    hasher.update(entry_json.as_bytes());
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(hex_digit(byte >> 4));
        hex.push(hex_digit(byte & 0x0F));
    }
    hex
}

/// Lowercase hex digit of a nibble (0–15).
fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(nibble & 0x0F)])
}

/// Checks a chain of `(entry_json, hash)` pairs starting from
/// [`GENESIS_HASH`]; returns the index of the first entry whose stored hash
/// does not match. An empty chain is valid.
pub fn verify_chain(entries: &[(String, String)]) -> Result<(), usize> {
    let mut prev = GENESIS_HASH;
    for (i, (entry, hash)) in entries.iter().enumerate() {
        if audit_hash(prev, entry) != *hash {
            return Err(i);
        }
        prev = hash;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn chain(entries: &[&str]) -> Vec<(String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        entries
            .iter()
            .map(|e| {
                let h = audit_hash(&prev, e);
                prev = h.clone();
                ((*e).to_owned(), h)
            })
            .collect()
    }

    #[test]
    fn known_hashes() {
        // SHA-256 of 64 '0' + 0x1F + entry, computed independently (Python hashlib).
        let cases = [
            (
                GENESIS_HASH,
                "",
                "186b77cf2c8adca8b10a7ff403d6321ca776d9cbd2e55798e015f7bcbcc0092e",
            ),
            (
                GENESIS_HASH,
                r#"{"action":"read"}"#,
                "26f8781d955ad2ca37bb2bcd67af22e1ca8efb2e17f1ebb137ec9602584f7166",
            ),
            (
                "abababababababababababababababababababababababababababababababab",
                "审计",
                "6b572911f9654ed387bdb0fc7ad18d176ec8e46b54bd0bf624632d9ba59f518b",
            ),
        ];
        for (prev, entry, expect) in cases {
            let got = audit_hash(prev, entry);
            assert_eq!(got.len(), 64);
            assert!(
                got.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert_eq!(got, expect, "{prev:?} ‖ {entry:?}");
        }
    }

    #[test]
    fn verification() {
        let good = chain(&[r#"{"a":1}"#, r#"{"a":2}"#, r#"{"a":3}"#]);
        let mut edited = good.clone();
        edited[1].0 = r#"{"a":20}"#.to_owned();
        let mut swapped = good.clone();
        swapped.swap(0, 1);
        let mut rehashed_tail = good.clone();
        rehashed_tail[2].1 = audit_hash(GENESIS_HASH, &good[2].0);
        type Chain<'a> = &'a [(String, String)];
        let cases: [(Chain<'_>, Result<(), usize>); 6] = [
            (&[], Ok(())),
            (&good, Ok(())),
            (&good[..1], Ok(())),
            (&edited, Err(1)),
            (&swapped, Err(0)),
            (&good[1..], Err(0)),
        ];
        for (entries, expect) in cases {
            assert_eq!(verify_chain(entries), expect);
        }
        assert_eq!(verify_chain(&rehashed_tail), Err(2));
    }
}
