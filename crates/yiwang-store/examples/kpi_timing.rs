//! Times the KPI reads on a database, e.g. the scale-1 twin made by
//! `yiwang demo --scale 1 --db /tmp/kpi-s1.db --no-serve`:
//!
//! ```text
//! cargo run --release -p yiwang-store --example kpi_timing -- sqlite:///tmp/kpi-s1.db 5
//! ```
//!
//! The period is the twin's year of cases (2025-11-01 to 2026-10-31, UTC+8). First the KPI facts
//! are filled from the store (what a server does at start-up); then each report is timed as a
//! request makes it: bring the facts up to date, tally, name the groups. Each runs once cold,
//! then `runs` times; it prints the cold time, the median and the maximum of the warm runs.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use yiwang_core::kpi::Period;
use yiwang_store::{KpiFacts, KpiGrouping, Store, StoreError};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(name: &str, times: &mut [Duration], rows: usize) {
    let cold = times[0];
    let warm = &mut times[1..];
    warm.sort();
    let median = warm.get(warm.len() / 2).copied().unwrap_or(cold);
    let max = warm.last().copied().unwrap_or(cold);
    println!(
        "{name:<22} {rows:>5} rows   cold {:>8.1} ms   median {:>8.1} ms   max {:>8.1} ms",
        ms(cold),
        ms(median),
        ms(max)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), StoreError> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "sqlite:///tmp/kpi-s1.db".to_owned());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let store = Store::connect(&url).await?;
    let (Some(from), Some(to)) = (
        Utc.with_ymd_and_hms(2025, 10, 31, 16, 0, 0).single(),
        Utc.with_ymd_and_hms(2026, 10, 31, 16, 0, 0).single(),
    ) else {
        return Ok(());
    };
    let now = Utc::now();
    let t = Instant::now();
    let mut facts = KpiFacts::default();
    let read = store.refresh_kpi_facts(&mut facts).await?;
    println!(
        "{url}: facts of {read} cases filled in {:.1} ms",
        ms(t.elapsed())
    );
    let groupings = [
        ("street", KpiGrouping::Street),
        ("area", KpiGrouping::Area),
        ("community", KpiGrouping::Community),
        ("grid", KpiGrouping::Grid),
        ("department", KpiGrouping::Department),
        ("source", KpiGrouping::Source),
        ("month", KpiGrouping::Month),
    ];
    let mut busiest_area = String::new();
    for (name, by) in groupings {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..=runs {
            let t = Instant::now();
            store.refresh_kpi_facts(&mut facts).await?;
            let r = store.kpi_counts_in(&facts, by, from, to, now).await?;
            times.push(t.elapsed());
            rows = r.len();
            if by == KpiGrouping::Area
                && let Some(top) = r
                    .iter()
                    .filter(|r| !r.group.is_empty())
                    .max_by_key(|r| r.counts.received)
            {
                busiest_area.clone_from(&top.group);
            }
        }
        report(&format!("kpis by={name}"), &mut times, rows);
    }
    let mut times = Vec::new();
    for _ in 0..=runs {
        let t = Instant::now();
        store.refresh_kpi_facts(&mut facts).await?;
        facts.table().total(&Period::new(from, to, now));
        times.push(t.elapsed());
    }
    report("kpis total", &mut times, 1);
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..=runs {
        let t = Instant::now();
        rows = store
            .problem_cases(&busiest_area, from, to, now)
            .await?
            .len();
        times.push(t.elapsed());
    }
    report(&format!("problem cases {busiest_area}"), &mut times, rows);
    Ok(())
}
