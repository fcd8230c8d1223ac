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
}
