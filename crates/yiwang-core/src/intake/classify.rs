//! Category from the text of a report: keyword rules over the GB/T 30428 subclass names and the
//! words callers use for them, and the filing condition (立案条件) that the words point at.

use crate::reference::{CategoryKind, EventCategoryFact, TimeLimitUnit};

/// Words callers use for a subclass besides its name (subclass name, synonyms).
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "暴露垃圾",
        &["垃圾没人清", "垃圾堆", "垃圾乱扔", "乱扔垃圾", "生活垃圾"],
    ),
    ("垃圾箱满溢", &["垃圾桶满", "垃圾桶溢出", "垃圾箱满"]),
    (
        "机动车乱停放",
        &["乱停车", "违停", "违章停车", "车辆乱停", "汽车乱停"],
    ),
    (
        "非机动车乱停放",
        &["共享单车", "自行车乱停", "电瓶车乱停", "电动车乱停"],
    ),
    (
        "非机动车充电",
        &["飞线充电", "电瓶车充电", "电动车充电", "楼道充电"],
    ),
    ("噪声扰民", &["噪音", "太吵", "噪声"]),
    ("施工扰民", &["夜间施工", "施工噪音", "半夜施工"]),
    ("油烟扰民", &["油烟"]),
    ("占道经营", &["摆摊", "马路菜场", "占道摆"]),
    ("无照经营游商", &["游商", "流动摊贩"]),
    (
        "道路破损",
        &["路面破损", "坑洼", "路面有坑", "人行道破损", "地砖松动"],
    ),
    ("道路积水", &["积水", "水淹"]),
    ("路面塌陷", &["塌陷", "路面下沉"]),
    ("路灯", &["路灯不亮", "路灯坏"]),
    ("交通信号灯", &["红绿灯", "信号灯"]),
    ("行道树", &["树枝", "倒伏", "树木倾斜"]),
    ("下水道堵塞或破损", &["下水道堵", "污水外溢", "返水"]),
    ("自来水管破裂", &["水管爆裂", "水管破", "爆管"]),
    ("渗漏水", &["漏水", "渗水", "天花板滴水"]),
    ("电梯故障", &["电梯坏", "电梯停运", "困人", "电梯"]),
    ("群租", &["群租房", "隔断间", "住很多人"]),
    ("私搭乱建", &["违章搭建", "违建", "搭建"]),
    ("非法小广告", &["小广告", "牛皮癣"]),
    ("不文明养犬", &["遛狗不牵绳", "狗屎", "犬吠"]),
    ("消防通道堵塞", &["消防通道", "堵塞通道"]),
    ("停电", &["没电", "断电"]),
    ("燃气管道破裂", &["煤气泄漏", "燃气泄漏", "煤气味"]),
    ("物业服务", &["物业不管", "物业公司"]),
    ("食品安全", &["过期食品", "食物中毒"]),
    ("黑车拉客", &["黑车"]),
];

/// Words callers use for a subclass besides its name (empty when none are known).
#[must_use]
pub fn synonyms(subclass_name: &str) -> &'static [&'static str] {
    SYNONYMS
        .iter()
        .find(|(name, _)| *name == subclass_name)
        .map_or(&[], |(_, words)| words)
}

/// Words that point at the urgent filing condition of a subclass (缺失, 塌陷 … 危及安全).
const URGENT_WORDS: &[&str] = &[
    "缺失",
    "没有盖",
    "塌陷",
    "危及",
    "危险",
    "冒水",
    "起火",
    "着火",
    "泄漏",
    "困人",
    "爆裂",
];

/// A suggested category for a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// The category row (subclass and filing condition) suggested.
    pub category: EventCategoryFact,
    /// How sure: the share of the best keyword in the text's evidence (0..1).
    pub confidence: f64,
    /// The words that decided it (keyword rules only).
    pub matched: Vec<String>,
    /// `keywords` or `model` (learned from closed cases).
    pub method: &'static str,
}

/// Keyword classifier over the embedded categories.
#[derive(Debug, Clone)]
pub struct Classifier {
    categories: Vec<EventCategoryFact>,
    /// (keyword, index of the first row of its subclass), longest keywords first.
    keywords: Vec<(String, usize)>,
}

impl Classifier {
    /// Builds the keyword table from the category rows.
    #[must_use]
    pub fn new(categories: Vec<EventCategoryFact>) -> Self {
        let mut keywords: Vec<(String, usize)> = Vec::new();
        for (i, c) in categories.iter().enumerate() {
            if keywords.iter().any(|(_, j)| {
                categories[*j].kind == c.kind && categories[*j].subclass_code == c.subclass_code
            }) {
                continue;
            }
            keywords.push((c.subclass_name.clone(), i));
            if let Some((_, words)) = SYNONYMS.iter().find(|(name, _)| *name == c.subclass_name) {
                keywords.extend(words.iter().map(|w| ((*w).to_owned(), i)));
            }
        }
        keywords.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.1.cmp(&b.1))
        });
        Self {
            categories,
            keywords,
        }
    }

    /// Every category row.
    #[must_use]
    pub fn categories(&self) -> &[EventCategoryFact] {
        &self.categories
    }

    /// The row of a subclass whose filing condition the text points at: the urgent one when
    /// the text has words of danger and the subclass has one, else the first ordinary one.
    #[must_use]
    pub fn row_for(
        &self,
        kind: CategoryKind,
        subclass_code: &str,
        text: &str,
    ) -> Option<&EventCategoryFact> {
        let rows: Vec<&EventCategoryFact> = self
            .categories
            .iter()
            .filter(|c| c.kind == kind && c.subclass_code == subclass_code)
            .collect();
        let urgent = URGENT_WORDS.iter().any(|w| text.contains(w));
        rows.iter()
            .find(|c| urgent && c.time_limit_unit == TimeLimitUnit::UrgentHour)
            .or_else(|| {
                rows.iter()
                    .find(|c| c.time_limit_unit != TimeLimitUnit::UrgentHour)
            })
            .or(rows.first())
            .copied()
    }

    /// Suggests a category for `text`, or `None` when no keyword occurs. Each subclass scores
    /// the characters of its keywords found in the text; the best subclass wins.
    #[must_use]
    pub fn classify(&self, text: &str) -> Option<Classification> {
        let mut scores: Vec<(usize, usize, Vec<String>)> = Vec::new();
        let mut total = 0usize;
        for (word, row) in &self.keywords {
            if text.contains(word.as_str()) {
                let weight = word.chars().count();
                total += weight;
                match scores.iter_mut().find(|(r, _, _)| r == row) {
                    Some((_, score, words)) => {
                        *score += weight;
                        words.push(word.clone());
                    }
                    None => scores.push((*row, weight, vec![word.clone()])),
                }
            }
        }
        let (row, score, matched) = scores
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
        let first = &self.categories[row];
        let category = self
            .row_for(first.kind, &first.subclass_code, text)?
            .clone();
        Some(Classification {
            category,
            confidence: score as f64 / total.max(1) as f64,
            matched,
            method: "keywords",
        })
    }

    /// The suggestion intake makes: the learned `model` when it is confident
    /// ([`super::model::CONFIDENT`]), else the keyword rules, else the model's best guess.
    /// On held-back twin cases this beats either alone (docs/PERFORMANCE.md).
    #[must_use]
    pub fn suggest(
        &self,
        text: &str,
        model: &super::model::CategoryModel,
    ) -> Option<Classification> {
        let predicted = model.predict(text).and_then(|p| {
            let category = self.row_for(p.kind, &p.subclass_code, text)?.clone();
            Some(Classification {
                category,
                confidence: p.probability,
                matched: Vec::new(),
                method: "model",
            })
        });
        match predicted {
            Some(p) if p.confidence >= super::model::CONFIDENT => Some(p),
            other => self.classify(text).or(other),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::reference::event_categories;

    fn check(text: &str, expect: Option<(&str, &str)>) {
        let classifier = Classifier::new(event_categories().unwrap());
        let got = classifier.classify(text).map(|c| {
            (
                c.category.subclass_name.clone(),
                c.category.time_limit_unit.as_str().to_owned(),
            )
        });
        let expect = expect.map(|(n, u)| (n.to_owned(), u.to_owned()));
        assert_eq!(got, expect, "{text}");
    }

    #[test]
    fn keywords_pick_the_subclass_and_its_filing_condition() {
        check(
            "宛平南路500弄门口垃圾堆了好几天没人清",
            Some(("暴露垃圾", "working_hour")),
        );
        check(
            "小区门口有人乱停车堵住了出口",
            Some(("机动车乱停放", "working_hour")),
        );
        check("上水井盖破损，走路不平", Some(("上水井盖", "working_day")));
        check(
            "上水井盖缺失，危及行人安全",
            Some(("上水井盖", "urgent_hour")),
        );
        check(
            "楼道里有人飞线充电很危险",
            Some(("非机动车充电", "working_day")),
        );
        check("请问居住证怎么办理", None);
    }

    #[test]
    fn a_confident_model_comes_before_the_keywords() {
        use crate::intake::model::CategoryModel;
        let classifier = Classifier::new(event_categories().unwrap());
        let seepage = classifier
            .categories()
            .iter()
            .find(|c| c.subclass_name == "渗漏水")
            .unwrap()
            .clone();
        let e = seepage.kind;
        let code = seepage.subclass_code.as_str();
        let model = CategoryModel::train([
            ("楼上天天往我家滴水", e, code),
            ("我家天花板滴水发霉", e, code),
            ("卫生间顶上滴水", e, code),
        ]);
        // No keyword names it; the model knows the callers' words.
        let got = classifier.suggest("楼上往我家滴水", &model).unwrap();
        assert_eq!(
            (got.category.subclass_name.as_str(), got.method),
            ("渗漏水", "model")
        );
        // An untrained model leaves the keywords in charge.
        let got = classifier
            .suggest("门口暴露垃圾", &CategoryModel::default())
            .unwrap();
        assert_eq!(
            (got.category.subclass_name.as_str(), got.method),
            ("暴露垃圾", "keywords")
        );
        assert!(
            classifier
                .suggest("请问居住证怎么办理", &CategoryModel::default())
                .is_none()
        );
    }
}
