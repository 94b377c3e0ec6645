//! What a server function knows of the HTTP request it serves (server only).

use axum::http::{HeaderMap, header, request::Parts};
use leptos::prelude::use_context;

/// Whether the current request is a plain HTML form post (no JavaScript): such a browser wants
/// a page back (a redirect), not data.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| asks_for_html(&parts.headers))
}

/// Whether a request asks for HTML: a browser navigating (a form without JavaScript) does;
/// `server_fn`'s own client never does.
pub fn asks_for_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The browser's `User-Agent`, cut to `max_chars` characters and without control characters;
/// `None` when absent or empty.
pub fn user_agent(max_chars: usize) -> Option<String> {
    let parts = use_context::<Parts>()?;
    let raw = parts.headers.get(header::USER_AGENT)?.to_str().ok()?;
    let clean: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_owned())
}
