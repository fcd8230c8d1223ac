//! Administrative division code shapes: GB/T 2260 (6 digits), GB/T 10114
//! (+3 digits for a street or town) and the NBS statistical code (+3 digits
//! for a residents' or villagers' committee).
//!
//! # Shape rule
//!
//! A code is a string of ASCII digits of length 2, 4, 6, 9 or 12, read as the
//! segments `PP CC DD SSS RRR` (province, city, district/county,
//! street/town, community). Missing trailing segments and all-zero trailing
//! segments mean the same thing, so `31`, `3100`, `310000`, `310000000` and
//! `310000000000` all denote the province 31 (Shanghai). The level of a code
//! is the deepest segment that is not all zeros:
//!
//! | non-zero segments | level | example |
//! |---|---|---|
//! | `PP` | [`DivisionLevel::Province`] | `310000` |
//! | `PP CC` | [`DivisionLevel::City`] | `310100` |
//! | `PP CC DD` | [`DivisionLevel::District`] | `310104` |
//! | `PP CC DD SSS` | [`DivisionLevel::Street`] | `310104003` |
//! | `PP CC DD SSS RRR` | [`DivisionLevel::Community`] | `310104003001` |
//!
//! A code is rejected when its province segment is not a GB/T 2260 province
//! (see [`PROVINCE_CODES`]) or when a zero segment is followed by a non-zero
//! one (e.g. `310004`), because such a code has no parent.
//!
//! Only the shape is checked: whether a code exists (or existed — codes are
//! abolished and reused over time) needs a versioned code table.

use serde::{Deserialize, Serialize};

/// The two-digit GB/T 2260 province-level codes: 34 provinces, autonomous
/// regions, municipalities and special administrative regions.
pub const PROVINCE_CODES: [&str; 34] = [
    "11", "12", "13", "14", "15", // 华北
    "21", "22", "23", // 东北
    "31", "32", "33", "34", "35", "36", "37", // 华东
    "41", "42", "43", "44", "45", "46", // 中南
    "50", "51", "52", "53", "54", // 西南
    "61", "62", "63", "64", "65", // 西北
    "71", "81", "82", // 台湾, 香港, 澳门
];

/// Level of an administrative division, from largest to smallest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DivisionLevel {
    /// 省级: province, autonomous region, municipality (e.g. 310000).
    Province,
    /// 地级: prefecture-level city, or a municipality's district summary (e.g. 310100).
    City,
    /// 县级: district, county or county-level city (e.g. 310104 徐汇区).
    District,
    /// 乡级: street office or town, 9 digits (e.g. 310104003 天平路街道).
    Street,
    /// 村级: residents' or villagers' committee, 12 digits.
    Community,
}

impl DivisionLevel {
    /// Number of significant leading digits of a code at this level (2, 4, 6, 9 or 12).
    #[must_use]
    pub const fn digits(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::District => 6,
            Self::Street => 9,
            Self::Community => 12,
        }
    }
}

/// Segment end offsets for the segments `PP CC DD SSS RRR`.
const SEGMENT_ENDS: [usize; 5] = [2, 4, 6, 9, 12];

const LEVELS: [DivisionLevel; 5] = [
    DivisionLevel::Province,
    DivisionLevel::City,
    DivisionLevel::District,
    DivisionLevel::Street,
    DivisionLevel::Community,
];

/// Returns `true` if `code` is one of the [`PROVINCE_CODES`].
#[must_use]
pub fn is_province_code(code: &str) -> bool {
    PROVINCE_CODES.contains(&code)
}

/// Returns the level of a division code under the shape rule of this module,
/// or `None` if the code is not a valid shape.
#[must_use]
pub fn division_level(code: &str) -> Option<DivisionLevel> {
    if !SEGMENT_ENDS.contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !is_province_code(&code[..2]) {
        return None;
    }
    let mut level = DivisionLevel::Province;
    let mut seen_zero = false;
    let mut start = 0;
    for (end, lvl) in SEGMENT_ENDS.iter().zip(LEVELS) {
        if *end > code.len() {
            break;
        }
        let zero = code[start..*end].bytes().all(|b| b == b'0');
        if zero {
            seen_zero = true;
        } else if seen_zero {
            return None;
        } else {
            level = lvl;
        }
        start = *end;
    }
    Some(level)
}

/// Returns the significant prefix of a valid code (the code without its
/// all-zero trailing segments), e.g. `"310104"` for `"310104000000"`.
#[must_use]
pub fn significant_prefix(code: &str) -> Option<&str> {
    division_level(code).map(|level| &code[..level.digits()])
}

/// Returns `true` if `parent` denotes a division at a strictly higher level
/// that contains `child` (a direct parent or any further ancestor).
///
/// Both codes must be valid shapes; codes of different lengths are compared
/// by their significant prefixes, so `is_parent_code("310104", "310104003001")`
/// holds, while a code is never its own parent.
#[must_use]
pub fn is_parent_code(parent: &str, child: &str) -> bool {
    match (significant_prefix(parent), significant_prefix(child)) {
        (Some(p), Some(c)) => p.len() < c.len() && c.starts_with(p),
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use DivisionLevel::*;

    fn check(code: &str, expect: Option<DivisionLevel>) {
        assert_eq!(division_level(code), expect, "code {code:?}");
    }

    #[test]
    fn levels() {
        let cases = [
            ("31", Some(Province)),
            ("3100", Some(Province)),
            ("310000", Some(Province)),
            ("310000000000", Some(Province)),
            ("3101", Some(City)),
            ("310100", Some(City)),
            ("429000", Some(City)),     // 省直辖县级 summary segment 90
            ("429004", Some(District)), // 仙桃市, a county-level city under the province
            ("310104", Some(District)),
            ("310104000", Some(District)),
            ("310104000000", Some(District)),
            ("310104003", Some(Street)),
            ("310104003000", Some(Street)),
            ("310104003001", Some(Community)),
            ("310104501", Some(Street)), // 漕河泾开发区
            ("", None),
            ("3", None),
            ("31010", None),
            ("3101040", None),
            ("3101040030011", None),
            ("310004", None), // zero city segment followed by non-zero district
            ("310104000001", None),
            ("000000", None),
            ("990000", None),
            ("31010a", None),
            ("３１０１０４", None), // full-width digits
        ];
        for (code, expect) in cases {
            check(code, expect);
        }
    }

    #[test]
    fn parents() {
        let cases = [
            ("31", "310104", true),
            ("310000", "310104", true),
            ("310100", "310104", true),
            ("310104", "310104003", true),
            ("310104", "310104003001", true),
            ("310104000000", "310104003001", true),
            ("310104003", "310104003001", true),
            ("310104", "310104", false),
            ("310104", "310104000", false),
            ("310104003", "310104", false),
            ("310105", "310104003", false),
            ("310104004", "310104003001", false),
            ("310004", "310004001", false),
            ("", "310104", false),
        ];
        for (parent, child, expect) in cases {
            assert_eq!(is_parent_code(parent, child), expect, "{parent} ⊃ {child}");
        }
    }

    #[test]
    fn province_list_is_sorted_and_unique() {
        let mut sorted = PROVINCE_CODES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, PROVINCE_CODES.to_vec());
    }
}
