//! A plain page for an error the middleware answers itself (too many requests, the database
//! away): its status, `Retry-After` when the error has one, the words, and a way back. Rendered
//! with Leptos `view!` (escaped by construction), without the app shell: it must not depend on
//! anything but this process, and stay cheap under a flood.

use axum::http::{HeaderValue, header};
use axum::response::Response;
use leptos::prelude::*;

use app::error::AppError;

/// The page titled `title` for `err`, with a link `back` (`(href, label)`).
pub fn error_page(title: &'static str, err: &AppError, (href, label): (&str, &str)) -> Response {
    let message = err.to_string();
    let (href, label) = (href.to_owned(), label.to_owned());
    let html = view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{format!("{title} · Orga Connect")}</title>
            </head>
            <body>
                <main>
                    <h1>{title}</h1>
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
