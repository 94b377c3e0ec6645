//! A provider's profile is input from outside: before anything of it is stored or rendered,
//! its URLs must be web addresses (a `javascript:` or `data:` "profile link" would otherwise
//! reach an `<a href>`), and its strings must fit their columns and hold no control
//! characters. What fails is dropped, not refused: the person still connects.

use std::net::IpAddr;

use url::{Host, Url};

use super::ProviderProfile;

/// Longest URL kept (the columns are 2048 characters).
const MAX_URL: usize = 2048;
/// Longest name, handle or email kept (the columns are 254–255 characters).
const MAX_TEXT: usize = 254;

impl ProviderProfile {
    /// The profile with every URL checked and every string bounded; the id is kept as is
    /// (the caller compares it, and a provider id that does not fit is refused by the column).
    pub fn sanitized(self) -> Self {
        Self {
            id: self.id,
            username: text(self.username),
            display_name: text(self.display_name),
            first_name: text(self.first_name).map(|s| s.chars().take(100).collect()),
            last_name: text(self.last_name).map(|s| s.chars().take(100).collect()),
            email: text(self.email).filter(|e| e.contains('@')),
            avatar_url: self.avatar_url.as_deref().and_then(web_url),
            profile_url: self.profile_url.as_deref().and_then(web_url),
        }
    }
}

/// `raw` as a web address: https, or http to a loopback host (the sandbox); a host, no user
/// name or password, no control characters, at most 2048 characters.
pub fn web_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > MAX_URL || raw.chars().any(char::is_control) {
        return None;
    }
    let url = Url::parse(raw).ok()?;
    let host = url.host()?;
    let allowed = match url.scheme() {
        "https" => true,
        "http" => is_loopback(&host),
        _ => false,
    };
    (allowed && url.username().is_empty() && url.password().is_none()).then(|| url.to_string())
}

/// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or ::1.
pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Trimmed, control characters removed, at most 254 characters; `None` when empty.
fn text(value: Option<String>) -> Option<String> {
    let cleaned: String = value?
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT)
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_survive() {
        for hostile in [
            "javascript:alert(document.domain)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "http://example.com/over-plain-http",
            "https://user:pass@example.com/",
            "https://example.com/\u{0}evil",
            "//example.com/no-scheme",
            "not a url",
        ] {
            assert_eq!(web_url(hostile), None, "{hostile}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL));
        assert_eq!(web_url(&long), None);
        assert_eq!(
            web_url(" https://www.facebook.com/ada "),
            Some("https://www.facebook.com/ada".to_owned())
        );
        assert_eq!(
            web_url("http://127.0.0.1:3801/x/www/profile/ada"),
            Some("http://127.0.0.1:3801/x/www/profile/ada".to_owned())
        );
        assert!(web_url("http://localhost:3801/p").is_some());
        assert!(web_url("http://[::1]:3801/p").is_some());
    }

    #[test]
    fn strings_are_bounded_and_cleaned() {
        let profile = ProviderProfile {
            id: "42".into(),
            username: Some("ada\u{7}\u{1b}[31m".into()),
            display_name: Some("x".repeat(10_000)),
            first_name: Some("  ".into()),
            last_name: Some("L".repeat(500)),
            email: Some("not-an-email".into()),
            avatar_url: Some("data:image/svg+xml,<svg onload=alert(1)>".into()),
            profile_url: Some("javascript:alert(1)".into()),
        }
        .sanitized();
        assert_eq!(profile.username.as_deref(), Some("ada[31m"));
        assert_eq!(
            profile.display_name.map(|s| s.chars().count()),
            Some(MAX_TEXT)
        );
        assert_eq!(profile.first_name, None);
        assert_eq!(profile.last_name.map(|s| s.chars().count()), Some(100));
        assert_eq!(profile.email, None);
        assert_eq!((profile.avatar_url, profile.profile_url), (None, None));
    }
}
