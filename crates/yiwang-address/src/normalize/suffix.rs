//! One suffix per element: buildings, floors and rooms.
//!
//! A *code* is a maximal run of ASCII letters and digits (`3`, `12`, `A`, `B1`, `a3`). Codes with
//! at most two letters are written in upper case when a unit follows (`a座` → `A座`, `3c室` →
//! `3C室`); longer runs of letters are words and keep their case. Canonical forms, which agree
//! with [`standard_address`](crate::standard_address):
//!
//! | written | canonical | note |
//! |---|---|---|
//! | `N幢` `N栋` `N号幢` `N号栋` `N幢楼` `N栋楼` `N#楼` `N#幢` `N#栋` | `N号楼` | any code: `B栋` → `B号楼` |
//! | `N座`, N all digits | `N号楼` | `3座` → `3号楼` |
//! | `N座`, N with a letter | `N座` | `A座`, `B2座` |
//! | `N号房` `N房` `N号房间` `N房间` | `N室` | not `房屋` `房产` `房子` `房东` `房管` … |
//! | `NF` `Nf` `N F` `N/F` | `N层` | N all digits, not before a unit or a letter |
//! | `N楼`, N all digits, as a floor | `N层` | see below |
//! | `B1` `B1F` `B1楼` `b1层` `地下1层` `地下1楼` `负1层` `负1楼` `-1层` | `B1层` | basements B1–B99 |
//!
//! **`N楼` is a floor** when the next char is a letter, a digit, `室` or `房` (`3楼301`,
//! `9楼3C110`), when a basement follows (`1楼负2层`), or when it follows a door number, a
//! building or a building name, i.e. the text before ends with `号` (also `号楼`), `楼`, `幢`,
//! `栋`, `座`, `单元`, `大厦`, `商厦`, `广场`, `中心`, `商场`, `市场`, `商城`, `影城`, `酒店`, `宾馆`,
//! `饭店`, `超市`, `百货`, `医院`, `馆`, `银行` or `公司` (`漕溪北路88号8楼`, `3号楼12楼`,
//! `港汇广场5楼`). Anywhere else it is left as `N楼`: after a compound or lane name
//! (`梅陇三村8楼`, `500弄8楼`) or at the start it may name a building, and `N号楼` always does.
//!
//! **Bare `B1`** becomes `B1层` only at the end of the text or before `,` `;` `(` `)`, and only for
//! one digit (`B1`–`B9`); before a unit (`B1栋`, `B1室`, `B1区`) or another char it is a code and
//! stays. `地下`, `负` and `-` are basement signs only when no ASCII letter or digit precedes them
//! (`1-3层` is a range).

use super::{Buf, at, ends_with, rewrite, slice, starts_with, starts_with_any};

/// Units that can follow a code.
const UNITS: [&str; 9] = ["座", "栋", "幢", "号", "楼", "层", "室", "单元", "区"];

/// What the text before `N楼` ends with when `N楼` is a floor.
const FLOOR_AFTER: [&str; 23] = [
    "号", "楼", "幢", "栋", "座", "单元", "大厦", "商厦", "广场", "中心", "商场", "市场", "商城",
    "影城", "酒店", "宾馆", "饭店", "超市", "百货", "医院", "馆", "银行", "公司",
];

/// Chars after `房` that make it part of a word rather than a room.
const NOT_ROOM: [char; 15] = [
    '屋', '产', '子', '东', '管', '源', '型', '价', '租', '客', '主', '贷', '车', '改', '地',
];

/// Building suffixes (two chars) that become `号楼`.
const BUILDING2: [&str; 7] = ["号幢", "号栋", "幢楼", "栋楼", "#楼", "#幢", "#栋"];

/// Room suffixes that become `室`, longest first.
const ROOM: [&str; 4] = ["号房间", "房间", "号房", "房"];

/// Canonicalises building, floor and room suffixes; see the module docs.
pub(super) fn canonical(buf: &[(char, usize)], out: &mut Buf) {
    let mut i = 0;
    while let Some(&(c, offset)) = buf.get(i) {
        // Only codes and basement signs are rewritten here.
        if !c.is_ascii_alphanumeric() && !matches!(c, '地' | '负' | '-') {
            out.push((c, offset));
            i += 1;
            continue;
        }
        if let Some(j) = plain_number(buf, i) {
            out.extend_from_slice(slice(buf, i..j));
            i = j;
            continue;
        }
        let hit = if c.is_ascii_alphanumeric() {
            Some(code(buf, i, out))
        } else {
            basement(buf, i, out)
        };
        match hit {
            Some((end, replacement)) if end > i => {
                rewrite(out, slice(buf, i..end), &replacement);
                i = end;
            }
            _ => {
                out.push((c, offset));
                i += 1;
            }
        }
    }
}

/// The end of the number starting at `i` when no rule below can rewrite it: all digits, and
/// not followed by anything a floor, building or room suffix starts with (the common case,
/// `88号`, `500弄`, answered without building the code).
fn plain_number(buf: &[(char, usize)], i: usize) -> Option<usize> {
    let j = run_end(buf, i, |c| c.is_ascii_digit());
    let rewritable = match at(buf, j) {
        Some('F' | 'f' | ' ' | '/' | '楼' | '幢' | '栋' | '座' | '#' | '房') => true,
        // `号楼`, `号幢`, `号栋`, `号房` are rewritten; `88号` is not.
        Some('号') => matches!(at(buf, j + 1), Some('楼' | '幢' | '栋' | '房')),
        Some(c) => c.is_ascii_alphabetic(),
        None => false,
    };
    (j > i && !rewritable).then_some(j)
}

/// Where the run of chars with `pred` starting at `i` ends.
fn run_end(buf: &[(char, usize)], i: usize, pred: impl Fn(char) -> bool) -> usize {
    i + buf.iter().skip(i).take_while(|&&(c, _)| pred(c)).count()
}

/// The code starting at `i` and its suffix: where the rewrite ends and what it writes.
fn code(buf: &[(char, usize)], i: usize, out: &[(char, usize)]) -> (usize, String) {
    let j = run_end(buf, i, |c| c.is_ascii_alphanumeric());
    let code: String = slice(buf, i..j).iter().map(|&(c, _)| c).collect();
    let all_digits = code.bytes().all(|b| b.is_ascii_digit());
    let letters = code.bytes().filter(u8::is_ascii_alphabetic).count();
    let upper = if letters <= 2 {
        code.to_ascii_uppercase()
    } else {
        code.clone()
    };

    // Floors written with F: `12F`, `B1F`, `3 F`, `3/F`.
    if let Some(floor) = f_floor(&code)
        && !unit_at(buf, j)
    {
        return (j, floor);
    }
    if all_digits && let Some(end) = f_after(buf, j) {
        return (end, format!("{code}层"));
    }
    // Basements: `B1层`, `B1楼`, a bare `B1`.
    if let Some(level) = basement_code(&code) {
        if matches!(at(buf, j), Some('层' | '楼')) {
            return (j + 1, format!("B{level}层"));
        }
        if level.len() == 1 && matches!(at(buf, j), None | Some(',' | ';' | '(' | ')')) {
            return (j, format!("B{level}层"));
        }
    }
    // Buildings.
    if starts_with(buf, j, "号楼") {
        return (j, upper);
    }
    if starts_with_any(buf, j, &BUILDING2).is_some() {
        return (j + 2, format!("{upper}号楼"));
    }
    match at(buf, j) {
        Some('幢' | '栋') => return (j + 1, format!("{upper}号楼")),
        Some('座') if all_digits => return (j + 1, format!("{code}号楼")),
        Some('楼') if all_digits && floor_context(buf, j + 1, out) => {
            return (j + 1, format!("{code}层"));
        }
        _ => {}
    }
    // Rooms.
    if let Some(room) = starts_with_any(buf, j, &ROOM) {
        let end = j + room.chars().count();
        let word = room.ends_with('房') && at(buf, end).is_some_and(|c| NOT_ROOM.contains(&c));
        if !word {
            return (end, format!("{upper}室"));
        }
    }
    if letters > 0 && unit_at(buf, j) {
        return (j, upper);
    }
    (j, code)
}

/// Whether a unit starts at `i`.
fn unit_at(buf: &[(char, usize)], i: usize) -> bool {
    starts_with_any(buf, i, &UNITS).is_some()
}

/// `12F` → `12层`, `B1F` → `B1层` (either case of `F` and `B`).
fn f_floor(code: &str) -> Option<String> {
    let rest = code.strip_suffix(['F', 'f'])?;
    if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("{rest}层"));
    }
    basement_code(rest).map(|level| format!("B{level}层"))
}

/// After a number ending at `j`: the end of `F`, ` F`, `/F` or ` /F` (either case), if one
/// follows and is not the start of a word, a code or a unit.
fn f_after(buf: &[(char, usize)], j: usize) -> Option<usize> {
    let mut k = j;
    if at(buf, k) == Some(' ') {
        k += 1;
    }
    if at(buf, k) == Some('/') {
        k += 1;
    }
    let ok = matches!(at(buf, k), Some('F' | 'f'))
        && !at(buf, k + 1).is_some_and(|c| c.is_ascii_alphanumeric())
        && !unit_at(buf, k + 1);
    ok.then_some(k + 1)
}

/// The level of a basement code `B1`…`B99` (either case), as written without the `B`.
fn basement_code(code: &str) -> Option<&str> {
    let digits = code.strip_prefix(['B', 'b'])?;
    basement_level(digits)
}

/// One or two digits, the first not `0`.
fn basement_level(digits: &str) -> Option<&str> {
    let ok = matches!(digits.len(), 1 | 2)
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    ok.then_some(digits)
}

/// Whether `N楼`, with the text after it starting at `after`, is a floor.
fn floor_context(buf: &[(char, usize)], after: usize, out: &[(char, usize)]) -> bool {
    at(buf, after).is_some_and(|c| c.is_ascii_alphanumeric() || c == '室' || c == '房')
        // A basement after it (`负2层`) will start with `B`, a letter.
        || basement(buf, after, &[]).is_some()
        || FLOOR_AFTER.iter().any(|s| ends_with(out, s))
}

/// `地下1层`, `负1楼`, `-1层`, `地下2F`, `-1 F` starting at `i`: where it ends and `B1层`.
fn basement(buf: &[(char, usize)], i: usize, out: &[(char, usize)]) -> Option<(usize, String)> {
    if out.last().is_some_and(|(c, _)| c.is_ascii_alphanumeric()) {
        // `1-3层` is a range, and `B1层` must not run into a code before it.
        return None;
    }
    let start = match at(buf, i)? {
        '地' if starts_with(buf, i, "地下") => i + 2,
        '负' | '-' => i + 1,
        _ => return None,
    };
    let unit = run_end(buf, start, |c| c.is_ascii_digit());
    let digits: String = slice(buf, start..unit).iter().map(|&(c, _)| c).collect();
    let level = basement_level(&digits)?;
    let end = match at(buf, unit)? {
        '层' | '楼' => unit + 1,
        _ => f_after(buf, unit)?,
    };
    Some((end, format!("B{level}层")))
}
