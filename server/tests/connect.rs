//! The connect flow of each provider against the sandbox, over real HTTP: exchange, profile
//! mapping, profile import, reconnect, refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, expect_status, location};
use reqwest::StatusCode;

db_tests!(
    facebook_connects_and_fills_the_profile,
    x_connects_with_username_and_link,
    instagram_connects_with_a_long_lived_token,
    google_connects_through_openid_connect,
    reconnecting_refreshes_the_link,
    an_account_of_another_user_is_refused,
    cancelling_changes_nothing,
    the_users_own_names_are_never_overwritten,
    tokens_are_stored_encrypted,
    a_get_on_a_connect_url_leads_to_applications,
);

async fn a_get_on_a_connect_url_leads_to_applications(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let res = app.get(&client, "/auth/x/connect").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), Some("/settings/applications"));
    assert_eq!(app.count("oauth_states").await, 0, "a GET starts nothing");
}

/// Connects `provider` as `account` and checks the app's answer and the stored link.
async fn connect_ok(app: &TestApp, client: &reqwest::Client, provider: &str, account: &str) {
    let res = app.connect(client, provider, account, "allow").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.outcome(client, res).await,
        format!("{provider}:connected")
    );
}

async fn link_field(app: &TestApp, provider: &str, column: &str) -> Option<String> {
    let sql = format!("SELECT {column} AS v FROM connected_accounts WHERE provider = '{provider}'");
    app.value::<Option<String>>(&sql).await.flatten()
}

async fn user_field(app: &TestApp, email: &str, column: &str) -> Option<String> {
    let sql = format!("SELECT {column} AS v FROM users WHERE email = '{email}'");
    app.value::<Option<String>>(&sql).await.flatten()
}

async fn applications_page(app: &TestApp, client: &reqwest::Client) -> String {
    expect_status(
        app.get(client, "/settings/applications").await,
        StatusCode::OK,
    )
    .await
}

async fn facebook_connects_and_fills_the_profile(app: TestApp) {
    app.configure("facebook").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    connect_ok(&app, &client, "facebook", "ada").await;
    assert_eq!(
        link_field(&app, "facebook", "display_name")
            .await
            .as_deref(),
        Some("Ada Lovelace")
    );
    assert_eq!(
        link_field(&app, "facebook", "email").await.as_deref(),
        Some("ada@sandbox.test")
    );
    // The provider's picture URL is kept as the source; pages show our copy.
    assert!(
        link_field(&app, "facebook", "avatar_url")
            .await
            .unwrap()
            .contains("/avatars/facebook/ada.png?oe=")
    );
    assert!(
        link_field(&app, "facebook", "profile_url")
            .await
            .unwrap()
            .starts_with(app.sandbox.base_url().as_str())
    );
    // "Sam" had no last name and no picture: both come from Facebook, the picture as ours.
    assert_eq!(
        user_field(&app, "sam@example.com", "first_name")
            .await
            .as_deref(),
        Some("Sam")
    );
    assert_eq!(
        user_field(&app, "sam@example.com", "last_name")
            .await
            .as_deref(),
        Some("Lovelace")
    );
    let hash = link_field(&app, "facebook", "avatar_hash").await.unwrap();
    assert_eq!(
        user_field(&app, "sam@example.com", "avatar_url").await,
        Some(format!("/avatars/{hash}"))
    );
    let page = applications_page(&app, &client).await;
    assert!(
        page.contains("Ada Lovelace") && page.contains("View profile on Facebook"),
        "{page}"
    );
    assert!(!page.contains("EAA"), "tokens must never reach the browser");
}

async fn x_connects_with_username_and_link(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    connect_ok(&app, &client, "x", "grace").await;
    assert_eq!(
        link_field(&app, "x", "username").await.as_deref(),
        Some("grace_hopper")
    );
    let link = link_field(&app, "x", "profile_url").await.unwrap();
    assert!(link.ends_with("/grace_hopper"), "{link}");
    assert!(
        link_field(&app, "x", "refresh_token").await.is_some(),
        "offline.access yields a refresh token"
    );
    assert_eq!(
        link_field(&app, "x", "scopes").await.as_deref(),
        Some("tweet.read users.read offline.access")
    );
    let page = applications_page(&app, &client).await;
    assert!(page.contains("@grace_hopper"), "{page}");
}

async fn instagram_connects_with_a_long_lived_token(app: TestApp) {
    app.configure("instagram").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    connect_ok(&app, &client, "instagram", "alan").await;
    assert_eq!(
        link_field(&app, "instagram", "username").await.as_deref(),
        Some("alan_turing")
    );
    assert_eq!(
        link_field(&app, "instagram", "display_name")
            .await
            .as_deref(),
        Some("Alan Turing")
    );
    assert!(
        link_field(&app, "instagram", "provider_user_id")
            .await
            .unwrap()
            .starts_with("1784")
    );
    // The long-lived token lives about 60 days.
    let sql = "SELECT expires_at AS v FROM connected_accounts WHERE provider = 'instagram'";
    let expires: chrono::DateTime<chrono::Utc> = app.value(sql).await.unwrap();
    assert!(
        expires > chrono::Utc::now() + chrono::Duration::days(50),
        "{expires}"
    );
}

async fn google_connects_through_openid_connect(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    connect_ok(&app, &client, "google", "ada").await;
    assert_eq!(
        link_field(&app, "google", "email").await.as_deref(),
        Some("ada@sandbox.test")
    );
    assert_eq!(
        link_field(&app, "google", "profile_url").await,
        None,
        "Google has no public profile URL"
    );
    assert_eq!(
        user_field(&app, "sam@example.com", "last_name")
            .await
            .as_deref(),
        Some("Lovelace")
    );
}

async fn reconnecting_refreshes_the_link(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    connect_ok(&app, &client, "google", "ada").await;
    let first = link_field(&app, "google", "access_token").await;
    connect_ok(&app, &client, "google", "ada").await;
    assert_eq!(app.count("connected_accounts").await, 1);
    assert_ne!(
        link_field(&app, "google", "access_token").await,
        first,
        "tokens are refreshed"
    );
}

async fn an_account_of_another_user_is_refused(app: TestApp) {
    app.configure("x").await;
    let first = app.signed_up("First", "first@example.com").await;
    connect_ok(&app, &first, "x", "ada").await;
    let second = app.signed_up("Second", "second@example.com").await;
    let res = app.connect(&second, "x", "ada", "allow").await;
    let (shown, page) = app.outcome_page(&second, res).await;
    assert_eq!(shown, "x:taken");
    assert_eq!(app.count("connected_accounts").await, 1);
    assert_eq!(
        user_field(&app, "second@example.com", "avatar_url").await,
        None,
        "nothing imported"
    );
    assert!(
        page.contains("already connected to another Orga profile"),
        "{page}"
    );
}

async fn cancelling_changes_nothing(app: TestApp) {
    app.configure("facebook").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let res = app.connect(&client, "facebook", "ada", "cancel").await;
    let (shown, page) = app.outcome_page(&client, res).await;
    assert_eq!(shown, "facebook:cancelled");
    assert_eq!(app.count("connected_accounts").await, 0);
    assert_eq!(app.count("oauth_states").await, 0, "the state is used up");
    assert!(
        page.contains("You cancelled connecting Facebook. Nothing was changed."),
        "{page}"
    );
}

async fn the_users_own_names_are_never_overwritten(app: TestApp) {
    app.configure("facebook").await;
    let client = app.signed_up("Grace Brewster", "gb@example.com").await;
    let res = app
        .call(
            &client,
            "update_profile",
            &[
                ("first_name", "Grace"),
                ("last_name", "Brewster"),
                ("avatar_url", "https://example.com/me.png"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    connect_ok(&app, &client, "facebook", "ada").await;
    assert_eq!(
        user_field(&app, "gb@example.com", "first_name")
            .await
            .as_deref(),
        Some("Grace")
    );
    assert_eq!(
        user_field(&app, "gb@example.com", "last_name")
            .await
            .as_deref(),
        Some("Brewster")
    );
    assert_eq!(
        user_field(&app, "gb@example.com", "avatar_url")
            .await
            .as_deref(),
        Some("https://example.com/me.png")
    );
}

async fn tokens_are_stored_encrypted(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    connect_ok(&app, &client, "x", "ada").await;
    for column in ["access_token", "refresh_token"] {
        let stored = link_field(&app, "x", column).await.unwrap();
        assert!(stored.starts_with("v2:"), "{column} is sealed: {stored}");
    }
    let sql = "SELECT client_secret AS v FROM provider_settings WHERE provider = 'x'";
    let secret: String = app.value(sql).await.unwrap();
    assert!(secret.starts_with("v2:") && !secret.contains("sandbox-x-secret"));
}
