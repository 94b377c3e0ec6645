//! Facebook in the sandbox: consent, Graph token exchange, `/me` fields, revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use common::sandbox_harness::*;
use reqwest::{StatusCode, header};
use serde_json::json;

/// `appsecret_proof` of `token` for the sandbox app.
fn proof_of(token: &str) -> String {
    use app::crypto::Secret;
    app::connections::providers::appsecret_proof(
        &Secret::new("sandbox-facebook-secret"),
        &Secret::new(token),
    )
}

#[tokio::test]
async fn facebook_happy_path() {
    let h = start().await;
    let page = h.consent_page("facebook", &h.auth_params("facebook")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for needle in [
        "Sign in to Facebook (sandbox)",
        "Orga Connect wants to access your Facebook account",
        "Choose a test account",
        "Ada Lovelace",
        "@ada_lovelace",
        ">Allow<",
        ">Cancel<",
        "email",
    ] {
        assert!(
            html.replace("<strong>", "")
                .replace("</strong>", "")
                .contains(needle),
            "missing {needle}"
        );
    }
    let code = h.code("facebook", "ada").await;
    let (status, token) = json_of(h.facebook_token(&code, VERIFIER).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(
        token["expires_in"], 5_400,
        "a code buys a short-lived token"
    );
    let short = token["access_token"].as_str().unwrap().to_owned();
    assert!(short.starts_with("EAA"));
    // Traded for a long-lived one, credentials in the POST body.
    let token_url = versioned(&h.endpoint("facebook", |e| e.token_url.clone()));
    let form = [
        ("grant_type", "fb_exchange_token"),
        ("client_id", "sandbox-facebook-app"),
        ("client_secret", "sandbox-facebook-secret"),
        ("fb_exchange_token", short.as_str()),
    ];
    let (status, token) = json_of(h.http.post(&token_url).form(&form).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["expires_in"], 5_183_944, "about 60 days");
    let access = token["access_token"].as_str().unwrap().to_owned();
    assert_ne!(access, short);
    let proof = proof_of(&access);

    let me = h.endpoint("facebook", |e| e.profile_url.clone());
    let fields = "id,name,first_name,last_name,email,picture.type(large),link";
    // "Require App Secret": a Graph call without its proof, or with a wrong one, is refused.
    for wrong in [None, Some(proof_of("another token"))] {
        let mut query = vec![("fields", fields.to_owned())];
        query.extend(wrong.map(|p| ("appsecret_proof", p)));
        let res = h
            .http
            .get(&me)
            .bearer_auth(&access)
            .query(&query)
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(res).await;
        assert_eq!(
            (status, body["error"]["code"].as_u64()),
            (StatusCode::BAD_REQUEST, Some(100))
        );
    }
    let res = h
        .http
        .get(&me)
        .bearer_auth(&access)
        .query(&[("fields", fields), ("appsecret_proof", &proof)])
        .send()
        .await
        .unwrap();
    let (status, profile) = json_of(res).await;
    assert_eq!(status, StatusCode::OK);
    assert!(all_digits(profile["id"].as_str().unwrap(), 15));
    assert_eq!(profile["name"], "Ada Lovelace");
    assert_eq!(
        (
            profile["first_name"].as_str(),
            profile["last_name"].as_str()
        ),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(profile["email"], "ada@sandbox.test");
    let picture = profile["picture"]["data"]["url"].as_str().unwrap();
    assert!(
        picture.starts_with(&format!("{}/avatars/facebook/ada.png?oe=", h.base)),
        "{picture}"
    );
    let avatar = h.http.get(picture).send().await.unwrap();
    assert_eq!(avatar.headers()[header::CONTENT_TYPE], "image/png");
    let link = profile["link"].as_str().unwrap();
    assert_eq!(
        link,
        format!("{}/facebook/www/profile/ada_lovelace", h.base)
    );
    assert_eq!(
        h.http.get(link).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Only what was asked for (plus id).
    let res = h
        .get_bearer(
            &format!("{me}?fields=name&appsecret_proof={proof}"),
            &access,
        )
        .await;
    assert_eq!(json_of(res).await.1.as_object().unwrap().len(), 2);

    let revoke = h.endpoint("facebook", |e| e.revoke_url.clone());
    let (status, body) = json_of(
        h.http
            .delete(&revoke)
            .query(&[("access_token", &access), ("appsecret_proof", &proof)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "success": true })));
    assert_eq!(
        h.sandbox.revoked_tokens(ProviderId::Facebook),
        vec![access.clone()]
    );
    let (status, body) = json_of(
        h.http
            .get(&me)
            .query(&[("access_token", &access)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], 190);
    assert_eq!(body["error"]["type"], "OAuthException");
}
