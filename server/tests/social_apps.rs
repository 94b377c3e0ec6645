//! Admin › Social apps: admins only, write-only secrets, checked values, and the Connect button
//! offered only for enabled providers with credentials.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::admin::ProviderSettingsView;
use app::error::AppError;
use common::{TestApp, app_error, location, provider_id};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

db_tests!(
    only_admins_see_and_change_settings,
    secrets_are_write_only,
    bad_values_are_refused_and_nothing_is_written,
    every_bad_value_is_reported_at_once,
    providers_are_offered_only_when_complete,
    moving_an_endpoint_to_another_host_needs_the_secret_again,
    a_secret_may_hold_spaces,
    cards_count_the_users_who_connected_each_provider,
    turning_off_a_provider_people_use_needs_confirmation,
    without_javascript_an_error_comes_back_to_its_own_card,
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
        !listed.contains("top-secret") && !listed.contains("v1:"),
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

/// The stored settings of `provider` as the admin form posts them, "Offer" unticked.
async fn stored_form(app: &TestApp, provider: &str) -> Vec<(String, String)> {
    let row = app::connections::provider_store::load_row(&app.db, provider_id(provider))
        .await
        .unwrap();
    let s = row.settings;
    [
        ("input[provider]", provider.to_owned()),
        ("input[client_id]", row.client_id),
        ("input[settings][scopes]", s.scopes),
        ("input[settings][authorize_url]", s.authorize_url),
        ("input[settings][token_url]", s.token_url),
        ("input[settings][profile_url]", s.profile_url),
        ("input[settings][revoke_url]", s.revoke_url),
        ("input[settings][issuer]", s.issuer),
        ("input[settings][graph_version]", s.graph_version),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Signs up a user who connects `provider` as the sandbox's `account`.
async fn user_with(app: &TestApp, email: &str, provider: &str, account: &str) {
    let client = app.signed_up("Sam", email).await;
    let res = app.connect(&client, provider, account, "allow").await;
    assert_eq!(
        location(res.headers()),
        Some(format!("/settings/applications?provider={provider}&outcome=connected").as_str())
    );
}

async fn is_enabled(app: &TestApp, provider: &str) -> bool {
    app::connections::provider_store::load_row(&app.db, provider_id(provider))
        .await
        .unwrap()
        .enabled
}

async fn cards_count_the_users_who_connected_each_provider(app: TestApp) {
    app.configure("x").await;
    app.configure("google").await;
    user_with(&app, "ada@example.com", "x", "ada").await;
    user_with(&app, "grace@example.com", "x", "grace").await;
    user_with(&app, "alan@example.com", "google", "alan").await;
    let admin = app.signed_in_admin("root@example.com").await;
    app.queries.clear();
    let res = app.call(&admin, "list_provider_settings", &[]).await;
    let listed: Vec<ProviderSettingsView> = res.json().await.unwrap();
    let counts: Vec<(&str, u64)> = listed
        .iter()
        .map(|v| (v.provider.slug(), v.connected_users))
        .collect();
    assert_eq!(
        counts,
        [("facebook", 0), ("x", 2), ("instagram", 0), ("google", 1)]
    );
    assert_eq!(
        app.queries.on_table("connected_accounts").len(),
        1,
        "one grouped query for every card"
    );
    let page = app.page(&admin, "/admin/social-apps").await;
    assert!(
        page.contains("Connected by 2 users")
            && page.contains("Connected by 1 user<")
            && page.contains("Not connected by anyone yet"),
        "{page}"
    );
    // A link the person removed at the provider holds nothing: it does not count.
    app.db
        .execute_unprepared(
            "UPDATE connected_accounts SET status = 'removed' WHERE provider = 'google'",
        )
        .await
        .unwrap();
    let page = app.page(&admin, "/admin/social-apps").await;
    assert!(!page.contains("Connected by 1 user<"), "{page}");
}

async fn turning_off_a_provider_people_use_needs_confirmation(app: TestApp) {
    app.configure("x").await;
    user_with(&app, "ada@example.com", "x", "ada").await;
    let admin = app.signed_in_admin("root@example.com").await;
    let mut off = stored_form(&app, "x").await;
    let res = app
        .call(&admin, "save_provider_settings", &pairs(&off))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err = app_error(res).await;
    assert_eq!(err.field(), Some("confirm_disable"), "{err:?}");
    assert!(
        err.to_string().starts_with("1 user has X connected."),
        "{err}"
    );
    assert!(is_enabled(&app, "x").await, "refused: nothing written");
    off.push(("input[confirm_disable]".into(), "on".into()));
    let res = app
        .call(&admin, "save_provider_settings", &pairs(&off))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!is_enabled(&app, "x").await);
    assert_eq!(
        app.count("connected_accounts").await,
        1,
        "the link is kept: its owner still sees it and can disconnect it"
    );
    // Off already, or used by nobody: nothing to confirm.
    let res = app
        .call(
            &admin,
            "save_provider_settings",
            &pairs(&off[..off.len() - 1]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn without_javascript_an_error_comes_back_to_its_own_card(app: TestApp) {
    app.configure("x").await;
    app.configure("facebook").await;
    user_with(&app, "ada@example.com", "x", "ada").await;
    let admin = app.signed_in_admin("root@example.com").await;
    let page_url = format!("{}/admin/social-apps", app.base);
    let post = |form: Vec<(String, String)>| {
        admin
            .post(format!("{}/api/save_provider_settings", app.base))
            .header("Origin", &app.base)
            .header("Accept", "text/html")
            .header("Referer", &page_url)
            .form(&form)
            .send()
    };
    let res = post(stored_form(&app, "x").await).await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = location(res.headers()).unwrap().to_owned();
    assert!(
        back.starts_with("/admin/social-apps?card=x&__path=") && back.contains("&__err="),
        "{back}"
    );
    let page = app.page(&admin, &back).await;
    assert_eq!(
        page.matches("name=\"input[confirm_disable]\"").count(),
        1,
        "only X's card asks: {page}"
    );
    assert!(page.contains("Yes, stop offering X to its 1 connected user"));
    assert_eq!(page.matches("1 user has X connected.").count(), 1, "{page}");
    let offer = tag_with(&page, "id=\"field-x-enabled\"");
    assert!(
        !offer.contains("checked"),
        "X's Offer box stays unticked: {offer}"
    );
    // An error in the Advanced section opens it, on its own card only.
    let mut bad = stored_form(&app, "facebook").await;
    bad.push(("input[enabled]".into(), "on".into()));
    for (k, v) in &mut bad {
        if k == "input[settings][token_url]" {
            *v = "not a url".into();
        }
    }
    let res = post(bad).await.unwrap();
    let back = location(res.headers()).unwrap().to_owned();
    let page = app.page(&admin, &back).await;
    assert_eq!(page.matches("<details open").count(), 1, "{page}");
    assert!(tag_with(&page, "<details open").contains("advanced"));
    assert_eq!(
        page.matches("Token URL: enter a full URL").count(),
        1,
        "{page}"
    );
    // Confirmed, the post goes back to the page with the news.
    let mut off = stored_form(&app, "x").await;
    off.push(("input[confirm_disable]".into(), "on".into()));
    let res = post(off).await.unwrap();
    assert_eq!(location(res.headers()), Some("/admin/social-apps?saved=x"));
    assert!(!is_enabled(&app, "x").await);
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The start tag containing `needle`.
fn tag_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {html}"));
    let start = html[..=at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}
