#![allow(clippy::unwrap_used, clippy::expect_used)]
use geo::{Area, MultiPolygon};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use yiwang_geo::*;
const STREETS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/xuhui/xuhui_streets_osm.geojson"
);
#[test]
fn perf() {
    let streets = parse_feature_collection(&std::fs::read_to_string(STREETS).unwrap()).unwrap();
    let district = MultiPolygon::new(streets.iter().flat_map(|f| f.geometry.0.clone()).collect());
    let proj = LocalProjection::centered_on(&district).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let cfg = PartitionConfig::default();
    let t = std::time::Instant::now();
    let mut calls = 0;
    let mut worst: f64 = 0.0;
    let mut worst_def: f64 = 0.0;
    let mut level: Vec<MultiPolygon<f64>> = vec![proj.multipolygon_to_xy(&streets[6].geometry)];
    for (lvl, n) in [(0, 8), (1, 12), (2, 20), (3, 40)] {
        let mut next = Vec::new();
        let tl = std::time::Instant::now();
        let parents = if level.len() > 60 {
            level[..60].to_vec()
        } else {
            level.clone()
        };
        for p in &parents {
            let pts = random_sites(p, n, &mut rng);
            let sites: Vec<Site> = pts
                .iter()
                .enumerate()
                .map(|(i, &(x, y))| Site::new(x, y, 1.0 + (i % 3) as f64))
                .collect();
            let cells = partition(p, &sites, &cfg).unwrap();
            calls += 1;
            let tw: f64 = sites.iter().map(|s| s.weight).sum();
            let pa = p.unsigned_area();
            for (i, c) in cells.iter().enumerate() {
                let tgt = pa * sites[i].weight / tw;
                worst = worst.max((c.unsigned_area() - tgt).abs() / tgt);
            }
            if calls % 10 == 0 && std::env::var("DEF").is_ok() {
                let d = tiling_defects(p, &cells);
                worst_def = worst_def.max(d.total() / pa);
            }
            next.extend(cells);
        }
        eprintln!(
            "level {lvl}: {} calls n={n} in {:?} ({:?}/call), verts/parent ~{}",
            parents.len(),
            tl.elapsed(),
            tl.elapsed() / parents.len() as u32,
            parents
                .iter()
                .map(|p| p.0.iter().map(|q| q.exterior().0.len()).sum::<usize>())
                .sum::<usize>()
                / parents.len()
        );
        level = next;
    }
    eprintln!(
        "{calls} calls in {:?}, worst rel area err {worst}, worst defect {worst_def}",
        t.elapsed()
    );
}
#[test]
fn perf2() {
    use geo::polygon;
    let p: MultiPolygon<f64> =
        polygon![(x: 0.0, y: 0.0), (x: 300.0, y: 0.0), (x: 320.0, y: 200.0), (x: 0.0, y: 250.0)]
            .into();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let pts = random_sites(&p, 40, &mut rng);
    let sites: Vec<Site> = pts
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| Site::new(x, y, 1.0 + (i % 3) as f64))
        .collect();
    for cfg in [
        PartitionConfig {
            lloyd_iterations: 0,
            max_weight_iterations: 0,
            area_tolerance: 0.01,
        },
        PartitionConfig {
            lloyd_iterations: 3,
            max_weight_iterations: 0,
            area_tolerance: 0.01,
        },
        PartitionConfig::default(),
    ] {
        let t = std::time::Instant::now();
        for _ in 0..100 {
            partition(&p, &sites, &cfg).unwrap();
        }
        eprintln!("{cfg:?}: {:?}/call", t.elapsed() / 100);
    }
}
