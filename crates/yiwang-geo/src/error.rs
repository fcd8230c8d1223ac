//! Error type shared by every fallible operation in this crate.

/// Errors returned by `yiwang-geo`.
///
/// Every message states what was wrong with the input and, where it helps,
/// what the caller should do about it.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum GeoError {
    /// [`crate::partition()`] was called with an empty site list.
    #[error("partition needs at least one site; got an empty site list")]
    NoSites,

    /// A site has a non-finite coordinate or a weight that is not finite and > 0.
    #[error("site {index} is invalid: {reason}")]
    InvalidSite {
        /// Zero-based index of the offending site.
        index: usize,
        /// Human-readable description of the problem.
        reason: String,
    },

    /// The parent geometry has no area (empty, degenerate or all rings < 3 vertices).
    #[error(
        "parent geometry has zero area; pass a MultiPolygon with at least one ring of 3+ distinct vertices"
    )]
    EmptyParent,

    /// A geometry contains NaN or infinite coordinates.
    #[error("{what} contains a non-finite coordinate (NaN or infinity)")]
    NonFiniteCoordinate {
        /// Which geometry was affected (e.g. "parent").
        what: &'static str,
    },

    /// A scalar argument is outside its documented domain.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// Parameter name.
        name: &'static str,
        /// Why the value was rejected.
        reason: String,
    },

    /// Internal safety net: a partition cell came out empty after the exact
    /// polygon intersection. This indicates a bug or a pathological input.
    #[error(
        "cell {index} came out empty after clipping to the parent; the parent is probably degenerate (slivers narrower than 1e-6 of its size) — simplify it or use fewer sites"
    )]
    EmptyCell {
        /// Zero-based site index whose cell is empty.
        index: usize,
    },

    /// The text is not syntactically valid GeoJSON.
    #[error("invalid GeoJSON: {0}")]
    GeoJson(String),

    /// Valid GeoJSON, but the top-level object is not a FeatureCollection.
    #[error("expected a GeoJSON FeatureCollection at the top level, found a {found}")]
    NotFeatureCollection {
        /// The GeoJSON object type that was found instead.
        found: &'static str,
    },

    /// A feature has `"geometry": null`.
    #[error("feature {index} has no geometry; every feature must carry a Polygon or MultiPolygon")]
    MissingGeometry {
        /// Zero-based feature index within the collection.
        index: usize,
    },

    /// A feature's geometry is neither Polygon nor MultiPolygon.
    #[error(
        "feature {index} has geometry type {found}; only Polygon and MultiPolygon are supported"
    )]
    UnsupportedGeometry {
        /// Zero-based feature index within the collection.
        index: usize,
        /// The GeoJSON geometry type that was found.
        found: &'static str,
    },

    /// A coordinate reference system name that [`crate::Crs`] does not know.
    #[error(
        "unknown coordinate reference system `{name}`; accepted (case-insensitive): wgs84 (or epsg:4326), gcj02, bd09"
    )]
    UnknownCrs {
        /// The name as given.
        name: String,
    },

    /// A feature's coordinates are malformed (short position, non-finite number, tiny ring).
    #[error("feature {index} has invalid coordinates: {reason}")]
    InvalidCoordinates {
        /// Zero-based feature index within the collection.
        index: usize,
        /// Human-readable description of the problem.
        reason: String,
    },
}
