//! The CCKS-2021 label set (中文地址要素解析) for yiwang's components.
//!
//! The CCKS scheme is coarser below the road and keys some labels on context: a door number
//! right after a road is the road's number (`roadno`), after a lane or a compound it is a house
//! number (`houseno`); a lane number in Shanghai is also `roadno` (in `柳营路669弄14号1102室`,
//! `669弄` is `roadno`, `14号` `houseno`, `1102室` `roomno`), while elsewhere the corpus reads a
//! lane as an alley (`梅西路11弄111号`: `road`, `road`, `roadno`). Spans include their unit chars (`669弄`,
//! `14号`, `3单元`, `5层`); in `X路与Y路交叉口` only `交叉口` is the `intersection`, and the
//! connector `与` has no label.

use super::{Component, Label, Parsed};
use crate::parse::facts::MUNICIPALITIES;
use crate::parse::lexicon::CONNECTORS;

/// The CCKS-2021 label for a component with `label` and `text`, given the labels of the
/// components before it (in order).
///
/// Labels: `prov`, `city`, `district`, `devzone`, `town`, `community`, `village_group`, `road`,
/// `roadno`, `poi`, `subpoi`, `houseno`, `cellno`, `floorno`, `roomno`, `intersection`,
/// `assist`, `distance`, `redundant`, `others`. A municipality (`上海市`, `北京`) is a `city`, as
/// in the guideline's `city=上海市 district=静安区`.
pub fn ccks_label(label: Label, text: &str, before: &[Label]) -> &'static str {
    match label {
        Label::Province => {
            let municipality = MUNICIPALITIES
                .iter()
                .any(|m| *m == text || m.strip_suffix('市') == Some(text));
            if municipality { "city" } else { "prov" }
        }
        Label::City => "city",
        Label::District => "district",
        Label::DevZone => "devzone",
        Label::Street => "town",
        Label::Community => "community",
        Label::Group => "village_group",
        Label::Road => "road",
        Label::Lane | Label::SubLane => "roadno",
        Label::Door => door(before),
        Label::Poi => "poi",
        // A row of shops in a market (`106街`) is a `road` in the guideline's examples.
        Label::SubPoi if text.ends_with('街') => "road",
        Label::SubPoi => "subpoi",
        Label::Building => "houseno",
        Label::Unit => "cellno",
        Label::Floor => "floorno",
        Label::Room => "roomno",
        Label::Intersection => "intersection",
        Label::Direction => {
            if is_distance(text) {
                "distance"
            } else {
                "assist"
            }
        }
        Label::Redundant => "redundant",
        Label::Other => "others",
    }
}

/// `roadno` after a road, `houseno` after a lane, a compound, another number or a village and
/// its group (the guideline: 沿山村5组6号 is `community village_group houseno`; a rural door
/// number is a `houseno`).
fn door(before: &[Label]) -> &'static str {
    for label in before.iter().rev() {
        match label {
            Label::Lane
            | Label::SubLane
            | Label::Door
            | Label::Poi
            | Label::SubPoi
            | Label::Building
            | Label::Community
            | Label::Group => return "houseno",
            Label::Road => return "roadno",
            l if l.is_admin() => return "roadno",
            _ => {}
        }
    }
    "roadno"
}

/// A number followed by a unit of length: `100米`, `2公里`, `50m`.
fn is_distance(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && ["米", "公里", "千米", "km", "m"]
            .iter()
            .any(|u| text.ends_with(u))
}

/// Whether `text` is a connector between two roads (`与`, `和`), which yiwang marks as part of
/// the intersection.
fn is_connector(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| CONNECTORS.contains(&c)) && chars.next().is_none()
}

/// Every component of `parsed` with its CCKS-2021 label (the connector between two roads and the
/// country, which the guideline leaves unlabelled, are left out).
///
/// A lane is the road's number in Shanghai (`柳营路669弄14号`: `roadno`, then `houseno`) but an
/// alley of its own elsewhere, as the corpus annotates it (`梅西路11弄111号`: `road`, then
/// `roadno`); an address with no place written or found is read as Shanghai's.
pub fn ccks_components(parsed: &Parsed) -> Vec<(&'static str, &Component)> {
    let alleys = outside_shanghai(parsed);
    let mut before = Vec::with_capacity(parsed.components.len());
    let mut out = Vec::with_capacity(parsed.components.len());
    for c in &parsed.components {
        // The guideline leaves the connector of `X路与Y路交叉口` unlabelled, and the country.
        if (c.label == Label::Intersection && is_connector(&c.text))
            || (c.label == Label::Other && c.text == "中国")
        {
            continue;
        }
        let mut label = ccks_label(c.label, &c.text, &before);
        if alleys {
            label = match (c.label, before.last()) {
                (Label::Lane | Label::SubLane, _) => "road",
                (Label::Door, Some(Label::Lane | Label::SubLane)) => "roadno",
                _ => label,
            };
        }
        out.push((label, c));
        before.push(c.label);
    }
    out
}

/// Whether the address is placed outside Shanghai: by the district found, or else by a province
/// or city written.
fn outside_shanghai(parsed: &Parsed) -> bool {
    match parsed.district_code.as_deref() {
        Some(code) => !code.starts_with("31"),
        None => parsed.components.iter().any(|c| {
            matches!(c.label, Label::Province | Label::City)
                && !c.text.starts_with("上海")
                && !c.text.starts_with('沪')
        }),
    }
}
