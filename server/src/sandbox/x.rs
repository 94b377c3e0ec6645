//! X (Twitter) OAuth 2.0 with mandatory PKCE and HTTP Basic client authentication,
//! plus `GET /2/users/me` with its problem-JSON errors.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::consent::{self, PkcePolicy, ProviderSpec};
use super::faults::{self, Reply};
use super::store::{TokenKind, TokenRecord};
use super::{Core, Endpoint, Sandbox, html, util};

const SLUG: &str = "x";
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

/// Consent-page behaviour of X.
pub(crate) const SPEC: ProviderSpec = ProviderSpec {
    slug: SLUG,
    name: "X",
    accent: "#0f1419",
    pkce: PkcePolicy::RequiredS256,
    requires_openid: false,
    default_scope: None,
    denial: &[("error", "access_denied")],
};

/// X's routes.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/x/i/oauth2/authorize",
            get(authorize_get).post(authorize_post),
        )
        .route("/x/api/2/oauth2/token", post(token))
        .route("/x/api/2/users/me", get(me))
        .route("/x/api/2/oauth2/revoke", post(revoke))
        .route("/x/www/profile/{username}", get(profile_page))
        // x.com/{username}: where real profile links point, and what the app derives from the authorize URL.
        .route("/x/{username}", get(profile_page))
}

/// X API v2 "problem" error body.
fn problem(status: StatusCode) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    util::json(
        status,
        json!({ "title": title, "type": "about:blank", "status": status.as_u16(), "detail": title }),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    util::json(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// A confidential X client must authenticate with Basic; credentials in the body do not count.
fn authenticate(headers: &HeaderMap, params: &HashMap<String, String>) -> Result<(), Response> {
    let unauthorized = || {
        oauth_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Missing valid authorization header",
        )
    };
    let (id, secret) = util::basic_auth(headers).ok_or_else(unauthorized)?;
    let body_id_ok = util::param(params, "client_id").is_none_or(|body_id| body_id == id);
    if id == Sandbox::client_id(SLUG) && secret == Sandbox::client_secret(SLUG) && body_id_ok {
        Ok(())
    } else {
        Err(unauthorized())
    }
}

async fn authorize_get(State(core): State<Arc<Core>>, uri: Uri, RawQuery(q): RawQuery) -> Response {
    consent::show(
        &core,
        &SPEC,
        uri.path(),
        &util::parse_form(q.unwrap_or_default().as_bytes()),
    )
}

async fn authorize_post(State(core): State<Arc<Core>>, body: Bytes) -> Response {
    consent::decide(&core, &SPEC, &util::parse_form(&body))
}

async fn token(State(core): State<Arc<Core>>, headers: HeaderMap, body: Bytes) -> Response {
    let params = util::parse_form(&body);
    faults::guard(
        &core,
        SLUG,
        Endpoint::Token,
        problem,
        exchange(&core, &headers, &params),
    )
    .await
}

async fn exchange(core: &Core, headers: &HeaderMap, params: &HashMap<String, String>) -> Reply {
    authenticate(headers, params)?;
    if util::param(params, "grant_type") != Some("authorization_code") {
        return Err(invalid_request(
            "Value passed for the grant type was invalid.",
        ));
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
    let bad_code = || invalid_request("Value passed for the authorization code was invalid.");
    let grant = core.store.redeem(SLUG, code).map_err(|_| bad_code())?;
    if grant.redirect_uri != redirect_uri {
        return Err(invalid_request(
            "Value passed for the redirect uri did not match the uri of the authorization code.",
        ));
    }
    if util::check_pkce(
        grant.code_challenge.as_deref(),
        grant.code_challenge_method.as_deref(),
        Some(verifier),
    ) != util::Pkce::Ok
    {
        return Err(bad_code());
    }
    let record = |kind, ttl| TokenRecord {
        provider: SLUG,
        kind,
        identity: grant.identity,
        scopes: grant.scopes.clone(),
        expires_at: Instant::now() + ttl,
        revoked: false,
        origin_code: code.to_owned(),
    };
    let access_token = core.store.issue(
        "",
        record(TokenKind::Access, Duration::from_secs(EXPIRES_IN)),
    );
    let mut body = json!({
        "token_type": "bearer",
        "expires_in": EXPIRES_IN,
        "access_token": access_token,
        "scope": grant.scopes.join(" "),
    });
    // Only offline.access earns a refresh token.
    if grant.scopes.iter().any(|s| s == "offline.access") {
        body["refresh_token"] = json!(
            core.store
                .issue("", record(TokenKind::Refresh, REFRESH_TTL))
        );
    }
    Ok(body)
}

async fn me(State(core): State<Arc<Core>>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let params = util::parse_form(q.unwrap_or_default().as_bytes());
    faults::guard(
        &core,
        SLUG,
        Endpoint::Profile,
        problem,
        profile(&core, &params, &headers),
    )
    .await
}

async fn profile(core: &Core, params: &HashMap<String, String>, headers: &HeaderMap) -> Reply {
    let record = util::bearer(headers)
        .and_then(|token| core.store.access_token(SLUG, &token))
        .ok_or_else(|| problem(StatusCode::UNAUTHORIZED))?;
    // GET /2/users/me needs both scopes; X answers 403 without them.
    if !["users.read", "tweet.read"]
        .iter()
        .all(|needed| record.scopes.iter().any(|s| s == needed))
    {
        return Err(problem(StatusCode::FORBIDDEN));
    }
    let requested: Vec<&str> = util::param(params, "user.fields")
        .map(|f| f.split(',').map(str::trim).collect())
        .unwrap_or_default();
    if let Some(unknown) = requested
        .iter()
        .find(|f| !USER_FIELDS.contains(f) && !matches!(**f, "id" | "name" | "username"))
    {
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
        return Err(util::json(StatusCode::BAD_REQUEST, body));
    }
    let person = record.identity;
    let mut data = Map::new();
    data.insert("id".into(), json!(person.provider_id(SLUG)));
    data.insert("name".into(), json!(person.name()));
    data.insert("username".into(), json!(person.username));
    for field in requested {
        let value = match field {
            "profile_image_url" => json!(format!("{}/avatars/{}.svg", core.base, person.key)),
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

async fn revoke(State(core): State<Arc<Core>>, headers: HeaderMap, body: Bytes) -> Response {
    let params = util::parse_form(&body);
    let run = async {
        authenticate(&headers, &params)?;
        let token = util::param(&params, "token")
            .ok_or_else(|| invalid_request("Missing required parameter [token]."))?;
        // RFC 7009: unknown or already revoked tokens are not an error.
        core.store.revoke(SLUG, token);
        Ok(json!({ "revoked": true }))
    };
    faults::guard(&core, SLUG, Endpoint::Revoke, problem, run).await
}

async fn profile_page(State(core): State<Arc<Core>>, Path(username): Path<String>) -> Response {
    html::profile_page(&core.base, SPEC.name, SPEC.accent, &username)
}
