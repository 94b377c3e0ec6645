//! Client authentication where it is due: the code exchange, the refresh and the revocation
//! authenticate the app the way the OpenID provider's discovery document lists (Basic, or the
//! form body), with a secret an admin typed holding spaces, `:`, `+`, `%`, `&` and `=`; so a
//! provider that demands it at revocation (RFC 7009 §2.1) really ends the grant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use common::TestApp;
use reqwest::{Client, StatusCode};
use sandbox::{ClientAuth, OpenIdOptions, Sandbox};

db_tests!(
    each_method_is_used_where_the_provider_lists_it,
    a_provider_listing_no_method_is_told_to_the_admin,
);

const GOOGLE: ProviderId = ProviderId::Google;

/// A secret that breaks any client that does not form-encode it inside Basic (RFC 6749
/// §2.3.1), or trims it.
const SECRET: &str = " s3cret: with+spaces %41&more=yes ";

/// Saves Google through Admin › Social apps, as an admin types it.
async fn save_google(app: &TestApp, admin: &Client, secret: &str) -> reqwest::Response {
    let issuer = app.sandbox.settings(GOOGLE).issuer;
    let client_id = Sandbox::client_id(GOOGLE);
    let form = [
        ("input[provider]", "google"),
        ("input[client_id]", client_id.as_str()),
        ("input[client_secret]", secret),
        ("input[settings][scopes]", "openid email profile"),
        ("input[settings][issuer]", issuer.as_str()),
        ("input[enabled]", "on"),
    ];
    app.call(admin, "save_provider_settings", &form).await
}

async fn each_method_is_used_where_the_provider_lists_it(app: TestApp) {
    app.sandbox.set_client_secret(GOOGLE, SECRET);
    let admin = app.signed_in_admin("root@example.com").await;
    let res = save_google(&app, &admin, SECRET).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let client = app.signed_up("Sam", "sam@example.com").await;
    for method in [ClientAuth::Basic, ClientAuth::Post] {
        // Each endpoint accepts only `method`, and revocation demands it.
        app.sandbox.set_openid(OpenIdOptions {
            sends_iss: false,
            token_auth: Some(vec![method]),
            revocation_auth: Some(vec![method]),
        });
        let res = app.connect(&client, "google", "ada", "allow").await;
        assert_eq!(
            app.outcome(&client, res).await,
            "google:connected",
            "{method:?}"
        );
        let link = app.link("sam@example.com", "google").await;
        let refresh = app
            .open_token(&link, "refresh_token")
            .expect("offline access");

        let renewals = app.sandbox.refresh_count(GOOGLE);
        let report = app.health_round(link.due_at.unwrap()).await;
        assert_eq!(report.renewed, 1, "{method:?}: {report:?}");
        assert_eq!(app.sandbox.refresh_count(GOOGLE), renewals + 1);

        let res = app
            .call(&client, "disconnect_account", &[("provider", "google")])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            app.sandbox.revoked_tokens(GOOGLE).last(),
            Some(&refresh),
            "{method:?}: the revocation was authenticated and accepted"
        );
        assert_eq!(
            app.sandbox.live_tokens(GOOGLE, "ada"),
            0,
            "{method:?}: the grant is over"
        );
    }
    // No method listed at all means Basic (RFC 8414 §2), and that is what is sent.
    app.sandbox.set_openid(OpenIdOptions {
        token_auth: None,
        ..OpenIdOptions::default()
    });
    let res = app.connect(&client, "google", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "google:connected");
}

async fn a_provider_listing_no_method_is_told_to_the_admin(app: TestApp) {
    app.sandbox.set_discovery_field(
        "token_endpoint_auth_methods_supported",
        serde_json::json!(["private_key_jwt"]),
    );
    let admin = app.signed_in_admin("root@example.com").await;
    let res = save_google(&app, &admin, "s").await;
    let app::error::AppError::Invalid { field, message } = common::app_error(res).await else {
        panic!("expected a field error");
    };
    assert_eq!(field.as_deref(), Some("issuer"));
    assert!(
        message.contains("token_endpoint_auth_methods_supported")
            && message.contains("neither client_secret_basic nor client_secret_post"),
        "{message}"
    );
    assert_eq!(app.count("provider_settings").await, 0, "nothing written");
}
