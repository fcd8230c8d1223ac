//! `yiwang import boundaries`: the file's features, imported by the server crate's one path
//! (`yiwang_server::boundaries`), reported one line per refused feature.

use std::path::Path;

use anyhow::Context;
use yiwang_server::boundaries::{
    BoundaryError, BoundaryOptions, features_from_geojson, import_boundaries,
};

use crate::cli::DbArgs;

pub async fn import(file: &Path, options: &BoundaryOptions, db: DbArgs) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let features = features_from_geojson(&text, options)
        .with_context(|| format!("{} is not usable", file.display()))?;
    let store = db.open().await?;
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let outcome = import_boundaries(&store, features, options, &source, "cli").await;
    store.close().await;
    let report = match outcome {
        Ok(r) => r,
        Err(BoundaryError::Underivable(failed)) => {
            for failure in &failed {
                eprintln!("{}: {failure}", file.display());
            }
            anyhow::bail!(
                "nothing written: {} cells could not be re-derived (listed above)",
                failed.len()
            );
        }
        Err(e) => return Err(e.into()),
    };
    for r in &report.rejected {
        let code = r.code.as_deref().unwrap_or("-");
        eprintln!(
            "{}: feature {} ({code}): {}",
            file.display(),
            r.feature,
            r.reason
        );
    }
    println!(
        "{} features: {} changed or new, {} unchanged, {} rejected; {} lower cells re-derived; {} buildings move to another 楼组{}",
        report.features,
        report.changed,
        report.unchanged,
        report.rejected.len(),
        report.derived,
        report.buildings_moved,
        if report.buildings_stranded == 0 {
            String::new()
        } else {
            format!(
                "; {} buildings now lie in no 楼组 (kept where they were)",
                report.buildings_stranded
            )
        },
    );
    if options.dry_run {
        println!("dry run: nothing written");
    } else if report.written {
        println!(
            "written: {} inserted, {} replaced (previous versions kept), {} buildings moved; a running server picks them up within {} s",
            report.inserted,
            report.replaced,
            report.buildings_moved,
            yiwang_server::grid_maps::REFRESH_EVERY.as_secs()
        );
    }
    if report.rejected.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} of {} features rejected (listed above); the others were {}",
            report.rejected.len(),
            report.features,
            if options.dry_run {
                "checked"
            } else {
                "imported"
            }
        )
    }
}
