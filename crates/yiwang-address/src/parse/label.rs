//! yiwang's own labels for the parts of an address.

use serde::{Deserialize, Serialize};

/// What a part of an address is, in yiwang's own scheme (GA/T 2000.32 levels, finer below the
/// road). The order of the variants is the usual order in an address, from the province down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// A provincial-level division: `浙江省`, `广西`, `上海市` (municipalities are provinces here).
    Province,
    /// A prefecture-level division: `杭州市`, `延边朝鲜族自治州`.
    City,
    /// A county-level division: `徐汇区`, `大荔县`, `余姚市`, `土默特左旗`.
    District,
    /// A development zone or a park: `漕河泾新兴技术开发区`, `金川开发区`, `西溪园区`, `长城工业区`.
    DevZone,
    /// A street (街道) or town (镇, 乡): `徐家汇街道`, `七宝镇`.
    Street,
    /// A residents' or villagers' committee, or a village: `顾家桥社区`, `北胡乔村`.
    Community,
    /// A villagers' group (村民小组): `5组`.
    Group,
    /// A road, street or alley: `宛平南路`, `中关村大街`, `文三路`.
    Road,
    /// A lane number (弄): `500弄`.
    Lane,
    /// A sub-lane number (支弄): `3支弄`.
    SubLane,
    /// A door number (号), with `甲`/`乙`, `之一` or a range: `9号`, `9甲号`, `18号之一`, `1-3号`.
    Door,
    /// A point of interest or a compound: `梅陇三村`, `港汇广场`, `上海交通大学徐汇校区`.
    Poi,
    /// A part of the point of interest before it: `东区`, `A区`, `二期`, `西雅园`.
    SubPoi,
    /// A building: `3号楼`, `A座`, `12幢` (normalised to `12号楼`).
    Building,
    /// A unit (entrance) of a building: `2单元`.
    Unit,
    /// A floor: `12层`, `B1层`.
    Floor,
    /// A room: `1203室`, or a bare number after a door or building (`14号1102`).
    Room,
    /// A crossing of roads: the connector between two roads (`与` in `古墩路与十新线`) or the word
    /// after them (`交叉口`, `路口`).
    Intersection,
    /// A direction or distance phrase: `近`, `旁边`, `对面`, `东侧`, `往南`, `100米`.
    Direction,
    /// A filler: a dash or a run of dashes or underscores between elements (`12-3-1001` is a
    /// building, a filler, a unit, a filler and a room). A division written twice keeps its
    /// label both times (the CCKS-2021 guideline: 重复元素正常标注).
    Redundant,
    /// Text that is none of the above.
    Other,
}

impl Label {
    /// Every label, in order.
    pub const ALL: [Label; 21] = [
        Label::Province,
        Label::City,
        Label::District,
        Label::DevZone,
        Label::Street,
        Label::Community,
        Label::Group,
        Label::Road,
        Label::Lane,
        Label::SubLane,
        Label::Door,
        Label::Poi,
        Label::SubPoi,
        Label::Building,
        Label::Unit,
        Label::Floor,
        Label::Room,
        Label::Intersection,
        Label::Direction,
        Label::Redundant,
        Label::Other,
    ];

    /// The label's name in yiwang's scheme: `province`, `city`, `district`, `devzone`, `street`,
    /// `community`, `group`, `road`, `lane`, `sub_lane`, `door`, `poi`, `sub_poi`, `building`,
    /// `unit`, `floor`, `room`, `intersection`, `direction`, `redundant`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Province => "province",
            Label::City => "city",
            Label::District => "district",
            Label::DevZone => "devzone",
            Label::Street => "street",
            Label::Community => "community",
            Label::Group => "group",
            Label::Road => "road",
            Label::Lane => "lane",
            Label::SubLane => "sub_lane",
            Label::Door => "door",
            Label::Poi => "poi",
            Label::SubPoi => "sub_poi",
            Label::Building => "building",
            Label::Unit => "unit",
            Label::Floor => "floor",
            Label::Room => "room",
            Label::Intersection => "intersection",
            Label::Direction => "direction",
            Label::Redundant => "redundant",
            Label::Other => "other",
        }
    }

    /// Whether the label is an administrative division (province down to community).
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Label::Province
                | Label::City
                | Label::District
                | Label::DevZone
                | Label::Street
                | Label::Community
        )
    }
}
