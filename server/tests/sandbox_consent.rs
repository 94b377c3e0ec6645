//! The sandbox's consent page for every provider: vetting, denials, request errors, pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use common::sandbox_harness::*;
use reqwest::{StatusCode, header};
use sandbox::Sandbox;
use url::Url;

#[tokio::test]
async fn unregistered_redirect_or_client_gets_an_error_page_not_a_redirect() {
    let h = start().await;
    for provider in ["facebook", "x", "instagram", "google"] {
        for (key, value) in [
            ("redirect_uri", "http://evil.example/cb"),
            ("redirect_uri", "http://localhost:9/auth/other/callback"),
            ("client_id", "nope"),
        ] {
            let mut params = h.auth_params(provider);
            params.retain(|(k, _)| k != key);
            params.push((key.into(), value.into()));
            let res = h.consent_page(provider, &params).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{provider} {key}");
            assert!(res.headers().get(header::LOCATION).is_none());
            assert!(
                res.headers()[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            // The POST re-validates instead of trusting its hidden fields.
            let mut form = params.clone();
            form.push(("decision".into(), "allow".into()));
            form.push(("account".into(), "ada".into()));
            let res = h
                .http
                .post(h.endpoint(provider, |e| e.authorize_url.clone()))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::BAD_REQUEST,
                "{provider} POST {key}"
            );
        }
    }
}

#[tokio::test]
async fn cancel_sends_each_providers_denial() {
    let h = start().await;
    let expected = [
        (
            "facebook",
            "error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied",
        ),
        ("x", "error=access_denied"),
        (
            "instagram",
            "error=access_denied&error_reason=user_denied&error_description=The+user+denied+your+request.",
        ),
        ("google", "error=access_denied"),
    ];
    for (provider, denial) in expected {
        let location = h
            .decide(provider, &h.auth_params(provider), "cancel", "ada")
            .await;
        let state = url::form_urlencoded::byte_serialize(STATE.as_bytes()).collect::<String>();
        assert_eq!(
            location.as_str(),
            format!("{}?{denial}&state={state}", redirect_uri(provider))
        );
    }
}

#[tokio::test]
async fn request_errors_redirect_with_invalid_request() {
    let h = start().await;
    let cases: [(&str, &str, Option<&str>); 5] = [
        ("x", "code_challenge", None),
        ("x", "code_challenge_method", Some("plain")),
        ("google", "scope", Some("email profile")),
        ("facebook", "response_type", Some("token")),
        ("google", "code_challenge_method", Some("S512")),
    ];
    for (provider, key, value) in cases {
        let mut params = h.auth_params(provider);
        params.retain(|(k, _)| k != key);
        if let Some(value) = value {
            params.push((key.into(), value.into()));
        }
        let res = h.consent_page(provider, &params).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{provider} {key}");
        let location = Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        assert!(location.as_str().starts_with(&redirect_uri(provider)));
        assert_eq!(
            query(&location, "error").as_deref(),
            Some("invalid_request")
        );
        assert!(query(&location, "error_description").is_some());
        assert_eq!(query(&location, "state").as_deref(), Some(STATE));
    }
}

#[tokio::test]
async fn index_identities_versions_and_path_prefixed_apps() {
    let h = start_with("http://localhost:9/prefix").await;
    let index = h
        .http
        .get(&h.base)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains("Orga Connect provider sandbox") && index.contains("Grace Hopper"));
    assert!(Sandbox::identities().contains(&("ada", "Ada Lovelace")));
    assert_eq!(
        h.sandbox.settings(ProviderId::Facebook).profile_url,
        format!("{}/facebook/graph/{{version}}/me", h.base)
    );
    let res = h
        .http
        .get(format!("{}/facebook/graph/latest/me", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            res.status(),
            json_of(res).await.1["error"]["type"]
                .as_str()
                .map(str::to_owned)
        ),
        (StatusCode::BAD_REQUEST, Some("OAuthException".into()))
    );
    let mut params = h.auth_params("x");
    params.retain(|(k, _)| k != "redirect_uri");
    params.push((
        "redirect_uri".into(),
        "http://localhost:9/prefix/auth/x/callback".into(),
    ));
    assert_eq!(h.consent_page("x", &params).await.status(), StatusCode::OK);
    for page in [
        "x/www/profile/ada_lovelace",
        "x/ada_lovelace",
        "instagram/www/grace_hopper",
        "instagram/www/profile/alan_turing",
    ] {
        assert_eq!(
            h.http
                .get(format!("{}/{page}", h.base))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "{page}"
        );
    }
    assert_eq!(
        h.http
            .get(format!("{}/x/nobody", h.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
