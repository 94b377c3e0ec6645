//! Checks of sign-up and sign-in input, shared by the server (which enforces them) and the
//! browser (which may show them early).

use crate::error::AppError;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Longest password accepted: hashing cost grows with length, so cap it.
pub const MAX_PASSWORD_LEN: usize = 256;
/// Longest name accepted, in characters.
pub const MAX_NAME_LEN: usize = 100;

/// Trims and lower-cases an email address and checks its shape.
pub fn normalize_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let bad = || {
        AppError::invalid(
            "email",
            "Enter a valid email address, like name@example.com.",
        )
    };
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your email address."));
    }
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || local.len() > 64 || !domain_ok {
        return Err(bad());
    }
    Ok(email)
}

/// Checks a new password's length (the sign-up form's `password` field).
pub fn check_new_password(password: &str) -> Result<(), AppError> {
    check_new_password_in("password", password)
}

/// Checks a new password's length; an error names the form field `field`.
pub fn check_new_password_in(field: &str, password: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(AppError::invalid(
            field,
            format!("Use at least {MIN_PASSWORD_LEN} characters for your password."),
        ));
    }
    if len > MAX_PASSWORD_LEN {
        return Err(AppError::invalid(
            field,
            format!("Use at most {MAX_PASSWORD_LEN} characters for your password."),
        ));
    }
    Ok(())
}

/// Trims a name field and checks its length; `required` decides whether empty is allowed.
pub fn clean_name(field: &str, raw: &str, required: bool) -> Result<String, AppError> {
    let name = raw.trim();
    if required && name.is_empty() {
        return Err(AppError::invalid(field, "Enter your name."));
    }
    if name.chars().count() > MAX_NAME_LEN || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            format!("Use at most {MAX_NAME_LEN} characters, without control characters."),
        ));
    }
    Ok(name.to_owned())
}

/// Splits a full name into a first name and the rest.
pub fn split_name(full: &str) -> (String, String) {
    match full.trim().split_once(char::is_whitespace) {
        Some((first, rest)) => (first.to_owned(), rest.trim().to_owned()),
        None => (full.trim().to_owned(), String::new()),
    }
}

/// Where to go after signing in: the requested local path, or the profile page. Anything that
/// could leave the site (`//host`, `/\host`, absolute URLs) falls back to the default.
pub fn safe_next(next: Option<&str>) -> String {
    const DEFAULT: &str = "/settings/profile";
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return DEFAULT.to_owned();
    };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        // Visible ASCII only: it becomes a Location header, which allows nothing else.
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    if local {
        next.to_owned()
    } else {
        DEFAULT.to_owned()
    }
}

/// Percent-encodes a string for use as one query-string value.
pub fn encode_query_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").ok().as_deref(),
            Some("ada@example.com")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.de",
            "ada@.com",
            "ada@example..com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("12345678").is_ok());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD_LEN + 1)).is_err());
    }

    #[test]
    fn next_stays_on_the_site() {
        assert_eq!(safe_next(Some("/admin/social-apps")), "/admin/social-apps");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/caf\u{e9}",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(bad)), "/settings/profile", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/settings/profile");
    }

    #[test]
    fn names_split_at_the_first_space() {
        assert_eq!(
            split_name(" Ada  King Lovelace "),
            ("Ada".into(), "King Lovelace".into())
        );
        assert_eq!(split_name("Ada"), ("Ada".into(), String::new()));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query_value("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }
}
