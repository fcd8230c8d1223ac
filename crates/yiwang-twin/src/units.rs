//! The actual-units registry: enterprises in offices and shops, with planted anomalies
//! (one address with many licences 一址多照; enterprises registered in residential rooms).

use chrono::NaiveDate;
use rand::Rng;
use yiwang_core::model::Unit;
use yiwang_core::validate::uscc::make_uscc;

use crate::premises::Layout;
use crate::{Twin, text};

/// Units at scale 1.
pub const UNITS_AT_SCALE_1: f64 = 60_000.0;
/// Licences planted at the one over-used address.
pub const MANY_LICENCES: usize = 40;

const ORG_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn uscc(individual: bool, rng: &mut impl Rng) -> String {
    for _ in 0..100 {
        let body: String = (0..8)
            .map(|_| char::from(ORG_CHARS[rng.gen_range(0..ORG_CHARS.len())]))
            .collect();
        let org_type = if individual { '2' } else { '1' };
        if let Ok(code) = make_uscc('9', org_type, "310104", &body) {
            return code;
        }
    }
    String::new()
}

/// Registers units at offices, shops and (a few) residential rooms.
pub fn register(layout: &Layout, scale: f64, rng: &mut impl Rng, twin: &mut Twin) {
    let total = (UNITS_AT_SCALE_1 * scale).round().max(10.0) as usize;
    let residential: Vec<i64> = layout
        .committees
        .iter()
        .flat_map(|c| c.rooms.iter().map(|r| r.0))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let many_licence_room = layout.office_rooms.first().copied();
    for i in 0..total {
        let (premises, individual) = if i < MANY_LICENCES && many_licence_room.is_some() {
            (many_licence_room, false)
        } else {
            match rng.gen_range(0..100) {
                0..=2 if !residential.is_empty() => (
                    Some(residential[rng.gen_range(0..residential.len())]),
                    rng.gen_bool(0.5),
                ),
                3..=27 if !layout.shops.is_empty() => (
                    Some(layout.shops[rng.gen_range(0..layout.shops.len())]),
                    rng.gen_bool(0.6),
                ),
                _ if !layout.office_rooms.is_empty() => (
                    Some(layout.office_rooms[rng.gen_range(0..layout.office_rooms.len())]),
                    false,
                ),
                // A tiny twin may have no offices: register at a shop or, failing that, a room.
                _ if !layout.shops.is_empty() => (
                    Some(layout.shops[rng.gen_range(0..layout.shops.len())]),
                    true,
                ),
                _ if !residential.is_empty() => {
                    (Some(residential[rng.gen_range(0..residential.len())]), true)
                }
                _ => (None, false),
            }
        };
        let code = loop {
            let c = uscc(individual, rng);
            if seen.insert(c.clone()) {
                break c;
            }
        };
        let industry = text::INDUSTRIES[rng.gen_range(0..text::INDUSTRIES.len())];
        let registered_at = NaiveDate::from_ymd_opt(
            rng.gen_range(1995..=2026),
            rng.gen_range(1..=10),
            rng.gen_range(1..=28),
        )
        .unwrap_or(NaiveDate::MIN);
        let staff = if individual {
            rng.gen_range(1..=8)
        } else {
            (rng.gen_range(0.0..1.0_f64).powi(3) * 800.0) as i64 + 1
        };
        twin.units.push(Unit {
            id: i as i64 + 1,
            uscc: code,
            name: text::company_name(rng, industry),
            industry: industry.to_owned(),
            staff,
            registered_at,
            premises_id: premises,
            actual_premises_id: premises,
        });
    }
}
