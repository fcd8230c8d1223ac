//! Writing a generated twin into the store in one transaction, with a progress bar.

use indicatif::{ProgressBar, ProgressStyle};
use yiwang_core::privacy::IdVault;
use yiwang_store::{AuditEvent, Store};
use yiwang_twin::Twin;

/// Rows per store call, so the bar moves smoothly.
const CHUNK: usize = 20_000;

fn total_rows(t: &Twin) -> usize {
    t.divisions.len()
        + t.grids.len()
        + t.roads.len()
        + t.staff.len()
        + t.premises.len()
        + t.aliases.len()
        + t.persons.len()
        + t.housing.len()
        + t.units.len()
        + t.departments.len()
        + t.cases.len()
}

macro_rules! load_table {
    ($bulk:expr, $bar:expr, $method:ident, $rows:expr, $label:literal) => {{
        $bar.set_message($label);
        for chunk in $rows.chunks(CHUNK) {
            $bulk.$method(chunk).await?;
            $bar.inc(chunk.len() as u64);
        }
    }};
}

/// Inserts every record of `twin`; nothing is visible until all of it is in.
pub async fn load(
    store: &Store,
    twin: &Twin,
    detail: serde_json::Value,
    quiet: bool,
    vault: &IdVault,
    registries: bool,
) -> anyhow::Result<()> {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total_rows(twin) as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} writing {msg:<12} [{bar:32}] {human_pos}/{human_len} rows, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut bulk = store.bulk().await?;
    load_table!(bulk, bar, divisions, twin.divisions, "divisions");
    load_table!(bulk, bar, grids, twin.grids, "grids");
    load_table!(bulk, bar, roads, twin.roads, "roads");
    load_table!(bulk, bar, staff, twin.staff, "grid staff");
    load_table!(bulk, bar, departments, twin.departments, "departments");
    load_table!(bulk, bar, premises, twin.premises, "premises");
    load_table!(bulk, bar, aliases, twin.aliases, "aliases");
    if registries {
        bar.set_message("persons");
        for chunk in twin.persons.chunks(CHUNK) {
            bulk.persons(chunk, vault).await?;
            bar.inc(chunk.len() as u64);
        }
        load_table!(bulk, bar, housing, twin.housing, "housing");
        bulk.link_housing_owners().await?;
        load_table!(bulk, bar, units, twin.units, "units");
    } else {
        bar.inc((twin.persons.len() + twin.housing.len() + twin.units.len()) as u64);
    }
    load_table!(bulk, bar, cases, twin.cases, "cases");
    bulk.audit(&AuditEvent {
        actor: "system".to_owned(),
        action: "twin.generate".to_owned(),
        entity: "district".to_owned(),
        entity_id: Some("310104".to_owned()),
        detail,
    })
    .await?;
    bar.set_message("committing");
    bulk.commit().await?;
    bar.set_message("planner statistics");
    store.analyze().await?;
    bar.finish_and_clear();
    Ok(())
}
