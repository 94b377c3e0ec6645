//! The Orga Connect server: configuration, the router, middleware, sessions and the CLI.

mod avatars;
pub mod bench_metrics;
pub mod cli;
pub mod config;
pub mod database;
#[cfg(feature = "sandbox")]
pub mod demo;
mod health;
pub mod jobs;
pub mod keys;
mod limits_config;
mod meta_callbacks;
mod middleware;
mod oauth;
mod private_files;
pub mod router;
pub mod session_store;
mod settings_listener;
pub mod telemetry;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use leptos::config::{LeptosOptions, get_configuration};
use tokio::net::TcpListener;

use app::connections::settings_cache::SettingsCache;
use app::state::AppState;

pub use keys::load_cipher;
pub use router::build_router;

/// Why the server could not start or a CLI command failed.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The environment holds an unusable value.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Binding the socket or reading stdin failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// An application rule refused the command (for example, a taken email).
    #[error("{0}")]
    App(#[from] app::error::AppError),
    /// The secret key is unusable, missing, or its file unreadable.
    #[error("{0}")]
    Key(#[from] keys::KeyError),
    /// `server rekey` left values that no key opens.
    #[error(
        "{0} stored secret(s) could not be opened with SECRET_KEY or SECRET_KEY_OLD and were left \
         as they are: add the key that sealed them to SECRET_KEY_OLD and run rekey again, or \
         re-enter them (Admin › Social apps; users reconnect)"
    )]
    Unreadable(u64),
    /// The HTTP client for provider calls could not be built.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    /// `SANDBOX_ADDR` or `DEMO_MODE` asked for the provider sandbox, which this build lacks.
    #[error(
        "SANDBOX_ADDR/DEMO_MODE: this build has no provider sandbox; build with --features sandbox"
    )]
    NoSandbox,
}

/// Loads the key, connects to the database, applies migrations and assembles the state. The
/// key comes first: a server that cannot seal must not touch the database.
pub async fn prepare_state(config: &config::Config) -> Result<AppState, StartError> {
    let cipher = load_cipher(config)?;
    let db = database::connect(&config.database_url).await?;
    database::migrate(&db).await?;
    Ok(AppState {
        provider_settings: SettingsCache::for_database(&db),
        db,
        site: Arc::new(config.site()),
        cipher,
        http: provider_http_client(config.provider_timeout)?,
        leptos_options: leptos_options(config),
    })
}

/// The client for provider calls: bounded time, no redirects (a provider URL must not bounce
/// us to internal addresses), a clear user agent.
pub fn provider_http_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("OrgaConnect/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Leptos's options: from cargo-leptos's environment when it runs us, else our defaults.
fn leptos_options(config: &config::Config) -> LeptosOptions {
    let from_cargo_leptos = std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
    let mut options = get_configuration(None)
        .ok()
        .filter(|_| from_cargo_leptos)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|| {
            LeptosOptions::builder()
                .output_name("orga-connect")
                .site_root("target/site")
                .build()
        });
    options.site_addr = config.bind_addr;
    options
}

/// Serves `state` on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let cleanup = tokio::spawn(
        session_store::SeaOrmSessionStore::new(state.db.clone(), state.site.sessions.absolute)
            .delete_expired_every(Duration::from_secs(15 * 60)),
    );
    let settings_listener = settings_listener::spawn(&state);
    // Without TCP_NODELAY, small SSR responses wait on Nagle's algorithm: 766 req/s instead of
    // 14,600 req/s measured on this kind of machine.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(error = %err, "could not set TCP_NODELAY");
        }
    });
    // The peer address is the client's, unless it is a trusted proxy (rate limits).
    let app = build_router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    cleanup.abort();
    if let Some(listener) = settings_listener {
        listener.abort();
    }
    result
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
