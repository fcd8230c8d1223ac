//! Importing registry snapshots (三个实有 and 住所云 attestations): the one pipeline behind
//! `yiwang import persons|housing|units|attestations` and `POST /api/v1/registries/{kind}/imports`.
//!
//! Each row is checked on its own (`yiwang-core::registry::rows`), its address placed on a
//! premises with the address matcher (a row whose address matches no premises well enough, or
//! not a room where a room is needed, is refused, never attached to a guess), its ID numbers
//! sealed; then the snapshot's change set against the registry is decided in `yiwang-core` and
//! applied by the store in one transaction. A bad row never stops the others.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use yiwang_address::{Gazetteer, MatchIndex, MatchLevel};
use yiwang_core::model::PremisesKind;
use yiwang_core::privacy::IdVault;
use yiwang_core::registry::changes::{changed_fields, diff};
use yiwang_core::registry::records::{StoredRecord, attestation_end_of_key, stored_record};
use yiwang_core::registry::rows::{CheckedRow, TableRow, check_row};
use yiwang_core::registry::schema::missing_columns;
use yiwang_core::registry::{AttestationEnd, RegistryKind};
use yiwang_store::{Snapshot, Store, StoreError};

use crate::tabular::Table;

/// Lowest matcher score at which an address is taken as naming a premises.
pub const DEFAULT_MIN_SCORE: f64 = 0.8;
/// Rows checked between two progress reports.
const PROGRESS_EVERY: usize = 2_000;

/// What a registry import needs: the store, the address matcher and the data key.
#[derive(Debug, Clone)]
pub struct Registrar {
    store: Store,
    vault: Arc<IdVault>,
    /// The fuzzy matcher, built when first needed (the server's is there from the start).
    matcher: Arc<tokio::sync::OnceCell<Matching>>,
    /// Standard address → premises and its kind: files of standard addresses (as the sources of
    /// 住所云 send them) are placed without the fuzzy matcher.
    exact: Arc<HashMap<String, (i64, PremisesKind)>>,
}

/// The address matcher and the place names it parses with.
#[derive(Debug)]
struct Matching {
    index: Arc<MatchIndex>,
    gazetteer: Arc<Gazetteer>,
}

/// One import: which registry, from whom, how strict.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// Which registry the file holds.
    pub kind: RegistryKind,
    /// The source whose snapshot this is (公安, 房管, 市场监管, a street office, …).
    pub source: String,
    /// The file's name, for the change set and the report.
    pub file_name: String,
    /// Who imports it.
    pub actor: String,
    /// Check, place and compare, but write nothing.
    pub dry_run: bool,
    /// Lowest matcher score for an address to count as placed.
    pub min_score: f64,
    /// For attestations: the ends the importer may write for (`None`: every end).
    pub allowed_ends: Option<Vec<AttestationEnd>>,
}

/// A refused row.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Rejected {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// Why, naming the column.
    pub reason: String,
}

/// What an import did (with `dry_run`, what it would do).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ImportReport {
    /// Registry.
    pub kind: String,
    /// Source.
    pub source: String,
    /// File name.
    pub file: String,
    /// Nothing was written.
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Rows that passed every check and were placed on a premises.
    pub accepted: usize,
    /// Refused rows, in line order.
    pub rejected: Vec<Rejected>,
    /// Of the refused rows, those whose address was not placed.
    pub unmatched_addresses: usize,
    /// Records the registry lacked.
    pub added: usize,
    /// Records that replaced a row (new values, or now answered for by this source).
    pub changed: usize,
    /// Records already held as they are.
    pub unchanged: usize,
    /// Rows of this source the snapshot no longer has (removed).
    pub gone: usize,
    /// The stored change set (none for a dry run).
    pub change_set_id: Option<i64>,
}

/// Stages reported to a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Rows checked and placed so far (of the total).
    Checking,
    /// Comparing with the registry.
    Comparing,
    /// Writing the change set.
    Writing,
}

/// Why an import could not run at all (bad rows are not errors; they are in the report).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The header lacks required columns.
    #[error("the header lacks column(s) {0} (see the README's registry file schemas)")]
    MissingColumns(String),
    /// The source name is empty or too long.
    #[error("the source must be 1 to 64 characters, e.g. 公安 or 房管")]
    BadSource,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Registrar {
    /// A registrar over an already built matcher (the server's).
    #[must_use]
    pub fn new(
        store: Store,
        vault: Arc<IdVault>,
        matcher: Arc<MatchIndex>,
        gazetteer: Arc<Gazetteer>,
    ) -> Registrar {
        Registrar {
            store,
            vault,
            matcher: Arc::new(tokio::sync::OnceCell::new_with(Some(Matching {
                index: matcher,
                gazetteer,
            }))),
            exact: Arc::new(HashMap::new()),
        }
    }

    /// A registrar for a command-line import: reads the standard addresses now and builds the
    /// fuzzy matcher only if a row needs it.
    pub async fn open(store: Store, vault: IdVault) -> Result<Registrar, StoreError> {
        let started = std::time::Instant::now();
        store.seal_plain_ids(&vault).await?;
        let mut exact = HashMap::new();
        let mut after = 0;
        loop {
            let page = store.premises_addresses(after, 50_000).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id;
            for p in page {
                exact.insert(p.standard_address, (p.id, p.kind));
            }
        }
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "standard addresses read"
        );
        Ok(Registrar {
            store,
            vault: Arc::new(vault),
            matcher: Arc::new(tokio::sync::OnceCell::new()),
            exact: Arc::new(exact),
        })
    }

    /// The fuzzy matcher, built from the store the first time it is needed.
    async fn matching(&self) -> Result<&Matching, StoreError> {
        self.matcher
            .get_or_try_init(|| async {
                let started = std::time::Instant::now();
                let gazetteer = Arc::new(crate::gazetteer(&self.store).await?);
                let index = Arc::new(crate::match_index(&self.store).await?);
                tracing::debug!(
                    seconds = started.elapsed().as_secs_f64(),
                    "address matcher built"
                );
                Ok(Matching { index, gazetteer })
            })
            .await
    }

    /// Imports `table` as one snapshot; `progress(stage, done)` is called as it goes.
    pub async fn import(
        &self,
        request: &ImportRequest,
        table: Table,
        now: DateTime<Utc>,
        progress: &(dyn Fn(Stage, u64) + Sync),
    ) -> Result<ImportReport, ImportError> {
        let source = request.source.trim();
        if source.is_empty() || source.chars().count() > 64 {
            return Err(ImportError::BadSource);
        }
        let missing = missing_columns(request.kind, &table.header);
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns(missing.join(", ")));
        }
        let rows_total = table.rows.len();
        let started = std::time::Instant::now();
        let placed = self.place_rows(request, table.rows, now, progress).await?;
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            rows = rows_total,
            "rows checked and placed"
        );
        let mut report = ImportReport {
            kind: request.kind.as_str().to_owned(),
            source: source.to_owned(),
            file: request.file_name.clone(),
            dry_run: request.dry_run,
            rows: rows_total,
            accepted: 0,
            rejected: Vec::new(),
            unmatched_addresses: 0,
            added: 0,
            changed: 0,
            unchanged: 0,
            gone: 0,
            change_set_id: None,
        };
        // One record per key: a later line with the same key is refused, naming the first.
        let mut first_line: HashMap<String, u64> = HashMap::new();
        let mut duplicates = 0;
        let mut records: Vec<StoredRecord> = Vec::with_capacity(placed.len());
        for (line, outcome) in placed {
            match outcome {
                Placed::Record(record) => match first_line.get(&record.key) {
                    Some(first) => {
                        duplicates += 1;
                        report.rejected.push(Rejected {
                            line,
                            reason: format!("{} as line {first}", duplicate_reason(request.kind)),
                        })
                    }
                    None => {
                        first_line.insert(record.key.clone(), line);
                        records.push(record);
                    }
                },
                Placed::Refused(reason) => report.rejected.push(Rejected { line, reason }),
                Placed::Unplaced(reason) => {
                    report.unmatched_addresses += 1;
                    report.rejected.push(Rejected { line, reason });
                }
            }
        }
        report.rejected.sort_by_key(|r| r.line);
        report.accepted = records.len();
        progress(Stage::Comparing, 0);
        let mut held = self.store.registry_held(request.kind).await?;
        // An end's snapshot speaks for that end only: other ends' attestations are not "gone".
        if let Some(ends) = &request.allowed_ends {
            held.retain(|key, _| {
                attestation_end_of_key(key)
                    .is_some_and(|end| ends.iter().any(|e| e.as_str() == end))
            });
        }
        let d = diff(source, &held, &records);
        drop(held);
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "compared with the registry"
        );
        report.added = d.added.len();
        report.changed = d.changed.len();
        report.unchanged = d.unchanged;
        report.gone = d.gone.len();
        if request.dry_run {
            return Ok(report);
        }
        let keys: Vec<String> = d
            .changed
            .iter()
            .map(|&i| records[i].key.clone())
            .chain(d.gone.iter().cloned())
            .collect();
        let mut before = self.store.registry_rows(request.kind, &keys).await?;
        let mut take = |key: &str| before.remove(key).unwrap_or_default();
        let changed: Vec<(&StoredRecord, Vec<String>, Map<String, Value>)> = d
            .changed
            .iter()
            .map(|&i| {
                let b = take(&records[i].key);
                (&records[i], changed_fields(&b, &records[i].fields), b)
            })
            .collect();
        let gone: Vec<(String, Map<String, Value>)> =
            d.gone.iter().map(|k| (k.clone(), take(k))).collect();
        progress(Stage::Writing, 0);
        let snapshot = Snapshot {
            kind: request.kind,
            source,
            file_name: &request.file_name,
            actor: &request.actor,
            at: now,
            rows_total,
            added: d.added.iter().map(|&i| &records[i]).collect(),
            changed,
            unchanged: d.unchanged,
            gone,
            refused: yiwang_store::Refused {
                rejected: report.rejected.len(),
                duplicates,
                unplaced: report.unmatched_addresses,
            },
        };
        report.change_set_id = Some(self.store.apply_snapshot(&snapshot).await?);
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "change set applied"
        );
        Ok(report)
    }

    /// Checks, places and seals every row, on all cores; the outcome of each by line.
    async fn place_rows(
        &self,
        request: &ImportRequest,
        mut rows: Vec<TableRow>,
        now: DateTime<Utc>,
        progress: &(dyn Fn(Stage, u64) + Sync),
    ) -> Result<Vec<(u64, Placed)>, StoreError> {
        let today = yiwang_core::workflow::shanghai(now).date();
        let all_exact = rows.iter().all(|r| {
            r.get("address")
                .is_some_and(|a| self.exact.contains_key(a.trim()))
        });
        let matching = if all_exact {
            self.matcher.get()
        } else {
            Some(self.matching().await?)
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = rows.len().div_ceil(threads).max(1);
        let done = AtomicU64::new(0);
        let kind = request.kind;
        let min_score = request.min_score;
        let ends = request.allowed_ends.as_deref();
        // Each worker owns its rows and frees each as it is placed: a district's file is held
        // once, as rows or as records, not twice.
        let mut parts = Vec::with_capacity(threads);
        while rows.len() > chunk {
            let rest = rows.split_off(chunk);
            parts.push(std::mem::replace(&mut rows, rest));
        }
        parts.push(rows);
        std::thread::scope(|scope| {
            let workers: Vec<_> = parts
                .into_iter()
                .map(|part| {
                    let done = &done;
                    scope.spawn(move || {
                        let mut out = Vec::with_capacity(part.len());
                        for (i, row) in part.into_iter().enumerate() {
                            let p = self.place(kind, &row, today, min_score, ends, matching);
                            out.push((row.line, p));
                            if (i + 1) % PROGRESS_EVERY == 0 {
                                let n = done.fetch_add(PROGRESS_EVERY as u64, Ordering::Relaxed);
                                progress(Stage::Checking, n + PROGRESS_EVERY as u64);
                            }
                        }
                        out
                    })
                })
                .collect();
            Ok(workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect())
        })
    }

    fn place(
        &self,
        kind: RegistryKind,
        row: &TableRow,
        today: chrono::NaiveDate,
        min_score: f64,
        ends: Option<&[AttestationEnd]>,
        matching: Option<&Matching>,
    ) -> Placed {
        let checked = match check_row(kind, row, today) {
            Ok(c) => c,
            Err(reason) => return Placed::Refused(reason),
        };
        if let (CheckedRow::Attestation(a), Some(ends)) = (&checked, ends)
            && !ends.contains(&a.end)
        {
            let yours: Vec<&str> = ends.iter().map(|e| e.name_zh()).collect();
            return Placed::Refused(format!(
                "`end` {} ({}) is another end's to attest; your roles attest for {}",
                a.end.name_zh(),
                a.end.as_str(),
                if yours.is_empty() {
                    "no end".to_owned()
                } else {
                    yours.join(", ")
                }
            ));
        }
        let address = checked.address();
        let (best, placed) = match self.exact.get(address.trim()) {
            Some(&(id, kind)) => (None, Some((id, level_of(kind)))),
            None => {
                let best = matching
                    .and_then(|m| m.index.find(address, &m.gazetteer, 1).into_iter().next());
                let placed = best
                    .as_ref()
                    .filter(|c| c.score >= min_score)
                    .and_then(|c| c.premises_id.map(|id| (id, c.level)));
                (best, placed)
            }
        };
        let Some((premises_id, level)) = placed else {
            let why = match best {
                Some(c) => format!(
                    "best match {} scores {:.2}, below {min_score:.2}",
                    c.standard_address, c.score
                ),
                None => "no premises matches".to_owned(),
            };
            return Placed::Unplaced(format!(
                "`address` `{address}` is not in the premises registry ({why})"
            ));
        };
        let needs_room = matches!(checked, CheckedRow::Person(_) | CheckedRow::Housing(_));
        if needs_room && level != MatchLevel::Room {
            return Placed::Unplaced(format!(
                "`address` `{address}` names a {level}, not a room; {} need the room",
                kind.name_zh()
            ));
        }
        Placed::Record(stored_record(&checked, premises_id, &self.vault))
    }
}

/// The match level a premises kind is found at.
fn level_of(kind: PremisesKind) -> MatchLevel {
    match kind {
        PremisesKind::Room => MatchLevel::Room,
        PremisesKind::Floor => MatchLevel::Floor,
        PremisesKind::Unit => MatchLevel::Unit,
        PremisesKind::Building => MatchLevel::Building,
        PremisesKind::Compound => MatchLevel::Compound,
    }
}

enum Placed {
    Record(StoredRecord),
    Refused(String),
    Unplaced(String),
}

fn duplicate_reason(kind: RegistryKind) -> &'static str {
    match kind {
        RegistryKind::Persons => "the same `id_number`",
        RegistryKind::Housing => "the same room",
        RegistryKind::Units => "the same `uscc`",
        RegistryKind::Attestations => "the same end, premises and fact",
    }
}

/// The report as a workbook: a summary sheet and a sheet of every refused row.
pub fn report_xlsx(report: &ImportReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let summary = book.add_worksheet().set_name("导入结果 summary")?;
    let counts: [(&str, String); 13] = [
        ("登记 registry", report.kind.clone()),
        ("来源 source", report.source.clone()),
        ("文件 file", report.file.clone()),
        ("试导入 dry run", report.dry_run.to_string()),
        ("数据行 rows", report.rows.to_string()),
        ("接受 accepted", report.accepted.to_string()),
        ("拒绝 rejected", report.rejected.len().to_string()),
        (
            "地址未匹配 unmatched addresses",
            report.unmatched_addresses.to_string(),
        ),
        ("新增 added", report.added.to_string()),
        ("变更 changed", report.changed.to_string()),
        ("未变 unchanged", report.unchanged.to_string()),
        ("消失 gone", report.gone.to_string()),
        (
            "变更集 change set",
            report
                .change_set_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
    ];
    for (i, (label, value)) in counts.iter().enumerate() {
        summary.write_string_with_format(i as u32, 0, *label, &bold)?;
        summary.write_string(i as u32, 1, value)?;
    }
    summary.set_column_width(0, 30)?;
    summary.set_column_width(1, 40)?;
    let rejected = book.add_worksheet().set_name("拒绝行 rejected")?;
    rejected.write_string_with_format(0, 0, "file", &bold)?;
    rejected.write_string_with_format(0, 1, "line", &bold)?;
    rejected.write_string_with_format(0, 2, "reason", &bold)?;
    for (i, r) in report.rejected.iter().enumerate() {
        let row = i as u32 + 1;
        rejected.write_string(row, 0, &report.file)?;
        rejected.write_number(row, 1, r.line as f64)?;
        rejected.write_string(row, 2, &r.reason)?;
    }
    rejected.set_column_width(2, 100)?;
    book.save_to_buffer()
}
