//! Facebook Login and the Graph API `/me` as Facebook serves them: versioned paths,
//! client credentials in the query or body, `EAA…` tokens and `OAuthException` errors. The
//! code buys a short-lived token, traded for a long-lived one with `fb_exchange_token`; the
//! sandbox app has "Require App Secret" on, so Graph calls need `appsecret_proof`.
//! <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow>
//! <https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof>

use std::sync::Arc;
use std::time::Duration;

use app::connections::ProviderId;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::MethodFilter;
use serde_json::json;

use super::graph::{self, Field, bad_request, graph_error, transient_error};
use super::{Call, Refusal, redeem, standard_routes};
use crate::faults::Reply;
use crate::store::{TokenKind, TokenRecord};
use crate::{Core, Sandbox, util};

const ID: ProviderId = ProviderId::Facebook;
/// Facebook's long-lived user tokens last about 60 days; this is the figure it reports.
const EXPIRES_IN: u64 = 5_183_944;
/// Short-lived user tokens, what a code buys, last an hour or two.
const SHORT_EXPIRES_IN: u64 = 5_400;

/// Facebook's JSON routes.
pub(crate) fn routes() -> Router<Arc<Core>> {
    let token = MethodFilter::GET.or(MethodFilter::POST);
    let by_user = super::api(
        MethodFilter::DELETE,
        ID,
        crate::faults::Endpoint::Revoke,
        transient_error,
        revoke_token,
    );
    standard_routes(
        ID,
        transient_error,
        (token, exchange),
        (MethodFilter::GET, profile),
        Some((MethodFilter::DELETE, revoke_token)),
    )
    .route("/facebook/graph/{version}/{user}/permissions", by_user)
}

/// Graph's check of `appsecret_proof`: the HMAC-SHA256 of the token under the app secret.
fn check_proof(call: &Call, token: &str) -> Result<(), Response> {
    use hmac::{Hmac, Mac};
    let Some(proof) = util::param(&call.query, "appsecret_proof") else {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "API calls from the server require an appsecret_proof argument",
            100,
            None,
        ));
    };
    let valid = hex::decode(proof).ok().is_some_and(|proof| {
        Hmac::<sha2::Sha256>::new_from_slice(Sandbox::client_secret(ID).as_bytes())
            .map(|mac| {
                mac.chain_update(token.as_bytes())
                    .verify_slice(&proof)
                    .is_ok()
            })
            .unwrap_or(false)
    });
    valid.then_some(()).ok_or_else(|| {
        graph_error(
            StatusCode::BAD_REQUEST,
            "Invalid appsecret_proof provided in the API argument",
            100,
            None,
        )
    })
}

fn exchange(core: &Core, call: &Call) -> Reply {
    let params = call.merged();
    let fail = |message: &str, code: u32| Err(bad_request(message, code));
    match util::param(&params, "client_id") {
        None => return fail("Missing client_id parameter.", 101),
        Some(id) if id != Sandbox::client_id(ID) => {
            return fail("Error validating application. Invalid application ID.", 101);
        }
        Some(_) => {}
    }
    if util::param(&params, "client_secret") != Some(Sandbox::client_secret(ID).as_str()) {
        return fail("Error validating client secret.", 1);
    }
    if util::param(&params, "grant_type") == Some("fb_exchange_token") {
        return exchange_long_lived(core, &params);
    }
    let Some(redirect_uri) = util::param(&params, "redirect_uri") else {
        return fail("Missing redirect_uri parameter.", 191);
    };
    let Some(code) = util::param(&params, "code") else {
        return fail("Missing authorization code parameter.", 100);
    };
    let verifier = util::param(&params, "code_verifier");
    let grant = redeem(core, ID, code, redirect_uri, verifier).map_err(refusal)?;
    let ttl = Duration::from_secs(SHORT_EXPIRES_IN);
    let record = TokenRecord::from_grant(&grant, code, TokenKind::Access, ttl);
    let access_token = core.store.issue("EAA", record);
    Ok(
        json!({ "access_token": access_token, "token_type": "bearer", "expires_in": SHORT_EXPIRES_IN }),
    )
}

/// `grant_type=fb_exchange_token`: a live short-lived token becomes a long-lived one.
/// <https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived>
fn exchange_long_lived(core: &Core, params: &std::collections::HashMap<String, String>) -> Reply {
    let short = util::param(params, "fb_exchange_token")
        .ok_or_else(|| bad_request("Missing fb_exchange_token parameter.", 100))?;
    let record = core
        .store
        .access_token(ID, short)
        .ok_or_else(graph::invalid_token)?;
    let ttl = core.store.access_ttl(ID, Duration::from_secs(EXPIRES_IN));
    let access_token = core
        .store
        .issue("EAA", record.successor(TokenKind::Access, ttl));
    Ok(
        json!({ "access_token": access_token, "token_type": "bearer", "expires_in": ttl.as_secs().max(1) }),
    )
}

/// Facebook's words for a code it will not exchange.
fn refusal(refusal: Refusal) -> Response {
    let (message, subcode) = match refusal {
        Refusal::Unknown => ("Invalid verification code format.", None),
        Refusal::Reused => ("This authorization code has been used.", Some(36009)),
        Refusal::Expired => ("This authorization code has expired.", Some(36007)),
        Refusal::RedirectMismatch => (
            "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            Some(36008),
        ),
        Refusal::VerifierMissing | Refusal::VerifierMismatch => ("Invalid code verifier.", None),
    };
    graph_error(StatusCode::BAD_REQUEST, message, 100, subcode)
}

fn profile(core: &Core, call: &Call) -> Reply {
    let record = graph::caller(core, ID, call)?;
    let token = graph::request_token(call, &call.query).ok_or_else(graph::invalid_token)?;
    check_proof(call, &token)?;
    let person = record.identity;
    let requested = util::param(&call.query, "fields")
        .map(util::graph_fields)
        .unwrap_or_else(|| vec!["id".into(), "name".into()]);
    let has_email = record.scopes.iter().any(|s| s == "email");
    graph::node(requested, json!(person.provider_id(ID)), |field| {
        Field::Value(match field {
            "id" => json!(person.provider_id(ID)),
            "name" => json!(person.name()),
            "first_name" | "short_name" => json!(person.first),
            "last_name" => json!(person.last),
            "name_format" => json!("{first} {last}"),
            // Without the email permission Graph silently leaves the field out.
            "email" if has_email => json!(person.email),
            "email" | "middle_name" => return Field::Omitted,
            "picture" => json!({ "data": {
                "height": 200, "is_silhouette": false, "url": core.avatar_url(ProviderId::Facebook, person.key), "width": 200
            }}),
            "link" => json!(format!(
                "{}/facebook/www/profile/{}",
                core.base, person.username
            )),
            _ => return Field::Unknown,
        })
    })
}

fn revoke_token(core: &Core, call: &Call) -> Reply {
    let token = graph::request_token(call, &call.merged()).ok_or_else(graph::invalid_token)?;
    let record = core
        .store
        .access_token(ID, &token)
        .ok_or_else(graph::invalid_token)?;
    check_proof(call, &token)?;
    // `/{user-id}/permissions` must name the token's own user (or `me`).
    if let Some(user) = call.path.get("user")
        && user != "me"
        && *user != record.identity.provider_id(ID)
    {
        return Err(bad_request(
            "(#100) Cannot revoke permissions of another user",
            100,
        ));
    }
    if core.store.revoke(ID, &token) {
        Ok(json!({ "success": true }))
    } else {
        Err(graph::invalid_token())
    }
}
