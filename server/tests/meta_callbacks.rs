//! Meta's deauthorize and data-deletion callbacks (Facebook, Instagram): the sandbox's "Remove
//! Orga Connect" leaves a tombstone and revokes its tokens; a data deletion removes the link and
//! answers `{url, confirmation_code}` with a readable status page; every refused
//! `signed_request` is a 400 that changes nothing; X and Google have no such routes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::catalog::LinkStatus;
use app::db::entities::{avatar, connected_account};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{TestApp, expect_status, provider_id};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use sandbox::Sandbox;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

db_tests!(
    removing_facebook_at_the_sandbox_leaves_a_tombstone,
    removing_instagram_leaves_a_tombstone,
    an_owned_picture_goes_with_its_last_user,
    data_deletion_removes_the_link_and_answers_a_receipt,
    refused_signed_requests_change_nothing,
    x_and_google_have_no_callbacks,
    the_callbacks_pass_the_cross_site_check,
    admins_see_the_urls_to_register
);

/// A user connected to `provider` as the sandbox's Ada.
async fn connected(app: &TestApp, provider: &str) -> reqwest::Client {
    app.configure(provider).await;
    let client = app
        .signed_up("Sam", &format!("sam-{provider}@example.com"))
        .await;
    let res = app.connect(&client, provider, "ada", "allow").await;
    assert_eq!(
        app.outcome(&client, res).await,
        format!("{provider}:connected")
    );
    client
}

/// The only link.
async fn the_link(app: &TestApp) -> connected_account::Model {
    connected_account::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("a link")
}

fn assert_tombstone(link: &connected_account::Model) {
    assert_eq!(link.status, LinkStatus::Removed);
    assert!(link.status_changed_at.is_some());
    assert_eq!(link.access_token, "");
    assert_eq!(link.refresh_token, None);
    let profile = [
        &link.username,
        &link.display_name,
        &link.email,
        &link.avatar_url,
        &link.profile_url,
        &link.avatar_hash,
    ];
    assert!(profile.iter().all(|f| f.is_none()), "{link:?}");
    assert_eq!(link.due_at, None);
}

async fn user_avatar(app: &TestApp) -> Option<String> {
    app.value("SELECT avatar_url AS v FROM users")
        .await
        .unwrap()
}

async fn removing_facebook_at_the_sandbox_leaves_a_tombstone(app: TestApp) {
    connected(&app, "facebook").await;
    assert_eq!(the_link(&app).await.status, LinkStatus::Active);
    assert!(user_avatar(&app).await.is_some(), "filled from Facebook");
    let browser = reqwest::Client::new();
    let page = format!("{}apps/facebook/ada", app.sandbox.base_url());
    let body = browser
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Remove Orga Connect"), "{body}");
    let res = browser.post(format!("{page}/remove")).send().await.unwrap();
    let body = expect_status(res, StatusCode::OK).await;
    assert!(body.contains("Orga Connect was told (HTTP 200)"), "{body}");
    assert!(!body.contains("Remove Orga Connect"), "{body}");

    let link = the_link(&app).await;
    assert_tombstone(&link);
    assert_eq!(
        user_avatar(&app).await,
        None,
        "the picture came from the link"
    );
    assert_eq!(app.sandbox.live_tokens(provider_id("facebook"), "ada"), 0);

    // Meta retries: the same callback again changes nothing.
    let again = app
        .sandbox
        .remove_app(provider_id("facebook"), "ada")
        .await
        .unwrap();
    assert_eq!(again.revoked_tokens, 0);
    assert!(again.deauthorize.succeeded(), "{again:?}");
    assert_eq!(the_link(&app).await, link);
}

async fn removing_instagram_leaves_a_tombstone(app: TestApp) {
    connected(&app, "instagram").await;
    let instagram = provider_id("instagram");
    assert!(app.sandbox.live_tokens(instagram, "ada") > 0);
    let removal = app.sandbox.remove_app(instagram, "ada").await.unwrap();
    assert!(removal.revoked_tokens > 0);
    assert!(removal.deauthorize.succeeded(), "{removal:?}");
    let link = the_link(&app).await;
    assert_tombstone(&link);
    assert_eq!(
        Some(link.provider_user_id),
        Sandbox::provider_user_id(instagram, "ada")
    );
    assert_eq!(app.sandbox.live_tokens(instagram, "ada"), 0);
    assert_eq!(app.count("connected_accounts").await, 1);
}

/// Gives every link, and the user, our copy `hash` of a picture.
async fn own_picture(app: &TestApp, hash: &str) {
    avatar::ActiveModel {
        hash: Set(hash.to_owned()),
        content_type: Set("image/png".into()),
        bytes: Set(vec![1, 2, 3]),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    // The copies fetched at connect give way to the test's own, which every link shows.
    for sql in [
        format!("DELETE FROM avatars WHERE hash <> '{hash}'"),
        format!("UPDATE connected_accounts SET avatar_hash = '{hash}'"),
        format!("UPDATE users SET avatar_url = '/avatars/{hash}'"),
    ] {
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &sql)
            .await
            .unwrap();
    }
}

async fn an_owned_picture_goes_with_its_last_user(app: TestApp) {
    let client = connected(&app, "facebook").await;
    app.configure("instagram").await;
    app.connect(&client, "instagram", "ada", "allow").await;
    assert_eq!(app.count("connected_accounts").await, 2);
    let hash = "ab".repeat(32);
    own_picture(&app, &hash).await;
    for (provider, avatars_left) in [("facebook", 1), ("instagram", 0)] {
        let removal = app
            .sandbox
            .remove_app(provider_id(provider), "ada")
            .await
            .unwrap();
        assert!(removal.deauthorize.succeeded(), "{removal:?}");
        assert_eq!(user_avatar(&app).await, None, "{provider}");
        // Kept while the Instagram link still shows it.
        assert_eq!(app.count("avatars").await, avatars_left, "{provider}");
    }
}

async fn data_deletion_removes_the_link_and_answers_a_receipt(app: TestApp) {
    connected(&app, "facebook").await;
    own_picture(&app, &"cd".repeat(32)).await;
    let answer = app
        .sandbox
        .request_data_deletion(provider_id("facebook"), "ada")
        .await
        .unwrap();
    let receipt = answer.receipt().unwrap_or_else(|| panic!("{answer:?}"));
    assert_eq!(
        receipt.url,
        format!(
            "{}/connect/deletion/{}",
            app.base, receipt.confirmation_code
        )
    );
    assert!(receipt.confirmation_code.len() >= 32);
    assert_eq!(app.count("connected_accounts").await, 0);
    assert_eq!(app.count("avatars").await, 0);
    assert_eq!(user_avatar(&app).await, None);
    assert_eq!(app.count("data_deletions").await, 1);

    let visitor = app.client();
    let path = format!("/connect/deletion/{}", receipt.confirmation_code);
    let body = expect_status(app.get(&visitor, &path).await, StatusCode::OK).await;
    assert!(body.contains("Facebook data deletion request"), "{body}");
    assert!(body.contains("Orga Connect deleted the data"), "{body}");
    let res = app.get(&visitor, "/connect/deletion/no-such-code").await;
    let body = expect_status(res, StatusCode::NOT_FOUND).await;
    assert!(body.contains("Page not found"), "{body}");

    // With nothing left to delete, the request is still acknowledged, from the sandbox's page.
    let page = format!("{}apps/facebook/ada/delete-data", app.sandbox.base_url());
    let res = reqwest::Client::new().post(page).send().await.unwrap();
    let body = expect_status(res, StatusCode::OK).await;
    assert!(body.contains("Confirmation code"), "{body}");
    assert_eq!(app.count("data_deletions").await, 2);
}

/// `base64url(HMAC-SHA256(secret, encoded)).encoded`, `encoded` being `payload` encoded.
fn sign(payload: &str, secret: &str) -> String {
    let encoded = URL_SAFE_NO_PAD.encode(payload);
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(encoded.as_bytes());
    format!(
        "{}.{encoded}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn payload(algorithm: &str, user_id: &str) -> String {
    serde_json::json!({ "algorithm": algorithm, "issued_at": 1_764_495_000, "user_id": user_id })
        .to_string()
}

/// Posts `form` to Meta's callback `kind` of `provider`, as Meta does (no Origin, no cookie).
async fn post(
    app: &TestApp,
    provider: &str,
    kind: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/auth/{provider}/{kind}", app.base))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn refused_signed_requests_change_nothing(app: TestApp) {
    connected(&app, "facebook").await;
    app.configure("instagram").await;
    let before = the_link(&app).await;
    let tokens = app.sandbox.live_tokens(provider_id("facebook"), "ada");
    let secret = Sandbox::client_secret(provider_id("facebook"));
    let user = before.provider_user_id.clone();
    let genuine = sign(&payload("HMAC-SHA256", &user), &secret);
    let (signature, encoded) = genuine.split_once('.').unwrap();
    let cases = [
        (
            "forged",
            sign(&payload("HMAC-SHA256", &user), "wrong-secret"),
        ),
        ("unsigned", format!(".{encoded}")),
        (
            "wrong algorithm",
            sign(&payload("HMAC-SHA1", &user), &secret),
        ),
        ("malformed", "not-a-signed-request".to_owned()),
        ("padded", format!("{signature}=.{encoded}")),
        ("garbage", format!("{signature}.{encoded}%%")),
        ("no user", sign(r#"{"algorithm":"HMAC-SHA256"}"#, &secret)),
        ("empty", String::new()),
    ];
    for kind in ["deauthorize", "data-deletion"] {
        for (name, signed) in &cases {
            let res = post(&app, "facebook", kind, &[("signed_request", signed)]).await;
            let body = expect_status(res, StatusCode::BAD_REQUEST).await;
            assert!(
                !body.is_empty() && body.len() < 100,
                "{kind} {name}: {body}"
            );
        }
        let res = post(&app, "facebook", kind, &[("other", genuine.as_str())]).await;
        expect_status(res, StatusCode::BAD_REQUEST).await;
        // Signed for Facebook, posted to Instagram: another secret.
        let res = post(&app, "instagram", kind, &[("signed_request", &genuine)]).await;
        expect_status(res, StatusCode::BAD_REQUEST).await;
    }
    assert_eq!(the_link(&app).await, before);
    assert_eq!(app.count("data_deletions").await, 0);
    assert_eq!(
        app.sandbox.live_tokens(provider_id("facebook"), "ada"),
        tokens
    );

    // An account we do not know is acknowledged, and changes nothing either.
    let stranger = sign(&payload("HMAC-SHA256", "100000000000001"), &secret);
    let res = post(
        &app,
        "facebook",
        "deauthorize",
        &[("signed_request", &stranger)],
    )
    .await;
    expect_status(res, StatusCode::OK).await;
    assert_eq!(the_link(&app).await, before);
}

async fn x_and_google_have_no_callbacks(app: TestApp) {
    for provider in ["x", "google", "nope"] {
        if provider != "nope" {
            app.configure(provider).await;
        }
        let secret = format!("sandbox-{provider}-secret");
        let signed = sign(&payload("HMAC-SHA256", "1"), &secret);
        for kind in ["deauthorize", "data-deletion"] {
            let res = post(&app, provider, kind, &[("signed_request", &signed)]).await;
            expect_status(res, StatusCode::NOT_FOUND).await;
        }
    }
    assert_eq!(app.count("data_deletions").await, 0);
}

async fn the_callbacks_pass_the_cross_site_check(app: TestApp) {
    connected(&app, "facebook").await;
    let secret = Sandbox::client_secret(provider_id("facebook"));
    let signed = sign(
        &payload("HMAC-SHA256", &the_link(&app).await.provider_user_id),
        &secret,
    );
    let res = reqwest::Client::new()
        .post(format!("{}/auth/facebook/deauthorize", app.base))
        .header("Origin", "https://www.facebook.com")
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("signed_request", &signed)])
        .send()
        .await
        .unwrap();
    expect_status(res, StatusCode::OK).await;
    assert_tombstone(&the_link(&app).await);
    // Everything else stays guarded.
    let res = reqwest::Client::new()
        .post(format!("{}/auth/facebook/connect", app.base))
        .header("Origin", "https://www.facebook.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn admins_see_the_urls_to_register(app: TestApp) {
    let admin = app.signed_in_admin("admin@example.com").await;
    let res = app.call(&admin, "list_provider_settings", &[]).await;
    let list: serde_json::Value =
        serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    for view in list.as_array().unwrap() {
        let slug = view["provider"].as_str().unwrap();
        let urls = &view["meta_callbacks"];
        if matches!(slug, "facebook" | "instagram") {
            let base = format!("{}/auth/{slug}", app.base);
            assert_eq!(urls["deauthorize"], format!("{base}/deauthorize"));
            assert_eq!(urls["data_deletion"], format!("{base}/data-deletion"));
        } else {
            assert!(urls.is_null(), "{slug}: {urls}");
        }
    }
    let page = app.page(&admin, "/admin/social-apps").await;
    assert!(page.contains("Deauthorize callback URL"), "{page}");
    assert!(page.contains(&format!("{}/auth/instagram/data-deletion", app.base)));
}
