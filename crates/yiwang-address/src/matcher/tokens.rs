//! Splitting a normalised standard address into its admin prefix, its road and the tokens below
//! the road (`29弄`, `13号`, `12层`, `1203室`), and the lookup keys of parsed components.

/// Suffixes that end a token below the road, longest first.
const MARKERS: &[&str] = &["支弄", "号楼", "单元", "弄", "号", "座", "层", "室"];

/// Ordinals that may follow `号之` (`18号之一`).
const ORDINALS: &[char] = &['一', '二', '三', '四', '五', '1', '2', '3', '4', '5'];

/// A standard address taken apart.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Split<'a> {
    /// Everything up to and including the road: `上海市徐汇区普雄路`.
    pub head: &'a str,
    /// The road alone: `普雄路`.
    pub road: &'a str,
    /// The tokens after the road, in order: `["29弄", "13号"]`.
    pub tokens: Vec<&'a str>,
}

/// Takes a normalised standard address apart; `None` when no road is written before the first
/// number (an address that is only a division, or that starts with a number).
///
/// The admin prefix is a leading `…市` of up to four chars, then a `…区` / `…县` of up to five
/// chars; the road runs to the first ASCII letter or digit.
pub(super) fn split(address: &str) -> Option<Split<'_>> {
    let body_start = admin_prefix_len(address);
    let body = address.get(body_start..)?;
    let road_len = body
        .char_indices()
        .find(|(_, c)| c.is_ascii_alphanumeric())
        .map_or(body.len(), |(i, _)| i);
    if road_len == 0 {
        return None;
    }
    let head_len = body_start + road_len;
    Some(Split {
        head: address.get(..head_len)?,
        road: body.get(..road_len)?,
        tokens: tokens(address.get(head_len..)?),
    })
}

/// `address` without a leading city and district.
pub(super) fn strip_admin(address: &str) -> &str {
    address.get(admin_prefix_len(address)..).unwrap_or(address)
}

/// Bytes taken by a leading city (`上海市`) and district (`徐汇区`, `浦东新区`).
fn admin_prefix_len(address: &str) -> usize {
    let mut at = 0;
    for (ends, max_chars) in [(&['市'][..], 4), (&['区', '县'][..], 5)] {
        let rest = address.get(at..).unwrap_or_default();
        if let Some((i, c)) = rest
            .char_indices()
            .take(max_chars)
            .find(|(_, c)| ends.contains(c))
        {
            at += i + c.len_utf8();
        }
    }
    at
}

/// Splits the part below the road into tokens, each ending with a marker (`13号`, `18号之一`,
/// `12层`); text after the last marker is a token of its own.
pub(super) fn tokens(rest: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < rest.len() {
        let tail = rest.get(i..).unwrap_or_default();
        if let Some(m) = MARKERS.iter().find(|m| tail.starts_with(**m)) {
            let mut end = i + m.len();
            // `18号之一`: the ordinal belongs to the door.
            if *m == "号" {
                let after = rest.get(end..).unwrap_or_default();
                let mut chars = after.chars();
                if let (Some('之'), Some(o)) = (chars.next(), chars.next())
                    && ORDINALS.contains(&o)
                {
                    end += '之'.len_utf8() + o.len_utf8();
                }
            }
            if let Some(t) = rest.get(start..end) {
                out.push(t);
            }
            start = end;
            i = end;
        } else {
            i += tail.chars().next().map_or(1, char::len_utf8);
        }
    }
    if let Some(t) = rest.get(start..).filter(|t| !t.is_empty()) {
        out.push(t);
    }
    out
}

/// The number of a door token (`13号` → 13), and the last number when it is a range
/// (`18-22号` → (18, Some(22))).
pub(super) fn door_range(token: &str) -> Option<(u32, u32)> {
    let digits = token.strip_suffix('号')?;
    let (first, last) = digits.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(address: &str, expect: &str) {
        let got = match split(address) {
            Some(s) => format!("{} | {} | {}", s.head, s.road, s.tokens.join(" ")),
            None => "-".to_owned(),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn splits_standard_addresses() {
        check(
            "上海市徐汇区普雄路29弄",
            "上海市徐汇区普雄路 | 普雄路 | 29弄",
        );
        check(
            "上海市徐汇区宛平南路500弄9号660室",
            "上海市徐汇区宛平南路 | 宛平南路 | 500弄 9号 660室",
        );
        check(
            "上海市徐汇区漕溪北路88号12层1203室",
            "上海市徐汇区漕溪北路 | 漕溪北路 | 88号 12层 1203室",
        );
        check(
            "上海市徐汇区田林路200弄18号之二",
            "上海市徐汇区田林路 | 田林路 | 200弄 18号之二",
        );
        check(
            "上海市徐汇区田林路18-22号",
            "上海市徐汇区田林路 | 田林路 | 18-22号",
        );
        check(
            "上海市徐汇区华山路9甲号",
            "上海市徐汇区华山路 | 华山路 | 9甲号",
        );
        check(
            "上海市浦东新区长乐路100弄3支弄5号",
            "上海市浦东新区长乐路 | 长乐路 | 100弄 3支弄 5号",
        );
        check("宛平南路500弄", "宛平南路 | 宛平南路 | 500弄");
        check("上海市徐汇区", "-");
        check("上海市徐汇区88号", "-");
    }

    #[test]
    fn door_ranges() {
        assert_eq!(door_range("18-22号"), Some((18, 22)));
        assert_eq!(door_range("18号"), None);
    }
}
