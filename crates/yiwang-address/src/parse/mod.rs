//! Parsing addresses into labelled components.
//!
//! [`parse`] normalises the input ([`normalize`](crate::normalize)), segments the normalised
//! text with rules and a [`Gazetteer`] (see `rules`), maps every component back to the
//! characters of the input it came from, and determines the district: the one written, or else
//! the one implied by a known street, road or point of interest when they all agree.
//! [`ccks_label`] and [`ccks_components`] give the CCKS-2021 label set.

mod ccks;
mod facts;
mod gazetteer;
mod label;
mod lexicon;
mod rules;
mod shanghai;

use serde::{Deserialize, Serialize};

pub use ccks::{ccks_components, ccks_label};
pub use gazetteer::{Entry, Gazetteer, Kind};
pub use label::Label;

use crate::normalize;
use gazetteer::Entry as GazEntry;

/// One labelled part of an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// What the part is.
    pub label: Label,
    /// The part as normalised (`3号楼` for an input `三幢`).
    pub text: String,
    /// The first char (not byte) of the part in the original input.
    pub start: usize,
    /// One past the last char of the part in the original input.
    pub end: usize,
}

/// A parsed address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed {
    /// The input as given.
    pub input: String,
    /// The input normalised.
    pub normalized: String,
    /// The components in the order they were written.
    pub components: Vec<Component>,
    /// The district (`徐汇区`), written or inferred; for a district written but not in the
    /// gazetteer, as written (`余杭区`).
    pub district: Option<String>,
    /// The district's GB/T 2260 code (`310104`), when the gazetteer knows it.
    pub district_code: Option<String>,
}

impl Parsed {
    /// The components with `label`.
    pub fn get(&self, label: Label) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(move |c| c.label == label)
    }

    /// A compact rendering for tests and logs: `province:上海市 district:徐汇区 road:宛平南路`.
    pub fn render(&self) -> String {
        let parts: Vec<String> = self
            .components
            .iter()
            .map(|c| format!("{}:{}", c.label.as_str(), c.text))
            .collect();
        parts.join(" ")
    }
}

/// Parses an address into labelled components, with spans in chars of `input`.
///
/// ```
/// use yiwang_address::{Gazetteer, Label, parse};
/// let g = Gazetteer::default();
/// let p = parse("漕溪北路88号12层1203室", &g);
/// assert_eq!(p.render(), "road:漕溪北路 door:88号 floor:12层 room:1203室");
/// assert_eq!(p.district.as_deref(), Some("徐汇区"));
/// assert_eq!(p.district_code.as_deref(), Some("310104"));
/// let room = p.get(Label::Room).next().map(|c| (c.start, c.end));
/// assert_eq!(room, Some((10, 15)));
/// ```
pub fn parse(input: &str, gazetteer: &Gazetteer) -> Parsed {
    let norm = normalize(input);
    let (segs, bytes) = rules::segment(&norm.text, gazetteer);
    let mut components = Vec::with_capacity(segs.len());
    // The gazetteer meaning of each component, in step with `components`.
    let mut entries: Vec<Option<&GazEntry>> = Vec::with_capacity(segs.len());
    for seg in &segs {
        let Some(span) = norm.source_span(seg.start..seg.end) else {
            continue;
        };
        entries.push(seg.entry);
        let text = match (bytes.get(seg.start), bytes.get(seg.end)) {
            (Some(&a), Some(&b)) => norm.text.get(a..b).unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        components.push(Component {
            label: seg.label,
            text,
            start: span.start,
            end: span.end,
        });
    }
    let (district, district_code) = district(&components, &entries, gazetteer);
    Parsed {
        input: input.to_owned(),
        normalized: norm.text,
        components,
        district,
        district_code,
    }
}

/// The home municipality: an ambiguous district name (`普陀区` is in Shanghai and in Zhoushan)
/// with no province or city written is taken to be in Shanghai.
const HOME: &str = "31";

/// The written or inferred district and its code.
fn district(
    components: &[Component],
    entries: &[Option<&GazEntry>],
    gazetteer: &Gazetteer,
) -> (Option<String>, Option<String>) {
    // Provinces and cities written, by their full names (the first few; more is noise).
    let mut written: [&str; 4] = [""; 4];
    let mut n_written = 0;
    for (c, e) in components.iter().zip(entries) {
        if matches!(c.label, Label::Province | Label::City)
            && let Some(slot) = written.get_mut(n_written)
        {
            *slot = e.map_or(c.text.as_str(), |e| e.canonical.as_str());
            n_written += 1;
        }
    }
    let written = written.get(..n_written).unwrap_or_default();
    let fits = |code: &str| {
        let (province, city) = gazetteer.regions_of(code);
        written
            .iter()
            .all(|w| Some(*w) == province || Some(*w) == city)
    };
    let district = components
        .iter()
        .zip(entries)
        .find(|(c, _)| c.label == Label::District && c.text != "市辖区");
    if let Some((c, e)) = district {
        let Some(e) = e else {
            return (Some(c.text.clone()), None);
        };
        // Every district of that name that fits the province and city written; of several, the
        // one in the home municipality, if any.
        let (mut first, mut home, mut count) = (None, None, 0);
        for d in gazetteer.get(&c.text) {
            let Some(code) = d.district_code.as_deref() else {
                continue;
            };
            if d.kind != Kind::District || !fits(code) {
                continue;
            }
            count += 1;
            first = first.or(Some((d, code)));
            if code.starts_with(HOME) {
                home = home.or(Some((d, code)));
            }
        }
        let chosen = if count == 1 { first } else { home };
        return match chosen {
            Some((d, code)) => (Some(d.canonical.clone()), Some(code.to_owned())),
            None => (Some(e.canonical.clone()), None),
        };
    }
    // Not written: the known streets must agree, or else the known roads and points of interest
    // (a road may cross into a neighbouring district, a street may not).
    let streets = agreed(components, gazetteer, true);
    let code = match streets {
        Agreement::One(code) => Some(code),
        Agreement::Conflict => None,
        Agreement::None => match agreed(components, gazetteer, false) {
            Agreement::One(code) => Some(code),
            _ => None,
        },
    };
    match code {
        Some(code) if fits(code) => (
            gazetteer.district_name(code).map(str::to_owned),
            Some(code.to_owned()),
        ),
        _ => (None, None),
    }
}

/// Whether the district codes of some components agree.
enum Agreement<'g> {
    /// No component has a known district.
    None,
    /// All that have one agree on it.
    One(&'g str),
    /// Two disagree.
    Conflict,
}

/// The district codes of the known streets (`streets`) or of the known roads and points of
/// interest among `components`.
fn agreed<'g>(components: &[Component], gazetteer: &'g Gazetteer, streets: bool) -> Agreement<'g> {
    let mut code: Option<&'g str> = None;
    for c in components {
        let kinds: &[Kind] = match c.label {
            Label::Street | Label::DevZone if streets => &[Kind::Street, Kind::DevZone],
            Label::Road if !streets => &[Kind::Road],
            Label::Poi | Label::SubPoi if !streets => &[Kind::Poi],
            _ => continue,
        };
        for e in gazetteer.get(&c.text) {
            if !kinds.contains(&e.kind) {
                continue;
            }
            let Some(d) = e.district_code.as_deref() else {
                continue;
            };
            match code {
                None => code = Some(d),
                Some(prev) if prev != d => return Agreement::Conflict,
                Some(_) => {}
            }
        }
    }
    code.map_or(Agreement::None, Agreement::One)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
