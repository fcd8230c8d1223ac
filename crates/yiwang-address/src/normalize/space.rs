//! White space: trim, collapse, and drop it where Chinese needs none.

use super::{Buf, at};

/// Trims the text and collapses each run of spaces to one space, mapped to the run's first
/// space. The space is kept only when the chars on both sides are ASCII (letters, digits or
/// punctuation: `Room 301`, `Tower A`, `3 F`), because joining those would merge two tokens
/// (`A 12F` is not `A12F`). Next to any non-ASCII char, i.e. between CJK chars or between CJK
/// and a digit, it is dropped: `宛平南路 500 弄` → `宛平南路500弄`, `沪 徐汇区` → `沪徐汇区`.
///
/// Only the space char is handled here; `width::fold` has already turned every other white
/// space into one.
pub(super) fn squeeze(buf: &[(char, usize)], out: &mut Buf) {
    let mut i = 0;
    while let Some(&(c, offset)) = buf.get(i) {
        i += 1;
        if c != ' ' {
            out.push((c, offset));
            continue;
        }
        while at(buf, i) == Some(' ') {
            i += 1;
        }
        let prev = out.last().map(|&(p, _)| p);
        let next = at(buf, i);
        if prev.is_some_and(|p| p.is_ascii()) && next.is_some_and(|n| n.is_ascii()) {
            out.push((' ', offset));
        }
    }
}
