//! `yiwang import boundaries`.

use std::path::Path;

use anyhow::Context;
use geo::MapCoords;
use yiwang_core::model::GridLevel;
use yiwang_geo::{Crs, convert, parse_feature_collection};
use yiwang_index::{BoundaryFeature, BuildingMembership, BuildingPoint, plan_boundaries};
use yiwang_store::PremisesGridUpdate;

use crate::cli::DbArgs;

pub struct Options {
    pub level: GridLevel,
    pub code_field: String,
    pub name_field: String,
    pub crs: Crs,
    pub dry_run: bool,
}

fn text_property(
    properties: &serde_json::Map<String, serde_json::Value>,
    field: &str,
) -> Option<String> {
    match properties.get(field)? {
        serde_json::Value::String(s) => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub async fn import(file: &Path, options: &Options, db: DbArgs) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed = parse_feature_collection(&text)
        .with_context(|| format!("{} is not usable", file.display()))?;
    let features: Vec<BoundaryFeature> = parsed
        .into_iter()
        .enumerate()
        .map(|(i, f)| BoundaryFeature {
            index: i + 1,
            code: text_property(&f.properties, &options.code_field),
            name: text_property(&f.properties, &options.name_field),
            geometry: f.geometry.map_coords(|c| {
                let (x, y) = convert(c.x, c.y, options.crs, Crs::Wgs84);
                geo::Coord { x, y }
            }),
        })
        .collect();
    let store = db.open().await?;
    let grids = store.all_grids().await?;
    let buildings: Vec<BuildingMembership> = store
        .buildings_with_points()
        .await?
        .into_iter()
        .filter_map(|p| {
            Some(BuildingMembership {
                grid_code: p.grid_code.clone(),
                building: BuildingPoint::from_premises(&p)?,
            })
        })
        .collect();
    let level = options.level;
    let total = features.len();
    let plan =
        tokio::task::spawn_blocking(move || plan_boundaries(level, &features, &grids, &buildings))
            .await?;
    for r in &plan.rejected {
        let code = r.code.as_deref().unwrap_or("-");
        eprintln!(
            "{}: feature {} ({code}): {}",
            file.display(),
            r.index,
            r.reason
        );
    }
    println!(
        "{} features: {} changed or new, {} unchanged, {} rejected; {} lower cells re-derived; {} buildings move to another 楼组{}",
        total,
        plan.imported.len(),
        plan.unchanged,
        plan.rejected.len(),
        plan.derived.len(),
        plan.moves.len(),
        if plan.stranded.is_empty() {
            String::new()
        } else {
            format!(
                "; {} buildings now lie in no 楼组 (kept where they were)",
                plan.stranded.len()
            )
        },
    );
    for failure in &plan.failed {
        eprintln!("{}: {failure}", file.display());
    }
    if !plan.failed.is_empty() {
        anyhow::bail!(
            "nothing written: {} cells could not be re-derived (listed above)",
            plan.failed.len()
        );
    }
    if options.dry_run {
        println!("dry run: nothing written");
    } else if !plan.imported.is_empty() {
        let grids: Vec<_> = plan.imported.iter().chain(&plan.derived).cloned().collect();
        let moves: Vec<PremisesGridUpdate> = plan
            .moves
            .iter()
            .map(|m| PremisesGridUpdate {
                premises_id: m.premises_id,
                grid_code: m.grid_code.clone(),
                street_code: m.street_code.clone(),
                community_code: m.community_code.clone(),
            })
            .collect();
        let source = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let summary = store
            .apply_grid_changes(&grids, &moves, &source, "cli")
            .await?;
        println!(
            "written: {} inserted, {} replaced (previous versions kept), {} premises moved; restart `yiwang serve` to use them",
            summary.inserted, summary.replaced, summary.premises_moved
        );
    }
    store.close().await;
    if plan.rejected.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} of {} features rejected (listed above); the others were {}",
            plan.rejected.len(),
            total,
            if options.dry_run {
                "checked"
            } else {
                "imported"
            }
        )
    }
}
