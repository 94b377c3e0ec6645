//! What differs between the emulated providers outside their token and profile handlers: where
//! their consent page lives, how it treats PKCE and scopes, what a denial looks like, and
//! which URLs the app is given.

use app::connections::{ProviderId, ProviderSettings};

/// How a provider treats PKCE at the authorization endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PkcePolicy {
    /// Parameters are ignored and never checked (Instagram).
    Ignored,
    /// `plain` or `S256` when a challenge is sent (Facebook, Google).
    Optional,
    /// A S256 challenge is mandatory (X).
    RequiredS256,
}

/// One provider's shape.
#[derive(Debug)]
pub(crate) struct ProviderSpec {
    /// Which provider.
    pub id: ProviderId,
    /// Brand colour for its pages.
    pub accent: &'static str,
    /// The consent page's path (a route; `{version}` is a Graph API version). Mirrors the real
    /// provider's, because the app derives X's and Instagram's profile site from it.
    pub authorize_path: &'static str,
    /// Token, profile and revoke paths (`{version}` kept for the app to fill in).
    pub token_path: &'static str,
    /// Profile / userinfo.
    pub profile_path: &'static str,
    /// Revocation, when the provider has one.
    pub revoke_path: Option<&'static str>,
    /// The real provider's default scopes, in its own separator.
    pub scopes: &'static str,
    /// PKCE handling.
    pub pkce: PkcePolicy,
    /// Whether `openid` must be among the scopes (Google).
    pub requires_openid: bool,
    /// Scope granted when none is requested; `None` makes an empty scope an error.
    pub default_scope: Option<&'static str>,
    /// Query parameters the provider appends (before `state`) when the user cancels.
    pub denial: &'static [(&'static str, &'static str)],
    /// Routes of the stand-in public profile pages (`{username}`): where profile links point.
    pub profile_pages: &'static [&'static str],
}

/// Facebook Login: versioned Graph paths.
const FACEBOOK: ProviderSpec = ProviderSpec {
    id: ProviderId::Facebook,
    accent: "#1877f2",
    authorize_path: "/facebook/www/{version}/dialog/oauth",
    token_path: "/facebook/graph/{version}/oauth/access_token",
    profile_path: "/facebook/graph/{version}/me",
    revoke_path: Some("/facebook/graph/{version}/me/permissions"),
    scopes: "public_profile,email",
    pkce: PkcePolicy::Optional,
    requires_openid: false,
    default_scope: Some("public_profile"),
    denial: &[
        ("error", "access_denied"),
        ("error_code", "200"),
        ("error_description", "Permissions error"),
        ("error_reason", "user_denied"),
    ],
    profile_pages: &["/facebook/www/profile/{username}"],
};

/// X: mandatory S256 PKCE.
const X: ProviderSpec = ProviderSpec {
    id: ProviderId::X,
    accent: "#0f1419",
    authorize_path: "/x/i/oauth2/authorize",
    token_path: "/x/api/2/oauth2/token",
    profile_path: "/x/api/2/users/me",
    revoke_path: Some("/x/api/2/oauth2/revoke"),
    scopes: "tweet.read users.read offline.access",
    pkce: PkcePolicy::RequiredS256,
    requires_openid: false,
    default_scope: None,
    denial: &[("error", "access_denied")],
    // x.com/{username}: where real profile links point, and what the app derives from the
    // authorize URL.
    profile_pages: &["/x/www/profile/{username}", "/x/{username}"],
};

/// Instagram API with Instagram Login: no revocation, PKCE ignored.
const INSTAGRAM: ProviderSpec = ProviderSpec {
    id: ProviderId::Instagram,
    accent: "#c13584",
    authorize_path: "/instagram/www/oauth/authorize",
    token_path: "/instagram/api/oauth/access_token",
    profile_path: "/instagram/graph/{version}/me",
    revoke_path: None,
    scopes: "instagram_business_basic",
    pkce: PkcePolicy::Ignored,
    requires_openid: false,
    default_scope: None,
    denial: &[
        ("error", "access_denied"),
        ("error_reason", "user_denied"),
        ("error_description", "The user denied your request."),
    ],
    // instagram.com/{username}: the real profile link shape.
    profile_pages: &[
        "/instagram/www/profile/{username}",
        "/instagram/www/{username}",
    ],
};

/// Google: OpenID Connect, `openid` required.
const GOOGLE: ProviderSpec = ProviderSpec {
    id: ProviderId::Google,
    accent: "#1a73e8",
    authorize_path: "/google/o/oauth2/v2/auth",
    token_path: "/google/token",
    profile_path: "/google/v1/userinfo",
    revoke_path: Some("/google/revoke"),
    scopes: "openid email profile",
    pkce: PkcePolicy::Optional,
    requires_openid: true,
    default_scope: None,
    denial: &[("error", "access_denied")],
    profile_pages: &[],
};

/// Every provider's spec, in display order.
pub(crate) const SPECS: [&ProviderSpec; 4] = [&FACEBOOK, &X, &INSTAGRAM, &GOOGLE];

/// The spec of `provider`.
pub(crate) fn spec(provider: ProviderId) -> &'static ProviderSpec {
    match provider {
        ProviderId::Facebook => &FACEBOOK,
        ProviderId::X => &X,
        ProviderId::Instagram => &INSTAGRAM,
        ProviderId::Google => &GOOGLE,
    }
}

/// Google's issuer path: discovery lives under it.
pub(crate) const GOOGLE_ISSUER_PATH: &str = "/google";

impl ProviderSpec {
    /// The provider's name as people know it.
    pub fn name(&self) -> &'static str {
        self.id.label()
    }

    /// The settings that point the app at this provider inside the sandbox at `base`.
    pub fn settings(&self, base: &str) -> ProviderSettings {
        ProviderSettings {
            scopes: self.scopes.to_owned(),
            authorize_url: format!("{base}{}", self.authorize_path),
            token_url: format!("{base}{}", self.token_path),
            profile_url: format!("{base}{}", self.profile_path),
            revoke_url: self
                .revoke_path
                .map(|path| format!("{base}{path}"))
                .unwrap_or_default(),
            graph_version: String::new(),
            issuer: if self.id.uses_discovery() {
                format!("{base}{GOOGLE_ISSUER_PATH}")
            } else {
                String::new()
            },
        }
    }
}
