//! A category model learned from closed cases: multinomial naive Bayes over the character
//! bigrams of the text (digits dropped), trained on each closed case's final category.
//!
//! It complements the keyword rules ([`super::classify`]): callers often describe a problem
//! without naming its category (楼上天天漏水到我家 → 渗漏水), and the district's own closed cases
//! carry the words its callers use.

use std::collections::HashMap;

use crate::reference::CategoryKind;

/// Posterior probability from which a prediction is preferred to the keyword rules.
pub const CONFIDENT: f64 = 0.6;

/// Additive smoothing.
const ALPHA: f64 = 0.1;

type Feature = (char, char);

fn features(text: &str) -> Vec<Feature> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric() && !c.is_ascii_digit())
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The learned model.
#[derive(Debug, Clone, Default)]
pub struct CategoryModel {
    labels: Vec<(CategoryKind, String)>,
    log_prior: Vec<f64>,
    /// log(ALPHA / (total_l + ALPHA·V)): the weight of a feature never seen with label l.
    log_unseen: Vec<f64>,
    /// Per feature, the labels it was seen with and the log-weight gained over unseen.
    gains: HashMap<Feature, Vec<(u32, f64)>>,
}

/// A prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// 部件 or 事件.
    pub kind: CategoryKind,
    /// Subclass code.
    pub subclass_code: String,
    /// Posterior probability of this label among the labels known (0..1).
    pub probability: f64,
}

impl CategoryModel {
    /// Learns from `(text, kind, subclass code)` examples.
    pub fn train<'a>(examples: impl IntoIterator<Item = (&'a str, CategoryKind, &'a str)>) -> Self {
        let mut label_index: HashMap<(CategoryKind, String), usize> = HashMap::new();
        let mut labels = Vec::new();
        let mut docs: Vec<f64> = Vec::new();
        let mut totals: Vec<f64> = Vec::new();
        let mut counts: HashMap<Feature, HashMap<usize, f64>> = HashMap::new();
        for (text, kind, code) in examples {
            let key = (kind, code.to_owned());
            let l = *label_index.entry(key.clone()).or_insert_with(|| {
                labels.push(key);
                docs.push(0.0);
                totals.push(0.0);
                labels.len() - 1
            });
            docs[l] += 1.0;
            for f in features(text) {
                *counts.entry(f).or_default().entry(l).or_default() += 1.0;
                totals[l] += 1.0;
            }
        }
        let n: f64 = docs.iter().sum();
        if labels.is_empty() {
            return Self::default();
        }
        let vocabulary = counts.len().max(1) as f64;
        let denominators: Vec<f64> = totals.iter().map(|t| t + ALPHA * vocabulary).collect();
        let log_unseen: Vec<f64> = denominators.iter().map(|d| (ALPHA / d).ln()).collect();
        let gains = counts
            .into_iter()
            .map(|(f, per_label)| {
                let mut g: Vec<(u32, f64)> = per_label
                    .into_iter()
                    .map(|(l, c)| {
                        let seen = ((c + ALPHA) / denominators[l]).ln();
                        (l as u32, seen - log_unseen[l])
                    })
                    .collect();
                g.sort_by_key(|(l, _)| *l);
                (f, g)
            })
            .collect();
        Self {
            log_prior: docs.iter().map(|d| (d / n).ln()).collect(),
            labels,
            log_unseen,
            gains,
        }
    }

    /// How many categories the model knows.
    #[must_use]
    pub fn label_count(&self) -> usize {
        self.labels.len()
    }

    /// The most probable category of `text`, or `None` for an untrained model or a text with no
    /// known feature.
    #[must_use]
    pub fn predict(&self, text: &str) -> Option<Prediction> {
        let fs = features(text);
        let known: Vec<&Vec<(u32, f64)>> = fs.iter().filter_map(|f| self.gains.get(f)).collect();
        if known.is_empty() {
            return None;
        }
        let k = known.len() as f64;
        let mut scores: Vec<f64> = self
            .log_prior
            .iter()
            .zip(&self.log_unseen)
            .map(|(p, u)| p + k * u)
            .collect();
        for g in known {
            for (l, gain) in g {
                scores[*l as usize] += gain;
            }
        }
        let (best, top) = scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))?;
        let total: f64 = scores.iter().map(|s| (s - top).exp()).sum();
        let (kind, code) = &self.labels[best];
        Some(Prediction {
            kind: *kind,
            subclass_code: code.clone(),
            probability: 1.0 / total,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn learns_the_words_of_each_category() {
        let e = CategoryKind::Event;
        let examples = [
            ("楼上漏水到我家天花板", e, "0601"),
            ("卫生间渗水墙面发霉", e, "0601"),
            ("天花板一直滴水", e, "0601"),
            ("晚上酒吧音响很吵", e, "0301"),
            ("半夜广场舞音响太吵", e, "0301"),
            ("楼下商铺音响吵得睡不着", e, "0301"),
        ];
        let model = CategoryModel::train(examples);
        assert_eq!(model.label_count(), 2);
        let cases = [
            ("我家天花板漏水了", Some("0601")),
            ("隔壁音响太吵", Some("0301")),
            ("xyz", None),
        ];
        for (text, expect) in cases {
            let got = model.predict(text);
            assert_eq!(
                got.as_ref().map(|p| p.subclass_code.as_str()),
                expect,
                "{text}"
            );
            if let Some(p) = got {
                assert!(p.probability > 0.5 && p.probability <= 1.0, "{p:?}");
            }
        }
        assert_eq!(CategoryModel::default().predict("漏水"), None);
    }
}
