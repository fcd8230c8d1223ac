//! Display masking of personal information (PIPL; GB/T 35273 §7.2 display
//! restriction).
//!
//! All functions work on characters, never bytes, so any input is safe, and
//! all are idempotent: masking an already-masked value returns it unchanged.
//! The mask character is `*`.

use crate::validate::phone::normalize_phone;

/// The character that replaces hidden characters.
pub const MASK_CHAR: char = '*';

/// Two-character surnames kept whole by [`mask_name`].
pub const COMPOUND_SURNAMES: [&str; 13] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "宇文",
    "长孙",
];

/// Keeps the first `head` and last `tail` characters and masks the rest;
/// characters in `keep` (separators) are never masked. If the text is not
/// longer than `head + tail`, every non-separator character is masked.
fn mask_middle(s: &str, head: usize, tail: usize, keep: &[char]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let show_ends = n > head + tail;
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let shown = show_ends && (i < head || i >= n - tail);
            if shown || keep.contains(&c) {
                c
            } else {
                MASK_CHAR
            }
        })
        .collect()
}

/// Masks an ID number: the first 6 characters (area code) and the last 4
/// are shown, the rest replaced by `*`, e.g. `310104********123X`.
///
/// Text of 10 characters or fewer is masked entirely.
#[must_use]
pub fn mask_id_number(s: &str) -> String {
    mask_middle(s, 6, 4, &[])
}

/// Masks a phone number.
///
/// A number that [`normalize_phone`] accepts is masked in canonical form:
/// a mobile shows its first 3 and last 4 digits (`138****5678`), a landline
/// its area code and last 4 digits (`021-****1234`). Anything else shows
/// its first 3 and last 4 characters with spaces and dashes kept; text of
/// 7 characters or fewer is masked entirely (except separators).
#[must_use]
pub fn mask_phone(s: &str) -> String {
    match normalize_phone(s) {
        Ok(canonical) => match canonical.split_once('-') {
            Some((area, local)) => format!("{area}-{}", mask_middle(local, 0, 4, &[])),
            None => mask_middle(&canonical, 3, 4, &[]),
        },
        Err(_) => mask_middle(s, 3, 4, &[' ', '-']),
    }
}

/// Returns `true` if `c` is a CJK unified ideograph (basic block or extension A).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Masks a person's name.
///
/// * Chinese names (first character a CJK ideograph or `*`): the surname is
///   kept and every other character becomes `*` — `张三丰` → `张**`,
///   `张三` → `张*`. A compound surname from [`COMPOUND_SURNAMES`] is kept
///   whole when the name is longer than the surname (`欧阳娜娜` → `欧阳**`).
///   Name separators `·` and `•` (e.g. `买买提·艾力`) are kept. A
///   one-character name becomes `*`.
/// * Other names: each whitespace-separated word becomes its first
///   character followed by one `*` — `John Smith` → `J* S*` — so word
///   lengths are hidden. Words are re-joined with single spaces.
#[must_use]
pub fn mask_name(s: &str) -> String {
    let trimmed = s.trim();
    let Some(first) = trimmed.chars().next() else {
        return String::new();
    };
    if is_cjk(first) || first == MASK_CHAR {
        let n = trimmed.chars().count();
        let keep = if n > 2 && COMPOUND_SURNAMES.iter().any(|c| trimmed.starts_with(c)) {
            2
        } else {
            1
        };
        let head = if n > keep { keep } else { 0 };
        return trimmed
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i < head || c == '·' || c == '•' {
                    c
                } else {
                    MASK_CHAR
                }
            })
            .collect();
    }
    trimmed
        .split_whitespace()
        .filter_map(|word| word.chars().next().map(|c| format!("{c}{MASK_CHAR}")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `c` is a decimal digit, ASCII or full-width.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The value of a digit from [`is_digit`].
fn digit_value(c: char) -> Option<u32> {
    c.to_digit(10)
        .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))
}

/// Whether `c` glues onto a number (so the number is part of a longer code).
fn is_glue(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_digit(c)
}

/// Whether the digit values form a mainland mobile number (`1[3-9]` and 11 digits).
fn is_mobile(digits: &[u32]) -> bool {
    digits.len() == 11 && digits[0] == 1 && (3..=9).contains(&digits[1])
}

/// Whether 18 characters have the shape of a GB 11643 ID number: 17 digits and a digit or `X`,
/// with a plausible birth date (19xx/20xx, month 01–12, day 01–31) in positions 7–14. The
/// checksum is not required, so a mistyped number is masked too.
fn is_id_shape(chars: &[char]) -> bool {
    if chars.len() != 18 {
        return false;
    }
    let Some(digits) = chars[..17]
        .iter()
        .map(|c| digit_value(*c))
        .collect::<Option<Vec<u32>>>()
    else {
        return false;
    };
    let last = chars[17];
    if !(is_digit(last) || last == 'X' || last == 'x') {
        return false;
    }
    let century = digits[6] * 10 + digits[7];
    let month = digits[10] * 10 + digits[11];
    let day = digits[12] * 10 + digits[13];
    (century == 19 || century == 20) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Masks the digits of `chars` except the first `head` and last `tail` digits; separators are
/// kept.
fn mask_digits(chars: &[char], head: usize, tail: usize) -> String {
    let total = chars
        .iter()
        .filter(|c| is_digit(**c) || **c == 'X' || **c == 'x')
        .count();
    let mut seen = 0;
    chars
        .iter()
        .map(|&c| {
            if is_digit(c) || c == 'X' || c == 'x' {
                seen += 1;
                if seen <= head || seen > total - tail {
                    c
                } else {
                    MASK_CHAR
                }
            } else {
                c
            }
        })
        .collect()
}

/// A mobile number written in groups, `138 1234 5678` or `138-1234-5678`, starting at `start`:
/// its end, if there is one.
fn grouped_mobile(chars: &[char], start: usize) -> Option<usize> {
    let mut digits = Vec::with_capacity(11);
    let mut i = start;
    for (group, len) in [3usize, 4, 4].into_iter().enumerate() {
        if group > 0 {
            match chars.get(i) {
                Some(' ' | '-') => i += 1,
                _ => return None,
            }
        }
        for _ in 0..len {
            digits.push(digit_value(*chars.get(i)?)?);
            i += 1;
        }
    }
    let glued = chars.get(i).is_some_and(|c| is_glue(*c));
    (!glued && is_mobile(&digits)).then_some(i)
}

/// Masks the personal numbers found in free text: 11-digit mobile numbers (also with a `+86` or
/// `86` prefix, or written in groups `138 1234 5678`) keep their first 3 and last 4 digits
/// (`138****5678`); 18-character ID numbers keep the first 6 and last 4 characters
/// (`310104********1239`). A number glued to letters or other digits (a longer code) is left
/// alone, as are other numbers (dates, door numbers, grid codes). Full-width digits count as
/// digits. Idempotent.
#[must_use]
pub fn mask_numbers_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = is_digit(c) && (i == 0 || !is_glue(chars[i - 1]));
        if !starts {
            out.push(c);
            i += 1;
            continue;
        }
        if let Some(end) = grouped_mobile(&chars, i) {
            out.push_str(&mask_digits(&chars[i..end], 3, 4));
            i = end;
            continue;
        }
        let mut end = i;
        while end < chars.len() && is_digit(chars[end]) {
            end += 1;
        }
        if end - i == 17 && matches!(chars.get(end), Some('X' | 'x')) {
            end += 1;
        }
        let run = &chars[i..end];
        let glued = chars.get(end).is_some_and(|c| is_glue(*c));
        let digits: Vec<u32> = run.iter().filter_map(|c| digit_value(*c)).collect();
        let masked = if glued {
            None
        } else if is_mobile(&digits) {
            Some(mask_digits(run, 3, 4))
        } else if digits.len() == 13 && digits[..2] == [8, 6] && is_mobile(&digits[2..]) {
            Some(mask_digits(run, 5, 4))
        } else if is_id_shape(run) {
            Some(mask_digits(run, 6, 4))
        } else {
            None
        };
        match masked {
            Some(m) => out.push_str(&m),
            None => out.extend(run),
        }
        i = end;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> String, input: &str, expect: &str) {
        let got = f(input);
        assert_eq!(got, expect, "input {input:?}");
        assert_eq!(f(&got), got, "not idempotent on {got:?}");
    }

    #[test]
    fn id_numbers() {
        let cases = [
            ("310104199003071239", "310104********1239"),
            ("11010519491231002X", "110105********002X"),
            ("310104********1239", "310104********1239"),
            ("310104900307123", "310104*****7123"), // legacy 15-digit
            ("1234567890", "**********"),
            ("12345678901", "123456*8901"),
            ("", ""),
            ("３１０１０４１９９０", "**********"),
        ];
        for (input, expect) in cases {
            check(mask_id_number, input, expect);
        }
    }

    #[test]
    fn phones() {
        let cases = [
            ("13812345678", "138****5678"),
            ("+86 138-1234-5678", "138****5678"),
            ("138****5678", "138****5678"),
            ("021-64871234", "021-****1234"),
            ("64871234", "021-****1234"),
            ("(021) 6487 1234", "021-****1234"),
            ("021-****1234", "021-****1234"),
            ("010-64871234", "010-****1234"),
            ("12345", "*****"),
            ("", ""),
            ("电话一三八", "*****"),
        ];
        for (input, expect) in cases {
            check(mask_phone, input, expect);
        }
    }

    #[test]
    fn names() {
        let cases = [
            ("张三丰", "张**"),
            ("张三", "张*"),
            ("张", "*"),
            ("欧阳娜娜", "欧阳**"),
            ("欧阳娜", "欧阳*"),
            ("欧阳", "欧*"),
            ("司马相如", "司马**"),
            ("长孙无忌", "长孙**"),
            ("买买提·艾力", "买**·**"),
            ("  李四  ", "李*"),
            ("张**", "张**"),
            ("*", "*"),
            ("John Smith", "J* S*"),
            ("john  ronald   tolkien", "j* r* t*"),
            ("Émile Zola", "É* Z*"),
            ("J* S*", "J* S*"),
            ("", ""),
            ("   ", ""),
        ];
        for (input, expect) in cases {
            check(mask_name, input, expect);
        }
    }
    #[test]
    fn numbers_in_text() {
        let cases = [
            ("电话13812345678请回电", "电话138****5678请回电"),
            ("call 13812345678.", "call 138****5678."),
            ("+8613812345678", "+86138****5678"),
            ("8613812345678", "86138****5678"),
            ("手机 138 1234 5678 联系", "手机 138 **** 5678 联系"),
            ("手机138-1234-5678", "手机138-****-5678"),
            ("１３８１２３４５６７８", "１３８****５６７８"),
            ("身份证310104199003071239，", "身份证310104********1239，"),
            ("ID 11010519491231002X", "ID 110105********002X"),
            ("ID 11010519491231002x号", "ID 110105********002x号"),
            (
                "两个: 13812345678 和 13987654321",
                "两个: 138****5678 和 139****4321",
            ),
            // Not personal numbers: landline-like, short, glued to codes, grid codes, dates.
            ("12345678901", "12345678901"),
            ("A13812345678", "A13812345678"),
            ("138123456789", "138123456789"),
            ("楼组310104003001002001", "楼组310104003001002001"),
            ("2026-11-27 宛平南路500弄9号", "2026-11-27 宛平南路500弄9号"),
            ("订单号 20261127000123", "订单号 20261127000123"),
            ("138****5678", "138****5678"),
            ("", ""),
        ];
        for (input, expect) in cases {
            check(mask_numbers_in_text, input, expect);
        }
    }
}
