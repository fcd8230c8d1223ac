//! End-to-end check on the real Xuhui street boundaries (OpenStreetMap).
//!
//! The data file lives outside the repository, in the shared data directory
//! next to the workspace; it is read here (test only) and never copied.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use geo::{Area, MultiPolygon};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use yiwang_geo::{
    AreaFeature, LocalProjection, PartitionConfig, Site, area_m2_lonlat, parse_feature_collection,
    partition, random_sites, tiling_defects,
};

const STREETS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/xuhui/xuhui_streets_osm.geojson"
);

fn load_streets() -> Vec<AreaFeature> {
    let text = std::fs::read_to_string(STREETS).unwrap_or_else(|e| {
        panic!(
            "cannot read the Xuhui OSM street boundaries at {STREETS}: {e}. \
             This test needs the shared data checkout (../shared/data/xuhui relative to the workspace root)."
        )
    });
    parse_feature_collection(&text).expect("xuhui_streets_osm.geojson must parse")
}

#[test]
fn partitions_real_streets_into_areas() {
    let streets = load_streets();
    assert_eq!(streets.len(), 13, "Xuhui has 12 streets and 1 town");
    let district = MultiPolygon::new(streets.iter().flat_map(|f| f.geometry.0.clone()).collect());
    let proj = LocalProjection::centered_on(&district).unwrap();

    let total_km2: f64 = streets
        .iter()
        .map(|f| area_m2_lonlat(&f.geometry))
        .sum::<f64>()
        / 1e6;
    assert!(
        (45.0..65.0).contains(&total_km2),
        "district area {total_km2} km²"
    );

    let cfg = PartitionConfig::default();
    for (k, street) in streets.iter().enumerate() {
        let name = street.properties["name"].as_str().unwrap_or("?");
        let parent = proj.multipolygon_to_xy(&street.geometry);
        let area = parent.unsigned_area();
        let mut rng = ChaCha8Rng::seed_from_u64(k as u64);
        let sites: Vec<Site> = random_sites(&parent, 5, &mut rng)
            .into_iter()
            .enumerate()
            .map(|(i, (x, y))| Site::new(x, y, 1.0 + i as f64 * 0.5))
            .collect();
        assert_eq!(sites.len(), 5);
        let cells = partition(&parent, &sites, &cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cells.len(), 5);
        let d = tiling_defects(&parent, &cells);
        assert!(d.total() < 1e-6 * area, "{name}: {d:?} (area {area} m²)");
        let total_w: f64 = sites.iter().map(|s| s.weight).sum();
        for (i, c) in cells.iter().enumerate() {
            let a = c.unsigned_area();
            assert!(a > 0.0, "{name}: cell {i} empty");
            let target = area * sites[i].weight / total_w;
            assert!(
                (a - target).abs() / target < 0.05,
                "{name}: cell {i} area {a} vs target {target}"
            );
        }
        // Round trip to lon/lat keeps the cells inside the street's bbox.
        let ll = proj.multipolygon_to_lonlat(&cells[0]);
        assert!(
            (area_m2_lonlat(&ll) - cells[0].unsigned_area()).abs() / cells[0].unsigned_area()
                < 1e-3
        );
    }
}
