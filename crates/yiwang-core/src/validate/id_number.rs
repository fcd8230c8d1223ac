//! 公民身份号码 — citizen ID number per GB 11643-1999.
//!
//! Layout (18 characters): 6-digit address code (GB/T 2260 county of the
//! registered residence at issue time; may be a code abolished since) ·
//! 8-digit birth date `YYYYMMDD` · 3-digit sequence (odd = male, even =
//! female) · check character.
//!
//! The check character is ISO 7064 MOD 11-2: `S = Σ aᵢ·Wᵢ` over the first 17
//! digits with weights `7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2`, and `S mod 11`
//! indexes the string `"10X98765432"`.
//!
//! Only the province part of the address code is checked against a list
//! (see [`PROVINCE_CODES`](super::division::PROVINCE_CODES)); whole-code
//! checks need a historical GB/T 2260 table.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::division::is_province_code;

/// Weights Wᵢ of the 17 leading digits (ISO 7064 MOD 11-2).
pub const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check characters indexed by `S mod 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Earliest birth year accepted; earlier years are treated as typing errors.
pub const MIN_BIRTH_YEAR: i32 = 1800;

/// Sex encoded by the parity of the sequence code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd sequence code.
    Male,
    /// Even sequence code.
    Female,
}

/// Facts decoded from a valid ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdNumberInfo {
    /// The 6-digit GB/T 2260 address code (characters 1–6).
    pub area_code: String,
    /// Date of birth (characters 7–14).
    pub birth_date: NaiveDate,
    /// Sex from the parity of the sequence code (characters 15–17).
    pub sex: Sex,
}

/// Why an ID number was rejected or could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// The number does not have 18 characters.
    #[error("ID number must have 18 characters but has {found}")]
    Length {
        /// Number of characters found.
        found: usize,
    },
    /// A character other than a digit (or a final X) was found.
    #[error(
        "ID number character {position} is '{found}'; only digits are allowed, and X only as the 18th character"
    )]
    InvalidCharacter {
        /// 1-based position of the character.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The first two digits are not a GB/T 2260 province code.
    #[error("ID number starts with {found}, which is not a province code (GB/T 2260)")]
    UnknownProvince {
        /// The first two digits.
        found: String,
    },
    /// An area code passed to [`make_id_number`] is not six digits.
    #[error("area code must be 6 digits starting with a province code, got \"{found}\"")]
    InvalidAreaCode {
        /// The rejected area code.
        found: String,
    },
    /// Characters 7–14 are not a calendar date.
    #[error("ID number birth date {found} is not a valid date (YYYYMMDD)")]
    InvalidBirthDate {
        /// The eight birth-date digits.
        found: String,
    },
    /// The birth date is after the reference date.
    #[error("ID number birth date {birth_date} is after today ({today})")]
    FutureBirthDate {
        /// Decoded birth date.
        birth_date: NaiveDate,
        /// Reference date used for the check.
        today: NaiveDate,
    },
    /// The birth year is outside `MIN_BIRTH_YEAR..=9999`.
    #[error("birth year {year} is not plausible; it must be between 1800 and 9999")]
    BirthYearOutOfRange {
        /// The rejected year.
        year: i32,
    },
    /// A sequence passed to [`make_id_number`] is above 999.
    #[error("sequence number {found} is out of range; it must be 0 to 999")]
    SequenceOutOfRange {
        /// The rejected sequence.
        found: u16,
    },
    /// The check character does not match the first 17 digits.
    #[error("ID number check digit is {found} but should be {expected}")]
    CheckChar {
        /// The 18th character as typed (upper-cased).
        found: char,
        /// The computed check character.
        expected: char,
    },
}

/// Computes the check character for the first 17 digits of an ID number.
///
/// Returns `None` unless `first17` is exactly 17 ASCII digits.
#[must_use]
pub fn id_check_char(first17: &str) -> Option<char> {
    let digits = first17.as_bytes();
    if digits.len() != 17 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(check_char_of_digits(digits))
}

/// MOD 11-2 over bytes already known to be ASCII digits.
fn check_char_of_digits(digits: &[u8]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// Validates an 18-character ID number against GB 11643-1999.
///
/// Accepts digits with a final `X` or `x`. Checks, in order: length,
/// characters, province code, birth date (a calendar date in
/// `MIN_BIRTH_YEAR..` and not after `today`), check character. The first
/// failure is returned.
pub fn validate_id_number(s: &str, today: NaiveDate) -> Result<IdNumberInfo, IdNumberError> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return Err(IdNumberError::Length { found: chars.len() });
    }
    for (i, &c) in chars.iter().enumerate() {
        let ok = c.is_ascii_digit() || (i == 17 && (c == 'X' || c == 'x'));
        if !ok {
            return Err(IdNumberError::InvalidCharacter {
                position: i + 1,
                found: c,
            });
        }
    }
    // All 18 characters are ASCII from here on, so byte slicing is safe.
    if !is_province_code(&s[..2]) {
        return Err(IdNumberError::UnknownProvince {
            found: s[..2].to_owned(),
        });
    }
    let birth_digits = &s[6..14];
    let birth_date = NaiveDate::parse_from_str(birth_digits, "%Y%m%d").map_err(|_| {
        IdNumberError::InvalidBirthDate {
            found: birth_digits.to_owned(),
        }
    })?;
    if birth_date.year() < MIN_BIRTH_YEAR {
        return Err(IdNumberError::BirthYearOutOfRange {
            year: birth_date.year(),
        });
    }
    if birth_date > today {
        return Err(IdNumberError::FutureBirthDate { birth_date, today });
    }
    let expected = check_char_of_digits(&s.as_bytes()[..17]);
    let found = chars[17].to_ascii_uppercase();
    if found != expected {
        return Err(IdNumberError::CheckChar { found, expected });
    }
    let sequence_last = s.as_bytes()[16] - b'0';
    let sex = if sequence_last % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Ok(IdNumberInfo {
        area_code: s[..6].to_owned(),
        birth_date,
        sex,
    })
}

/// Builds a valid ID number from its parts, appending the check character.
///
/// `sequence` is 0–999; odd numbers encode male, even female. The area code
/// must be 6 digits starting with a province code; the birth year must be in
/// `MIN_BIRTH_YEAR..=9999`. No "not in the future" check is made here.
pub fn make_id_number(
    area_code6: &str,
    birth: NaiveDate,
    sequence: u16,
) -> Result<String, IdNumberError> {
    let area_ok = area_code6.len() == 6
        && area_code6.bytes().all(|b| b.is_ascii_digit())
        && is_province_code(&area_code6[..2]);
    if !area_ok {
        return Err(IdNumberError::InvalidAreaCode {
            found: area_code6.to_owned(),
        });
    }
    if !(MIN_BIRTH_YEAR..=9999).contains(&birth.year()) {
        return Err(IdNumberError::BirthYearOutOfRange { year: birth.year() });
    }
    if sequence > 999 {
        return Err(IdNumberError::SequenceOutOfRange { found: sequence });
    }
    let first17 = format!("{area_code6}{}{sequence:03}", birth.format("%Y%m%d"));
    let check = check_char_of_digits(first17.as_bytes());
    Ok(format!("{first17}{check}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2025, 6, 30)
    }

    fn check(input: &str, expect: Result<(&str, NaiveDate, Sex), IdNumberError>) {
        let got = validate_id_number(input, today());
        let want = expect.map(|(area, birth_date, sex)| IdNumberInfo {
            area_code: area.to_owned(),
            birth_date,
            sex,
        });
        assert_eq!(got, want, "input {input:?}");
    }

    #[test]
    fn check_chars() {
        let cases = [
            ("11010519491231002", Some('X')), // GB 11643 worked example, S = 167
            ("31010419900307125", Some('6')),
            ("1101051949123100", None),
            ("110105194912310021", None),
            ("1101051949123100A", None),
            ("", None),
        ];
        for (input, expect) in cases {
            assert_eq!(id_check_char(input), expect, "input {input:?}");
        }
    }

    #[test]
    fn validation() {
        use IdNumberError::*;
        let cases = [
            (
                "11010519491231002X",
                Ok(("110105", date(1949, 12, 31), Sex::Female)),
            ),
            (
                "11010519491231002x",
                Ok(("110105", date(1949, 12, 31), Sex::Female)),
            ),
            (
                "310104199003071256",
                Ok(("310104", date(1990, 3, 7), Sex::Male)),
            ),
            ("11010519491231002", Err(Length { found: 17 })),
            ("11010519491231002X1", Err(Length { found: 19 })),
            ("", Err(Length { found: 0 })),
            (
                "1101051949123100２X",
                Err(InvalidCharacter {
                    position: 17,
                    found: '２',
                }),
            ),
            (
                "X10105194912310021",
                Err(InvalidCharacter {
                    position: 1,
                    found: 'X',
                }),
            ),
            (
                "11010519491231002Y",
                Err(InvalidCharacter {
                    position: 18,
                    found: 'Y',
                }),
            ),
            (
                "991234199003071239",
                Err(UnknownProvince { found: "99".into() }),
            ),
            (
                "310104199002301239",
                Err(InvalidBirthDate {
                    found: "19900230".into(),
                }),
            ),
            (
                "310104170001011239",
                Err(BirthYearOutOfRange { year: 1700 }),
            ),
            (
                "310104202507011239",
                Err(FutureBirthDate {
                    birth_date: date(2025, 7, 1),
                    today: today(),
                }),
            ),
            (
                "11010519491231002 ",
                Err(InvalidCharacter {
                    position: 18,
                    found: ' ',
                }),
            ),
            (
                "110105194912310025",
                Err(CheckChar {
                    found: '5',
                    expected: 'X',
                }),
            ),
            (
                "31010419900307125X",
                Err(CheckChar {
                    found: 'X',
                    expected: '6',
                }),
            ),
        ];
        for (input, expect) in cases {
            check(input, expect);
        }
    }

    #[test]
    fn birth_date_equal_to_today_is_accepted() {
        let id = make_id_number("310104", today(), 2).unwrap();
        let info = validate_id_number(&id, today()).unwrap();
        assert_eq!(info.birth_date, today());
        assert_eq!(info.sex, Sex::Female);
    }

    #[test]
    fn make_round_trips() {
        let cases = [
            ("110105", date(1949, 12, 31), 2, Ok("11010519491231002X")),
            ("310104", date(1990, 3, 7), 125, Ok("310104199003071256")),
            ("310104", date(2000, 2, 29), 0, Ok("")),
            ("310104", date(2000, 2, 29), 999, Ok("")),
            (
                "310104",
                date(2000, 1, 1),
                1000,
                Err(IdNumberError::SequenceOutOfRange { found: 1000 }),
            ),
            (
                "31010",
                date(2000, 1, 1),
                1,
                Err(IdNumberError::InvalidAreaCode {
                    found: "31010".into(),
                }),
            ),
            (
                "990104",
                date(2000, 1, 1),
                1,
                Err(IdNumberError::InvalidAreaCode {
                    found: "990104".into(),
                }),
            ),
            (
                "31010４",
                date(2000, 1, 1),
                1,
                Err(IdNumberError::InvalidAreaCode {
                    found: "31010４".into(),
                }),
            ),
            (
                "310104",
                date(1799, 12, 31),
                1,
                Err(IdNumberError::BirthYearOutOfRange { year: 1799 }),
            ),
        ];
        for (area, birth, seq, expect) in cases {
            let got = make_id_number(area, birth, seq);
            match expect {
                Ok("") => {
                    let id = got.unwrap();
                    let info = validate_id_number(&id, today()).unwrap();
                    assert_eq!(info.area_code, area);
                    assert_eq!(info.birth_date, birth);
                    let sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
                    assert_eq!(info.sex, sex);
                }
                other => assert_eq!(
                    got.as_deref().map_err(Clone::clone),
                    other,
                    "{area} {birth} {seq}"
                ),
            }
        }
    }

    #[test]
    fn every_single_digit_typo_is_caught() {
        let id = "310104199003071256";
        for pos in 0..17 {
            for d in b'0'..=b'9' {
                let mut bytes = id.as_bytes().to_vec();
                if bytes[pos] == d {
                    continue;
                }
                bytes[pos] = d;
                let typo = String::from_utf8(bytes).unwrap();
                assert!(validate_id_number(&typo, today()).is_err(), "{typo}");
            }
        }
    }

    #[test]
    fn messages_are_sentences() {
        let e = IdNumberError::CheckChar {
            found: '5',
            expected: 'X',
        };
        assert_eq!(e.to_string(), "ID number check digit is 5 but should be X");
        let e = IdNumberError::Length { found: 15 };
        assert_eq!(
            e.to_string(),
            "ID number must have 18 characters but has 15"
        );
    }
}
