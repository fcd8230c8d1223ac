//! `yiwang import cases`: historical 12345 hotline orders from CSV or XLSX.
//!
//! Every row is checked on its own ([`check_row`]); a bad row is reported with its line (line 1
//! is the header) and the reason, and the good ones are kept. Good rows are enriched like any
//! intake (address → premises with the matcher, point → grid chain, category, deadline) and
//! taken in through the store in one transaction, each under the idempotency key of its
//! `order_no`, so importing a file again adds nothing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use sha2::{Digest, Sha256};
use yiwang_core::model::CaseSource;
use yiwang_core::reference::{CategoryKind, DepartmentFact, EventCategoryFact, RequestTypeFact};
use yiwang_core::workflow::{CaseFlow, CaseState, Satisfaction};
use yiwang_server::desk::IntakeRequest;
use yiwang_server::tabular::{TableFormat, read_table};
use yiwang_store::{IdempotencyKey, Intake, NewCase};

use crate::cli::DbArgs;

/// The columns, in the order the README lists them, and whether each is required.
pub const COLUMNS: &[(&str, bool)] = &[
    ("order_no", true),
    ("received_at", true),
    ("request_type", true),
    ("text", true),
    ("address", true),
    ("category_code", false),
    ("category_kind", false),
    ("department", false),
    ("state", true),
    ("closed_at", false),
    ("satisfaction", false),
    ("reply", false),
];

/// Who the imported cases are recorded under (case timeline, audit, idempotency keys).
const ACTOR: &str = "import:12345";
/// Longest order number.
const MAX_ORDER_NO: usize = 64;
/// Longest text or reply, in characters (as `POST /api/v1/cases`).
const MAX_TEXT_CHARS: usize = 4000;

/// One data row: its line in the file (header = 1) and its cells by lower-case column name.
pub type Row = yiwang_core::registry::rows::TableRow;

/// The reference facts a row is checked against.
#[derive(Debug)]
pub struct Known {
    /// Case categories.
    pub categories: Vec<EventCategoryFact>,
    /// Departments.
    pub departments: Vec<DepartmentFact>,
    /// 12345 request types.
    pub request_types: Vec<RequestTypeFact>,
}

impl Known {
    fn load() -> anyhow::Result<Known> {
        Ok(Known {
            categories: yiwang_core::event_categories()?,
            departments: yiwang_core::departments()?,
            request_types: yiwang_core::request_types()?,
        })
    }
}

/// A checked order.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The hotline's order number: the idempotency key.
    pub order_no: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Request type name (咨询, 求助, …).
    pub request_type: String,
    /// What was reported.
    pub text: String,
    /// The address as written.
    pub address: String,
    /// Category, if the file gives one.
    pub category: Option<(CategoryKind, String)>,
    /// Department code, if given.
    pub department: Option<String>,
    /// When it was closed; `None` for an open order.
    pub closed_at: Option<DateTime<Utc>>,
    /// The reporter's verdict on a closed order.
    pub satisfaction: Option<Satisfaction>,
    /// The reply given.
    pub reply: Option<String>,
}

/// Reads a time as RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` (also with `/` or `T`) at +08:00.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let shanghai = FixedOffset::east_opt(8 * 3600).ok_or("bad offset")?;
    let normal = s.replace('/', "-").replacen('T', " ", 1);
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&normal, format) {
            return shanghai
                .from_local_datetime(&naive)
                .single()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| format!("`{s}` is not a time"));
        }
    }
    Err(format!(
        "`{s}` is not RFC 3339 nor `YYYY-MM-DD HH:MM` (+08:00)"
    ))
}

/// Checks one row against the reference facts at `now`; the error is the reason.
pub fn check_row(row: &Row, known: &Known, now: DateTime<Utc>) -> Result<Order, String> {
    let cell = |name: &str| row.get(name).map(str::trim).filter(|v| !v.is_empty());
    let required = |name: &str| cell(name).ok_or_else(|| format!("`{name}` is empty"));
    let order_no = required("order_no")?;
    if order_no.chars().count() > MAX_ORDER_NO {
        return Err(format!(
            "`order_no` is longer than {MAX_ORDER_NO} characters"
        ));
    }
    let received_at =
        parse_time(required("received_at")?).map_err(|e| format!("`received_at`: {e}"))?;
    if received_at > now {
        return Err("`received_at` is in the future".to_owned());
    }
    let request_type = required("request_type")?;
    let request_type = known
        .request_types
        .iter()
        .find(|r| r.name == request_type || r.code == request_type)
        .map(|r| r.name.clone())
        .ok_or_else(|| {
            let names: Vec<&str> = known
                .request_types
                .iter()
                .map(|r| r.name.as_str())
                .collect();
            format!(
                "`request_type` `{request_type}` is not one of: {}",
                names.join(", ")
            )
        })?;
    let text = required("text")?;
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!("`text` is longer than {MAX_TEXT_CHARS} characters"));
    }
    let address = required("address")?;
    let category = match (cell("category_kind"), cell("category_code")) {
        (kind, Some(code)) => {
            let kinds: Vec<CategoryKind> = match kind {
                Some(k) => vec![
                    k.parse()
                        .map_err(|e: String| format!("`category_kind`: {e}"))?,
                ],
                None => vec![CategoryKind::Event, CategoryKind::Component],
            };
            let found: Vec<CategoryKind> = kinds
                .into_iter()
                .filter(|k| {
                    known
                        .categories
                        .iter()
                        .any(|c| c.kind == *k && c.subclass_code == code)
                })
                .collect();
            match found[..] {
                [kind] => Some((kind, code.to_owned())),
                [] => return Err(format!("no category with subclass code `{code}`")),
                _ => {
                    return Err(format!(
                        "subclass code `{code}` exists as a component and as an event; give `category_kind`"
                    ));
                }
            }
        }
        (Some(_), None) => return Err("`category_kind` needs `category_code`".to_owned()),
        (None, None) => None,
    };
    let department = match cell("department") {
        Some(d) => Some(
            known
                .departments
                .iter()
                .find(|k| k.code == d || k.name == d || k.short_name == d)
                .map(|k| k.code.clone())
                .ok_or_else(|| {
                    format!("`department` `{d}` is no known department (code or name)")
                })?,
        ),
        None => None,
    };
    let closed = match required("state")? {
        "closed" | "已结案" | "办结" => true,
        "open" | "办理中" => false,
        other => return Err(format!("`state` `{other}` is not closed or open")),
    };
    let closed_at = match (closed, cell("closed_at")) {
        (true, Some(t)) => {
            let t = parse_time(t).map_err(|e| format!("`closed_at`: {e}"))?;
            if t < received_at {
                return Err("`closed_at` is before `received_at`".to_owned());
            }
            if t > now {
                return Err("`closed_at` is in the future".to_owned());
            }
            Some(t)
        }
        (true, None) => return Err("a closed order needs `closed_at`".to_owned()),
        (false, Some(_)) => return Err("an open order has no `closed_at`".to_owned()),
        (false, None) => None,
    };
    let satisfaction = match cell("satisfaction") {
        Some(_) if !closed => return Err("an open order has no `satisfaction` yet".to_owned()),
        Some(s) => Some(
            Satisfaction::ALL
                .iter()
                .copied()
                .find(|v| v.as_str() == s || v.name_zh() == s)
                .ok_or_else(|| {
                    format!("`satisfaction` `{s}` is not 满意/基本满意/不满意 (satisfied/basically_satisfied/unsatisfied)")
                })?,
        ),
        None => None,
    };
    let reply = cell("reply").map(str::to_owned);
    if reply
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_TEXT_CHARS)
    {
        return Err(format!(
            "`reply` is longer than {MAX_TEXT_CHARS} characters"
        ));
    }
    Ok(Order {
        order_no: order_no.to_owned(),
        received_at,
        request_type,
        text: text.to_owned(),
        address: address.to_owned(),
        category,
        department,
        closed_at,
        satisfaction,
        reply,
    })
}

/// The rows of a CSV (UTF-8) or workbook file whose first row names the columns.
pub fn read_rows(path: &Path) -> anyhow::Result<Vec<Row>> {
    let format = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(TableFormat::from_file_name)
        .with_context(|| format!("{}: give a .csv or .xlsx file", path.display()))?;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let table =
        read_table(&bytes, format).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    check_header(path, &table.header)?;
    Ok(table.rows)
}

fn check_header(path: &Path, header: &[String]) -> anyhow::Result<()> {
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|(name, required)| *required && !header.iter().any(|h| h == name))
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "{}: the header lacks column(s) {} (see README, `yiwang import cases`)",
            path.display(),
            missing.join(", ")
        );
    }
    Ok(())
}

/// One refused row.
#[derive(Debug, Serialize, PartialEq)]
pub struct Rejected {
    /// Line in the file (header = 1).
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Serialize)]
pub struct Report {
    /// New cases (with `--dry-run`: rows that passed the checks).
    pub accepted: usize,
    /// Rows whose `order_no` was imported before, with the same content: nothing new.
    pub already_imported: usize,
    /// Accepted rows whose address matched no premises (kept, unlocated).
    pub unmatched_addresses: usize,
    /// Refused rows.
    pub rejected: Vec<Rejected>,
}

/// Options of `yiwang import cases`.
#[derive(Debug)]
pub struct Options {
    /// Check and enrich, write nothing.
    pub dry_run: bool,
    /// Where to write the JSON report.
    pub report: Option<PathBuf>,
}

/// The digest stored with the idempotency key: the same order_no with other content is refused.
/// Built from the checked values (times in UTC, codes resolved), joined by a unit separator, so
/// it stays the same across releases and spellings (`TS` or `投诉`, `+08:00` or `Z`).
fn order_hash(o: &Order) -> String {
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let canonical = [
        o.order_no.clone(),
        time(Some(o.received_at)),
        o.request_type.clone(),
        o.text.clone(),
        o.address.clone(),
        o.category
            .as_ref()
            .map(|(k, c)| format!("{}:{c}", k.as_str()))
            .unwrap_or_default(),
        o.department.clone().unwrap_or_default(),
        time(o.closed_at),
        o.satisfaction
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        o.reply.clone().unwrap_or_default(),
    ]
    .join("\u{1f}");
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs the import of `file` into the database of `db`.
pub async fn import(file: &Path, options: &Options, db: DbArgs) -> anyhow::Result<()> {
    let rows = read_rows(file)?;
    let known = Known::load()?;
    let (store, vault) = db.open_with_vault().await?;
    if store.is_empty().await? {
        anyhow::bail!("the database is empty; load the district first (e.g. `yiwang demo`)");
    }
    let state = yiwang_server::AppState::build(store.clone(), vault).await?;
    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg:<10} [{bar:32}] {human_pos}/{human_len} rows, {per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("checking");
    let now = Utc::now();
    let mut report = Report {
        accepted: 0,
        already_imported: 0,
        unmatched_addresses: 0,
        rejected: Vec::new(),
    };
    let mut seen = HashSet::new();
    let mut cases = Vec::new();
    let mut lines = Vec::new();
    for row in &rows {
        bar.inc(1);
        let order = match check_row(row, &known, now) {
            Ok(o) => o,
            Err(reason) => {
                report.rejected.push(Rejected {
                    line: row.line,
                    reason,
                });
                continue;
            }
        };
        if !seen.insert(order.order_no.clone()) {
            report.rejected.push(Rejected {
                line: row.line,
                reason: format!(
                    "`order_no` `{}` appears earlier in the file",
                    order.order_no
                ),
            });
            continue;
        }
        let matched = state.resolve_address(&order.address).await?;
        if matched.is_none() {
            report.unmatched_addresses += 1;
        }
        let req = IntakeRequest {
            source: CaseSource::Hotline,
            text: order.text.clone(),
            address: Some(order.address.clone()),
            point: None,
            category: order.category.clone(),
            filing_condition: None,
            request_type: Some(order.request_type.clone()),
            priority: None,
            reporter_name: None,
            reporter_phone: None,
            reporter_account_id: None,
            premises: matched.map(|m| (m.premises_id, m.point)),
            attachments: Vec::new(),
        };
        let (mut case, enrichment) = state
            .desk
            .prepare(req, &state.grid().locator, &store, order.received_at)
            .await?;
        let mut flow = case
            .flow()
            .map_err(|e| anyhow::anyhow!("line {}: {e}", row.line))?;
        if let Some((parent, _)) = enrichment.duplicate_of
            && store
                .case(parent)
                .await?
                .is_some_and(|p| p.created_at > order.received_at)
        {
            // History repeats no later case: only an earlier one can be the original.
            let calendar = state
                .desk
                .calendar
                .read()
                .map_err(|_| anyhow::anyhow!("the working calendar is unreadable"))?;
            flow = CaseFlow::received(
                order.received_at,
                flow.time_limit,
                &calendar,
                &state.desk.limits,
            );
        }
        if let Some(department) = &order.department {
            flow.department_code = Some(department.clone());
        }
        if let Some(closed_at) = order.closed_at {
            // Its history happened elsewhere: closed as the file says, merged into nothing.
            flow.state = CaseState::Closed;
            flow.closed_at = Some(closed_at);
            flow.satisfaction = order.satisfaction;
            flow.parent_id = None;
            flow.stage = None;
            flow.stage_started_at = None;
            flow.stage_due_at = None;
        }
        case.set_flow(&flow);
        case.reply = order.reply.clone();
        cases.push(NewCase {
            case,
            actor: ACTOR.to_owned(),
            idempotency: Some(IdempotencyKey {
                key: order.order_no.clone(),
                request_hash: order_hash(&order),
            }),
            attachments: Vec::new(),
        });
        lines.push(row.line);
    }
    if options.dry_run {
        report.accepted = cases.len();
    } else {
        bar.set_message("committing");
        let results = store
            .insert_cases(&cases)
            .await
            .context("the import was not stored; the database is as it was")?;
        for (line, result) in lines.iter().zip(results) {
            match result {
                Ok(Intake::Created(_)) => report.accepted += 1,
                Ok(Intake::Replayed(_)) => report.already_imported += 1,
                Err(e) => report.rejected.push(Rejected {
                    line: *line,
                    reason: match e {
                        yiwang_store::StoreError::Conflict(_) => {
                            "`order_no` was imported before with other content".to_owned()
                        }
                        other => other.to_string(),
                    },
                }),
            }
        }
    }
    bar.finish_and_clear();
    store.close().await;
    report.rejected.sort_by_key(|r| r.line);
    for r in &report.rejected {
        eprintln!("{}:{}: {}", file.display(), r.line, r.reason);
    }
    eprintln!(
        "{} rows: {} {}, {} already imported, {} rejected; {} without a matched address",
        rows.len(),
        report.accepted,
        if options.dry_run {
            "would be imported (dry run)"
        } else {
            "imported"
        },
        report.already_imported,
        report.rejected.len(),
        report.unmatched_addresses
    );
    if let Some(path) = &options.report {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    if !report.rejected.is_empty() {
        anyhow::bail!(
            "{} of {} rows rejected (listed above); the others were {}",
            report.rejected.len(),
            rows.len(),
            if options.dry_run {
                "checked only"
            } else {
                "kept"
            }
        );
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Row {
        let mut cells = vec![
            ("order_no", "GD2025000001"),
            ("received_at", "2025-03-04 09:30"),
            ("request_type", "投诉"),
            ("text", "小区门口井盖松动，踩上去有响声"),
            ("address", "宛平南路500弄9号"),
            ("state", "closed"),
            ("closed_at", "2025-03-05T10:00:00+08:00"),
            ("satisfaction", "满意"),
        ];
        for (k, v) in pairs {
            match cells.iter_mut().find(|(c, _)| c == k) {
                Some(cell) => cell.1 = v,
                None => cells.push((k, v)),
            }
        }
        Row::from_pairs(2, &cells)
    }

    #[test]
    fn times_in_either_form() {
        let cases = [
            ("2025-03-04 09:30", Ok("2025-03-04T01:30:00+00:00")),
            ("2025/03/04 09:30:15", Ok("2025-03-04T01:30:15+00:00")),
            ("2025-03-04T09:30:00+08:00", Ok("2025-03-04T01:30:00+00:00")),
            ("2025-03-04T01:30:00Z", Ok("2025-03-04T01:30:00+00:00")),
            ("2025-03-04", Err("not RFC 3339")),
            ("yesterday", Err("not RFC 3339")),
        ];
        for (input, want) in cases {
            match (parse_time(input), want) {
                (Ok(t), Ok(w)) => assert_eq!(t.to_rfc3339(), w, "{input}"),
                (Err(e), Err(part)) => assert!(e.contains(part), "{input}: {e}"),
                (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn rows_are_checked_one_rule_at_a_time() {
        let known = Known::load().expect("reference data");
        let now = parse_time("2026-01-01 00:00").expect("time");
        type Case<'a> = (Vec<(&'a str, &'a str)>, Result<(), &'a str>);
        let cases: Vec<Case> = vec![
            (vec![], Ok(())),
            (
                vec![("state", "open"), ("closed_at", ""), ("satisfaction", "")],
                Ok(()),
            ),
            (vec![("request_type", "TS")], Ok(())),
            (vec![("category_code", "0491")], Ok(())),
            (
                vec![("category_code", "0401"), ("category_kind", "event")],
                Ok(()),
            ),
            (vec![("department", "区房管局")], Ok(())),
            (vec![("order_no", " ")], Err("`order_no` is empty")),
            (vec![("received_at", "3/4/2025")], Err("`received_at`")),
            (
                vec![("received_at", "2026-06-01 08:00")],
                Err("in the future"),
            ),
            (vec![("request_type", "闲聊")], Err("is not one of: 咨询")),
            (vec![("text", "")], Err("`text` is empty")),
            (vec![("address", "")], Err("`address` is empty")),
            (vec![("category_code", "9999")], Err("no category")),
            (vec![("category_code", "0401")], Err("give `category_kind`")),
            (
                vec![("category_kind", "event")],
                Err("needs `category_code`"),
            ),
            (vec![("department", "不存在局")], Err("no known department")),
            (vec![("state", "pending")], Err("not closed or open")),
            (vec![("closed_at", "")], Err("needs `closed_at`")),
            (
                vec![("closed_at", "2025-03-01 00:00")],
                Err("before `received_at`"),
            ),
            (
                vec![("state", "open"), ("satisfaction", "")],
                Err("has no `closed_at`"),
            ),
            (
                vec![("state", "open"), ("closed_at", "")],
                Err("no `satisfaction` yet"),
            ),
            (vec![("satisfaction", "还行")], Err("`satisfaction`")),
        ];
        for (changes, want) in cases {
            let got = check_row(&row(&changes), &known, now);
            match (got, want) {
                (Ok(_), Ok(())) => {}
                (Err(e), Err(part)) => assert!(e.contains(part), "{changes:?}: {e}"),
                (got, want) => panic!("{changes:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_good_row_reads_every_field() {
        let known = Known::load().expect("reference data");
        let now = parse_time("2026-01-01 00:00").expect("time");
        let order = check_row(
            &row(&[
                ("department", "XH-FGJ"),
                ("request_type", "ZX"),
                ("reply", "已处理"),
            ]),
            &known,
            now,
        );
        let order = order.expect("valid");
        assert_eq!(order.request_type, "咨询");
        assert_eq!(order.satisfaction, Some(Satisfaction::Satisfied));
        assert_eq!(
            order.closed_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2025-03-05T02:00:00+00:00")
        );
        assert_eq!(order.reply.as_deref(), Some("已处理"));
    }

    #[test]
    fn the_same_order_spelt_differently_has_one_hash() {
        let known = Known::load().expect("reference data");
        let now = parse_time("2026-01-01 00:00").expect("time");
        let hash = |changes: &[(&str, &str)]| {
            order_hash(&check_row(&row(changes), &known, now).expect("valid"))
        };
        let plain = hash(&[]);
        assert_eq!(
            hash(&[
                ("request_type", "TS"),
                ("received_at", "2025-03-04T01:30:00Z")
            ]),
            plain
        );
        assert_eq!(
            hash(&[
                ("satisfaction", "satisfied"),
                ("text", " 小区门口井盖松动，踩上去有响声 ")
            ]),
            plain
        );
        assert_ne!(hash(&[("reply", "已修复")]), plain);
    }
}
