//! The case desk: puts the intake rules of `yiwang-core` together with the indexes and the store.
//!
//! A new case is enriched (address → premises, point → grid chain, text → category and filing
//! condition, deadline on the calendar, repeat of an open case?) and handed to one writer task
//! that commits cases in groups: one durable commit acknowledges every case in the group, which
//! is what lets intake outrun the disk's flush rate. A case is answered only after its group is
//! committed, so nothing acknowledged is lost.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};
use yiwang_core::WorkCalendar;
use yiwang_core::intake::{
    CategoryModel, Classification, Classifier, DuplicateRules, Probe, ResponsibilityMatrix, Route,
    find_duplicate,
};
use yiwang_core::model::{Case, CaseSource};
use yiwang_core::reference::{
    CategoryKind, EventCategoryFact, RequestTypeFact, TimeLimitUnit, departments, event_categories,
    request_types,
};
use yiwang_core::role::Role;
use yiwang_core::workflow::{
    ActionInput, Actor, CaseAction, CaseFlow, StageLimits, TimeLimit, decide, overdue_supervision,
    shanghai,
};
use yiwang_index::GridLocator;
use yiwang_store::{CaseChange, CaseProbe, CaseQuery, Intake, NewCase, Store, StoreError};

/// Most cases committed together.
const GROUP_MAX: usize = 512;
/// Intake requests waiting for the writer before callers wait for room.
const QUEUE_DEPTH: usize = 8192;

struct Pending {
    case: NewCase,
    reply: oneshot::Sender<Result<Intake, StoreError>>,
}

/// Why the desk could not start.
#[derive(Debug, thiserror::Error)]
#[error("case reference data: {0}")]
pub struct DeskError(String);

/// Rules and reference data for cases, and the intake writer.
#[derive(Debug)]
pub struct CaseDesk {
    /// Text → category by keyword rules.
    pub classifier: Classifier,
    /// Text → category, learned from the closed cases at start-up.
    pub model: RwLock<CategoryModel>,
    /// Category × street → departments.
    pub matrix: RwLock<ResponsibilityMatrix>,
    /// Working days and hours.
    pub calendar: RwLock<WorkCalendar>,
    /// Stage clocks.
    pub limits: StageLimits,
    /// Repeat detection thresholds.
    pub duplicates: DuplicateRules,
    request_types: Vec<RequestTypeFact>,
    writer: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

/// A case to take in, after the request was checked.
#[derive(Debug, Clone)]
pub struct IntakeRequest {
    /// Where it came from.
    pub source: CaseSource,
    /// What was reported.
    pub text: String,
    /// The address as given.
    pub address: Option<String>,
    /// WGS-84 point, if given.
    pub point: Option<(f64, f64)>,
    /// Category chosen by the caller (kind and subclass), if any.
    pub category: Option<(CategoryKind, String)>,
    /// The filing condition (立案条件) of that subclass chosen by the caller; else the text
    /// decides.
    pub filing_condition: Option<String>,
    /// 12345 request type name (咨询/求助/投诉/举报/建议).
    pub request_type: Option<String>,
    /// `normal`, `urgent` or `critical`, if the caller set it.
    pub priority: Option<String>,
    /// Reporter's name.
    pub reporter_name: Option<String>,
    /// Reporter's phone, normalised.
    pub reporter_phone: Option<String>,
    /// Reporting account.
    pub reporter_account_id: Option<i64>,
    /// Premises already resolved from the address, with its point.
    pub premises: Option<(i64, Option<(f64, f64)>)>,
    /// Metadata of the photos and documents reported with it (kept on the timeline).
    pub attachments: Vec<serde_json::Value>,
}

/// What enrichment found, to show the person taking the case.
#[derive(Debug, Clone)]
pub struct Enrichment {
    /// The category suggested from the text, when none was given.
    pub classification: Option<Classification>,
    /// Where the matrix sends it.
    pub route: Option<Route>,
    /// The open case this one repeats, with the reason.
    pub duplicate_of: Option<(i64, String)>,
}

impl CaseDesk {
    /// Loads the reference data and starts the intake writer on `store`.
    pub fn start(store: Store) -> Result<Arc<CaseDesk>, DeskError> {
        let categories = event_categories().map_err(|e| DeskError(e.to_string()))?;
        let depts = departments().map_err(|e| DeskError(e.to_string()))?;
        let matrix = ResponsibilityMatrix::from_reference(&categories, &depts)
            .map_err(|e| DeskError(e.to_string()))?;
        let mut calendar = WorkCalendar::statutory().map_err(|e| DeskError(e.to_string()))?;
        // The district's working hours and how working-day limits end, if configured.
        if let Ok(periods) = std::env::var("YIWANG_WORK_PERIODS") {
            calendar
                .set_work_periods_text(&periods)
                .map_err(|e| DeskError(format!("YIWANG_WORK_PERIODS: {e}")))?;
        }
        match std::env::var("YIWANG_WORKING_DAY_RULE").as_deref() {
            Err(_) | Ok("end_of_day") => {}
            Ok("same_time") => calendar.set_working_day_rule(yiwang_core::WorkingDayRule::SameTime),
            Ok(other) => {
                return Err(DeskError(format!(
                    "YIWANG_WORKING_DAY_RULE `{other}` is not end_of_day or same_time"
                )));
            }
        }
        let (writer, queue) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(write_groups(store, queue));
        let desk = Arc::new(CaseDesk {
            classifier: Classifier::new(categories),
            model: RwLock::new(CategoryModel::default()),
            matrix: RwLock::new(matrix),
            calendar: RwLock::new(calendar),
            limits: StageLimits::default(),
            duplicates: DuplicateRules::default(),
            request_types: request_types().map_err(|e| DeskError(e.to_string()))?,
            writer,
        });
        Ok(desk)
    }

    /// Runs the automatic 督办 every `every` until the process ends.
    pub fn spawn_supervision(self: &Arc<Self>, store: Store, every: std::time::Duration) {
        let desk = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let Some(desk) = desk.upgrade() else { return };
                match desk.supervise_overdue(&store, Utc::now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(cases = n, "overdue cases flagged for supervision"),
                    Err(e) => {
                        tracing::warn!(error = %e, "automatic supervision failed; retrying next round")
                    }
                }
            }
        });
    }

    /// Lays the district's listed dates over the statutory calendar.
    pub fn apply_calendar_days(&self, days: &[yiwang_store::CalendarDay]) -> Result<(), DeskError> {
        let mut calendar = self
            .calendar
            .write()
            .map_err(|_| DeskError("calendar lock poisoned".to_owned()))?;
        for d in days {
            let date = chrono::NaiveDate::parse_from_str(&d.day, "%Y-%m-%d")
                .map_err(|e| DeskError(format!("calendar day {}: {e}", d.day)))?;
            let kind: yiwang_core::DayKind = d
                .kind
                .parse()
                .map_err(|e| DeskError(format!("calendar day {}: {e}", d.day)))?;
            calendar.with_overrides(date, kind);
        }
        Ok(())
    }

    /// Lays the district's edited routing rules (CSV lines) over the defaults. A stored line that
    /// no longer checks (a department removed since) is skipped with a warning.
    pub fn apply_routing_lines(&self, lines: &[String]) -> Result<(), DeskError> {
        let mut matrix = self
            .matrix
            .write()
            .map_err(|_| DeskError("routing lock poisoned".to_owned()))?;
        for line in lines {
            let csv = format!("{}\n{line}\n", yiwang_core::intake::routing::CSV_HEADER);
            if let Err(errors) = matrix.apply_csv(&csv) {
                let reasons: Vec<String> = errors.iter().map(ToString::to_string).collect();
                tracing::warn!(line = %line, reasons = %reasons.join("; "), "stored routing rule skipped");
            }
        }
        Ok(())
    }

    /// Learns the category model from up to `limit` of the latest closed cases.
    pub async fn learn_categories(&self, store: &Store, limit: i64) -> Result<usize, StoreError> {
        let examples = store.closed_case_categories(limit).await?;
        let model = tokio::task::spawn_blocking(move || {
            CategoryModel::train(examples.iter().filter_map(|(text, kind, code)| {
                Some((
                    text.as_str(),
                    kind.parse::<CategoryKind>().ok()?,
                    code.as_str(),
                ))
            }))
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let labels = model.label_count();
        *self.model.write().map_err(|_| poisoned())? = model;
        Ok(labels)
    }

    /// A category row by kind and subclass, choosing the filing condition the text points at.
    pub fn category(
        &self,
        kind: CategoryKind,
        code: &str,
        text: &str,
    ) -> Option<EventCategoryFact> {
        self.classifier.row_for(kind, code, text).cloned()
    }

    /// The whole-case limit: the category's, else the request type's working days, else 5
    /// working days.
    pub fn time_limit(
        &self,
        category: Option<&EventCategoryFact>,
        request_type: Option<&str>,
    ) -> TimeLimit {
        if let Some(c) = category {
            return TimeLimit::new(c.time_limit_amount, c.time_limit_unit);
        }
        let days = request_type
            .and_then(|name| {
                self.request_types
                    .iter()
                    .find(|r| r.name == name || r.code == name)
            })
            .map_or(5, |r| r.default_time_limit_working_days);
        TimeLimit::new(days, TimeLimitUnit::WorkingDay)
    }

    /// Known 12345 request type names.
    pub fn request_type_names(&self) -> Vec<&str> {
        self.request_types.iter().map(|r| r.name.as_str()).collect()
    }

    /// Where a case goes by its category and street.
    pub fn route_of(&self, case: &Case) -> Option<Route> {
        let kind: CategoryKind = case.category_kind.as_deref()?.parse().ok()?;
        let matrix = self.matrix.read().ok()?;
        matrix.route(
            kind,
            case.category_code.as_deref()?,
            case.street_code.as_deref(),
        )
    }

    /// Builds the case record for `req` at `now`: grid chain from the point, category (given or
    /// suggested), deadline and intake clock, and a repeat check against open cases at the same
    /// premises or in the same 楼组. A repeat is taken in already merged into the original.
    pub async fn prepare(
        &self,
        req: IntakeRequest,
        locator: &GridLocator,
        store: &Store,
        now: DateTime<Utc>,
    ) -> Result<(Case, Enrichment), StoreError> {
        let point = req.point.or(req.premises.and_then(|(_, p)| p));
        let chain = point.map(|(lon, lat)| locator.chain_refs(lon, lat));
        let street_code = chain.and_then(|c| c[0].map(|g| g.code.clone()));
        let grid_code = chain.and_then(|c| c.iter().rev().flatten().next().map(|g| g.code.clone()));
        let (category, classification) = match &req.category {
            Some((kind, code)) => {
                let chosen = req.filing_condition.as_ref().and_then(|condition| {
                    self.classifier
                        .categories()
                        .iter()
                        .find(|c| {
                            c.kind == *kind
                                && c.subclass_code == *code
                                && c.filing_condition == *condition
                        })
                        .cloned()
                });
                (
                    chosen.or_else(|| self.category(*kind, code, &req.text)),
                    None,
                )
            }
            None => {
                let model = self.model.read().map_err(|_| poisoned())?;
                match self.classifier.suggest(&req.text, &model) {
                    Some(c) => (Some(c.category.clone()), Some(c)),
                    None => (None, None),
                }
            }
        };
        let limit = self.time_limit(category.as_ref(), req.request_type.as_deref());
        let flow = {
            let calendar = self.calendar.read().map_err(|_| poisoned())?;
            CaseFlow::received(now, limit, &calendar, &self.limits)
        };
        let priority = req.priority.clone().unwrap_or_else(|| {
            match category.as_ref().map(|c| c.time_limit_unit) {
                Some(TimeLimitUnit::UrgentHour) => "urgent",
                _ => "normal",
            }
            .to_owned()
        });
        let mut case = Case {
            id: 0,
            case_no: format!("XH{}-", shanghai(now).format("%Y%m%d")),
            source: req.source,
            category_kind: category.as_ref().map(|c| c.kind.as_str().to_owned()),
            category_code: category.as_ref().map(|c| c.subclass_code.clone()),
            category_name: category.as_ref().map(|c| c.subclass_name.clone()),
            request_type: req.request_type.clone(),
            text: req.text.clone(),
            address: req.address.clone(),
            premises_id: req.premises.map(|(id, _)| id),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
            street_code,
            grid_code,
            department_code: None,
            state: String::new(),
            priority,
            reporter_name: req.reporter_name.clone(),
            reporter_phone: req.reporter_phone.clone(),
            created_at: now,
            due_at: None,
            closed_at: None,
            satisfaction: None,
            reply: None,
            parent_id: None,
            time_limit_amount: None,
            time_limit_unit: None,
            rework_count: 0,
            supervised: false,
            reopened: false,
            pending_request: None,
            returned_by: None,
            stage: None,
            stage_started_at: None,
            stage_due_at: None,
            paused_at: None,
            reporter_account_id: req.reporter_account_id,
            assisting_departments: None,
            version: 0,
        };
        case.set_flow(&flow);
        let duplicate_of = self.find_repeat(&case, store).await?;
        if let Some((parent, _)) = &duplicate_of {
            // 重复诉求原则上并单: taken in merged into the open original.
            case.set_flow(&flow.merged_into(*parent, now));
        }
        let route = self.route_of(&case);
        Ok((
            case,
            Enrichment {
                classification,
                route,
                duplicate_of,
            },
        ))
    }

    async fn find_repeat(
        &self,
        case: &Case,
        store: &Store,
    ) -> Result<Option<(i64, String)>, StoreError> {
        // Open candidates by premises and by 楼组, recent first: each query walks one small index
        // range (premises_id / grid_code with created_at) and reads a few columns.
        let mut candidates = Vec::new();
        if let Some(premises_id) = case.premises_id {
            candidates.extend(
                store
                    .case_probes(&CaseQuery {
                        premises_id: Some(premises_id),
                        created_from: Some(case.created_at - self.duplicates.same_place_window),
                        open_only: true,
                        limit: 100,
                        ..CaseQuery::default()
                    })
                    .await?,
            );
        }
        if let (Some(grid), Some(_)) = (&case.grid_code, &case.category_code) {
            candidates.extend(
                store
                    .case_probes(&CaseQuery {
                        grid_code: Some(grid.clone()),
                        created_from: Some(case.created_at - self.duplicates.nearby_window),
                        open_only: true,
                        limit: 100,
                        ..CaseQuery::default()
                    })
                    .await?,
            );
        }
        let subclass = |kind: &Option<String>, code: &Option<String>| {
            code.as_ref()
                .map(|code| format!("{}:{code}", kind.as_deref().unwrap_or("")))
        };
        let probe = |c: &CaseProbe| Probe {
            id: c.id,
            premises_id: c.premises_id,
            subclass_code: subclass(&c.category_kind, &c.category_code),
            point: c.lon.zip(c.lat),
            created_at: c.created_at,
            text: c.text.clone(),
        };
        let new = Probe {
            id: case.id,
            premises_id: case.premises_id,
            subclass_code: subclass(&case.category_kind, &case.category_code),
            point: case.lon.zip(case.lat),
            created_at: case.created_at,
            text: case.text.clone(),
        };
        let open: Vec<Probe> = candidates.iter().map(probe).collect();
        Ok(find_duplicate(&new, &open, &self.duplicates))
    }

    /// The automatic 督办: flags every open case past its deadline that is not yet supervised,
    /// as the `system` actor with the shift leader's authority, on the case's timeline. Answers
    /// how many were flagged.
    pub async fn supervise_overdue(
        &self,
        store: &Store,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let system = Actor {
            roles: vec![Role::ShiftLeader],
            org_code: None,
        };
        let input = ActionInput::new(CaseAction::Supervise);
        let mut flagged = 0;
        loop {
            let batch = store.overdue_unsupervised(now, 500).await?;
            if batch.is_empty() {
                return Ok(flagged);
            }
            for mut case in batch {
                let Ok(flow) = case.flow() else { continue };
                if !overdue_supervision(&flow, now) {
                    continue;
                }
                let next = {
                    let calendar = self.calendar.read().map_err(|_| poisoned())?;
                    match decide(&flow, &input, &system, now, &calendar, &self.limits) {
                        Ok(next) => next,
                        Err(_) => continue,
                    }
                };
                let from = case.state.clone();
                case.set_flow(&next);
                let change = CaseChange {
                    case: &case,
                    action: CaseAction::Supervise.as_str(),
                    actor: "system",
                    from_state: &from,
                    detail: serde_json::json!({ "reason": "超期自动督办", "due_at": flow.due_at }),
                };
                match store.change_case(&change).await {
                    Ok(_) => flagged += 1,
                    // Someone acted on it meanwhile; the next sweep looks again.
                    Err(StoreError::Stale(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }

    /// Hands `case` to the writer and waits until its group is committed.
    pub async fn submit(&self, case: NewCase) -> Result<Intake, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Pending { case, reply })
            .await
            .map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }
}

fn poisoned() -> StoreError {
    StoreError::Conflict("the calendar is being changed; try again".to_owned())
}

fn writer_gone() -> StoreError {
    StoreError::Unavailable("the server is shutting down; the case was not taken in".to_owned())
}

/// The writer: takes whatever is queued (up to [`GROUP_MAX`]) and commits it as one group.
async fn write_groups(store: Store, mut queue: mpsc::Receiver<Pending>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match queue.try_recv() {
                Ok(p) => group.push(p),
                Err(_) => break,
            }
        }
        let cases: Vec<NewCase> = group.iter().map(|p| p.case.clone()).collect();
        match store.insert_cases(&cases).await {
            Ok(results) => {
                for (p, r) in group.into_iter().zip(results) {
                    // The caller may have gone away; the case is committed either way.
                    let _ = p.reply.send(r);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, cases = group.len(), "intake group failed; nothing of it was committed");
                let message = e.to_string();
                for p in group {
                    let _ = p.reply.send(Err(StoreError::Unavailable(format!(
                        "the case could not be stored ({message}); it was not taken in — send it again"
                    ))));
                }
            }
        }
    }
}
