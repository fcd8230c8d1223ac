//! `yiwang import persons|housing|units|attestations` and `yiwang export …`: registry snapshots
//! from and to CSV or XLSX files in the column schema of `yiwang-core::registry::schema`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use yiwang_core::registry::RegistryKind;
use yiwang_core::registry::schema::{Disclosure, columns, export_cells};
use yiwang_server::registry::{ImportReport, ImportRequest, Registrar, Stage, report_xlsx};
use yiwang_server::tabular::{TableFormat, read_table};
use yiwang_store::AuditEvent;

use crate::cli::DbArgs;

/// Options of `yiwang import <registry>`.
#[derive(Debug)]
pub struct ImportOptions {
    /// The snapshot's source.
    pub source: String,
    /// Check, place and compare only.
    pub dry_run: bool,
    /// Where to write the report (.json or .xlsx).
    pub report: Option<PathBuf>,
    /// Lowest address-match score accepted.
    pub min_score: f64,
}

fn format_of(path: &Path) -> anyhow::Result<TableFormat> {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(TableFormat::from_file_name)
        .with_context(|| format!("{}: give a .csv or .xlsx file", path.display()))
}

fn who() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())
    )
}

fn bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg:<10} [{bar:32}] {human_pos}/{human_len} rows, {per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// Imports `file` as a snapshot of `kind`.
pub async fn import(
    kind: RegistryKind,
    file: &Path,
    options: &ImportOptions,
    db: DbArgs,
) -> anyhow::Result<()> {
    let format = format_of(file)?;
    if let Some(report) = &options.report {
        let ext = report.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["json", "xlsx"].contains(&ext) {
            anyhow::bail!("--report {}: give a .json or .xlsx file", report.display());
        }
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let table =
        read_table(&bytes, format).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    drop(bytes);
    let (store, vault) = db.open_with_vault().await?;
    if store.is_empty().await? {
        anyhow::bail!("the database is empty; load the district first (e.g. `yiwang demo`)");
    }
    let registrar = Registrar::open(store.clone(), vault).await?;
    let request = ImportRequest {
        kind,
        source: options.source.clone(),
        file_name: file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        actor: who(),
        dry_run: options.dry_run,
        min_score: options.min_score,
        allowed_ends: None,
    };
    let progress = bar(table.rows.len() as u64);
    progress.set_message("checking");
    let report = registrar
        .import(
            &request,
            table,
            chrono::Utc::now(),
            &|stage, done| match stage {
                Stage::Checking => progress.set_position(done),
                Stage::Comparing => progress.set_message("comparing"),
                Stage::Writing => progress.set_message("writing"),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    progress.finish_and_clear();
    store.close().await;
    print_report(file, &report);
    if let Some(path) = &options.report {
        let bytes = if path.extension().is_some_and(|e| e == "xlsx") {
            report_xlsx(&report).context("cannot write the report workbook")?
        } else {
            serde_json::to_vec_pretty(&report)?
        };
        std::fs::write(path, bytes)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    if !report.rejected.is_empty() {
        anyhow::bail!(
            "{} of {} rows rejected (listed above); the others were {}",
            report.rejected.len(),
            report.rows,
            if report.dry_run {
                "checked only"
            } else {
                "kept"
            }
        );
    }
    Ok(())
}

fn print_report(file: &Path, report: &ImportReport) {
    for r in &report.rejected {
        eprintln!("{}:{}: {}", file.display(), r.line, r.reason);
    }
    eprintln!(
        "{} rows, {} accepted, {} rejected ({} unplaced addresses); {}: {} added, {} changed, {} unchanged, {} gone{}",
        report.rows,
        report.accepted,
        report.rejected.len(),
        report.unmatched_addresses,
        if report.dry_run {
            "dry run, nothing written; would be"
        } else {
            "change set"
        },
        report.added,
        report.changed,
        report.unchanged,
        report.gone,
        report
            .change_set_id
            .map(|id| format!(" (change set {id})"))
            .unwrap_or_default()
    );
}

/// Options of `yiwang export <registry>`.
#[derive(Debug)]
pub struct ExportOptions {
    /// Write ID numbers and phones in full.
    pub unmasked: bool,
    /// Why (required with `unmasked`; audited).
    pub reason: Option<String>,
}

/// Rows read per page while exporting.
const EXPORT_PAGE: i64 = 20_000;

/// Writes every row of `kind` to `file` (.csv or .xlsx) in the import schema.
pub async fn export(
    kind: RegistryKind,
    file: &Path,
    options: &ExportOptions,
    db: DbArgs,
) -> anyhow::Result<()> {
    let format = format_of(file)?;
    let reason = options.reason.as_deref().map(str::trim).unwrap_or("");
    if options.unmasked && reason.is_empty() {
        anyhow::bail!("--unmasked needs --reason \"…\" (the unmasked export is audited)");
    }
    let (store, vault) = db.open_with_vault().await?;
    let disclosure = if options.unmasked {
        Disclosure::Unmasked(&vault)
    } else {
        Disclosure::Masked
    };
    // Audited before a single number is written: the intent is the fact to keep.
    if options.unmasked {
        store
            .audit(&AuditEvent {
                actor: who(),
                action: "registry.export_unmasked".to_owned(),
                entity: "registry".to_owned(),
                entity_id: Some(kind.as_str().to_owned()),
                detail: serde_json::json!({
                    "reason": reason,
                    "file": file.file_name().map(|n| n.to_string_lossy().into_owned()),
                }),
            })
            .await?;
    }
    let header: Vec<&str> = columns(kind).iter().map(|c| c.name).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut csv = match format {
        TableFormat::Csv => Some(
            csv::Writer::from_path(file)
                .with_context(|| format!("cannot write {}", file.display()))?,
        ),
        TableFormat::Workbook => None,
    };
    if let Some(w) = csv.as_mut() {
        w.write_record(&header)?;
    }
    let mut after = 0;
    let mut written = 0u64;
    loop {
        let (page, cursor) = store.registry_page(kind, after, EXPORT_PAGE).await?;
        let Some(cursor) = cursor else {
            break;
        };
        after = cursor;
        for (fields, address) in page {
            let cells =
                export_cells(kind, &fields, address.as_deref().unwrap_or(""), disclosure)
                    .context("cannot open a sealed ID number: is this the database's data key?")?;
            written += 1;
            match csv.as_mut() {
                Some(w) => w.write_record(&cells)?,
                None => rows.push(cells),
            }
        }
    }
    match csv {
        Some(mut w) => w.flush()?,
        None => write_workbook(file, &header, &rows)?,
    }
    store.close().await;
    eprintln!(
        "{written} {} rows written to {}{}",
        kind.as_str(),
        file.display(),
        if options.unmasked {
            " (unmasked; audited)"
        } else {
            " (ID numbers and phones masked)"
        }
    );
    Ok(())
}

fn write_workbook(file: &Path, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *name)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            // Text cells throughout: ID numbers and codes must not become numbers.
            sheet.write_string(r as u32 + 1, c as u16, cell)?;
        }
    }
    book.save(file)
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(())
}
