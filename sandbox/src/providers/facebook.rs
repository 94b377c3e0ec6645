//! Facebook Login and the Graph API `/me` as Facebook serves them: versioned paths,
//! client credentials in the query or body, `EAA…` tokens and `OAuthException` errors.
//! <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow>

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

/// Facebook's JSON routes.
pub(crate) fn routes() -> Router<Arc<Core>> {
    let token = MethodFilter::GET.or(MethodFilter::POST);
    standard_routes(
        ID,
        transient_error,
        (token, exchange),
        (MethodFilter::GET, profile),
        Some((MethodFilter::DELETE, revoke_token)),
    )
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
    let Some(redirect_uri) = util::param(&params, "redirect_uri") else {
        return fail("Missing redirect_uri parameter.", 191);
    };
    let Some(code) = util::param(&params, "code") else {
        return fail("Missing authorization code parameter.", 100);
    };
    let verifier = util::param(&params, "code_verifier");
    let grant = redeem(core, ID, code, redirect_uri, verifier).map_err(refusal)?;
    let ttl = Duration::from_secs(EXPIRES_IN);
    let record = TokenRecord::from_grant(&grant, code, TokenKind::Access, ttl);
    let access_token = core.store.issue("EAA", record);
    Ok(json!({ "access_token": access_token, "token_type": "bearer", "expires_in": EXPIRES_IN }))
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
    if core.store.revoke(ID, &token) {
        Ok(json!({ "success": true }))
    } else {
        Err(graph::invalid_token())
    }
}
