//! Names within one edit of a query, by hash probes (the symmetric-deletion method).
//!
//! Every name is stored under itself and under each string made by deleting one of its chars.
//! A query probes itself and each of its one-char deletions; a hit is kept when the
//! Damerau–Levenshtein distance (one substitution, insertion, deletion or swap of neighbours) is
//! at most 1. So a lookup costs `len + 1` probes, never a scan.

use std::hash::{BuildHasher, BuildHasherDefault};

use super::intern::{FxHasher, FxMap, Interner, Sym};

/// Names shorter than this (in chars) are not looked up fuzzily: one char off a two-char name
/// is another name.
pub(super) const MIN_CHARS: usize = 3;

/// One-edit neighbourhoods of a set of names.
#[derive(Debug, Default, Clone)]
pub(super) struct Fuzzy {
    /// Hash of a name or of a one-char deletion of it → the names.
    by_hash: FxMap<u64, Vec<Sym>>,
    /// The longest name in chars: a query more than one char longer cannot be within one edit.
    max_chars: usize,
}

fn hash(s: &[char]) -> u64 {
    let build = BuildHasherDefault::<FxHasher>::default();
    build.hash_one(s)
}

impl Fuzzy {
    /// Adds a name (a no-op for names shorter than [`MIN_CHARS`]).
    pub(super) fn add(&mut self, name: &str, sym: Sym) {
        let chars: Vec<char> = name.chars().collect();
        if chars.len() < MIN_CHARS {
            return;
        }
        self.max_chars = self.max_chars.max(chars.len());
        let mut push = |h| {
            let list = self.by_hash.entry(h).or_default();
            if !list.contains(&sym) {
                list.push(sym);
            }
        };
        push(hash(&chars));
        let mut buf = Vec::with_capacity(chars.len());
        for skip in 0..chars.len() {
            buf.clear();
            buf.extend(
                chars
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, c)| *c),
            );
            push(hash(&buf));
        }
    }

    /// The names within one edit of `query`, other than `query` itself, in symbol order. A
    /// query longer than every name by more than one char costs nothing (no probes).
    pub(super) fn near(&self, query: &str, names: &Interner) -> Vec<Sym> {
        let n = query.chars().count();
        if n < MIN_CHARS || n > self.max_chars + 1 {
            return Vec::new();
        }
        let chars: Vec<char> = query.chars().collect();
        let mut out: Vec<Sym> = Vec::new();
        let probe = |h: u64, out: &mut Vec<Sym>| {
            for &sym in self.by_hash.get(&h).map_or(&[][..], Vec::as_slice) {
                if !out.contains(&sym) {
                    let name: Vec<char> = names.resolve(sym).chars().collect();
                    if name != chars && within_one(&name, &chars) {
                        out.push(sym);
                    }
                }
            }
        };
        probe(hash(&chars), &mut out);
        let mut buf = Vec::with_capacity(chars.len());
        for skip in 0..chars.len() {
            buf.clear();
            buf.extend(
                chars
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, c)| *c),
            );
            probe(hash(&buf), &mut out);
        }
        out.sort_unstable();
        out
    }

    /// How many hash keys are stored, for memory reports.
    pub(super) fn len(&self) -> usize {
        self.by_hash.len()
    }
}

/// Whether `a` and `b` are at most one substitution, insertion, deletion or swap of neighbours
/// apart.
pub(super) fn within_one(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if prefix == short.len() {
        return true;
    }
    if short.len() == long.len() {
        let rest = |from: usize| short.get(from..) == long.get(from..);
        // One substitution, or a swap of neighbours.
        rest(prefix + 1)
            || (short.get(prefix) == long.get(prefix + 1)
                && short.get(prefix + 1) == long.get(prefix)
                && rest(prefix + 2))
    } else {
        // One char inserted into `short`.
        short.get(prefix..) == long.get(prefix + 1..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_edit() {
        let one = |a: &str, b: &str| within_one(&chars(a), &chars(b));
        assert!(one("逸流公寓", "逸流公寓"));
        assert!(one("逸流公寓", "逸留公寓"));
        assert!(one("逸流公寓", "逸公寓"));
        assert!(one("逸流公寓", "逸流新公寓"));
        assert!(one("逸流公寓", "流逸公寓"));
        assert!(!one("逸流公寓", "逸留公馆"));
        assert!(!one("逸流公寓", "逸流"));
    }

    #[test]
    fn finds_names_one_edit_away_by_probes() {
        let mut names = Interner::default();
        let mut fuzzy = Fuzzy::default();
        for n in ["逸流公寓", "汇翠花园", "汇翠名园", "梅陇三村"] {
            let s = names.intern(n);
            fuzzy.add(n, s);
        }
        let near = |q: &str| -> Vec<String> {
            fuzzy
                .near(q, &names)
                .into_iter()
                .map(|s| names.resolve(s).to_owned())
                .collect()
        };
        assert_eq!(near("逸留公寓"), ["逸流公寓"]);
        assert_eq!(near("汇翠园"), ["汇翠花园", "汇翠名园"]);
        assert_eq!(near("梅陇新三村"), ["梅陇三村"]);
        assert!(
            near("逸流公寓").is_empty(),
            "exact names are not fuzzy hits"
        );
        assert!(near("无名").is_empty());
    }
}
