//! The page shell's part of the Content Security Policy: it hands this response's nonce to
//! the server's security-headers middleware, which writes the policy (and drops this header).

use leptos::prelude::*;

/// The response header that carries the nonce from the shell to the middleware.
pub const NONCE_HEADER: &str = "x-orga-csp-nonce";

/// Renders nothing; on the server, puts the nonce Leptos gives this response's inline scripts
/// into [`NONCE_HEADER`]. It runs in the shell, before the first byte is sent, so the header
/// is in time even when the page streams.
#[component]
pub fn CspNonce() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        use leptos::nonce::use_nonce;
        use leptos_axum::ResponseOptions;
        if let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>())
            && let Ok(value) = axum::http::HeaderValue::from_str(&nonce)
        {
            response.insert_header(axum::http::HeaderName::from_static(NONCE_HEADER), value);
        }
    }
}
