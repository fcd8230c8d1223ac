//! The wire form of a parse, shared by `yiwang address parse` and `POST /api/v1/address/parse`.

use serde::Serialize;

use crate::{Parsed, ccks_components};

/// Which label set to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// yiwang's own labels (`province`, `road`, `lane`, `door`, …).
    #[default]
    Yiwang,
    /// The CCKS-2021 label set (`prov`, `road`, `roadno`, `houseno`, …).
    Ccks,
}

impl std::str::FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "yiwang" => Ok(Scheme::Yiwang),
            "ccks" => Ok(Scheme::Ccks),
            other => Err(format!(
                "unknown label scheme `{other}`; use yiwang or ccks"
            )),
        }
    }
}

/// One component on the wire: `text` is the slice of the *original* input from `start` to `end`
/// (char offsets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireComponent {
    /// Label in the chosen scheme.
    pub label: &'static str,
    /// The input's characters `start..end`.
    pub text: String,
    /// First char offset in the input.
    pub start: usize,
    /// One past the last char offset.
    pub end: usize,
}

/// A parse on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireParse {
    /// The input as given.
    pub input: String,
    /// The input normalised.
    pub normalized: String,
    /// Components in written order.
    pub components: Vec<WireComponent>,
    /// District, written or inferred.
    pub district: Option<String>,
    /// Its GB/T 2260 code, when known.
    pub district_code: Option<String>,
}

/// Renders `parsed` in `scheme`.
pub fn to_wire(parsed: &Parsed, scheme: Scheme) -> WireParse {
    let chars: Vec<char> = parsed.input.chars().collect();
    let slice = |start: usize, end: usize| {
        chars
            .get(start..end.min(chars.len()))
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    let components = match scheme {
        Scheme::Yiwang => parsed
            .components
            .iter()
            .map(|c| WireComponent {
                label: c.label.as_str(),
                text: slice(c.start, c.end),
                start: c.start,
                end: c.end,
            })
            .collect(),
        Scheme::Ccks => ccks_components(parsed)
            .into_iter()
            .map(|(label, c)| WireComponent {
                label,
                text: slice(c.start, c.end),
                start: c.start,
                end: c.end,
            })
            .collect(),
    };
    WireParse {
        input: parsed.input.clone(),
        normalized: parsed.normalized.clone(),
        components,
        district: parsed.district.clone(),
        district_code: parsed.district_code.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Gazetteer, parse};

    #[test]
    fn wire_text_is_the_original_slice_and_schemes_differ() {
        let g = Gazetteer::default();
        let parsed = parse("上海市徐汇区宛平南路五百弄9号660室", &g);
        let wire = to_wire(&parsed, Scheme::Yiwang);
        let lane = wire.components.iter().find(|c| c.label == "lane").unwrap();
        assert_eq!(
            lane.text, "五百弄",
            "the slice of the input, not the normalised 500弄"
        );
        let ccks = to_wire(&parsed, Scheme::Ccks);
        let labels: Vec<&str> = ccks.components.iter().map(|c| c.label).collect();
        assert!(
            labels.contains(&"roadno") && labels.contains(&"houseno") && labels.contains(&"roomno"),
            "{labels:?}"
        );
        assert_eq!(wire.district_code.as_deref(), Some("310104"));
        assert!("bio".parse::<Scheme>().is_err());
    }
}
