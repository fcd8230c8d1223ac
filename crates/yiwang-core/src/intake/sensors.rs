//! Sensor alerts (物联感知) → case categories.
//!
//! Each alert `kind` a sensor sends (`smoke`, `water_level`, …) maps to one row of the GB/T 30428
//! category table (`data/event_categories.tsv`): kind, subclass and the filing condition (立案条件)
//! the alert meets, which fixes the time limit. The table is the whole rule; an unknown kind is
//! refused rather than guessed.

use crate::reference::CategoryKind;

/// What an alert kind becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensorCategory {
    /// The alert kind as sensors send it (`snake_case`).
    pub alert_kind: &'static str,
    /// Component (部件) or event (事件).
    pub kind: CategoryKind,
    /// The subclass code, e.g. `0491`.
    pub subclass_code: &'static str,
    /// The filing condition of that subclass the alert meets, exactly as in the table.
    pub filing_condition: &'static str,
    /// How the case text names the alert, e.g. `烟感报警`.
    pub label: &'static str,
}

/// Every alert kind yiwang takes in, in the order the README lists them.
pub const SENSOR_CATEGORIES: &[SensorCategory] = &[
    SensorCategory {
        alert_kind: "smoke",
        kind: CategoryKind::Event,
        subclass_code: "0491",
        filing_condition: "发现火情、冒烟（即时转119）",
        label: "烟感报警",
    },
    SensorCategory {
        alert_kind: "water_level",
        kind: CategoryKind::Event,
        subclass_code: "0406",
        filing_condition: "降雨后道路积水影响通行",
        label: "积水水位报警",
    },
    SensorCategory {
        alert_kind: "elevator_fault",
        kind: CategoryKind::Event,
        subclass_code: "0604",
        filing_condition: "电梯停运或频繁故障",
        label: "电梯故障报警",
    },
    SensorCategory {
        alert_kind: "elevator_trapped",
        kind: CategoryKind::Event,
        subclass_code: "0604",
        filing_condition: "电梯困人",
        label: "电梯困人报警",
    },
    SensorCategory {
        alert_kind: "manhole_cover",
        kind: CategoryKind::Component,
        subclass_code: "0101",
        filing_condition: "井盖缺失、塌陷或严重破损，危及行人车辆安全",
        label: "井盖位移报警",
    },
    SensorCategory {
        alert_kind: "gas_leak",
        kind: CategoryKind::Event,
        subclass_code: "0403",
        filing_condition: "燃气管道破损、泄漏或有明显燃气异味",
        label: "燃气泄漏报警",
    },
];

/// The category of an alert kind, or `None` for a kind not in [`SENSOR_CATEGORIES`].
#[must_use]
pub fn sensor_category(alert_kind: &str) -> Option<&'static SensorCategory> {
    SENSOR_CATEGORIES
        .iter()
        .find(|c| c.alert_kind == alert_kind)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::reference::event_categories;

    #[test]
    fn every_alert_kind_names_a_row_of_the_category_table() {
        let rows = event_categories().expect("reference data");
        for c in SENSOR_CATEGORIES {
            assert!(
                rows.iter().any(|r| r.kind == c.kind
                    && r.subclass_code == c.subclass_code
                    && r.filing_condition == c.filing_condition),
                "{} → {} {} `{}` is not in event_categories.tsv",
                c.alert_kind,
                c.kind,
                c.subclass_code,
                c.filing_condition
            );
        }
    }

    #[test]
    fn alert_kinds_map_to_their_subclasses() {
        let cases = [
            ("smoke", Some("0491")),
            ("water_level", Some("0406")),
            ("elevator_fault", Some("0604")),
            ("elevator_trapped", Some("0604")),
            ("manhole_cover", Some("0101")),
            ("gas_leak", Some("0403")),
            ("Smoke", None),
            ("", None),
            ("earthquake", None),
        ];
        for (kind, code) in cases {
            assert_eq!(
                sensor_category(kind).map(|c| c.subclass_code),
                code,
                "{kind}"
            );
        }
    }

    #[test]
    fn alert_kinds_are_unique() {
        for (i, a) in SENSOR_CATEGORIES.iter().enumerate() {
            assert!(
                SENSOR_CATEGORIES[i + 1..]
                    .iter()
                    .all(|b| b.alert_kind != a.alert_kind),
                "{} twice",
                a.alert_kind
            );
        }
    }
}
