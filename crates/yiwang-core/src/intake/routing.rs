//! The responsibility matrix (派单目录 / 权责清单): category × area → lead and assisting bodies.
//!
//! A rule names a subclass and optionally a street; the most specific rule wins. A target is a
//! department or the street office where the case is (属地街镇). Department matters are never
//! routed down to residents' committees: a committee (12-digit code) cannot be a target.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::reference::{CategoryKind, DepartmentFact, EventCategoryFact};

/// Who a rule sends cases to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "code")]
pub enum Target {
    /// A department by code.
    Department(String),
    /// The street or town office of the case's street (属地街镇).
    LocalStreet,
}

/// One line of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteRule {
    /// 部件 or 事件 (subclass codes repeat across the two).
    pub kind: CategoryKind,
    /// 4-digit subclass code.
    pub subclass_code: String,
    /// 9-digit street code the rule is limited to, or `None` for the whole district.
    pub street_code: Option<String>,
    /// Lead body (主办).
    pub lead: Target,
    /// Assisting bodies (协办).
    pub assisting: Vec<Target>,
}

/// Where a case goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Lead department or street office code.
    pub lead: String,
    /// Assisting department codes.
    pub assisting: Vec<String>,
}

/// Why a matrix or a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// A target names no known department.
    #[error("line {line}: `{name}` is not a known department")]
    UnknownDepartment {
        /// 1-based line (0 for a rule given alone).
        line: usize,
        /// The name or code given.
        name: String,
    },
    /// A target is a residents' committee.
    #[error(
        "line {line}: `{code}` is a residents' committee; department matters are not routed to committees"
    )]
    Committee {
        /// 1-based line (0 for a rule given alone).
        line: usize,
        /// The code given.
        code: String,
    },
    /// A line is malformed.
    #[error("line {line}: {message}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

type RuleKey = (CategoryKind, String, Option<String>);

fn key(rule: &RouteRule) -> RuleKey {
    (
        rule.kind,
        rule.subclass_code.clone(),
        rule.street_code.clone(),
    )
}

/// The matrix: rules by (kind, subclass, street).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponsibilityMatrix {
    rules: HashMap<RuleKey, RouteRule>,
    departments: HashMap<String, String>,
}

/// The name the category data uses for "the street office where the case is".
const LOCAL_STREET: &str = "属地街镇";
/// CSV header of [`ResponsibilityMatrix::to_csv`].
pub const CSV_HEADER: &str = "kind,subclass_code,street_code,lead,assisting";

impl ResponsibilityMatrix {
    /// The district default: each subclass to the lead and assisting departments of its
    /// category row (names resolved through the department list).
    pub fn from_reference(
        categories: &[EventCategoryFact],
        departments: &[DepartmentFact],
    ) -> Result<Self, RoutingError> {
        let mut matrix = Self {
            rules: HashMap::new(),
            departments: departments
                .iter()
                .flat_map(|d| {
                    [
                        (d.code.clone(), d.code.clone()),
                        (d.short_name.clone(), d.code.clone()),
                        (d.name.clone(), d.code.clone()),
                    ]
                })
                .collect(),
        };
        for (i, c) in categories.iter().enumerate() {
            if matrix
                .rules
                .contains_key(&(c.kind, c.subclass_code.clone(), None))
            {
                continue;
            }
            let line = i + 2;
            let rule = RouteRule {
                kind: c.kind,
                subclass_code: c.subclass_code.clone(),
                street_code: None,
                lead: matrix.target(&c.lead_department, line)?,
                assisting: c
                    .assisting_departments
                    .iter()
                    .map(|a| matrix.target(a, line))
                    .collect::<Result<_, _>>()?,
            };
            matrix.rules.insert(key(&rule), rule);
        }
        Ok(matrix)
    }

    fn target(&self, name: &str, line: usize) -> Result<Target, RoutingError> {
        let name = name.trim();
        if name == LOCAL_STREET || name == "local_street" {
            return Ok(Target::LocalStreet);
        }
        if name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RoutingError::Committee {
                line,
                code: name.to_owned(),
            });
        }
        self.departments
            .get(name)
            .map(|code| Target::Department(code.clone()))
            .ok_or_else(|| RoutingError::UnknownDepartment {
                line,
                name: name.to_owned(),
            })
    }

    /// Adds or replaces a rule after checking its targets.
    pub fn set(&mut self, rule: RouteRule) -> Result<(), RoutingError> {
        for t in std::iter::once(&rule.lead).chain(&rule.assisting) {
            if let Target::Department(code) = t {
                self.target(code, 0)?;
            }
        }
        self.rules.insert(key(&rule), rule);
        Ok(())
    }

    /// Where a case of `subclass_code` in `street_code` goes: the street's own rule, else the
    /// district rule; [`Target::LocalStreet`] resolves to the case's street office.
    #[must_use]
    pub fn route(
        &self,
        kind: CategoryKind,
        subclass_code: &str,
        street_code: Option<&str>,
    ) -> Option<Route> {
        let rule = street_code
            .and_then(|s| {
                self.rules
                    .get(&(kind, subclass_code.to_owned(), Some(s.to_owned())))
            })
            .or_else(|| self.rules.get(&(kind, subclass_code.to_owned(), None)))?;
        let resolve = |t: &Target| match t {
            Target::Department(code) => Some(code.clone()),
            Target::LocalStreet => street_code.map(str::to_owned),
        };
        Some(Route {
            lead: resolve(&rule.lead)?,
            assisting: rule.assisting.iter().filter_map(resolve).collect(),
        })
    }

    /// Every rule, by subclass then street.
    #[must_use]
    pub fn rules(&self) -> Vec<&RouteRule> {
        let mut all: Vec<&RouteRule> = self.rules.values().collect();
        all.sort_by_key(|r| key(r));
        all
    }

    /// The matrix as CSV (`kind,subclass_code,street_code,lead,assisting`, assisting separated by `;`,
    /// `属地街镇` for the local street office).
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = format!("{CSV_HEADER}\n");
        for r in self.rules() {
            out.push_str(&Self::csv_line(r));
            out.push('\n');
        }
        out
    }

    /// Replaces or adds the rules of a CSV in [`Self::to_csv`]'s format. Every line is checked
    /// first; nothing changes if any line is wrong, and every wrong line is reported.
    pub fn apply_csv(&mut self, text: &str) -> Result<usize, Vec<RoutingError>> {
        let rules = self.parse_csv(text)?;
        let n = rules.len();
        for r in rules {
            self.rules.insert(key(&r), r);
        }
        Ok(n)
    }

    /// The rules of a CSV in [`Self::to_csv`]'s format, checked against this matrix's
    /// departments, without applying them; every wrong line is reported.
    pub fn parse_csv(&self, text: &str) -> Result<Vec<RouteRule>, Vec<RoutingError>> {
        let mut lines = text.lines().enumerate();
        if lines.next().map(|(_, h)| h.trim()) != Some(CSV_HEADER) {
            return Err(vec![RoutingError::Malformed {
                line: 1,
                message: format!("expected the header `{CSV_HEADER}`"),
            }]);
        }
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for (i, raw) in lines {
            let line = i + 1;
            if raw.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
            let [kind, subclass, street, lead, assisting] = fields[..] else {
                errors.push(RoutingError::Malformed {
                    line,
                    message: format!("expected 5 fields, found {}", fields.len()),
                });
                continue;
            };
            let Ok(kind) = kind.parse::<CategoryKind>() else {
                errors.push(RoutingError::Malformed {
                    line,
                    message: format!("kind `{kind}` is not component or event"),
                });
                continue;
            };
            if subclass.len() != 4 || !subclass.bytes().all(|b| b.is_ascii_digit()) {
                errors.push(RoutingError::Malformed {
                    line,
                    message: format!("subclass code `{subclass}` is not 4 digits"),
                });
                continue;
            }
            if !street.is_empty()
                && (street.len() != 9 || !street.bytes().all(|b| b.is_ascii_digit()))
            {
                errors.push(RoutingError::Malformed {
                    line,
                    message: format!("street code `{street}` is not 9 digits"),
                });
                continue;
            }
            let lead = self.target(lead, line);
            let assisting: Result<Vec<Target>, RoutingError> = assisting
                .split(';')
                .filter(|a| !a.trim().is_empty())
                .map(|a| self.target(a, line))
                .collect();
            match (lead, assisting) {
                (Ok(lead), Ok(assisting)) => rules.push(RouteRule {
                    kind,
                    subclass_code: subclass.to_owned(),
                    street_code: (!street.is_empty()).then(|| street.to_owned()),
                    lead,
                    assisting,
                }),
                (Err(e), _) | (_, Err(e)) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(rules)
    }

    /// One rule as a CSV line of [`Self::to_csv`]'s format (no newline).
    #[must_use]
    pub fn csv_line(rule: &RouteRule) -> String {
        let name = |t: &Target| match t {
            Target::Department(c) => c.clone(),
            Target::LocalStreet => LOCAL_STREET.to_owned(),
        };
        let assisting: Vec<String> = rule.assisting.iter().map(name).collect();
        format!(
            "{},{},{},{},{}",
            rule.kind.as_str(),
            rule.subclass_code,
            rule.street_code.as_deref().unwrap_or(""),
            name(&rule.lead),
            assisting.join(";")
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::reference::{departments, event_categories};

    fn matrix() -> ResponsibilityMatrix {
        ResponsibilityMatrix::from_reference(&event_categories().unwrap(), &departments().unwrap())
            .unwrap()
    }

    #[test]
    fn every_subclass_routes_and_local_street_resolves() {
        let m = matrix();
        for c in event_categories().unwrap() {
            let route = m
                .route(c.kind, &c.subclass_code, Some("310104003"))
                .unwrap();
            assert!(!route.lead.is_empty(), "{}", c.subclass_name);
            assert_ne!(route.lead.len(), 12, "never a committee");
        }
        // 群租 is led by the street office where it is.
        let qunzu = event_categories()
            .unwrap()
            .into_iter()
            .find(|c| c.subclass_name == "群租")
            .unwrap();
        if qunzu.lead_department == LOCAL_STREET {
            assert_eq!(
                m.route(qunzu.kind, &qunzu.subclass_code, Some("310104010"))
                    .unwrap()
                    .lead,
                "310104010"
            );
        }
    }

    #[test]
    fn csv_round_trips_and_street_rules_override() {
        let mut m = matrix();
        let csv = m.to_csv();
        let mut copy = matrix();
        assert_eq!(copy.apply_csv(&csv).unwrap(), m.rules().len());
        assert_eq!(copy, m);
        let n = m
            .apply_csv(&format!(
                "{CSV_HEADER}\ncomponent,0101,310104003,区城管执法局,属地街镇\n"
            ))
            .unwrap();
        assert_eq!(n, 1);
        let c = CategoryKind::Component;
        let here = m.route(c, "0101", Some("310104003")).unwrap();
        assert_eq!(here.lead, "XH-CGJ");
        assert_eq!(here.assisting, vec!["310104003".to_owned()]);
        assert_ne!(
            m.route(c, "0101", Some("310104004")).unwrap().lead,
            "XH-CGJ"
        );
        assert_ne!(
            m.route(CategoryKind::Event, "0101", Some("310104003"))
                .unwrap()
                .lead,
            "XH-CGJ",
            "an event subclass with the same code is another rule"
        );
    }

    #[test]
    fn bad_lines_are_all_reported_and_change_nothing() {
        let mut m = matrix();
        let before = m.clone();
        let errors = m
            .apply_csv(&format!(
                "{CSV_HEADER}\nevent,0101,,区城管执法局,\nevent,01x1,,区城管执法局,\nevent,0102,,310104003001,\nevent,0103,,无此部门,\nevent,0104,310104003\nthing,0105,,区城管执法局,\n"
            ))
            .unwrap_err();
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(lines[0].starts_with("line 3: subclass code"));
        assert!(lines[1].contains("residents' committee"));
        assert!(lines[2].contains("无此部门"));
        assert!(lines[3].starts_with("line 6: expected 5 fields"));
        assert!(lines[4].starts_with("line 7: kind `thing`"));
        assert_eq!(m, before);
    }
}
