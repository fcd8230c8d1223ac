//! Words that end or mark address elements: suffixes of divisions, roads and points of interest,
//! direction words, separators.

use std::collections::HashMap;

use super::Label;
use super::gazetteer::FxBuild;

/// A name suffix, the label of the name it ends, and how many name chars it needs before it.
#[derive(Debug)]
pub(super) struct Suffix {
    /// The suffix as written.
    pub word: &'static str,
    /// The label of a name ending with it.
    pub label: Label,
    /// The fewest name chars before the suffix.
    pub min_core: usize,
    /// The length of `word` in chars (counted once, not at every position of every parse).
    pub chars: usize,
}

const fn s(word: &'static str, label: Label, min_core: usize) -> Suffix {
    Suffix {
        word,
        label,
        min_core,
        chars: char_len(word),
    }
}

/// The number of chars of `s`: its bytes that do not continue a char.
pub(super) const fn char_len(s: &str) -> usize {
    let mut rest = s.as_bytes();
    let mut n = 0;
    while let [b, tail @ ..] = rest {
        if *b & 0xC0 != 0x80 {
            n += 1;
        }
        rest = tail;
    }
    n
}

/// Name suffixes. At one position the longest that fits wins, so the order is free.
pub(super) const SUFFIXES: &[Suffix] = &[
    // Divisions.
    s("省", Label::Province, 2),
    s("自治区", Label::Province, 2),
    s("自治州", Label::City, 2),
    s("地区", Label::City, 2),
    s("盟", Label::City, 2),
    s("市", Label::District, 2),
    s("区", Label::District, 2),
    s("县", Label::District, 1),
    s("旗", Label::District, 2),
    s("开发区", Label::DevZone, 2),
    s("高新区", Label::DevZone, 2),
    s("保税区", Label::DevZone, 2),
    s("工业区", Label::DevZone, 2),
    s("工业园区", Label::DevZone, 2),
    s("工业园", Label::DevZone, 2),
    s("产业园区", Label::DevZone, 2),
    s("科技园区", Label::DevZone, 2),
    s("创业园区", Label::DevZone, 2),
    s("产业园", Label::DevZone, 2),
    s("科技园", Label::DevZone, 2),
    s("创业园", Label::DevZone, 2),
    s("电商园", Label::DevZone, 2),
    s("经济园", Label::DevZone, 2),
    s("软件园", Label::DevZone, 2),
    s("街道", Label::Street, 2),
    s("街道办事处", Label::Street, 2),
    s("街办事处", Label::Street, 2),
    s("街办", Label::Street, 2),
    s("镇", Label::Street, 2),
    s("乡", Label::Street, 2),
    s("居委会", Label::Community, 2),
    s("居民委员会", Label::Community, 2),
    s("村委会", Label::Community, 2),
    s("村民委员会", Label::Community, 2),
    s("社区", Label::Community, 2),
    s("村", Label::Community, 2),
    s("自然村", Label::Community, 1),
    s("行政村", Label::Community, 1),
    s("组", Label::Group, 1),
    s("村民小组", Label::Group, 1),
    s("村民组", Label::Group, 2),
    s("嘎查", Label::Community, 2),
    // Roads.
    s("路", Label::Road, 1),
    s("街", Label::Road, 1),
    s("大街", Label::Road, 1),
    s("大道", Label::Road, 1),
    s("公路", Label::Road, 1),
    s("巷", Label::Road, 1),
    s("胡同", Label::Road, 1),
    // Points of interest and compounds.
    s("小区", Label::Poi, 1),
    s("花园", Label::Poi, 1),
    s("家园", Label::Poi, 1),
    // `宁新村` is a village named 宁新; a compound's name before `新村` has two chars or more.
    s("新村", Label::Poi, 2),
    s("公寓", Label::Poi, 1),
    s("大厦", Label::Poi, 1),
    s("大楼", Label::Poi, 1),
    s("广场", Label::Poi, 1),
    s("中心", Label::Poi, 1),
    s("园区", Label::DevZone, 2),
    s("物流园", Label::DevZone, 2),
    s("科创园", Label::DevZone, 2),
    s("校区", Label::Poi, 1),
    s("院区", Label::Poi, 1),
    s("街区", Label::Poi, 2),
    s("山庄", Label::Poi, 1),
    s("商城", Label::Poi, 1),
    s("商场", Label::Poi, 1),
    s("市场", Label::Poi, 1),
    s("超市", Label::Poi, 1),
    s("公司", Label::Poi, 1),
    // After `集团` the company's name goes on (`八达集团有限公司`).
    s("有限公司", Label::Poi, 0),
    s("股份有限公司", Label::Poi, 0),
    s("集团", Label::Poi, 1),
    s("银行", Label::Poi, 1),
    s("医院", Label::Poi, 1),
    s("学校", Label::Poi, 1),
    s("小学", Label::Poi, 1),
    s("中学", Label::Poi, 1),
    s("大学", Label::Poi, 1),
    s("学院", Label::Poi, 1),
    s("幼儿园", Label::Poi, 1),
    s("酒店", Label::Poi, 1),
    s("宾馆", Label::Poi, 1),
    s("饭店", Label::Poi, 1),
    s("公园", Label::Poi, 1),
    s("车站", Label::Poi, 1),
    s("地铁站", Label::Poi, 1),
    s("火车站", Label::Poi, 0),
    s("宿舍", Label::Poi, 1),
    s("厂房", Label::Poi, 1),
    s("仓库", Label::Poi, 0),
    s("场", Label::Poi, 2),
    s("苑", Label::Poi, 1),
    s("园", Label::Poi, 1),
    s("城", Label::Poi, 1),
    s("府", Label::Poi, 1),
    s("庭", Label::Poi, 1),
    s("湾", Label::Poi, 1),
    s("阁", Label::Poi, 1),
    s("居", Label::Poi, 1),
    s("坊", Label::Poi, 1),
    s("店", Label::Poi, 1),
    s("厂", Label::Poi, 1),
    s("院", Label::Poi, 1),
    s("所", Label::Poi, 1),
    s("站", Label::Poi, 1),
    s("馆", Label::Poi, 1),
    s("局", Label::Poi, 1),
    s("厦", Label::Poi, 1),
    s("楼", Label::Poi, 1),
    s("墅", Label::Poi, 1),
    s("邸", Label::Poi, 1),
    s("寺", Label::Poi, 1),
    s("部", Label::Poi, 1),
    s("行", Label::Poi, 1),
    s("社", Label::Poi, 1),
    s("处", Label::Poi, 1),
    s("校", Label::Poi, 1),
];

/// [`SUFFIXES`] by their first char, so finding the suffixes at a position is one lookup.
#[derive(Debug, Clone)]
pub(super) struct SuffixIndex {
    by_first: HashMap<char, Vec<&'static Suffix>, FxBuild>,
}

impl Default for SuffixIndex {
    fn default() -> Self {
        let mut by_first: HashMap<char, Vec<&'static Suffix>, FxBuild> = HashMap::default();
        for sfx in SUFFIXES {
            if let Some(c) = sfx.word.chars().next() {
                by_first.entry(c).or_default().push(sfx);
            }
        }
        SuffixIndex { by_first }
    }
}

impl SuffixIndex {
    /// The suffixes that start with `c`.
    pub(super) fn starting_with(&self, c: char) -> &[&'static Suffix] {
        self.by_first.get(&c).map_or(&[], Vec::as_slice)
    }
}

/// Chars that may stand between a name and a road suffix and belong to the road name:
/// directions and ordinals (`南京西路`, `中山东一路`, `共和新路`).
pub(super) fn is_road_modifier(c: char) -> bool {
    matches!(
        c,
        '东' | '西'
            | '南'
            | '北'
            | '中'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '新'
            | '老'
    )
}

/// Road suffixes that, right after a place name, make it part of a road name.
pub(super) const ROAD_ENDS: [&str; 6] = ["大道", "公路", "大街", "路", "街", "巷"];

/// Words that mark the crossing of the road before them.
/// At one position the first that matches wins, so a word comes before the words it starts with.
pub(super) const INTERSECTIONS: [&str; 11] = [
    "十字路口",
    "交叉路口",
    "交叉口",
    "交汇处",
    "交界处",
    "交汇",
    "交界",
    "交叉",
    "交口",
    "路口",
    "口",
];

/// Connectors between two crossing roads (`古墩路与十新线`); marked as the intersection.
pub(super) const CONNECTORS: [char; 5] = ['与', '和', '跟', '及', '交'];

/// Direction words that start a phrase (`近天钥桥路`, `往南100米`).
pub(super) const LEADING_DIRECTIONS: &[&str] = &[
    "靠近",
    "临近",
    "距离",
    "近",
    "距",
    "往东",
    "往西",
    "往南",
    "往北",
    "向东",
    "向西",
    "向南",
    "向北",
    "朝东",
    "朝西",
    "朝南",
    "朝北",
    "东南角",
    "西南角",
    "东北角",
    "西北角",
];

/// Corners of a crossing (`港元路东南角…`); also leading directions.
/// Words in which a name suffix's char starts another word (`园林`, `零部件`), so it ends no
/// name there, nor a division (`市政`).
pub(super) const NOT_SUFFIXES: &[&str] = &["园林", "园艺", "部件", "市政", "组团"];

/// Endings of a second name that belongs to the one before it: its campus, branch or mall
/// (`浙江大学紫金港校区`, `…湖州分公司`, `杭州大厦购物中心`).
pub(super) const ATTACHED: &[&str] = &[
    "校区",
    "院区",
    "分校",
    "分院",
    "分店",
    "分公司",
    "分行",
    "支行",
    "购物中心",
    "交易市场",
];

/// Places named by a number and `号` (`4号院`, `1号厂房`, `七号桥`).
pub(super) const NUMBERED_PLACES: &[&str] = &[
    "厂房",
    "仓库",
    "汽车库",
    "码头",
    "地块",
    "院",
    "库",
    "仓",
    "桥",
];

/// Suffixes of markets, whose numbered streets are rows of shops (`国际商贸城…106街`).
pub(super) const MARKETS: &[&str] = &["市场", "商贸城", "商城", "城", "区"];

pub(super) const CORNERS: &[&str] = &["东南角", "西南角", "东北角", "西北角"];

/// Direction words that, after a road, a number or a name, start the next phrase: `…1233号对面
/// 手机店` is the shop opposite number 1233.
pub(super) const RELATIVE_DIRECTIONS: &[&str] = &[
    "正对面",
    "斜对面",
    "对面",
    "旁边",
    "附近",
    "隔壁",
    "对过",
    "边上",
    "东侧旁",
    "西侧旁",
    "南侧旁",
    "北侧旁",
    "东北侧",
    "东南侧",
    "西北侧",
    "西南侧",
    "东侧",
    "西侧",
    "南侧",
    "北侧",
    "旁",
];

/// Direction words that end a phrase (`地铁站旁边`, `学校对面`).
pub(super) const TRAILING_DIRECTIONS: &[&str] = &[
    "大门口",
    "正对面",
    "边上",
    "内部",
    "斜对面",
    "对面",
    "旁边",
    "附近",
    "隔壁",
    "门口",
    "楼下",
    "对过",
    "东侧",
    "西侧",
    "南侧",
    "北侧",
    "东面",
    "西面",
    "南面",
    "北面",
    "东边",
    "西边",
    "南边",
    "北边",
    "东北角",
    "东南角",
    "西北角",
    "西南角",
    "后面",
    "旁",
];

/// Direction words that stand between two names (`邮局旁沙发垫厂`), longest first.
pub(super) const INNER_DIRECTIONS: &[&str] = &[
    "斜对面",
    "对面",
    "旁边",
    "附近",
    "隔壁",
    "院内",
    "楼下",
    "对过",
    "后面",
    "旁",
];

/// Whether `c` is one of the chars of `set` (a short list written as a string; cheaper than
/// `str::contains`, which searches for the char's UTF-8 bytes).
pub(super) fn one_of(c: char, set: &str) -> bool {
    set.chars().any(|x| x == c)
}

/// Whether `c` starts one of [`INNER_DIRECTIONS`] (checked before trying each word at every
/// position of a chunk).
pub(super) fn starts_inner_direction(c: char) -> bool {
    matches!(c, '斜' | '对' | '旁' | '附' | '隔' | '院' | '楼' | '后')
}

/// Delivery remarks written after an address (the CCKS-2021 guideline's 配送提示): `电联` (call
/// on arrival), `null` from a form left empty.
pub(super) const REMARKS: &[&str] = &["电话联系", "联系电话", "打电话", "电联", "null", "NULL"];

/// Units of length for distance phrases.
pub(super) const DISTANCE_UNITS: [&str; 4] = ["公里", "千米", "米", "km"];

/// Whether `c` separates elements without being part of any: spaces and punctuation.
pub(super) fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | '，'
                | ';'
                | '；'
                | ':'
                | '：'
                | '.'
                | '。'
                | '/'
                | '\\'
                | '|'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '《'
                | '》'
                | '<'
                | '>'
                | '['
                | ']'
                | '【'
                | '】'
                | '{'
                | '}'
                | '!'
                | '?'
                | '~'
                | '`'
                | '^'
                | '+'
                | '='
                | '*'
                | '&'
                | '@'
                | '$'
                | '%'
                | '_'
                | '-'
                | '—'
                | '－'
                | '·'
                | '•'
                | '…'
                | '#'
        )
}

/// Opening and closing brackets.
pub(super) fn is_open(c: char) -> bool {
    matches!(c, '(' | '（')
}

/// Closing brackets.
pub(super) fn is_close(c: char) -> bool {
    matches!(c, ')' | '）')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inner_direction_passes_the_first_char_filter() {
        for w in INNER_DIRECTIONS {
            let first = w.chars().next();
            assert!(first.is_some_and(starts_inner_direction), "{w}");
        }
    }

    #[test]
    fn suffix_lengths_are_counted_in_chars() {
        for sfx in SUFFIXES {
            assert_eq!(sfx.chars, sfx.word.chars().count(), "{}", sfx.word);
        }
    }
}
