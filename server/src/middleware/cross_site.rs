//! Leptos server functions and our form routes have no CSRF protection of their own. Browsers
//! tell us where a request comes from (`Sec-Fetch-Site`, `Origin`): refuse any state-changing
//! request that a browser says came from another site. Requests without either header are not
//! from a browser page (curl, tests) and cannot carry a victim's cookies cross-site.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::state::AppState;

/// Refuses cross-site POST/PUT/PATCH/DELETE requests with 403.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if is_safe_method(req.method())
        || is_provider_callback(req.uri().path())
        || comes_from_this_site(&req, &state.site.public_origin())
    {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        "Cross-site request refused: reload the page and try again.",
    )
        .into_response()
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Meta's deauthorize and data-deletion callbacks (`POST /auth/{provider}/deauthorize`,
/// `/auth/{provider}/data-deletion`) are posted by Meta's servers, not by our pages: they carry
/// no `Origin`/`Sec-Fetch-Site` today, but nothing promises that, and a proxy may add one. They
/// need no protection against cross-site requests because they act on no cookie or session:
/// each is authenticated by its `signed_request` alone (HMAC with the app secret), so a forged
/// post from any site is refused there, and a genuine one must get through from anywhere.
fn is_provider_callback(path: &str) -> bool {
    let mut segments = path.split('/');
    matches!(
        (segments.next(), segments.next(), segments.next(), segments.next(), segments.next()),
        (Some(""), Some("auth"), Some(provider), Some("deauthorize" | "data-deletion"), None)
            if !provider.is_empty()
    )
}

fn comes_from_this_site(req: &Request, public_origin: &str) -> bool {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    match header(header::ORIGIN) {
        Some(origin) => origin == public_origin,
        None => true,
    }
}
