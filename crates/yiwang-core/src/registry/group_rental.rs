//! 群租 (group rental) detection from the registries, by Shanghai's rule on rented housing
//! (上海市居住房屋租赁管理办法): at least 5 m² of floor area per resident, and no more than two
//! residents per room unless they have a legal duty of support to each other (family).
//!
//! The registries know the residents, their ages and the floor area; the number of rooms only
//! when the housing source gives it; family ties not at all. So a flag is evidence for a grid
//! worker to check on site, never a finding: the two-per-room rule counts adults and says the
//! family exception is to be checked.

use serde::Serialize;

use super::quality::MIN_AREA_PER_RESIDENT_M2;
use crate::model::HousingUse;

/// Residents per room the rule allows (family excepted).
pub const MAX_RESIDENTS_PER_ROOM: u32 = 2;

/// Who lives in one dwelling, as the registries have it.
#[derive(Debug, Clone, PartialEq)]
pub struct Occupancy {
    /// The dwelling (a room premises).
    pub room_id: i64,
    /// Its standard address.
    pub address: String,
    /// Its street.
    pub street_code: String,
    /// Declared use.
    pub use_kind: HousingUse,
    /// Floor area, m².
    pub area_m2: f64,
    /// Rooms (间), when the housing source gives them.
    pub rooms: Option<u32>,
    /// Residents registered there.
    pub residents: u32,
    /// Of them, adults (18 or over).
    pub adults: u32,
}

/// A dwelling flagged as possible 群租, with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupRentalFlag {
    /// The dwelling.
    pub room_id: i64,
    /// Its standard address.
    pub address: String,
    /// Its street.
    pub street_code: String,
    /// Declared use (`rented`, `vacant`, …).
    pub use_kind: String,
    /// Floor area, m².
    pub area_m2: f64,
    /// Rooms, if known.
    pub rooms: Option<u32>,
    /// Residents.
    pub residents: u32,
    /// Adults.
    pub adults: u32,
    /// Floor area per resident, m².
    pub area_per_resident_m2: f64,
    /// The rules the registries say are broken, one sentence each.
    pub evidence: Vec<String>,
}

/// Assesses one dwelling; `None` if nothing points at 群租. Only rented dwellings, and those
/// declared vacant that have residents, are assessed: an owner's own family is not a rental.
#[must_use]
pub fn assess(o: &Occupancy) -> Option<GroupRentalFlag> {
    let rented = match o.use_kind {
        HousingUse::Rented => true,
        HousingUse::Vacant => o.residents > 0,
        HousingUse::OwnerOccupied | HousingUse::Commercial => false,
    };
    if !rented || o.residents == 0 {
        return None;
    }
    let per_resident = o.area_m2 / f64::from(o.residents);
    let mut evidence = Vec::new();
    if o.use_kind == HousingUse::Vacant {
        evidence.push(format!(
            "declared vacant (空置) but {} residents are registered here",
            o.residents
        ));
    }
    if per_resident < MIN_AREA_PER_RESIDENT_M2 && o.residents > 1 {
        evidence.push(format!(
            "{:.1} m² per resident ({} residents in {:.1} m²), below the {MIN_AREA_PER_RESIDENT_M2} m² minimum",
            per_resident, o.residents, o.area_m2
        ));
    }
    if let Some(rooms) = o.rooms.filter(|r| *r > 0)
        && o.adults > MAX_RESIDENTS_PER_ROOM * rooms
    {
        evidence.push(format!(
            "{} adults in {rooms} room(s), more than {MAX_RESIDENTS_PER_ROOM} per room unless they are one family (check on site)",
            o.adults
        ));
    }
    if evidence.is_empty() {
        return None;
    }
    Some(GroupRentalFlag {
        room_id: o.room_id,
        address: o.address.clone(),
        street_code: o.street_code.clone(),
        use_kind: o.use_kind.as_str().to_owned(),
        area_m2: o.area_m2,
        rooms: o.rooms,
        residents: o.residents,
        adults: o.adults,
        area_per_resident_m2: (per_resident * 10.0).round() / 10.0,
        evidence,
    })
}

/// The text of the case a grid worker opens from a flag.
#[must_use]
pub fn case_text(flag: &GroupRentalFlag) -> String {
    format!(
        "疑似群租：{}。登记居住{}人（成年{}人），建筑面积{:.1}平方米。依据：{}",
        flag.address,
        flag.residents,
        flag.adults,
        flag.area_m2,
        flag.evidence.join("；")
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn dwelling(
        use_kind: HousingUse,
        area: f64,
        rooms: Option<u32>,
        residents: u32,
        adults: u32,
    ) -> Occupancy {
        Occupancy {
            room_id: 7,
            address: "上海市徐汇区某路1弄2号301室".into(),
            street_code: "310104003".into(),
            use_kind,
            area_m2: area,
            rooms,
            residents,
            adults,
        }
    }

    /// Assesses and lists the evidence (empty: not flagged).
    fn check(o: Occupancy, expect: &[&str]) {
        let got = assess(&o).map(|f| f.evidence).unwrap_or_default();
        assert_eq!(got.len(), expect.len(), "{got:?}");
        for (g, e) in got.iter().zip(expect) {
            assert!(g.contains(e), "{g} should mention {e}");
        }
    }

    #[test]
    fn the_area_and_per_room_rules() {
        use HousingUse::*;
        // Exactly 5 m² each is allowed.
        check(dwelling(Rented, 40.0, None, 8, 8), &[]);
        check(dwelling(Rented, 40.0, None, 9, 9), &["4.4 m² per resident"]);
        check(
            dwelling(Rented, 60.0, Some(2), 5, 5),
            &["5 adults in 2 room(s)"],
        );
        check(dwelling(Rented, 60.0, Some(2), 5, 4), &[]);
        check(
            dwelling(Rented, 20.0, Some(1), 6, 6),
            &["3.3 m²", "6 adults in 1 room(s)"],
        );
        // An owner's family is no rental, however crowded; a vacant flat with residents is odd.
        check(dwelling(OwnerOccupied, 20.0, Some(1), 6, 6), &[]);
        check(dwelling(Vacant, 80.0, None, 2, 2), &["declared vacant"]);
        check(dwelling(Rented, 10.0, None, 1, 1), &[]);
    }

    #[test]
    fn a_flag_becomes_a_case_text() {
        let flag = assess(&dwelling(HousingUse::Rented, 30.0, Some(1), 7, 7)).unwrap();
        assert_eq!(flag.area_per_resident_m2, 4.3);
        let text = case_text(&flag);
        assert!(
            text.starts_with("疑似群租：上海市徐汇区某路1弄2号301室。登记居住7人（成年7人）"),
            "{text}"
        );
    }
}
