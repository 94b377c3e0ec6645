//! X in the sandbox: Basic client authentication, PKCE, `/2/users/me`, revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use common::sandbox_harness::*;
use reqwest::{StatusCode, header};
use serde_json::json;

#[tokio::test]
async fn x_happy_path() {
    let h = start().await;
    let code = h.code("x", "grace").await;
    let (status, token) = json_of(h.x_token(&code).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 7200);
    assert_eq!(token["scope"], "tweet.read users.read offline.access");
    assert!(token["refresh_token"].is_string());
    let access = token["access_token"].as_str().unwrap().to_owned();

    let me = h.endpoint("x", |e| e.profile_url.clone());
    let (status, body) = json_of(
        h.get_bearer(
            &format!("{me}?user.fields=profile_image_url,url,name,username"),
            &access,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let data = &body["data"];
    assert!(all_digits(data["id"].as_str().unwrap(), 19));
    assert_eq!(
        (data["name"].as_str(), data["username"].as_str()),
        (Some("Grace Hopper"), Some("grace_hopper"))
    );
    let picture = data["profile_image_url"].as_str().unwrap();
    assert!(
        picture.starts_with(&format!("{}/avatars/x/grace.png?oe=", h.base)),
        "{picture}"
    );
    assert_eq!(
        data["url"],
        format!("{}/x/www/profile/grace_hopper", h.base)
    );
    let (_, plain) = json_of(h.get_bearer(&me, &access).await).await;
    assert!(plain["data"].get("profile_image_url").is_none());

    let revoke = h.endpoint("x", |e| e.revoke_url.clone());
    let form = [
        ("token", access.as_str()),
        ("token_type_hint", "access_token"),
    ];
    let res = h
        .http
        .post(&revoke)
        .header(header::AUTHORIZATION, basic("x"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(res).await,
        (StatusCode::OK, json!({ "revoked": true }))
    );
    assert_eq!(
        h.sandbox.revoked_tokens(ProviderId::X),
        vec![access.clone()]
    );
    let (status, body) = json_of(h.get_bearer(&me, &access).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({ "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized" })
    );
}
