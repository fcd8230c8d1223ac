//! Repeat reports (重复诉求): the same problem at the same place, reported again while the first
//! report is open, is merged into it (原则上并单).

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

/// What duplicate detection needs to know about a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Case id (0 for the case being taken in).
    pub id: i64,
    /// Matched premises.
    pub premises_id: Option<i64>,
    /// Category subclass, if known.
    pub subclass_code: Option<String>,
    /// WGS-84 point.
    pub point: Option<(f64, f64)>,
    /// When received.
    pub created_at: DateTime<Utc>,
    /// The report's text.
    pub text: String,
}

/// Thresholds of the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateRules {
    /// Same premises and category: how far back a report counts as the same problem.
    pub same_place_window: Duration,
    /// Same category nearby: how near (metres)…
    pub radius_m: f64,
    /// …and how far back.
    pub nearby_window: Duration,
    /// Character-bigram Jaccard similarity that nearby reports need.
    pub nearby_similarity: f64,
    /// Similarity at which reports at the same premises match even without a category.
    pub same_place_similarity: f64,
}

impl Default for DuplicateRules {
    fn default() -> Self {
        Self {
            same_place_window: Duration::days(7),
            radius_m: 50.0,
            nearby_window: Duration::hours(48),
            nearby_similarity: 0.25,
            same_place_similarity: 0.5,
        }
    }
}

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric() && !c.is_ascii_digit())
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Jaccard similarity of the character bigrams of two texts (digits and punctuation ignored).
#[must_use]
pub fn text_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (bigrams(a), bigrams(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// Great-circle distance in metres (haversine on a 6,371 km sphere).
#[must_use]
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// The open case `new` repeats, with the reason in words, if any. `open` are open cases that
/// could be the original (the caller picks them by premises and by area); the oldest match wins.
#[must_use]
pub fn find_duplicate(
    new: &Probe,
    open: &[Probe],
    rules: &DuplicateRules,
) -> Option<(i64, String)> {
    let mut best: Option<(&Probe, String)> = None;
    for old in open {
        if old.id == new.id || old.created_at > new.created_at {
            continue;
        }
        let age = new.created_at - old.created_at;
        let same_category = new.subclass_code.is_some() && new.subclass_code == old.subclass_code;
        let same_place = new.premises_id.is_some() && new.premises_id == old.premises_id;
        let reason = if same_place && age <= rules.same_place_window && same_category {
            Some("同一地点、同一类别的诉求仍在办理中".to_owned())
        } else if same_place
            && age <= rules.same_place_window
            && text_similarity(&new.text, &old.text) >= rules.same_place_similarity
        {
            Some("同一地点、内容相近的诉求仍在办理中".to_owned())
        } else if let (true, Some(a), Some(b)) = (same_category, new.point, old.point) {
            let d = distance_m(a, b);
            (d <= rules.radius_m
                && age <= rules.nearby_window
                && text_similarity(&new.text, &old.text) >= rules.nearby_similarity)
                .then(|| format!("{d:.0} 米内同类诉求仍在办理中"))
        } else {
            None
        };
        if let Some(reason) = reason
            && best
                .as_ref()
                .is_none_or(|(b, _)| old.created_at < b.created_at)
        {
            best = Some((old, reason));
        }
    }
    best.map(|(p, reason)| (p.id, reason))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn probe(
        id: i64,
        premises: Option<i64>,
        cat: Option<&str>,
        point: (f64, f64),
        hours_ago: i64,
        text: &str,
    ) -> Probe {
        let now = DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Probe {
            id,
            premises_id: premises,
            subclass_code: cat.map(str::to_owned),
            point: Some(point),
            created_at: now - Duration::hours(hours_ago),
            text: text.to_owned(),
        }
    }

    #[test]
    fn repeats_are_found_by_place_category_distance_and_words() {
        let here = (121.4400, 31.1900);
        let near = (121.4403, 31.1901); // ≈ 30 m
        let far = (121.4500, 31.1900); // ≈ 950 m
        let new = probe(
            0,
            Some(9),
            Some("0201"),
            here,
            0,
            "小区门口垃圾堆积没人清运",
        );
        let cases: Vec<(Vec<Probe>, Option<i64>)> = vec![
            (
                vec![probe(1, Some(9), Some("0201"), here, 30, "垃圾没人清")],
                Some(1),
            ),
            (
                vec![probe(1, Some(9), Some("0201"), here, 24 * 8, "垃圾没人清")],
                None,
            ),
            (
                vec![probe(1, Some(9), Some("0301"), here, 3, "夜里噪声扰民")],
                None,
            ),
            (
                vec![probe(1, Some(9), None, here, 3, "小区门口垃圾堆积没有清运")],
                Some(1),
            ),
            (
                vec![probe(
                    1,
                    Some(5),
                    Some("0201"),
                    near,
                    5,
                    "门口垃圾堆积清运不及时",
                )],
                Some(1),
            ),
            (
                vec![probe(
                    1,
                    Some(5),
                    Some("0201"),
                    far,
                    5,
                    "门口垃圾堆积清运不及时",
                )],
                None,
            ),
            (
                vec![probe(1, Some(5), Some("0201"), near, 5, "路边有一辆自行车")],
                None,
            ),
            (
                vec![
                    probe(2, Some(9), Some("0201"), here, 5, "垃圾"),
                    probe(1, Some(9), Some("0201"), here, 50, "垃圾"),
                ],
                Some(1),
            ),
        ];
        for (open, expect) in cases {
            let got = find_duplicate(&new, &open, &DuplicateRules::default()).map(|(id, _)| id);
            assert_eq!(got, expect, "{open:?}");
        }
    }

    #[test]
    fn similarity_and_distance() {
        assert!((text_similarity("垃圾没人清", "垃圾没人清") - 1.0).abs() < 1e-9);
        assert_eq!(text_similarity("", "垃圾"), 0.0);
        let d = distance_m((121.44, 31.19), (121.45, 31.19));
        assert!((d - 951.0).abs() < 5.0, "{d}");
    }
}
