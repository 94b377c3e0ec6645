//! Disconnect: only the owner's own link; the link and its tokens go; the grant is revoked at
//! the provider where it has an endpoint, and a failed revoke does not block.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, app_error, location, provider_id, shown_outcome};
use reqwest::StatusCode;
use sandbox::{Endpoint, Fault};

db_tests!(
    disconnect_removes_the_link_and_revokes,
    a_failed_revoke_does_not_block,
    only_your_own_link_goes,
    a_plain_form_post_comes_back_with_a_message
);

async fn connected(
    app: &TestApp,
    provider: &str,
    name: &str,
    email: &str,
    account: &str,
) -> reqwest::Client {
    app.configure(provider).await;
    let client = app.signed_up(name, email).await;
    let res = app.connect(&client, provider, account, "allow").await;
    assert_eq!(
        app.outcome(&client, res).await,
        format!("{provider}:connected")
    );
    client
}

async fn disconnect_removes_the_link_and_revokes(app: TestApp) {
    for provider in ["facebook", "x", "google", "instagram"] {
        let client = connected(
            &app,
            provider,
            "Sam",
            &format!("sam-{provider}@example.com"),
            "ada",
        )
        .await;
        let before = revocation_counts(&app);
        let res = app
            .call(&client, "disconnect_account", &[("provider", provider)])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(app.count("connected_accounts").await, 0);
        let after = revocation_counts(&app);
        // Instagram has no revoke endpoint: nothing anywhere is revoked for it.
        let expected: Vec<usize> = before
            .iter()
            .map(|(p, n)| n + usize::from(*p == provider && provider != "instagram"))
            .collect();
        let counts: Vec<usize> = after.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            counts, expected,
            "{provider}: revocations {before:?} -> {after:?}"
        );
    }
}

async fn a_failed_revoke_does_not_block(app: TestApp) {
    let client = connected(&app, "x", "Sam", "sam@example.com", "ada").await;
    app.sandbox
        .set_fault(provider_id("x"), Endpoint::Revoke, Fault::Status(503));
    let res = app
        .call(&client, "disconnect_account", &[("provider", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.count("connected_accounts").await, 0);
}

async fn only_your_own_link_goes(app: TestApp) {
    connected(&app, "google", "Owner", "owner@example.com", "ada").await;
    let other = app.signed_up("Other", "other@example.com").await;
    let res = app
        .call(&other, "disconnect_account", &[("provider", "google")])
        .await;
    assert_eq!(app_error(res).await, app::error::AppError::NotFound);
    assert_eq!(app.count("connected_accounts").await, 1);
    let stranger = app.client();
    let res = app
        .call(&stranger, "disconnect_account", &[("provider", "google")])
        .await;
    assert_eq!(app_error(res).await, app::error::AppError::Unauthorized);
    assert_eq!(app.count("connected_accounts").await, 1);
}

async fn a_plain_form_post_comes_back_with_a_message(app: TestApp) {
    let client = connected(&app, "facebook", "Sam", "sam@example.com", "ada").await;
    let res = client
        .post(format!("{}/api/disconnect_account", app.base))
        .header("Origin", &app.base)
        .header("Accept", "text/html")
        .header("Referer", format!("{}/settings/applications", app.base))
        .form(&[("provider", "facebook")])
        .send()
        .await
        .unwrap();
    // Back to the form's page, with the answer kept for it in the session, not in the URL.
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), Some("/settings/applications"));
    assert_eq!(app.count("connected_accounts").await, 0);
    let page = app.page(&client, "/settings/applications").await;
    assert_eq!(shown_outcome(&page), Some("disconnected"), "{page}");
    assert!(
        page.contains("Your Facebook account is disconnected."),
        "{page}"
    );
    let again = app.page(&client, "/settings/applications").await;
    assert_eq!(shown_outcome(&again), None, "shown once");
}

/// How many tokens each provider of the sandbox has revoked so far.
fn revocation_counts(app: &TestApp) -> Vec<(&'static str, usize)> {
    ["facebook", "x", "instagram", "google"]
        .into_iter()
        .map(|p| (p, app.sandbox.revoked_tokens(provider_id(p)).len()))
        .collect()
}
