//! Character folding: full width to half width, white space, and the punctuation variants.

use super::{Buf, at};

/// Folds each char of `input` on its own, keeping its char offset:
///
/// - U+FF01–U+FF5E (full-width `！`…`～`, digits `０`–`９`, letters, `（）`, `，`, `－`) →
///   U+0021–U+007E, the same code point minus 0xFEE0;
/// - every char with the Unicode `White_Space` property (U+3000 ideographic space, tab, newline,
///   U+00A0 …) → a space;
/// - `、` (U+3001) → `,`, so that both Chinese list commas read as the ASCII comma;
/// - zero-width chars U+200B–U+200D, U+2060 and U+FEFF (byte-order mark) are dropped.
///
/// Everything else is kept; in particular `〇` (U+3007) stays for the numeral pass, and CJK
/// punctuation outside the full-width block (`。`, `【】`) is not touched.
pub(super) fn fold(input: &str) -> Buf {
    // One slot per byte is enough (a char is at least one byte) and avoids regrowing.
    let mut out = Vec::with_capacity(input.len());
    for (i, c) in input.chars().enumerate() {
        if let Some(c) = fold_char(c) {
            out.push((c, i));
        }
    }
    out
}

fn fold_char(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
        '、' => Some(','),
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

/// Dashes and tildes that people put between two numbers of a range.
const DASHES: [char; 11] = [
    '-', '~', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}',
    '\u{301C}', '\u{223C}',
];

/// Whether `c` is one of the dashes or tildes of a range, or `一`, typed for a dash between
/// digits.
pub(super) fn is_dash(c: char) -> bool {
    DASHES.contains(&c) || c == '一'
}

/// Between two ASCII digits, one or more dashes or tildes (`-`, `~`, `‐‑‒–—―`, `−`, `〜`, `∼`;
/// full-width `－～` arrive here already folded), with at most one space on either side, become
/// one `-` mapped to the first dash: `1～3号` → `1-3号`, `1——3` → `1-3`, `1 - 3` → `1-3`.
/// Dashes anywhere else are kept as written. A single `一` between two ASCII digits is a dash
/// typed with the pinyin keyboard (`12一7一944` → `12-7-944`).
pub(super) fn dashes(buf: &[(char, usize)], out: &mut Buf) {
    let mut i = 0;
    while let Some(&(c, offset)) = buf.get(i) {
        if c == '一'
            && out.last().is_some_and(|&(p, _)| p.is_ascii_digit())
            && at(buf, i + 1).is_some_and(|n| n.is_ascii_digit())
        {
            out.push(('-', offset));
            i += 1;
            continue;
        }
        if out.last().is_some_and(|&(p, _)| p.is_ascii_digit())
            && let Some((end, dash)) = range_dash(buf, i)
        {
            out.push(('-', dash));
            i = end;
            continue;
        }
        out.push((c, offset));
        i += 1;
    }
}

/// If `buf` at `i` is `[space] dash+ [space]` followed by a digit: where it ends and the offset
/// of its first dash.
fn range_dash(buf: &[(char, usize)], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if at(buf, j) == Some(' ') {
        j += 1;
    }
    let dash = buf.get(j).filter(|(c, _)| DASHES.contains(c))?.1;
    while at(buf, j).is_some_and(|c| DASHES.contains(&c)) {
        j += 1;
    }
    if at(buf, j) == Some(' ') {
        j += 1;
    }
    at(buf, j)
        .is_some_and(|c| c.is_ascii_digit())
        .then_some((j, dash))
}
