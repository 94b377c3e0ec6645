//! Instagram API with Instagram Login: an unversioned code exchange with its own error shape
//! and a numeric `user_id`, a long-lived token exchange, and the Graph-style `/me`.

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
use super::facebook::{bad_version, graph_error, invalid_token, request_token, transient_error};
use super::faults::{self, Reply};
use super::store::{RedeemError, TokenKind, TokenRecord};
use super::{Core, Endpoint, Sandbox, html, util};

const SLUG: &str = "instagram";
/// Short-lived tokens last an hour (the response does not say so).
const SHORT_TTL: Duration = Duration::from_secs(3600);
/// Long-lived tokens last about 60 days.
const LONG_EXPIRES_IN: u64 = 5_183_944;

/// Consent-page behaviour of Instagram.
pub(crate) const SPEC: ProviderSpec = ProviderSpec {
    slug: SLUG,
    name: "Instagram",
    accent: "#c13584",
    pkce: PkcePolicy::Ignored,
    requires_openid: false,
    default_scope: None,
    denial: &[
        ("error", "access_denied"),
        ("error_reason", "user_denied"),
        ("error_description", "The user denied your request."),
    ],
};

/// Instagram's routes.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/instagram/www/oauth/authorize",
            get(authorize_get).post(authorize_post),
        )
        .route("/instagram/api/oauth/access_token", post(token))
        .route("/instagram/graph/access_token", get(long_lived))
        .route("/instagram/graph/{version}/me", get(me))
        .route("/instagram/www/profile/{username}", get(profile_page))
        // instagram.com/{username}: the real profile link shape.
        .route("/instagram/www/{username}", get(profile_page))
}

/// The error shape of `api.instagram.com/oauth/access_token`, unlike Graph's.
fn api_error(status: StatusCode, message: &str) -> Response {
    util::json(
        status,
        json!({ "error_type": "OAuthException", "code": status.as_u16(), "error_message": message }),
    )
}

fn injected(status: StatusCode) -> Response {
    api_error(
        status,
        "An unexpected error has occurred. Please retry your request later.",
    )
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

async fn token(State(core): State<Arc<Core>>, body: Bytes) -> Response {
    let params = util::parse_form(&body);
    faults::guard(
        &core,
        SLUG,
        Endpoint::Token,
        injected,
        exchange(&core, &params),
    )
    .await
}

async fn exchange(core: &Core, params: &HashMap<String, String>) -> Reply {
    let fail = |message: &str| Err(api_error(StatusCode::BAD_REQUEST, message));
    if util::param(params, "client_id") != Some(Sandbox::client_id(SLUG).as_str()) {
        return fail("Invalid platform app");
    }
    if util::param(params, "client_secret") != Some(Sandbox::client_secret(SLUG).as_str()) {
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
    let grant = match core.store.redeem(SLUG, code) {
        Ok(grant) => grant,
        Err(RedeemError::Reused) => return fail("This authorization code has been used"),
        Err(RedeemError::Unknown | RedeemError::Expired) => {
            return fail("Invalid authorization code");
        }
    };
    if grant.redirect_uri != redirect_uri {
        return fail(
            "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
        );
    }
    // PKCE is deliberately not checked: Instagram ignores it.
    let access_token = core.store.issue(
        "IGAA",
        TokenRecord {
            provider: SLUG,
            kind: TokenKind::Access,
            identity: grant.identity,
            scopes: grant.scopes.clone(),
            expires_at: Instant::now() + SHORT_TTL,
            revoked: false,
            origin_code: code.to_owned(),
        },
    );
    // No token_type, and user_id is a JSON number: both are real Instagram quirks.
    Ok(json!({
        "access_token": access_token,
        "user_id": grant.identity.instagram_scoped_id(),
        "permissions": grant.scopes,
    }))
}

async fn long_lived(State(core): State<Arc<Core>>, RawQuery(q): RawQuery) -> Response {
    let params = util::parse_form(q.unwrap_or_default().as_bytes());
    faults::guard(
        &core,
        SLUG,
        Endpoint::LongLivedToken,
        transient_error,
        exchange_long_lived(&core, &params),
    )
    .await
}

async fn exchange_long_lived(core: &Core, params: &HashMap<String, String>) -> Reply {
    if util::param(params, "grant_type") != Some("ig_exchange_token") {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "Unsupported grant_type: use ig_exchange_token.",
            100,
            None,
        ));
    }
    if util::param(params, "client_secret") != Some(Sandbox::client_secret(SLUG).as_str()) {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "Error validating client secret.",
            190,
            None,
        ));
    }
    let short = util::param(params, "access_token").ok_or_else(invalid_token)?;
    let record = core
        .store
        .access_token(SLUG, short)
        .ok_or_else(invalid_token)?;
    let access_token = core.store.issue(
        "IGAA",
        TokenRecord {
            expires_at: Instant::now() + Duration::from_secs(LONG_EXPIRES_IN),
            ..record
        },
    );
    Ok(
        json!({ "access_token": access_token, "token_type": "bearer", "expires_in": LONG_EXPIRES_IN }),
    )
}

async fn me(
    State(core): State<Arc<Core>>,
    Path(version): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    if !util::valid_graph_version(&version) {
        return bad_version(&version);
    }
    let params = util::parse_form(q.unwrap_or_default().as_bytes());
    faults::guard(
        &core,
        SLUG,
        Endpoint::Profile,
        transient_error,
        profile(&core, &params, &headers),
    )
    .await
}

async fn profile(core: &Core, params: &HashMap<String, String>, headers: &HeaderMap) -> Reply {
    let record = request_token(params, headers)
        .and_then(|token| core.store.access_token(SLUG, &token))
        .ok_or_else(invalid_token)?;
    let person = record.identity;
    let scoped_id = person.instagram_scoped_id().to_string();
    let mut out = Map::new();
    for field in util::param(params, "fields")
        .map(util::graph_fields)
        .unwrap_or_default()
    {
        let value = match field.as_str() {
            "id" => json!(scoped_id),
            "user_id" => json!(person.provider_id(SLUG)),
            "username" => json!(person.username),
            "name" => json!(person.name()),
            "profile_picture_url" => json!(format!("{}/avatars/{}.svg", core.base, person.key)),
            "account_type" => json!("BUSINESS"),
            "followers_count" | "follows_count" | "media_count" => json!(0),
            "biography" => json!(format!("{} (sandbox test account)", person.name())),
            "website" => json!(format!(
                "{}/instagram/www/profile/{}",
                core.base, person.username
            )),
            other => {
                let message = format!(
                    "(#100) Tried accessing nonexisting field ({other}) on node type (User)"
                );
                return Err(graph_error(StatusCode::BAD_REQUEST, &message, 100, None));
            }
        };
        out.insert(field, value);
    }
    // Like Graph, always answer with the (app-scoped) node id.
    out.entry("id").or_insert_with(|| json!(scoped_id));
    Ok(Value::Object(out))
}

async fn profile_page(State(core): State<Arc<Core>>, Path(username): Path<String>) -> Response {
    html::profile_page(&core.base, SPEC.name, SPEC.accent, &username)
}
