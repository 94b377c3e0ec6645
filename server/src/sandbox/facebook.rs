//! Facebook Login and the Graph API `/me` as Facebook serves them: versioned paths,
//! client credentials in the query or body, `EAA…` tokens and `OAuthException` errors.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{delete, get};
use serde_json::{Map, Value, json};

use super::consent::{self, PkcePolicy, ProviderSpec};
use super::faults::{self, Reply};
use super::store::{RedeemError, TokenKind, TokenRecord};
use super::{Core, Endpoint, Sandbox, html, util};

const SLUG: &str = "facebook";
/// Facebook's long-lived user tokens last about 60 days; this is the figure it reports.
const EXPIRES_IN: u64 = 5_183_944;

/// Consent-page behaviour of Facebook.
pub(crate) const SPEC: ProviderSpec = ProviderSpec {
    slug: SLUG,
    name: "Facebook",
    accent: "#1877f2",
    pkce: PkcePolicy::Optional,
    requires_openid: false,
    default_scope: Some("public_profile"),
    denial: &[
        ("error", "access_denied"),
        ("error_code", "200"),
        ("error_description", "Permissions error"),
        ("error_reason", "user_denied"),
    ],
};

/// Facebook's routes.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/facebook/www/{version}/dialog/oauth",
            get(dialog_get).post(dialog_post),
        )
        .route(
            "/facebook/graph/{version}/oauth/access_token",
            get(token).post(token),
        )
        .route("/facebook/graph/{version}/me", get(me))
        .route("/facebook/graph/{version}/me/permissions", delete(revoke))
        .route("/facebook/www/profile/{username}", get(profile_page))
}

/// The Graph API error envelope.
pub(crate) fn graph_error(
    status: StatusCode,
    message: &str,
    code: u32,
    subcode: Option<u32>,
) -> Response {
    let mut error = json!({ "message": message, "type": "OAuthException", "code": code });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    error["fbtrace_id"] = json!(util::fbtrace_id());
    util::json(status, json!({ "error": error }))
}

/// Graph's answer to an access token it cannot use (Instagram's graph shares it).
pub(crate) fn invalid_token() -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        "Invalid OAuth access token - Cannot parse access token",
        190,
        None,
    )
}

/// Graph's answer to an injected status.
pub(crate) fn transient_error(status: StatusCode) -> Response {
    graph_error(
        status,
        "An unexpected error has occurred. Please retry your request later.",
        2,
        None,
    )
}

/// Graph's answer to a path whose version is not `v<major>.<minor>`.
pub(crate) fn bad_version(version: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        &format!("Unknown path components: /{version}"),
        2500,
        None,
    )
}

async fn dialog_get(
    State(core): State<Arc<Core>>,
    Path(version): Path<String>,
    uri: Uri,
    RawQuery(q): RawQuery,
) -> Response {
    if !util::valid_graph_version(&version) {
        return html::error_page(
            StatusCode::BAD_REQUEST,
            SPEC.name,
            "Unsupported Graph API version in the dialog URL.",
        );
    }
    consent::show(
        &core,
        &SPEC,
        uri.path(),
        &util::parse_form(q.unwrap_or_default().as_bytes()),
    )
}

async fn dialog_post(
    State(core): State<Arc<Core>>,
    Path(version): Path<String>,
    body: Bytes,
) -> Response {
    if !util::valid_graph_version(&version) {
        return html::error_page(
            StatusCode::BAD_REQUEST,
            SPEC.name,
            "Unsupported Graph API version in the dialog URL.",
        );
    }
    consent::decide(&core, &SPEC, &util::parse_form(&body))
}

async fn token(
    State(core): State<Arc<Core>>,
    Path(version): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    if !util::valid_graph_version(&version) {
        return bad_version(&version);
    }
    let params = util::query_and_body(uri.query(), &body);
    faults::guard(
        &core,
        SLUG,
        Endpoint::Token,
        transient_error,
        exchange(&core, &params),
    )
    .await
}

async fn exchange(core: &Core, params: &HashMap<String, String>) -> Reply {
    let fail = |message: &str, code: u32, subcode: Option<u32>| {
        Err(graph_error(StatusCode::BAD_REQUEST, message, code, subcode))
    };
    match util::param(params, "client_id") {
        None => return fail("Missing client_id parameter.", 101, None),
        Some(id) if id != Sandbox::client_id(SLUG) => {
            return fail(
                "Error validating application. Invalid application ID.",
                101,
                None,
            );
        }
        Some(_) => {}
    }
    if util::param(params, "client_secret") != Some(Sandbox::client_secret(SLUG).as_str()) {
        return fail("Error validating client secret.", 1, None);
    }
    let Some(redirect_uri) = util::param(params, "redirect_uri") else {
        return fail("Missing redirect_uri parameter.", 191, None);
    };
    let Some(code) = util::param(params, "code") else {
        return fail("Missing authorization code parameter.", 100, None);
    };
    let grant = match core.store.redeem(SLUG, code) {
        Ok(grant) => grant,
        Err(RedeemError::Unknown) => return fail("Invalid verification code format.", 100, None),
        Err(RedeemError::Reused) => {
            return fail("This authorization code has been used.", 100, Some(36009));
        }
        Err(RedeemError::Expired) => {
            return fail("This authorization code has expired.", 100, Some(36007));
        }
    };
    if grant.redirect_uri != redirect_uri {
        return fail(
            "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            100,
            Some(36008),
        );
    }
    let verifier = util::param(params, "code_verifier");
    if util::check_pkce(
        grant.code_challenge.as_deref(),
        grant.code_challenge_method.as_deref(),
        verifier,
    ) != util::Pkce::Ok
    {
        return fail("Invalid code verifier.", 100, None);
    }
    let access_token = core.store.issue(
        "EAA",
        TokenRecord {
            provider: SLUG,
            kind: TokenKind::Access,
            identity: grant.identity,
            scopes: grant.scopes,
            expires_at: Instant::now() + Duration::from_secs(EXPIRES_IN),
            revoked: false,
            origin_code: code.to_owned(),
        },
    );
    Ok(json!({ "access_token": access_token, "token_type": "bearer", "expires_in": EXPIRES_IN }))
}

/// The token of a Graph request: `access_token` parameter, else `Authorization: Bearer`.
pub(crate) fn request_token(
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Option<String> {
    util::param(params, "access_token")
        .map(str::to_owned)
        .or_else(|| util::bearer(headers))
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
    let requested = util::param(params, "fields")
        .map(util::graph_fields)
        .unwrap_or_else(|| vec!["id".into(), "name".into()]);
    let mut out = Map::new();
    for field in requested {
        let value = match field.as_str() {
            "id" => json!(person.provider_id(SLUG)),
            "name" => json!(person.name()),
            "first_name" => json!(person.first),
            "last_name" => json!(person.last),
            "short_name" => json!(person.first),
            "name_format" => json!("{first} {last}"),
            // Without the email permission Graph silently leaves the field out.
            "email" if record.scopes.iter().any(|s| s == "email") => json!(person.email),
            "email" | "middle_name" => continue,
            "picture" => json!({ "data": {
                "height": 200, "is_silhouette": false, "url": format!("{}/avatars/{}.svg", core.base, person.key), "width": 200
            }}),
            "link" => json!(format!(
                "{}/facebook/www/profile/{}",
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
    // Graph always answers with the node id, requested or not.
    out.entry("id")
        .or_insert_with(|| json!(person.provider_id(SLUG)));
    Ok(Value::Object(out))
}

async fn revoke(
    State(core): State<Arc<Core>>,
    Path(version): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !util::valid_graph_version(&version) {
        return bad_version(&version);
    }
    let params = util::query_and_body(uri.query(), &body);
    let run = async {
        let token = request_token(&params, &headers).ok_or_else(invalid_token)?;
        if core.store.revoke(SLUG, &token) {
            Ok(json!({ "success": true }))
        } else {
            Err(invalid_token())
        }
    };
    faults::guard(&core, SLUG, Endpoint::Revoke, transient_error, run).await
}

async fn profile_page(State(core): State<Arc<Core>>, Path(username): Path<String>) -> Response {
    html::profile_page(&core.base, SPEC.name, SPEC.accent, &username)
}
