//! `yiwang grid check`.

use std::path::Path;

use anyhow::Context;
use yiwang_core::model::GridLevel;
use yiwang_index::check_grid;

use crate::cli::DbArgs;

pub async fn check(
    db: DbArgs,
    level: Option<GridLevel>,
    geojson: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    let store = db.open().await?;
    let (grids, buildings) = yiwang_server::index_inputs(&store).await?;
    store.close().await;
    if grids.is_empty() {
        anyhow::bail!(
            "the database has no grids; generate the twin with `yiwang demo` or import boundaries first"
        );
    }
    let report =
        tokio::task::spawn_blocking(move || check_grid(&grids, &buildings, level)).await??;
    if let Some(path) = geojson {
        std::fs::write(path, serde_json::to_vec_pretty(&report.to_geojson())?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        let levels: Vec<&str> = report.levels.iter().map(|l| l.name_zh()).collect();
        println!(
            "checked {} ({} parent cells, {} buildings)",
            levels.join(" "),
            report.parents_checked,
            report.buildings_checked
        );
        for p in &report.problems {
            let children = if p.children.is_empty() {
                String::new()
            } else {
                format!(" [{}]", p.children.join(", "))
            };
            println!(
                "{:<8} {:<15} in {}{}: {:.1} m²",
                p.kind,
                p.level.as_str(),
                p.parent,
                children,
                p.area_m2
            );
        }
        for b in &report.buildings {
            let groups = if b.building_groups.is_empty() {
                "no 楼组".to_owned()
            } else {
                b.building_groups.join(" and ")
            };
            println!(
                "building {} {} lies in {}",
                b.premises_id, b.standard_address, groups
            );
        }
        if report.is_clean() {
            println!("no gaps, overlaps, cells outside their parent, or stray buildings");
        }
    }
    if report.is_clean() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} grid problems and {} buildings not in exactly one 楼组",
            report.problems.len(),
            report.buildings.len()
        )
    }
}
