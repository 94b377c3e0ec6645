//! An in-process emulator of the OAuth 2.0 providers Orga Connect talks to (Facebook, X,
//! Instagram, Google), served over real HTTP so tests and demo mode exercise the same client
//! code as production, including each provider's quirks and injectable faults.

// Handlers short-circuit with ready-made provider error responses; `Response` is big,
// but these are cold paths in a test server and boxing would only add noise.
#![allow(clippy::result_large_err)]

mod consent;
mod control;
mod facebook;
mod faults;
mod google;
mod html;
mod identities;
mod instagram;
mod store;
mod util;
mod x;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use jsonwebtoken::EncodingKey;
use serde_json::Value;
use url::Url;

use store::Store;

/// Provider slugs the sandbox emulates.
const PROVIDERS: [&str; 4] = ["facebook", "x", "instagram", "google"];

/// Where the app finds one provider's endpoints inside the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxEndpoints {
    /// Authorization (consent) page; Facebook's contains the literal `{version}`.
    pub authorize_url: String,
    /// Code-for-token exchange; Facebook's contains `{version}`.
    pub token_url: String,
    /// Profile / userinfo; Facebook's and Instagram's contain `{version}`.
    pub profile_url: String,
    /// Token revocation, when the provider has one (Instagram has none).
    pub revoke_url: Option<String>,
    /// OpenID issuer (Google only).
    pub issuer: Option<String>,
}

/// An endpoint a fault can be installed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// Code exchange (Instagram: the short-lived token).
    Token,
    /// Instagram's short-to-long-lived token exchange.
    LongLivedToken,
    /// Profile / userinfo.
    Profile,
    /// Token revocation.
    Revoke,
    /// Google's discovery document.
    Discovery,
    /// Google's JWKS.
    Jwks,
}

/// How a faulty endpoint misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Sleep this long, then answer normally.
    Delay(Duration),
    /// Answer this status with the provider-style error body.
    Status(u16),
    /// Answer 200 `application/json` with a truncated body.
    MalformedJson,
    /// Answer 200 with the required fields (access token, ids, name…) removed.
    MissingFields,
}

/// Shared state behind every handler.
pub(crate) struct Core {
    base_url: Url,
    /// `base_url` without a trailing slash, for building URLs.
    base: String,
    /// The app's public URL without a trailing slash.
    app_public: String,
    store: Store,
    /// RS256 key for Google id_tokens; `None` only if the bundled PEM were broken.
    signing_key: Option<EncodingKey>,
    /// The public JWK served at Google's `jwks_uri`.
    jwk: Value,
}

impl Core {
    /// The single redirect URI registered for `provider`.
    fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/auth/{provider}/callback", self.app_public)
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
    /// exactly `{app_public_url}/auth/{p}/callback`.
    pub fn new(base_url: Url, app_public_url: Url) -> Self {
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
            store: Store::default(),
            signing_key,
            jwk,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The complete sandbox as a stateless-looking router (state already applied).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(index))
            .route("/avatars/{file}", get(avatar))
            .merge(control::routes())
            .merge(facebook::routes())
            .merge(x::routes())
            .merge(instagram::routes())
            .merge(google::routes())
            .fallback(not_found)
            .with_state(Arc::clone(&self.inner))
    }

    /// Where the sandbox is reached.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The only client id `provider` accepts: `sandbox-{provider}-app`.
    pub fn client_id(provider: &str) -> String {
        format!("sandbox-{provider}-app")
    }

    /// The matching client secret: `sandbox-{provider}-secret`.
    pub fn client_secret(provider: &str) -> String {
        format!("sandbox-{provider}-secret")
    }

    /// The endpoints of `provider`, or `None` for an unknown slug. Facebook and Instagram
    /// URLs keep the literal `{version}` placeholder for the app to fill in.
    pub fn endpoints(&self, provider: &str) -> Option<SandboxEndpoints> {
        let b = &self.inner.base;
        let endpoints = match provider {
            "facebook" => SandboxEndpoints {
                authorize_url: format!("{b}/facebook/www/{{version}}/dialog/oauth"),
                token_url: format!("{b}/facebook/graph/{{version}}/oauth/access_token"),
                profile_url: format!("{b}/facebook/graph/{{version}}/me"),
                revoke_url: Some(format!("{b}/facebook/graph/{{version}}/me/permissions")),
                issuer: None,
            },
            "x" => SandboxEndpoints {
                authorize_url: format!("{b}/x/i/oauth2/authorize"),
                token_url: format!("{b}/x/api/2/oauth2/token"),
                profile_url: format!("{b}/x/api/2/users/me"),
                revoke_url: Some(format!("{b}/x/api/2/oauth2/revoke")),
                issuer: None,
            },
            "instagram" => SandboxEndpoints {
                authorize_url: format!("{b}/instagram/www/oauth/authorize"),
                token_url: format!("{b}/instagram/api/oauth/access_token"),
                profile_url: format!("{b}/instagram/graph/{{version}}/me"),
                revoke_url: None,
                issuer: None,
            },
            "google" => SandboxEndpoints {
                authorize_url: format!("{b}/google/o/oauth2/v2/auth"),
                token_url: format!("{b}/google/token"),
                profile_url: format!("{b}/google/v1/userinfo"),
                revoke_url: Some(format!("{b}/google/revoke")),
                issuer: Some(format!("{b}/google")),
            },
            _ => return None,
        };
        Some(endpoints)
    }

    /// Makes `provider`'s `endpoint` misbehave until [`Sandbox::clear_faults`].
    pub fn set_fault(&self, provider: &str, endpoint: Endpoint, fault: Fault) {
        self.inner.store.set_fault(provider, endpoint, fault);
    }

    /// Removes every installed fault.
    pub fn clear_faults(&self) {
        self.inner.store.clear_faults();
    }

    /// Tokens revoked through `provider`'s revoke endpoint, in order. Normally access tokens;
    /// an X refresh token revoked there is listed too.
    pub fn revoked_tokens(&self, provider: &str) -> Vec<String> {
        self.inner.store.revoked_tokens(provider)
    }

    /// The test people as `(key, display name)`, e.g. `("ada", "Ada Lovelace")`.
    pub fn identities() -> Vec<(&'static str, &'static str)> {
        identities::IDENTITIES
            .iter()
            .map(|person| (person.key, person.display_name))
            .collect()
    }
}

async fn index(State(core): State<Arc<Core>>) -> Html<String> {
    html::index(&core.base)
}

async fn avatar(Path(file): Path<String>) -> Response {
    html::avatar(&file)
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "Not found in the Orga Connect provider sandbox",
    )
        .into_response()
}
