//! Normalising what people write before it is parsed: one spelling for each address element.
//!
//! [`normalize`] runs these passes in order; each is documented in its module:
//!
//! 1. `width`: full-width ASCII (U+FF01–U+FF5E) to half-width (U+0021–U+007E); every Unicode
//!    white space (U+3000 included) to a space; `、` to `,`; zero-width characters (U+200B–U+200D,
//!    U+2060, U+FEFF) dropped.
//! 2. `space`: trims, collapses runs of spaces to one, and drops a space unless both its neighbours
//!    are ASCII (`宛平南路 500 弄` → `宛平南路500弄`, but `Room 301` keeps its space).
//! 3. `numerals`: Chinese numerals that are address numbers become Arabic (`三号楼` → `3号楼`,
//!    `二〇一室` → `201室`), names keep theirs (`三林路`, `田林十二村`).
//! 4. `width::dashes`: a dash or tilde between two numbers becomes `-` (`1～3号` → `1-3号`).
//! 5. `admin`: a leading `沪` / `上海` / `上海市市辖区` / `市辖区` becomes `上海市`; an obsolete
//!    district in the district position becomes its successor (`卢湾区` → `黄浦区`).
//! 6. `suffix`: one suffix per element: buildings `N号楼` (letters: `A座`), floors `N层` and
//!    `B1层`, rooms `N室`; building letters upper case (`a座` → `A座`).
//! 7. `space` again, for a space that step 6 left next to a CJK char (`0F 0` → `0层0`).
//!
//! Canonical forms agree with [`standard_address`](crate::standard_address), so a normalised
//! address written in full is its standard address.
//!
//! The result is idempotent: `normalize(&normalize(x).text).text == normalize(x).text` (property
//! tested).

use std::ops::Range;

mod admin;
mod numerals;
mod space;
mod suffix;
mod width;

/// Normalised text and where each of its characters came from in the input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// `map[i]` is the char offset (not byte offset) in the original input of the `i`-th char of
    /// `text`; `map.len() == text.chars().count()`.
    ///
    /// Offsets never decrease and are always less than the input's char count. A char kept or
    /// replaced one for one (`１` → `1`, `二〇一` → `201`) maps to its source char. Where a pass
    /// rewrites a run of input chars (`三幢` → `3号楼`, `1204号房` → `1204室`), the chars the run
    /// and its replacement share at the start map one for one; the rest of the replacement is
    /// spread over the rest of the run, its first char to the first, its last char to the last
    /// and those between linearly (`号楼` both map to `幢`; the `室` of `号房` maps to `房`).
    /// Chars inserted after an unchanged start (`上海` → `上海市`, `B1` → `B1层`) map to the
    /// last char of that start. Deleted chars (spaces, zero-width chars, the second dash of
    /// `1——3`) have no entry.
    ///
    /// So the whole of a rewritten element is covered exactly by
    /// [`source_span`](Self::source_span), and a deleted space between two elements belongs to
    /// neither.
    pub map: Vec<usize>,
}

impl Normalized {
    /// The char range of the input that the chars `range` of [`text`](Self::text) came from:
    /// `map[range.start] .. map[range.end - 1] + 1`, or `None` if `range` is empty or out of
    /// bounds.
    ///
    /// ```
    /// let n = yiwang_address::normalize("徐汇区 宛平南路五百弄三幢");
    /// assert_eq!(n.text, "徐汇区宛平南路500弄3号楼");
    /// // `3号楼` (chars 11..14) came from `三幢` (input chars 11..13).
    /// assert_eq!(n.source_span(11..14), Some(11..13));
    /// // `500弄` (chars 7..11) came from `五百弄` (input chars 8..11).
    /// assert_eq!(n.source_span(7..11), Some(8..11));
    /// ```
    pub fn source_span(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.start >= range.end {
            return None;
        }
        let start = *self.map.get(range.start)?;
        let last = *self.map.get(range.end - 1)?;
        Some(start..last + 1)
    }
}

/// Normalises an address and maps each char of the result back to the input.
///
/// ```
/// let n = yiwang_address::normalize("沪徐汇区漕溪北路８８号十二楼");
/// assert_eq!(n.text, "上海市徐汇区漕溪北路88号12层");
/// assert_eq!(n.map.len(), n.text.chars().count());
/// ```
pub fn normalize(input: &str) -> Normalized {
    // Each pass reads one buffer and writes the other.
    let mut a = width::fold(input);
    // Rewrites lengthen the text a little (`幢` → `号楼`, `沪` → `上海市`): room for half again.
    let mut b = Vec::with_capacity(a.len() + a.len() / 2 + 8);
    // Each pass with a quick test of whether it can change anything: most addresses need only
    // some of them, and a pass skipped is a copy saved.
    let passes: [(Pass, Applies); 6] = [
        (space::squeeze, has_space),
        (numerals::arabic, |t| {
            t.iter().any(|&(c, _)| numerals::is_numeral(c))
        }),
        (width::dashes, |t| t.iter().any(|&(c, _)| width::is_dash(c))),
        (admin::canonical, admin::may_apply),
        (suffix::canonical, |t| {
            t.iter()
                .any(|&(c, _)| c.is_ascii_alphanumeric() || matches!(c, '地' | '负' | '-'))
        }),
        // A rewrite can put a CJK char next to a space kept between two ASCII chars (`0F 0`).
        (space::squeeze, has_space),
    ];
    for (pass, may_apply) in passes {
        if !may_apply(&a) {
            continue;
        }
        b.clear();
        pass(&a, &mut b);
        std::mem::swap(&mut a, &mut b);
    }
    let mut text = String::with_capacity(a.len() * 3);
    let mut map = Vec::with_capacity(a.len());
    for (c, offset) in a {
        text.push(c);
        map.push(offset);
    }
    Normalized { text, map }
}

/// Normalises an address: [`normalize`] without the map.
///
/// ```
/// assert_eq!(yiwang_address::normalize_str("田林十二村２幢二〇一号房"), "田林十二村2号楼201室");
/// ```
pub fn normalize_str(input: &str) -> String {
    normalize(input).text
}

/// Whether the working text holds a space.
fn has_space(buf: &[(char, usize)]) -> bool {
    buf.iter().any(|&(c, _)| c == ' ')
}

/// The working text: each char with the char offset in the input it maps to.
type Buf = Vec<(char, usize)>;

/// Whether a pass can change the working text at all.
type Applies = fn(&[(char, usize)]) -> bool;

/// A pass reads the working text and appends its output to an empty buffer.
type Pass = fn(&[(char, usize)], &mut Buf);

/// The char at `i`, if any.
fn at(buf: &[(char, usize)], i: usize) -> Option<char> {
    buf.get(i).map(|&(c, _)| c)
}

/// Whether the chars of `buf` from `i` on start with `pat`.
fn starts_with(buf: &[(char, usize)], i: usize, pat: &str) -> bool {
    pat.chars()
        .enumerate()
        .all(|(k, p)| at(buf, i + k) == Some(p))
}

/// The first of `pats` that the chars of `buf` from `i` on start with.
fn starts_with_any<'p>(buf: &[(char, usize)], i: usize, pats: &[&'p str]) -> Option<&'p str> {
    pats.iter().copied().find(|p| starts_with(buf, i, p))
}

/// Whether the chars of `buf` end with `pat`.
fn ends_with(buf: &[(char, usize)], pat: &str) -> bool {
    let n = pat.chars().count();
    buf.len() >= n && starts_with(buf, buf.len() - n, pat)
}

/// The chars `range` of `buf`, empty if out of bounds.
fn slice(buf: &[(char, usize)], range: Range<usize>) -> &[(char, usize)] {
    buf.get(range).unwrap_or_default()
}

/// Appends `replacement` for the run `src`, mapping its chars as documented on
/// [`Normalized::map`]. An empty `src` appends nothing: every output char needs a source.
fn rewrite(out: &mut Buf, src: &[(char, usize)], replacement: &str) {
    let Some(&(_, first)) = src.first() else {
        return;
    };
    let common = src
        .iter()
        .zip(replacement.chars())
        .take_while(|((s, _), r)| s == r)
        .count();
    out.extend(src.iter().take(common).copied());
    let rest_src = slice(src, common..src.len());
    let rest_repl = replacement.chars().skip(common);
    let (n, m) = (
        rest_src.len(),
        replacement.chars().count().saturating_sub(common),
    );
    for (k, c) in rest_repl.enumerate() {
        let offset = if n == 0 {
            // Inserted after an unchanged start: the last char of that start.
            src.last().map_or(first, |&(_, o)| o)
        } else {
            let idx = if m == 1 { n - 1 } else { k * (n - 1) / (m - 1) };
            rest_src.get(idx).map_or(first, |&(_, o)| o)
        };
        out.push((c, offset));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
