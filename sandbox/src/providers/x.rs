//! X (Twitter) OAuth 2.0 with mandatory PKCE and HTTP Basic client authentication,
//! plus `GET /2/users/me` with its problem-JSON errors.
//! <https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code>

use std::sync::Arc;
use std::time::Duration;

use app::connections::ProviderId;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::MethodFilter;
use serde_json::{Map, Value, json};

use super::{Call, known_client, redeem, standard_routes};
use crate::faults::Reply;
use crate::store::{TokenKind, TokenRecord};
use crate::util::oauth_error;
use crate::{Core, util};

const ID: ProviderId = ProviderId::X;
const EXPIRES_IN: u64 = 7200;
/// X refresh tokens do not expire on a schedule; six months stands in for "long".
const REFRESH_TTL: Duration = Duration::from_secs(180 * 24 * 3600);
/// `user.fields` values this emulation knows; X rejects anything else.
const USER_FIELDS: &[&str] = &[
    "created_at",
    "description",
    "location",
    "profile_image_url",
    "protected",
    "url",
    "verified",
];

/// X's JSON routes.
pub(crate) fn routes() -> Router<Arc<Core>> {
    let (get, post) = (MethodFilter::GET, MethodFilter::POST);
    standard_routes(
        ID,
        problem,
        (post, exchange),
        (get, profile),
        Some((post, revoke_token)),
    )
}

/// X API v2 "problem" error body.
fn problem(status: StatusCode) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    util::json(
        status,
        json!({ "title": title, "type": "about:blank", "status": status.as_u16(), "detail": title }),
    )
}

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// A confidential X client must authenticate with Basic; credentials in the body do not count.
fn authenticate(core: &Core, call: &Call) -> Result<(), Response> {
    let unauthorized = || {
        oauth_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Missing valid authorization header",
        )
    };
    let (id, secret) = util::basic_auth(&call.headers).ok_or_else(unauthorized)?;
    let body_id_ok = util::param(&call.body, "client_id").is_none_or(|body_id| body_id == id);
    (known_client(core, ID, &id, &secret) && body_id_ok)
        .then_some(())
        .ok_or_else(unauthorized)
}

fn exchange(core: &Core, call: &Call) -> Reply {
    authenticate(core, call)?;
    let params = &call.body;
    match util::param(params, "grant_type") {
        Some("authorization_code") => {}
        Some("refresh_token") => return refresh(core, call),
        _ => {
            return Err(invalid_request(
                "Value passed for the grant type was invalid.",
            ));
        }
    }
    let (Some(code), Some(redirect_uri)) = (
        util::param(params, "code"),
        util::param(params, "redirect_uri"),
    ) else {
        return Err(invalid_request(
            "Missing required parameter [code] or [redirect_uri].",
        ));
    };
    let Some(verifier) = util::param(params, "code_verifier") else {
        return Err(invalid_request(
            "Missing required parameter [code_verifier].",
        ));
    };
    let grant = redeem(core, ID, code, redirect_uri, Some(verifier)).map_err(|refusal| {
        invalid_request(match refusal {
            super::Refusal::RedirectMismatch => {
                "Value passed for the redirect uri did not match the uri of the authorization code."
            }
            _ => "Value passed for the authorization code was invalid.",
        })
    })?;
    let ttl = core.store.access_ttl(ID, Duration::from_secs(EXPIRES_IN));
    let access = TokenRecord::from_grant(&grant, code, TokenKind::Access, ttl);
    let mut body = json!({
        "token_type": "bearer",
        "expires_in": ttl.as_secs().max(1),
        "access_token": core.store.issue("", access),
        "scope": grant.scopes.join(" "),
    });
    // Only offline.access earns a refresh token.
    if grant.scopes.iter().any(|s| s == "offline.access") {
        let refresh = TokenRecord::from_grant(&grant, code, TokenKind::Refresh, REFRESH_TTL);
        body["refresh_token"] = json!(core.store.issue("", refresh));
    }
    Ok(body)
}

/// The refresh grant: a new access token and a new refresh token; the one redeemed is spent,
/// and redeeming it again ends the whole grant.
/// <https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token#refresh-token>
fn refresh(core: &Core, call: &Call) -> Reply {
    let token = util::param(&call.body, "refresh_token")
        .ok_or_else(|| invalid_request("Missing required parameter [refresh_token]."))?;
    let record = core.store.redeem_refresh(ID, token, true).map_err(|_| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Value passed for the token was invalid.",
        )
    })?;
    let ttl = core.store.access_ttl(ID, Duration::from_secs(EXPIRES_IN));
    let access = record.successor(TokenKind::Access, ttl);
    let next = record.successor(TokenKind::Refresh, REFRESH_TTL);
    Ok(json!({
        "token_type": "bearer",
        "expires_in": ttl.as_secs().max(1),
        "access_token": core.store.issue("", access),
        "refresh_token": core.store.issue("", next),
        "scope": record.scopes.join(" "),
    }))
}

fn profile(core: &Core, call: &Call) -> Reply {
    let record = util::bearer(&call.headers)
        .and_then(|token| core.store.access_token(ID, &token))
        .ok_or_else(|| problem(StatusCode::UNAUTHORIZED))?;
    // GET /2/users/me needs both scopes; X answers 403 without them.
    if !["users.read", "tweet.read"]
        .iter()
        .all(|needed| record.scopes.iter().any(|s| s == needed))
    {
        return Err(problem(StatusCode::FORBIDDEN));
    }
    let requested: Vec<&str> = util::param(&call.query, "user.fields")
        .map(|f| f.split(',').map(str::trim).collect())
        .unwrap_or_default();
    check_user_fields(&requested)?;
    let person = record.identity;
    let mut data = Map::new();
    data.insert("id".into(), json!(person.provider_id(ID)));
    data.insert("name".into(), json!(person.name()));
    data.insert("username".into(), json!(person.username));
    for field in requested {
        let value = match field {
            "profile_image_url" => json!(core.avatar_url(ProviderId::X, person.key)),
            "url" => json!(format!("{}/x/www/profile/{}", core.base, person.username)),
            "description" => json!(format!("{} (sandbox test account)", person.name())),
            "created_at" => json!("2009-03-21T20:50:14.000Z"),
            "location" => json!("Sandbox"),
            "protected" | "verified" => json!(false),
            _ => continue,
        };
        data.insert(field.to_owned(), value);
    }
    Ok(json!({ "data": Value::Object(data) }))
}

/// X's 400 for a `user.fields` value it does not know.
fn check_user_fields(requested: &[&str]) -> Result<(), Response> {
    let Some(unknown) = requested
        .iter()
        .find(|f| !USER_FIELDS.contains(f) && !matches!(**f, "id" | "name" | "username"))
    else {
        return Ok(());
    };
    let message = format!(
        "The `user.fields` query parameter value [{unknown}] is not one of [{}]",
        USER_FIELDS.join(",")
    );
    let body = json!({
        "errors": [{ "parameters": { "user.fields": [requested.join(",")] }, "message": message }],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    });
    Err(util::json(StatusCode::BAD_REQUEST, body))
}

fn revoke_token(core: &Core, call: &Call) -> Reply {
    authenticate(core, call)?;
    let token = util::param(&call.body, "token")
        .ok_or_else(|| invalid_request("Missing required parameter [token]."))?;
    // RFC 7009: unknown or already revoked tokens are not an error.
    core.store.revoke(ID, token);
    Ok(json!({ "revoked": true }))
}
