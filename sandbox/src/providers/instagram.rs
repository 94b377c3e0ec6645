//! Instagram API with Instagram Login: an unversioned code exchange with its own error shape
//! and a numeric `user_id`, a long-lived token exchange, and the Graph-style `/me`.
//! <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login>

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::connections::ProviderId;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::MethodFilter;
use serde_json::{Value, json};

use super::graph::{self, Field, bad_request, transient_error};
use super::{Call, Refusal, api, redeem};
use crate::faults::{Endpoint, Reply};
use crate::spec::spec;
use crate::store::{TokenKind, TokenRecord};
use crate::{Core, Sandbox, util};

const ID: ProviderId = ProviderId::Instagram;
/// Short-lived tokens last an hour (the response does not say so).
const SHORT_TTL: Duration = Duration::from_secs(3600);
/// Long-lived tokens last about 60 days.
const LONG_EXPIRES_IN: u64 = 5_183_944;

/// Instagram's JSON routes: no revocation; the short-lived exchange answers in its own error
/// shape, the long-lived exchange and `/me` in Graph's.
pub(crate) fn routes() -> Router<Arc<Core>> {
    let spec = spec(ID);
    let (get, post) = (MethodFilter::GET, MethodFilter::POST);
    let long_lived = api(
        get,
        ID,
        Endpoint::LongLivedToken,
        transient_error,
        exchange_long_lived,
    );
    Router::new()
        .route(
            spec.token_path,
            api(post, ID, Endpoint::Token, api_failure, exchange),
        )
        .route("/instagram/graph/access_token", long_lived)
        .route(
            "/instagram/graph/refresh_access_token",
            api(
                get,
                ID,
                Endpoint::Refresh,
                transient_error,
                refresh_long_lived,
            ),
        )
        .route(
            spec.profile_path,
            api(get, ID, Endpoint::Profile, transient_error, profile),
        )
}

/// The error shape of `api.instagram.com/oauth/access_token`, unlike Graph's.
fn api_error(status: StatusCode, message: &str) -> Response {
    util::json(
        status,
        json!({ "error_type": "OAuthException", "code": status.as_u16(), "error_message": message }),
    )
}

/// That endpoint's answer to an injected status.
fn api_failure(status: StatusCode) -> Response {
    api_error(
        status,
        "An unexpected error has occurred. Please retry your request later.",
    )
}

fn exchange(core: &Core, call: &Call) -> Reply {
    let params = &call.body;
    let fail = |message: &str| Err(api_error(StatusCode::BAD_REQUEST, message));
    if util::param(params, "client_id") != Some(Sandbox::client_id(ID).as_str()) {
        return fail("Invalid platform app");
    }
    if util::param(params, "client_secret") != Some(Sandbox::client_secret(ID).as_str()) {
        return fail("Error validating client secret.");
    }
    if util::param(params, "grant_type") != Some("authorization_code") {
        return fail("Invalid grant_type: only authorization_code is supported.");
    }
    let Some(redirect_uri) = util::param(params, "redirect_uri") else {
        return fail("Missing required field redirect_uri");
    };
    let Some(code) = util::param(params, "code") else {
        return fail("Missing required field code");
    };
    // The verifier is deliberately not passed: Instagram ignores PKCE, and its codes carry none.
    let grant = redeem(core, ID, code, redirect_uri, None).map_err(|refusal| {
        api_error(StatusCode::BAD_REQUEST, match refusal {
            Refusal::Reused => "This authorization code has been used",
            Refusal::RedirectMismatch => "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            _ => "Invalid authorization code",
        })
    })?;
    let record = TokenRecord::from_grant(&grant, code, TokenKind::Access, SHORT_TTL);
    let access_token = core.store.issue("IGAA", record);
    // No token_type, and user_id is a JSON number: both are real Instagram quirks.
    Ok(json!({
        "access_token": access_token,
        "user_id": grant.identity.instagram_scoped_id(),
        "permissions": grant.scopes,
    }))
}

fn exchange_long_lived(core: &Core, call: &Call) -> Reply {
    let params = &call.query;
    if util::param(params, "grant_type") != Some("ig_exchange_token") {
        return Err(bad_request(
            "Unsupported grant_type: use ig_exchange_token.",
            100,
        ));
    }
    if util::param(params, "client_secret") != Some(Sandbox::client_secret(ID).as_str()) {
        return Err(bad_request("Error validating client secret.", 190));
    }
    let short = util::param(params, "access_token").ok_or_else(graph::invalid_token)?;
    let record = core
        .store
        .access_token(ID, short)
        .ok_or_else(graph::invalid_token)?;
    Ok(long_lived_answer(core, &record))
}

/// `GET /refresh_access_token?grant_type=ig_refresh_token`: a live long-lived token at least a
/// day old is traded for a new one of full lifetime.
/// <https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token>
fn refresh_long_lived(core: &Core, call: &Call) -> Reply {
    let params = &call.query;
    if util::param(params, "grant_type") != Some("ig_refresh_token") {
        return Err(bad_request(
            "Unsupported grant_type: use ig_refresh_token.",
            100,
        ));
    }
    let token = util::param(params, "access_token").ok_or_else(graph::invalid_token)?;
    let record = core
        .store
        .access_token(ID, token)
        .ok_or_else(graph::invalid_token)?;
    if record.issued_at + Duration::from_secs(24 * 3600) > Instant::now() {
        return Err(bad_request(
            "Session has not been valid long enough to be refreshed; tokens can be refreshed once they are 24 hours old.",
            100,
        ));
    }
    core.store.count_renewal(ID);
    Ok(long_lived_answer(core, &record))
}

/// A new long-lived token of `record`'s grant, as Instagram answers it.
fn long_lived_answer(core: &Core, record: &TokenRecord) -> Value {
    let ttl = core
        .store
        .access_ttl(ID, Duration::from_secs(LONG_EXPIRES_IN));
    let access_token = core
        .store
        .issue("IGAA", record.successor(TokenKind::Access, ttl));
    json!({ "access_token": access_token, "token_type": "bearer", "expires_in": ttl.as_secs().max(1) })
}

fn profile(core: &Core, call: &Call) -> Reply {
    let person = graph::caller(core, ID, call)?.identity;
    let scoped_id = person.instagram_scoped_id().to_string();
    let requested = util::param(&call.query, "fields")
        .map(util::graph_fields)
        .unwrap_or_default();
    // Like Graph, always answer with the (app-scoped) node id.
    graph::node(requested, json!(scoped_id), |field| {
        Field::Value(match field {
            "id" => json!(scoped_id),
            "user_id" => json!(person.provider_id(ID)),
            "username" => json!(person.username),
            "name" => json!(person.name()),
            "profile_picture_url" => json!(core.avatar_url(ProviderId::Instagram, person.key)),
            "account_type" => json!("BUSINESS"),
            "followers_count" | "follows_count" | "media_count" => json!(0),
            "biography" => json!(format!("{} (sandbox test account)", person.name())),
            "website" => json!(format!(
                "{}/instagram/www/profile/{}",
                core.base, person.username
            )),
            _ => return Field::Unknown,
        })
    })
}
