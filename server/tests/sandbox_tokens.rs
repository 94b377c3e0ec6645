//! The sandbox's token endpoints and faults across providers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use app::connections::ProviderId;
use common::sandbox_harness::*;
use reqwest::{StatusCode, header};
use sandbox::{Endpoint, Fault, Sandbox};
use serde_json::{Value, json};

#[tokio::test]
async fn token_endpoints_enforce_client_auth_pkce_and_single_use() {
    let h = start().await;
    // X: credentials in the body instead of Basic.
    let code = h.code("x", "ada").await;
    let mut form = h.token_form("x", &code, VERIFIER);
    form.push(("client_id".into(), Sandbox::client_id(ProviderId::X)));
    form.push((
        "client_secret".into(),
        Sandbox::client_secret(ProviderId::X),
    ));
    let res = h
        .http
        .post(h.endpoint("x", |e| e.token_url.clone()))
        .form(&form)
        .send()
        .await
        .unwrap();
    let expected = json!({ "error": "unauthorized_client", "error_description": "Missing valid authorization header" });
    assert_eq!(json_of(res).await, (StatusCode::UNAUTHORIZED, expected));

    // Wrong verifiers.
    let (status, body) = json_of(
        h.google_token(
            &h.code("google", "ada").await,
            "wrong-verifier-wrong-verifier-wrong-verifier",
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, body) = json_of(
        h.facebook_token(&h.code("facebook", "ada").await, "nope")
            .await,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(100))
    );
    let form = h.token_form(
        "x",
        &h.code("x", "ada").await,
        "wrong-verifier-wrong-verifier-wrong-verifier",
    );
    let res = h
        .http
        .post(h.endpoint("x", |e| e.token_url.clone()))
        .header(header::AUTHORIZATION, basic("x"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let expected = json!({ "error": "invalid_request", "error_description": "Value passed for the authorization code was invalid." });
    assert_eq!(json_of(res).await, (StatusCode::BAD_REQUEST, expected));

    // Reuse: refused, and the first exchange's token dies with it.
    let code = h.code("google", "alan").await;
    let (_, first) = json_of(h.google_token(&code, VERIFIER).await).await;
    let (status, body) = json_of(h.google_token(&code, VERIFIER).await).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let userinfo = h.endpoint("google", |e| e.profile_url.clone());
    assert_eq!(
        h.get_bearer(&userinfo, first["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let code = h.code("facebook", "alan").await;
    assert_eq!(
        h.facebook_token(&code, VERIFIER).await.status(),
        StatusCode::OK
    );
    let (_, body) = json_of(h.facebook_token(&code, VERIFIER).await).await;
    assert_eq!(
        body["error"]["message"],
        "This authorization code has been used."
    );
}

#[tokio::test]
async fn faults_misbehave_until_cleared() {
    let h = start().await;
    // Status: provider-style body, and the code survives for a retry.
    let code = h.code("facebook", "ada").await;
    h.sandbox
        .set_fault(ProviderId::Facebook, Endpoint::Token, Fault::Status(503));
    let (status, body) = json_of(h.facebook_token(&code, VERIFIER).await).await;
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("OAuthException"))
    );
    h.sandbox.clear_faults();
    assert_eq!(
        h.facebook_token(&code, VERIFIER).await.status(),
        StatusCode::OK
    );

    // MissingFields on a token endpoint and a profile.
    h.sandbox
        .set_fault(ProviderId::X, Endpoint::Token, Fault::MissingFields);
    let (status, token) = json_of(h.x_token(&h.code("x", "ada").await).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(token.get("access_token").is_none() && token.get("token_type").is_some());
    let code = h.code("instagram", "ada").await;
    let (_, token) = json_of(h.instagram_token(&code).await).await;
    h.sandbox.set_fault(
        ProviderId::Instagram,
        Endpoint::Profile,
        Fault::MissingFields,
    );
    let me = h.endpoint("instagram", |e| e.profile_url.clone());
    let q = [
        ("fields", "user_id,username,name"),
        ("access_token", token["access_token"].as_str().unwrap()),
    ];
    let (status, profile) = json_of(h.http.get(&me).query(&q).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile, json!({ "username": "ada_lovelace" }));

    // MalformedJson.
    h.sandbox.set_fault(
        ProviderId::Google,
        Endpoint::Discovery,
        Fault::MalformedJson,
    );
    let res = h
        .http
        .get(format!(
            "{}/google/.well-known/openid-configuration",
            h.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
    assert!(serde_json::from_str::<Value>(&res.text().await.unwrap()).is_err());

    // Delay, installed over the HTTP control surface.
    let control = format!("{}/_sandbox/faults", h.base);
    let fault = json!({ "provider": "google", "endpoint": "jwks", "fault": { "delay_ms": 300 } });
    assert_eq!(
        h.http
            .post(&control)
            .bearer_auth(h.sandbox.control_token())
            .json(&fault)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let started = Instant::now();
    let res = h
        .http
        .get(format!("{}/google/oauth2/v3/certs", h.base))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(res.status(), StatusCode::OK);
    let bad = json!({ "provider": "google", "endpoint": "jwks", "fault": "explode" });
    assert_eq!(
        h.http
            .post(&control)
            .bearer_auth(h.sandbox.control_token())
            .json(&bad)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.http
            .delete(&control)
            .bearer_auth(h.sandbox.control_token())
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let res = h
        .http
        .get(format!(
            "{}/google/.well-known/openid-configuration",
            h.base
        ))
        .send()
        .await
        .unwrap();
    assert!(res.json::<Value>().await.is_ok());
    let (_, revocations) = json_of(
        h.http
            .get(format!("{}/_sandbox/revocations", h.base))
            .bearer_auth(h.sandbox.control_token())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        revocations,
        json!({ "facebook": [], "x": [], "instagram": [], "google": [] })
    );
}
