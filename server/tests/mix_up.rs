//! Mix-up defence (RFC 9207) and the ID token's remaining claims: an answer must come from the
//! issuer the flow went to, the ID token must be ours and fresh, and userinfo must describe
//! the ID token's subject. Every refusal writes nothing, and a refused code is never exchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use common::{TestApp, expect_status, location};
use reqwest::{Client, StatusCode};
use sandbox::OpenIdOptions;
use serde_json::{Value, json};

db_tests!(
    an_issuer_that_sends_iss_must_send_its_own,
    a_foreign_iss_is_refused_even_when_none_is_promised,
    a_cancellation_from_another_issuer_is_not_believed,
    an_id_token_for_another_client_is_refused,
    an_id_token_from_the_future_or_long_ago_is_refused,
    userinfo_must_describe_the_id_tokens_subject,
);

const GOOGLE: ProviderId = ProviderId::Google;

/// Starts a Google flow as `client` and decides `decision` for ada; returns where the sandbox
/// sends the browser back (not yet followed).
async fn answer(app: &TestApp, client: &Client, decision: &str) -> url::Url {
    let res = client
        .post(format!("{}/auth/google/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    let authorize = url::Url::parse(location(res.headers()).unwrap()).unwrap();
    url::Url::parse(&app.decide(client, &authorize, "ada", decision).await).unwrap()
}

/// `url` with its `iss` replaced by `iss` (`None`: removed).
fn with_iss(url: &url::Url, iss: Option<&str>) -> url::Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "iss")
        .collect();
    let mut changed = url.clone();
    changed.set_query(None);
    changed.query_pairs_mut().extend_pairs(pairs);
    if let Some(iss) = iss {
        changed.query_pairs_mut().append_pair("iss", iss);
    }
    changed
}

fn iss_of(url: &url::Url) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == "iss")
        .map(|(_, v)| v.into_owned())
}

/// The refusal page: 400, its words, no link, and the code never exchanged (no token live).
async fn assert_refused(app: &TestApp, res: reqwest::Response, words: &str) {
    let body = expect_status(res, StatusCode::BAD_REQUEST).await;
    assert!(body.contains("Connection not completed"), "{body}");
    assert!(body.contains(words), "{words:?} not in {body}");
    assert_eq!(app.count("connected_accounts").await, 0);
    assert_eq!(app.count("oauth_states").await, 0, "the flow is spent");
    assert_eq!(
        app.sandbox.live_tokens(GOOGLE, "ada"),
        0,
        "no code exchanged"
    );
}

async fn an_issuer_that_sends_iss_must_send_its_own(app: TestApp) {
    app.sandbox.set_openid(OpenIdOptions {
        sends_iss: true,
        ..OpenIdOptions::default()
    });
    app.configure("google").await;
    let issuer = app.sandbox.settings(GOOGLE).issuer;
    let client = app.signed_up("Sam", "sam@example.com").await;

    let back = answer(&app, &client, "allow").await;
    assert_eq!(iss_of(&back).as_deref(), Some(issuer.as_str()));
    let res = client.get(with_iss(&back, None)).send().await.unwrap();
    assert_refused(&app, res, "does not say which sign-in server sent it").await;

    let back = answer(&app, &client, "allow").await;
    let res = client
        .get(with_iss(&back, Some("https://attacker.example")))
        .send()
        .await
        .unwrap();
    assert_refused(&app, res, "another sign-in server than Google").await;

    // The issuer with a trailing slash is another string (RFC 9207 §2.4: simple comparison).
    let back = answer(&app, &client, "allow").await;
    let slashed = format!("{issuer}/");
    let res = client
        .get(with_iss(&back, Some(&slashed)))
        .send()
        .await
        .unwrap();
    assert_refused(&app, res, "another sign-in server").await;

    let back = answer(&app, &client, "allow").await;
    let res = client.get(back).send().await.unwrap();
    assert_eq!(app.outcome(&client, res).await, "google:connected");
}

async fn a_foreign_iss_is_refused_even_when_none_is_promised(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let back = answer(&app, &client, "allow").await;
    assert_eq!(iss_of(&back), None, "Google sends no iss");
    let res = client
        .get(with_iss(&back, Some("https://attacker.example")))
        .send()
        .await
        .unwrap();
    assert_refused(&app, res, "another sign-in server").await;

    // Its own issuer, though not promised, is fine; and so is none.
    let issuer = app.sandbox.settings(GOOGLE).issuer;
    let back = answer(&app, &client, "allow").await;
    let res = client
        .get(with_iss(&back, Some(&issuer)))
        .send()
        .await
        .unwrap();
    assert_eq!(app.outcome(&client, res).await, "google:connected");
}

async fn a_cancellation_from_another_issuer_is_not_believed(app: TestApp) {
    app.sandbox.set_openid(OpenIdOptions {
        sends_iss: true,
        ..OpenIdOptions::default()
    });
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let back = answer(&app, &client, "cancel").await;
    assert!(iss_of(&back).is_some(), "error answers carry iss too");
    let res = client
        .get(with_iss(&back, Some("https://attacker.example")))
        .send()
        .await
        .unwrap();
    assert_refused(&app, res, "another sign-in server").await;
    let page = app.page(&client, "/settings/applications").await;
    assert_eq!(common::shown_outcome(&page), None, "no outcome announced");
}

/// Connects ada once with the sandbox's ID tokens carrying `claim: value`; the outcome shown.
async fn connect_with_claim(app: &TestApp, client: &Client, claim: &str, value: Value) -> String {
    app.sandbox.reset_openid();
    app.sandbox.set_id_token_claim(claim, value);
    let res = app.connect(client, "google", "ada", "allow").await;
    app.outcome(client, res).await
}

async fn an_id_token_for_another_client_is_refused(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let outcome = connect_with_claim(&app, &client, "azp", json!("someone-elses-app")).await;
    assert_eq!(outcome, "google:id_token");
    assert_eq!(app.count("connected_accounts").await, 0);
    // azp is optional: without it, the audience alone decides.
    let outcome = connect_with_claim(&app, &client, "azp", Value::Null).await;
    assert_eq!(outcome, "google:connected");
}

async fn an_id_token_from_the_future_or_long_ago_is_refused(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let now = chrono::Utc::now().timestamp();
    let max_age = 10 * 60;
    for iat in [
        json!(now + 5 * 60),
        json!(now - max_age - 5 * 60),
        Value::Null,
    ] {
        let outcome = connect_with_claim(&app, &client, "iat", iat.clone()).await;
        assert_eq!(outcome, "google:id_token", "iat {iat}");
        assert_eq!(app.count("connected_accounts").await, 0);
    }
    // Within the skew and the bound: accepted.
    let outcome = connect_with_claim(&app, &client, "iat", json!(now - max_age + 60)).await;
    assert_eq!(outcome, "google:connected");
}

async fn userinfo_must_describe_the_id_tokens_subject(app: TestApp) {
    app.configure("google").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let names = "SELECT first_name || '|' || last_name AS v FROM users";
    let before: Option<String> = app.value(names).await;
    for sub in [json!("someone-else"), Value::Null] {
        app.sandbox.reset_openid();
        // Without a name in the ID token, the profile is completed from userinfo.
        app.sandbox.set_id_token_claim("name", Value::Null);
        app.sandbox.set_userinfo_claim("sub", sub.clone());
        let res = app.connect(&client, "google", "ada", "allow").await;
        assert_eq!(app.outcome(&client, res).await, "google:id_token", "{sub}");
        assert_eq!(app.count("connected_accounts").await, 0);
        assert_eq!(
            app.value::<String>(names).await,
            before,
            "no name taken from it"
        );
    }
    app.sandbox.reset_openid();
    app.sandbox.set_id_token_claim("name", Value::Null);
    let res = app.connect(&client, "google", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "google:connected");
}
