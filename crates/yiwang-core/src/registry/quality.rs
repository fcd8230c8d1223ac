//! Data quality of a registry (数据质量), per street, source or the whole district.
//!
//! Each dimension is a share of 0–1 computed from counts the store aggregates:
//! * **completeness** — optional-but-expected cells filled / expected cells;
//! * **validity** — rows accepted / rows read in the latest snapshot of each source;
//! * **uniqueness** — 1 − rows repeating a key / rows read, same snapshots;
//! * **consistency** — rows breaking no cross-record rule / rows (a person in no room or in a
//!   room that is not a room, a unit registered in a residential room, a room holding more
//!   residents than its area allows);
//! * **timeliness** — rows written by a snapshot of the last [`FRESH_DAYS`] days / rows;
//! * **accuracy** — field-verified rows found correct / verified rows, with the one-sided 95%
//!   Wilson lower bound, so "accuracy over 90%" is a claim with evidence (the bound, not the
//!   point estimate, must clear the target).

use serde::Serialize;

/// A snapshot older than this many days is stale for a weekly-updated registry.
pub const FRESH_DAYS: i64 = 7;
/// The report's target: accuracy above 90%.
pub const ACCURACY_TARGET: f64 = 0.9;
/// z of a one-sided 95% bound.
pub const Z_ONE_SIDED_95: f64 = 1.644_853_626_951_472;
/// Floor area one resident needs at least (Shanghai's rule on rented housing: 人均不低于 5 m²).
pub const MIN_AREA_PER_RESIDENT_M2: f64 = 5.0;

/// What the store counts for one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualityCounts {
    /// Street code, source name or `district`.
    pub group: String,
    /// Rows held.
    pub rows: u64,
    /// Optional-but-expected cells of those rows.
    pub expected_cells: u64,
    /// Of them, filled.
    pub filled_cells: u64,
    /// Rows breaking a consistency rule.
    pub inconsistent: u64,
    /// Rows written by a snapshot of the last [`FRESH_DAYS`] days.
    pub fresh: u64,
    /// Rows read in the latest snapshot of each source in the group (0: not known per group).
    pub read: u64,
    /// Of them, refused.
    pub rejected: u64,
    /// Of them, repeating an earlier line's key.
    pub duplicates: u64,
    /// Rows verified in the field.
    pub verified: u64,
    /// Of them, found correct.
    pub verified_correct: u64,
}

/// The quality of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quality {
    /// Street code, source name or `district`.
    pub group: String,
    /// Rows held.
    pub rows: u64,
    /// Share of expected cells filled.
    pub completeness: Option<f64>,
    /// Share of rows read that passed every check (known per source).
    pub validity: Option<f64>,
    /// Share of rows read with a key of their own (known per source).
    pub uniqueness: Option<f64>,
    /// Share of rows breaking no consistency rule.
    pub consistency: Option<f64>,
    /// Share of rows written within the last 7 days.
    pub timeliness: Option<f64>,
    /// Rows verified in the field.
    pub verified: u64,
    /// Share of verified rows found correct.
    pub accuracy: Option<f64>,
    /// One-sided 95% Wilson lower bound of the accuracy.
    pub accuracy_lower_95: Option<f64>,
    /// Whether the lower bound clears the 90% target (`None` without verifications).
    pub meets_accuracy_target: Option<bool>,
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The quality of a group from its counts.
#[must_use]
pub fn quality(c: &QualityCounts) -> Quality {
    let lower = wilson_lower_bound(c.verified_correct, c.verified, Z_ONE_SIDED_95);
    Quality {
        group: c.group.clone(),
        rows: c.rows,
        completeness: share(c.filled_cells, c.expected_cells),
        validity: share(c.read.saturating_sub(c.rejected), c.read),
        uniqueness: share(c.read.saturating_sub(c.duplicates), c.read),
        consistency: share(c.rows.saturating_sub(c.inconsistent), c.rows),
        timeliness: share(c.fresh, c.rows),
        verified: c.verified,
        accuracy: share(c.verified_correct, c.verified),
        accuracy_lower_95: lower,
        meets_accuracy_target: lower.map(|l| l >= ACCURACY_TARGET),
    }
}

/// The Wilson score lower bound of a proportion: `k` successes of `n`, at `z`.
#[must_use]
pub fn wilson_lower_bound(k: u64, n: u64, z: f64) -> Option<f64> {
    if n == 0 || k > n {
        return None;
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let margin = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - margin) / (1.0 + z2 / n)).max(0.0))
}

/// Residents a room of `area_m2` may hold under the 5 m² rule (at least one).
#[must_use]
pub fn room_capacity(area_m2: f64) -> u64 {
    ((area_m2 / MIN_AREA_PER_RESIDENT_M2).floor() as u64).max(1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn round3(x: f64) -> f64 {
        (x * 1000.0).round() / 1000.0
    }

    #[test]
    fn wilson_lower_bounds_decide_the_90_percent_claim() {
        // governance.md §2.3: 93% of 400 passes, 92% of 400 fails, 92% of 1,000 passes.
        let check = |k, n, expect: f64| {
            let l = wilson_lower_bound(k, n, Z_ONE_SIDED_95).unwrap();
            assert_eq!(round3(l), expect, "{k}/{n}");
        };
        check(372, 400, 0.906);
        check(368, 400, 0.895);
        check(920, 1000, 0.905);
        assert_eq!(wilson_lower_bound(0, 0, Z_ONE_SIDED_95), None);
        assert_eq!(wilson_lower_bound(0, 10, Z_ONE_SIDED_95), Some(0.0));
        assert!(wilson_lower_bound(10, 10, Z_ONE_SIDED_95).unwrap() < 1.0);
    }

    #[test]
    fn shares_come_from_counts() {
        let q = quality(&QualityCounts {
            group: "公安".into(),
            rows: 200,
            expected_cells: 400,
            filled_cells: 300,
            inconsistent: 10,
            fresh: 150,
            read: 210,
            rejected: 10,
            duplicates: 4,
            verified: 400,
            verified_correct: 372,
        });
        assert_eq!(q.completeness, Some(0.75));
        assert_eq!(q.validity, Some(200.0 / 210.0));
        assert_eq!(q.uniqueness, Some(206.0 / 210.0));
        assert_eq!(q.consistency, Some(0.95));
        assert_eq!(q.timeliness, Some(0.75));
        assert_eq!(q.accuracy, Some(0.93));
        assert_eq!(q.meets_accuracy_target, Some(true));
        let empty = quality(&QualityCounts::default());
        assert_eq!(
            (
                empty.completeness,
                empty.validity,
                empty.accuracy,
                empty.meets_accuracy_target
            ),
            (None, None, None, None)
        );
    }

    #[test]
    fn rooms_hold_one_resident_per_5_square_metres() {
        assert_eq!(room_capacity(12.0), 2);
        assert_eq!(room_capacity(60.5), 12);
        assert_eq!(room_capacity(3.0), 1);
    }
}
