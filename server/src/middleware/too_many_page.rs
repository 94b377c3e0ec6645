//! The 429 page a browser gets when a plain form post, a connect or a callback is over its
//! client's quota: the wait in words, `Retry-After`, and a way back. Rendered with Leptos
//! `view!` (escaped by construction), without the app shell: it must stay cheap under a flood.

use axum::http::{HeaderValue, header};
use axum::response::Response;
use leptos::prelude::*;

use app::error::AppError;

use super::rate_limit::LimitedRoute;

/// Where the person can go back to, and how the link says it.
fn way_back(route: LimitedRoute) -> (&'static str, &'static str) {
    match route {
        LimitedRoute::SignIn => ("/signin", "Back to sign in"),
        LimitedRoute::SignUp => ("/signup", "Back to sign up"),
        LimitedRoute::Connect | LimitedRoute::Callback => {
            ("/settings/applications", "Back to your applications")
        }
        LimitedRoute::AdminSave => ("/admin/social-apps", "Back to social apps"),
    }
}

/// The page for `err` (a `TooManyRequests`), with its status and `Retry-After`.
pub fn too_many_page(route: LimitedRoute, err: &AppError) -> Response {
    let (href, label) = way_back(route);
    let message = err.to_string();
    let html = view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>"Too many attempts · Orga Connect"</title>
            </head>
            <body>
                <main>
                    <h1>"Too many attempts"</h1>
                    <p role="alert">{message}</p>
                    <p><a href=href>{label}</a></p>
                </main>
            </body>
        </html>
    }
    .to_html();
    let mut res = Response::new(axum::body::Body::from(html));
    *res.status_mut() = err.status();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Some(secs) = err.retry_after_secs() {
        res.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    res
}
