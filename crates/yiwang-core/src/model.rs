//! Records of the domain model (DESIGN §2) as the store keeps them.
//!
//! These are plain data: invariants are enforced by the code that builds them (the twin generator,
//! the importers) and by the store's constraints. Enumerations are stored as their `as_str()`
//! identifiers, which are stable API.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Error for an identifier that names no variant of a stored enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`; expected one of: {expected}")]
pub struct UnknownVariant {
    /// What was being parsed, e.g. "grid level".
    pub kind: &'static str,
    /// The rejected text.
    pub value: String,
    /// The accepted identifiers, comma separated.
    pub expected: String,
}

/// Declares a string-backed enumeration with stable identifiers and Chinese labels.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($(#[$vmeta:meta])* $variant:ident = $id:literal / $zh:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable identifier stored and used in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// The Chinese label shown to users.
            pub fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($id => Ok($name::$variant),)+
                    _ => Err(UnknownVariant {
                        kind: $kind,
                        value: s.to_owned(),
                        expected: [$($id),+].join(", "),
                    }),
                }
            }
        }
    };
}

pub(crate) use stored_enum;

stored_enum!(
    /// Level of an administrative division.
    DivisionLevel, "division level" {
        /// 区 (6-digit code).
        District = "district" / "区",
        /// 街道·镇 (9-digit code).
        Street = "street" / "街镇",
        /// 居委会 (12-digit code).
        Community = "community" / "居委会",
    }
);

stored_enum!(
    /// The five grid levels of DESIGN §2, from the largest to the smallest.
    GridLevel, "grid level" {
        /// 街镇: one per street/town, same code as the division.
        Street = "street" / "街镇",
        /// 片区: a group of residents' committees inside one street.
        Area = "area" / "片区",
        /// 居民区: one per residents' committee, same code as the division.
        Community = "community" / "居民区",
        /// 微网格: the unit grid (单元网格).
        MicroGrid = "micro_grid" / "微网格",
        /// 楼组: a group of buildings.
        BuildingGroup = "building_group" / "楼组",
    }
);

impl GridLevel {
    /// Whether `code` is a well-formed code for a cell of this level under `parent_code`
    /// (ARCHITECTURE.md, "Grid codes"): streets are 9-digit division codes; a 片区 is its street's
    /// code + `9` + 2 digits; a 居民区 is a 12-digit committee code extending its street's code;
    /// a 微网格 and a 楼组 extend their parent's code by 3 digits.
    pub fn code_fits(self, code: &str, parent_code: Option<&str>) -> bool {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        match (self, parent_code) {
            (GridLevel::Street, _) => digits(code, 9),
            (GridLevel::Area, Some(street)) => {
                digits(code, 12)
                    && code.starts_with(street)
                    && code.as_bytes().get(9) == Some(&b'9')
            }
            (GridLevel::Community, Some(area)) => {
                digits(code, 12) && code.get(..9) == area.get(..9)
            }
            (GridLevel::MicroGrid, Some(parent)) => digits(code, 15) && code.starts_with(parent),
            (GridLevel::BuildingGroup, Some(parent)) => {
                digits(code, 18) && code.starts_with(parent)
            }
            (_, None) => false,
        }
    }

    /// The level directly above, `None` for streets.
    pub fn parent(self) -> Option<GridLevel> {
        match self {
            GridLevel::Street => None,
            GridLevel::Area => Some(GridLevel::Street),
            GridLevel::Community => Some(GridLevel::Area),
            GridLevel::MicroGrid => Some(GridLevel::Community),
            GridLevel::BuildingGroup => Some(GridLevel::MicroGrid),
        }
    }
}

stored_enum!(
    /// Node kind in the premises tree: compound → building → (unit) → floor → room.
    PremisesKind, "premises kind" {
        /// 小区·园区·商业综合体: a lane 弄 or a numbered site on a road.
        Compound = "compound" / "小区园区",
        /// 楼栋.
        Building = "building" / "楼栋",
        /// 单元.
        Unit = "unit" / "单元",
        /// 层.
        Floor = "floor" / "楼层",
        /// 室.
        Room = "room" / "房间",
    }
);

stored_enum!(
    /// What premises are used for.
    PremisesUse, "premises use" {
        /// 住宅.
        Residential = "residential" / "住宅",
        /// 办公.
        Office = "office" / "办公",
        /// 商业.
        Retail = "retail" / "商业",
        /// 混合.
        Mixed = "mixed" / "商住混合",
        /// 公共设施.
        Public = "public" / "公共设施",
    }
);

stored_enum!(
    /// 实有人口 type.
    PersonType, "person type" {
        /// 户籍人口: household registration in Shanghai.
        Registered = "registered" / "户籍",
        /// 来沪人员: residents from other provinces.
        Migrant = "migrant" / "来沪",
        /// 境外人员: foreign nationals and residents of Hong Kong, Macao and Taiwan.
        Overseas = "overseas" / "境外",
    }
);

stored_enum!(
    /// Use of a residential room (实有房屋).
    HousingUse, "housing use" {
        /// 自住.
        OwnerOccupied = "owner_occupied" / "自住",
        /// 出租.
        Rented = "rented" / "出租",
        /// 空置.
        Vacant = "vacant" / "空置",
        /// 商用.
        Commercial = "commercial" / "商用",
    }
);

stored_enum!(
    /// Where a case came from.
    CaseSource, "case source" {
        /// 12345 市民服务热线.
        Hotline = "hotline" / "12345热线",
        /// 网格巡查: found by a grid worker.
        GridPatrol = "grid_patrol" / "网格巡查",
        /// 物联感知: a sensor alert.
        Sensor = "sensor" / "物联感知",
        /// 市民自报 through the web or Open311.
        Citizen = "citizen" / "市民上报",
    }
);

/// An administrative division (行政区划).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Division {
    /// GB/T 2260 or statistical code: 6 digits (district), 9 (street), 12 (committee).
    pub code: String,
    /// Official name, e.g. 天平路街道.
    pub name: String,
    /// Level of the division.
    pub level: DivisionLevel,
    /// Code of the containing division, `None` for the district.
    pub parent_code: Option<String>,
}

/// A grid cell at one of the five levels, with its polygon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grid {
    /// Grid code: the division code for streets and communities, otherwise see ARCHITECTURE.md.
    pub code: String,
    /// Level of the grid.
    pub level: GridLevel,
    /// Display name, e.g. 徐家汇街道第2片区.
    pub name: String,
    /// Code of the containing grid, `None` for streets.
    pub parent_code: Option<String>,
    /// Street/town division code this grid lies in.
    pub street_code: String,
    /// Polygon as a GeoJSON geometry object (WGS-84), serialized text.
    pub geometry: String,
    /// Area in square metres.
    pub area_m2: f64,
    /// Representative point (WGS-84 longitude).
    pub centroid_lon: f64,
    /// Representative point (WGS-84 latitude).
    pub centroid_lat: f64,
}

/// A node of the premises tree with its standard address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Premises {
    /// Identifier, unique across all kinds.
    pub id: i64,
    /// The containing premises, `None` for compounds.
    pub parent_id: Option<i64>,
    /// Kind of node.
    pub kind: PremisesKind,
    /// Standard address (GA/T 2000.32 style), e.g. 上海市徐汇区宛平南路500弄9号660室. Unique.
    pub standard_address: String,
    /// Proper name, e.g. 汇翠花园 or 9号楼, if any.
    pub name: Option<String>,
    /// Use of the premises.
    pub use_kind: PremisesUse,
    /// Road the address hangs off.
    pub road: Option<String>,
    /// WGS-84 longitude of the premises' point.
    pub lon: Option<f64>,
    /// WGS-84 latitude of the premises' point.
    pub lat: Option<f64>,
    /// Floor area in m² (rooms and buildings).
    pub floor_area_m2: Option<f64>,
    /// Street/town division code.
    pub street_code: String,
    /// Residents' committee division code.
    pub community_code: String,
    /// Smallest grid containing the premises (a 楼组 for buildings and below).
    pub grid_code: Option<String>,
}

/// What address matching needs of a premises: its id, kind, standard address and street.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PremisesAddress {
    /// Identifier.
    pub id: i64,
    /// Kind of node.
    pub kind: PremisesKind,
    /// Standard address.
    pub standard_address: String,
    /// Street/town division code (its first 6 digits are the district's).
    pub street_code: String,
}

/// Another name people use for premises: a POI name, an old name, a variant spelling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PremisesAlias {
    /// The premises it names.
    pub premises_id: i64,
    /// The alias text, e.g. 汇翠花园 or 普雄路29弄逸流公寓13号楼.
    pub alias: String,
    /// `poi`, `old_name` or `variant`.
    pub kind: String,
}

stored_enum!(
    /// What a grid staff member is responsible for.
    StaffRole, "staff role" {
        /// 网格长: leads a 居民区.
        GridLeader = "grid_leader" / "网格长",
        /// 网格员: patrols a 微网格.
        GridWorker = "grid_worker" / "网格员",
        /// 楼组长: a volunteer for a 楼组.
        BuildingGroupLeader = "building_group_leader" / "楼组长",
    }
);

/// A person responsible for a grid cell. The phone is personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridStaff {
    /// Identifier.
    pub id: i64,
    /// The cell.
    pub grid_code: String,
    /// Responsibility.
    pub role: StaffRole,
    /// Full name.
    pub name: String,
    /// Work phone.
    pub phone: Option<String>,
}

/// A road of the district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Road {
    /// Road name, e.g. 漕溪北路.
    pub name: String,
    /// Street/town the road mainly runs through.
    pub street_code: String,
    /// Centreline as a GeoJSON LineString (WGS-84), if known.
    pub geometry: Option<String>,
}

/// A person of the actual-population registry (实有人口). Sensitive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Identifier.
    pub id: i64,
    /// GB 11643 citizen ID number, or a passport / permit number for overseas persons.
    pub id_number: String,
    /// `resident_id` (居民身份证) or `passport`.
    pub id_kind: String,
    /// Full name.
    pub name: String,
    /// 户籍 / 来沪 / 境外.
    pub person_type: PersonType,
    /// `male` or `female`.
    pub sex: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// ISO 3166 alpha-3 nationality.
    pub nationality: String,
    /// Phone number, if known.
    pub phone: Option<String>,
    /// The room where the person actually lives.
    pub room_id: Option<i64>,
    /// When the person moved in.
    pub move_in_date: Option<NaiveDate>,
}

/// A residential room of the actual-housing registry (实有房屋).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Housing {
    /// The room (a premises of kind `room`).
    pub room_id: i64,
    /// 自住 / 出租 / 空置 / 商用.
    pub use_kind: HousingUse,
    /// Usable floor area in m².
    pub area_m2: f64,
    /// The owner, if registered.
    pub owner_person_id: Option<i64>,
}

/// An enterprise or organisation of the actual-units registry (实有单位).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    /// Identifier.
    pub id: i64,
    /// GB 32100 unified social credit code.
    pub uscc: String,
    /// Registered name.
    pub name: String,
    /// Industry (GB/T 4754 section name).
    pub industry: String,
    /// Number of staff.
    pub staff: i64,
    /// Date of registration.
    pub registered_at: NaiveDate,
    /// Registered premises (注册地址).
    pub premises_id: Option<i64>,
    /// Where it actually operates (经营地址), if different.
    pub actual_premises_id: Option<i64>,
}

/// A department of the district government, a street office or a utility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    /// Stable code, e.g. XH-CGJ.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Short name used in routing tables, e.g. 区城管执法局.
    pub short_name: String,
    /// `district_department`, `street_office`, `utility`, ….
    pub kind: String,
}

/// A case (案件/工单) as far as the foundation stores it: enough for the twin's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    /// Identifier.
    pub id: i64,
    /// Human-facing number, e.g. XH20250301-000123.
    pub case_no: String,
    /// Where the case came from.
    pub source: CaseSource,
    /// `component` (部件) or `event` (事件) for city-management categories, else `None`.
    pub category_kind: Option<String>,
    /// GB/T 30428 subclass code, if classified.
    pub category_code: Option<String>,
    /// Category name, e.g. 暴露垃圾.
    pub category_name: Option<String>,
    /// 12345 request type (咨询/求助/投诉/举报/建议) for hotline cases.
    pub request_type: Option<String>,
    /// What was reported.
    pub text: String,
    /// The address as reported.
    pub address: Option<String>,
    /// Matched premises.
    pub premises_id: Option<i64>,
    /// WGS-84 longitude.
    pub lon: Option<f64>,
    /// WGS-84 latitude.
    pub lat: Option<f64>,
    /// Street/town division code.
    pub street_code: Option<String>,
    /// Smallest grid containing the location.
    pub grid_code: Option<String>,
    /// Lead department code.
    pub department_code: Option<String>,
    /// Workflow state identifier (deepened by the case-loop issue).
    pub state: String,
    /// `normal`, `urgent` or `critical`.
    pub priority: String,
    /// Reporter's name (sensitive).
    pub reporter_name: Option<String>,
    /// Reporter's phone (sensitive).
    pub reporter_phone: Option<String>,
    /// When the case was received.
    pub created_at: DateTime<Utc>,
    /// Statutory deadline.
    pub due_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// 满意 / 基本满意 / 不满意 from the 回访.
    pub satisfaction: Option<String>,
    /// Handling department's reply.
    pub reply: Option<String>,
    /// Parent case when merged as a duplicate.
    pub parent_id: Option<i64>,
    /// Whole-case time limit: amount (subclass × filing condition, or request type).
    pub time_limit_amount: Option<i32>,
    /// Whole-case time limit: unit (`urgent_hour`, `working_hour`, `working_day`, `natural_day`).
    pub time_limit_unit: Option<String>,
    /// Times sent back for handling (返工 and 重办).
    pub rework_count: i32,
    /// Flagged for supervision (督办).
    pub supervised: bool,
    /// Reopened once after an unsatisfied 回访 (重办).
    pub reopened: bool,
    /// A request waiting for approval (延期 / 挂账), as JSON.
    pub pending_request: Option<String>,
    /// Department that last returned the case (退单).
    pub returned_by: Option<String>,
    /// Stage whose clock is running.
    pub stage: Option<String>,
    /// When that stage started.
    pub stage_started_at: Option<DateTime<Utc>>,
    /// When that stage is due.
    pub stage_due_at: Option<DateTime<Utc>>,
    /// When the clocks were paused (挂账).
    pub paused_at: Option<DateTime<Utc>>,
    /// Account that reported it (API and Open311 intake).
    pub reporter_account_id: Option<i64>,
    /// Assisting departments (协办), their codes separated by `;`, set at 派遣 beside the lead.
    pub assisting_departments: Option<String>,
    /// Incremented by every change; a write with a stale version is refused.
    pub version: i64,
}

/// States in which a case is finished: closed (结案), rejected (不予受理) or merged into another (并单).
/// Kept equal to [`crate::workflow::CaseState::is_finished`] (tested).
pub const FINISHED_CASE_STATES: &[&str] = &["closed", "rejected", "merged"];

/// A case is overdue when it is not finished and its deadline has passed at `now`.
pub fn case_is_overdue(state: &str, due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    !FINISHED_CASE_STATES.contains(&state) && due_at.is_some_and(|due| due < now)
}

/// Counts of everything in a district, as `yiwang stats --json` and `GET /api/v1/stats` report them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// 街镇.
    pub streets: i64,
    /// 片区.
    pub areas: i64,
    /// 居民区 (residents' committees).
    pub communities: i64,
    /// 微网格.
    pub micro_grids: i64,
    /// 楼组.
    pub building_groups: i64,
    /// Compounds 小区/园区.
    pub compounds: i64,
    /// Buildings.
    pub buildings: i64,
    /// Rooms.
    pub rooms: i64,
    /// Persons of the actual-population registry.
    pub persons: i64,
    /// Residential rooms of the actual-housing registry.
    pub housing: i64,
    /// Units of the actual-units registry.
    pub units: i64,
    /// Departments.
    pub departments: i64,
    /// Cases.
    pub cases: i64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn open_cases_past_their_deadline_are_overdue() {
        let now = DateTime::parse_from_rfc3339("2026-11-27T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let before = Some(now - chrono::Duration::minutes(1));
        let after = Some(now + chrono::Duration::minutes(1));
        assert!(case_is_overdue("handling", before, now));
        assert!(!case_is_overdue("handling", after, now));
        assert!(!case_is_overdue("closed", before, now));
        assert!(!case_is_overdue("merged", before, now));
        assert!(!case_is_overdue("accepted", None, now));
    }

    #[test]
    fn stored_identifiers_round_trip() {
        for level in GridLevel::ALL {
            assert_eq!(level.as_str().parse::<GridLevel>().unwrap(), *level);
        }
        for t in PersonType::ALL {
            assert_eq!(t.as_str().parse::<PersonType>().unwrap(), *t);
        }
    }

    #[test]
    fn unknown_identifier_lists_the_accepted_ones() {
        let err = "ward".parse::<GridLevel>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown grid level `ward`; expected one of: street, area, community, micro_grid, building_group"
        );
    }

    #[test]
    fn grid_codes_extend_their_parents() {
        use GridLevel::*;
        let cases = [
            (Street, "310104003", None, true),
            (Street, "31010400", None, false),
            (Area, "310104003901", Some("310104003"), true),
            (Area, "310104003001", Some("310104003"), false),
            (Community, "310104003001", Some("310104003901"), true),
            (Community, "310104004001", Some("310104003901"), false),
            (MicroGrid, "310104003001002", Some("310104003001"), true),
            (MicroGrid, "31010400300100x", Some("310104003001"), false),
            (
                BuildingGroup,
                "310104003001002001",
                Some("310104003001002"),
                true,
            ),
            (
                BuildingGroup,
                "310104003001003001",
                Some("310104003001002"),
                false,
            ),
            (MicroGrid, "310104003001002", None, false),
        ];
        for (level, code, parent, ok) in cases {
            assert_eq!(
                level.code_fits(code, parent),
                ok,
                "{level:?} {code} under {parent:?}"
            );
        }
    }

    #[test]
    fn grid_levels_chain_up_to_street() {
        let mut level = GridLevel::BuildingGroup;
        let mut depth = 1;
        while let Some(up) = level.parent() {
            level = up;
            depth += 1;
        }
        assert_eq!((level, depth), (GridLevel::Street, 5));
    }
}
