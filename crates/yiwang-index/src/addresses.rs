//! The address matcher's input from registry records.
//!
//! `yiwang-address` knows nothing of `yiwang-core`; this module turns premises and their aliases
//! into [`MatchEntry`]s and builds the [`MatchIndex`] the server holds.

use std::collections::HashMap;

use yiwang_address::{MatchEntry, MatchIndex, MatchLevel};
use yiwang_core::model::{PremisesAddress, PremisesAlias, PremisesKind};

/// The match level of a premises kind.
pub fn match_level(kind: PremisesKind) -> MatchLevel {
    match kind {
        PremisesKind::Compound => MatchLevel::Compound,
        PremisesKind::Building => MatchLevel::Building,
        PremisesKind::Unit => MatchLevel::Unit,
        PremisesKind::Floor => MatchLevel::Floor,
        PremisesKind::Room => MatchLevel::Room,
    }
}

/// Builds the match index of `premises`, each with its aliases (of every kind).
pub fn build_match_index(
    premises: impl IntoIterator<Item = PremisesAddress>,
    aliases: impl IntoIterator<Item = PremisesAlias>,
) -> MatchIndex {
    let mut builder = MatchIndexBuilder::new(aliases);
    for p in premises {
        builder.add(p);
    }
    builder.finish()
}

/// Builds a [`MatchIndex`] from premises given one at a time (read from the store in pages).
#[derive(Debug, Default)]
pub struct MatchIndexBuilder {
    index: MatchIndex,
    aliases: HashMap<i64, Vec<String>>,
}

impl MatchIndexBuilder {
    /// A builder that gives each premises added its `aliases`.
    pub fn new(aliases: impl IntoIterator<Item = PremisesAlias>) -> Self {
        let mut by_premises: HashMap<i64, Vec<String>> = HashMap::new();
        for a in aliases {
            by_premises.entry(a.premises_id).or_default().push(a.alias);
        }
        MatchIndexBuilder {
            index: MatchIndex::default(),
            aliases: by_premises,
        }
    }

    /// Adds one premises.
    pub fn add(&mut self, p: PremisesAddress) {
        self.index.insert(MatchEntry {
            premises_id: p.id,
            level: match_level(p.kind),
            aliases: self.aliases.remove(&p.id).unwrap_or_default(),
            district_code: p.street_code.get(..6).unwrap_or_default().to_owned(),
            standard_address: p.standard_address,
        });
    }

    /// The index.
    pub fn finish(mut self) -> MatchIndex {
        self.index.shrink_to_fit();
        self.index
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use yiwang_address::Gazetteer;

    #[test]
    fn every_twin_site_matches_its_building() {
        let (twin, _) = crate::test_twin(0.003, 7);
        let index = build_match_index(
            twin.premises.iter().map(|p| PremisesAddress {
                id: p.id,
                kind: p.kind,
                standard_address: p.standard_address.clone(),
                street_code: p.street_code.clone(),
            }),
            twin.aliases.clone(),
        );
        assert_eq!(index.stats().premises, twin.premises.len());
        let g = Gazetteer::default();
        for case in &twin.cases {
            let address = case.address.as_deref().unwrap();
            let best = &index.find(address, &g, 1)[0];
            assert_eq!(best.premises_id, case.premises_id, "{address}: {best:?}");
            assert_eq!(best.level, MatchLevel::Building, "{address}");
        }
    }
}
