//! Rules for account credentials.

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Why a username or password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The username breaks the shape rule.
    #[error("username must be 3–64 characters of a–z, 0–9, `_`, `-` or `.`")]
    Username,
    /// The password is too short.
    #[error("password must have at least {MIN_PASSWORD_CHARS} characters")]
    Password,
}

/// Checks a username: 3–64 characters of a–z, 0–9, `_`, `-`, `.` (role identifiers qualify).
pub fn validate_username(name: &str) -> Result<(), AccountError> {
    let ok = (3..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::Username)
    }
}

/// Checks a password: at least [`MIN_PASSWORD_CHARS`] characters.
pub fn validate_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() >= MIN_PASSWORD_CHARS {
        Ok(())
    } else {
        Err(AccountError::Password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords() {
        for ok in ["admin", "wang.handler", "street_data_assistant", "a-1"] {
            assert_eq!(validate_username(ok), Ok(()), "{ok}");
        }
        for bad in ["li", "Admin", "王五", "a b", &"x".repeat(65)] {
            assert_eq!(validate_username(bad), Err(AccountError::Username), "{bad}");
        }
        assert_eq!(
            validate_password("密码密码密码密码"),
            Ok(()),
            "eight characters, not bytes"
        );
        assert_eq!(validate_password("short"), Err(AccountError::Password));
    }
}
