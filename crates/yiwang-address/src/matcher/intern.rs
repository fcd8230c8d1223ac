//! Interned strings and a fast hasher for small integer keys.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// An interned string: an index into [`Interner`].
pub(super) type Sym = u32;

/// The FxHash function (rustc's): one multiply per word, good for small keys that are not
/// chosen by an adversary (interned ids, short tokens of the registry; query text is only ever
/// looked up, never inserted).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The high bits of a product depend on every input bit, the low bits only on the low input
    /// bits; hash tables index by the low bits, so the high ones are rotated down (as rustc-hash
    /// 2 does). Without this, keys `(parent << 32) | token` would collide on the token alone.
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// A `HashMap` with [`FxHasher`].
pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Strings stored once and named by a [`Sym`].
#[derive(Debug, Default, Clone)]
pub(super) struct Interner {
    ids: FxMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// The symbol of `s`, adding it if new.
    pub(super) fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = Sym::try_from(self.strings.len()).unwrap_or(Sym::MAX);
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The symbol of `s`, if it was interned.
    pub(super) fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    /// The string of `sym` (empty for an unknown symbol).
    pub(super) fn resolve(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", |s| s)
    }

    /// How many strings are interned.
    pub(super) fn len(&self) -> usize {
        self.strings.len()
    }

    /// Bytes held by the strings (twice: the map keys and the table), for memory reports.
    pub(super) fn bytes(&self) -> usize {
        self.strings.iter().map(|s| 2 * (s.len() + 16)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differing_only_in_the_high_half_spread_over_the_low_bits() {
        let low_bits = |k: u64| {
            let mut h = FxHasher::default();
            h.write_u64(k);
            h.finish() & 0xffff
        };
        let distinct: std::collections::HashSet<u64> = (0..1000u64)
            .map(|parent| low_bits((parent << 32) | 7))
            .collect();
        assert!(distinct.len() > 950, "{} distinct", distinct.len());
    }

    #[test]
    fn interns_once() {
        let mut i = Interner::default();
        let a = i.intern("13号");
        assert_eq!(i.intern("13号"), a);
        assert_eq!(i.get("13号"), Some(a));
        assert_eq!(i.get("14号"), None);
        assert_eq!(i.resolve(a), "13号");
        assert_eq!(i.len(), 1);
    }
}
