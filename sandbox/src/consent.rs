//! The authorization (consent) endpoint, one handler pair for every provider: GET renders the
//! page, POST decides. Each provider's spec says where it is mounted and how it validates.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use url::Url;

use crate::identities;
use crate::pages::{self, ConsentPage};
use crate::spec::{PkcePolicy, ProviderSpec, SPECS};
use crate::store::{CODE_TTL, CodeGrant};
use crate::{Core, Sandbox, util};

/// Path parameters of a consent route (Facebook's carries `{version}`).
type PathParams = Option<Path<HashMap<String, String>>>;

/// The sandbox's state, as handlers extract it.
type Shared = State<Arc<Core>>;

/// The consent route of every provider, each at its spec's `authorize_path`.
pub(crate) fn routes() -> Router<Arc<Core>> {
    SPECS.iter().fold(Router::new(), |router, spec| {
        let spec: &'static ProviderSpec = spec;
        let get_page = move |core: Shared, path: PathParams, uri: Uri, query: RawQuery| async move {
            let params = util::parse_form(query.0.unwrap_or_default().as_bytes());
            check_version(spec, path).unwrap_or_else(|| show(&core, spec, uri.path(), &params))
        };
        let post_form = move |core: Shared, path: PathParams, body: Bytes| async move {
            let params = util::parse_form(&body);
            check_version(spec, path).unwrap_or_else(|| decide(&core, spec, &params))
        };
        router.route(spec.authorize_path, get(get_page).post(post_form))
    })
}

/// An error page when the path's Graph API `{version}` is malformed.
fn check_version(spec: &ProviderSpec, path: PathParams) -> Option<Response> {
    let Path(params) = path?;
    let version = params.get("version")?;
    (!util::valid_graph_version(version)).then(|| {
        pages::error_page(
            StatusCode::BAD_REQUEST,
            spec.name(),
            "Unsupported Graph API version in the dialog URL.",
        )
    })
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

/// `GET`: the consent page, or an error.
fn show(
    core: &Core,
    spec: &'static ProviderSpec,
    path: &str,
    params: &HashMap<String, String>,
) -> Response {
    let request = match validate(core, spec, params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let mut carried: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "account" | "decision"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    carried.sort();
    let page = ConsentPage {
        spec,
        action: path,
        scopes: &request.scopes,
        redirect_uri: &request.redirect_uri,
        carried,
    };
    pages::consent_page(core, page)
}

/// `POST`: re-validates everything, then redirects with a code or a denial.
fn decide(core: &Core, spec: &ProviderSpec, params: &HashMap<String, String>) -> Response {
    let request = match validate(core, spec, params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let refuse = |message| pages::error_page(StatusCode::BAD_REQUEST, spec.name(), message);
    match util::param(params, "decision") {
        Some("allow") => {}
        Some("cancel") => {
            let mut pairs: Vec<(&str, &str)> = spec.denial.to_vec();
            pairs.push(("state", &request.state));
            return redirect(core, spec, &request.redirect_uri, &pairs);
        }
        _ => return refuse("Choose Allow or Cancel."),
    }
    let Some(identity) = util::param(params, "account").and_then(identities::find) else {
        return refuse("Choose one of the test accounts.");
    };
    // Google gives a refresh token for `access_type=offline` on the first consent only, or
    // when consent is asked again (`prompt=consent`).
    let offline = util::param(params, "access_type") == Some("offline")
        && (core.store.first_offline_consent(spec.id, identity.key)
            || util::param(params, "prompt").is_some_and(|p| p.split(' ').any(|p| p == "consent")));
    let code = core.store.insert_code(CodeGrant {
        offline,
        provider: spec.id,
        client_id: Sandbox::client_id(spec.id),
        redirect_uri: request.redirect_uri.clone(),
        identity,
        scopes: request.scopes,
        code_challenge: request.code_challenge,
        code_challenge_method: request.code_challenge_method,
        nonce: request.nonce,
        expires_at: Instant::now() + CODE_TTL,
    });
    let pairs = [("code", code.as_str()), ("state", &request.state)];
    redirect(core, spec, &request.redirect_uri, &pairs)
}

/// Checks the client and redirect URI first (failures stay here as a 400 page), then the rest
/// (failures go back to the now-trusted redirect URI as `invalid_request`).
fn validate(
    core: &Core,
    spec: &ProviderSpec,
    params: &HashMap<String, String>,
) -> Result<AuthRequest, Response> {
    let redirect_uri = trusted_redirect_uri(core, spec, params)?;
    let state = util::param(params, "state");
    let invalid = |description: &str| {
        let mut pairs = vec![
            ("error", "invalid_request"),
            ("error_description", description),
        ];
        if let Some(state) = state {
            pairs.push(("state", state));
        }
        redirect(core, spec, &redirect_uri, &pairs)
    };
    if util::param(params, "response_type") != Some("code") {
        return Err(invalid(
            "Unsupported response_type: only code is supported.",
        ));
    }
    let Some(state) = state else {
        return Err(invalid("Missing required parameter: state."));
    };
    let scopes = requested_scopes(spec, params).map_err(invalid)?;
    let (code_challenge, code_challenge_method) = pkce(spec, params).map_err(invalid)?;
    Ok(AuthRequest {
        redirect_uri,
        scopes,
        state: state.to_owned(),
        code_challenge,
        code_challenge_method,
        nonce: util::param(params, "nonce").map(str::to_owned),
    })
}

/// The redirect URI, once the client and it are both the registered ones.
fn trusted_redirect_uri(
    core: &Core,
    spec: &ProviderSpec,
    params: &HashMap<String, String>,
) -> Result<String, Response> {
    let error = |message: &str| pages::error_page(StatusCode::BAD_REQUEST, spec.name(), message);
    let expected_client = Sandbox::client_id(spec.id);
    if util::param(params, "client_id") != Some(expected_client.as_str()) {
        return Err(error(&format!(
            "Invalid client_id: this sandbox only knows the {} app {expected_client}.",
            spec.name()
        )));
    }
    let registered = core.redirect_uri(spec.id);
    match util::param(params, "redirect_uri") {
        Some(uri) if uri == registered => Ok(registered),
        _ => Err(error(&format!(
            "redirect_uri_mismatch: the only registered redirect URI is {registered}."
        ))),
    }
}

/// The requested scopes, the provider's default when none, `openid` where it is required.
fn requested_scopes(
    spec: &ProviderSpec,
    params: &HashMap<String, String>,
) -> Result<Vec<String>, &'static str> {
    let mut scopes =
        util::split_scopes(params.get("scope").map(String::as_str).unwrap_or_default());
    if scopes.is_empty() {
        let default = spec
            .default_scope
            .ok_or("Missing required parameter: scope.")?;
        scopes.push(default.to_owned());
    }
    if spec.requires_openid && !scopes.iter().any(|s| s == "openid") {
        return Err("The openid scope is required.");
    }
    Ok(scopes)
}

/// A PKCE challenge and method to bind to the code, by the provider's policy.
fn pkce(
    spec: &ProviderSpec,
    params: &HashMap<String, String>,
) -> Result<(Option<String>, Option<String>), &'static str> {
    let challenge = util::param(params, "code_challenge");
    let method = util::param(params, "code_challenge_method");
    match spec.pkce {
        PkcePolicy::Ignored => Ok((None, None)),
        PkcePolicy::RequiredS256 => match (challenge, method) {
            (None, _) => Err("Missing required parameter: code_challenge."),
            (Some(_), m) if m != Some("S256") => Err("code_challenge_method must be S256."),
            (Some(c), _) if !util::pkce_syntax_ok(c) => Err("Invalid code_challenge."),
            (Some(c), _) => Ok((Some(c.to_owned()), Some("S256".to_owned()))),
        },
        PkcePolicy::Optional => match (challenge, method) {
            (None, None) => Ok((None, None)),
            (None, Some(_)) => Err("code_challenge_method given without code_challenge."),
            (Some(_), Some(m)) if m != "plain" && m != "S256" => {
                Err("Unsupported code_challenge_method: use plain or S256.")
            }
            (Some(c), _) if !util::pkce_syntax_ok(c) => Err("Invalid code_challenge."),
            // RFC 7636 §4.3: an absent method means plain.
            (Some(c), m) => Ok((Some(c.to_owned()), Some(m.unwrap_or("plain").to_owned()))),
        },
    }
}

/// 303 to `redirect_uri` with `pairs` appended to its query (`&` when it already has one),
/// and the issuer when the provider sends it with every authorization response (RFC 9207 §2).
fn redirect(
    core: &Core,
    spec: &ProviderSpec,
    redirect_uri: &str,
    pairs: &[(&str, &str)],
) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return pages::error_page(
            StatusCode::BAD_REQUEST,
            spec.name(),
            "The registered redirect URI is not a URL.",
        );
    };
    url.query_pairs_mut().extend_pairs(pairs);
    if spec.id.uses_discovery() && core.store.openid().sends_iss {
        let issuer = spec.settings(&core.base).issuer;
        url.query_pairs_mut().append_pair("iss", &issuer);
    }
    Redirect::to(url.as_str()).into_response()
}
