//! Google in the sandbox: discovery, signed ID tokens, userinfo, revocation, client auth.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::sandbox_harness::*;
use reqwest::{StatusCode, header};
use sandbox::Sandbox;
use serde_json::{Value, json};

#[tokio::test]
async fn google_happy_path_with_verified_id_token() {
    let h = start().await;
    let issuer = h.sandbox.settings(ProviderId::Google).issuer;
    assert_eq!(issuer, format!("{}/google", h.base));
    let (_, discovery) = json_of(
        h.http
            .get(format!("{issuer}/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(discovery["issuer"], issuer);
    assert_eq!(
        discovery["token_endpoint"],
        h.endpoint("google", |e| e.token_url.clone())
    );
    let (_, jwks) = json_of(
        h.http
            .get(discovery["jwks_uri"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;

    let code = h.code("google", "ada").await;
    let (status, token) = json_of(h.google_token(&code, VERIFIER).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3599);
    assert_eq!(
        token["scope"],
        "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile"
    );
    let access = token["access_token"].as_str().unwrap().to_owned();
    assert!(access.starts_with("ya29."));

    let id_token = token["id_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"].as_str() == header.kid.as_deref())
        .unwrap();
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap(),
        key["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[&issuer]);
    validation.set_audience(&[Sandbox::client_id(ProviderId::Google)]);
    let claims = jsonwebtoken::decode::<Value>(id_token, &decoding, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["azp"], Sandbox::client_id(ProviderId::Google));
    assert_eq!(
        (claims["email"].as_str(), claims["email_verified"].as_bool()),
        (Some("ada@sandbox.test"), Some(true))
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    let sub = claims["sub"].as_str().unwrap().to_owned();
    assert!(all_digits(&sub, 21));

    let userinfo = discovery["userinfo_endpoint"].as_str().unwrap();
    let (status, info) = json_of(h.get_bearer(userinfo, &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["sub"], sub.as_str());
    assert_eq!(
        (info["given_name"].as_str(), info["family_name"].as_str()),
        (Some("Ada"), Some("Lovelace"))
    );
    let picture = info["picture"].as_str().unwrap();
    assert!(
        picture.starts_with(&format!("{}/avatars/google/ada.png?oe=", h.base)),
        "{picture}"
    );

    let revoke = discovery["revocation_endpoint"].as_str().unwrap();
    let res = h
        .http
        .post(revoke)
        .form(&[("token", &access)])
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(res).await, (StatusCode::OK, json!({})));
    assert_eq!(
        h.sandbox.revoked_tokens(ProviderId::Google),
        vec![access.clone()]
    );
    let (status, body) = json_of(h.get_bearer(userinfo, &access).await).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Invalid Credentials"))
    );
    let (status, body) = json_of(
        h.http
            .post(revoke)
            .form(&[("token", &access)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_token"))
    );
}

#[tokio::test]
async fn google_accepts_client_secret_basic_and_rejects_bad_clients() {
    let h = start().await;
    let url = h.endpoint("google", |e| e.token_url.clone());
    let code = h.code("google", "grace").await;
    let wrong = format!("Basic {}", STANDARD.encode("sandbox-google-app:wrong"));
    let form = h.token_form("google", &code, VERIFIER);
    let (status, body) = json_of(
        h.http
            .post(&url)
            .header(header::AUTHORIZATION, wrong)
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "error": "invalid_client", "error_description": "Unauthorized" })
        )
    );
    // A client-authentication failure does not burn the code.
    let (status, body) = json_of(
        h.http
            .post(&url)
            .header(header::AUTHORIZATION, basic("google"))
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
