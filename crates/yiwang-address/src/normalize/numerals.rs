//! Chinese numerals that are address numbers, to Arabic digits.
//!
//! **Rule.** A maximal run of numeral chars (`〇零幺一二两三四五六七八九十百千廿卅` and the
//! financial forms `壹贰叁肆伍陆柒捌玖拾佰仟`) is converted only when the char right after the run
//! starts an address unit: `号` (so also `号楼`), `弄`, `支弄`, `层`, `楼`, `室`, `单元`, `幢`, `栋`,
//! `座`. A `第` before the run is kept and changes nothing (`第三层` → `第3层`; `第一百货` stays).
//! Everything else is a name and keeps its numerals: `三林路`, `五角场`, `七宝镇`, `九亭`,
//! `一品漫城`, `八佰伴`, `零陵路`, `第六人民医院`. `万` is not a numeral here (`万航渡路`, `万体馆`;
//! no address number needs it).
//!
//! **`村` is not a unit.** `田林十二村`, `梅陇三村`, `长桥二村` are the names of residential
//! compounds (新村), written with Chinese numerals in the registry and on the gate, so they stay.
//! Likewise `区` (`胜利二区`) and `期` (`三期`) are left alone.
//!
//! **Value.** A run with no `十百千廿卅拾佰仟` is read digit by digit and converted one char for
//! one (`二〇一` → `201`, `一零零一` → `1001`, `〇一` → `01`). Otherwise it is positional:
//! `十` = 10, `十五` = 15, `二十` = 20, `一百零八` = 108, `两百` = 200, `一千零一` = 1001,
//! `廿` = 20, `卅五` = 35, and the spoken short forms `一百一` = 110, `一千二` = 1200. A run that is
//! not a well-formed number (`一二十`, `十百`, `零十`) or is a bare `百`/`千` is left as written.

use super::{Buf, rewrite, slice, starts_with_any};

/// Units that make the numeral run before them an address number.
const UNITS: [&str; 10] = [
    "号", "支弄", "弄", "层", "楼", "室", "单元", "幢", "栋", "座",
];

/// The value of a digit char.
fn digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// The value of a multiplier char.
fn multiplier(c: char) -> Option<u32> {
    match c {
        '十' | '拾' => Some(10),
        '百' | '佰' => Some(100),
        '千' | '仟' => Some(1000),
        _ => None,
    }
}

/// The value of `廿` and `卅`, which stand for a whole tens.
fn tens(c: char) -> Option<u32> {
    match c {
        '廿' => Some(20),
        '卅' => Some(30),
        _ => None,
    }
}

pub(super) fn is_numeral(c: char) -> bool {
    digit(c).is_some() || multiplier(c).is_some() || tens(c).is_some()
}

/// Converts the numeral runs that are address numbers; see the module docs.
pub(super) fn arabic(buf: &[(char, usize)], out: &mut Buf) {
    let mut i = 0;
    while let Some(&(c, offset)) = buf.get(i) {
        if !is_numeral(c) {
            out.push((c, offset));
            i += 1;
            continue;
        }
        let end = buf
            .iter()
            .skip(i)
            .position(|&(c, _)| !is_numeral(c))
            .map_or(buf.len(), |n| i + n);
        let run = slice(buf, i..end);
        let converted = starts_with_any(buf, end, &UNITS)
            .and_then(|_| value(&run.iter().map(|&(c, _)| c).collect::<Vec<_>>()));
        match converted {
            Some(digits) => rewrite(out, run, &digits),
            None => out.extend_from_slice(run),
        }
        i = end;
    }
}

/// The Arabic digits for a run of numeral chars, or `None` if it is not a number.
fn value(run: &[char]) -> Option<String> {
    let positional = run
        .iter()
        .any(|&c| multiplier(c).is_some() || tens(c).is_some());
    if !positional {
        return run
            .iter()
            .map(|&c| digit(c).and_then(|d| char::from_digit(d, 10)))
            .collect();
    }
    if let [c] = run
        && matches!(multiplier(*c), Some(100 | 1000))
    {
        return None;
    }
    positional_value(run).map(|v| v.to_string())
}

/// Reads a positional numeral (`一千零一`, `二十`, `廿一`).
fn positional_value(run: &[char]) -> Option<u32> {
    const NONE_YET: u32 = 10_000;
    let mut total = 0;
    let mut pending: Option<u32> = None;
    let mut last = NONE_YET;
    let mut zero = false;
    for (k, &c) in run.iter().enumerate() {
        if let Some(d) = digit(c) {
            if pending.is_some() {
                return None;
            }
            if d == 0 {
                zero = true;
            } else {
                pending = Some(d);
            }
        } else if let Some(m) = multiplier(c) {
            if m >= last || (zero && pending.is_none()) {
                return None;
            }
            let n = match pending.take() {
                Some(n) => n,
                None if m == 10 && k == 0 => 1,
                None => return None,
            };
            total += n * m;
            last = m;
            zero = false;
        } else if let Some(t) = tens(c) {
            if k != 0 {
                return None;
            }
            total = t;
            last = 10;
        }
    }
    if let Some(d) = pending {
        // `一百一` is 110 and `一千二` 1200: a last digit right after 百/千 is one place lower.
        total += if zero || last <= 10 { d } else { d * last / 10 };
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::value;

    #[track_caller]
    fn check(numeral: &str, expect: Option<&str>) {
        let chars: Vec<char> = numeral.chars().collect();
        assert_eq!(value(&chars).as_deref(), expect, "{numeral}");
    }

    #[test]
    fn values() {
        check("二〇一", Some("201"));
        check("一零零一", Some("1001"));
        check("〇一", Some("01"));
        check("十", Some("10"));
        check("十五", Some("15"));
        check("二十", Some("20"));
        check("二十一", Some("21"));
        check("一百零八", Some("108"));
        check("一百一十", Some("110"));
        check("一百一", Some("110"));
        check("两百", Some("200"));
        check("一千零一", Some("1001"));
        check("一千零一十", Some("1010"));
        check("一千二", Some("1200"));
        check("九千九百九十九", Some("9999"));
        check("廿", Some("20"));
        check("廿一", Some("21"));
        check("卅五", Some("35"));
        check("叁拾贰", Some("32"));
        check("百", None);
        check("千", None);
        check("一二十", None);
        check("十百", None);
        check("零十", None);
        check("二廿", None);
        check("十十", None);
        check("一百十", None);
    }
}
