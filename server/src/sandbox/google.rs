//! Google as an OpenID Connect provider: discovery, RS256 id_tokens, JWKS, userinfo, revocation.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::consent::{self, PkcePolicy, ProviderSpec};
use super::faults::{self, Reply};
use super::identities::Identity;
use super::store::{TokenKind, TokenRecord};
use super::{Core, Endpoint, Sandbox, util};

const SLUG: &str = "google";
const EXPIRES_IN: u64 = 3599;
const KEY_ID: &str = "sandbox-key-1";
const EMAIL_SCOPE: &str = "https://www.googleapis.com/auth/userinfo.email";
const PROFILE_SCOPE: &str = "https://www.googleapis.com/auth/userinfo.profile";

/// Consent-page behaviour of Google.
pub(crate) const SPEC: ProviderSpec = ProviderSpec {
    slug: SLUG,
    name: "Google",
    accent: "#1a73e8",
    pkce: PkcePolicy::Optional,
    requires_openid: true,
    default_scope: None,
    denial: &[("error", "access_denied")],
};

/// Google's routes.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .route("/google/.well-known/openid-configuration", get(discovery))
        .route(
            "/google/o/oauth2/v2/auth",
            get(authorize_get).post(authorize_post),
        )
        .route("/google/token", post(token))
        .route("/google/v1/userinfo", get(userinfo).post(userinfo))
        .route("/google/oauth2/v3/certs", get(jwks))
        .route("/google/revoke", post(revoke))
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    util::json(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

fn injected(status: StatusCode) -> Response {
    oauth_error(
        status,
        "server_error",
        status.canonical_reason().unwrap_or("Backend Error"),
    )
}

/// Google reports `email`/`profile` under their long URL names, `openid` first.
fn granted_scope(scopes: &[String]) -> String {
    let mut expanded: Vec<&str> = scopes
        .iter()
        .map(|s| match s.as_str() {
            "email" => EMAIL_SCOPE,
            "profile" => PROFILE_SCOPE,
            other => other,
        })
        .collect();
    let rank = |s: &&str| match *s {
        "openid" => 0,
        EMAIL_SCOPE => 1,
        PROFILE_SCOPE => 2,
        _ => 3,
    };
    expanded.sort_by_key(rank);
    expanded.dedup();
    expanded.join(" ")
}

fn has_scope(scopes: &[String], short: &str, long: &str) -> bool {
    scopes.iter().any(|s| s == short || s == long)
}

/// Standard claims of `person`, limited to what the scopes allow (shared by id_token and userinfo).
fn person_claims(
    core: &Core,
    person: &Identity,
    scopes: &[String],
) -> serde_json::Map<String, Value> {
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), json!(person.provider_id(SLUG)));
    if has_scope(scopes, "profile", PROFILE_SCOPE) {
        claims.insert("name".into(), json!(person.name()));
        claims.insert("given_name".into(), json!(person.first));
        claims.insert("family_name".into(), json!(person.last));
        claims.insert(
            "picture".into(),
            json!(format!("{}/avatars/{}.svg", core.base, person.key)),
        );
    }
    if has_scope(scopes, "email", EMAIL_SCOPE) {
        claims.insert("email".into(), json!(person.email));
        claims.insert("email_verified".into(), json!(true));
    }
    claims
}

async fn discovery(State(core): State<Arc<Core>>) -> Response {
    let b = &core.base;
    let run = async {
        Ok(json!({
            "issuer": format!("{b}/google"),
            "authorization_endpoint": format!("{b}/google/o/oauth2/v2/auth"),
            "token_endpoint": format!("{b}/google/token"),
            "userinfo_endpoint": format!("{b}/google/v1/userinfo"),
            "revocation_endpoint": format!("{b}/google/revoke"),
            "jwks_uri": format!("{b}/google/oauth2/v3/certs"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name",
                "iat", "iss", "name", "nonce", "picture", "sub"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code"],
        }))
    };
    faults::guard(&core, SLUG, Endpoint::Discovery, injected, run).await
}

async fn jwks(State(core): State<Arc<Core>>) -> Response {
    let run = async { Ok(json!({ "keys": [core.jwk.clone()] })) };
    faults::guard(&core, SLUG, Endpoint::Jwks, injected, run).await
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
        injected,
        exchange(&core, &headers, &params),
    )
    .await
}

/// client_secret_basic or client_secret_post; both at once must agree on the client.
fn authenticate(headers: &HeaderMap, params: &HashMap<String, String>) -> Result<(), Response> {
    let body_id = util::param(params, "client_id");
    let (id, secret) = match util::basic_auth(headers) {
        Some((id, _)) if body_id.is_some_and(|b| b != id) => {
            return Err(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Unauthorized",
            ));
        }
        Some(credentials) => credentials,
        None => match body_id {
            Some(id) => (
                id.to_owned(),
                util::param(params, "client_secret")
                    .unwrap_or_default()
                    .to_owned(),
            ),
            None => {
                let message = "Could not determine client ID from request.";
                return Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    message,
                ));
            }
        },
    };
    if id == Sandbox::client_id(SLUG) && secret == Sandbox::client_secret(SLUG) {
        Ok(())
    } else {
        Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unauthorized",
        ))
    }
}

async fn exchange(core: &Core, headers: &HeaderMap, params: &HashMap<String, String>) -> Reply {
    authenticate(headers, params)?;
    let bad = |error: &str, description: &str| {
        Err(oauth_error(StatusCode::BAD_REQUEST, error, description))
    };
    match util::param(params, "grant_type") {
        Some("authorization_code") => {}
        Some(other) => {
            return bad(
                "unsupported_grant_type",
                &format!("Invalid grant_type: {other}"),
            );
        }
        None => return bad("invalid_request", "Missing required parameter: grant_type"),
    }
    let Some(code) = util::param(params, "code") else {
        return bad("invalid_request", "Missing required parameter: code");
    };
    let Some(redirect_uri) = util::param(params, "redirect_uri") else {
        return bad(
            "invalid_request",
            "Missing required parameter: redirect_uri",
        );
    };
    let Ok(grant) = core.store.redeem(SLUG, code) else {
        return bad("invalid_grant", "Bad Request");
    };
    if grant.redirect_uri != redirect_uri {
        return bad("redirect_uri_mismatch", "Bad Request");
    }
    match util::check_pkce(
        grant.code_challenge.as_deref(),
        grant.code_challenge_method.as_deref(),
        util::param(params, "code_verifier"),
    ) {
        util::Pkce::Ok => {}
        util::Pkce::Missing => return bad("invalid_grant", "Missing code verifier."),
        util::Pkce::Mismatch => return bad("invalid_grant", "Bad Request"),
    }
    let access_token = core.store.issue(
        "ya29.",
        TokenRecord {
            provider: SLUG,
            kind: TokenKind::Access,
            identity: grant.identity,
            scopes: grant.scopes.clone(),
            expires_at: Instant::now() + Duration::from_secs(EXPIRES_IN),
            revoked: false,
            origin_code: code.to_owned(),
        },
    );
    let id_token = sign_id_token(core, &grant.client_id, &grant, &access_token)?;
    Ok(json!({
        "access_token": access_token,
        "expires_in": EXPIRES_IN,
        "scope": granted_scope(&grant.scopes),
        "token_type": "Bearer",
        "id_token": id_token,
    }))
}

fn sign_id_token(
    core: &Core,
    client_id: &str,
    grant: &super::store::CodeGrant,
    access_token: &str,
) -> Result<String, Response> {
    let server_error = || {
        oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "id_token signing unavailable",
        )
    };
    let key = core.signing_key.as_ref().ok_or_else(server_error)?;
    let iat = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut claims = person_claims(core, grant.identity, &grant.scopes);
    claims.insert("iss".into(), json!(format!("{}/google", core.base)));
    claims.insert("aud".into(), json!(client_id));
    claims.insert("azp".into(), json!(client_id));
    // at_hash: left half of SHA-256 of the access token, as OIDC Core §3.1.3.6 specifies for RS256.
    claims.insert(
        "at_hash".into(),
        json!(URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])),
    );
    claims.insert("iat".into(), json!(iat));
    claims.insert("exp".into(), json!(iat + 3600));
    if let Some(nonce) = &grant.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    let header = Header {
        kid: Some(KEY_ID.to_owned()),
        ..Header::new(Algorithm::RS256)
    };
    jsonwebtoken::encode(&header, &Value::Object(claims), key).map_err(|error| {
        tracing::error!(%error, "sandbox id_token signing failed");
        server_error()
    })
}

async fn userinfo(State(core): State<Arc<Core>>, headers: HeaderMap) -> Response {
    let run = async {
        let record = util::bearer(&headers)
            .and_then(|token| core.store.access_token(SLUG, &token))
            .ok_or_else(|| {
                let mut response = oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_request",
                    "Invalid Credentials",
                );
                let challenge =
                    "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static(challenge),
                );
                response
            })?;
        Ok(Value::Object(person_claims(
            &core,
            record.identity,
            &record.scopes,
        )))
    };
    faults::guard(&core, SLUG, Endpoint::Profile, injected, run).await
}

async fn revoke(State(core): State<Arc<Core>>, uri: Uri, body: Bytes) -> Response {
    let params = util::query_and_body(uri.query(), &body);
    let run = async {
        let Some(token) = util::param(&params, "token") else {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Bad Request",
            ));
        };
        if core.store.revoke(SLUG, token) {
            Ok(json!({}))
        } else {
            Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_token",
                "Token expired or revoked",
            ))
        }
    };
    faults::guard(&core, SLUG, Endpoint::Revoke, injected, run).await
}
