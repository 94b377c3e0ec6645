//! The providers' JSON endpoints. Each module lists its routes and words its own errors; the
//! plumbing they share (reading a call, fault injection, redeeming a code) lives here.

mod client_auth;
mod facebook;
mod google;
mod graph;
mod instagram;
mod x;

use std::collections::HashMap;
use std::sync::Arc;

use app::connections::ProviderId;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::faults::{self, Endpoint, Reply};
use crate::store::{CodeGrant, RedeemError};
use crate::{Core, util};

/// Every provider's JSON endpoints and Google's discovery.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .merge(facebook::routes())
        .merge(x::routes())
        .merge(instagram::routes())
        .merge(google::routes())
}

/// One request to a provider endpoint, already read.
pub(crate) struct Call {
    /// Request headers (bearer tokens, Basic client authentication).
    pub headers: HeaderMap,
    /// Query parameters.
    pub query: HashMap<String, String>,
    /// Form body fields.
    pub body: HashMap<String, String>,
    /// Path parameters (`{version}`, Facebook's `{user}`).
    pub path: HashMap<String, String>,
}

impl Call {
    /// Query parameters and body fields merged; body fields win, as providers accept either.
    pub fn merged(&self) -> HashMap<String, String> {
        let mut params = self.query.clone();
        params.extend(self.body.clone());
        params
    }
}

/// What a provider endpoint does once faults let the call through.
pub(crate) type Run = fn(&Core, &Call) -> Reply;

/// How a provider words an injected failure status.
pub(crate) type ErrorBody = fn(StatusCode) -> Response;

/// A route answering `methods` with `run`, under whatever fault is installed on
/// `(provider, endpoint)`; a `{version}` in the path must be a Graph API version.
pub(crate) fn api(
    methods: MethodFilter,
    provider: ProviderId,
    endpoint: Endpoint,
    error: ErrorBody,
    run: Run,
) -> MethodRouter<Arc<Core>> {
    let handler = move |State(core): State<Arc<Core>>,
                        path: Option<Path<HashMap<String, String>>>,
                        RawQuery(query): RawQuery,
                        headers: HeaderMap,
                        body: Bytes| async move {
        if let Some(version) = path.as_ref().and_then(|Path(p)| p.get("version"))
            && !util::valid_graph_version(version)
        {
            return graph::bad_version(version);
        }
        let call = Call {
            headers,
            query: util::parse_form(query.unwrap_or_default().as_bytes()),
            body: util::parse_form(&body),
            path: path.map(|Path(p)| p).unwrap_or_default(),
        };
        // A refresh grant arrives at the token endpoint; its faults are installed apart.
        let endpoint = match call.merged().get("grant_type").map(String::as_str) {
            Some("refresh_token") if endpoint == Endpoint::Token => Endpoint::Refresh,
            _ => endpoint,
        };
        faults::guard(&core, provider, endpoint, error, || run(&core, &call)).await
    };
    on(methods, handler)
}

/// One endpoint of a provider: the methods it answers and what it does.
pub(crate) type Handler = (MethodFilter, Run);

/// `provider`'s token, profile and (when it has one) revoke routes at its spec's paths, each
/// wording injected failures with `error`.
pub(crate) fn standard_routes(
    provider: ProviderId,
    error: ErrorBody,
    token: Handler,
    profile: Handler,
    revoke: Option<Handler>,
) -> Router<Arc<Core>> {
    let spec = crate::spec::spec(provider);
    let router = Router::new()
        .route(
            spec.token_path,
            api(token.0, provider, Endpoint::Token, error, token.1),
        )
        .route(
            spec.profile_path,
            api(profile.0, provider, Endpoint::Profile, error, profile.1),
        );
    match (spec.revoke_path, revoke) {
        (Some(path), Some((methods, run))) => {
            router.route(path, api(methods, provider, Endpoint::Revoke, error, run))
        }
        _ => router,
    }
}

/// Whether `id` and `secret` are `provider`'s sandbox app.
pub(crate) fn known_client(core: &Core, provider: ProviderId, id: &str, secret: &str) -> bool {
    id == crate::Sandbox::client_id(provider) && secret == core.store.client_secret(provider)
}

/// Why a code could not be exchanged, for the provider to word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The code is unknown here.
    Unknown,
    /// The code was exchanged before (its tokens are now revoked).
    Reused,
    /// The code is too old.
    Expired,
    /// The redirect URI differs from the authorization request's.
    RedirectMismatch,
    /// A PKCE challenge was bound but no verifier came.
    VerifierMissing,
    /// The verifier does not match the challenge.
    VerifierMismatch,
}

/// Redeems `code` for `provider`: single use, same redirect URI, PKCE verified when a
/// challenge was bound (never for Instagram, whose consent ignores PKCE).
pub(crate) fn redeem(
    core: &Core,
    provider: ProviderId,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> Result<CodeGrant, Refusal> {
    let grant = core
        .store
        .redeem(provider, code)
        .map_err(|error| match error {
            RedeemError::Unknown => Refusal::Unknown,
            RedeemError::Reused => Refusal::Reused,
            RedeemError::Expired => Refusal::Expired,
        })?;
    if grant.redirect_uri != redirect_uri {
        return Err(Refusal::RedirectMismatch);
    }
    let challenge = grant.code_challenge.as_deref();
    match util::check_pkce(challenge, grant.code_challenge_method.as_deref(), verifier) {
        util::Pkce::Ok => Ok(grant),
        util::Pkce::Missing => Err(Refusal::VerifierMissing),
        util::Pkce::Mismatch => Err(Refusal::VerifierMismatch),
    }
}
