//! One trait for every provider, one module per provider. A provider's quirks stay in its module.

mod client_auth;
mod discovery;
mod endpoint;
mod error;
mod facebook;
mod google;
mod http;
mod id_token;
mod instagram;
#[cfg(test)]
mod mapping_tests;
pub mod untrusted;
mod x;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::Client;
use url::Url;

pub use client_auth::ClientAuth;
pub use discovery::{DiscoveryProblem, IssuerProblem, check_discovery};
pub use endpoint::{EndpointProblem, check_endpoint};
pub use error::ProviderError;
pub use facebook::appsecret_proof;
pub(crate) use untrusted::is_loopback;
pub use untrusted::web_url;

use super::{ProviderId, ProviderSettings};
use crate::crypto::Secret;

/// The real provider's scopes and endpoints: what an admin starts from. They are data, kept in
/// `defaults.json` beside the provider modules.
pub fn defaults(id: ProviderId) -> ProviderSettings {
    static DEFAULTS: std::sync::OnceLock<std::collections::HashMap<ProviderId, ProviderSettings>> =
        std::sync::OnceLock::new();
    DEFAULTS
        .get_or_init(|| serde_json::from_str(include_str!("defaults.json")).unwrap_or_default())
        .get(&id)
        .cloned()
        .unwrap_or_default()
}

/// The module that speaks to `id`. A new provider is one module and one line here.
pub fn provider_for(id: ProviderId) -> &'static dyn Provider {
    match id {
        ProviderId::Facebook => &facebook::Facebook,
        ProviderId::X => &x::X,
        ProviderId::Instagram => &instagram::Instagram,
        ProviderId::Google => &google::Google,
    }
}

/// Where a provider lives and what it is asked for, as an admin left it (or the defaults),
/// with the credentials opened.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Which provider.
    pub provider: ProviderId,
    /// The app's client id at the provider.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: Secret,
    /// Scopes and endpoints.
    pub settings: ProviderSettings,
}

impl ProviderConfig {
    /// A configured URL with `{version}` replaced.
    pub fn url(&self, template: &str) -> Result<Url, ProviderError> {
        let raw = template.replace("{version}", &self.settings.graph_version);
        Url::parse(&raw).map_err(|e| ProviderError::Config(format!("{raw:?} is not a URL: {e}")))
    }

    /// The revocation endpoint, when one is configured.
    pub fn revoke_url(&self) -> Result<Option<Url>, ProviderError> {
        ProviderSettings::optional(&self.settings.revoke_url)
            .map(|template| self.url(template))
            .transpose()
    }
}

/// What the authorization redirect carries.
#[derive(Debug)]
pub struct AuthorizeRequest<'a> {
    /// `{PUBLIC_URL}/auth/{provider}/callback`.
    pub redirect_uri: &'a str,
    /// The single-use state.
    pub state: &'a str,
    /// PKCE S256 challenge.
    pub pkce_challenge: &'a str,
    /// OpenID Connect nonce.
    pub nonce: Option<&'a str>,
}

/// What a code exchange yields.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// Bearer token for the provider's API.
    pub access_token: Secret,
    /// Refresh token, when offline access was granted.
    pub refresh_token: Option<Secret>,
    /// Lifetime in seconds, when the provider says.
    pub expires_in: Option<i64>,
    /// Granted scopes, space-separated, when the provider says.
    pub scopes: Option<String>,
    /// OpenID Connect ID token (Google), verified in `fetch_profile`.
    pub id_token: Option<String>,
}

/// A person's profile at the provider, mapped to our fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ProviderProfile {
    /// The provider's stable id of the account.
    pub id: String,
    /// `@handle` without the `@`.
    pub username: Option<String>,
    /// Full name as shown at the provider.
    pub display_name: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Picture URL.
    pub avatar_url: Option<String>,
    /// Public profile page.
    pub profile_url: Option<String>,
}

/// What a provider call answers.
pub type ProviderResult<T> = Result<T, ProviderError>;

/// What every provider call works with: the provider's configuration and the HTTP client.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    /// The provider's configuration, credentials opened.
    pub cfg: &'a ProviderConfig,
    /// The client for provider calls (timeout, no redirects).
    pub http: &'a Client,
}

impl<'a> Call<'a> {
    /// A call with `cfg` over `http`.
    pub fn new(cfg: &'a ProviderConfig, http: &'a Client) -> Self {
        Self { cfg, http }
    }
}

/// An authorization code and what must accompany it to the token endpoint.
#[derive(Clone, Copy)]
pub struct CodeGrant<'a> {
    /// The code from the callback.
    pub code: &'a str,
    /// The redirect URI the authorization request carried.
    pub redirect_uri: &'a str,
    /// The PKCE verifier of the flow.
    pub pkce_verifier: &'a str,
}

/// One OAuth 2.0 provider. The standard parts have default implementations; a provider module
/// overrides only its quirks.
#[async_trait]
pub trait Provider: Send + Sync {
    /// Which provider this is.
    fn id(&self) -> ProviderId;

    /// Whether the authorization request carries a PKCE (S256) challenge.
    fn uses_pkce(&self) -> bool {
        true
    }

    /// Where to send the browser to ask for consent: by default the configured authorization
    /// endpoint with the RFC 6749 parameters.
    async fn authorize_url(
        &self,
        call: Call<'_>,
        req: &AuthorizeRequest<'_>,
    ) -> ProviderResult<Url> {
        let authorize = call.cfg.url(&call.cfg.settings.authorize_url)?;
        Ok(standard_authorize_url(
            authorize,
            call.cfg,
            req,
            self.uses_pkce(),
        ))
    }

    /// Checks the `iss` of an authorization response (RFC 9207) before anything of it is
    /// used. By default there is nothing to compare it with: the provider has no configured
    /// issuer and publishes no metadata, so it is not asked of it.
    async fn check_response_issuer(
        &self,
        _call: Call<'_>,
        _iss: Option<&str>,
    ) -> ProviderResult<()> {
        Ok(())
    }

    /// Trades the authorization code for tokens, with the provider's own client authentication.
    async fn exchange_code(&self, call: Call<'_>, grant: CodeGrant<'_>)
    -> ProviderResult<TokenSet>;

    /// Reads the profile of the account the tokens belong to; `nonce` is checked where the
    /// provider signs one into an ID token.
    async fn fetch_profile(
        &self,
        call: Call<'_>,
        tokens: &TokenSet,
        nonce: Option<&str>,
    ) -> ProviderResult<ProviderProfile>;

    /// Re-reads the profile of a link with its stored access token (no ID token, no nonce):
    /// by default the same call as at connect.
    async fn reread_profile(
        &self,
        call: Call<'_>,
        access_token: &Secret,
    ) -> ProviderResult<ProviderProfile> {
        let tokens = TokenSet {
            access_token: access_token.clone(),
            refresh_token: None,
            expires_in: None,
            scopes: None,
            id_token: None,
        };
        self.fetch_profile(call, &tokens, None).await
    }

    /// When this provider's tokens should be renewed, `None` when they cannot be: by default
    /// a refresh-token holder renews when a fifth of the access token's life is left (at least
    /// a minute before it ends), as RFC 6749 §6 clients do.
    fn renew_at(&self, tokens: &TokenTimes) -> Option<DateTime<Utc>> {
        let expires = tokens.expires_at?;
        if !tokens.has_refresh_token {
            return None;
        }
        let life = tokens
            .issued_at
            .map_or(chrono::Duration::hours(1), |issued| expires - issued);
        let lead = (life / 5).max(chrono::Duration::minutes(1));
        Some(expires - lead)
    }

    /// Renews the tokens. By default the RFC 6749 §6 refresh grant at the token endpoint with
    /// the client id and secret in the body (`client_secret_post`).
    async fn refresh(&self, call: Call<'_>, current: &StoredTokens) -> ProviderResult<TokenSet> {
        let Call { cfg, http } = call;
        let url = cfg.url(&cfg.settings.token_url)?;
        refresh_grant(http.post(url), current, &client_secret_post(cfg)).await
    }

    /// Revokes the grant at the provider; by default there is no revocation endpoint.
    async fn revoke(&self, _call: Call<'_>, _grant: &Revocation<'_>) -> ProviderResult<()> {
        Ok(())
    }
}

/// What is known about a link's tokens when deciding whether to renew them.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenTimes {
    /// When the current tokens were issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// When the access token ends.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether a refresh token is stored.
    pub has_refresh_token: bool,
}

/// A link's stored tokens, opened.
#[derive(Debug, Clone)]
pub struct StoredTokens {
    /// Bearer token for the provider's API.
    pub access_token: Secret,
    /// Refresh token, when offline access was granted.
    pub refresh_token: Option<Secret>,
}

/// Which kind of token a revocation names (RFC 7009 §2.1 `token_type_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHint {
    /// An access token.
    AccessToken,
    /// A refresh token: revoking it ends the whole grant.
    RefreshToken,
}

impl TokenHint {
    /// The RFC 7009 value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
        }
    }
}

/// What to revoke: the strongest token of a grant and the account it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Revocation<'a> {
    /// The token to revoke.
    pub token: &'a Secret,
    /// Its kind.
    pub hint: TokenHint,
    /// The provider's id of the account (Facebook revokes by user id).
    pub account_id: &'a str,
}

impl<'a> Revocation<'a> {
    /// The refresh token when there is one (it ends the grant), else the access token.
    pub fn strongest(tokens: &'a StoredTokens, account_id: &'a str) -> Self {
        match &tokens.refresh_token {
            Some(token) => Self {
                token,
                hint: TokenHint::RefreshToken,
                account_id,
            },
            None => Self {
                token: &tokens.access_token,
                hint: TokenHint::AccessToken,
                account_id,
            },
        }
    }
}

/// The authorization URL of a plain RFC 6749 provider: `base` with the standard parameters,
/// PKCE S256 when `pkce`, and the OpenID Connect nonce when there is one.
pub(crate) fn standard_authorize_url(
    mut base: Url,
    cfg: &ProviderConfig,
    req: &AuthorizeRequest<'_>,
    pkce: bool,
) -> Url {
    let mut query = base.query_pairs_mut();
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", &cfg.client_id)
        .append_pair("redirect_uri", req.redirect_uri)
        .append_pair("scope", &cfg.settings.scopes)
        .append_pair("state", req.state);
    if pkce {
        query
            .append_pair("code_challenge", req.pkce_challenge)
            .append_pair("code_challenge_method", "S256");
    }
    if let Some(nonce) = req.nonce {
        query.append_pair("nonce", nonce);
    }
    drop(query);
    base
}

/// The client id and secret as body fields (`client_secret_post`).
pub(crate) fn client_secret_post(cfg: &ProviderConfig) -> [(&str, &str); 2] {
    [
        ("client_id", cfg.client_id.as_str()),
        ("client_secret", cfg.client_secret.expose()),
    ]
}

/// The RFC 6749 §6 refresh grant: `post` is the token endpoint request with the client's
/// header authentication, if any; `client` the client fields the body carries.
pub(crate) async fn refresh_grant(
    post: reqwest::RequestBuilder,
    current: &StoredTokens,
    client: &[(&str, &str)],
) -> ProviderResult<TokenSet> {
    let refresh_token = current
        .refresh_token
        .as_ref()
        .ok_or(ProviderError::NotRefreshable)?;
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose()),
    ];
    form.extend_from_slice(client);
    http::send_json::<TokenAnswer>(post.form(&form))
        .await?
        .into_tokens()
}

/// A token endpoint's JSON answer (RFC 6749 §5.1); providers leave out what they lack.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct TokenAnswer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    scope: Option<String>,
    id_token: Option<String>,
}

impl TokenAnswer {
    /// The tokens, or `MissingField` without an access token.
    pub(crate) fn into_tokens(self) -> Result<TokenSet, ProviderError> {
        Ok(TokenSet {
            access_token: Secret::new(
                non_empty(self.access_token).ok_or(ProviderError::MissingField("access_token"))?,
            ),
            refresh_token: non_empty(self.refresh_token).map(Secret::new),
            expires_in: self.expires_in,
            scopes: non_empty(self.scope),
            id_token: non_empty(self.id_token),
        })
    }
}

/// The site a provider's public profiles live on, derived from its configured authorization
/// endpoint (`https://x.com` from `https://x.com/i/oauth2/authorize`), so that a sandbox's
/// profile links stay in the sandbox; `real` when the endpoint does not end in `authorize_path`.
pub(crate) fn profile_site(cfg: &ProviderConfig, authorize_path: &str, real: &str) -> String {
    cfg.settings
        .authorize_url
        .trim_end_matches('/')
        .strip_suffix(authorize_path)
        .unwrap_or(real)
        .to_owned()
}

/// Trims a provider string and drops it when empty.
pub(crate) fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_is_listed_under_its_own_id() {
        for id in ProviderId::ALL {
            assert_eq!(provider_for(id).id(), id);
            let settings = defaults(id);
            assert!(!settings.scopes.is_empty(), "{id}: defaults.json lacks it");
            let discovered = !settings.issuer.is_empty();
            let endpoints = !settings.authorize_url.is_empty() && !settings.token_url.is_empty();
            assert!(
                discovered != endpoints,
                "{id}: an issuer or endpoints, not both"
            );
        }
    }
}
