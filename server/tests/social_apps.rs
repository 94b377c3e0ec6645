//! Admin › Social apps: admins only, write-only secrets, checked values, and the Connect button
//! offered only for enabled providers with credentials.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::error::AppError;
use common::{TestApp, app_error};
use reqwest::StatusCode;

db_tests!(
    only_admins_see_and_change_settings,
    secrets_are_write_only,
    bad_values_are_refused_and_nothing_is_written,
    every_bad_value_is_reported_at_once,
    providers_are_offered_only_when_complete,
    moving_an_endpoint_to_another_host_needs_the_secret_again,
    a_secret_may_hold_spaces,
);

fn form<'a>(provider: &'a str, secret: &'a str, enabled: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("input[provider]", provider),
        ("input[client_id]", "my-client"),
        ("input[client_secret]", secret),
        ("input[settings][scopes]", "tweet.read users.read"),
        (
            "input[settings][authorize_url]",
            "https://x.com/i/oauth2/authorize",
        ),
        (
            "input[settings][token_url]",
            "https://api.x.com/2/oauth2/token",
        ),
        (
            "input[settings][profile_url]",
            "https://api.x.com/2/users/me",
        ),
        (
            "input[settings][revoke_url]",
            "https://api.x.com/2/oauth2/revoke",
        ),
    ];
    if enabled {
        f.push(("input[enabled]", "on"));
    }
    f
}

async fn only_admins_see_and_change_settings(app: TestApp) {
    let user = app.signed_up("Sam", "sam@example.com").await;
    assert_eq!(
        app_error(app.call(&user, "list_provider_settings", &[]).await).await,
        AppError::Forbidden
    );
    assert_eq!(
        app_error(
            app.call(&user, "save_provider_settings", &form("x", "s", true))
                .await
        )
        .await,
        AppError::Forbidden
    );
    assert_eq!(app.count("provider_settings").await, 0);
    let admin = app.signed_in_admin("root@example.com").await;
    let res = app
        .call(
            &admin,
            "save_provider_settings",
            &form("x", "top-secret", true),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.count("provider_settings").await, 1);
}

async fn secrets_are_write_only(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    app.call(
        &admin,
        "save_provider_settings",
        &form("x", "top-secret", true),
    )
    .await;
    let listed = app
        .call(&admin, "list_provider_settings", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !listed.contains("top-secret") && !listed.contains("v2:"),
        "{listed}"
    );
    assert!(listed.contains(r#""secret_set":true"#), "{listed}");
    // An empty secret keeps the saved one: still offered.
    let res = app
        .call(&admin, "save_provider_settings", &form("x", "", true))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let listed = app
        .call(&admin, "list_provider_settings", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        listed.contains(r#""secret_set":true,"settings""#) && listed.contains(r#""offered":true"#),
        "{listed}"
    );
    let page = app.page(&admin, "/admin/social-apps").await;
    assert!(!page.contains("top-secret"));
    assert!(
        page.contains(&format!("{}/auth/x/callback", app.base)),
        "the redirect URI to register is shown"
    );
}

async fn bad_values_are_refused_and_nothing_is_written(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let mut bad_url = form("x", "s", true);
    bad_url[4] = ("input[settings][authorize_url]", "javascript:alert(1)");
    let err = app_error(app.call(&admin, "save_provider_settings", &bad_url).await).await;
    assert_eq!(err.field(), Some("authorize_url"));
    let mut plain_http = form("x", "s", true);
    plain_http[5] = (
        "input[settings][token_url]",
        "http://api.x.com/2/oauth2/token",
    );
    assert_eq!(
        app_error(
            app.call(&admin, "save_provider_settings", &plain_http)
                .await
        )
        .await
        .field(),
        Some("token_url")
    );
    let no_secret = form("x", "", true);
    assert_eq!(
        app_error(app.call(&admin, "save_provider_settings", &no_secret).await)
            .await
            .field(),
        Some("enabled")
    );
    let google = [
        ("input[provider]", "google"),
        ("input[client_id]", "c"),
        ("input[client_secret]", "s"),
        ("input[settings][scopes]", "openid"),
        ("input[settings][issuer]", "not a url"),
    ];
    assert_eq!(
        app_error(app.call(&admin, "save_provider_settings", &google).await)
            .await
            .field(),
        Some("issuer")
    );
    let unknown = app
        .call(
            &admin,
            "save_provider_settings",
            &form("myspace", "s", true),
        )
        .await;
    // A provider that does not exist cannot be named by the form: a malformed request.
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert!(matches!(app_error(unknown).await, AppError::BadRequest(_)));
    assert_eq!(app.count("provider_settings").await, 0);
}

async fn providers_are_offered_only_when_complete(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let user = app.signed_up("Sam", "sam@example.com").await;
    let page = app.page(&user, "/settings/applications").await;
    assert!(page.contains("No applications available"), "{page}");
    app.call(&admin, "save_provider_settings", &form("x", "s", false))
        .await;
    let page = app.page(&user, "/settings/applications").await;
    assert!(!page.contains("Connect X"), "disabled: no button");
    app.call(&admin, "save_provider_settings", &form("x", "", true))
        .await;
    let page = app.page(&user, "/settings/applications").await;
    assert!(page.contains("Connect X"), "{page}");
    // Facebook with a client id but no secret is not offered, even when asked to be.
    let facebook = [
        ("input[provider]", "facebook"),
        ("input[client_id]", "fb-client"),
        ("input[settings][scopes]", "public_profile,email"),
        (
            "input[settings][authorize_url]",
            "https://www.facebook.com/{version}/dialog/oauth",
        ),
        (
            "input[settings][token_url]",
            "https://graph.facebook.com/{version}/oauth/access_token",
        ),
        (
            "input[settings][profile_url]",
            "https://graph.facebook.com/{version}/me",
        ),
        ("input[settings][graph_version]", "v23.0"),
    ];
    let saved = app.call(&admin, "save_provider_settings", &facebook).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let mut enabled = facebook.to_vec();
    enabled.push(("input[enabled]", "on"));
    let refused = app.call(&admin, "save_provider_settings", &enabled).await;
    assert_eq!(app_error(refused).await.field(), Some("enabled"));
    let page = app.page(&user, "/settings/applications").await;
    assert!(
        page.contains("Connect X") && !page.contains("Connect Facebook"),
        "{page}"
    );
}

async fn moving_an_endpoint_to_another_host_needs_the_secret_again(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let res = app
        .call(
            &admin,
            "save_provider_settings",
            &form("x", "top-secret", true),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let stored: String = app
        .value("SELECT CAST(settings AS TEXT) AS v FROM provider_settings")
        .await
        .unwrap();
    // Same host, secret left empty: fine.
    let same_host = form("x", "", true)
        .into_iter()
        .map(|(k, v)| match k {
            "input[settings][scopes]" => (k, "users.read tweet.read"),
            _ => (k, v),
        })
        .collect::<Vec<_>>();
    let res = app.call(&admin, "save_provider_settings", &same_host).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Another host for the token endpoint, secret left empty: refused, nothing written.
    let moved = |secret: &'static str| {
        form("x", secret, true)
            .into_iter()
            .map(|(k, v)| match k {
                "input[settings][token_url]" => (k, "https://attacker.example/token"),
                _ => (k, v),
            })
            .collect::<Vec<_>>()
    };
    let res = app.call(&admin, "save_provider_settings", &moved("")).await;
    let AppError::Invalid { field, message } = app_error(res).await else {
        panic!("expected a field error");
    };
    assert_eq!(field.as_deref(), Some("client_secret"));
    assert!(
        message.contains("enter the client secret again"),
        "{message}"
    );
    let after: String = app
        .value("SELECT CAST(settings AS TEXT) AS v FROM provider_settings")
        .await
        .unwrap();
    assert!(
        !after.contains("attacker.example"),
        "nothing written: {after}"
    );
    assert!(after.contains("api.x.com") && stored.contains("api.x.com"));
    // With the secret entered again, the admin may.
    let res = app
        .call(&admin, "save_provider_settings", &moved("new-secret"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn a_secret_may_hold_spaces(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let secret = "my secret has spaces & symbols %+";
    let res = app
        .call(&admin, "save_provider_settings", &form("x", secret, true))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let config = app::connections::provider_store::load_config(&app.state, provider_x())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(config.client_secret.expose(), secret, "kept exactly");
}

fn provider_x() -> app::connections::ProviderId {
    app::connections::ProviderId::X
}

async fn every_bad_value_is_reported_at_once(app: TestApp) {
    let admin = app.signed_in_admin("root@example.com").await;
    let mut bad = form("x", "", true);
    bad[1] = ("input[client_id]", "has spaces");
    bad[5] = ("input[settings][token_url]", "not a url");
    bad[6] = ("input[settings][profile_url]", "ftp://api.x.com/me");
    let res = app.call(&admin, "save_provider_settings", &bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let AppError::InvalidFields(fields) = app_error(res).await else {
        panic!("expected every field's error");
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    // In the order of the form; "enabled" too: no secret is saved or given.
    assert_eq!(names, ["enabled", "client_id", "token_url", "profile_url"]);
    assert_eq!(app.count("provider_settings").await, 0);
}
