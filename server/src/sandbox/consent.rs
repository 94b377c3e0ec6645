//! The authorization (consent) page every provider shares: GET renders, POST decides.

use std::collections::HashMap;
use std::time::Instant;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use url::Url;

use super::html::{self, escape};
use super::identities::{self, IDENTITIES};
use super::store::{CODE_TTL, CodeGrant};
use super::{Core, util};

/// How a provider treats PKCE at the authorization endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PkcePolicy {
    /// Parameters are ignored and never checked (Instagram).
    Ignored,
    /// `plain` or `S256` when a challenge is sent (Facebook, Google).
    Optional,
    /// A S256 challenge is mandatory (X).
    RequiredS256,
}

/// What differs between providers on the consent page.
#[derive(Debug)]
pub(crate) struct ProviderSpec {
    /// URL slug.
    pub slug: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Brand colour for the page.
    pub accent: &'static str,
    /// PKCE handling.
    pub pkce: PkcePolicy,
    /// Whether `openid` must be among the scopes (Google).
    pub requires_openid: bool,
    /// Scope granted when none is requested; `None` makes an empty scope an error.
    pub default_scope: Option<&'static str>,
    /// Query parameters the provider appends (before `state`) when the user cancels.
    pub denial: &'static [(&'static str, &'static str)],
}

/// A vetted authorization request.
struct AuthRequest {
    redirect_uri: String,
    scopes: Vec<String>,
    state: String,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    nonce: Option<String>,
}

/// `GET` of the authorization endpoint: the consent page, or an error.
pub(crate) fn show(
    core: &Core,
    spec: &ProviderSpec,
    path: &str,
    params: &HashMap<String, String>,
) -> Response {
    let request = match validate(core, spec, params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let scopes = request
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect::<String>();
    let accounts = IDENTITIES
        .iter()
        .enumerate()
        .map(|(i, person)| {
            format!(
                "<div class=\"account\"><input type=\"radio\" name=\"account\" id=\"account-{key}\" value=\"{key}\"{checked}>\
                 <label for=\"account-{key}\" class=\"account\"><img src=\"{base}/avatars/{key}.svg\" alt=\"\">\
                 {name} <span class=\"handle\">@{user}</span></label></div>",
                key = person.key,
                checked = if i == 0 { " checked" } else { "" },
                base = escape(&core.base),
                name = escape(person.name()),
                user = escape(person.username),
            )
        })
        .collect::<String>();
    let mut carried: Vec<_> = params
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "account" | "decision"))
        .collect();
    carried.sort();
    let hidden = carried
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect::<String>();
    let body = format!(
        "<span class=\"badge\">Sandbox – no real {name} account is used</span>\
         <h1>Sign in to {name} (sandbox)</h1>\
         <p><strong>Orga Connect</strong> wants to access your {name} account.</p>\
         <h2 style=\"font-size:1rem\">Requested permissions</h2><ul>{scopes}</ul>\
         <form method=\"post\" action=\"{action}\">{hidden}\
         <fieldset><legend>Choose a test account</legend>{accounts}</fieldset>\
         <p class=\"handle\">You will be sent back to <code>{redirect}</code>.</p>\
         <div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>\
         <button type=\"submit\" name=\"decision\" value=\"allow\" class=\"primary\">Allow</button></div></form>",
        name = escape(spec.name),
        action = escape(path),
        redirect = escape(&request.redirect_uri),
    );
    Html(html::page(
        &format!("Sign in to {} (sandbox)", spec.name),
        spec.accent,
        &body,
    ))
    .into_response()
}

/// `POST` of the authorization endpoint: re-validates everything, then redirects with a code or a denial.
pub(crate) fn decide(
    core: &Core,
    spec: &ProviderSpec,
    params: &HashMap<String, String>,
) -> Response {
    let request = match validate(core, spec, params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    match util::param(params, "decision") {
        Some("allow") => {}
        Some("cancel") => {
            let mut pairs: Vec<(&str, &str)> = spec.denial.to_vec();
            pairs.push(("state", &request.state));
            return redirect(spec, &request.redirect_uri, &pairs);
        }
        _ => {
            return html::error_page(
                StatusCode::BAD_REQUEST,
                spec.name,
                "Choose Allow or Cancel.",
            );
        }
    }
    let Some(identity) = util::param(params, "account").and_then(identities::find) else {
        return html::error_page(
            StatusCode::BAD_REQUEST,
            spec.name,
            "Choose one of the test accounts.",
        );
    };
    let code = core.store.insert_code(CodeGrant {
        provider: spec.slug,
        client_id: super::Sandbox::client_id(spec.slug),
        redirect_uri: request.redirect_uri.clone(),
        identity,
        scopes: request.scopes,
        code_challenge: request.code_challenge,
        code_challenge_method: request.code_challenge_method,
        nonce: request.nonce,
        expires_at: Instant::now() + CODE_TTL,
    });
    redirect(
        spec,
        &request.redirect_uri,
        &[("code", &code), ("state", &request.state)],
    )
}

/// Checks the client and redirect URI first (failures stay here as a 400 page), then the rest
/// (failures go back to the now-trusted redirect URI as `invalid_request`).
fn validate(
    core: &Core,
    spec: &ProviderSpec,
    params: &HashMap<String, String>,
) -> Result<AuthRequest, Response> {
    let expected_client = super::Sandbox::client_id(spec.slug);
    if util::param(params, "client_id") != Some(expected_client.as_str()) {
        let message = format!(
            "Invalid client_id: this sandbox only knows the {} app {expected_client}.",
            spec.name
        );
        return Err(html::error_page(
            StatusCode::BAD_REQUEST,
            spec.name,
            &message,
        ));
    }
    let registered = core.redirect_uri(spec.slug);
    let Some(redirect_uri) = util::param(params, "redirect_uri").filter(|uri| *uri == registered)
    else {
        let message =
            format!("redirect_uri_mismatch: the only registered redirect URI is {registered}.");
        return Err(html::error_page(
            StatusCode::BAD_REQUEST,
            spec.name,
            &message,
        ));
    };
    let state = util::param(params, "state");
    let invalid = |description: &str| {
        let mut pairs = vec![
            ("error", "invalid_request"),
            ("error_description", description),
        ];
        if let Some(state) = state {
            pairs.push(("state", state));
        }
        Err(redirect(spec, redirect_uri, &pairs))
    };
    if util::param(params, "response_type") != Some("code") {
        return invalid("Unsupported response_type: only code is supported.");
    }
    let Some(state) = state else {
        return invalid("Missing required parameter: state.");
    };
    let mut scopes =
        util::split_scopes(params.get("scope").map(String::as_str).unwrap_or_default());
    if scopes.is_empty() {
        match spec.default_scope {
            Some(default) => scopes.push(default.to_owned()),
            None => return invalid("Missing required parameter: scope."),
        }
    }
    if spec.requires_openid && !scopes.iter().any(|s| s == "openid") {
        return invalid("The openid scope is required.");
    }
    let challenge = util::param(params, "code_challenge");
    let method = util::param(params, "code_challenge_method");
    let (code_challenge, code_challenge_method) = match spec.pkce {
        PkcePolicy::Ignored => (None, None),
        PkcePolicy::RequiredS256 => match (challenge, method) {
            (None, _) => return invalid("Missing required parameter: code_challenge."),
            (Some(_), m) if m != Some("S256") => {
                return invalid("code_challenge_method must be S256.");
            }
            (Some(c), _) if !util::pkce_syntax_ok(c) => return invalid("Invalid code_challenge."),
            (Some(c), _) => (Some(c.to_owned()), Some("S256".to_owned())),
        },
        PkcePolicy::Optional => match (challenge, method) {
            (None, None) => (None, None),
            (None, Some(_)) => {
                return invalid("code_challenge_method given without code_challenge.");
            }
            (Some(_), Some(m)) if m != "plain" && m != "S256" => {
                return invalid("Unsupported code_challenge_method: use plain or S256.");
            }
            (Some(c), _) if !util::pkce_syntax_ok(c) => return invalid("Invalid code_challenge."),
            // RFC 7636 §4.3: an absent method means plain.
            (Some(c), m) => (Some(c.to_owned()), Some(m.unwrap_or("plain").to_owned())),
        },
    };
    Ok(AuthRequest {
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: state.to_owned(),
        code_challenge,
        code_challenge_method,
        nonce: util::param(params, "nonce").map(str::to_owned),
    })
}

/// 303 to `redirect_uri` with `pairs` appended to its query (`&` when it already has one).
fn redirect(spec: &ProviderSpec, redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return html::error_page(
            StatusCode::BAD_REQUEST,
            spec.name,
            "The registered redirect URI is not a URL.",
        );
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs {
            query.append_pair(key, value);
        }
    }
    Redirect::to(url.as_str()).into_response()
}
