//! Account basics on Settings › Profile over HTTP: changing the password (which signs out every
//! other session), the list of signed-in sessions and signing them out (only one's own),
//! deleting the account (every grant revoked at the provider, every row gone).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use app::error::AppError;
use common::sessions::{CHROME, FIREFOX};
use common::{TestApp, app_error, location};
use reqwest::{Client, StatusCode};

db_tests!(
    changing_the_password_needs_the_current_one,
    changing_the_password_signs_out_every_other_session,
    sessions_are_listed_with_this_device_marked,
    signing_out_another_session_ends_it,
    no_one_signs_out_someone_elses_session,
    signing_out_of_all_other_sessions_keeps_this_one,
    deleting_the_account_revokes_every_grant_and_removes_every_row,
);

const PASSWORD: &str = "correct horse";

async fn change_password(
    app: &TestApp,
    client: &Client,
    current: &str,
    new: &str,
) -> reqwest::Response {
    let form = [("current_password", current), ("new_password", new)];
    app.call(client, "change_password", &form).await
}

async fn changing_the_password_needs_the_current_one(app: TestApp) {
    let client = app.signed_up("Grace Hopper", "grace@example.com").await;
    let cases = [
        (
            "not my password",
            "brand new password",
            "current_password",
            "not your current password",
        ),
        (
            "",
            "brand new password",
            "current_password",
            "Enter your current password.",
        ),
        (PASSWORD, "short", "new_password", "at least 8 characters"),
        (
            PASSWORD,
            PASSWORD,
            "new_password",
            "different from your current one",
        ),
    ];
    for (current, new, field, words) in cases {
        let res = change_password(&app, &client, current, new).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{current}/{new}");
        let err = app_error(res).await;
        assert_eq!(err.field(), Some(field), "{err:?}");
        assert!(err.to_string().contains(words), "{err}");
    }
    assert!(app.is_signed_in(&client).await);
    app.signed_in_as("grace@example.com", PASSWORD, FIREFOX)
        .await;
}

async fn changing_the_password_signs_out_every_other_session(app: TestApp) {
    let (here, jar) = app.client_with_jar();
    app.sign_up(&here, "Grace Hopper", "grace@example.com", PASSWORD)
        .await;
    let elsewhere = app
        .signed_in_as("grace@example.com", PASSWORD, CHROME)
        .await;
    let before = app.session_id(&jar).unwrap();

    let res = change_password(&app, &here, PASSWORD, "a much better one").await;
    assert_eq!(res.status(), StatusCode::OK);
    let after = app.session_id(&jar).unwrap();
    assert_ne!(before, after, "this session gets a new id");
    assert!(
        app.is_signed_in(&here).await,
        "this session stays signed in"
    );
    assert!(!app.is_signed_in(&elsewhere).await, "the other one is out");
    assert_eq!(app.count("sessions").await, 1);

    let old = [("email", "grace@example.com"), ("password", PASSWORD)];
    let res = app.call(&app.client(), "sign_in", &old).await;
    assert_eq!(app_error(res).await, AppError::InvalidCredentials);
    app.signed_in_as("grace@example.com", "a much better one", FIREFOX)
        .await;
}

async fn sessions_are_listed_with_this_device_marked(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    let firefox = app
        .signed_in_as("grace@example.com", PASSWORD, FIREFOX)
        .await;
    let chrome = app
        .signed_in_as("grace@example.com", PASSWORD, CHROME)
        .await;
    let list = app.sessions(&firefox).await;
    assert_eq!(list.len(), 3, "{list:#?}");
    assert!(list[0].current, "this device comes first");
    assert_eq!(list[0].device, "Firefox on Windows");
    assert_eq!(list.iter().filter(|s| s.current).count(), 1);
    let devices: Vec<&str> = list[1..].iter().map(|s| s.device.as_str()).collect();
    assert!(
        devices.contains(&"Chrome on Linux") && devices.contains(&"Unknown device"),
        "{devices:?}"
    );
    assert!(
        list.iter().all(|s| s.signed_in_words.ends_with(" UTC")),
        "{list:#?}"
    );
    assert!(
        list.iter().all(|s| s.last_seen_ago == "just now"),
        "{list:#?}"
    );

    let seen_by_chrome = app.sessions(&chrome).await;
    assert_eq!(seen_by_chrome[0].device, "Chrome on Linux");
    assert!(seen_by_chrome[0].current);
    assert_eq!(
        app_error(app.call(&app.client(), "list_sessions", &[]).await).await,
        AppError::Unauthorized
    );
}

async fn signing_out_another_session_ends_it(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    let here = app
        .signed_in_as("grace@example.com", PASSWORD, FIREFOX)
        .await;
    let chrome = app
        .signed_in_as("grace@example.com", PASSWORD, CHROME)
        .await;
    let list = app.sessions(&here).await;
    let target = list.iter().find(|s| s.device == "Chrome on Linux").unwrap();
    let res = app
        .call(&here, "sign_out_session", &[("key", &target.key)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!app.is_signed_in(&chrome).await);
    assert!(app.is_signed_in(&here).await);
    assert_eq!(app.sessions(&here).await.len(), 2);
}

async fn no_one_signs_out_someone_elses_session(app: TestApp) {
    let grace = app.signed_up("Grace Hopper", "grace@example.com").await;
    let own = app.sessions(&grace).await.remove(0).key;
    let ada = app.signed_up("Ada Lovelace", "ada@example.com").await;
    let res = app.call(&ada, "sign_out_session", &[("key", &own)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app_error(res).await, AppError::NotFound);
    let res = app.call(&ada, "sign_out_other_sessions", &[]).await;
    assert_eq!(res.json::<u64>().await.unwrap(), 0);
    // Its own current session is not "another" one either.
    let res = app.call(&grace, "sign_out_session", &[("key", &own)]).await;
    assert_eq!(app_error(res).await, AppError::NotFound);
    let res = app
        .call(&app.client(), "sign_out_session", &[("key", &own)])
        .await;
    assert_eq!(app_error(res).await, AppError::Unauthorized);
    assert!(app.is_signed_in(&grace).await);
    assert!(app.is_signed_in(&ada).await);
    assert_eq!(app.count("sessions").await, 2);
}

async fn signing_out_of_all_other_sessions_keeps_this_one(app: TestApp) {
    let here = app.signed_up("Grace Hopper", "grace@example.com").await;
    let others = [
        app.signed_in_as("grace@example.com", PASSWORD, FIREFOX)
            .await,
        app.signed_in_as("grace@example.com", PASSWORD, CHROME)
            .await,
    ];
    let ada = app.signed_up("Ada Lovelace", "ada@example.com").await;
    // Without JavaScript the form posts and the browser goes back to the page.
    let res = here
        .post(format!("{}/api/sign_out_other_sessions", app.base))
        .header("Origin", &app.base)
        .header("Accept", "text/html")
        .header("Referer", format!("{}/settings/profile", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), Some("/settings/profile"));
    for other in &others {
        assert!(!app.is_signed_in(other).await);
    }
    assert!(app.is_signed_in(&here).await);
    assert!(
        app.is_signed_in(&ada).await,
        "another user's sessions are not touched"
    );
    assert_eq!(app.sessions(&here).await.len(), 1);
}

async fn deleting_the_account_revokes_every_grant_and_removes_every_row(app: TestApp) {
    let (client, jar) = app.client_with_jar();
    app.sign_up(&client, "Sam Doe", "sam@example.com", PASSWORD)
        .await;
    let elsewhere = app.signed_in_as("sam@example.com", PASSWORD, CHROME).await;
    let providers = [
        ("x", ProviderId::X),
        ("google", ProviderId::Google),
        ("facebook", ProviderId::Facebook),
    ];
    let mut strongest = Vec::new();
    for (slug, provider) in providers {
        app.configure(slug).await;
        app.connect(&client, slug, "ada", "allow").await;
        let link = app.link("sam@example.com", slug).await;
        let kind = if provider == ProviderId::Facebook {
            "access_token"
        } else {
            "refresh_token"
        };
        strongest.push((provider, app.open_token(&link, kind).unwrap()));
    }
    // A connect begun and never finished leaves a pending flow.
    let res = client
        .post(format!("{}/auth/x/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("oauth_states").await, 1);
    assert!(
        app.count("avatars").await > 0,
        "the connects stored pictures"
    );
    let ada = app.signed_up("Ada Lovelace", "ada@example.com").await;
    let cookie = app.session_id(&jar).unwrap();

    let res = app
        .call(
            &client,
            "delete_account",
            &[("password", "not my password")],
        )
        .await;
    assert_eq!(app_error(res).await.field(), Some("password"));
    assert_eq!(
        app.count("connected_accounts").await,
        3,
        "a wrong password changes nothing"
    );

    let res = app
        .call(&client, "delete_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(location(res.headers()), Some("/"));
    for (provider, token) in &strongest {
        assert_eq!(
            &app.sandbox.revoked_tokens(*provider),
            &vec![token.clone()],
            "{provider:?}"
        );
        assert_eq!(
            app.sandbox.live_tokens(*provider, "ada"),
            0,
            "{provider:?}: the grant ended"
        );
    }
    for table in ["connected_accounts", "oauth_states", "avatars"] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
    assert_eq!(app.count("users").await, 1, "only Ada is left");
    assert_eq!(app.count("sessions").await, 1, "only Ada's session is left");
    assert!(app.is_signed_in(&ada).await);
    assert!(!app.is_signed_in(&elsewhere).await);
    let replayed = app
        .client()
        .get(format!("{}/settings/profile", app.base))
        .header("Cookie", format!("orga_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replayed.status(),
        StatusCode::SEE_OTHER,
        "the old cookie is dead"
    );
}
