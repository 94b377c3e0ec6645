//! The one function that builds the HTTP application; `main` and the tests both call it.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};
use tower::Layer;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
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
use crate::middleware::{
    ClientLimits, PAGE_RENDER_LIMIT, WholePagesLayer, add_security_headers, guard_pages,
    limit_rates, note_session_activity, redirect_to_canonical_host, refuse_cross_site,
    remember_plain_posts,
};
use crate::session_store::SeaOrmSessionStore;
use crate::{meta_callbacks, oauth};

/// Largest request body accepted; our forms are far smaller.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "orga_session";
/// Its name over https: the `__Host-` prefix makes browsers refuse it unless it is Secure,
/// host-only and for the whole site, so a sibling subdomain cannot plant or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-orga_session";

/// The complete application: pages, server functions, static files, middleware.
pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/favicon.svg", get(favicon))
        .route("/avatars/{hash}", get(serve_avatar))
        .route(
            "/auth/{provider}/connect",
            post(oauth::connect).get(oauth::connect_page),
        )
        .route("/auth/{provider}/callback", get(oauth::callback))
        .route("/auth/{provider}/deauthorize", post(meta_callbacks::deauthorize))
        .route("/auth/{provider}/data-deletion", post(meta_callbacks::data_deletion))
        .nest_service(&format!("/{}", options.site_pkg_dir), static_assets(&options))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(file_and_error_handler::<AppState, _>(shell))
        // Inside the guard, so a page rendered again keeps the flash the guard took.
        .layer(WholePagesLayer::new(PAGE_RENDER_LIMIT))
        .layer(from_fn_with_state(state.clone(), guard_pages))
        .layer(axum::middleware::from_fn(remember_plain_posts))
        .layer(from_fn_with_state(state.clone(), note_session_activity))
        .layer(session_layer(&state))
        .layer(from_fn_with_state(state.clone(), refuse_cross_site))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Inside the security headers, so that the 500 page carries them too.
        .layer(CatchPanicLayer::custom(panic_page))
        // Before the session and any database work: a flood costs a map lookup. Its 429s
        // carry the security headers.
        .layer(from_fn_with_state(
            ClientLimits::new(&state.site.abuse),
            limit_rates,
        ))
        .layer(from_fn_with_state(state.clone(), add_security_headers))
        .layer(CompressionLayer::new())
        // Before anything reads a cookie or renders: a request on another host goes to
        // PUBLIC_URL's. Inside the trace layer, so that the redirects are logged too.
        .layer(from_fn_with_state(state.clone(), redirect_to_canonical_host))
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
    let policy = state.site.sessions;
    SessionManagerLayer::new(SeaOrmSessionStore::new(state.db.clone(), policy.absolute))
        .with_name(if state.site.secure_cookies() {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        // Lax, not the default Strict: the provider's redirect back to our OAuth callback is a
        // cross-site navigation, and a Strict cookie would not be sent with it.
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_secure(state.site.secure_cookies())
        // Renewed as the session is used (`note_session_activity`), so it really is inactivity.
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            policy.idle.num_seconds(),
        )))
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

/// The site's icon: a file, not a `data:` URL, so that the pages' `img-src` needs no `data:`.
async fn favicon() -> Response {
    const ICON: &str = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='8' fill='#4f46e5'/><text x='16' y='22' font-size='16' text-anchor='middle' fill='white' font-family='sans-serif'>O</text></svg>";
    let mut res = Response::new(axum::body::Body::from(ICON));
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    res
}

/// A panic anywhere in a request becomes a plain 500 page, never a dropped connection (and the
/// process serves on). What panicked is logged, not shown.
fn panic_page(detail: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = detail
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| detail.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "request handler panicked");
    let body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Something went wrong · Orga Connect</title></head>\
<body><h1>Something went wrong</h1><p>Orga Connect hit an error it did not expect, and has logged it. Please go back and try again.</p>\
<p><a href=\"/\">Home</a></p></body></html>";
    let mut res = Response::new(axum::body::Body::from(body));
    *res.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        panic!("provider sent nonsense")
    }

    #[tokio::test]
    async fn a_panic_becomes_a_500_page_not_a_dropped_connection() {
        let app: Router = Router::new()
            .route("/boom", get(boom))
            .layer(CatchPanicLayer::custom(panic_page));
        let request = Request::builder().uri("/boom").body(Body::empty()).unwrap();
        let res = app.oneshot(request).await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 64 * 1024)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("Something went wrong"), "{body}");
        assert!(
            !body.contains("provider sent nonsense"),
            "the panic stays in the log"
        );
    }
}
