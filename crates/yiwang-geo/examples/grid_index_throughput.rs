//! Informal throughput of `PolygonIndex::locate` (run in release mode):
//!
//! `cargo run --release -p yiwang-geo --example grid_index_throughput`
//!
//! Builds a 5,400-cell tiling of an 8 km × 7 km rectangle (60 power-diagram
//! cells, each split into 90, like the twin's 楼组 level at scale 1) and
//! locates 2,000,000 uniform random points, once with [`PolygonIndex`] and
//! once with an R-tree of bounding boxes plus `geo::Contains` for comparison.

use std::hint::black_box;
use std::time::Instant;

use geo::{BoundingRect, Contains, MultiPolygon, Point, polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use yiwang_geo::{GeoError, PartitionConfig, PolygonIndex, Site, partition, random_sites};

const POINTS: usize = 2_000_000;

fn split(
    parent: &MultiPolygon<f64>,
    n: usize,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<MultiPolygon<f64>>, GeoError> {
    let sites: Vec<Site> = random_sites(parent, n, rng)
        .into_iter()
        .map(|(x, y)| Site::new(x, y, rng.gen_range(0.5..2.0)))
        .collect();
    partition(parent, &sites, &PartitionConfig::default())
}

fn main() -> Result<(), GeoError> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let parent: MultiPolygon<f64> =
        polygon![(x: 0.0, y: 0.0), (x: 8000.0, y: 0.0), (x: 8000.0, y: 7000.0), (x: 0.0, y: 7000.0)]
            .into();
    let mut cells = Vec::new();
    for big in split(&parent, 60, &mut rng)? {
        cells.extend(split(&big, 90, &mut rng)?);
    }
    let vertices: usize = cells
        .iter()
        .flat_map(|mp| &mp.0)
        .map(|p| p.exterior().0.len())
        .sum();
    println!(
        "{} cells, {:.1} vertices per cell",
        cells.len(),
        vertices as f64 / cells.len() as f64
    );

    let points: Vec<(f64, f64)> = (0..POINTS)
        .map(|_| (rng.gen_range(0.0..8000.0), rng.gen_range(0.0..7000.0)))
        .collect();

    let t = Instant::now();
    let index = PolygonIndex::new(cells.iter().cloned().enumerate().collect());
    println!(
        "PolygonIndex::new: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let mut found = 0usize;
    for &(x, y) in &points {
        found += usize::from(black_box(index.locate(x, y)).is_some());
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "PolygonIndex::locate: {:.2} M lookups/s ({:.0} ns each), {found} found",
        POINTS as f64 / s / 1e6,
        s / POINTS as f64 * 1e9
    );

    // Baseline: the same R-tree, with geo's Contains as the polygon test.
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = cells
        .iter()
        .enumerate()
        .filter_map(|(i, mp)| {
            let r = mp.bounding_rect()?;
            Some(GeomWithData::new(
                Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                i,
            ))
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let t = Instant::now();
    let mut found_geo = 0usize;
    for &(x, y) in &points {
        let p = Point::new(x, y);
        let hit = tree
            .locate_all_at_point(&[x, y])
            .find(|c| cells[c.data].contains(&p));
        found_geo += usize::from(black_box(hit).is_some());
    }
    let s = t.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let mut cands = 0usize;
    for &(x, y) in &points {
        cands += black_box(tree.locate_all_at_point(&[x, y]).count());
    }
    println!(
        "R-tree only: {:.0} ns each, {:.2} candidates per point",
        t2.elapsed().as_secs_f64() / POINTS as f64 * 1e9,
        cands as f64 / POINTS as f64
    );
    println!(
        "R-tree + geo::Contains: {:.2} M lookups/s ({:.0} ns each), {found_geo} found",
        POINTS as f64 / s / 1e6,
        s / POINTS as f64 * 1e9
    );
    Ok(())
}
