//! Google as an OpenID Connect provider: discovery, RS256 id_tokens, JWKS, userinfo, revocation.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::connections::ProviderId;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::MethodFilter;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::client_auth::authenticate;
use super::{Call, Refusal, api, redeem, standard_routes};
use crate::faults::{Endpoint, Reply};
use crate::identities::Identity;
use crate::openid;
use crate::spec::{GOOGLE_ISSUER_PATH, spec};
use crate::store::{CodeGrant, TokenKind, TokenRecord};
use crate::util::oauth_error;
use crate::{Core, util};

const ID: ProviderId = ProviderId::Google;
const EXPIRES_IN: u64 = 3599;
/// Google refresh tokens live until revoked (or six months unused); six months stands in.
const REFRESH_TTL: Duration = Duration::from_secs(180 * 24 * 3600);
const KEY_ID: &str = "sandbox-key-1";
const EMAIL_SCOPE: &str = "https://www.googleapis.com/auth/userinfo.email";
const PROFILE_SCOPE: &str = "https://www.googleapis.com/auth/userinfo.profile";

/// Google's JSON routes, discovery and JWKS included.
pub(crate) fn routes() -> Router<Arc<Core>> {
    let (get, post) = (MethodFilter::GET, MethodFilter::POST);
    let discovery_path = format!("{GOOGLE_ISSUER_PATH}/.well-known/openid-configuration");
    standard_routes(
        ID,
        injected,
        (post, exchange),
        (get.or(post), userinfo),
        Some((post, revoke_token)),
    )
    .route(
        &discovery_path,
        api(get, ID, Endpoint::Discovery, injected, discovery),
    )
    .route(JWKS_PATH, api(get, ID, Endpoint::Jwks, injected, jwks))
}

/// Where the signing keys are published.
const JWKS_PATH: &str = "/google/oauth2/v3/certs";

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
    claims.insert("sub".into(), json!(person.provider_id(ID)));
    if has_scope(scopes, "profile", PROFILE_SCOPE) {
        claims.insert("name".into(), json!(person.name()));
        claims.insert("given_name".into(), json!(person.first));
        claims.insert("family_name".into(), json!(person.last));
        claims.insert(
            "picture".into(),
            json!(core.avatar_url(ProviderId::Google, person.key)),
        );
    }
    if has_scope(scopes, "email", EMAIL_SCOPE) {
        claims.insert("email".into(), json!(person.email));
        claims.insert("email_verified".into(), json!(true));
    }
    claims
}

fn discovery(core: &Core, _call: &Call) -> Reply {
    let b = &core.base;
    let endpoints = spec(ID).settings(b);
    let options = core.store.openid();
    let mut document = json!({
        "issuer": endpoints.issuer,
        "authorization_endpoint": endpoints.authorize_url,
        "token_endpoint": endpoints.token_url,
        "userinfo_endpoint": endpoints.profile_url,
        "revocation_endpoint": endpoints.revoke_url,
        "jwks_uri": format!("{b}{JWKS_PATH}"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name",
            "iat", "iss", "name", "nonce", "picture", "sub"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
    });
    let Some(fields) = document.as_object_mut() else {
        return Ok(document);
    };
    if let Some(methods) = &options.token_auth {
        fields.insert(
            "token_endpoint_auth_methods_supported".into(),
            openid::names(methods),
        );
    }
    if let Some(methods) = &options.revocation_auth {
        fields.insert(
            "revocation_endpoint_auth_methods_supported".into(),
            openid::names(methods),
        );
    }
    if options.sends_iss {
        fields.insert(
            "authorization_response_iss_parameter_supported".into(),
            json!(true),
        );
    }
    openid::apply(fields, &core.store.overrides().discovery);
    Ok(document)
}

fn jwks(core: &Core, _call: &Call) -> Reply {
    Ok(json!({ "keys": [core.jwk.clone()] }))
}

fn exchange(core: &Core, call: &Call) -> Reply {
    authenticate(core, call, ID, &core.store.openid().token_methods())?;
    let params = &call.body;
    let bad =
        |error: &str, description: &str| oauth_error(StatusCode::BAD_REQUEST, error, description);
    match util::param(params, "grant_type") {
        Some("authorization_code") => {}
        Some("refresh_token") => return refresh(core, call),
        Some(other) => {
            return Err(bad(
                "unsupported_grant_type",
                &format!("Invalid grant_type: {other}"),
            ));
        }
        None => {
            return Err(bad(
                "invalid_request",
                "Missing required parameter: grant_type",
            ));
        }
    }
    let Some(code) = util::param(params, "code") else {
        return Err(bad("invalid_request", "Missing required parameter: code"));
    };
    let Some(redirect_uri) = util::param(params, "redirect_uri") else {
        return Err(bad(
            "invalid_request",
            "Missing required parameter: redirect_uri",
        ));
    };
    let verifier = util::param(params, "code_verifier");
    let grant =
        redeem(core, ID, code, redirect_uri, verifier).map_err(|refusal| match refusal {
            Refusal::RedirectMismatch => bad("redirect_uri_mismatch", "Bad Request"),
            Refusal::VerifierMissing => bad("invalid_grant", "Missing code verifier."),
            _ => bad("invalid_grant", "Bad Request"),
        })?;
    let ttl = core.store.access_ttl(ID, Duration::from_secs(EXPIRES_IN));
    let record = TokenRecord::from_grant(&grant, code, TokenKind::Access, ttl);
    let access_token = core.store.issue("ya29.", record);
    let id_token = sign_id_token(core, &grant, &access_token)?;
    let mut body = json!({
        "access_token": access_token,
        "expires_in": ttl.as_secs().max(1),
        "scope": granted_scope(&grant.scopes),
        "token_type": "Bearer",
        "id_token": id_token,
    });
    if grant.offline {
        let refresh = TokenRecord::from_grant(&grant, code, TokenKind::Refresh, REFRESH_TTL);
        body["refresh_token"] = json!(core.store.issue("1//", refresh));
    }
    Ok(body)
}

/// The refresh grant: a new access token; the refresh token stays the same (Google does not
/// rotate it). <https://developers.google.com/identity/protocols/oauth2/web-server#offline>
fn refresh(core: &Core, call: &Call) -> Reply {
    let token = util::param(&call.body, "refresh_token").ok_or_else(|| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: refresh_token",
        )
    })?;
    let record = core.store.redeem_refresh(ID, token, false).map_err(|_| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Token has been expired or revoked.",
        )
    })?;
    let ttl = core.store.access_ttl(ID, Duration::from_secs(EXPIRES_IN));
    let access = record.successor(TokenKind::Access, ttl);
    Ok(json!({
        "access_token": core.store.issue("ya29.", access),
        "expires_in": ttl.as_secs().max(1),
        "scope": granted_scope(&record.scopes),
        "token_type": "Bearer",
    }))
}

/// An RS256 ID token for `grant`, bound to `access_token` by `at_hash`.
fn sign_id_token(core: &Core, grant: &CodeGrant, access_token: &str) -> Result<String, Response> {
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
    claims.insert("iss".into(), json!(spec(ID).settings(&core.base).issuer));
    claims.insert("aud".into(), json!(grant.client_id));
    claims.insert("azp".into(), json!(grant.client_id));
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
    openid::apply(&mut claims, &core.store.overrides().id_token);
    let header = Header {
        kid: Some(KEY_ID.to_owned()),
        ..Header::new(Algorithm::RS256)
    };
    jsonwebtoken::encode(&header, &Value::Object(claims), key).map_err(|error| {
        tracing::error!(%error, "sandbox id_token signing failed");
        server_error()
    })
}

fn userinfo(core: &Core, call: &Call) -> Reply {
    let record = util::bearer(&call.headers)
        .and_then(|token| core.store.access_token(ID, &token))
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
    let mut claims = person_claims(core, record.identity, &record.scopes);
    openid::apply(&mut claims, &core.store.overrides().userinfo);
    Ok(Value::Object(claims))
}

fn revoke_token(core: &Core, call: &Call) -> Reply {
    if let Some(methods) = core.store.openid().revocation_auth {
        authenticate(core, call, ID, &methods)?;
    }
    let params = call.merged();
    let Some(token) = util::param(&params, "token") else {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Bad Request",
        ));
    };
    if core.store.revoke(ID, token) {
        Ok(json!({}))
    } else {
        Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_token",
            "Token expired or revoked",
        ))
    }
}
