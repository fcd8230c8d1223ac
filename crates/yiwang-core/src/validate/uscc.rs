//! 统一社会信用代码 — unified social credit code per GB 32100-2015, with the
//! embedded 组织机构代码 (organisation code) per GB 11714.
//!
//! Layout (18 characters from [`USCC_CHARSET`], which omits I, O, S, V, Z):
//!
//! | position | content |
//! |---|---|
//! | 1 | registration authority (登记管理部门代码) |
//! | 2 | organisation type (机构类别代码), allowed values depend on position 1 |
//! | 3–8 | division code of the registering office (GB/T 2260); `100000` for central registrations |
//! | 9–17 | organisation code (GB 11714): 8 body characters + its own check digit |
//! | 18 | check character |
//!
//! Check character: each character's value is its index in
//! [`USCC_CHARSET`]; `Σ vᵢ·Wᵢ` with weights `1 3 9 27 19 26 16 17 20 29 25 13
//! 8 24 10 30 28` (3^(i−1) mod 31); check = `31 − (Σ mod 31)`, with 31 → `0`.
//!
//! Organisation-code check digit (GB 11714): body characters are valued
//! 0–9 and A=10 … Z=35, weights `3 7 9 10 5 8 4 2`, check = `11 − (Σ mod 11)`
//! with 10 → `X` and 11 → `0`.

use serde::{Deserialize, Serialize};

use super::division::is_province_code;

/// The 31 characters of a USCC, in value order (0–30).
pub const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights Wᵢ of the 17 leading USCC characters.
pub const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the 8 organisation-code body characters (GB 11714).
pub const ORG_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Registration authorities (position 1) and the organisation types
/// (position 2) each may issue, per the GB 32100-2015 code table.
pub const AUTHORITY_TYPES: [(char, &str); 12] = [
    ('1', "1239"),   // 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
    ('2', "19"),     // 外交: 外国常驻新闻机构, 其他
    ('3', "123459"), // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    ('4', "19"),     // 文化: 外国在华文化中心, 其他
    ('5', "1239"),   // 民政: 社会团体, 民办非企业单位, 基金会, 其他
    ('6', "129"),    // 旅游: 外国/港澳台旅游部门常驻代表机构, 其他
    ('7', "129"),    // 宗教: 宗教活动场所, 宗教院校, 其他
    ('8', "19"),     // 工会: 基层工会, 其他
    ('9', "123"),    // 工商(市场监管): 企业, 个体工商户, 农民专业合作社
    ('A', "19"),     // 中央军委改革和编制办公室: 军队事业单位, 其他
    ('N', "1239"),   // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    ('Y', "1"),      // 其他
];

/// Division code used for registrations by central authorities.
pub const CENTRAL_DIVISION: &str = "100000";

/// Facts decoded from a valid USCC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsccInfo {
    /// Position 1: registration authority code.
    pub authority: char,
    /// Position 2: organisation type code.
    pub org_type: char,
    /// Positions 3–8: division code of the registering office.
    pub division_code: String,
    /// Positions 9–17: the organisation code (8 body characters + check digit).
    pub org_code: String,
    /// Whether the organisation code's own GB 11714 check digit is correct.
    ///
    /// A USCC whose overall check character is right but whose embedded
    /// check digit is wrong was almost certainly issued that way (a typing
    /// error would break the overall check), so this is reported here rather
    /// than as an error; use [`validate_org_code`] for the reason.
    pub org_code_valid: bool,
}

/// Why a USCC or organisation code was rejected or could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// The code does not have 18 characters.
    #[error("unified social credit code must have 18 characters but has {found}")]
    Length {
        /// Number of characters found.
        found: usize,
    },
    /// A character outside the allowed set was found.
    #[error(
        "unified social credit code character {position} is '{found}'; only digits and capital letters except I, O, S, V, Z are allowed"
    )]
    InvalidCharacter {
        /// 1-based position in the code being checked.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// Position 1 is not a registration authority code.
    #[error(
        "unified social credit code starts with '{found}', which is not a registration authority code"
    )]
    UnknownAuthority {
        /// The first character.
        found: char,
    },
    /// Position 2 is not an organisation type of the authority in position 1.
    #[error(
        "organisation type '{found}' (2nd character) is not used by registration authority '{authority}'"
    )]
    UnknownOrgType {
        /// The first character.
        authority: char,
        /// The second character.
        found: char,
    },
    /// Positions 3–8 are not a division code shape.
    #[error(
        "characters 3–8 \"{found}\" are not a division code (6 digits starting with a province code, or 100000)"
    )]
    InvalidDivision {
        /// The six characters.
        found: String,
    },
    /// The overall check character is wrong.
    #[error("unified social credit code check character is {found} but should be {expected}")]
    CheckChar {
        /// The 18th character.
        found: char,
        /// The computed check character.
        expected: char,
    },
    /// An organisation code (or an 8-character body) has the wrong length.
    #[error("organisation code must have {expected} characters but has {found}")]
    OrgCodeLength {
        /// Required number of characters (8 for a body, 9 for a full code).
        expected: usize,
        /// Number of characters found.
        found: usize,
    },
    /// An organisation-code body character is not a digit or capital letter.
    #[error(
        "organisation code character {position} is '{found}'; only digits and capital letters are allowed"
    )]
    InvalidOrgCodeCharacter {
        /// 1-based position in the organisation code.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The organisation code's GB 11714 check digit is wrong.
    #[error("organisation code check digit is {found} but should be {expected}")]
    OrgCodeCheck {
        /// The 9th character of the organisation code.
        found: char,
        /// The computed check digit.
        expected: char,
    },
}

/// [`USCC_CHARSET`] as an array, indexed by value.
const USCC_CHARS: [char; 31] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J',
    'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'T', 'U', 'W', 'X', 'Y',
];

/// Value 0–30 of a USCC character, or `None` outside [`USCC_CHARSET`].
fn uscc_value(c: char) -> Option<u32> {
    USCC_CHARS
        .iter()
        .position(|&x| x == c)
        .and_then(|i| u32::try_from(i).ok())
}

/// Check character for 17 values already known to be in 0..31.
fn check_of_values(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    USCC_CHARS[((31 - sum % 31) % 31) as usize]
}

/// Value of a GB 11714 body character: 0–9, A=10 … Z=35.
fn org_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' | 'A'..='Z' => c.to_digit(36),
        _ => None,
    }
}

/// Computes the USCC check character for the first 17 characters.
///
/// Returns `None` unless `first17` is exactly 17 characters from [`USCC_CHARSET`].
#[must_use]
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let values = first17
        .chars()
        .map(uscc_value)
        .collect::<Option<Vec<u32>>>()?;
    (values.len() == 17).then(|| check_of_values(&values))
}

/// Computes the GB 11714 check digit for an 8-character organisation-code
/// body (digits and capital letters).
///
/// Returns `None` unless `body8` is exactly 8 such characters.
#[must_use]
pub fn org_code_check_char(body8: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut count = 0usize;
    for (c, w) in body8.chars().zip(ORG_CODE_WEIGHTS) {
        sum += org_value(c)? * w;
        count += 1;
    }
    if count != 8 || body8.chars().count() != 8 {
        return None;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        d => char::from_digit(d, 10),
    }
}

/// Validates a 9-character organisation code (8 body characters + check
/// digit) against GB 11714.
pub fn validate_org_code(code9: &str) -> Result<(), UsccError> {
    let chars: Vec<char> = code9.chars().collect();
    if chars.len() != 9 {
        return Err(UsccError::OrgCodeLength {
            expected: 9,
            found: chars.len(),
        });
    }
    for (i, &c) in chars[..8].iter().enumerate() {
        if org_value(c).is_none() {
            return Err(UsccError::InvalidOrgCodeCharacter {
                position: i + 1,
                found: c,
            });
        }
    }
    let body: String = chars[..8].iter().collect();
    let expected = org_code_check_char(&body).ok_or(UsccError::OrgCodeLength {
        expected: 8,
        found: body.chars().count(),
    })?;
    if chars[8] != expected {
        return Err(UsccError::OrgCodeCheck {
            found: chars[8],
            expected,
        });
    }
    Ok(())
}

/// Checks positions 1–2 against [`AUTHORITY_TYPES`].
fn check_authority(authority: char, org_type: char) -> Result<(), UsccError> {
    let types = AUTHORITY_TYPES
        .iter()
        .find(|(a, _)| *a == authority)
        .map(|(_, t)| *t)
        .ok_or(UsccError::UnknownAuthority { found: authority })?;
    if types.contains(org_type) {
        Ok(())
    } else {
        Err(UsccError::UnknownOrgType {
            authority,
            found: org_type,
        })
    }
}

/// Checks positions 3–8: six digits with a province prefix, or `100000`.
fn check_division(division: &str) -> Result<(), UsccError> {
    let ok = division == CENTRAL_DIVISION
        || (division.len() == 6
            && division.bytes().all(|b| b.is_ascii_digit())
            && is_province_code(&division[..2]));
    if ok {
        Ok(())
    } else {
        Err(UsccError::InvalidDivision {
            found: division.to_owned(),
        })
    }
}

/// Validates an 18-character USCC against GB 32100-2015.
///
/// Lower-case input is rejected (the standard uses capitals only). Checks,
/// in order: length, characters, authority and organisation type, division
/// code shape, check character. The embedded organisation-code check digit
/// is reported in [`UsccInfo::org_code_valid`].
pub fn validate_uscc(s: &str) -> Result<UsccInfo, UsccError> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return Err(UsccError::Length { found: chars.len() });
    }
    let mut values = Vec::with_capacity(18);
    for (i, &c) in chars.iter().enumerate() {
        let v = uscc_value(c).ok_or(UsccError::InvalidCharacter {
            position: i + 1,
            found: c,
        })?;
        values.push(v);
    }
    // All characters are ASCII from here on, so byte slicing is safe.
    check_authority(chars[0], chars[1])?;
    check_division(&s[2..8])?;
    let expected = check_of_values(&values[..17]);
    if chars[17] != expected {
        return Err(UsccError::CheckChar {
            found: chars[17],
            expected,
        });
    }
    let org_code = &s[8..17];
    Ok(UsccInfo {
        authority: chars[0],
        org_type: chars[1],
        division_code: s[2..8].to_owned(),
        org_code: org_code.to_owned(),
        org_code_valid: validate_org_code(org_code).is_ok(),
    })
}

/// Builds a valid USCC from its parts, computing both the organisation-code
/// check digit and the overall check character.
///
/// `org_body8` must be 8 characters from [`USCC_CHARSET`] (GB 11714 also
/// allows I, O, S, V, Z, but those cannot appear in a USCC).
pub fn make_uscc(
    authority: char,
    org_type: char,
    division6: &str,
    org_body8: &str,
) -> Result<String, UsccError> {
    check_authority(authority, org_type)?;
    check_division(division6)?;
    let body_len = org_body8.chars().count();
    if body_len != 8 {
        return Err(UsccError::OrgCodeLength {
            expected: 8,
            found: body_len,
        });
    }
    for (i, c) in org_body8.chars().enumerate() {
        if uscc_value(c).is_none() {
            return Err(UsccError::InvalidCharacter {
                position: i + 9,
                found: c,
            });
        }
    }
    let org_check = org_code_check_char(org_body8).ok_or(UsccError::OrgCodeLength {
        expected: 8,
        found: body_len,
    })?;
    let first17 = format!("{authority}{org_type}{division6}{org_body8}{org_check}");
    let values: Vec<u32> = first17.chars().filter_map(uscc_value).collect();
    let check = check_of_values(&values);
    Ok(format!("{first17}{check}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn info(division: &str, org_code: &str, org_code_valid: bool) -> UsccInfo {
        UsccInfo {
            authority: '9',
            org_type: '1',
            division_code: division.to_owned(),
            org_code: org_code.to_owned(),
            org_code_valid,
        }
    }

    fn check(input: &str, expect: Result<UsccInfo, UsccError>) {
        assert_eq!(validate_uscc(input), expect, "input {input:?}");
    }

    #[test]
    fn check_chars() {
        let cases = [
            ("9144030071526726X", Some('G')), // worked example in research/standards.md §4.2
            ("9144030071526726", None),
            ("9144030071526726XX", None),
            ("9144030071526726I", None),
            ("", None),
        ];
        for (input, expect) in cases {
            assert_eq!(uscc_check_char(input), expect, "input {input:?}");
        }
    }

    #[test]
    fn org_check_digits() {
        let cases = [
            ("71526726", Some('X')), // Σ = 199, 11 − 1 = 10 → X
            ("00000000", Some('0')), // Σ = 0 → 11 → 0
            ("00000001", Some('9')), // Σ = 2 → 9
            ("A0000000", Some('3')), // Σ = 30, 30 mod 11 = 8 → 3
            ("7152672", None),
            ("7152672a", None),
        ];
        for (input, expect) in cases {
            assert_eq!(org_code_check_char(input), expect, "input {input:?}");
        }
        assert_eq!(validate_org_code("71526726X"), Ok(()));
        assert_eq!(
            validate_org_code("715267260"),
            Err(UsccError::OrgCodeCheck {
                found: '0',
                expected: 'X'
            })
        );
        assert_eq!(
            validate_org_code("7152672a9"),
            Err(UsccError::InvalidOrgCodeCharacter {
                position: 8,
                found: 'a'
            })
        );
        assert_eq!(
            validate_org_code("7152672"),
            Err(UsccError::OrgCodeLength {
                expected: 9,
                found: 7
            })
        );
    }

    #[test]
    fn validation() {
        use UsccError::*;
        let built = make_uscc('9', '1', "310104", "MA1FL000").unwrap();
        let cases = [
            ("9144030071526726XG", Ok(info("440300", "71526726X", true))),
            (built.as_str(), Ok(info("310104", &built[8..17], true))),
            ("9144030071526726X", Err(Length { found: 17 })),
            ("9144030071526726XGG", Err(Length { found: 19 })),
            (
                "9144030071526726xG",
                Err(InvalidCharacter {
                    position: 17,
                    found: 'x',
                }),
            ),
            (
                "9144030071526726IG",
                Err(InvalidCharacter {
                    position: 17,
                    found: 'I',
                }),
            ),
            (
                "914403007152672６XG",
                Err(InvalidCharacter {
                    position: 16,
                    found: '６',
                }),
            ),
            ("B144030071526726XG", Err(UnknownAuthority { found: 'B' })),
            (
                "9444030071526726XG",
                Err(UnknownOrgType {
                    authority: '9',
                    found: '4',
                }),
            ),
            (
                "91990300715267260G",
                Err(InvalidDivision {
                    found: "990300".into(),
                }),
            ),
            (
                "9144A30071526726XG",
                Err(InvalidDivision {
                    found: "44A300".into(),
                }),
            ),
            (
                "9144030071526726X0",
                Err(CheckChar {
                    found: '0',
                    expected: 'G',
                }),
            ),
            (
                "9144030071526727XG",
                Err(CheckChar {
                    found: 'G',
                    expected: 'H',
                }),
            ),
        ];
        for (input, expect) in cases {
            check(input, expect);
        }
    }

    #[test]
    fn bad_embedded_org_code_is_reported_not_rejected() {
        // Organisation code 715267260 has the wrong GB 11714 digit (X expected),
        // but the overall check character is recomputed to match.
        let first17 = "91440300715267260";
        let code = format!("{first17}{}", uscc_check_char(first17).unwrap());
        let got = validate_uscc(&code).unwrap();
        assert!(!got.org_code_valid);
        assert_eq!(
            validate_org_code(&got.org_code),
            Err(UsccError::OrgCodeCheck {
                found: '0',
                expected: 'X'
            })
        );
    }

    #[test]
    fn make() {
        use UsccError::*;
        let cases = [
            ('9', '1', "440300", "71526726", Ok("9144030071526726XG")),
            ('1', '1', CENTRAL_DIVISION, "00000000", Ok("")),
            ('Y', '1', "310104", "MA1FL000", Ok("")),
            (
                '9',
                '4',
                "310104",
                "MA1FL000",
                Err(UnknownOrgType {
                    authority: '9',
                    found: '4',
                }),
            ),
            (
                'Z',
                '1',
                "310104",
                "MA1FL000",
                Err(UnknownAuthority { found: 'Z' }),
            ),
            (
                '9',
                '1',
                "31010",
                "MA1FL000",
                Err(InvalidDivision {
                    found: "31010".into(),
                }),
            ),
            (
                '9',
                '1',
                "310104",
                "MA1FL00",
                Err(OrgCodeLength {
                    expected: 8,
                    found: 7,
                }),
            ),
            (
                '9',
                '1',
                "310104",
                "MA1FL00O",
                Err(InvalidCharacter {
                    position: 16,
                    found: 'O',
                }),
            ),
        ];
        for (authority, org_type, division, body, expect) in cases {
            let got = make_uscc(authority, org_type, division, body);
            match expect {
                Ok("") => {
                    let code = got.unwrap();
                    let info = validate_uscc(&code).unwrap();
                    assert_eq!(info.authority, authority);
                    assert_eq!(info.org_type, org_type);
                    assert_eq!(info.division_code, division);
                    assert_eq!(&info.org_code[..8], body);
                    assert!(info.org_code_valid);
                }
                other => assert_eq!(got.as_deref().map_err(Clone::clone), other),
            }
        }
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        let code = "9144030071526726XG";
        for pos in 2..18 {
            for c in USCC_CHARSET.chars() {
                let mut chars: Vec<char> = code.chars().collect();
                if chars[pos] == c {
                    continue;
                }
                chars[pos] = c;
                let typo: String = chars.into_iter().collect();
                assert!(validate_uscc(&typo).is_err(), "{typo}");
            }
        }
    }

    #[test]
    fn charset_array_matches_string() {
        assert_eq!(USCC_CHARS.iter().collect::<String>(), USCC_CHARSET);
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in USCC_WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }
}
