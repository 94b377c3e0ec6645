//! What a server function knows of the HTTP request it serves (server only).

use axum::http::{header, request::Parts};
use leptos::prelude::use_context;

/// Whether the current request is a plain HTML form post (no JavaScript): such a browser wants
/// a page back (a redirect), not data.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}
