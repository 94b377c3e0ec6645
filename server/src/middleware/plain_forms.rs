//! Server functions posted as plain HTML forms, by a browser without JavaScript. `server_fn`
//! answers those with a redirect back to the form's page, and an error travels in that URL
//! (`?__path=…&__err=…`), where it is lost on the next click and anyone can type one. Instead,
//! the answer (and, after an error, what was typed) goes into the session as a one-time flash
//! for the page the browser is sent back to (`app::flash`), and the redirect is a clean 303.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::error::AppError;
use app::flash::{FormAnswer, is_secret_field, store};
use app::request::asks_for_html;

use crate::router::MAX_BODY_BYTES;

/// Most fields a form keeps, and the longest value, when it is shown again.
const MAX_KEPT_FIELDS: usize = 32;
const MAX_KEPT_VALUE: usize = 4096;
/// Largest server-function answer kept in the flash.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Turns the redirect `server_fn` makes for a plain form post into a flash and a clean 303.
pub async fn remember_plain_posts(session: Session, req: Request, next: Next) -> Response {
    if req.method() != Method::POST
        || !req.uri().path().starts_with("/api/")
        || !asks_for_html(req.headers())
    {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response();
    };
    let typed = kept_values(&bytes);
    let referer = parts
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(|r| clean_target(r).0);
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return res;
    };
    let (target, failed) = clean_target(&location);
    // A function that chose where to go on success (sign-in to `next`, sign-out home) has
    // nothing to tell the form's page.
    if !failed && referer.as_deref() != Some(target.as_str()) {
        return Redirect::to(&target).into_response();
    }
    let answer = to_bytes(res.into_body(), MAX_ANSWER_BYTES)
        .await
        .unwrap_or_default();
    let result = if failed {
        Err(serde_json::from_slice::<AppError>(&answer).unwrap_or(AppError::Internal))
    } else {
        Ok(String::from_utf8_lossy(&answer).into_owned())
    };
    let answer = FormAnswer {
        path,
        values: typed,
        result,
    };
    if let Err(err) = store::put_answer(&session, answer).await {
        return err.into_response();
    }
    Redirect::to(&target).into_response()
}

/// The form's fields, without secrets, bounded in number and length.
fn kept_values(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .filter(|(name, _)| !is_secret_field(name))
        .take(MAX_KEPT_FIELDS)
        .map(|(name, value)| {
            let value: String = value.chars().take(MAX_KEPT_VALUE).collect();
            (name.into_owned(), value)
        })
        .collect()
}

/// The local path (with query and fragment) to send the browser to, without `server_fn`'s
/// error parameters, and whether they were there (the call failed). The target is always a
/// path on this site, whatever the Referer said.
fn clean_target(location: &str) -> (String, bool) {
    let Ok(url) = url::Url::parse("http://local.invalid/").and_then(|base| base.join(location))
    else {
        return ("/".to_owned(), false);
    };
    let failed = url.query_pairs().any(|(k, _)| k == "__err");
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "__err" && k != "__path")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut target = url.path().to_owned();
    if !target.starts_with('/') || target.starts_with("//") {
        target = "/".to_owned();
    }
    if !kept.is_empty() {
        target.push('?');
        target.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept)
                .finish(),
        );
    }
    if let Some(fragment) = url.fragment() {
        target.push('#');
        target.push_str(fragment);
    }
    (target, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_stay_on_this_site_without_error_parameters() {
        assert_eq!(
            clean_target("http://localhost:3000/settings/profile?__path=%2Fapi%2Fx&__err=abc"),
            ("/settings/profile".to_owned(), true)
        );
        assert_eq!(
            clean_target("http://evil.example/steal?a=1#top"),
            ("/steal?a=1#top".to_owned(), false)
        );
        assert_eq!(
            clean_target("/settings/applications"),
            ("/settings/applications".to_owned(), false)
        );
    }

    #[test]
    fn secrets_are_not_kept() {
        let kept =
            kept_values(b"email=a%40b.c&password=hunter2&input%5Bclient_secret%5D=s&name=Ada");
        assert_eq!(
            kept,
            vec![
                ("email".into(), "a@b.c".into()),
                ("name".into(), "Ada".into())
            ]
        );
    }
}
