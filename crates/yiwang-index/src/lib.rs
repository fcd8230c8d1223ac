//! In-memory indexes that answer spatial questions without touching the database.
//!
//! They are built from store records at start-up (the server loads the records; this crate does no
//! I/O) and answer in microseconds: which grid cells contain a point, from 楼组 up to 街镇
//! ([`GridLocator::chain`]), and which buildings are nearest ([`GridLocator::nearest_buildings`]);
//! and the address matcher's index of the premises registry ([`build_match_index`]); and the
//! full-text index of case texts ([`CaseSearch`]).
#![warn(missing_docs)]

mod addresses;
mod boundaries;
mod coverage;
mod locator;
mod search;
mod tiles;

pub use addresses::{MatchIndexBuilder, build_match_index, match_level};
pub use boundaries::{
    BoundaryFeature, BoundaryPlan, BuildingMembership, BuildingMove, RejectedFeature,
    plan_boundaries,
};
pub use coverage::{BuildingProblem, CoverageReport, GridProblem, check_grid};
pub use search::{CaseSearch, SearchError};

pub use locator::{BuildingPoint, Cell, GridChain, GridLocator, IndexError, NearBuilding};
pub use tiles::{
    CACHE_BYTES, CASE_CLUSTER_BELOW_ZOOM, CasePoint, RenderedTile, TileLayerKind, TileRenderer,
};

/// A small generated twin and its buildings' points, for the tests of this crate.
#[cfg(test)]
#[allow(clippy::expect_used)]
pub(crate) fn test_twin(scale: f64, seed: u64) -> (yiwang_twin::Twin, Vec<BuildingPoint>) {
    let config = yiwang_twin::TwinConfig {
        scale,
        seed,
        boundaries: None,
    };
    let twin = yiwang_twin::generate(&config, &mut |_| {}).expect("twin");
    let buildings = twin
        .premises
        .iter()
        .filter(|p| p.kind == yiwang_core::model::PremisesKind::Building)
        .filter_map(BuildingPoint::from_premises)
        .collect();
    (twin, buildings)
}
