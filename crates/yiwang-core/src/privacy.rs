//! Sealing ID numbers at rest (PIPL art. 51; GB/T 35273 §6.3).
//!
//! An ID number is never stored as written. [`IdVault::seal`] turns it into three values:
//! * a **keyed hash** (HMAC-SHA-256, 128 bits, hex) that is the lookup and uniqueness key: the
//!   same number always gives the same hash, and without the key the hash cannot be reversed by
//!   trying the ≈10⁹ plausible numbers of a district;
//! * a **cipher** (AES-256-GCM-SIV, a fresh 96-bit nonce each time, hex `nonce ‖ ciphertext`)
//!   that only a role allowed to see the number opens, and every such opening is audited;
//! * the **masked** form (first 6, last 4) for everyone else, so lists never decrypt.
//!
//! Both working keys are derived from one 256-bit master key that lives in configuration or the
//! environment, never in the database or the repository.

use aes_gcm_siv::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm_siv::{Aes256GcmSiv, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::mask::mask_id_number;

thread_local! {
    /// Nonces come from a ChaCha20 generator seeded from the operating system once per thread:
    /// as unpredictable, without a system call for each of a million sealings.
    static NONCES: std::cell::RefCell<rand_chacha::ChaCha20Rng> = std::cell::RefCell::new(
        <rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::from_rng(OsRng)
            .unwrap_or_else(|_| {
                <rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::from_entropy()
            }),
    );
}

/// Bytes of the master key.
pub const KEY_BYTES: usize = 32;
/// Bytes of the keyed hash kept (128 bits: no collision among billions of numbers).
const HASH_BYTES: usize = 16;
/// Bytes of an AES-GCM-SIV nonce.
const NONCE_BYTES: usize = 12;

/// Why a key or a cipher could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The master key is not 64 hexadecimal digits.
    #[error(
        "the data key must be 64 hexadecimal digits (32 bytes), e.g. from `openssl rand -hex 32`"
    )]
    BadKey,
    /// A stored cipher is not hex, too short, or fails authentication (wrong key or tampering).
    #[error("a sealed ID number cannot be opened with this data key (wrong key or altered data)")]
    CannotOpen,
}

/// An ID number as stored: lookup hash, cipher and masked display form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedId {
    /// Keyed hash, 32 hex digits: equal numbers have equal hashes.
    pub hash: String,
    /// Hex of nonce ‖ AES-256-GCM-SIV ciphertext.
    pub cipher: String,
    /// First 6 and last 4 characters shown.
    pub masked: String,
}

/// The keys that seal and open ID numbers.
#[derive(Clone)]
pub struct IdVault {
    hash_key: Hmac<Sha256>,
    cipher: Aes256GcmSiv,
}

impl std::fmt::Debug for IdVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdVault(..)")
    }
}

impl IdVault {
    /// A vault from the 32-byte master key.
    #[must_use]
    pub fn new(master: &[u8; KEY_BYTES]) -> IdVault {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master)
                .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
            mac.update(label);
            mac.finalize().into_bytes().into()
        };
        let hash_key = <Hmac<Sha256> as Mac>::new_from_slice(&derive(b"yiwang id-hash v1"))
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        let cipher = Aes256GcmSiv::new(&derive(b"yiwang id-cipher v1").into());
        IdVault { hash_key, cipher }
    }

    /// A vault from the master key written as 64 hex digits (surrounding space ignored).
    pub fn from_hex(text: &str) -> Result<IdVault, VaultError> {
        let bytes = hex::decode(text.trim()).map_err(|_| VaultError::BadKey)?;
        let key: [u8; KEY_BYTES] = bytes.try_into().map_err(|_| VaultError::BadKey)?;
        Ok(IdVault::new(&key))
    }

    /// A fresh random master key, as 64 hex digits.
    #[must_use]
    pub fn generate_key_hex() -> String {
        hex::encode(Aes256GcmSiv::generate_key(&mut OsRng))
    }

    /// The lookup hash of an ID number (upper-cased, so a trailing `x` and `X` agree).
    #[must_use]
    pub fn hash(&self, id_number: &str) -> String {
        let mut mac = self.hash_key.clone();
        mac.update(id_number.trim().to_uppercase().as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..HASH_BYTES])
    }

    /// Seals an ID number: hash, cipher and masked form.
    #[must_use]
    pub fn seal(&self, id_number: &str) -> SealedId {
        let normal = id_number.trim().to_uppercase();
        let nonce = NONCES.with(|rng| Aes256GcmSiv::generate_nonce(&mut *rng.borrow_mut()));
        let mut out = nonce.to_vec();
        // Encryption of a byte string in memory cannot fail (only decryption authenticates).
        out.extend(
            self.cipher
                .encrypt(&nonce, normal.as_bytes())
                .unwrap_or_default(),
        );
        SealedId {
            hash: self.hash(&normal),
            cipher: hex::encode(out),
            masked: mask_id_number(&normal),
        }
    }

    /// Opens a cipher made by [`IdVault::seal`] with the same master key.
    pub fn open(&self, cipher: &str) -> Result<String, VaultError> {
        let bytes = hex::decode(cipher).map_err(|_| VaultError::CannotOpen)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(VaultError::CannotOpen);
        }
        let (nonce, body) = bytes.split_at(NONCE_BYTES);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| VaultError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| VaultError::CannotOpen)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn vault(byte: u8) -> IdVault {
        IdVault::new(&[byte; KEY_BYTES])
    }

    #[test]
    fn sealing_round_trips_and_hides_the_number() {
        let v = vault(7);
        let s = v.seal("31010419800101123x");
        assert_eq!(s.masked, "310104********123X");
        assert_eq!(v.open(&s.cipher).as_deref(), Ok("31010419800101123X"));
        assert!(!s.cipher.contains("31010419800101123X"));
        assert_eq!(s.hash.len(), 32);
        assert!(!s.hash.contains("310104"));
    }

    #[test]
    fn the_hash_is_stable_and_keyed_but_the_cipher_is_fresh() {
        let (a, b) = (vault(1), vault(2));
        let id = "31010419800101123X";
        assert_eq!(a.hash(id), a.hash(" 31010419800101123x "));
        assert_ne!(a.hash(id), b.hash(id));
        assert_ne!(a.seal(id).cipher, a.seal(id).cipher);
        assert_eq!(a.seal(id).hash, a.seal(id).hash);
    }

    #[test]
    fn a_wrong_key_or_altered_cipher_does_not_open() {
        let s = vault(1).seal("31010419800101123X");
        assert_eq!(vault(2).open(&s.cipher), Err(VaultError::CannotOpen));
        let mut altered = s.cipher.clone();
        let last = if altered.ends_with('0') { "1" } else { "0" };
        altered.replace_range(altered.len() - 1.., last);
        assert_eq!(vault(1).open(&altered), Err(VaultError::CannotOpen));
        assert_eq!(vault(1).open("zz"), Err(VaultError::CannotOpen));
        assert_eq!(vault(1).open("00"), Err(VaultError::CannotOpen));
    }

    #[test]
    fn keys_are_read_as_64_hex_digits() {
        let key = IdVault::generate_key_hex();
        assert_eq!(key.len(), 64);
        assert!(IdVault::from_hex(&format!(" {key}\n")).is_ok());
        assert_eq!(
            IdVault::from_hex("abcd").map(|_| ()),
            Err(VaultError::BadKey)
        );
        assert_eq!(
            IdVault::from_hex(&"g".repeat(64)).map(|_| ()),
            Err(VaultError::BadKey)
        );
        assert_ne!(IdVault::generate_key_hex(), key);
    }
}
