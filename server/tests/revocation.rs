//! Revocation: a disconnect ends the whole grant at the provider (X and Google: the refresh
//! token, RFC 7009 with its hint and the client authentication each demands; Facebook:
//! `DELETE /{user-id}/permissions`); tokens a failed flow obtained, and those of an account a
//! reconnect replaced, are revoked too, so no grant outlives what the app keeps of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use app::connections::{LinkStatus, ProviderId};
use common::TestApp;
use reqwest::{Client, StatusCode};
use sandbox::{Endpoint, Fault, Sandbox};

db_tests!(
    disconnecting_x_and_google_revokes_the_refresh_token_and_ends_the_grant,
    disconnecting_facebook_revokes_its_permissions,
    a_flow_whose_profile_read_fails_revokes_what_it_obtained,
    an_account_linked_to_another_user_has_the_new_grant_revoked,
    reconnecting_another_x_account_revokes_the_old_one,
);

/// Configures `provider`, signs up `email` and connects `account`; returns the client.
async fn connected(app: &TestApp, provider: &str, email: &str, account: &str) -> Client {
    app.configure(provider).await;
    let client = app.signed_up("Sam Doe", email).await;
    let res = app.connect(&client, provider, account, "allow").await;
    assert_eq!(
        app.outcome(&client, res).await,
        format!("{provider}:connected")
    );
    client
}

/// What `provider` has revoked once `n` tokens are (or two seconds passed): revocations after
/// a connect run in a task spawned once the person's answer is on its way.
async fn revoked_soon(app: &TestApp, provider: ProviderId, n: usize) -> Vec<String> {
    for _ in 0..40 {
        let revoked = app.sandbox.revoked_tokens(provider);
        if revoked.len() >= n {
            return revoked;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.sandbox.revoked_tokens(provider)
}

async fn disconnecting_x_and_google_revokes_the_refresh_token_and_ends_the_grant(app: TestApp) {
    for (slug, provider) in [("x", ProviderId::X), ("google", ProviderId::Google)] {
        let email = format!("sam-{slug}@example.com");
        let client = connected(&app, slug, &email, "ada").await;
        let link = app.link(&email, slug).await;
        let refresh = app.open_token(&link, "refresh_token").expect(slug);
        assert_eq!(
            app.sandbox.live_tokens(provider, "ada"),
            2,
            "{slug}: access and refresh token"
        );
        let res = app
            .call(&client, "disconnect_account", &[("provider", slug)])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            app.sandbox.revoked_tokens(provider),
            vec![refresh],
            "{slug}: the refresh token is the one revoked (X checks its Basic authentication)"
        );
        assert_eq!(
            app.sandbox.live_tokens(provider, "ada"),
            0,
            "{slug}: the grant ended, the access token with it"
        );
        assert_eq!(app.count("connected_accounts").await, 0);
    }
}

async fn disconnecting_facebook_revokes_its_permissions(app: TestApp) {
    let client = connected(&app, "facebook", "sam@example.com", "ada").await;
    let link = app.link("sam@example.com", "facebook").await;
    assert_eq!(link.refresh_token, None, "Facebook has no refresh token");
    let access = app.open_token(&link, "access_token").unwrap();
    let res = app
        .call(&client, "disconnect_account", &[("provider", "facebook")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.sandbox.revoked_tokens(ProviderId::Facebook),
        vec![access]
    );
    assert_eq!(app.sandbox.live_tokens(ProviderId::Facebook, "ada"), 0);
    assert_eq!(app.count("connected_accounts").await, 0);
}

async fn a_flow_whose_profile_read_fails_revokes_what_it_obtained(app: TestApp) {
    let cases = [
        (
            "x",
            ProviderId::X,
            Fault::Status(500),
            "rejected",
            "X refused the request. Nothing was changed",
        ),
        (
            "facebook",
            ProviderId::Facebook,
            Fault::MissingFields,
            "incomplete",
            "Facebook did not share the profile details we need. Nothing was changed.",
        ),
    ];
    for (slug, provider, fault, outcome, words) in cases {
        app.configure(slug).await;
        let client = app
            .signed_up("Sam Doe", &format!("sam-{slug}@example.com"))
            .await;
        app.sandbox.set_fault(provider, Endpoint::Profile, fault);
        let res = app.connect(&client, slug, "ada", "allow").await;
        let (shown, page) = app.outcome_page(&client, res).await;
        assert_eq!(shown, format!("{slug}:{outcome}"));
        assert!(page.contains(words), "{slug}: {page}");
        assert_eq!(app.count("connected_accounts").await, 0, "{slug}");
        assert_eq!(
            revoked_soon(&app, provider, 1).await.len(),
            1,
            "{slug}: the tokens of the failed flow are revoked"
        );
        assert_eq!(app.sandbox.live_tokens(provider, "ada"), 0, "{slug}");
        app.sandbox.clear_faults();
    }
}

async fn an_account_linked_to_another_user_has_the_new_grant_revoked(app: TestApp) {
    connected(&app, "x", "first@example.com", "ada").await;
    let first = app.link("first@example.com", "x").await;
    let second = app.signed_up("Second", "second@example.com").await;
    let res = app.connect(&second, "x", "ada", "allow").await;
    assert_eq!(app.outcome(&second, res).await, "x:taken");
    let revoked = revoked_soon(&app, ProviderId::X, 1).await;
    assert_eq!(revoked.len(), 1, "the second flow's grant is revoked");
    assert_ne!(
        Some(&revoked[0]),
        app.open_token(&first, "refresh_token").as_ref()
    );
    assert_ne!(
        Some(&revoked[0]),
        app.open_token(&first, "access_token").as_ref()
    );
    assert_eq!(
        app.sandbox.live_tokens(ProviderId::X, "ada"),
        2,
        "the first user's grant lives on"
    );
    assert_eq!(app.count("connected_accounts").await, 1);
    assert_eq!(
        app.link("first@example.com", "x").await,
        first,
        "the first user's link is untouched"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        app.sandbox.revoked_tokens(ProviderId::X),
        revoked,
        "nothing else is revoked"
    );
}

async fn reconnecting_another_x_account_revokes_the_old_one(app: TestApp) {
    let client = connected(&app, "x", "sam@example.com", "ada").await;
    let old = app.link("sam@example.com", "x").await;
    let old_refresh = app.open_token(&old, "refresh_token").unwrap();
    let res = app.connect(&client, "x", "grace", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "x:connected");
    assert_eq!(
        revoked_soon(&app, ProviderId::X, 1).await,
        vec![old_refresh],
        "the replaced account's refresh token is revoked"
    );
    assert_eq!(app.sandbox.live_tokens(ProviderId::X, "ada"), 0);
    assert_eq!(app.sandbox.live_tokens(ProviderId::X, "grace"), 2);
    let new = app.link("sam@example.com", "x").await;
    assert_eq!((new.id, new.created_at), (old.id, old.created_at));
    assert_eq!(
        Some(new.provider_user_id.clone()),
        Sandbox::provider_user_id(ProviderId::X, "grace")
    );
    assert_eq!(new.username.as_deref(), Some("grace_hopper"));
    assert_eq!(new.status, LinkStatus::Active);
    assert_eq!(app.count("connected_accounts").await, 1);
}
