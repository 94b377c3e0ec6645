//! Small HTTP and crypto helpers shared by the provider emulations.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// `bytes` random bytes as base64url without padding (24 bytes = 192 bits).
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill(buf.as_mut_slice());
    URL_SAFE_NO_PAD.encode(buf)
}

/// Facebook-style `fbtrace_id`: eleven alphanumerics.
pub(crate) fn fbtrace_id() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(11)
        .map(char::from)
        .collect()
}

/// A JSON response with `status`.
pub(crate) fn json(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// The RFC 6749 §5.2 error body `{"error", "error_description"}` (X and Google).
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(
        status,
        serde_json::json!({ "error": error, "error_description": description }),
    )
}

/// A 200 response whose body claims to be JSON but is cut short.
pub(crate) fn malformed(body: &'static str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Parses an `application/x-www-form-urlencoded` string into a map (the last duplicate wins).
pub(crate) fn parse_form(raw: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

/// The non-empty value of `key`.
pub(crate) fn param<'a>(params: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    params
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// `(client_id, client_secret)` from `Authorization: Basic …`, form-decoded per RFC 6749 §2.3.1.
pub(crate) fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

fn form_decode(part: &str) -> String {
    url::form_urlencoded::parse(format!("v={part}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Outcome of checking a PKCE verifier against the code's challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pkce {
    /// No challenge was bound, or the verifier matches.
    Ok,
    /// A challenge was bound but no verifier came.
    Missing,
    /// The verifier does not match.
    Mismatch,
}

/// Checks `verifier` against the challenge bound to a code (RFC 7636 §4.6).
pub(crate) fn check_pkce(
    challenge: Option<&str>,
    method: Option<&str>,
    verifier: Option<&str>,
) -> Pkce {
    let Some(challenge) = challenge else {
        return Pkce::Ok;
    };
    let Some(verifier) = verifier else {
        return Pkce::Missing;
    };
    let computed = match method {
        Some("S256") => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        _ => verifier.to_owned(),
    };
    if computed == challenge {
        Pkce::Ok
    } else {
        Pkce::Mismatch
    }
}

/// Whether `value` is a syntactically valid PKCE challenge or verifier (43–128 unreserved chars).
pub(crate) fn pkce_syntax_ok(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Graph API versions look like `v23.0`.
pub(crate) fn valid_graph_version(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let Some((major, minor)) = rest.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

/// Splits a scope parameter on commas and whitespace (Meta accepts both), dropping duplicates.
pub(crate) fn split_scopes(raw: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

/// Names of requested Graph fields: `id,picture.type(large),friends{id}` → id, picture, friends.
pub(crate) fn graph_fields(raw: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in raw.chars() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                fields.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    fields.push(current);
    fields
        .iter()
        .map(|f| {
            f.split(['.', '(', '{'])
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .filter(|f| !f.is_empty())
        .collect()
}
