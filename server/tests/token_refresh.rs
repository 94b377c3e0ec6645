//! Token lifecycle: each provider's tokens are renewed ahead of their end by the link-health
//! job (X rotating its refresh token, Google keeping its own, Instagram renewing day-old
//! tokens), exactly once across instances, and a token that died early is renewed without the
//! person noticing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::{LinkProblem, LinkStatus, ProviderId};
use chrono::{Duration, Utc};
use common::TestApp;
use reqwest::StatusCode;

db_tests!(
    x_renews_ahead_of_expiry_and_rotates_its_refresh_token,
    a_spent_x_refresh_token_is_refused_and_ends_the_grant,
    two_instances_renew_a_link_exactly_once,
    a_token_that_died_early_is_renewed_unnoticed,
    google_keeps_its_refresh_token_when_a_reconnect_brings_none,
    facebook_tokens_are_long_lived_and_end_in_reconnect_needed,
    instagram_renews_a_day_old_token_before_it_ends,
    a_provider_that_fails_to_renew_is_tried_again_later,
);

const X: ProviderId = ProviderId::X;

/// Configures `provider`, signs up `email` and connects ada; returns the signed-in client.
async fn connected(app: &TestApp, provider: &str, email: &str) -> reqwest::Client {
    app.configure(provider).await;
    let client = app.signed_up("Sam Doe", email).await;
    let res = app.connect(&client, provider, "ada", "allow").await;
    assert_eq!(
        app.outcome(&client, res).await,
        format!("{provider}:connected")
    );
    client
}

async fn x_renews_ahead_of_expiry_and_rotates_its_refresh_token(app: TestApp) {
    connected(&app, "x", "sam@example.com").await;
    let before = app.link("sam@example.com", "x").await;
    let lifetime = before.expires_at.unwrap() - before.tokens_issued_at.unwrap();
    assert_eq!(
        lifetime.num_seconds(),
        7200,
        "X access tokens live two hours"
    );
    assert!(before.due_at.unwrap() < before.expires_at.unwrap());

    let early = app.health_round(Utc::now() + Duration::minutes(30)).await;
    assert_eq!(early.leased, 0, "nothing is due half an hour in");

    let report = app.health_round(before.due_at.unwrap()).await;
    assert_eq!((report.leased, report.renewed), (1, 1), "{report:?}");
    assert_eq!(app.sandbox.refresh_count(X), 1);
    let after = app.link("sam@example.com", "x").await;
    assert_eq!(after.token_version, before.token_version + 1);
    assert_ne!(
        app.open_token(&after, "access_token"),
        app.open_token(&before, "access_token")
    );
    assert_ne!(
        app.open_token(&after, "refresh_token"),
        app.open_token(&before, "refresh_token"),
        "X rotates its refresh token: the new one is stored"
    );
    assert_eq!(after.status, LinkStatus::Active);
    assert!(after.due_at.unwrap() > before.due_at.unwrap());
    assert_eq!(
        (after.claim_token, after.claim_until),
        (None, None),
        "the lease is given back"
    );
}

async fn a_spent_x_refresh_token_is_refused_and_ends_the_grant(app: TestApp) {
    connected(&app, "x", "sam@example.com").await;
    let before = app.link("sam@example.com", "x").await;
    app.health_round(before.due_at.unwrap()).await;
    let spent = app.open_token(&before, "refresh_token").unwrap();
    // Someone replays the refresh token the app already spent: X refuses it…
    let settings = app.sandbox.settings(X);
    let res = reqwest::Client::new()
        .post(&settings.token_url)
        .basic_auth(
            sandbox::Sandbox::client_id(X),
            Some(sandbox::Sandbox::client_secret(X)),
        )
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", spent.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("invalid_grant"));
    // …and ends the grant, so the app's next check finds the link needs reconnecting.
    let now = Utc::now() + Duration::days(2);
    let report = app.health_round(now).await;
    assert_eq!(report.reconnect_needed, 1, "{report:?}");
    let link = app.link("sam@example.com", "x").await;
    assert_eq!(link.status, LinkStatus::ReconnectNeeded);
    assert_eq!(link.status_reason, Some(LinkProblem::RefreshRefused));
    assert_eq!(
        link.due_at, None,
        "the job leaves it alone until the person reconnects"
    );
}

async fn two_instances_renew_a_link_exactly_once(app: TestApp) {
    connected(&app, "x", "sam@example.com").await;
    let due = app.link("sam@example.com", "x").await.due_at.unwrap();
    let other = app.another_instance().await;
    let (a, b) = tokio::join!(
        app::connections::health::run_round(&app.state, due, 100, 4),
        app::connections::health::run_round(&other, due, 100, 4),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.leased + b.leased, 1, "{a:?} {b:?}");
    assert_eq!(a.renewed + b.renewed, 1);
    assert_eq!(app.sandbox.refresh_count(X), 1, "one refresh at X");
    let link = app.link("sam@example.com", "x").await;
    assert_eq!((link.status, link.token_version), (LinkStatus::Active, 1));
}

async fn a_token_that_died_early_is_renewed_unnoticed(app: TestApp) {
    let client = connected(&app, "x", "sam@example.com").await;
    assert_eq!(app.sandbox.expire_access_tokens(X), 1);
    // The person asks for a Refresh: the profile read is refused, the token renewed, the
    // read repeated, and all they see is that their account works.
    let res = app
        .call(&client, "refresh_connection", &[("provider", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), r#"["x","Checked"]"#);
    assert_eq!(app.sandbox.refresh_count(X), 1);
    let link = app.link("sam@example.com", "x").await;
    assert_eq!(link.status, LinkStatus::Active);
    let page = app.page(&client, "/settings/applications").await;
    assert!(page.contains("Active"), "{page}");
    assert!(page.contains("checked"), "{page}");
    assert!(!page.contains("Reconnect needed"));
}

async fn google_keeps_its_refresh_token_when_a_reconnect_brings_none(app: TestApp) {
    let client = connected(&app, "google", "sam@example.com").await;
    let first = app.link("sam@example.com", "google").await;
    let refresh = app.open_token(&first, "refresh_token");
    assert!(
        refresh.is_some(),
        "offline access on first consent earns a refresh token"
    );
    // Reconnecting: Google asks no new consent and sends no refresh token.
    let res = app.connect(&client, "google", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "google:connected");
    let again = app.link("sam@example.com", "google").await;
    assert_eq!(again.id, first.id, "the link is kept");
    assert_eq!(
        app.open_token(&again, "refresh_token"),
        refresh,
        "the stored one stays"
    );
    let report = app.health_round(again.due_at.unwrap()).await;
    assert_eq!(report.renewed, 1, "{report:?}");
    let renewed = app.link("sam@example.com", "google").await;
    assert_eq!(
        app.open_token(&renewed, "refresh_token"),
        refresh,
        "Google does not rotate"
    );
    assert_eq!(app.sandbox.refresh_count(ProviderId::Google), 1);
}

async fn facebook_tokens_are_long_lived_and_end_in_reconnect_needed(app: TestApp) {
    let client = connected(&app, "facebook", "sam@example.com").await;
    let link = app.link("sam@example.com", "facebook").await;
    let lifetime = link.expires_at.unwrap() - link.tokens_issued_at.unwrap();
    assert!(
        lifetime > Duration::days(59),
        "long-lived token: {lifetime}"
    );
    assert_eq!(link.refresh_token, None);
    // A long-lived token cannot be renewed: when it ends, the person must connect again.
    let report = app
        .health_round(link.expires_at.unwrap() + Duration::seconds(1))
        .await;
    assert_eq!(report.reconnect_needed, 1, "{report:?}");
    assert_eq!(app.sandbox.refresh_count(ProviderId::Facebook), 0);
    let link = app.link("sam@example.com", "facebook").await;
    assert_eq!(link.status_reason, Some(LinkProblem::TokenExpired));
    let page = app.page(&client, "/settings/applications").await;
    assert!(
        page.contains("Reconnect needed — access to Facebook has expired"),
        "{page}"
    );
    assert!(page.contains("Reconnect Facebook"), "{page}");
    // Reconnect is the connect flow, and it keeps the link.
    app.connect(&client, "facebook", "ada", "allow").await;
    let again = app.link("sam@example.com", "facebook").await;
    assert_eq!(
        (again.id, again.status, again.status_reason),
        (link.id, LinkStatus::Active, None)
    );
    assert_eq!(again.created_at, link.created_at);
}

async fn instagram_renews_a_day_old_token_before_it_ends(app: TestApp) {
    connected(&app, "instagram", "sam@example.com").await;
    let link = app.link("sam@example.com", "instagram").await;
    let ends = link.expires_at.unwrap();
    assert!(ends - link.tokens_issued_at.unwrap() > Duration::days(59));
    let due = link.due_at.unwrap();
    assert!(
        due <= ends - Duration::days(10),
        "renewed ten days before it ends"
    );
    // At the provider the token is a day old by then.
    app.sandbox.age_tokens(
        ProviderId::Instagram,
        std::time::Duration::from_secs(25 * 3600),
    );
    // A day in, the profile is re-read but the token, with 59 days left, is not renewed.
    let report = app.health_round(due).await;
    assert_eq!((report.rechecked, report.renewed), (1, 0), "{report:?}");
    let renew_at = ends - Duration::days(10);
    let report = app.health_round(renew_at).await;
    assert_eq!(report.renewed, 1, "{report:?}");
    assert_eq!(app.sandbox.refresh_count(ProviderId::Instagram), 1);
    let renewed = app.link("sam@example.com", "instagram").await;
    assert!(renewed.expires_at.unwrap() > renew_at + Duration::days(59));
    assert_ne!(
        app.open_token(&renewed, "access_token"),
        app.open_token(&link, "access_token")
    );
}

async fn a_provider_that_fails_to_renew_is_tried_again_later(app: TestApp) {
    connected(&app, "x", "sam@example.com").await;
    let link = app.link("sam@example.com", "x").await;
    app.sandbox
        .set_fault(X, sandbox::Endpoint::Refresh, sandbox::Fault::Status(503));
    let now = link.due_at.unwrap();
    let report = app.health_round(now).await;
    assert_eq!(report.retry_later, 1, "{report:?}");
    let after = app.link("sam@example.com", "x").await;
    assert_eq!(
        after.status,
        LinkStatus::Active,
        "a passing failure changes nothing"
    );
    assert_eq!(after.token_version, link.token_version);
    let postponed = after.due_at.unwrap() - (now + Duration::minutes(5));
    assert!(
        postponed.num_milliseconds().abs() < 5,
        "due again in five minutes: {postponed}"
    );
    app.sandbox.clear_faults();
    let report = app.health_round(now + Duration::minutes(5)).await;
    assert_eq!(report.renewed, 1, "{report:?}");
}
