//! Instagram in the sandbox: its token answer quirks, the long-lived exchange, `/me`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use common::sandbox_harness::*;
use reqwest::StatusCode;
use sandbox::Sandbox;
use serde_json::json;

#[tokio::test]
async fn instagram_happy_path_and_quirks() {
    let h = start().await;
    assert_eq!(h.sandbox.settings(ProviderId::Instagram).revoke_url, "");
    let code = h.code("instagram", "alan").await;
    let (status, token) = json_of(h.instagram_token(&code).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert!(token.get("token_type").is_none());
    assert!(
        token["user_id"].is_u64(),
        "user_id must be a JSON number: {token}"
    );
    assert_eq!(token["permissions"], json!(["instagram_business_basic"]));
    let short = token["access_token"].as_str().unwrap().to_owned();
    assert!(short.starts_with("IGAA"));

    let exchange = format!("{}/instagram/graph/access_token", h.base);
    let params = [
        ("grant_type", "ig_exchange_token"),
        (
            "client_secret",
            &Sandbox::client_secret(ProviderId::Instagram),
        ),
        ("access_token", &short),
    ];
    let (status, long) = json_of(h.http.get(&exchange).query(&params).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{long}");
    assert_eq!(
        (long["token_type"].as_str(), long["expires_in"].as_u64()),
        (Some("bearer"), Some(5_183_944))
    );
    let long = long["access_token"].as_str().unwrap().to_owned();
    assert!(long.starts_with("IGAA") && long != short);
    let bad = [
        ("grant_type", "ig_exchange_token"),
        ("client_secret", "wrong"),
        ("access_token", short.as_str()),
    ];
    let (status, body) = json_of(h.http.get(&exchange).query(&bad).send().await.unwrap()).await;
    assert_eq!(
        (status, body["error"]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(190))
    );

    let me = h.endpoint("instagram", |e| e.profile_url.clone());
    for access in [&short, &long] {
        let q = [
            ("fields", "user_id,username,name,profile_picture_url"),
            ("access_token", access.as_str()),
        ];
        let (status, profile) = json_of(h.http.get(&me).query(&q).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let user_id = profile["user_id"].as_str().unwrap();
        assert!(all_digits(user_id, 17) && user_id.starts_with("1784"));
        assert_eq!(
            profile["id"].as_str().unwrap(),
            token["user_id"].to_string()
        );
        assert_eq!(
            (profile["username"].as_str(), profile["name"].as_str()),
            (Some("alan_turing"), Some("Alan Turing"))
        );
        let picture = profile["profile_picture_url"].as_str().unwrap();
        assert!(
            picture.starts_with(&format!("{}/avatars/instagram/alan.png?oe=", h.base)),
            "{picture}"
        );
    }
    let (status, body) = json_of(
        h.http
            .get(&me)
            .query(&[("access_token", "IGAAnope")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(190))
    );
    // Reusing the code fails in Instagram's own error shape.
    let (status, body) = json_of(h.instagram_token(&code).await).await;
    assert_eq!(
        (status, body["error_type"].as_str(), body["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some("OAuthException"), Some(400))
    );
}
