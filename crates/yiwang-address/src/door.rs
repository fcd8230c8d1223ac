//! Door numbers (门牌号) with the quirks Shanghai addresses really have.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A door number on a road or in a lane: `9号`, `9甲号`, `18号之一`, `1-3号`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DoorNumber {
    /// The number itself.
    pub number: u32,
    /// A suffix that distinguishes a door squeezed in next to `number`, or a range.
    pub suffix: Option<DoorSuffix>,
}

/// Suffixes of a door number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DoorSuffix {
    /// 甲/乙/丙 added after the number: `9甲号`. The value is 0 for 甲, 1 for 乙, 2 for 丙.
    Stem(u8),
    /// 之一/之二 after 号: `18号之一`. The value is the ordinal, 1 or more.
    Ordinal(u8),
    /// A range of door numbers for one frontage: `1-3号`. The value is the last number.
    RangeTo(u32),
}

const STEMS: [char; 3] = ['甲', '乙', '丙'];
const ORDINALS: [&str; 5] = ["一", "二", "三", "四", "五"];

impl DoorNumber {
    /// A plain door number.
    pub fn plain(number: u32) -> Self {
        Self {
            number,
            suffix: None,
        }
    }
}

impl fmt::Display for DoorNumber {
    /// Formats the door number including `号`.
    ///
    /// ```
    /// use yiwang_address::{DoorNumber, DoorSuffix};
    /// let door = |suffix| DoorNumber { number: 9, suffix }.to_string();
    /// assert_eq!(door(None), "9号");
    /// assert_eq!(door(Some(DoorSuffix::Stem(0))), "9甲号");
    /// assert_eq!(door(Some(DoorSuffix::Ordinal(1))), "9号之一");
    /// assert_eq!(door(Some(DoorSuffix::RangeTo(11))), "9-11号");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.suffix {
            None => write!(f, "{}号", self.number),
            Some(DoorSuffix::Stem(i)) => {
                let stem = STEMS.get(usize::from(i)).copied().unwrap_or('甲');
                write!(f, "{}{}号", self.number, stem)
            }
            Some(DoorSuffix::Ordinal(i)) => {
                let ordinal = ORDINALS
                    .get(usize::from(i.saturating_sub(1)))
                    .copied()
                    .unwrap_or("一");
                write!(f, "{}号之{}", self.number, ordinal)
            }
            Some(DoorSuffix::RangeTo(last)) => write!(f, "{}-{}号", self.number, last),
        }
    }
}
