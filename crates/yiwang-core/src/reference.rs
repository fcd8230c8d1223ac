//! Reference data shipped with the crate: departments, case categories
//! (GB/T 30428 部件/事件 classes and subclasses with filing conditions and
//! time limits) and 12345 request types.
//!
//! The data files are tab-separated with a header row, embedded at compile
//! time from `data/`. Routing (lead and assisting departments) is a default
//! that the district's own 权责清单 overrides.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const DEPARTMENTS_TSV: &str = include_str!("../data/departments.tsv");
const EVENT_CATEGORIES_TSV: &str = include_str!("../data/event_categories.tsv");
const REQUEST_TYPES_TSV: &str = include_str!("../data/request_types.tsv");

/// Why embedded reference data could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reference data {file} line {line}: {message}")]
pub struct ReferenceError {
    /// Data file name.
    pub file: &'static str,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Defines a snake_case enum with `as_str`, `Display` and `FromStr`.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal,)+ }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vm])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The snake_case identifier used in data files and serde.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| format!("\"{s}\" is not a {}", stringify!($name)))
            }
        }
    };
}

code_enum! {
    /// Unit of a case time limit.
    TimeLimitUnit {
        /// 紧急工作时: clock hours counted continuously, nights and holidays included.
        UrgentHour = "urgent_hour",
        /// 工作时: hours inside working periods on working days.
        WorkingHour = "working_hour",
        /// 工作日: working days on the statutory calendar.
        WorkingDay = "working_day",
        /// 自然日: calendar days.
        NaturalDay = "natural_day",
    }
}

code_enum! {
    /// What kind of body a department is.
    DepartmentKind {
        /// 区政府工作部门: a district government department.
        DistrictDepartment = "district_department",
        /// 街道办事处 / 镇政府: a street or town office.
        StreetOffice = "street_office",
        /// A public utility company (water, power, gas, telecom).
        PublicUtility = "public_utility",
        /// Emergency services (police, fire, traffic police).
        Emergency = "emergency",
        /// Anything else (事业单位, routing placeholders).
        Other = "other",
    }
}

code_enum! {
    /// GB/T 30428 category kind.
    CategoryKind {
        /// 部件: a physical facility in public space.
        Component = "component",
        /// 事件: an action or occurrence.
        Event = "event",
    }
}

/// A department or other body cases can be routed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentFact {
    /// Stable code (`XH-…` district, `SH-…` city level, 9-digit NBS code for street offices).
    pub code: String,
    /// Full official name.
    pub name: String,
    /// Unique short name; the key used by [`EventCategoryFact`].
    pub short_name: String,
    /// Kind of body.
    pub kind: DepartmentKind,
}

/// One (subclass, filing condition) row of the case category catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCategoryFact {
    /// Component or event.
    pub kind: CategoryKind,
    /// 2-digit class (大类) code.
    pub class_code: String,
    /// Class name.
    pub class_name: String,
    /// 4-digit subclass (小类) code: class code + 2 digits.
    pub subclass_code: String,
    /// Subclass name.
    pub subclass_name: String,
    /// 立案条件: when a report is filed as a case under this row.
    pub filing_condition: String,
    /// Time limit for handling, in `time_limit_unit`.
    pub time_limit_amount: u32,
    /// Unit of the time limit.
    pub time_limit_unit: TimeLimitUnit,
    /// 结案条件: when the case may be closed.
    pub closing_condition: String,
    /// Short name of the lead department.
    pub lead_department: String,
    /// Short names of assisting departments, possibly empty.
    pub assisting_departments: Vec<String>,
}

/// A 12345 hotline request type (诉求类型).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestTypeFact {
    /// Two-letter code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Default time limit in working days.
    pub default_time_limit_working_days: u32,
}

/// Splits a TSV into data rows after checking the header; yields the
/// 1-based line number with the fields. Blank lines are skipped.
fn rows<'a>(
    file: &'static str,
    text: &'a str,
    header: &[&str],
) -> Result<Vec<(usize, Vec<&'a str>)>, ReferenceError> {
    let mut lines = text.lines().enumerate();
    let found: Vec<&str> = lines
        .next()
        .map(|(_, h)| h.split('\t').collect())
        .unwrap_or_default();
    if found != header {
        return Err(ReferenceError {
            file,
            line: 1,
            message: format!("expected header {}", header.join("<TAB>")),
        });
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != header.len() {
            return Err(ReferenceError {
                file,
                line: i + 1,
                message: format!("expected {} fields, found {}", header.len(), fields.len()),
            });
        }
        out.push((i + 1, fields));
    }
    Ok(out)
}

/// Parses one field, attaching file and line to the error.
fn field<T: FromStr>(
    file: &'static str,
    line: usize,
    name: &str,
    value: &str,
) -> Result<T, ReferenceError>
where
    T::Err: fmt::Display,
{
    value.parse().map_err(|e| ReferenceError {
        file,
        line,
        message: format!("{name} \"{value}\": {e}"),
    })
}

/// Parses departments from TSV text with the header
/// `code, name, short_name, kind`.
pub fn parse_departments(text: &str) -> Result<Vec<DepartmentFact>, ReferenceError> {
    const FILE: &str = "departments.tsv";
    rows(FILE, text, &["code", "name", "short_name", "kind"])?
        .into_iter()
        .map(|(line, f)| {
            Ok(DepartmentFact {
                code: f[0].to_owned(),
                name: f[1].to_owned(),
                short_name: f[2].to_owned(),
                kind: field(FILE, line, "kind", f[3])?,
            })
        })
        .collect()
}

/// Parses case categories from TSV text with the header `kind, class_code,
/// class_name, subclass_code, subclass_name, filing_condition,
/// time_limit_amount, time_limit_unit, closing_condition, lead_department,
/// assisting_departments` (assisting departments separated by `;`).
pub fn parse_event_categories(text: &str) -> Result<Vec<EventCategoryFact>, ReferenceError> {
    const FILE: &str = "event_categories.tsv";
    let header = [
        "kind",
        "class_code",
        "class_name",
        "subclass_code",
        "subclass_name",
        "filing_condition",
        "time_limit_amount",
        "time_limit_unit",
        "closing_condition",
        "lead_department",
        "assisting_departments",
    ];
    rows(FILE, text, &header)?
        .into_iter()
        .map(|(line, f)| {
            Ok(EventCategoryFact {
                kind: field(FILE, line, "kind", f[0])?,
                class_code: f[1].to_owned(),
                class_name: f[2].to_owned(),
                subclass_code: f[3].to_owned(),
                subclass_name: f[4].to_owned(),
                filing_condition: f[5].to_owned(),
                time_limit_amount: field(FILE, line, "time_limit_amount", f[6])?,
                time_limit_unit: field(FILE, line, "time_limit_unit", f[7])?,
                closing_condition: f[8].to_owned(),
                lead_department: f[9].to_owned(),
                assisting_departments: f[10]
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        })
        .collect()
}

/// Parses request types from TSV text with the header
/// `code, name, default_time_limit_working_days`.
pub fn parse_request_types(text: &str) -> Result<Vec<RequestTypeFact>, ReferenceError> {
    const FILE: &str = "request_types.tsv";
    rows(
        FILE,
        text,
        &["code", "name", "default_time_limit_working_days"],
    )?
    .into_iter()
    .map(|(line, f)| {
        Ok(RequestTypeFact {
            code: f[0].to_owned(),
            name: f[1].to_owned(),
            default_time_limit_working_days: field(
                FILE,
                line,
                "default_time_limit_working_days",
                f[2],
            )?,
        })
    })
    .collect()
}

/// The embedded departments (63 rows).
pub fn departments() -> Result<Vec<DepartmentFact>, ReferenceError> {
    parse_departments(DEPARTMENTS_TSV)
}

/// The embedded case categories (96 rows over 89 subclasses).
pub fn event_categories() -> Result<Vec<EventCategoryFact>, ReferenceError> {
    parse_event_categories(EVENT_CATEGORIES_TSV)
}

/// The embedded 12345 request types (9 rows).
pub fn request_types() -> Result<Vec<RequestTypeFact>, ReferenceError> {
    parse_request_types(REQUEST_TYPES_TSV)
}

/// Department short names referenced by `categories` (lead or assisting)
/// that no department in `departments` has, as `(subclass_code, short_name)`
/// pairs in catalogue order.
#[must_use]
pub fn unresolved_departments(
    categories: &[EventCategoryFact],
    departments: &[DepartmentFact],
) -> Vec<(String, String)> {
    let known = |name: &str| departments.iter().any(|d| d.short_name == name);
    categories
        .iter()
        .flat_map(|c| {
            std::iter::once(&c.lead_department)
                .chain(&c.assisting_departments)
                .filter(|n| !known(n))
                .map(|n| (c.subclass_code.clone(), n.clone()))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn count_by<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> BTreeMap<K, usize> {
        let mut m = BTreeMap::new();
        for item in items {
            *m.entry(key(item)).or_insert(0) += 1;
        }
        m
    }

    #[test]
    fn departments_match_source() {
        let ds = departments().unwrap();
        assert_eq!(ds.len(), 63);
        let kinds = count_by(&ds, |d| d.kind.as_str());
        let expect = [
            ("district_department", 31),
            ("emergency", 4),
            ("other", 6),
            ("public_utility", 9),
            ("street_office", 13),
        ];
        assert_eq!(kinds, expect.into_iter().collect());
        let short: BTreeSet<_> = ds.iter().map(|d| &d.short_name).collect();
        let codes: BTreeSet<_> = ds.iter().map(|d| &d.code).collect();
        assert_eq!(
            (short.len(), codes.len()),
            (63, 63),
            "short names and codes are unique"
        );
        for d in ds.iter().filter(|d| d.kind == DepartmentKind::StreetOffice) {
            assert!(
                crate::validate::division::is_parent_code("310104", &d.code),
                "street office {} has code {}",
                d.short_name,
                d.code
            );
        }
    }

    #[test]
    fn categories_match_source() {
        let cs = event_categories().unwrap();
        assert_eq!(cs.len(), 96);
        let subclasses: BTreeSet<_> = cs
            .iter()
            .map(|c| (c.kind, c.subclass_code.as_str()))
            .collect();
        assert_eq!(subclasses.len(), 89);
        let kinds = count_by(&cs, |c| c.kind.as_str());
        assert_eq!(
            kinds,
            [("component", 28), ("event", 68)].into_iter().collect()
        );
        let units = count_by(&cs, |c| c.time_limit_unit.as_str());
        let expect = [
            ("urgent_hour", 15),
            ("working_day", 64),
            ("working_hour", 17),
        ];
        assert_eq!(units, expect.into_iter().collect());
        for c in &cs {
            assert!(
                c.subclass_code.starts_with(&c.class_code),
                "{}",
                c.subclass_code
            );
            assert_eq!(
                (c.class_code.len(), c.subclass_code.len()),
                (2, 4),
                "{}",
                c.subclass_code
            );
            assert!(c.time_limit_amount > 0, "{}", c.subclass_code);
            assert!(!c.filing_condition.is_empty() && !c.closing_condition.is_empty());
        }
        let first = &cs[0];
        assert_eq!(
            (
                first.subclass_code.as_str(),
                first.time_limit_amount,
                first.time_limit_unit
            ),
            ("0101", 2, TimeLimitUnit::UrgentHour)
        );
    }

    #[test]
    fn every_category_department_resolves() {
        let cs = event_categories().unwrap();
        let ds = departments().unwrap();
        assert_eq!(
            unresolved_departments(&cs, &ds),
            Vec::<(String, String)>::new()
        );
    }

    #[test]
    fn unresolved_departments_are_reported() {
        let ds =
            parse_departments("code\tname\tshort_name\tkind\nX\t甲局全称\t甲局\tother\n").unwrap();
        let text = "kind\tclass_code\tclass_name\tsubclass_code\tsubclass_name\tfiling_condition\ttime_limit_amount\ttime_limit_unit\tclosing_condition\tlead_department\tassisting_departments\n\
                    event\t01\t类\t0101\t小类\t条件\t5\tworking_day\t结案\t乙局\t甲局;丙局\n";
        let cs = parse_event_categories(text).unwrap();
        let got = unresolved_departments(&cs, &ds);
        let want = [("0101", "乙局"), ("0101", "丙局")].map(|(a, b)| (a.to_owned(), b.to_owned()));
        assert_eq!(got, want.to_vec());
    }

    #[test]
    fn request_types_match_source() {
        let rs = request_types().unwrap();
        let got: Vec<(&str, u32)> = rs
            .iter()
            .map(|r| (r.code.as_str(), r.default_time_limit_working_days))
            .collect();
        let expect = [
            ("ZX", 1),
            ("QZ", 5),
            ("TS", 5),
            ("JB", 5),
            ("JY", 1),
            ("BY", 1),
            ("CX", 1),
            ("CB", 3),
            ("QT", 5),
        ];
        assert_eq!(got, expect.to_vec());
    }

    #[test]
    fn parse_errors() {
        let cases = [
            (
                "code\tname\n",
                "reference data departments.tsv line 1: expected header code<TAB>name<TAB>short_name<TAB>kind",
            ),
            (
                "code\tname\tshort_name\tkind\nA\tB\tC\n",
                "reference data departments.tsv line 2: expected 4 fields, found 3",
            ),
            (
                "code\tname\tshort_name\tkind\n\nA\tB\tC\tbureau\n",
                "reference data departments.tsv line 3: kind \"bureau\": \"bureau\" is not a DepartmentKind",
            ),
        ];
        for (text, expect) in cases {
            assert_eq!(parse_departments(text).unwrap_err().to_string(), expect);
        }
    }

    #[test]
    fn units_round_trip() {
        for &u in TimeLimitUnit::ALL {
            assert_eq!(u.as_str().parse::<TimeLimitUnit>(), Ok(u));
            assert_eq!(serde_json::to_string(&u).unwrap(), format!("\"{u}\""));
        }
    }
}
