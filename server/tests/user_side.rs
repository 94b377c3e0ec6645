//! The user's side of the pages, over HTTP: pages that load data arrive complete (no
//! "Loading…" for a browser without JavaScript), plain form posts come back with their answer
//! once and with what was typed (never a password), and a link to a provider the server no
//! longer offers can still be seen and disconnected (and is revoked at the provider).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, location, provider_id, shown_outcome};
use reqwest::{Client, StatusCode};

db_tests!(
    pages_arrive_complete,
    a_failed_plain_post_keeps_what_was_typed_but_no_password,
    an_outcome_is_shown_once_and_never_read_from_the_url,
    a_link_to_a_provider_no_longer_offered_stays_until_disconnected,
    a_connect_says_which_empty_fields_it_filled,
);

/// A plain HTML form post, as a browser without JavaScript sends it.
async fn plain_post(
    app: &TestApp,
    client: &Client,
    endpoint: &str,
    from: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(format!("{}/api/{endpoint}", app.base))
        .header("Origin", &app.base)
        .header("Accept", "text/html,application/xhtml+xml")
        .header("Referer", format!("{}{from}", app.base))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn stop_offering(app: &TestApp, provider: &str) {
    use app::admin::configure::{configure_provider, input_from_row};
    let row = app::connections::provider_store::load_row(&app.db, provider_id(provider))
        .await
        .unwrap();
    let mut input = input_from_row(&row);
    input.enabled = false;
    // People have it connected: the admin confirms.
    input.confirm_disable = true;
    configure_provider(&app.db, &app.state.cipher, &input)
        .await
        .unwrap();
}

async fn pages_arrive_complete(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let admin = app.signed_in_admin("admin@example.com").await;
    for (who, path, needle) in [
        (&client, "/settings/applications", "Connect X"),
        (&client, "/settings/profile", "Edit profile"),
        (&admin, "/admin/social-apps", "Save Google"),
    ] {
        let page = app.page(who, path).await;
        assert!(
            !page.contains("Loading…"),
            "{path} streamed a fallback: {page}"
        );
        let html_end = page.find("</html>").unwrap_or(page.len());
        let content = page
            .find(needle)
            .unwrap_or_else(|| panic!("{path}: no {needle:?}"));
        assert!(content < html_end, "{path}: {needle:?} comes after </html>");
    }
}

async fn a_failed_plain_post_keeps_what_was_typed_but_no_password(app: TestApp) {
    let client = app.signed_up("Sam", "sam@example.com").await;
    let _ = app.call(&client, "sign_out", &[]).await;
    let res = plain_post(
        &app,
        &client,
        "sign_in",
        "/signin",
        &[
            ("email", "sam@example.com"),
            ("password", "wrong horse battery"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(res.headers()),
        Some("/signin"),
        "no error in the URL"
    );
    let page = app.page(&client, "/signin").await;
    assert!(page.contains("Wrong email or password."), "{page}");
    assert!(
        page.contains(r#"value="sam@example.com""#),
        "the email comes back: {page}"
    );
    assert!(!page.contains("wrong horse battery"), "never the password");
    let again = app.page(&client, "/signin").await;
    assert!(!again.contains("Wrong email or password."), "shown once");

    let ok = plain_post(
        &app,
        &client,
        "sign_in",
        "/signin",
        &[("email", "sam@example.com"), ("password", "correct horse")],
    )
    .await;
    assert_eq!(location(ok.headers()), Some("/settings/profile"));
}

async fn an_outcome_is_shown_once_and_never_read_from_the_url(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let typed = app
        .page(
            &client,
            "/settings/applications?provider=x&outcome=connected",
        )
        .await;
    assert_eq!(
        shown_outcome(&typed),
        None,
        "an outcome typed in the URL is not shown"
    );
    let res = app.connect(&client, "x", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "x:connected");
    let again = app.page(&client, "/settings/applications").await;
    assert_eq!(shown_outcome(&again), None, "shown once");
}

async fn a_link_to_a_provider_no_longer_offered_stays_until_disconnected(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let res = app.connect(&client, "x", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "x:connected");
    stop_offering(&app, "x").await;

    let page = app.page(&client, "/settings/applications").await;
    assert!(page.contains("No longer offered by this server"), "{page}");
    assert!(page.contains("Yes, disconnect X"), "{page}");
    assert!(!page.contains("Connect X<"), "not offered: no Connect");
    assert!(!page.contains(">Refresh<"), "not offered: no Refresh");

    let res = app
        .call(&client, "disconnect_account", &[("provider", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.count("connected_accounts").await, 0);
    assert_eq!(
        app.sandbox.live_tokens(provider_id("x"), "ada"),
        0,
        "revoked at the provider, though no longer offered"
    );
    let page = app.page(&client, "/settings/applications").await;
    assert!(
        !page.contains(r#"data-provider="x""#),
        "no card left: {page}"
    );
}

async fn a_connect_says_which_empty_fields_it_filled(app: TestApp) {
    app.configure("x").await;
    app.configure("google").await;
    // One name only: the last name and the picture are empty.
    let client = app.signed_up("Sam", "sam@example.com").await;
    let res = app.connect(&client, "x", "ada", "allow").await;
    let (shown, page) = app.outcome_page(&client, res).await;
    assert_eq!(shown, "x:connected");
    assert!(
        page.contains("Your profile&#x27;s name and picture were filled from X.")
            || page.contains("Your profile's name and picture were filled from X."),
        "{page}"
    );
    // Nothing left to fill: the second connect says so.
    let res = app.connect(&client, "google", "ada", "allow").await;
    let (_, page) = app.outcome_page(&client, res).await;
    assert!(
        page.contains("were already set, so they were kept"),
        "{page}"
    );
}
