//! An OpenID issuer's discovery document is checked like an admin's input: its endpoints pass
//! the same validator, and it must name the configured issuer. An admin saving the provider
//! is told what is wrong; a connect against such a document writes nothing and sends nothing
//! to the document's endpoints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use app::error::AppError;
use common::{TestApp, app_error, location};
use reqwest::{Client, StatusCode};
use sandbox::Sandbox;
use serde_json::json;

db_tests!(
    a_document_with_a_bad_endpoint_is_refused_for_the_admin,
    a_document_naming_another_issuer_is_refused_for_the_admin,
    a_connect_against_a_bad_document_writes_nothing,
    moving_the_issuer_needs_the_secret_again,
);

const GOOGLE: ProviderId = ProviderId::Google;

/// Saves Google through Admin › Social apps with `issuer` and `secret`.
async fn save_google(
    app: &TestApp,
    admin: &Client,
    issuer: &str,
    secret: &str,
) -> reqwest::Response {
    let client_id = Sandbox::client_id(GOOGLE);
    let form = [
        ("input[provider]", "google"),
        ("input[client_id]", client_id.as_str()),
        ("input[client_secret]", secret),
        ("input[settings][scopes]", "openid email profile"),
        ("input[settings][issuer]", issuer),
        ("input[enabled]", "on"),
    ];
    app.call(admin, "save_provider_settings", &form).await
}

/// The issuer field's error of a refused save.
async fn issuer_error(res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let AppError::Invalid { field, message } = app_error(res).await else {
        panic!("expected a field error");
    };
    assert_eq!(field.as_deref(), Some("issuer"));
    message
}

async fn a_document_with_a_bad_endpoint_is_refused_for_the_admin(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let issuer = app.sandbox.settings(GOOGLE).issuer;
    let base = app
        .sandbox
        .base_url()
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let cases = [
        (
            "token_endpoint",
            "http://evil.example/token".to_owned(),
            "use https://",
        ),
        (
            "authorization_endpoint",
            "javascript:alert(1)".to_owned(),
            "needs a host",
        ),
        (
            "jwks_uri",
            format!("http://me:pw@{}/certs", &base[7..]),
            "credentials",
        ),
        (
            "userinfo_endpoint",
            format!("{base}/userinfo#x"),
            "#fragment",
        ),
        (
            "revocation_endpoint",
            "ftp://files.example/revoke".to_owned(),
            "only http(s)",
        ),
        (
            "token_endpoint",
            format!("https://x.example/{}", "a".repeat(2100)),
            "too long",
        ),
    ];
    for (field, value, words) in cases {
        app.sandbox.reset_openid();
        app.sandbox.set_discovery_field(field, json!(value));
        let message = issuer_error(save_google(&app, &admin, &issuer, "s").await).await;
        assert!(
            message.contains(field) && message.contains(words),
            "{field}: {message}"
        );
        assert_eq!(app.count("provider_settings").await, 0, "nothing written");
    }
    app.sandbox.reset_openid();
    let res = save_google(&app, &admin, &issuer, "s").await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn a_document_naming_another_issuer_is_refused_for_the_admin(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let issuer = app.sandbox.settings(GOOGLE).issuer;
    app.sandbox
        .set_discovery_field("issuer", json!("https://accounts.google.com"));
    let message = issuer_error(save_google(&app, &admin, &issuer, "s").await).await;
    assert!(
        message.contains("names the issuer \"https://accounts.google.com\""),
        "{message}"
    );
    assert_eq!(app.count("provider_settings").await, 0);
    // Nothing at the issuer: the admin is told so, in words.
    let nowhere = format!("{issuer}/nowhere");
    let message = issuer_error(save_google(&app, &admin, &nowhere, "s").await).await;
    assert!(message.contains("answered HTTP 404"), "{message}");
    assert_eq!(app.count("provider_settings").await, 0);
}

async fn a_connect_against_a_bad_document_writes_nothing(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    // The flow starts with a good document; by the callback, the token endpoint is plain
    // http elsewhere: the code must not go there, and nothing is written.
    let res = client
        .post(format!("{}/auth/google/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    let authorize = url::Url::parse(location(res.headers()).unwrap()).unwrap();
    let back = app.decide(&client, &authorize, "ada", "allow").await;
    app.sandbox
        .set_discovery_field("token_endpoint", json!("http://evil.example/token"));
    let res = client.get(&back).send().await.unwrap();
    assert_eq!(app.outcome(&client, res).await, "google:not_offered");
    assert_eq!(app.count("connected_accounts").await, 0);
    assert_eq!(
        app.sandbox.live_tokens(GOOGLE, "ada"),
        0,
        "no code exchanged"
    );
    // A new flow does not even start.
    let res = client
        .post(format!("{}/auth/google/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(app.outcome(&client, res).await, "google:not_offered");
    assert_eq!(app.count("connected_accounts").await, 0);
}

async fn moving_the_issuer_needs_the_secret_again(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let issuer = app.sandbox.settings(GOOGLE).issuer;
    let res = save_google(&app, &admin, &issuer, "first-secret").await;
    assert_eq!(res.status(), StatusCode::OK);
    // The same issuer on another origin (localhost for 127.0.0.1), secret left empty.
    let moved = issuer.replace("127.0.0.1", "localhost");
    assert_ne!(moved, issuer);
    let res = save_google(&app, &admin, &moved, "").await;
    let AppError::Invalid { field, message } = app_error(res).await else {
        panic!("expected a field error");
    };
    assert_eq!(field.as_deref(), Some("client_secret"));
    assert!(
        message.contains("enter the client secret again"),
        "{message}"
    );
    let stored: String = app
        .value("SELECT CAST(settings AS TEXT) AS v FROM provider_settings")
        .await
        .unwrap();
    assert!(stored.contains(&issuer), "nothing written: {stored}");
}
