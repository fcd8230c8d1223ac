//! The actual-population and actual-housing registries: households in rooms.

use std::collections::HashSet;

use chrono::NaiveDate;
use rand::Rng;
use yiwang_core::model::{Housing, HousingUse, Person, PersonType};
use yiwang_core::validate::id_number::make_id_number;

use crate::facts::{MIGRANT_AREA_CODES, SHANGHAI_AREA_CODES};
use crate::plan::{CommitteePlan, VACANCY};
use crate::premises::Layout;
use crate::{Twin, text};

/// The date the twin's registries describe.
pub const REFERENCE_DATE: (i32, u32, u32) = (2026, 11, 1);

fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(REFERENCE_DATE.0, REFERENCE_DATE.1, REFERENCE_DATE.2)
        .unwrap_or(NaiveDate::MIN)
}

/// Household size: 1–5 persons, mean ≈ 2.4.
fn household_size(rng: &mut impl Rng) -> usize {
    match rng.gen_range(0..100) {
        0..=24 => 1,
        25..=54 => 2,
        55..=82 => 3,
        83..=94 => 4,
        _ => 5,
    }
}

struct PersonMaker {
    next_id: i64,
    id_numbers: HashSet<String>,
    today: NaiveDate,
}

impl PersonMaker {
    fn make(
        &mut self,
        person_type: PersonType,
        age: (i32, i32),
        room: i64,
        rng: &mut impl Rng,
    ) -> Person {
        self.next_id += 1;
        let male = rng.gen_bool(0.5);
        let age_days = rng.gen_range(i64::from(age.0) * 365..=i64::from(age.1) * 365 + 364);
        let age_years = (age_days / 365) as i32;
        let birth = self.today - chrono::Duration::days(age_days.max(1));
        let (name, nationality, id_kind, id_number) = match person_type {
            PersonType::Overseas => {
                let foreign = text::foreign_name(rng, male);
                let mut number;
                loop {
                    number = format!("E{:08}", rng.gen_range(0..100_000_000u32));
                    if self.id_numbers.insert(number.clone()) {
                        break;
                    }
                }
                (
                    foreign.name,
                    foreign.nationality.to_owned(),
                    "passport",
                    number,
                )
            }
            _ => {
                let areas = if person_type == PersonType::Registered {
                    SHANGHAI_AREA_CODES
                } else {
                    MIGRANT_AREA_CODES
                };
                let area = areas[rng.gen_range(0..areas.len())];
                let mut number = String::new();
                for _ in 0..1000 {
                    let seq = rng.gen_range(0..500u16) * 2 + u16::from(male);
                    number = make_id_number(area, birth, seq).unwrap_or_default();
                    if !number.is_empty() && self.id_numbers.insert(number.clone()) {
                        break;
                    }
                }
                (
                    text::chinese_name(rng, male),
                    "CHN".to_owned(),
                    "resident_id",
                    number,
                )
            }
        };
        let phone = (age_years >= 12 && rng.gen_bool(0.85)).then(|| {
            format!(
                "1{}{:09}",
                rng.gen_range(3..=9),
                rng.gen_range(0..1_000_000_000u32)
            )
        });
        let moved = self.today - chrono::Days::new(rng.gen_range(30..(365 * 25)));
        Person {
            id: self.next_id,
            id_number,
            id_kind: id_kind.to_owned(),
            name,
            person_type,
            sex: if male { "male" } else { "female" }.to_owned(),
            birth_date: birth,
            nationality,
            phone,
            room_id: Some(room),
            move_in_date: Some(moved.max(birth)),
        }
    }
}

/// Fills rooms with households until each committee's planned residents live somewhere. A few
/// rented rooms are planted as group rentals (群租).
pub fn populate(plans: &[CommitteePlan], layout: &Layout, rng: &mut impl Rng, twin: &mut Twin) {
    let mut maker = PersonMaker {
        next_id: 0,
        id_numbers: HashSet::new(),
        today: reference_date(),
    };
    for (plan, committee) in plans.iter().zip(&layout.committees) {
        let mut housed = 0usize;
        for &(room, area) in &committee.rooms {
            let vacant = housed >= plan.residents || rng.gen_bool(VACANCY);
            if vacant {
                twin.housing.push(Housing {
                    room_id: room,
                    use_kind: HousingUse::Vacant,
                    area_m2: area,
                    owner_person_id: None,
                });
                continue;
            }
            let rented = rng.gen_bool(0.3);
            let group_rental = rented && rng.gen_bool(0.01);
            let size = if group_rental {
                rng.gen_range(7..=10)
            } else {
                household_size(rng)
            };
            let first_id = maker.next_id + 1;
            for k in 0..size {
                let person_type = match (rented, rng.gen_range(0..100)) {
                    (false, 0..=94) => PersonType::Registered,
                    (false, _) => PersonType::Migrant,
                    (true, 0..=84) => PersonType::Migrant,
                    (true, 85..=94) => PersonType::Overseas,
                    (true, _) => PersonType::Registered,
                };
                let age = match (k, group_rental, person_type) {
                    (_, true, _) => (19, 45),
                    (0, _, PersonType::Registered) => (28, 92),
                    (0, _, _) => (22, 60),
                    (_, _, PersonType::Registered) => (0, 90),
                    _ => (0, 55),
                };
                twin.persons.push(maker.make(person_type, age, room, rng));
            }
            housed += size;
            twin.housing.push(Housing {
                room_id: room,
                use_kind: if rented {
                    HousingUse::Rented
                } else {
                    HousingUse::OwnerOccupied
                },
                area_m2: area,
                owner_person_id: (!rented).then_some(first_id),
            });
        }
    }
}
