//! Case KPIs (综合评价 of 数字城管 and 12345): the counts kept per group and period, and the
//! rates computed from them (research: standards.md §1.7 and §3.4).
//!
//! A period is a half-open interval of instants `[from, to)`. Each count below says which cases
//! of the group it takes; a case can be counted in one period for being received and in a later
//! one for being due or closed.
//!
//! * **受理 (`received`)**: received (`created_at`) in the period.
//! * **应结案 (`due`)**: a case that had to be finished — neither rejected (不予受理) nor merged
//!   into another (已并单) — whose deadline (`due_at`) falls in the period and which was not
//!   closed before the period, or which was closed (`closed_at`) in the period. A case closed
//!   early, before a deadline in a later period, is due only in the period it was closed in; a
//!   case closed after a deadline in an earlier period is due in both. So `closed ≤ due` always
//!   holds.
//! * **结案 (`closed`)**: in state 已结案 and closed in the period.
//! * **按期结案 (`closed_on_time`)**: closed in the period, at or before its deadline.
//! * **返工 (`reworked`)**: closed in the period after at least one 返工/重办 (`rework_count > 0`).
//! * **解决 (`resolved`)**: closed in the period without rework and not judged 不满意 at 回访. The
//!   department's own finding (承办部门认定) is not recorded, so this is the proxy.
//! * **回访 (`revisited`)**: closed in the period with a 回访 verdict; `satisfied`,
//!   `basically_satisfied` and `unsatisfied` split it.
//! * **重复 (`merged_repeats`)**: received in the period and merged (并单) into an earlier case.
//! * **超期未结 (`overdue_open`)**: past its deadline and not finished at the end of the period
//!   (or now, if the period has not ended), judged by the case's current state; a case closed
//!   after the end counts too.
//! * **督办 (`supervised`)**, **退单 (`returned`)**, **退单审核中 (`disputed`)** and **跨部门
//!   (`cross_department`)**: received in the period and, respectively, supervised; returned by a
//!   department at least once; waiting now for the centre's review of a return; handled by more
//!   than one department: dispatched with assisting departments (协办), or handled now by another
//!   department than the one that returned it.
//! * **`handling_minutes`**: the sum, over the cases closed in the period, of the minutes from
//!   receipt to closing.

use serde::{Deserialize, Serialize};

mod facts;
mod posts;

pub use facts::{CaseFactRow, FactKey, FactTable, Period};
pub use posts::{EventFactRow, EventTable, PostCounts, post_of};

/// Counts of one group (a street, 片区, grid, department, source or month) over one period.
///
/// The module documentation defines which cases each count takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseCounts {
    /// 受理数: received in the period.
    pub received: i64,
    /// 应结案数: deadline in the period (and not closed before it) or closed in it; not rejected,
    /// not merged.
    pub due: i64,
    /// 结案数: closed in the period.
    pub closed: i64,
    /// 按期结案数: closed in the period at or before the deadline.
    pub closed_on_time: i64,
    /// 返工数: closed in the period after rework.
    pub reworked: i64,
    /// 解决数: closed in the period without rework and not judged 不满意.
    pub resolved: i64,
    /// 回访数: closed in the period with a 回访 verdict.
    pub revisited: i64,
    /// 满意.
    pub satisfied: i64,
    /// 基本满意.
    pub basically_satisfied: i64,
    /// 不满意.
    pub unsatisfied: i64,
    /// 重复 (并单) cases received in the period.
    pub merged_repeats: i64,
    /// 超期未结 at the end of the period.
    pub overdue_open: i64,
    /// 督办 cases received in the period.
    pub supervised: i64,
    /// Received in the period and returned (退单) by a department at least once.
    pub returned: i64,
    /// Received in the period and waiting now for the review of a return (退单审核).
    pub disputed: i64,
    /// Received in the period and handled by more than one department: with assisting departments
    /// (协办), or now by another department than the one that returned it.
    pub cross_department: i64,
    /// Minutes from receipt to closing, summed over the cases closed in the period.
    pub handling_minutes: f64,
}

impl std::ops::AddAssign for CaseCounts {
    fn add_assign(&mut self, o: CaseCounts) {
        self.received += o.received;
        self.due += o.due;
        self.closed += o.closed;
        self.closed_on_time += o.closed_on_time;
        self.reworked += o.reworked;
        self.resolved += o.resolved;
        self.revisited += o.revisited;
        self.satisfied += o.satisfied;
        self.basically_satisfied += o.basically_satisfied;
        self.unsatisfied += o.unsatisfied;
        self.merged_repeats += o.merged_repeats;
        self.overdue_open += o.overdue_open;
        self.supervised += o.supervised;
        self.returned += o.returned;
        self.disputed += o.disputed;
        self.cross_department += o.cross_department;
        self.handling_minutes += o.handling_minutes;
    }
}

/// The rates of one group, as fractions in `[0, 1]`; `None` when the denominator is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpis {
    /// 结案率 = 结案数 / 应结案数.
    pub closed_rate: Option<f64>,
    /// 按期结案率 = 按期结案数 / 应结案数.
    pub on_time_closed_rate: Option<f64>,
    /// 超期结案数 = 结案数 − 按期结案数.
    pub overdue_closed: i64,
    /// 返工率 = 返工数 / 结案数.
    pub rework_rate: Option<f64>,
    /// 满意率 = (满意 + 基本满意) / 回访数.
    pub satisfaction_rate: Option<f64>,
    /// 解决率 = 解决数 / 结案数.
    pub resolution_rate: Option<f64>,
    /// 重复率 = 重复 (并单) 数 / 受理数.
    pub repeat_rate: Option<f64>,
    /// 平均处置时长 in hours: handling minutes / 结案数 / 60.
    pub average_handling_hours: Option<f64>,
}

/// `num / den`, or `None` when `den` is 0.
fn ratio(num: f64, den: i64) -> Option<f64> {
    // Counts stay far below 2^53, where i64 → f64 is exact.
    #[allow(clippy::cast_precision_loss)]
    (den != 0).then(|| num / den as f64)
}

impl From<&CaseCounts> for Kpis {
    #[allow(clippy::cast_precision_loss)]
    fn from(c: &CaseCounts) -> Kpis {
        Kpis {
            closed_rate: ratio(c.closed as f64, c.due),
            on_time_closed_rate: ratio(c.closed_on_time as f64, c.due),
            overdue_closed: c.closed - c.closed_on_time,
            rework_rate: ratio(c.reworked as f64, c.closed),
            satisfaction_rate: ratio((c.satisfied + c.basically_satisfied) as f64, c.revisited),
            resolution_rate: ratio(c.resolved as f64, c.closed),
            repeat_rate: ratio(c.merged_repeats as f64, c.received),
            average_handling_hours: ratio(c.handling_minutes / 60.0, c.closed),
        }
    }
}

impl From<CaseCounts> for Kpis {
    fn from(c: CaseCounts) -> Kpis {
        Kpis::from(&c)
    }
}

/// A rate as a percentage with two decimals (`0.9372` → `93.72`), for reports.
#[must_use]
pub fn percent(rate: Option<f64>) -> Option<f64> {
    rate.map(|r| (r * 10_000.0).round() / 100.0)
}

/// A case as the problem lists need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemCase {
    /// Identifier.
    pub id: i64,
    /// The premises, if located.
    pub premises_id: Option<i64>,
    /// The premises' standard address.
    pub premises_address: Option<String>,
    /// The grid cell.
    pub grid_code: Option<String>,
    /// Category code and name (GB/T 30428 subclass or 12345 request type).
    pub category: Option<(String, String)>,
    /// Current department.
    pub department_code: Option<String>,
    /// Workflow state.
    pub state: String,
    /// The department that returned it last.
    pub returned_by: Option<String>,
    /// Received in the period.
    pub received_in_period: bool,
    /// Open (or closed only after the cutoff) and past its deadline at the cutoff.
    pub overdue: bool,
}

/// One entry of a problem list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemItem {
    /// `premises`, `grid` or `recurring` (急难愁盼); `overdue`, `returned` or `cross_department`
    /// (治理瓶颈).
    pub kind: String,
    /// What it is about: a premises id, a grid code, `premises id/category code`, a department
    /// code, or `returning department→handling department`.
    pub key: String,
    /// Display name (address, grid name, address · category, department).
    pub name: String,
    /// How many cases.
    pub count: i64,
    /// Up to five of them, newest first.
    pub example_case_ids: Vec<i64>,
}

/// The two problem lists of a 片区.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemLists {
    /// 急难愁盼: the premises and grids with the most cases received in the period (at least two
    /// each), and the categories recurring at the same premises.
    pub hot_spots: Vec<ProblemItem>,
    /// 治理瓶颈: cases overdue at the end of the period by department, cases returned (退单) by
    /// the returning department, and cross-department cases by returning → handling department.
    pub bottlenecks: Vec<ProblemItem>,
}

/// How many items of each kind a list keeps.
pub const PROBLEM_LIST_TOP: usize = 10;

/// How many example case ids an item carries.
const EXAMPLES: usize = 5;

/// Groups `cases` (newest first) by `key`, keeps groups of at least `min` cases, the largest
/// first (ties by key), at most [`PROBLEM_LIST_TOP`].
fn top<'a>(
    kind: &str,
    cases: impl Iterator<Item = &'a ProblemCase>,
    min: i64,
    key: impl Fn(&ProblemCase) -> Option<(String, String)>,
) -> Vec<ProblemItem> {
    let mut groups: std::collections::BTreeMap<String, ProblemItem> =
        std::collections::BTreeMap::new();
    for c in cases {
        let Some((k, name)) = key(c) else { continue };
        let item = groups.entry(k.clone()).or_insert_with(|| ProblemItem {
            kind: kind.to_owned(),
            key: k,
            name,
            count: 0,
            example_case_ids: Vec::new(),
        });
        item.count += 1;
        if item.example_case_ids.len() < EXAMPLES {
            item.example_case_ids.push(c.id);
        }
    }
    let mut items: Vec<ProblemItem> = groups.into_values().filter(|i| i.count >= min).collect();
    items.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    items.truncate(PROBLEM_LIST_TOP);
    items
}

impl ProblemLists {
    /// Builds both lists from the cases of one 片区, newest first. Grid and department items are
    /// named by their code; the caller may put display names in.
    #[must_use]
    pub fn from_cases(cases: &[ProblemCase]) -> ProblemLists {
        let received = || cases.iter().filter(|c| c.received_in_period);
        let address = |c: &ProblemCase| {
            c.premises_address
                .clone()
                .unwrap_or_else(|| c.premises_id.map(|p| p.to_string()).unwrap_or_default())
        };
        let mut hot_spots = top("premises", received(), 2, |c| {
            c.premises_id.map(|p| (p.to_string(), address(c)))
        });
        hot_spots.extend(top("grid", received(), 2, |c| {
            let grid = c.grid_code.as_ref()?.get(..15)?.to_owned();
            Some((grid.clone(), grid))
        }));
        hot_spots.extend(top("recurring", received(), 2, |c| {
            let (code, name) = c.category.as_ref()?;
            c.premises_id
                .map(|p| (format!("{p}/{code}"), format!("{} · {name}", address(c))))
        }));
        let department = |d: &Option<String>| d.clone().unwrap_or_default();
        let mut bottlenecks = top("overdue", cases.iter().filter(|c| c.overdue), 1, |c| {
            let d = department(&c.department_code);
            Some((d.clone(), d))
        });
        bottlenecks.extend(top(
            "returned",
            received().filter(|c| c.returned_by.is_some() || c.state == "disputed"),
            1,
            |c| {
                let d = c
                    .returned_by
                    .clone()
                    .or_else(|| c.department_code.clone())
                    .unwrap_or_default();
                Some((d.clone(), d))
            },
        ));
        bottlenecks.extend(top("cross_department", received(), 1, |c| {
            let from = c.returned_by.as_ref()?;
            let to = c.department_code.as_ref()?;
            (from != to).then(|| {
                let k = format!("{from}→{to}");
                (k.clone(), k)
            })
        }));
        ProblemLists {
            hot_spots,
            bottlenecks,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Tianmen, December 2016 (standards.md §1.7): 应结案 972, 结案 911, 按期结案 737.
    #[test]
    fn tianmen_december_2016() {
        let c = CaseCounts {
            received: 1054,
            due: 972,
            closed: 911,
            closed_on_time: 737,
            ..CaseCounts::default()
        };
        let k = Kpis::from(c);
        assert_eq!(percent(k.closed_rate), Some(93.72));
        assert_eq!(percent(k.on_time_closed_rate), Some(75.82));
        assert_eq!(k.overdue_closed, 174);
    }

    #[test]
    fn rates_table() {
        // (counts, rework, satisfaction, resolution, repeat, hours)
        type Row = (CaseCounts, [Option<f64>; 5]);
        let rows: [Row; 3] = [
            (
                CaseCounts {
                    received: 200,
                    due: 100,
                    closed: 80,
                    closed_on_time: 60,
                    reworked: 8,
                    resolved: 70,
                    revisited: 50,
                    satisfied: 30,
                    basically_satisfied: 15,
                    unsatisfied: 5,
                    merged_repeats: 10,
                    handling_minutes: 80.0 * 90.0,
                    ..CaseCounts::default()
                },
                [Some(10.0), Some(90.0), Some(87.5), Some(5.0), Some(1.5)],
            ),
            // Nothing closed: the rates over 结案 are undefined, not 0 %.
            (
                CaseCounts {
                    received: 3,
                    due: 2,
                    ..CaseCounts::default()
                },
                [None, None, None, Some(0.0), None],
            ),
            // Everything 基本满意 counts as satisfied.
            (
                CaseCounts {
                    received: 1,
                    due: 1,
                    closed: 1,
                    closed_on_time: 1,
                    resolved: 1,
                    revisited: 1,
                    basically_satisfied: 1,
                    handling_minutes: 30.0,
                    ..CaseCounts::default()
                },
                [Some(0.0), Some(100.0), Some(100.0), Some(0.0), Some(0.5)],
            ),
        ];
        for (counts, [rework, satisfaction, resolution, repeat, hours]) in rows {
            let k = Kpis::from(counts);
            assert_eq!(percent(k.rework_rate), rework, "{counts:?}");
            assert_eq!(percent(k.satisfaction_rate), satisfaction, "{counts:?}");
            assert_eq!(percent(k.resolution_rate), resolution, "{counts:?}");
            assert_eq!(percent(k.repeat_rate), repeat, "{counts:?}");
            assert_eq!(k.average_handling_hours, hours, "{counts:?}");
        }
    }

    #[test]
    fn empty_group_has_no_rates() {
        let k = Kpis::from(CaseCounts::default());
        assert_eq!(
            k,
            Kpis {
                overdue_closed: 0,
                ..Kpis::default()
            }
        );
        assert!(k.closed_rate.is_none() && k.on_time_closed_rate.is_none());
    }

    #[test]
    fn counts_add_up() {
        let a = CaseCounts {
            received: 1,
            due: 2,
            closed: 1,
            handling_minutes: 10.0,
            ..CaseCounts::default()
        };
        let mut total = a;
        total += a;
        assert_eq!(total.received, 2);
        assert_eq!(total.due, 4);
        assert!((total.handling_minutes - 20.0).abs() < f64::EPSILON);
        assert_eq!(percent(Kpis::from(total).closed_rate), Some(50.0));
    }

    fn problem(id: i64, premises: i64, category: &str) -> ProblemCase {
        ProblemCase {
            id,
            premises_id: Some(premises),
            premises_address: Some(format!("宛平南路{premises}号")),
            grid_code: Some(format!("310104003001001{premises:03}")),
            category: Some((category.to_owned(), format!("类别{category}"))),
            department_code: Some("XH-CGJ".to_owned()),
            state: "handling".to_owned(),
            returned_by: None,
            received_in_period: true,
            overdue: false,
        }
    }

    #[test]
    fn problem_lists_rank_and_cut() {
        let mut cases = vec![
            problem(9, 1, "0101"),
            problem(8, 1, "0101"),
            problem(7, 1, "0202"),
            problem(6, 2, "0101"),
            problem(5, 2, "0303"),
            problem(4, 3, "0101"),
        ];
        cases[3].overdue = true;
        cases[4].returned_by = Some("XH-LH".to_owned());
        // Received before the period and overdue: a bottleneck, not a hot spot.
        let mut old = problem(1, 3, "0101");
        old.received_in_period = false;
        old.overdue = true;
        cases.push(old);
        let lists = ProblemLists::from_cases(&cases);
        let hot: Vec<(&str, &str, i64, &[i64])> = lists
            .hot_spots
            .iter()
            .map(|i| {
                (
                    i.kind.as_str(),
                    i.key.as_str(),
                    i.count,
                    i.example_case_ids.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            hot,
            [
                ("premises", "1", 3, &[9, 8, 7][..]),
                ("premises", "2", 2, &[6, 5][..]),
                // Premises 1..3 are in three building groups of one micro grid.
                ("grid", "310104003001001", 6, &[9, 8, 7, 6, 5][..]),
                ("recurring", "1/0101", 2, &[9, 8][..]),
            ]
        );
        assert_eq!(lists.hot_spots[3].name, "宛平南路1号 · 类别0101");
        let bottlenecks: Vec<(&str, &str, i64)> = lists
            .bottlenecks
            .iter()
            .map(|i| (i.kind.as_str(), i.key.as_str(), i.count))
            .collect();
        assert_eq!(
            bottlenecks,
            [
                ("overdue", "XH-CGJ", 2),
                ("returned", "XH-LH", 1),
                ("cross_department", "XH-LH→XH-CGJ", 1),
            ]
        );
        assert_eq!(ProblemLists::from_cases(&[]), ProblemLists::default());
    }
}
