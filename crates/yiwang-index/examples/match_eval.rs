//! Address-matching evaluation on the Xuhui twin: top-1 accuracy of the premises id, whether it
//! is among the first 5 candidates, accuracy of the level, how many answers lie below the level
//! written (must be 0), and throughput on one core (`find` with a limit of 5).
//!
//! ```text
//! cargo run --release -p yiwang-index --example match_eval -- --scale 1 [--seed 2023]
//! ```
//!
//! Sets (the expected premises is known from the twin's structure):
//!
//! - `spoken`: the address of every case, as the caller said it (`宛平南路500弄9号`) → its building;
//! - `poi_building`: a compound's name and the door as a building (`逸流公寓13号楼`) → the building;
//! - `room_bare`: every 20th residential room with a bare room number (`…500弄9号660`) → the room;
//! - `office_room_no_floor`: every 5th office room without its floor (`漕溪北路88号1203室`) → the room;
//! - `office_name_room`: every 5th office room by the tower's name (`圣爱大厦12楼1203室`) → the room;
//! - `missing_room`: every building with a room that does not exist (`…9号9999室`) → the building,
//!   never a room;
//! - `name_typo`: every compound's name with its second char replaced (`逸某公寓`) → the compound.
//!
//! The gazetteer is the server's: the crate's facts plus the twin's roads and POI names.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use yiwang_address::{Gazetteer, MatchLevel};
use yiwang_core::model::{PremisesAddress, PremisesKind, PremisesUse};
use yiwang_index::build_match_index;
use yiwang_twin::{TwinConfig, generate};

/// One labelled input.
struct Item {
    input: String,
    id: i64,
    level: MatchLevel,
}

fn main() -> ExitCode {
    let mut scale = 1.0;
    let mut seed = 2023;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().and_then(|v| v.parse::<f64>().ok());
        match (a.as_str(), value) {
            ("--scale", Some(v)) => scale = v,
            ("--seed", Some(v)) => seed = v as u64,
            _ => {
                eprintln!("usage: match_eval [--scale S] [--seed N]");
                return ExitCode::from(2);
            }
        }
    }
    let t = Instant::now();
    let twin = match generate(
        &TwinConfig {
            scale,
            seed,
            boundaries: None,
        },
        &mut |_| {},
    ) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("match_eval: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "twin scale {scale} seed {seed}: {} premises, {} aliases, {} cases ({:.1} s)",
        twin.premises.len(),
        twin.aliases.len(),
        twin.cases.len(),
        t.elapsed().as_secs_f64()
    );

    let mut gazetteer = Gazetteer::default();
    for road in &twin.roads {
        gazetteer.add_road(&road.name, "310104");
    }
    for a in twin.aliases.iter().filter(|a| a.kind == "poi") {
        gazetteer.add_poi(&a.alias, "310104");
    }
    let t = Instant::now();
    let index = build_match_index(
        twin.premises.iter().map(|p| PremisesAddress {
            id: p.id,
            kind: p.kind,
            standard_address: p.standard_address.clone(),
            street_code: p.street_code.clone(),
        }),
        twin.aliases.clone(),
    );
    let stats = index.stats();
    println!(
        "index: {} premises, {} nodes, {} strings, {} names, ~{:.0} MB heap, built in {:.2} s",
        stats.premises,
        stats.nodes,
        stats.strings,
        stats.names,
        stats.heap_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let sets = sets(&twin);
    println!(
        "\n{:<22} {:>8} {:>9} {:>9} {:>9} {:>8} {:>12}",
        "set", "n", "top-1 id", "in top 5", "level", "below", "matches/s"
    );
    for (name, items) in &sets {
        let t = Instant::now();
        let mut id_ok = 0usize;
        let mut in_top5 = 0usize;
        let mut level_ok = 0usize;
        let mut below = 0usize;
        let mut misses: Vec<String> = Vec::new();
        for item in items {
            let found = index.find(&item.input, &gazetteer, 5);
            if found.iter().any(|c| c.premises_id == Some(item.id)) {
                in_top5 += 1;
            }
            let best = found.first();
            let id = best.and_then(|c| c.premises_id);
            let level = best.map(|c| c.level);
            if id == Some(item.id) {
                id_ok += 1;
            } else if misses.len() < 3 {
                misses.push(format!(
                    "    {} → {:?} (expected {})",
                    item.input,
                    best.map(|c| (&c.standard_address, c.score, &c.reasons)),
                    item.id
                ));
            }
            if level == Some(item.level) {
                level_ok += 1;
            }
            if level.is_some_and(|l| l < item.level) {
                below += 1;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        let n = items.len().max(1) as f64;
        println!(
            "{:<22} {:>8} {:>8.2}% {:>8.2}% {:>8.2}% {:>8} {:>12.0}",
            name,
            items.len(),
            100.0 * id_ok as f64 / n,
            100.0 * in_top5 as f64 / n,
            100.0 * level_ok as f64 / n,
            below,
            n / secs
        );
        for m in misses {
            println!("{m}");
        }
    }
    ExitCode::SUCCESS
}

fn strip_city(address: &str) -> &str {
    address
        .trim_start_matches("上海市")
        .trim_start_matches("徐汇区")
}

/// The labelled sets, derived from the twin's structure.
fn sets(twin: &yiwang_twin::Twin) -> Vec<(&'static str, Vec<Item>)> {
    let by_id: HashMap<i64, &yiwang_core::model::Premises> =
        twin.premises.iter().map(|p| (p.id, p)).collect();
    let mut poi: HashMap<i64, &str> = HashMap::new();
    for a in twin.aliases.iter().filter(|a| a.kind == "poi") {
        poi.entry(a.premises_id).or_insert(&a.alias);
    }
    let spoken = twin
        .cases
        .iter()
        .filter_map(|c| {
            Some(Item {
                input: c.address.clone()?,
                id: c.premises_id?,
                level: MatchLevel::Building,
            })
        })
        .collect();
    let mut poi_building = Vec::new();
    let mut room_bare = Vec::new();
    let mut office_room_no_floor = Vec::new();
    let mut office_name_room = Vec::new();
    let mut missing_room = Vec::new();
    let mut name_typo = Vec::new();
    let mut rooms = 0usize;
    let mut office_rooms = 0usize;
    for p in &twin.premises {
        let parent = p.parent_id.and_then(|id| by_id.get(&id));
        let local = strip_city(&p.standard_address);
        match p.kind {
            PremisesKind::Compound => {
                if let Some(name) = poi.get(&p.id) {
                    let mut chars: Vec<char> = name.chars().collect();
                    if chars.len() >= 3 {
                        chars[1] = '某';
                        name_typo.push(Item {
                            input: chars.into_iter().collect(),
                            id: p.id,
                            level: MatchLevel::Compound,
                        });
                    }
                }
            }
            PremisesKind::Building => {
                missing_room.push(Item {
                    input: format!("{local}9999室"),
                    id: p.id,
                    level: MatchLevel::Building,
                });
                let compound = parent.filter(|c| c.kind == PremisesKind::Compound);
                if let (Some(c), Some(door)) = (compound, local.rsplit('弄').next())
                    && let Some(name) = poi.get(&c.id)
                {
                    poi_building.push(Item {
                        input: format!("{name}{}", door.replacen('号', "号楼", 1)),
                        id: p.id,
                        level: MatchLevel::Building,
                    });
                }
            }
            PremisesKind::Room if p.use_kind == PremisesUse::Residential => {
                rooms += 1;
                if rooms.is_multiple_of(20) {
                    room_bare.push(Item {
                        input: local.trim_end_matches('室').to_owned(),
                        id: p.id,
                        level: MatchLevel::Room,
                    });
                }
            }
            PremisesKind::Room => {
                office_rooms += 1;
                let floor = parent.filter(|f| f.kind == PremisesKind::Floor);
                let tower = floor
                    .and_then(|f| f.parent_id)
                    .and_then(|id| by_id.get(&id));
                if let (Some(f), Some(t), true) = (floor, tower, office_rooms.is_multiple_of(5)) {
                    let room = p
                        .standard_address
                        .trim_start_matches(f.standard_address.as_str());
                    office_room_no_floor.push(Item {
                        input: format!("{}{room}", strip_city(&t.standard_address)),
                        id: p.id,
                        level: MatchLevel::Room,
                    });
                    if let Some(name) = poi.get(&t.id) {
                        let floor_text = f
                            .standard_address
                            .trim_start_matches(t.standard_address.as_str())
                            .replace('层', "楼");
                        office_name_room.push(Item {
                            input: format!("{name}{floor_text}{room}"),
                            id: p.id,
                            level: MatchLevel::Room,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    vec![
        ("spoken", spoken),
        ("poi_building", poi_building),
        ("room_bare", room_bare),
        ("office_room_no_floor", office_room_no_floor),
        ("office_name_room", office_name_room),
        ("missing_room", missing_room),
        ("name_typo", name_typo),
    ]
}
