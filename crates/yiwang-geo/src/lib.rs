//! Planar geometry for the yiwang grid hierarchy (street → 片区 area →
//! residents' committee → micro-grid → 楼组 building group).
//!
//! Pure computation, no I/O. Geometry is stored in WGS-84 lon/lat and
//! processed in a local planar metre frame ([`LocalProjection`]). The core
//! operation is [`partition()`]: split a parent (multi)polygon into cells with
//! prescribed relative areas that tile it without gaps or overlaps, using an
//! area-fitted power diagram. [`tiling_defects`] measures how well a set of
//! children tiles its parent; [`check_children`] and [`check_points`] (the
//! [`coverage`] checker) locate each gap, overlap, spill-over and point in no
//! or several cells. [`crs`] converts between WGS-84, GCJ-02 and BD-09, and
//! [`PolygonIndex`] answers point → containing polygon with an exact
//! half-open boundary rule. All randomness comes from a caller-supplied
//! [`rand::Rng`] (use `rand_chacha::ChaCha8Rng` for reproducibility), and
//! equal inputs give bit-identical outputs.
//!
//! ```
//! use geo::{MultiPolygon, polygon};
//! use yiwang_geo::{PartitionConfig, Site, partition, tiling_defects};
//!
//! let parent: MultiPolygon<f64> =
//!     polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 50.0), (x: 0.0, y: 50.0)].into();
//! let sites = [Site::new(20.0, 25.0, 1.0), Site::new(80.0, 25.0, 3.0)];
//! let cells = partition(&parent, &sites, &PartitionConfig::default())?;
//! assert_eq!(cells.len(), 2);
//! assert!(tiling_defects(&parent, &cells).total() < 1e-6);
//! # Ok::<(), yiwang_geo::GeoError>(())
//! ```
#![warn(missing_docs)]

pub mod clip;
pub mod coverage;
pub mod crs;
pub mod defects;
pub mod error;
pub mod geojson_io;
pub mod grid_index;
pub mod outline;
pub mod partition;
mod power_cell;
mod prepared;
pub mod projection;
pub mod sampling;
mod solve;
pub mod tile;

pub use clip::{HalfPlane, clip_half_plane, clip_half_plane_into, signed_ring_area};
pub use coverage::{
    CoverageConfig, CoverageProblem, PointProblem, ProblemKind, check_children, check_points,
};
pub use crs::{
    Crs, bd09_to_gcj02, convert, gcj02_to_bd09, gcj02_to_wgs84, in_china, wgs84_to_gcj02,
};
pub use defects::{TilingDefects, tiling_defects};
pub use error::GeoError;
pub use geojson_io::{
    AreaFeature, area_m2_lonlat, convert_geojson, multipolygon_to_geojson,
    parse_feature_collection, point_to_geojson,
};
pub use grid_index::PolygonIndex;
pub use outline::outline_from_centroids;
pub use partition::{PartitionConfig, Site, partition};
pub use projection::LocalProjection;
pub use sampling::{random_point_in, random_sites};
