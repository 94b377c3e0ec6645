//! Fault injection wrapped around every JSON endpoint and the pictures.

use std::time::Duration;

use app::connections::ProviderId;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::{Core, util};

/// An endpoint a fault can be installed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// Code exchange (Instagram: the short-lived token).
    Token,
    /// Instagram's short-to-long-lived token exchange.
    LongLivedToken,
    /// Renewing tokens: the refresh-token grant at the token endpoint (X, Google), Instagram's
    /// `refresh_access_token`.
    Refresh,
    /// Profile / userinfo.
    Profile,
    /// Token revocation.
    Revoke,
    /// Google's discovery document.
    Discovery,
    /// Google's JWKS.
    Jwks,
    /// The people's pictures (`/avatars/{provider}/{key}.png`).
    Picture,
}

impl Endpoint {
    /// The endpoint for its control-route name (`token`, `long_lived_token`, …).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "token" => Self::Token,
            "long_lived_token" => Self::LongLivedToken,
            "refresh" => Self::Refresh,
            "profile" => Self::Profile,
            "revoke" => Self::Revoke,
            "discovery" => Self::Discovery,
            "jwks" => Self::Jwks,
            "picture" => Self::Picture,
            _ => return None,
        })
    }
}

/// How a faulty endpoint misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Sleep this long, then answer normally.
    Delay(Duration),
    /// Answer this status with the provider-style error body.
    Status(u16),
    /// Answer 200 `application/json` with a truncated body.
    MalformedJson,
    /// Answer 200 with the required fields (access token, ids, name…) removed.
    /// On a picture: a cut-off PNG (`MalformedJson`) and an empty body (`MissingFields`).
    MissingFields,
    /// Answer something no client should accept (meant for pictures; any endpoint answers it).
    Hostile(Hostile),
    /// Answer normally, with every name in the body turned into markup and every address
    /// into a `javascript:` URL (meant for profiles: what a hostile account at a provider
    /// looks like). Ids are kept, so the flow completes.
    HostileStrings,
}

/// What a hostile endpoint answers instead of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hostile {
    /// 200 with a 50 MB body, streamed without `Content-Length`.
    HugeBody,
    /// 200 `text/html`: a page, not a picture.
    Html,
    /// 200 `image/svg+xml` with a `<script>`.
    SvgWithScript,
    /// 302 to this URL.
    Redirect(String),
}

/// The size of [`Hostile::HugeBody`].
pub const HUGE_BODY_BYTES: usize = 50 * 1024 * 1024;

/// The answer of a [`Hostile`] fault.
pub(crate) fn hostile(hostile: &Hostile) -> Response {
    use axum::body::{Body, Bytes};
    use axum::http::header;
    use axum::response::IntoResponse;

    static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
    match hostile {
        Hostile::HugeBody => {
            let chunks = (0..HUGE_BODY_BYTES / ZEROS.len())
                .map(|_| Ok::<_, std::convert::Infallible>(Bytes::from_static(&ZEROS)));
            let body = Body::from_stream(futures_util::stream::iter(chunks));
            ([(header::CONTENT_TYPE, "image/png")], body).into_response()
        }
        Hostile::Html => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><title>Sign in</title><script>alert(document.cookie)</script>",
        )
            .into_response(),
        Hostile::SvgWithScript => (
            [(header::CONTENT_TYPE, "image/svg+xml")],
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">"#,
                "<script>alert(document.cookie)</script>",
                r#"<circle cx="100" cy="100" r="100" fill="red"/></svg>"#
            ),
        )
            .into_response(),
        Hostile::Redirect(to) => (
            StatusCode::FOUND,
            [(header::LOCATION, to.as_str())],
            "redirecting",
        )
            .into_response(),
    }
}

/// A JSON endpoint's result: a 200 body, or an already-built error response.
pub(crate) type Reply = Result<Value, Response>;

/// Runs `run` under whatever fault is installed on `(provider, endpoint)`.
/// `error` builds the provider-style error body for an injected status.
/// `run` is only called when the fault lets the request through, so a `Status`
/// fault leaves authorization codes unconsumed and the app can retry.
pub(crate) async fn guard(
    core: &Core,
    provider: ProviderId,
    endpoint: Endpoint,
    error: impl FnOnce(StatusCode) -> Response,
    run: impl FnOnce() -> Reply,
) -> Response {
    match core.store.fault(provider, endpoint) {
        None => finish(run(), None),
        Some(Fault::Delay(duration)) => {
            tokio::time::sleep(duration).await;
            finish(run(), None)
        }
        Some(Fault::Status(code)) => {
            error(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Some(Fault::MalformedJson) => util::malformed(truncated(endpoint)),
        Some(Fault::MissingFields) => finish(run(), Some(endpoint)),
        Some(Fault::Hostile(answer)) => hostile(&answer),
        Some(Fault::HostileStrings) => match run() {
            Ok(mut body) => {
                poison(&mut body);
                util::json(StatusCode::OK, body)
            }
            Err(response) => response,
        },
    }
}

/// Markup where names go, a script URL where addresses go, at any depth.
fn poison(value: &mut Value) {
    const NAMES: &[&str] = &[
        "name",
        "first_name",
        "last_name",
        "given_name",
        "family_name",
        "username",
    ];
    const ADDRESSES: &[&str] = &[
        "link",
        "url",
        "picture",
        "profile_image_url",
        "profile_picture_url",
    ];
    match value {
        Value::Object(object) => {
            for (key, field) in object.iter_mut() {
                match field {
                    Value::String(text) if NAMES.contains(&key.as_str()) => {
                        *text = format!(
                            "{text}<img src=x onerror=alert(document.domain)>\"'><script>alert(1)</script>"
                        );
                    }
                    Value::String(text) if ADDRESSES.contains(&key.as_str()) => {
                        *text = "javascript:alert(document.domain)".to_owned();
                    }
                    other => poison(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(poison),
        _ => {}
    }
}

fn finish(reply: Reply, strip_for: Option<Endpoint>) -> Response {
    match reply {
        Ok(mut body) => {
            if let Some(endpoint) = strip_for {
                strip(endpoint, &mut body);
            }
            util::json(StatusCode::OK, body)
        }
        Err(response) => response,
    }
}

/// A body cut mid-value, the way a dropped connection behind a proxy looks.
fn truncated(endpoint: Endpoint) -> &'static str {
    match endpoint {
        Endpoint::Token | Endpoint::LongLivedToken | Endpoint::Refresh => {
            r#"{"access_token": "abc"#
        }
        Endpoint::Profile => r#"{"id": "12345"#,
        Endpoint::Revoke => r#"{"success": tr"#,
        Endpoint::Discovery => r#"{"issuer": "http"#,
        Endpoint::Jwks => r#"{"keys": [{"kty": "RS"#,
        Endpoint::Picture => "\u{89}PNG",
    }
}

/// Removes the fields a client cannot do without.
fn strip(endpoint: Endpoint, body: &mut Value) {
    let keys: &[&str] = match endpoint {
        Endpoint::Token | Endpoint::LongLivedToken | Endpoint::Refresh => &["access_token"],
        Endpoint::Profile => &["id", "user_id", "sub", "name"],
        Endpoint::Revoke => &["success", "revoked"],
        Endpoint::Discovery => &["issuer", "token_endpoint", "jwks_uri"],
        Endpoint::Jwks => &["keys"],
        Endpoint::Picture => &[],
    };
    remove_keys(body, keys);
    // X wraps the profile in `data`.
    if let Some(data) = body.get_mut("data") {
        remove_keys(data, keys);
    }
}

fn remove_keys(value: &mut Value, keys: &[&str]) {
    if let Some(object) = value.as_object_mut() {
        for key in keys {
            object.remove(*key);
        }
    }
}
