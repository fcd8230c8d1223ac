//! Point → grid chain, nearest buildings and tile rendering over the Xuhui twin, one core.
//!
//! `cargo bench -p yiwang-index --bench spatial` (scale 1 by default; `YIWANG_BENCH_SCALE=0.1` for a
//! quick run). Each iteration locates one point drawn uniformly over the district's bounding box
//! (about 15% fall outside the district, as real GPS traffic near the border does).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use yiwang_core::model::PremisesKind;
use yiwang_geo::tile::TileId;
use yiwang_index::{BuildingPoint, CasePoint, GridLocator, TileLayerKind, TileRenderer};
use yiwang_twin::{TwinConfig, generate};

fn main() {
    // Build the twin and the index before any timing starts.
    fixture();
    divan::main();
}

struct Fixture {
    locator: GridLocator,
    tiles: TileRenderer,
    points: Vec<(f64, f64)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let scale = std::env::var("YIWANG_BENCH_SCALE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1.0);
        let twin = generate(
            &TwinConfig {
                scale,
                seed: 2023,
                boundaries: None,
            },
            &mut |_| {},
        )
        .unwrap();
        let buildings: Vec<BuildingPoint> = twin
            .premises
            .iter()
            .filter(|p| p.kind == PremisesKind::Building)
            .filter_map(BuildingPoint::from_premises)
            .collect();
        let (lon0, lon1) = (121.39, 121.48);
        let (lat0, lat1) = (31.11, 31.23);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let points = (0..1 << 16)
            .map(|_| (rng.gen_range(lon0..lon1), rng.gen_range(lat0..lat1)))
            .collect();
        eprintln!("scale {scale}: {} grid cells", twin.grids.len());
        let cases = twin.cases.iter().filter_map(CasePoint::from_case).collect();
        let tiles =
            TileRenderer::build(&twin.grids, &twin.roads, buildings.clone(), cases).unwrap();
        Fixture {
            locator: GridLocator::build(twin.grids, buildings).unwrap(),
            tiles,
            points,
        }
    })
}

#[divan::bench(sample_count = 200, sample_size = 5000)]
fn grid_chain(bencher: divan::Bencher) {
    let f = fixture();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) & ((1 << 16) - 1);
        let (lon, lat) = f.points[i];
        divan::black_box(f.locator.chain_refs(lon, lat))
    });
}

#[divan::bench(sample_count = 200, sample_size = 5000)]
fn grid_chain_with_codes_and_names(bencher: divan::Bencher) {
    let f = fixture();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) & ((1 << 16) - 1);
        let (lon, lat) = f.points[i];
        divan::black_box(f.locator.chain(lon, lat))
    });
}

#[divan::bench(sample_count = 200, sample_size = 5000)]
fn nearest_ten_buildings_within_200_m(bencher: divan::Bencher) {
    let f = fixture();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) & ((1 << 16) - 1);
        let (lon, lat) = f.points[i];
        divan::black_box(f.locator.nearest_buildings(lon, lat, 200.0, 10))
    });
}

/// The tile at the centre of the district (徐家汇/漕河泾), where every layer is densest.
#[divan::bench(args = [12, 13, 14, 15, 16], sample_count = 50, sample_size = 20)]
fn render_centre_tile_all_layers(bencher: divan::Bencher, z: u8) {
    let f = fixture();
    let tile = TileId::containing(121.435, 31.175, z).unwrap();
    bencher.bench_local(|| {
        for layer in TileLayerKind::ALL {
            divan::black_box(f.tiles.render(layer, tile).unwrap());
        }
    });
}

#[divan::bench(args = [12, 14, 16], sample_count = 50, sample_size = 20)]
fn render_centre_cases_tile(bencher: divan::Bencher, z: u8) {
    let f = fixture();
    let tile = TileId::containing(121.435, 31.175, z).unwrap();
    bencher.bench_local(|| divan::black_box(f.tiles.render(TileLayerKind::Cases, tile).unwrap()));
}
