//! The city prefix and obsolete districts at the start of an address.
//!
//! **City prefix.** After an optional `中国` (kept), a leading `上海市市辖区`, `上海市辖区`,
//! `上海市`, `市辖区`, `上海` or `沪` becomes `上海市`, but only when what follows is a division
//! or a road:
//!
//! - a Shanghai district, current (`徐汇区`, `浦东新区`) or obsolete (`卢湾区`, `南汇县`), or its
//!   short form followed by `区`, a street/town or a road (`徐汇漕溪北路`);
//! - a street or town: 2–6 name chars and `街道`, `镇` or `乡` (`徐家汇街道`, `七宝镇`);
//! - a road: 2–5 name chars and `路`, `大道`, `公路`, `街`, `弄` or `巷` (`漕溪北路`).
//!
//! Name chars are CJK ideographs other than those that end a place name (`场站馆院校学厦店司
//! 所局城宫寺厅园`) or a division or road (`路街巷弄镇乡区县市`), so `上海体育场`, `上海南站`, `上海交通大学`, `上海影城新华路` keep their
//! `上海`; so do `上海路` and `上海大道` (no name before the suffix). After `沪` only a district
//! counts, because many roads start with `沪` (`沪闵路`, `沪青平公路`, `沪太路`). A prefix that
//! does not qualify is left exactly as written. `上海` anywhere but at the start is never touched.
//!
//! **Obsolete districts.** In the district position (the start, or right after a qualifying city
//! prefix) an abolished district or county becomes its successor; the city prefix, if any, is
//! kept and none is added: `卢湾区` → `黄浦区` (2011), `闸北区` → `静安区` (2015), `南汇区` and
//! `南汇县` → `浦东新区` (2009), `川沙县` → `浦东新区` (1993), `南市区` → `黄浦区` (2000),
//! `吴淞区` and `宝山县` → `宝山区` (1988), and the counties that became districts of the same
//! name: `嘉定县`, `金山县`, `松江县`, `青浦县`, `奉贤县`, `崇明县` (1992–2016). `上海县` (→ 闵行区,
//! 1992) is not mapped: it cannot be told from the city prefix `上海`. Short forms (`卢湾`) are not
//! mapped either, because they live on in names (`卢湾体育馆`).
//!
//! **Streets.** No obsolete street is mapped: the street list at hand
//! (`shared/data/xuhui/shanghai_streets.csv`) has only current streets, and none of the
//! research notes names a merged one.

use super::{Buf, at, rewrite, slice, starts_with, starts_with_any};

/// The 16 current districts of Shanghai.
const DISTRICTS: [&str; 16] = [
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
];

/// Short forms of the current districts.
const SHORT: [&str; 16] = [
    "黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东", "金山",
    "松江", "青浦", "奉贤", "崇明",
];

/// Abolished districts and counties and what replaced them.
const OBSOLETE: [(&str, &str); 14] = [
    ("卢湾区", "黄浦区"),
    ("闸北区", "静安区"),
    ("南汇区", "浦东新区"),
    ("南汇县", "浦东新区"),
    ("川沙县", "浦东新区"),
    ("南市区", "黄浦区"),
    ("吴淞区", "宝山区"),
    ("宝山县", "宝山区"),
    ("嘉定县", "嘉定区"),
    ("金山县", "金山区"),
    ("松江县", "松江区"),
    ("青浦县", "青浦区"),
    ("奉贤县", "奉贤区"),
    ("崇明县", "崇明区"),
];

/// City prefixes, longest first.
const PREFIXES: [&str; 6] = [
    "上海市市辖区",
    "上海市辖区",
    "上海市",
    "市辖区",
    "上海",
    "沪",
];

const CITY: &str = "上海市";

/// Suffixes of a street or town.
const STREET_SUFFIXES: [&str; 3] = ["街道", "镇", "乡"];

/// Suffixes of a road.
const ROAD_SUFFIXES: [&str; 6] = ["路", "大道", "公路", "街", "弄", "巷"];

/// Chars that end a place name rather than a road or street name, and the one-char suffixes of
/// divisions and roads (a name does not run through them).
const NOT_NAME: [char; 25] = [
    '场', '站', '馆', '院', '校', '学', '厦', '店', '司', '所', '局', '城', '宫', '寺', '厅', '园',
    '路', '街', '巷', '弄', '镇', '乡', '区', '县', '市',
];

/// Whether the text starts as a city prefix or an obsolete district may (`中国`, `上海`, `沪`,
/// `市辖区`, `卢湾区`, …): else [`canonical`] would copy it unchanged.
pub(super) fn may_apply(buf: &[(char, usize)]) -> bool {
    let i = if starts_with(buf, 0, "中国") { 2 } else { 0 };
    at(buf, i).is_some_and(starts_a_rewrite)
}

/// Whether `c` is the first char of one of [`PREFIXES`] or of an [`OBSOLETE`] district.
fn starts_a_rewrite(c: char) -> bool {
    matches!(
        c,
        '上' | '市'
            | '沪'
            | '卢'
            | '闸'
            | '南'
            | '川'
            | '吴'
            | '宝'
            | '嘉'
            | '金'
            | '松'
            | '青'
            | '奉'
            | '崇'
    )
}

/// Canonicalises the city prefix and an obsolete district; see the module docs.
pub(super) fn canonical(buf: &[(char, usize)], out: &mut Buf) {
    let mut i = 0;
    if starts_with(buf, 0, "中国") {
        out.extend_from_slice(slice(buf, 0..2));
        i = 2;
    }
    let mut district_position = true;
    if let Some(prefix) = starts_with_any(buf, i, &PREFIXES) {
        let rest = i + prefix.chars().count();
        if follows_division(buf, rest, prefix == "沪") {
            rewrite(out, slice(buf, i..rest), CITY);
            i = rest;
        } else {
            district_position = false;
        }
    }
    if district_position
        && let Some(&(old, new)) = OBSOLETE.iter().find(|(old, _)| starts_with(buf, i, old))
    {
        let end = i + old.chars().count();
        rewrite(out, slice(buf, i..end), new);
        i = end;
    }
    out.extend_from_slice(slice(buf, i..buf.len()));
}

/// Whether a district (or, unless `district_only`, a street or road) starts at `i`.
fn follows_division(buf: &[(char, usize)], i: usize, district_only: bool) -> bool {
    if starts_with_any(buf, i, &DISTRICTS).is_some()
        || OBSOLETE.iter().any(|(old, _)| starts_with(buf, i, old))
    {
        return true;
    }
    if let Some(short) = starts_with_any(buf, i, &SHORT) {
        let j = i + short.chars().count();
        if at(buf, j) == Some('区')
            || named(buf, j, &STREET_SUFFIXES, 6)
            || named(buf, j, &ROAD_SUFFIXES, 5)
        {
            return true;
        }
    }
    !district_only && (named(buf, i, &STREET_SUFFIXES, 6) || named(buf, i, &ROAD_SUFFIXES, 5))
}

/// Whether 2 to `max` name chars followed by one of `suffixes` start at `i`.
fn named(buf: &[(char, usize)], i: usize, suffixes: &[&str], max: usize) -> bool {
    for len in 0..=max {
        if len >= 2 && starts_with_any(buf, i + len, suffixes).is_some() {
            return true;
        }
        match at(buf, i + len) {
            Some(c) if is_ideograph(c) && !NOT_NAME.contains(&c) => {}
            _ => return false,
        }
    }
    false
}

/// CJK unified ideographs (basic block and extension A).
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

#[cfg(test)]
mod first_chars {
    use super::*;

    #[test]
    fn every_rewrite_passes_the_first_char_test() {
        let words = PREFIXES.iter().chain(OBSOLETE.iter().map(|(old, _)| old));
        for w in words {
            assert!(w.chars().next().is_some_and(starts_a_rewrite), "{w}");
        }
    }
}
