//! Server state handed to every route and server function (server only).

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;
use url::Url;

use crate::error::AppError;

/// Where the site is reached, read once from the environment by the server.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The externally visible base URL; every absolute link and redirect URI is built from it.
    pub public_url: Url,
    /// Where the built-in provider sandbox is reached, when it runs (demo mode, tests).
    pub sandbox_url: Option<Url>,
    /// Whether demo mode runs: only then are the settings it wrote offered to users.
    pub demo_mode: bool,
    /// How links are kept true over time.
    pub health: HealthPolicy,
    /// How long a browser stays signed in.
    pub sessions: SessionPolicy,
    /// Trusted proxies, rate limits and the sign-in lockout.
    pub abuse: crate::limits::AbusePolicy,
}

/// How long a session lasts, and how often its use is written down.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session unused this long ends (the cookie's `Max-Age`, renewed as it is used).
    pub idle: chrono::Duration,
    /// A session ends this long after sign-in however much it is used, so a stolen cookie
    /// does not live forever.
    pub absolute: chrono::Duration,
    /// Use is written to the session row at most this often: not a write per request.
    pub touch_every: chrono::Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: chrono::Duration::days(14),
            absolute: chrono::Duration::days(30),
            touch_every: chrono::Duration::seconds(60),
        }
    }
}

/// How often a link is looked at, and how long one instance may hold it.
#[derive(Debug, Clone, Copy)]
pub struct HealthPolicy {
    /// A link's profile is re-read (and its grant confirmed) this long after the last check.
    pub recheck_every: chrono::Duration,
    /// How long an instance holds a link it is renewing; a crashed holder's lease lapses.
    pub lease: chrono::Duration,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        Self {
            recheck_every: chrono::Duration::hours(24),
            lease: chrono::Duration::minutes(2),
        }
    }
}

impl SiteConfig {
    /// Whether cookies must carry `Secure` (the app is reached over https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The origin (`scheme://host[:port]`) browsers send in `Origin` for this app.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

/// Everything a request handler may need; cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// The one connection pool of the process.
    pub db: DatabaseConnection,
    /// Where the site is reached, from the environment.
    pub site: Arc<SiteConfig>,
    /// Seals client secrets and tokens before they reach the database.
    pub cipher: crate::crypto::SecretCipher,
    /// The client for provider calls: bounded time, no redirects followed (against SSRF).
    pub http: reqwest::Client,
    /// The providers' settings, kept in memory while they cannot have changed.
    pub provider_settings: crate::connections::settings_cache::SettingsCache,
    /// Leptos's own options (site root, output name, address).
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// The state, from a server function or component rendered on the server.
    pub fn current() -> Result<Self, AppError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the reactive context");
            AppError::Internal
        })
    }
}
