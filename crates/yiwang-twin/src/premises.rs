//! Micro-grids, 楼组 and the premises tree with standard addresses.
//!
//! Every building is placed at a random point inside exactly one 楼组, so "every building in
//! exactly one 楼组" holds by construction. Residential rooms hang directly off their building
//! (Shanghai lane addresses do not write the floor: `…500弄9号602室`); office rooms hang off a
//! floor node, whose address the room's includes (`…88号12层1203室`).

use std::collections::BTreeMap;

use rand::Rng;
use yiwang_address::{AddressParts, DoorNumber, DoorSuffix, standard_address};
use yiwang_core::model::{GridLevel, Premises, PremisesAlias, PremisesKind, PremisesUse, Road};
use yiwang_geo::{LocalProjection, random_point_in};

use crate::facts::{STREETS, roads};
use crate::grids::{GridCell, coded_children};
use crate::plan::{CommitteePlan, CompoundStyle, apportion, shuffled};
use crate::{Twin, TwinError, text};

/// Roads per street and the next free number on each road.
pub struct Roads {
    by_street: BTreeMap<&'static str, Vec<&'static str>>,
    next_number: BTreeMap<&'static str, u32>,
}

impl Roads {
    /// Road records (each road belongs to one street in the twin).
    pub fn records(&self) -> Vec<Road> {
        let mut out: Vec<Road> = self
            .by_street
            .iter()
            .flat_map(|(street, roads)| {
                roads.iter().map(|r| Road {
                    name: (*r).to_owned(),
                    street_code: (*street).to_owned(),
                    geometry: None,
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn pick(&self, street: &str, rng: &mut impl Rng) -> &'static str {
        let roads = self.by_street.get(street).map(Vec::as_slice).unwrap_or(&[]);
        if roads.is_empty() {
            return "徐汇路";
        }
        roads[rng.gen_range(0..roads.len())]
    }

    /// The next lane or door number on `road`, increasing so every address is unique.
    fn number(
        &mut self,
        road: &'static str,
        rng: &mut impl Rng,
        step: std::ops::RangeInclusive<u32>,
    ) -> u32 {
        let n = self
            .next_number
            .entry(road)
            .or_insert_with(|| rng.gen_range(1..30));
        let current = *n;
        *n += rng.gen_range(step);
        current
    }
}

/// Deals the real road names out to the 13 streets.
pub fn assign_roads(rng: &mut impl Rng) -> Roads {
    let mut by_street: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    for (i, road) in shuffled(&roads(), rng).into_iter().enumerate() {
        by_street
            .entry(STREETS[i % STREETS.len()].code)
            .or_default()
            .push(road);
    }
    Roads {
        by_street,
        next_number: BTreeMap::new(),
    }
}

/// A place cases can happen at.
#[derive(Debug, Clone)]
pub struct Site {
    /// Premises id (a building).
    pub premises_id: i64,
    /// Address as a caller would say it (no city or district).
    pub spoken_address: String,
    /// WGS-84 point.
    pub lon: f64,
    /// WGS-84 point.
    pub lat: f64,
    /// 楼组 code.
    pub grid_code: String,
    /// Street code.
    pub street_code: String,
}

impl Site {
    /// The site of a building record (which has a point and a 楼组).
    fn of(building: &Premises) -> Site {
        Site {
            premises_id: building.id,
            spoken_address: strip_city(&building.standard_address),
            lon: building.lon.unwrap_or_default(),
            lat: building.lat.unwrap_or_default(),
            grid_code: building.grid_code.clone().unwrap_or_default(),
            street_code: building.street_code.clone(),
        }
    }
}

/// What later stages need to know about the premises of one committee.
#[derive(Debug, Clone, Default)]
pub struct CommitteeLayout {
    /// Residential rooms: (premises id, floor area m²).
    pub rooms: Vec<(i64, f64)>,
}

/// The laid-out premises.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Per committee, in plan order.
    pub committees: Vec<CommitteeLayout>,
    /// Office rooms.
    pub office_rooms: Vec<i64>,
    /// Shop buildings.
    pub shops: Vec<i64>,
    /// Every building, for cases.
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Building { compound: usize, index: usize },
    Office(usize),
    Shop,
}

struct Ids(i64);

impl Ids {
    fn next(&mut self) -> i64 {
        self.0 += 1;
        self.0
    }
}

fn strip_city(address: &str) -> String {
    address
        .trim_start_matches("上海市")
        .trim_start_matches("徐汇区")
        .to_owned()
}

/// Draws micro-grids and 楼组 in every community and creates the premises.
pub fn lay_out(
    plans: &[CommitteePlan],
    communities: &[GridCell],
    projection: &LocalProjection,
    roads: &Roads,
    rng: &mut impl Rng,
    twin: &mut Twin,
) -> Result<Layout, TwinError> {
    let mut roads = Roads {
        by_street: roads.by_street.clone(),
        next_number: BTreeMap::new(),
    };
    let mut ids = Ids(0);
    let mut layout = Layout::default();
    for (plan, community) in plans.iter().zip(communities) {
        let mut slots: Vec<Slot> = Vec::with_capacity(plan.building_count());
        for (c, compound) in plan.compounds.iter().enumerate() {
            slots.extend(
                (0..compound.buildings.len()).map(|index| Slot::Building { compound: c, index }),
            );
        }
        slots.extend((0..plan.offices.len()).map(Slot::Office));
        slots.extend(std::iter::repeat_n(Slot::Shop, plan.shops));

        // Micro-grids of about eight buildings, 楼组 of at most four.
        let n_micro = slots.len().div_ceil(8).clamp(1, 12);
        let sizes = apportion(slots.len().max(n_micro), &vec![1; n_micro]);
        let short = plan.committee.name.trim_end_matches("居委会").to_owned();
        let micro = coded_children(
            community,
            GridLevel::MicroGrid,
            &sizes.iter().map(|&s| s as f64).collect::<Vec<_>>(),
            |n| format!("{short}第{n}微网格"),
            rng,
        )?;
        let mut points: Vec<Option<(f64, f64, String)>> = vec![None; slots.len()];
        let mut start = 0;
        let mut building_groups = Vec::new();
        for (cell, size) in micro.iter().zip(&sizes) {
            let end = (start + size).min(slots.len());
            let members: Vec<usize> = (start..end).collect();
            start = end;
            let groups: Vec<&[usize]> = if members.is_empty() {
                vec![&[][..]]
            } else {
                members.chunks(4).collect()
            };
            let weights: Vec<f64> = groups.iter().map(|g| g.len().max(1) as f64).collect();
            let cells = coded_children(
                cell,
                GridLevel::BuildingGroup,
                &weights,
                |n| format!("{}第{n}楼组", cell.name),
                rng,
            )?;
            for (group, bg) in groups.iter().zip(&cells) {
                for &slot in *group {
                    let (x, y) = random_point_in(&bg.shape, rng).unwrap_or((0.0, 0.0));
                    let (lon, lat) = projection.to_lonlat(x, y);
                    points[slot] = Some((lon, lat, bg.code.clone()));
                }
            }
            building_groups.extend(cells);
        }
        for cell in micro.iter().chain(&building_groups) {
            twin.grids.push(cell.to_record(projection));
        }

        let mut committee_layout = CommitteeLayout::default();
        let street = plan.committee.street_code;
        let base = |kind, address: String, name: Option<String>, use_kind, road: &str| Premises {
            id: 0,
            parent_id: None,
            kind,
            standard_address: address,
            name,
            use_kind,
            road: Some(road.to_owned()),
            lon: None,
            lat: None,
            floor_area_m2: None,
            street_code: street.to_owned(),
            community_code: plan.committee.code.to_owned(),
            grid_code: None,
        };

        // Residential compounds: lane 弄 → buildings 号 → rooms 室.
        for (c, compound) in plan.compounds.iter().enumerate() {
            let road = roads.pick(street, rng);
            let lane = roads.number(road, rng, 2..=40);
            let mut parts = AddressParts::xuhui(road);
            parts.lane = Some(lane);
            let compound_id = ids.next();
            let building_points: Vec<&(f64, f64, String)> = slots
                .iter()
                .zip(&points)
                .filter_map(|(s, p)| match s {
                    Slot::Building { compound: cc, .. } if *cc == c => p.as_ref(),
                    _ => None,
                })
                .collect();
            let n = building_points.len().max(1) as f64;
            let mut record = base(
                PremisesKind::Compound,
                standard_address(&parts),
                Some(compound.name.clone()),
                PremisesUse::Residential,
                road,
            );
            record.id = compound_id;
            record.lon = Some(building_points.iter().map(|p| p.0).sum::<f64>() / n);
            record.lat = Some(building_points.iter().map(|p| p.1).sum::<f64>() / n);
            record.grid_code = Some(plan.committee.code.to_owned());
            twin.aliases.push(PremisesAlias {
                premises_id: compound_id,
                alias: compound.name.clone(),
                kind: "poi".to_owned(),
            });
            twin.aliases.push(PremisesAlias {
                premises_id: compound_id,
                alias: format!("{road}{lane}弄{}", compound.name),
                kind: "variant".to_owned(),
            });
            twin.premises.push(record);

            let mut number = 0u32;
            let mut previous_plain = false;
            for (index, b) in compound.buildings.iter().enumerate() {
                // Now and then a building squeezed in later takes the previous number with a
                // suffix (5甲号, 5号之一), as real lanes have.
                let door = match rng.gen_range(0..100) {
                    0..=2 if previous_plain => DoorNumber {
                        number,
                        suffix: Some(DoorSuffix::Stem(0)),
                    },
                    3..=4 if previous_plain => DoorNumber {
                        number,
                        suffix: Some(DoorSuffix::Ordinal(1)),
                    },
                    _ => {
                        number += 1;
                        DoorNumber::plain(number)
                    }
                };
                previous_plain = door.suffix.is_none();
                let slot = slots.iter().position(|s| matches!(s, Slot::Building { compound: cc, index: ii } if *cc == c && *ii == index));
                let Some((lon, lat, bg)) = slot.and_then(|i| points[i].clone()) else {
                    return Err(TwinError::Internal(format!(
                        "building {index} of {} has no 楼组",
                        compound.name
                    )));
                };
                let mut bparts = parts.clone();
                bparts.door = Some(door);
                let building_id = ids.next();
                let address = standard_address(&bparts);
                let mut record = base(
                    PremisesKind::Building,
                    address.clone(),
                    Some(format!("{door}楼")),
                    PremisesUse::Residential,
                    road,
                );
                record.id = building_id;
                record.parent_id = Some(compound_id);
                record.lon = Some(lon);
                record.lat = Some(lat);
                record.grid_code = Some(bg.clone());
                let room_area = match compound.style {
                    CompoundStyle::Xincun => 45.0,
                    CompoundStyle::HighRise => 85.0,
                    CompoundStyle::Villa => 140.0,
                };
                record.floor_area_m2 =
                    Some(room_area * f64::from(b.floors * b.rooms_per_floor) * 1.15);
                twin.aliases.push(PremisesAlias {
                    premises_id: building_id,
                    alias: format!(
                        "{road}{lane}弄{}{}",
                        compound.name,
                        door.to_string().replace('号', "号楼")
                    ),
                    kind: "variant".to_owned(),
                });
                layout.sites.push(Site::of(&record));
                twin.premises.push(record);
                for floor in 1..=b.floors {
                    for r in 1..=b.rooms_per_floor {
                        let mut rparts = bparts.clone();
                        rparts.room = Some(floor * 100 + r);
                        let area = (room_area * rng.gen_range(0.7..1.3) * 10.0).round() / 10.0;
                        let room_id = ids.next();
                        let mut room = base(
                            PremisesKind::Room,
                            standard_address(&rparts),
                            None,
                            PremisesUse::Residential,
                            road,
                        );
                        room.id = room_id;
                        room.parent_id = Some(building_id);
                        room.lon = Some(lon);
                        room.lat = Some(lat);
                        room.floor_area_m2 = Some(area);
                        room.grid_code = Some(bg.clone());
                        twin.premises.push(room);
                        committee_layout.rooms.push((room_id, area));
                    }
                }
            }
        }

        // Office towers: 号 → 层 → 室; shops: one 号 (sometimes a range 18-22号).
        for (slot, point) in slots.iter().zip(&points) {
            let Some((lon, lat, bg)) = point.clone() else {
                continue;
            };
            match slot {
                Slot::Building { .. } => {}
                Slot::Office(o) => {
                    let office = &plan.offices[*o];
                    let road = roads.pick(street, rng);
                    let mut parts = AddressParts::xuhui(road);
                    parts.door = Some(DoorNumber::plain(roads.number(road, rng, 2..=30)));
                    let building_id = ids.next();
                    let address = standard_address(&parts);
                    let mut record = base(
                        PremisesKind::Building,
                        address.clone(),
                        Some(office.name.clone()),
                        PremisesUse::Office,
                        road,
                    );
                    record.id = building_id;
                    record.lon = Some(lon);
                    record.lat = Some(lat);
                    record.grid_code = Some(bg.clone());
                    record.floor_area_m2 =
                        Some(f64::from(office.floors * office.rooms_per_floor) * 160.0);
                    layout.sites.push(Site::of(&record));
                    twin.premises.push(record);
                    twin.aliases.push(PremisesAlias {
                        premises_id: building_id,
                        alias: office.name.clone(),
                        kind: "poi".to_owned(),
                    });
                    for floor in 1..=office.floors {
                        let mut fparts = parts.clone();
                        fparts.floor = Some(floor as i32);
                        let floor_id = ids.next();
                        let mut f = base(
                            PremisesKind::Floor,
                            standard_address(&fparts),
                            None,
                            PremisesUse::Office,
                            road,
                        );
                        f.id = floor_id;
                        f.parent_id = Some(building_id);
                        f.lon = Some(lon);
                        f.lat = Some(lat);
                        f.grid_code = Some(bg.clone());
                        twin.premises.push(f);
                        for r in 1..=office.rooms_per_floor {
                            let mut rparts = fparts.clone();
                            rparts.room = Some(floor * 100 + r);
                            let room_id = ids.next();
                            let mut room = base(
                                PremisesKind::Room,
                                standard_address(&rparts),
                                None,
                                PremisesUse::Office,
                                road,
                            );
                            room.id = room_id;
                            room.parent_id = Some(floor_id);
                            room.lon = Some(lon);
                            room.lat = Some(lat);
                            room.floor_area_m2 =
                                Some((rng.gen_range(60.0..400.0_f64) * 10.0).round() / 10.0);
                            room.grid_code = Some(bg.clone());
                            twin.premises.push(room);
                            layout.office_rooms.push(room_id);
                        }
                    }
                }
                Slot::Shop => {
                    let road = roads.pick(street, rng);
                    let first = roads.number(road, rng, 2..=8);
                    let door = if rng.gen_bool(0.1) {
                        let last = first + 2 * rng.gen_range(1..=2);
                        roads.next_number.insert(road, last + 2);
                        DoorNumber {
                            number: first,
                            suffix: Some(DoorSuffix::RangeTo(last)),
                        }
                    } else {
                        DoorNumber::plain(first)
                    };
                    let mut parts = AddressParts::xuhui(road);
                    parts.door = Some(door);
                    let id = ids.next();
                    let name = text::shop_name(rng);
                    let address = standard_address(&parts);
                    let mut record = base(
                        PremisesKind::Building,
                        address.clone(),
                        Some(name.clone()),
                        PremisesUse::Retail,
                        road,
                    );
                    record.id = id;
                    record.lon = Some(lon);
                    record.lat = Some(lat);
                    record.grid_code = Some(bg.clone());
                    record.floor_area_m2 =
                        Some((rng.gen_range(20.0..300.0_f64) * 10.0).round() / 10.0);
                    layout.sites.push(Site::of(&record));
                    twin.premises.push(record);
                    twin.aliases.push(PremisesAlias {
                        premises_id: id,
                        alias: name,
                        kind: "poi".to_owned(),
                    });
                    layout.shops.push(id);
                }
            }
        }
        layout.committees.push(committee_layout);
    }
    Ok(layout)
}
