//! One trait for every provider, one module per provider. A provider's quirks stay in its module.

mod error;
mod facebook;
mod google;
mod http;
mod instagram;
#[cfg(test)]
mod mapping_tests;
mod x;

use async_trait::async_trait;
use reqwest::Client;
use url::Url;

pub use error::ProviderError;

use super::ProviderId;
use crate::crypto::Secret;

/// The module that speaks to `id`. A new provider is one module and one line here.
pub fn provider_for(id: ProviderId) -> &'static dyn Provider {
    match id {
        ProviderId::Facebook => &facebook::Facebook,
        ProviderId::X => &x::X,
        ProviderId::Instagram => &instagram::Instagram,
        ProviderId::Google => &google::Google,
    }
}

/// Where a provider lives and what it is asked for, as an admin left it (or the defaults).
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Which provider.
    pub provider: ProviderId,
    /// The app's client id at the provider.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: Secret,
    /// Scopes, in the provider's own separator (comma for Facebook/Instagram, space otherwise).
    pub scopes: String,
    /// Authorization endpoint; may contain `{version}`.
    pub authorize_url: String,
    /// Token endpoint; may contain `{version}`.
    pub token_url: String,
    /// Profile endpoint; may contain `{version}`.
    pub profile_url: String,
    /// Revocation endpoint, where the provider has one.
    pub revoke_url: Option<String>,
    /// Graph API version (Facebook, Instagram), substituted for `{version}`.
    pub graph_version: Option<String>,
    /// OpenID Connect issuer (Google), whose discovery document names the endpoints.
    pub issuer: Option<String>,
}

impl ProviderConfig {
    /// A configured URL with `{version}` replaced.
    pub fn url(&self, template: &str) -> Result<Url, ProviderError> {
        let version = self.graph_version.as_deref().unwrap_or_default();
        let raw = template.replace("{version}", version);
        Url::parse(&raw).map_err(|e| ProviderError::Config(format!("{raw:?} is not a URL: {e}")))
    }
}

/// The defaults an admin starts from: the real provider's endpoints.
#[derive(Debug, Clone, Copy)]
pub struct ProviderDefaults {
    /// Default scopes.
    pub scopes: &'static str,
    /// Authorization endpoint (empty for OpenID Connect providers: discovered).
    pub authorize_url: &'static str,
    /// Token endpoint (empty when discovered).
    pub token_url: &'static str,
    /// Profile endpoint (empty when discovered).
    pub profile_url: &'static str,
    /// Revocation endpoint.
    pub revoke_url: Option<&'static str>,
    /// Graph API version, for providers that version their URLs.
    pub graph_version: Option<&'static str>,
    /// OpenID Connect issuer.
    pub issuer: Option<&'static str>,
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

/// One OAuth 2.0 provider.
#[async_trait]
pub trait Provider: Send + Sync {
    /// Which provider this is.
    fn id(&self) -> ProviderId;

    /// The real provider's endpoints and default scopes.
    fn defaults(&self) -> ProviderDefaults;

    /// Where to send the browser to ask for consent.
    async fn authorize_url(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        req: &AuthorizeRequest<'_>,
    ) -> Result<Url, ProviderError>;

    /// Trades the authorization code for tokens, with the provider's own client authentication.
    async fn exchange_code(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: &str,
    ) -> Result<TokenSet, ProviderError>;

    /// Reads the profile of the account the tokens belong to; `nonce` is checked where the
    /// provider signs one into an ID token.
    async fn fetch_profile(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        tokens: &TokenSet,
        nonce: Option<&str>,
    ) -> Result<ProviderProfile, ProviderError>;

    /// Revokes the grant at the provider; `Ok` without a call where it has no endpoint.
    async fn revoke(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        access_token: &Secret,
    ) -> Result<(), ProviderError>;
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
        }
    }
}
