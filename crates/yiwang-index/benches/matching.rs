//! Address matching against the premises registry of the Xuhui twin, one core.
//!
//! `cargo bench -p yiwang-index --bench matching` (scale 1 by default, about 1 M premises;
//! `YIWANG_BENCH_SCALE=0.1` for a quick run). Each iteration matches one address said by a caller
//! of the twin's cases (`宛平南路500弄9号`, `漕溪北路88号`), cycling through 65,536 of them;
//! `parse_only` is the parser alone on the same inputs, for comparison.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use yiwang_address::{Gazetteer, MatchIndex, parse};
use yiwang_core::model::PremisesAddress;
use yiwang_index::build_match_index;
use yiwang_twin::{TwinConfig, generate};

fn main() {
    // Build the twin and the index before any timing starts.
    fixture();
    divan::main();
}

struct Fixture {
    index: MatchIndex,
    gazetteer: Gazetteer,
    inputs: Vec<String>,
}

const INPUTS: usize = 1 << 16;

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
        let mut gazetteer = Gazetteer::default();
        for road in &twin.roads {
            gazetteer.add_road(&road.name, "310104");
        }
        for a in twin.aliases.iter().filter(|a| a.kind == "poi") {
            gazetteer.add_poi(&a.alias, "310104");
        }
        let index = build_match_index(
            twin.premises.iter().map(|p| PremisesAddress {
                id: p.id,
                kind: p.kind,
                standard_address: p.standard_address.clone(),
                street_code: p.street_code.clone(),
            }),
            twin.aliases.clone(),
        );
        let inputs: Vec<String> = twin
            .cases
            .iter()
            .filter_map(|c| c.address.clone())
            .cycle()
            .take(INPUTS)
            .collect();
        eprintln!(
            "scale {scale}: {} premises, index {:?}",
            twin.premises.len(),
            index.stats()
        );
        Fixture {
            index,
            gazetteer,
            inputs,
        }
    })
}

#[divan::bench(sample_count = 100, sample_size = 2000)]
fn match_spoken_address(bencher: divan::Bencher) {
    let f = fixture();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) & (INPUTS - 1);
        divan::black_box(f.index.find(&f.inputs[i], &f.gazetteer, 5))
    });
}

#[divan::bench(sample_count = 100, sample_size = 2000)]
fn parse_only(bencher: divan::Bencher) {
    let f = fixture();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) & (INPUTS - 1);
        divan::black_box(parse(&f.inputs[i], &f.gazetteer))
    });
}
