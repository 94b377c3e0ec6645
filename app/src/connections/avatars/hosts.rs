//! Where each provider's pictures may come from, checked before every request (redirects too).

use url::{Host, Url};

use super::AvatarError;
use crate::connections::ProviderId;
use crate::connections::providers::is_loopback;

/// The hosts `provider` serves pictures from (a host matches a suffix when it equals it or
/// ends with `.suffix`).
pub fn image_hosts(provider: ProviderId) -> &'static [&'static str] {
    match provider {
        // The profile's `picture{url}` is on the CDN (scontent-*.xx.fbcdn.net); the Graph
        // `/{id}/picture` edge answers from graph.facebook.com and redirects to
        // platform-lookaside.fbsbx.com or the CDN.
        // https://developers.facebook.com/docs/graph-api/reference/user/picture/
        ProviderId::Facebook => &["fbcdn.net", "fbsbx.com", "graph.facebook.com"],
        // `profile_picture_url`: scontent-*.cdninstagram.com, sometimes the Facebook CDN.
        // https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started
        ProviderId::Instagram => &["cdninstagram.com", "fbcdn.net"],
        // `profile_image_url`: pbs.twimg.com; the default egg is on abs.twimg.com.
        // https://developer.x.com/en/docs/x-api/v1/accounts-and-users/user-profile-images-and-banners
        ProviderId::X => &["pbs.twimg.com", "abs.twimg.com"],
        // The `picture` claim: lh3.googleusercontent.com.
        // https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload
        ProviderId::Google => &["googleusercontent.com"],
    }
}

/// Where one provider's pictures may be fetched from.
#[derive(Debug, Clone)]
pub struct AllowList {
    suffixes: &'static [&'static str],
    /// The sandbox's origin, when the provider's settings point at the sandbox.
    sandbox: Option<url::Origin>,
}

impl AllowList {
    /// `provider`'s image hosts, plus `sandbox`'s origin when given.
    pub fn new(provider: ProviderId, sandbox: Option<&Url>) -> Self {
        Self {
            suffixes: image_hosts(provider),
            sandbox: sandbox.map(Url::origin),
        }
    }

    /// Checks `url` before any request: https (http on loopback only), no credentials, and an
    /// image host of the provider on its default port, or exactly the sandbox's origin.
    pub fn check(&self, url: &Url) -> Result<(), AvatarError> {
        if !url.username().is_empty() || url.password().is_some() {
            return Err(AvatarError::BadUrl);
        }
        let host = url.host().ok_or(AvatarError::BadUrl)?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            other => return Err(AvatarError::Scheme(other.to_owned())),
        }
        if self.sandbox.as_ref() == Some(&url.origin()) {
            return Ok(());
        }
        let allowed = match &host {
            Host::Domain(domain) => {
                url.port().is_none()
                    && self.suffixes.iter().any(|suffix| {
                        domain == suffix
                            || domain
                                .strip_suffix(suffix)
                                .is_some_and(|rest| rest.ends_with('.'))
                    })
            }
            Host::Ipv4(_) | Host::Ipv6(_) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(AvatarError::HostNotAllowed(host.to_string()))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check(provider: ProviderId, sandbox: Option<&str>, url: &str) -> Result<(), AvatarError> {
        let sandbox = sandbox.map(|s| Url::parse(s).unwrap());
        AllowList::new(provider, sandbox.as_ref()).check(&Url::parse(url).unwrap())
    }

    #[test]
    fn each_provider_accepts_its_own_image_hosts() {
        for (provider, url) in [
            (
                ProviderId::Facebook,
                "https://scontent-cdg4-1.xx.fbcdn.net/v/t1.png?oe=6800AB12",
            ),
            (
                ProviderId::Facebook,
                "https://platform-lookaside.fbsbx.com/platform/profilepic/",
            ),
            (
                ProviderId::Facebook,
                "https://graph.facebook.com/v23.0/123/picture",
            ),
            (
                ProviderId::Instagram,
                "https://scontent.cdninstagram.com/v/t51.jpg",
            ),
            (
                ProviderId::Instagram,
                "https://scontent-iad3-1.xx.fbcdn.net/v/t51.jpg",
            ),
            (
                ProviderId::X,
                "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
            ),
            (
                ProviderId::X,
                "https://abs.twimg.com/sticky/default_profile_images/x.png",
            ),
            (
                ProviderId::Google,
                "https://lh3.googleusercontent.com/a/ACg8oc=s96-c",
            ),
        ] {
            assert!(check(provider, None, url).is_ok(), "{provider:?} {url}");
        }
    }

    #[test]
    fn other_hosts_and_lookalikes_are_refused() {
        for (provider, url) in [
            (ProviderId::Google, "https://scontent.xx.fbcdn.net/a.png"),
            (ProviderId::X, "https://twimg.com/a.png"),
            (ProviderId::X, "https://evil.twimg.com/a.png"),
            (ProviderId::Facebook, "https://fbcdn.net.evil.example/a.png"),
            (ProviderId::Facebook, "https://evilfbcdn.net/a.png"),
            (ProviderId::Facebook, "https://www.facebook.com/a.png"),
            (
                ProviderId::Facebook,
                "https://scontent.xx.fbcdn.net:8443/a.png",
            ),
            (
                ProviderId::Google,
                "https://169.254.169.254/latest/meta-data",
            ),
            (ProviderId::Google, "https://[::1]/a.png"),
        ] {
            assert!(
                matches!(
                    check(provider, None, url),
                    Err(AvatarError::HostNotAllowed(_))
                ),
                "{provider:?} {url}"
            );
        }
    }

    #[test]
    fn only_https_except_on_loopback() {
        let http = check(ProviderId::X, None, "http://pbs.twimg.com/a.png");
        assert!(matches!(http, Err(AvatarError::Scheme(s)) if s == "http"));
        let ftp = check(ProviderId::X, None, "ftp://pbs.twimg.com/a.png");
        assert!(matches!(ftp, Err(AvatarError::Scheme(_))));
        let data = Url::parse("data:image/png;base64,AAAA").unwrap();
        assert!(AllowList::new(ProviderId::X, None).check(&data).is_err());
        let creds = check(ProviderId::X, None, "https://u:p@pbs.twimg.com/a.png");
        assert!(matches!(creds, Err(AvatarError::BadUrl)));
    }

    #[test]
    fn the_sandbox_is_allowed_by_exact_origin_only() {
        let sandbox = Some("http://127.0.0.1:3801/");
        assert!(
            check(
                ProviderId::Facebook,
                sandbox,
                "http://127.0.0.1:3801/a.png?oe=1"
            )
            .is_ok()
        );
        for url in [
            "http://127.0.0.1:3802/a.png",
            "http://localhost:3801/a.png",
            "https://127.0.0.1:3801/a.png",
        ] {
            assert!(check(ProviderId::Facebook, sandbox, url).is_err(), "{url}");
        }
        assert!(check(ProviderId::Facebook, None, "http://127.0.0.1:3801/a.png").is_err());
        // A sandbox that is not on loopback is still held to https.
        let remote = Some("http://sandbox.example:3801/");
        assert!(matches!(
            check(ProviderId::X, remote, "http://sandbox.example:3801/a.png"),
            Err(AvatarError::Scheme(_))
        ));
    }

    #[test]
    fn loopback_covers_the_whole_range() {
        for host in ["127.0.0.1", "127.9.9.9", "[::1]", "localhost", "LOCALHOST"] {
            let url = Url::parse(&format!("http://{host}:9/")).unwrap();
            assert!(is_loopback(&url.host().unwrap()), "{host}");
        }
        let url = Url::parse("http://10.0.0.1/").unwrap();
        assert!(!is_loopback(&url.host().unwrap()));
    }
}
