//! Phone numbers: mainland mobiles and Shanghai landlines.
//!
//! Accepted input, after removing spaces, dashes and parentheses:
//!
//! * mobile: `1[3-9]` + 9 digits, optionally prefixed by `+86`, `0086` or `86`;
//! * Shanghai landline: `021` + 8 digits, a bare 8-digit local number, or
//!   `+86 21` / `0086 21` + 8 digits. The local number may not start with 0 or 1.
//!
//! Canonical forms: a mobile is its 11 digits (`13812345678`); a landline is
//! `021-` + 8 digits (`021-64871234`).

/// Shanghai's long-distance area code, with the trunk prefix.
pub const SHANGHAI_AREA_CODE: &str = "021";

/// Why a phone number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing but separators was given.
    #[error("phone number is empty")]
    Empty,
    /// A character other than a digit, space, dash, parenthesis or leading `+`.
    #[error(
        "phone number contains '{found}'; only digits, spaces, dashes and a leading + are allowed"
    )]
    InvalidCharacter {
        /// The offending character.
        found: char,
    },
    /// A landline with an area code other than Shanghai's.
    #[error(
        "landline area code {found} is not Shanghai's 021; only Shanghai landlines are accepted"
    )]
    OtherAreaCode {
        /// The area code as typed (with its leading 0).
        found: String,
    },
    /// The digits match neither accepted shape.
    #[error(
        "phone number {found} is neither a mobile number (11 digits starting 13–19) nor a Shanghai landline (021 + 8 digits)"
    )]
    Unrecognised {
        /// The digits after removing separators.
        found: String,
    },
}

/// Returns `true` for an 11-digit mainland mobile number `1[3-9]xxxxxxxxx`.
fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// Returns `true` for an 8-digit Shanghai local number (not starting 0 or 1).
fn is_local(d: &str) -> bool {
    d.len() == 8 && !d.starts_with(['0', '1'])
}

/// Normalises a mobile or Shanghai landline number to its canonical form
/// (see the module documentation).
pub fn normalize_phone(s: &str) -> Result<String, PhoneError> {
    let mut digits = String::with_capacity(s.len());
    let mut plus = false;
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' => {}
            '+' if digits.is_empty() && !plus => plus = true,
            _ => return Err(PhoneError::InvalidCharacter { found: c }),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    let international = if plus {
        digits.strip_prefix("86")
    } else {
        digits.strip_prefix("0086")
    };
    let national = match international {
        // International form drops the trunk 0 of area codes.
        Some(rest) if is_mobile(rest) => rest.to_owned(),
        Some(rest) => format!("0{rest}"),
        None if plus => return Err(PhoneError::Unrecognised { found: digits }),
        None => match digits.strip_prefix("86") {
            Some(rest) if is_mobile(rest) => rest.to_owned(),
            _ => digits.clone(),
        },
    };
    if is_mobile(&national) {
        return Ok(national);
    }
    if is_local(&national) {
        return Ok(format!("{SHANGHAI_AREA_CODE}-{national}"));
    }
    if let Some(local) = national.strip_prefix(SHANGHAI_AREA_CODE) {
        if is_local(local) {
            return Ok(format!("{SHANGHAI_AREA_CODE}-{local}"));
        }
        return Err(PhoneError::Unrecognised { found: digits });
    }
    if national.starts_with('0') && (10..=12).contains(&national.len()) {
        // 010/02x are 3-digit area codes, the rest 4-digit.
        let area_len = if national.starts_with("010") || national.starts_with("02") {
            3
        } else {
            4
        };
        return Err(PhoneError::OtherAreaCode {
            found: national[..area_len].to_owned(),
        });
    }
    Err(PhoneError::Unrecognised { found: digits })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn check(input: &str, expect: Result<&str, PhoneError>) {
        assert_eq!(
            normalize_phone(input).as_deref().map_err(Clone::clone),
            expect,
            "{input:?}"
        );
    }

    #[test]
    fn normalisation() {
        use PhoneError::*;
        let cases = [
            ("13812345678", Ok("13812345678")),
            ("138 1234 5678", Ok("13812345678")),
            ("138-1234-5678", Ok("13812345678")),
            ("+86 138 1234 5678", Ok("13812345678")),
            ("+8613812345678", Ok("13812345678")),
            ("008613812345678", Ok("13812345678")),
            ("8613812345678", Ok("13812345678")),
            ("19912345678", Ok("19912345678")),
            ("021-64871234", Ok("021-64871234")),
            ("(021) 6487 1234", Ok("021-64871234")),
            ("02164871234", Ok("021-64871234")),
            ("64871234", Ok("021-64871234")),
            ("+86 21 6487 1234", Ok("021-64871234")),
            ("0086 21 64871234", Ok("021-64871234")),
            ("", Err(Empty)),
            (" - ", Err(Empty)),
            ("138 1234 567８", Err(InvalidCharacter { found: '８' })),
            ("138.1234.5678", Err(InvalidCharacter { found: '.' })),
            ("138+12345678", Err(InvalidCharacter { found: '+' })),
            (
                "12812345678",
                Err(Unrecognised {
                    found: "12812345678".into(),
                }),
            ),
            (
                "1381234567",
                Err(Unrecognised {
                    found: "1381234567".into(),
                }),
            ),
            (
                "138123456789",
                Err(Unrecognised {
                    found: "138123456789".into(),
                }),
            ),
            (
                "12345",
                Err(Unrecognised {
                    found: "12345".into(),
                }),
            ),
            (
                "14871234",
                Err(Unrecognised {
                    found: "14871234".into(),
                }),
            ),
            (
                "0216487123",
                Err(Unrecognised {
                    found: "0216487123".into(),
                }),
            ),
            (
                "+1 212 555 0100",
                Err(Unrecognised {
                    found: "12125550100".into(),
                }),
            ),
            (
                "010-64871234",
                Err(OtherAreaCode {
                    found: "010".into(),
                }),
            ),
            (
                "0571-87654321",
                Err(OtherAreaCode {
                    found: "0571".into(),
                }),
            ),
            (
                "+86 10 6487 1234",
                Err(OtherAreaCode {
                    found: "010".into(),
                }),
            ),
        ];
        for (input, expect) in cases {
            check(input, expect);
        }
    }

    #[test]
    fn canonical_forms_are_fixed_points() {
        for s in ["13812345678", "021-64871234"] {
            assert_eq!(normalize_phone(s).unwrap(), s);
        }
    }
}
