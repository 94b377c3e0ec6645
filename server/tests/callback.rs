//! The callback refuses every state that is not this user's, this session's, this provider's,
//! unused and fresh, and provider failures become clear messages; nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{TestApp, expect_status, location, provider_id};
use reqwest::StatusCode;
use sandbox::{Endpoint, Fault};
use sea_orm::{ConnectionTrait, Statement};

db_tests!(
    missing_unknown_and_tampered_states_get_400,
    a_state_works_once,
    an_expired_state_is_refused,
    another_users_state_is_refused,
    another_sessions_state_is_refused,
    a_callback_without_a_signed_in_user_gets_401,
    provider_failures_become_clear_messages,
    a_slow_provider_times_out,
    a_provider_that_is_down_is_reported,
    connect_needs_an_offered_provider,
);

/// Starts a flow and returns the sandbox's redirect back to the app (not yet followed).
async fn approved_callback(app: &TestApp, client: &reqwest::Client, provider: &str) -> String {
    let res = client
        .post(format!("{}/auth/{provider}/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    let authorize = url::Url::parse(location(res.headers()).unwrap()).unwrap();
    app.decide(client, &authorize, "ada", "allow").await
}

async fn assert_refused(app: &TestApp, res: reqwest::Response, status: StatusCode) {
    let body = expect_status(res, status).await;
    assert!(body.contains("Connection not completed"), "{body}");
    assert_eq!(app.count("connected_accounts").await, 0);
}

async fn missing_unknown_and_tampered_states_get_400(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let back = approved_callback(&app, &client, "google").await;
    let url = url::Url::parse(&back).unwrap();
    let code: String = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    for query in [
        format!("code={code}"),
        format!("code={code}&state="),
        format!("code={code}&state=tampered"),
    ] {
        let res = app
            .get(&client, &format!("/auth/google/callback?{query}"))
            .await;
        assert_refused(&app, res, StatusCode::BAD_REQUEST).await;
    }
    let res = app.get(&client, "/auth/nope/callback?code=x&state=y").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn a_state_works_once(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let back = approved_callback(&app, &client, "google").await;
    let first = client.get(&back).send().await.unwrap();
    assert_eq!(app.outcome(&client, first).await, "google:connected");
    let replay = client.get(&back).send().await.unwrap();
    let body = expect_status(replay, StatusCode::BAD_REQUEST).await;
    assert!(body.contains("already used"), "{body}");
    assert_eq!(app.count("connected_accounts").await, 1);
}

async fn an_expired_state_is_refused(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let back = approved_callback(&app, &client, "x").await;
    let backend = app.db.get_database_backend();
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            format!("UPDATE oauth_states SET expires_at = '{past}'::timestamptz")
        }
        _ => format!("UPDATE oauth_states SET expires_at = '{past}'"),
    };
    app.db
        .execute(Statement::from_string(backend, sql))
        .await
        .unwrap();
    assert_refused(
        &app,
        client.get(&back).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
}

async fn another_users_state_is_refused(app: TestApp) {
    app.configure("x").await;
    let attacker = app.signed_up("Mallory", "mallory@example.com").await;
    let back = approved_callback(&app, &attacker, "x").await;
    // The attacker makes the victim's browser open their callback link.
    let victim = app.signed_up("Victim", "victim@example.com").await;
    assert_refused(
        &app,
        victim.get(&back).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
}

async fn another_sessions_state_is_refused(app: TestApp) {
    app.configure("x").await;
    let laptop = app.signed_up("Sam", "sam@example.com").await;
    let back = approved_callback(&app, &laptop, "x").await;
    let phone = app.client();
    let res = app
        .call(
            &phone,
            "sign_in",
            &[("email", "sam@example.com"), ("password", "correct horse")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_refused(
        &app,
        phone.get(&back).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
}

async fn a_callback_without_a_signed_in_user_gets_401(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let back = approved_callback(&app, &client, "x").await;
    let stranger = app.client();
    let res = stranger.get(&back).send().await.unwrap();
    let body = expect_status(res, StatusCode::UNAUTHORIZED).await;
    assert!(body.contains("need to be signed in"), "{body}");
    assert_eq!(app.count("connected_accounts").await, 0);
}

async fn provider_failures_become_clear_messages(app: TestApp) {
    let cases = [
        ("facebook", Endpoint::Token, Fault::Status(500), "rejected"),
        ("x", Endpoint::Token, Fault::Status(400), "rejected"),
        (
            "instagram",
            Endpoint::LongLivedToken,
            Fault::MalformedJson,
            "malformed",
        ),
        (
            "google",
            Endpoint::Token,
            Fault::MissingFields,
            "incomplete",
        ),
        (
            "facebook",
            Endpoint::Profile,
            Fault::MissingFields,
            "incomplete",
        ),
        ("x", Endpoint::Profile, Fault::MalformedJson, "malformed"),
        ("google", Endpoint::Jwks, Fault::Status(503), "rejected"),
        (
            "instagram",
            Endpoint::Profile,
            Fault::Status(502),
            "rejected",
        ),
    ];
    let client = app.signed_up("Sam", "sam@example.com").await;
    for (provider, endpoint, fault, kind) in cases {
        app.configure(provider).await;
        app.sandbox.clear_faults();
        app.sandbox
            .set_fault(provider_id(provider), endpoint, fault.clone());
        let res = app.connect(&client, provider, "ada", "allow").await;
        assert_eq!(
            app.outcome(&client, res).await,
            format!("{provider}:{kind}"),
            "{provider} {endpoint:?} {fault:?}"
        );
        assert_eq!(app.count("connected_accounts").await, 0);
    }
    assert_eq!(user_avatar(&app).await, None, "nothing imported");
}

async fn user_avatar(app: &TestApp) -> Option<String> {
    app.value::<Option<String>>("SELECT avatar_url AS v FROM users")
        .await
        .flatten()
}

async fn a_slow_provider_times_out(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    app.sandbox.set_fault(
        provider_id("x"),
        Endpoint::Token,
        Fault::Delay(Duration::from_secs(5)),
    );
    let started = std::time::Instant::now();
    let res = app.connect(&client, "x", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "x:timeout");
    let timeout = Duration::from_millis(common::PROVIDER_TIMEOUT_MS);
    let took = started.elapsed();
    assert!(
        took >= timeout && took < Duration::from_secs(5),
        "gave up after the {timeout:?} timeout, not the provider's 5 s: {took:?}"
    );
    assert_eq!(app.count("connected_accounts").await, 0);
}

async fn connect_needs_an_offered_provider(app: TestApp) {
    let client = app.signed_up("Sam", "sam@example.com").await;
    let res = client
        .post(format!("{}/auth/facebook/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(app.outcome(&client, res).await, "facebook:not_offered");
    assert_eq!(app.count("oauth_states").await, 0);
    let stranger = app.client();
    let res = stranger
        .post(format!("{}/auth/facebook/connect", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(res.headers()),
        Some("/signin?next=/settings/applications")
    );
    let cross_site = client
        .post(format!("{}/auth/facebook/connect", app.base))
        .header("Origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
}

async fn a_provider_that_is_down_is_reported(app: TestApp) {
    app.configure("facebook").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    // Nothing listens on port 9 of this machine: the token endpoint is down.
    app.change_settings("facebook", |s| {
        s.token_url = "http://127.0.0.1:9/facebook/graph/{version}/oauth/access_token".into();
    })
    .await;
    let res = app.connect(&client, "facebook", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "facebook:unreachable");
    assert_eq!(app.count("connected_accounts").await, 0);
}
