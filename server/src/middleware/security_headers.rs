//! Headers every response carries, and the Content Security Policy of our pages.
//!
//! A page's policy allows only our own files, the page's inline scripts that carry this
//! response's nonce (Leptos's hydration and resource scripts), WebAssembly compilation, and
//! form submissions to ourselves and to the providers a Connect form redirects to: Chromium
//! checks `form-action` on every redirect of a form's navigation, so the 303 from
//! `/auth/{provider}/connect` to the provider's authorization endpoint needs its origin here.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use url::Url;

use app::connections::provider_store;
use app::state::AppState;

/// The header the page shell sets to hand its nonce to this middleware; never sent on.
pub const NONCE_HEADER: HeaderName = HeaderName::from_static(app::csp::NONCE_HEADER);

/// Responses that are not our pages (server-function answers, redirects, the 500 page, JSON):
/// nothing may run or load from them, nor frame them.
const NON_PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Adds the security headers; builds the page policy when the shell handed over a nonce. No
/// sniffing, no framing, no referrer to other sites (the OAuth callback URL holds a code).
/// Nothing is stored by caches unless the route said otherwise (`/pkg` and `/avatars` are
/// immutable): pages carry the signed-in person's name and links, server functions their data.
/// HSTS when the site is https.
pub async fn add_security_headers(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let nonce = res.headers_mut().remove(NONCE_HEADER);
    let policy = match nonce.as_ref().and_then(|n| n.to_str().ok()) {
        Some(nonce) => HeaderValue::from_str(&page_policy(nonce, &connect_origins(&state).await))
            .unwrap_or(HeaderValue::from_static(NON_PAGE_POLICY)),
        None => HeaderValue::from_static(NON_PAGE_POLICY),
    };
    let headers = res.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(policy);
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if state.site.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// The policy of one page. `img-src` has https besides ourselves: the Profile page shows the
/// https picture a person chose (pictures from providers are copied to `/avatars`).
pub fn page_policy(nonce: &str, connect_origins: &[String]) -> String {
    let mut form_action = String::from("'self'");
    for origin in connect_origins {
        form_action.push(' ');
        form_action.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; \
         style-src 'self'; img-src 'self' https:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action {form_action}"
    )
}

/// The origins of the authorization endpoints of the providers users are offered: where a
/// Connect form's redirect goes. A provider whose endpoints come from its issuer's discovery
/// document is reached at the issuer's origin (Google's is `accounts.google.com` for both).
/// An unreadable database gives none: the page's forms to ourselves still work.
async fn connect_origins(state: &AppState) -> Vec<String> {
    let rows = match provider_store::current_rows(state).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(error = %err, "provider origins for the page policy unreadable");
            return Vec::new();
        }
    };
    let mut origins: Vec<String> = rows
        .iter()
        .filter(|row| provider_store::is_offered(row, &state.cipher, &state.site))
        .filter_map(|row| {
            let settings = &row.settings;
            let endpoint = if settings.authorize_url.is_empty() {
                &settings.issuer
            } else {
                &settings.authorize_url
            };
            // `{version}` sits in the path, never in the origin.
            Url::parse(&endpoint.replace("{version}", "v0")).ok()
        })
        .map(|url| url.origin().ascii_serialization())
        .filter(|origin| origin != "null")
        .collect();
    origins.sort();
    origins.dedup();
    origins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_policy_names_the_nonce_and_the_connect_origins() {
        let policy = page_policy(
            "abc123",
            &[
                "https://www.facebook.com".into(),
                "http://127.0.0.1:3801".into(),
            ],
        );
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc123';"));
        assert!(
            policy.ends_with("form-action 'self' https://www.facebook.com http://127.0.0.1:3801")
        );
        assert!(!policy.contains("unsafe-inline"));
    }
}
