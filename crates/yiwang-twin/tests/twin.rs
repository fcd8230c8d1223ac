//! Properties of the generated Xuhui twin that users rely on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};

use geo::{Contains, MultiPolygon, Point};
use yiwang_core::model::{Grid, GridLevel, PersonType, PremisesKind};
use yiwang_core::validate::id_number::validate_id_number;
use yiwang_core::validate::uscc::validate_uscc;
use yiwang_geo::{LocalProjection, parse_feature_collection, tiling_defects};
use yiwang_twin::{Twin, TwinConfig, generate};

fn twin(scale: f64, seed: u64) -> Twin {
    generate(
        &TwinConfig {
            scale,
            seed,
            boundaries: None,
        },
        &mut |_| {},
    )
    .unwrap()
}

fn shape(grid: &Grid) -> MultiPolygon<f64> {
    let fc = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{}}}]}}"#,
        grid.geometry
    );
    parse_feature_collection(&fc).unwrap().remove(0).geometry
}

#[test]
fn has_the_real_structure_of_xuhui() {
    let t = twin(0.01, 1);
    let count = |level| t.grids.iter().filter(|g| g.level == level).count();
    assert_eq!(count(GridLevel::Street), 13);
    assert_eq!(count(GridLevel::Area), 64);
    assert_eq!(count(GridLevel::Community), 312);
    assert!(count(GridLevel::MicroGrid) >= 312);
    assert!(count(GridLevel::BuildingGroup) >= count(GridLevel::MicroGrid));
    assert_eq!(t.divisions.len(), 1 + 13 + 312);
    let tianping = t.grids.iter().find(|g| g.code == "310104003").unwrap();
    assert_eq!(tianping.name, "天平路街道");
    assert!(
        t.grids
            .iter()
            .any(|g| g.code == "310104003001" && g.name == "上海新村居委会")
    );
    assert_eq!(t.departments.len(), 63);
}

#[test]
fn same_seed_same_district_other_seed_other_district() {
    let a = twin(0.005, 42);
    let b = twin(0.005, 42);
    assert_eq!(a.premises, b.premises);
    assert_eq!(a.persons, b.persons);
    assert_eq!(a.grids, b.grids);
    assert_eq!(a.cases, b.cases);
    let c = twin(0.005, 43);
    assert_ne!(a.persons, c.persons);
}

#[test]
fn every_level_tiles_its_parent_without_gaps_or_overlaps() {
    let t = twin(0.005, 3);
    let projection = yiwang_twin::projection();
    let planar = |g: &Grid| projection.multipolygon_to_xy(&shape(g));
    let by_code: HashMap<&str, &Grid> = t.grids.iter().map(|g| (g.code.as_str(), g)).collect();
    let mut children: HashMap<&str, Vec<&Grid>> = HashMap::new();
    for g in &t.grids {
        if let Some(p) = &g.parent_code {
            children.entry(p.as_str()).or_default().push(g);
        }
    }
    // Streets tile the synthesised district: their union has no holes between them.
    let streets: Vec<MultiPolygon<f64>> = t
        .grids
        .iter()
        .filter(|g| g.level == GridLevel::Street)
        .map(planar)
        .collect();
    let total: f64 = streets.iter().map(geo::Area::unsigned_area).sum();
    let facts: f64 = yiwang_twin::facts::STREETS.iter().map(|s| s.km2).sum();
    assert!(
        (total / 1e6 - facts).abs() < facts * 0.005,
        "district area {} km², facts say {facts}",
        total / 1e6
    );
    let mut checked = 0;
    for (parent, kids) in &children {
        let parent_shape = planar(by_code[parent]);
        let kid_shapes: Vec<_> = kids.iter().map(|k| planar(k)).collect();
        let d = tiling_defects(&parent_shape, &kid_shapes);
        let area = geo::Area::unsigned_area(&parent_shape);
        // Coordinates are stored to 7 decimals (≈1 cm), so shared edges may leave centimetre
        // slivers; anything larger is a real gap or overlap.
        assert!(
            d.total() < area * 2e-5 + 1.0,
            "{parent}: {d:?} of {area} m²"
        );
        checked += 1;
    }
    assert!(checked > 300);
}

#[test]
fn every_building_lies_in_exactly_one_building_group() {
    let t = twin(0.005, 4);
    let groups: HashMap<&str, MultiPolygon<f64>> = t
        .grids
        .iter()
        .filter(|g| g.level == GridLevel::BuildingGroup)
        .map(|g| (g.code.as_str(), shape(g)))
        .collect();
    let buildings: Vec<_> = t
        .premises
        .iter()
        .filter(|p| p.kind == PremisesKind::Building)
        .collect();
    assert!(buildings.len() > 100);
    for b in &buildings {
        let code = b.grid_code.as_deref().unwrap();
        let point = Point::new(b.lon.unwrap(), b.lat.unwrap());
        assert!(
            groups[code].contains(&point),
            "{} is not inside its 楼组 {code}",
            b.standard_address
        );
        // Not inside any sibling: look at the groups of the same micro-grid.
        let micro = &code[..15];
        let inside = groups
            .iter()
            .filter(|(c, g)| c.starts_with(micro) && g.contains(&point))
            .count();
        assert_eq!(inside, 1, "{} lies in {inside} 楼组", b.standard_address);
    }
    let used: HashSet<&str> = buildings
        .iter()
        .filter_map(|b| b.grid_code.as_deref())
        .collect();
    assert_eq!(
        used.len(),
        groups.len(),
        "every 楼组 holds at least one building"
    );
}

#[test]
fn grid_codes_follow_the_unit_grid_rule() {
    let t = twin(0.005, 5);
    for g in &t.grids {
        let (len, prefix) = match g.level {
            GridLevel::Street => (9, "310104"),
            GridLevel::Area => (12, "310104"),
            GridLevel::Community => (12, "310104"),
            GridLevel::MicroGrid => (15, g.parent_code.as_deref().unwrap()),
            GridLevel::BuildingGroup => (18, g.parent_code.as_deref().unwrap()),
        };
        assert_eq!(g.code.len(), len, "{g:?}");
        assert!(g.code.starts_with(prefix), "{} under {prefix}", g.code);
        assert!(g.code.chars().all(|c| c.is_ascii_digit()));
    }
    for g in &t.grids {
        assert!(
            g.level.code_fits(&g.code, g.parent_code.as_deref()),
            "{} under {:?}",
            g.code,
            g.parent_code
        );
    }
    // 片区 codes sit in the 9xx block that NBS leaves free, so they never collide with committees.
    assert!(
        t.grids
            .iter()
            .filter(|g| g.level == GridLevel::Area)
            .all(|g| &g.code[9..10] == "9")
    );
}

#[test]
fn standard_addresses_are_unique_and_shaped_like_shanghai_addresses() {
    let t = twin(0.01, 6);
    let mut seen = HashSet::new();
    for p in &t.premises {
        assert!(
            seen.insert(&p.standard_address),
            "duplicate {}",
            p.standard_address
        );
        assert!(
            p.standard_address.starts_with("上海市徐汇区"),
            "{}",
            p.standard_address
        );
    }
    let by_id: HashMap<i64, &yiwang_core::model::Premises> =
        t.premises.iter().map(|p| (p.id, p)).collect();
    for p in &t.premises {
        if let Some(parent) = p.parent_id {
            let parent = by_id[&parent];
            assert!(p.id > parent.id, "parents come first");
            assert!(
                p.standard_address.starts_with(&parent.standard_address),
                "{} under {}",
                p.standard_address,
                parent.standard_address
            );
        }
    }
    let lane_room = regex_like(&t, |a| {
        a.contains("弄") && a.ends_with("室") && !a.contains("层")
    });
    let office_room = regex_like(&t, |a| {
        !a.contains("弄") && a.contains("层") && a.ends_with("室")
    });
    assert!(lane_room && office_room);
    assert!(
        regex_like(&t, |a| a.contains("甲号")),
        "some 甲 door numbers"
    );
    assert!(
        regex_like(&t, |a| a.contains("号之一")),
        "some 之一 door numbers"
    );
    assert!(
        regex_like(&t, |a| a.contains('-') && a.ends_with('号')),
        "some door-number ranges"
    );
    assert!(t.aliases.iter().any(|a| a.alias.contains("号楼")));
}

fn regex_like(t: &Twin, f: impl Fn(&str) -> bool) -> bool {
    t.premises.iter().any(|p| f(&p.standard_address))
}

#[test]
fn registries_hold_valid_identifiers_and_planted_anomalies() {
    let t = twin(0.01, 7);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let mut ids = HashSet::new();
    for p in &t.persons {
        assert!(ids.insert(&p.id_number), "duplicate ID {}", p.id_number);
        if p.id_kind == "resident_id" {
            let info = validate_id_number(&p.id_number, today)
                .unwrap_or_else(|e| panic!("{}: {e}", p.id_number));
            assert_eq!(info.birth_date, p.birth_date);
        }
    }
    let share = |ty| {
        t.persons.iter().filter(|p| p.person_type == ty).count() as f64 / t.persons.len() as f64
    };
    assert!((0.5..0.8).contains(&share(PersonType::Registered)));
    assert!((0.2..0.45).contains(&share(PersonType::Migrant)));
    assert!((0.005..0.08).contains(&share(PersonType::Overseas)));
    let households = t
        .housing
        .iter()
        .filter(|h| h.use_kind != yiwang_core::model::HousingUse::Vacant)
        .count();
    let size = t.persons.len() as f64 / households as f64;
    assert!((2.1..2.9).contains(&size), "household size {size}");

    for u in &t.units {
        validate_uscc(&u.uscc).unwrap_or_else(|e| panic!("{}: {e}", u.uscc));
    }
    let mut per_premises: HashMap<i64, usize> = HashMap::new();
    for u in &t.units {
        *per_premises.entry(u.premises_id.unwrap()).or_default() += 1;
    }
    assert!(
        per_premises.values().any(|&n| n >= 40),
        "one address with many licences"
    );
    let residential_rooms: HashSet<i64> = t.housing.iter().map(|h| h.room_id).collect();
    assert!(
        t.units
            .iter()
            .any(|u| residential_rooms.contains(&u.premises_id.unwrap())),
        "a unit in a residential room"
    );
    let mut per_room: HashMap<i64, usize> = HashMap::new();
    for p in &t.persons {
        *per_room.entry(p.room_id.unwrap()).or_default() += 1;
    }
    assert!(
        per_room.values().any(|&n| n >= 7),
        "an over-occupied rental"
    );
}

#[test]
fn a_year_of_cases_with_outcomes_repeats_and_overdue_ones() {
    let t = twin(0.01, 8);
    assert!(t.cases.len() >= 1000);
    let first = t.cases.iter().map(|c| c.created_at).min().unwrap();
    let last = t.cases.iter().map(|c| c.created_at).max().unwrap();
    assert!((last - first).num_days() >= 350);
    let closed: Vec<_> = t.cases.iter().filter(|c| c.state == "closed").collect();
    assert!(closed.len() as f64 > 0.7 * t.cases.len() as f64);
    assert!(
        closed
            .iter()
            .all(|c| c.closed_at.is_some() && c.satisfaction.is_some() && c.reply.is_some())
    );
    assert!(
        closed.iter().any(|c| c.closed_at > c.due_at),
        "some closed late"
    );
    assert!(
        t.cases
            .iter()
            .any(|c| c.state == "handling" && c.due_at < Some(last)),
        "some overdue and open"
    );
    let merged: Vec<_> = t.cases.iter().filter(|c| c.parent_id.is_some()).collect();
    assert!(!merged.is_empty());
    let by_id: HashMap<i64, _> = t.cases.iter().map(|c| (c.id, c)).collect();
    assert!(
        merged
            .iter()
            .all(|c| by_id[&c.parent_id.unwrap()].premises_id == c.premises_id)
    );
    assert!(t.cases.iter().all(|c| c.due_at.unwrap() > c.created_at));
    assert!(
        t.cases
            .iter()
            .all(|c| c.text.contains(c.address.as_deref().unwrap()))
    );
    // Dispatched cases have a department; those waiting to be filed do not yet.
    for c in &t.cases {
        assert_eq!(
            c.department_code.is_some(),
            c.state != "accepted",
            "{}",
            c.case_no
        );
    }
    // Every case reads back as a workflow the state machine can continue; open ones have a clock.
    for c in &t.cases {
        let flow = c.flow().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            flow.stage.is_some(),
            !flow.state.is_finished(),
            "{}",
            c.case_no
        );
    }
}

#[test]
fn real_street_boundaries_are_used_when_given() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/xuhui/xuhui_streets_osm.geojson"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("this test needs the OpenStreetMap street boundaries at {path}: {e}")
    });
    let features = parse_feature_collection(&text).unwrap();
    let t = generate(
        &TwinConfig {
            scale: 0.003,
            seed: 9,
            boundaries: Some(features.clone()),
        },
        &mut |_| {},
    )
    .unwrap();
    let projection: LocalProjection = yiwang_twin::projection();
    for f in &features {
        let code = f.properties["code"].as_str().unwrap();
        let street = t.grids.iter().find(|g| g.code == code).unwrap();
        let expected = geo::Area::unsigned_area(&projection.multipolygon_to_xy(&f.geometry));
        assert!(
            (street.area_m2 - expected).abs() < expected * 1e-6,
            "{code}"
        );
    }
    let bad = vec![features[0].clone()];
    let err = generate(
        &TwinConfig {
            scale: 0.003,
            seed: 9,
            boundaries: Some(bad),
        },
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("no feature for"), "{err}");
}

#[test]
fn roads_have_centrelines_through_their_addresses() {
    let t = twin(0.01, 10);
    let with_geometry: Vec<_> = t.roads.iter().filter(|r| r.geometry.is_some()).collect();
    assert!(
        with_geometry.len() * 10 >= t.roads.len() * 9,
        "{} of {}",
        with_geometry.len(),
        t.roads.len()
    );
    for r in with_geometry {
        let line: serde_json::Value = serde_json::from_str(r.geometry.as_deref().unwrap()).unwrap();
        assert_eq!(line["type"], "LineString");
        for c in line["coordinates"].as_array().unwrap() {
            let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (121.3..121.6).contains(&lon) && (31.05..31.3).contains(&lat),
                "{} at {lon},{lat}",
                r.name
            );
        }
    }
}
