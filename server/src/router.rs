//! The one function that builds the HTTP application; `main` and the tests both call it.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};
use tower::Layer;
use tower_http::LatencyUnit;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

use app::state::AppState;
use app::{App, shell};

use crate::avatars::serve_avatar;
use crate::health::healthz;
use crate::middleware::{guard_pages, refuse_cross_site};
use crate::session_store::SeaOrmSessionStore;
use crate::{meta_callbacks, oauth};

/// Largest request body accepted; our forms are far smaller.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "orga_session";

/// The complete application: pages, server functions, static files, middleware.
pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/avatars/{hash}", get(serve_avatar))
        .route("/auth/{provider}/connect", post(oauth::connect))
        .route("/auth/{provider}/callback", get(oauth::callback))
        .route("/auth/{provider}/deauthorize", post(meta_callbacks::deauthorize))
        .route("/auth/{provider}/data-deletion", post(meta_callbacks::data_deletion))
        .nest_service(&format!("/{}", options.site_pkg_dir), static_assets(&options))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn_with_state(state.clone(), guard_pages))
        .layer(session_layer(&state))
        .layer(from_fn_with_state(state.clone(), refuse_cross_site))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_failure(())
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros)),
        )
        .with_state(state)
}

fn session_layer(state: &AppState) -> SessionManagerLayer<SeaOrmSessionStore> {
    SessionManagerLayer::new(SeaOrmSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        // Lax, not the default Strict: the provider's redirect back to our OAuth callback is a
        // cross-site navigation, and a Strict cookie would not be sent with it.
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_secure(state.site.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::days(14)))
}

/// `/pkg`: the hashed JS, WASM and CSS; precompressed copies when the release build made them,
/// cached for a year since every build changes their names.
fn static_assets(options: &LeptosOptions) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    )
    .layer(ServeDir::new(dir).precompressed_br().precompressed_gzip())
}

/// Headers every response carries: no sniffing, no framing, no referrer to other sites (the
/// OAuth callback URL holds a code). No `img-src`: pages show our `/avatars/{hash}` (same
/// origin) and the https pictures users choose themselves.
async fn security_headers(req: axum::extract::Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
        ),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    res
}
