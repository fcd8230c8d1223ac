//! Open311 vocabulary over the domain, pure: service codes for GB/T 30428 subclasses
//! (`event-0102`), the service list and definitions from the category catalogue, `open` /
//! `closed` and status notes for case states, and times at +08:00. The rules themselves stay
//! in `yiwang-core`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use yiwang_core::disclosure::public_text;
use yiwang_core::intake::synonyms;
use yiwang_core::model::Case;
use yiwang_core::reference::{CategoryKind, EventCategoryFact, TimeLimitUnit};
use yiwang_core::workflow::{CaseState, shanghai};

/// Code of the attribute that picks the filing condition of a subclass with several.
pub(crate) const CONDITION_ATTRIBUTE: &str = "condition";
/// Code of the informational attribute with the time limit and closing condition.
pub(crate) const TIME_LIMIT_ATTRIBUTE: &str = "time_limit";

/// The service code of a subclass: kind and subclass code, since subclass codes repeat across
/// kinds (`event-0102` 暴露垃圾, `component-0102` 污水井盖).
pub(crate) fn service_code(kind: CategoryKind, subclass_code: &str) -> String {
    format!("{}-{subclass_code}", kind.as_str())
}

/// Kind and subclass code of a service code, if it has that shape.
pub(crate) fn parse_service_code(code: &str) -> Option<(CategoryKind, String)> {
    let (kind, subclass) = code.split_once('-')?;
    let kind: CategoryKind = kind.parse().ok()?;
    (subclass.len() == 4 && subclass.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (kind, subclass.to_owned()))
}

/// `open` or `closed`: a case is closed once finished (closed, rejected or merged).
pub(crate) fn status(state: CaseState) -> &'static str {
    if state.is_finished() {
        "closed"
    } else {
        "open"
    }
}

/// The states an Open311 `status` stands for, or `None` for an unknown status.
pub(crate) fn states_of(status: &str) -> Option<Vec<CaseState>> {
    let finished = match status {
        "open" => false,
        "closed" => true,
        _ => return None,
    };
    Some(
        CaseState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_finished() == finished)
            .collect(),
    )
}

/// The public note on a request's state: the state's Chinese name, and for a merged repeat the
/// request it was merged into.
pub(crate) fn status_notes(state: CaseState, parent_id: Option<i64>) -> String {
    match (state, parent_id) {
        (CaseState::Merged, Some(parent)) => {
            format!(
                "{}：重复诉求，已并入请求 {parent}（duplicate of request {parent}）",
                state.name_zh()
            )
        }
        (CaseState::Rejected, _) => format!("{}（not accepted）", state.name_zh()),
        _ => state.name_zh().to_owned(),
    }
}

/// An instant as W3C-DTF with the Shanghai offset, e.g. `2026-11-27T09:30:00+08:00`.
pub(crate) fn local_time(t: DateTime<Utc>) -> String {
    format!("{}+08:00", shanghai(t).format("%Y-%m-%dT%H:%M:%S"))
}

/// One service of `GET /services`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub(crate) struct Service {
    pub(crate) service_code: String,
    pub(crate) service_name: String,
    pub(crate) description: String,
    pub(crate) metadata: bool,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) keywords: String,
    pub(crate) group: String,
}

/// The catalogue rows of each subclass, in catalogue order.
fn subclasses(categories: &[EventCategoryFact]) -> Vec<Vec<&EventCategoryFact>> {
    let mut groups: Vec<Vec<&EventCategoryFact>> = Vec::new();
    for c in categories {
        match groups
            .iter_mut()
            .find(|g| g[0].kind == c.kind && g[0].subclass_code == c.subclass_code)
        {
            Some(g) => g.push(c),
            None => groups.push(vec![c]),
        }
    }
    groups
}

/// Every service: one per subclass, described by its filing conditions. Every service has a
/// definition with attributes, so `metadata` is true.
pub(crate) fn services(categories: &[EventCategoryFact]) -> Vec<Service> {
    subclasses(categories)
        .into_iter()
        .map(|rows| {
            let first = rows[0];
            let conditions: Vec<&str> = rows.iter().map(|r| r.filing_condition.as_str()).collect();
            Service {
                service_code: service_code(first.kind, &first.subclass_code),
                service_name: first.subclass_name.clone(),
                description: conditions.join("；"),
                metadata: !definition_attributes(&rows).is_empty(),
                kind: "realtime".to_owned(),
                keywords: synonyms(&first.subclass_name).join(","),
                group: first.class_name.clone(),
            }
        })
        .collect()
}

/// An option of a list attribute.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub(crate) struct AttributeValue {
    pub(crate) key: String,
    pub(crate) name: String,
}

/// An attribute of a service definition.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub(crate) struct Attribute {
    pub(crate) variable: bool,
    pub(crate) code: String,
    pub(crate) datatype: String,
    pub(crate) required: bool,
    pub(crate) datatype_description: String,
    pub(crate) order: u32,
    pub(crate) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) values: Vec<AttributeValue>,
}

/// `GET /services/{code}`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub(crate) struct Definition {
    pub(crate) service_code: String,
    pub(crate) attributes: Vec<Attribute>,
}

fn limit_text(amount: u32, unit: TimeLimitUnit) -> String {
    match unit {
        TimeLimitUnit::UrgentHour => format!("{amount}小时（紧急，昼夜连续计）"),
        TimeLimitUnit::WorkingHour => format!("{amount}个工作时"),
        TimeLimitUnit::WorkingDay => format!("{amount}个工作日"),
        TimeLimitUnit::NaturalDay => format!("{amount}个自然日"),
    }
}

fn definition_attributes(rows: &[&EventCategoryFact]) -> Vec<Attribute> {
    let mut attributes = Vec::new();
    if rows.len() > 1 {
        attributes.push(Attribute {
            variable: true,
            code: CONDITION_ATTRIBUTE.to_owned(),
            datatype: "singlevaluelist".to_owned(),
            required: false,
            datatype_description: "选择最符合的情况；不选则按描述判断".to_owned(),
            order: 1,
            description: "立案条件（which of these is it?）".to_owned(),
            values: rows
                .iter()
                .enumerate()
                .map(|(i, r)| AttributeValue {
                    key: (i + 1).to_string(),
                    name: r.filing_condition.clone(),
                })
                .collect(),
        });
    }
    let limits: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}：处置时限{}，结案条件：{}",
                r.filing_condition,
                limit_text(r.time_limit_amount, r.time_limit_unit),
                r.closing_condition
            )
        })
        .collect();
    attributes.push(Attribute {
        variable: false,
        code: TIME_LIMIT_ATTRIBUTE.to_owned(),
        datatype: "string".to_owned(),
        required: false,
        datatype_description: String::new(),
        order: attributes.len() as u32 + 1,
        description: limits.join("；"),
        values: Vec::new(),
    });
    attributes
}

/// The definition of a service code, or `None` when no subclass has it.
pub(crate) fn definition(categories: &[EventCategoryFact], code: &str) -> Option<Definition> {
    let (kind, subclass) = parse_service_code(code)?;
    let rows: Vec<&EventCategoryFact> = categories
        .iter()
        .filter(|c| c.kind == kind && c.subclass_code == subclass)
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Definition {
        service_code: code.to_owned(),
        attributes: definition_attributes(&rows),
    })
}

/// The filing condition an `attribute[condition]` key picks for a subclass: `Ok(None)` without
/// a key, `Err` with the keys allowed when the key is not one of them.
pub(crate) fn chosen_condition(
    categories: &[EventCategoryFact],
    kind: CategoryKind,
    subclass: &str,
    key: Option<&str>,
) -> Result<Option<String>, Vec<String>> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let rows: Vec<&EventCategoryFact> = categories
        .iter()
        .filter(|c| c.kind == kind && c.subclass_code == subclass)
        .collect();
    let allowed: Vec<String> = if rows.len() > 1 {
        (1..=rows.len()).map(|i| i.to_string()).collect()
    } else {
        Vec::new()
    };
    match key.parse::<usize>() {
        Ok(i) if rows.len() > 1 && (1..=rows.len()).contains(&i) => {
            Ok(Some(rows[i - 1].filing_condition.clone()))
        }
        _ => Err(allowed),
    }
}

/// One request of `GET /requests` as anyone may see it: no reporter, and mobile and ID numbers
/// in the description and address masked.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub(crate) struct RequestRow {
    pub(crate) service_request_id: String,
    /// `open` or `closed`.
    pub(crate) status: String,
    pub(crate) status_notes: String,
    pub(crate) service_name: Option<String>,
    pub(crate) service_code: Option<String>,
    pub(crate) description: String,
    pub(crate) agency_responsible: Option<String>,
    pub(crate) service_notice: Option<String>,
    pub(crate) requested_datetime: String,
    pub(crate) updated_datetime: String,
    pub(crate) expected_datetime: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) address_id: Option<String>,
    pub(crate) zipcode: Option<String>,
    pub(crate) lat: Option<f64>,
    pub(crate) long: Option<f64>,
    pub(crate) media_url: Option<String>,
}

/// A case as a public Open311 request; `agency` is the name of the department it was sent to.
pub(crate) fn request_row(case: &Case, agency: Option<String>) -> RequestRow {
    let state = case.state.parse::<CaseState>().ok();
    let code = case
        .category_kind
        .as_deref()
        .and_then(|k| k.parse::<CategoryKind>().ok())
        .zip(case.category_code.as_deref())
        .map(|(kind, code)| service_code(kind, code));
    RequestRow {
        service_request_id: case.id.to_string(),
        status: state.map_or("open", status).to_owned(),
        status_notes: state.map_or_else(|| case.state.clone(), |s| status_notes(s, case.parent_id)),
        service_name: case.category_name.clone(),
        service_code: code,
        description: public_text(&case.text),
        agency_responsible: agency,
        service_notice: None,
        requested_datetime: local_time(case.created_at),
        updated_datetime: local_time(
            case.closed_at
                .or(case.stage_started_at)
                .unwrap_or(case.created_at),
        ),
        expected_datetime: case.due_at.map(local_time),
        address: case.address.as_deref().map(public_text),
        address_id: case.premises_id.map(|id| id.to_string()),
        zipcode: None,
        lat: case.lat,
        long: case.lon,
        media_url: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use yiwang_core::reference::event_categories;

    #[test]
    fn service_codes_round_trip() {
        let cases = [
            ("event-0102", Some((CategoryKind::Event, "0102"))),
            ("component-0102", Some((CategoryKind::Component, "0102"))),
            ("event-102", None),
            ("event-01a2", None),
            ("thing-0102", None),
            ("0102", None),
            ("", None),
        ];
        for (code, expect) in cases {
            let got = parse_service_code(code);
            assert_eq!(got, expect.map(|(k, c)| (k, c.to_owned())), "{code}");
            if let Some((kind, subclass)) = got {
                assert_eq!(service_code(kind, &subclass), code);
            }
        }
    }

    #[test]
    fn states_are_open_or_closed() {
        let cases = [
            (CaseState::Received, "open"),
            (CaseState::Handling, "open"),
            (CaseState::Suspended, "open"),
            (CaseState::Closed, "closed"),
            (CaseState::Rejected, "closed"),
            (CaseState::Merged, "closed"),
        ];
        for (state, expect) in cases {
            assert_eq!(status(state), expect, "{state:?}");
            assert!(states_of(expect).unwrap().contains(&state));
        }
        assert_eq!(states_of("pending"), None);
        let all = states_of("open").unwrap().len() + states_of("closed").unwrap().len();
        assert_eq!(all, CaseState::ALL.len());
    }

    #[test]
    fn notes_name_the_state() {
        let cases = [
            (CaseState::Handling, None, "处置中"),
            (
                CaseState::Merged,
                Some(7),
                "已并单：重复诉求，已并入请求 7（duplicate of request 7）",
            ),
            (CaseState::Rejected, None, "不予受理（not accepted）"),
        ];
        for (state, parent, expect) in cases {
            assert_eq!(status_notes(state, parent), expect);
        }
    }

    #[test]
    fn times_are_shanghai() {
        let cases = [
            (
                Utc.with_ymd_and_hms(2026, 11, 27, 1, 30, 0).unwrap(),
                "2026-11-27T09:30:00+08:00",
            ),
            (
                Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 5).unwrap(),
                "2027-01-01T04:00:05+08:00",
            ),
        ];
        for (t, expect) in cases {
            assert_eq!(local_time(t), expect);
        }
    }

    #[test]
    fn services_and_definitions_from_the_catalogue() {
        let categories = event_categories().unwrap();
        let list = services(&categories);
        let rubbish = list
            .iter()
            .find(|s| s.service_code == "event-0102")
            .unwrap();
        assert_eq!(rubbish.service_name, "暴露垃圾");
        assert_eq!(rubbish.kind, "realtime");
        assert!(rubbish.metadata);
        assert!(rubbish.keywords.contains("垃圾堆"));
        let cover = list
            .iter()
            .find(|s| s.service_code == "component-0102")
            .unwrap();
        assert_eq!(cover.service_name, "污水井盖");
        assert_eq!(cover.group, "公用设施");
        // Codes are unique.
        let mut codes: Vec<&str> = list.iter().map(|s| s.service_code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), list.len());
        // 上水井盖 has two filing conditions: a list to choose from, then the time limits.
        let water = definition(&categories, "component-0101").unwrap();
        assert_eq!(water.attributes.len(), 2);
        assert_eq!(water.attributes[0].datatype, "singlevaluelist");
        assert_eq!(water.attributes[0].values.len(), 2);
        assert!(!water.attributes[1].variable);
        assert_eq!(water.attributes[1].order, 2);
        let single = definition(&categories, "component-0102").unwrap();
        assert_eq!(single.attributes.len(), 1);
        assert_eq!(single.attributes[0].code, TIME_LIMIT_ATTRIBUTE);
        assert_eq!(definition(&categories, "event-9999"), None);
        assert_eq!(definition(&categories, "nonsense"), None);
    }

    #[test]
    fn condition_keys() {
        let categories = event_categories().unwrap();
        let urgent = "井盖缺失、塌陷或严重破损，危及行人车辆安全";
        type Case<'a> = (
            CategoryKind,
            &'a str,
            Option<&'a str>,
            Result<Option<&'a str>, usize>,
        );
        let cases: [Case; 5] = [
            (CategoryKind::Component, "0101", None, Ok(None)),
            (CategoryKind::Component, "0101", Some("1"), Ok(Some(urgent))),
            (CategoryKind::Component, "0101", Some("3"), Err(2)),
            (CategoryKind::Component, "0102", Some("1"), Err(0)),
            (CategoryKind::Component, "0101", Some(" "), Ok(None)),
        ];
        for (kind, code, key, expect) in cases {
            let got = chosen_condition(&categories, kind, code, key);
            let got = got.map_err(|allowed| allowed.len());
            assert_eq!(got, expect.map(|c| c.map(str::to_owned)), "{code} {key:?}");
        }
    }
}
