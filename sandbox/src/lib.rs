//! An in-process emulator of the OAuth 2.0 providers Orga Connect talks to (Facebook, X,
//! Instagram, Google), served over real HTTP so tests and demo mode exercise the same client
//! code as production, including each provider's quirks and injectable faults.
//!
//! Its own crate so that a production build of the server contains none of it: the server
//! links it only with its `sandbox` feature, and its tests as a dev-dependency.

// Handlers short-circuit with ready-made provider error responses; `Response` is big,
// but these are cold paths in a test server and boxing would only add noise.
#![allow(clippy::result_large_err)]

mod apps_page;
mod consent;
mod control;
mod faults;
mod identities;
mod openid;
mod pages;
mod pictures;
mod providers;
mod removal;
mod spec;
mod store;
mod util;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::admin::ProviderSettingsInput;
use app::connections::{ProviderId, ProviderSettings};
use axum::Router;
use axum::serve::ListenerExt;
use jsonwebtoken::EncodingKey;
use serde_json::Value;
use tokio::net::TcpListener;
use url::Url;

pub use faults::{Endpoint, Fault, HUGE_BODY_BYTES, Hostile};
pub use openid::{ClientAuth, OpenIdOptions};
pub use removal::{AppRemoval, Callback, DeletionReceipt};
use store::Store;

/// Shared state behind every handler.
pub(crate) struct Core {
    base_url: Url,
    /// `base_url` without a trailing slash, for building URLs.
    base: String,
    /// The app's public URL without a trailing slash.
    app_public: String,
    /// The bearer token the `/_sandbox/*` control routes demand.
    control_token: String,
    store: Store,
    /// RS256 key for Google id_tokens; `None` only if the bundled PEM were broken.
    signing_key: Option<EncodingKey>,
    /// The public JWK served at Google's `jwks_uri`.
    jwk: Value,
    /// Sends Meta's callbacks to the app: bounded time, no redirects followed.
    http: reqwest::Client,
    /// Each test person's picture (PNG), by key.
    pictures: HashMap<&'static str, Vec<u8>>,
}

impl Core {
    /// The single redirect URI registered for `provider`.
    fn redirect_uri(&self, provider: ProviderId) -> String {
        format!("{}/auth/{}/callback", self.app_public, provider.slug())
    }
}

/// The provider sandbox: cheap to clone, all clones share state.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Core>,
}

impl Sandbox {
    /// `base_url`: where the sandbox itself is reached (e.g. `http://127.0.0.1:3801`);
    /// `app_public_url`: the app's PUBLIC_URL; provider `p`'s registered redirect URI is
    /// exactly `{app_public_url}/auth/{p}/callback`. The control token is random.
    pub fn new(base_url: Url, app_public_url: Url) -> Self {
        Self::with_control_token(base_url, app_public_url, util::random_token(24))
    }

    /// Like [`Sandbox::new`], with a known control token (`SANDBOX_CONTROL_TOKEN`).
    pub fn with_control_token(base_url: Url, app_public_url: Url, control_token: String) -> Self {
        let signing_key = EncodingKey::from_rsa_pem(include_str!("sandbox_key.pem").as_bytes())
            .map_err(|error| tracing::error!(%error, "sandbox signing key unusable; Google id_tokens disabled"))
            .ok();
        let jwk = serde_json::from_str(include_str!("sandbox_jwk.json")).unwrap_or_else(|error| {
            tracing::error!(%error, "sandbox JWK unreadable");
            Value::Null
        });
        let inner = Core {
            base: base_url.as_str().trim_end_matches('/').to_owned(),
            app_public: app_public_url.as_str().trim_end_matches('/').to_owned(),
            base_url,
            control_token,
            store: Store::default(),
            signing_key,
            jwk,
            http: callback_client(),
            pictures: pictures::generate(),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The complete sandbox as a stateless-looking router (state already applied).
    pub fn router(&self) -> Router {
        Router::new()
            .merge(pages::routes())
            .merge(apps_page::routes())
            .merge(pictures::routes())
            .merge(control::routes(&self.inner))
            .merge(consent::routes())
            .merge(providers::routes())
            .fallback(pages::not_found)
            .with_state(Arc::clone(&self.inner))
    }

    /// Where the sandbox is reached.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The bearer token `/_sandbox/faults` and `/_sandbox/revocations` demand.
    pub fn control_token(&self) -> &str {
        &self.inner.control_token
    }

    /// The only client id `provider` accepts: `sandbox-{provider}-app`.
    pub fn client_id(provider: ProviderId) -> String {
        format!("sandbox-{}-app", provider.slug())
    }

    /// The matching client secret: `sandbox-{provider}-secret`.
    pub fn client_secret(provider: ProviderId) -> String {
        format!("sandbox-{}-secret", provider.slug())
    }

    /// `provider`'s settings pointing at this sandbox: the real provider's default scopes and
    /// the sandbox's endpoints. Facebook and Instagram URLs keep the literal `{version}`
    /// placeholder; `graph_version` is empty (keep the app's).
    pub fn settings(&self, provider: ProviderId) -> ProviderSettings {
        spec::spec(provider).settings(&self.inner.base)
    }

    /// What an admin enters to register this sandbox's app for `current.provider`, offered to
    /// users: the sandbox's client id, secret and endpoints; the scopes and Graph version stay
    /// those of `current` (the stored settings). Demo mode and the tests both register so.
    pub fn registration(&self, current: ProviderSettingsInput) -> ProviderSettingsInput {
        let provider = current.provider;
        ProviderSettingsInput {
            enabled: true,
            client_id: Self::client_id(provider),
            client_secret: Some(self.inner.store.client_secret(provider)),
            settings: ProviderSettings {
                scopes: current.settings.scopes.clone(),
                graph_version: current.settings.graph_version.clone(),
                ..self.settings(provider)
            },
            ..current
        }
    }

    /// Makes `provider` accept `secret` as its app's client secret instead of
    /// [`Sandbox::client_secret`] (a secret with spaces, `:`, `+`, `%`, `&`…);
    /// [`Sandbox::registration`] then gives it.
    pub fn set_client_secret(&self, provider: ProviderId, secret: &str) {
        self.inner
            .store
            .set_client_secret(provider, secret.to_owned());
    }

    /// Makes the OpenID provider (Google) behave as `options` say.
    pub fn set_openid(&self, options: OpenIdOptions) {
        self.inner.store.set_openid(options);
    }

    /// The OpenID provider behaves as Google again: default options, nothing replaced.
    pub fn reset_openid(&self) {
        self.inner.store.set_openid(OpenIdOptions::default());
        self.inner
            .store
            .edit_overrides(|o| *o = openid::Overrides::default());
    }

    /// Replaces `field` of the OpenID provider's discovery document with `value` (`null`
    /// removes it): a misconfigured or hostile provider.
    pub fn set_discovery_field(&self, field: &str, value: Value) {
        self.inner
            .store
            .edit_overrides(|o| drop(o.discovery.insert(field.to_owned(), value)));
    }

    /// Replaces `claim` of the ID tokens issued from now on (`null` removes it).
    pub fn set_id_token_claim(&self, claim: &str, value: Value) {
        self.inner
            .store
            .edit_overrides(|o| drop(o.id_token.insert(claim.to_owned(), value)));
    }

    /// Replaces `claim` of the userinfo answers (`null` removes it).
    pub fn set_userinfo_claim(&self, claim: &str, value: Value) {
        self.inner
            .store
            .edit_overrides(|o| drop(o.userinfo.insert(claim.to_owned(), value)));
    }

    /// Makes `provider`'s `endpoint` misbehave until [`Sandbox::clear_faults`].
    pub fn set_fault(&self, provider: ProviderId, endpoint: Endpoint, fault: Fault) {
        self.inner.store.set_fault(provider, endpoint, fault);
    }

    /// How long the picture URLs handed out from now on work (a day by default); expired,
    /// they answer 403 as Meta's CDN does.
    pub fn set_picture_lifetime(&self, lifetime: Duration) {
        self.inner.store.set_picture_lifetime(lifetime);
    }

    /// Removes every installed fault.
    pub fn clear_faults(&self) {
        self.inner.store.clear_faults();
    }

    /// Tokens revoked through `provider`'s revoke endpoint, in order. Normally access tokens;
    /// an X refresh token revoked there is listed too.
    pub fn revoked_tokens(&self, provider: ProviderId) -> Vec<String> {
        self.inner.store.revoked_tokens(provider)
    }

    /// Makes `provider` issue access tokens that live `ttl` (its own lifetime otherwise).
    pub fn set_access_token_lifetime(&self, provider: ProviderId, ttl: std::time::Duration) {
        self.inner.store.set_access_ttl(provider, ttl);
    }

    /// Ends every live access token of `provider` now; returns how many.
    pub fn expire_access_tokens(&self, provider: ProviderId) -> usize {
        self.inner.store.expire_access_tokens(provider)
    }

    /// Makes every token of `provider` look `by` older (Instagram renews only day-old tokens).
    pub fn age_tokens(&self, provider: ProviderId, by: std::time::Duration) {
        self.inner.store.age_tokens(provider, by);
    }

    /// How many renewals `provider` honoured (refresh-token grants, `ig_refresh_token`).
    pub fn refresh_count(&self, provider: ProviderId) -> usize {
        self.inner.store.refresh_count(provider)
    }

    /// The person `identity_key` removes Orga Connect at `provider`, as on the sandbox's "Apps
    /// and websites" page: their tokens are revoked, and Facebook and Instagram send the app's
    /// deauthorize callback. `None` for an unknown person.
    pub async fn remove_app(&self, provider: ProviderId, identity_key: &str) -> Option<AppRemoval> {
        let person = identities::find(identity_key)?;
        Some(removal::remove_app(&self.inner, provider, person).await)
    }

    /// The person `identity_key` asks `provider` to have Orga Connect delete their data: the
    /// data-deletion callback (Facebook and Instagram; `Callback::NotSent` elsewhere). `None`
    /// for an unknown person.
    pub async fn request_data_deletion(
        &self,
        provider: ProviderId,
        identity_key: &str,
    ) -> Option<Callback> {
        let person = identities::find(identity_key)?;
        Some(removal::request_data_deletion(&self.inner, provider, person).await)
    }

    /// How many live tokens `provider` has issued to the person `identity_key`.
    pub fn live_tokens(&self, provider: ProviderId, identity_key: &str) -> usize {
        self.inner.store.live_tokens(provider, identity_key)
    }

    /// The person `identity_key`'s id at `provider`, as its profile endpoint gives it.
    pub fn provider_user_id(provider: ProviderId, identity_key: &str) -> Option<String> {
        identities::find(identity_key).map(|person| person.provider_id(provider))
    }

    /// The test people as `(key, display name)`, e.g. `("ada", "Ada Lovelace")`.
    pub fn identities() -> Vec<(&'static str, &'static str)> {
        identities::IDENTITIES
            .iter()
            .map(|person| (person.key, person.display_name))
            .collect()
    }
}

/// The client for the callbacks: a few seconds at most, redirects not followed.
fn callback_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|error| {
            tracing::error!(%error, "sandbox: callback client unusable; using the default");
            reqwest::Client::new()
        })
}

/// Serves `sandbox` on `listener` until the task is dropped (demo mode and tests).
pub async fn serve(listener: TcpListener, sandbox: Sandbox) -> std::io::Result<()> {
    // Small JSON answers would otherwise wait on Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "sandbox: could not set TCP_NODELAY");
        }
    });
    axum::serve(listener, sandbox.router()).await
}
