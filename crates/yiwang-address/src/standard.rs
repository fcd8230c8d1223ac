//! Formatting the standard address of a premises from its elements.
//!
//! Element order follows GA/T 2000.32 as Shanghai uses it: 市 区 路 弄 号 (楼) 层 室. Residential
//! lanes omit the floor (`宛平南路500弄9号660室`: the first digits of the room are the floor);
//! office buildings on a road carry it (`漕溪北路88号12层1203室`).

use serde::{Deserialize, Serialize};

use crate::DoorNumber;

/// The elements of a standard address, from the city down to the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressParts {
    /// City with its suffix, e.g. 上海市.
    pub city: String,
    /// District with its suffix, e.g. 徐汇区.
    pub district: String,
    /// Road with its suffix, e.g. 宛平南路.
    pub road: String,
    /// Lane number (弄), for addresses inside a lane.
    pub lane: Option<u32>,
    /// Door number on the road, or inside the lane.
    pub door: Option<DoorNumber>,
    /// Floor (层), written only where the room number does not imply it.
    pub floor: Option<i32>,
    /// Room (室), e.g. 660 or 1203.
    pub room: Option<u32>,
}

impl AddressParts {
    /// The parts of a Xuhui address on `road`, with nothing below the road yet.
    pub fn xuhui(road: &str) -> Self {
        Self {
            city: "上海市".to_owned(),
            district: "徐汇区".to_owned(),
            road: road.to_owned(),
            lane: None,
            door: None,
            floor: None,
            room: None,
        }
    }
}

/// Formats the standard address: every element present, in order, with no separators.
///
/// Basement floors are written `B1层`, `B2层`.
///
/// ```
/// use yiwang_address::{AddressParts, DoorNumber, standard_address};
/// let mut lane = AddressParts::xuhui("宛平南路");
/// lane.lane = Some(500);
/// lane.door = Some(DoorNumber::plain(9));
/// lane.room = Some(660);
/// assert_eq!(standard_address(&lane), "上海市徐汇区宛平南路500弄9号660室");
///
/// let mut office = AddressParts::xuhui("漕溪北路");
/// office.door = Some(DoorNumber::plain(88));
/// office.floor = Some(12);
/// office.room = Some(1203);
/// assert_eq!(standard_address(&office), "上海市徐汇区漕溪北路88号12层1203室");
/// ```
pub fn standard_address(parts: &AddressParts) -> String {
    let mut out = String::with_capacity(48);
    out.push_str(&parts.city);
    out.push_str(&parts.district);
    out.push_str(&parts.road);
    if let Some(lane) = parts.lane {
        out.push_str(&format!("{lane}弄"));
    }
    if let Some(door) = parts.door {
        out.push_str(&door.to_string());
    }
    match parts.floor {
        Some(floor) if floor < 0 => out.push_str(&format!("B{}层", floor.unsigned_abs())),
        Some(floor) => out.push_str(&format!("{floor}层")),
        None => {}
    }
    if let Some(room) = parts.room {
        out.push_str(&format!("{room}室"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DoorSuffix;

    #[track_caller]
    fn check(
        road: &str,
        lane: Option<u32>,
        door: Option<DoorNumber>,
        floor: Option<i32>,
        room: Option<u32>,
        expect: &str,
    ) {
        let parts = AddressParts {
            lane,
            door,
            floor,
            room,
            ..AddressParts::xuhui(road)
        };
        assert_eq!(standard_address(&parts), expect);
    }

    #[test]
    fn formats_each_level_of_the_tree() {
        let nine = Some(DoorNumber::plain(9));
        check(
            "宛平南路",
            Some(500),
            None,
            None,
            None,
            "上海市徐汇区宛平南路500弄",
        );
        check(
            "宛平南路",
            Some(500),
            nine,
            None,
            None,
            "上海市徐汇区宛平南路500弄9号",
        );
        check(
            "宛平南路",
            Some(500),
            nine,
            None,
            Some(660),
            "上海市徐汇区宛平南路500弄9号660室",
        );
        check(
            "漕溪北路",
            None,
            Some(DoorNumber::plain(88)),
            Some(12),
            None,
            "上海市徐汇区漕溪北路88号12层",
        );
        check(
            "漕溪北路",
            None,
            Some(DoorNumber::plain(88)),
            Some(-1),
            Some(3),
            "上海市徐汇区漕溪北路88号B1层3室",
        );
    }

    #[test]
    fn formats_door_quirks() {
        let door = |suffix| {
            Some(DoorNumber {
                number: 18,
                suffix: Some(suffix),
            })
        };
        check(
            "田林路",
            Some(200),
            door(DoorSuffix::Stem(1)),
            None,
            None,
            "上海市徐汇区田林路200弄18乙号",
        );
        check(
            "田林路",
            Some(200),
            door(DoorSuffix::Ordinal(2)),
            None,
            None,
            "上海市徐汇区田林路200弄18号之二",
        );
        check(
            "田林路",
            None,
            door(DoorSuffix::RangeTo(22)),
            None,
            None,
            "上海市徐汇区田林路18-22号",
        );
    }
}
