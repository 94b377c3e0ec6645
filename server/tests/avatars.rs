//! Owned avatars: a connect stores our copy of the provider's picture and pages show
//! `/avatars/{hash}`; the copy outlives the provider's expiring URL; hostile pictures, foreign
//! hosts and redirects out of the provider's hosts are refused; the user's own picture is kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use app::connections::ProviderId;
use app::connections::avatars::{AllowList, AvatarError, fetch_picture, refresh_link_picture};
use common::{TestApp, expect_status};
use reqwest::{StatusCode, header};
use sandbox::{Endpoint, Fault, Hostile};
use sha2::{Digest, Sha256};

db_tests!(
    connecting_shows_our_copy_of_the_picture,
    the_picture_outlives_the_providers_url,
    hostile_pictures_are_refused,
    a_host_outside_the_allow_list_is_never_fetched,
    redirects_stay_within_the_providers_hosts,
    the_users_own_picture_is_never_overwritten,
    malformed_and_unknown_hashes_are_not_found,
);

/// Connects `provider` as `account`; a picture failure must not fail the connect.
async fn connect_ok(app: &TestApp, client: &reqwest::Client, provider: &str, account: &str) {
    let res = app.connect(client, provider, account, "allow").await;
    assert_eq!(
        app.outcome(client, res).await,
        format!("{provider}:connected")
    );
}

async fn link_value(app: &TestApp, provider: &str, column: &str) -> Option<String> {
    let sql = format!("SELECT {column} AS v FROM connected_accounts WHERE provider = '{provider}'");
    app.value::<Option<String>>(&sql).await.flatten()
}

async fn link_id(app: &TestApp, provider: &str) -> i64 {
    let sql = format!("SELECT id AS v FROM connected_accounts WHERE provider = '{provider}'");
    app.value(&sql).await.unwrap()
}

async fn user_avatar(app: &TestApp, email: &str) -> Option<String> {
    let sql = format!("SELECT avatar_url AS v FROM users WHERE email = '{email}'");
    app.value::<Option<String>>(&sql).await.flatten()
}

async fn sql(app: &TestApp, statement: &str) {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    app.db
        .execute(Statement::from_string(backend, statement.to_owned()))
        .await
        .unwrap();
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    expect_status(app.get(client, path).await, StatusCode::OK).await
}

/// A server outside every allow-list, counting the requests it gets.
async fn outside_server() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let router = axum::Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        // Declares its size: refused on Content-Length alone when it is allowed at all.
        async { vec![0u8; 6 * 1024 * 1024] }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, hits)
}

async fn connecting_shows_our_copy_of_the_picture(app: TestApp) {
    let client = app.signed_up("Sam", "sam@example.com").await;
    for provider in ["facebook", "x", "instagram", "google"] {
        app.configure(provider).await;
        connect_ok(&app, &client, provider, "ada").await;
    }
    let hash = link_value(&app, "facebook", "avatar_hash").await.unwrap();
    assert!(app::connections::avatars::is_avatar_hash(&hash), "{hash}");
    for provider in ["x", "instagram", "google"] {
        assert_eq!(
            link_value(&app, provider, "avatar_hash").await.as_ref(),
            Some(&hash)
        );
    }
    assert_eq!(app.count("avatars").await, 1, "one picture, stored once");
    let ours = format!("/avatars/{hash}");
    assert_eq!(
        user_avatar(&app, "sam@example.com").await,
        Some(ours.clone())
    );
    // The source stays the provider's URL, never shown.
    let source = link_value(&app, "facebook", "avatar_url").await.unwrap();
    assert!(source.contains("/avatars/facebook/ada.png?oe="), "{source}");
    for path in ["/settings/applications", "/settings/profile"] {
        let html = page(&app, &client, path).await;
        assert!(html.contains(&format!(r#"src="{ours}""#)), "{path}: {html}");
        assert!(
            !html.contains(".png?oe="),
            "{path} hot-links a provider picture: {html}"
        );
    }
    // Anyone may load it (no session), forever cached.
    let res = reqwest::get(format!("{}{ours}", app.base)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::ETAG], format!("\"{hash}\"").as_str());
    assert!(!headers.contains_key(header::SET_COOKIE));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(
        hex(&Sha256::digest(&bytes)),
        hash,
        "the key is the SHA-256 of the bytes"
    );
    let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (160, 160));
    let again = reqwest::Client::new()
        .get(format!("{}{ours}", app.base))
        .header(header::IF_NONE_MATCH, format!("\"{hash}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Saving the profile form unchanged keeps our picture.
    let form = [
        ("first_name", "Sam"),
        ("last_name", "Lovelace"),
        ("avatar_url", ours.as_str()),
    ];
    let res = app.call(&client, "update_profile", &form).await;
    expect_status(res, StatusCode::OK).await;
    assert_eq!(user_avatar(&app, "sam@example.com").await, Some(ours));
}

async fn the_picture_outlives_the_providers_url(app: TestApp) {
    app.configure("facebook").await;
    app.sandbox.set_picture_lifetime(Duration::from_secs(1));
    let client = app.signed_up("Sam", "sam@example.com").await;
    connect_ok(&app, &client, "facebook", "ada").await;
    let hash = link_value(&app, "facebook", "avatar_hash").await.unwrap();
    let source = link_value(&app, "facebook", "avatar_url").await.unwrap();
    let mut status = StatusCode::OK;
    for _ in 0..50 {
        status = reqwest::get(&source).await.unwrap().status();
        if status == StatusCode::FORBIDDEN {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the sandbox's URL expires like fbcdn's"
    );
    let html = page(&app, &client, "/settings/applications").await;
    assert!(
        html.contains(&format!(r#"src="/avatars/{hash}""#)),
        "{html}"
    );
    let res = reqwest::get(format!("{}/avatars/{hash}", app.base))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // A retry with the expired URL fails and keeps the copy we have.
    let retried = refresh_link_picture(&app.state, link_id(&app, "facebook").await).await;
    assert!(
        matches!(retried, Err(AvatarError::Status(403))),
        "{retried:?}"
    );
    assert_eq!(
        link_value(&app, "facebook", "avatar_hash").await,
        Some(hash)
    );
}

async fn hostile_pictures_are_refused(app: TestApp) {
    app.configure("facebook").await;
    let cases = [
        ("ada", "AL", Hostile::HugeBody),
        ("grace", "GH", Hostile::Html),
        ("alan", "AT", Hostile::SvgWithScript),
    ];
    for (account, initials, hostile) in cases {
        let email = format!("{account}@example.com");
        let client = app.signed_up("Sam", &email).await;
        let fault = Fault::Hostile(hostile.clone());
        app.sandbox
            .set_fault(ProviderId::Facebook, Endpoint::Picture, fault);
        connect_ok(&app, &client, "facebook", account).await;
        let id: i64 = app
            .value(&format!(
                "SELECT c.id AS v FROM connected_accounts c JOIN users u ON u.id = c.user_id \
                 WHERE u.email = '{email}'"
            ))
            .await
            .unwrap();
        let sql = format!("SELECT avatar_hash AS v FROM connected_accounts WHERE id = {id}");
        assert_eq!(
            app.value::<Option<String>>(&sql).await.flatten(),
            None,
            "{hostile:?}"
        );
        assert_eq!(user_avatar(&app, &email).await, None, "{hostile:?}");
        let html = page(&app, &client, "/settings/applications").await;
        // The initials, and no picture over them.
        let shown = format!(r#"class="avatar-initials">{initials}</span>"#);
        assert!(html.contains(&shown), "{hostile:?}: {html}");
        assert!(!html.contains("avatar-picture"), "{hostile:?}: {html}");
        assert!(!html.contains("src=\"/avatars/"), "{html}");
        let why = refresh_link_picture(&app.state, id).await;
        let expected = match hostile {
            Hostile::HugeBody => matches!(why, Err(AvatarError::TooLarge)),
            _ => matches!(why, Err(AvatarError::NotAnImage(_))),
        };
        assert!(expected, "{hostile:?}: {why:?}");
    }
    assert_eq!(app.count("avatars").await, 0);
}

async fn a_host_outside_the_allow_list_is_never_fetched(app: TestApp) {
    app.configure("facebook").await;
    let (outside, hits) = outside_server().await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    app.sandbox
        .set_fault(ProviderId::Facebook, Endpoint::Picture, Fault::Status(404));
    connect_ok(&app, &client, "facebook", "ada").await;
    let id = link_id(&app, "facebook").await;
    for foreign in [
        format!("{outside}/a.png"),
        "https://example.com/a.png".to_owned(),
        "https://scontent.xx.fbcdn.net.example.com/a.png".to_owned(),
        "http://scontent.xx.fbcdn.net/a.png".to_owned(),
    ] {
        sql(
            &app,
            &format!("UPDATE connected_accounts SET avatar_url = '{foreign}' WHERE id = {id}"),
        )
        .await;
        let refused = refresh_link_picture(&app.state, id).await;
        assert!(
            matches!(
                refused,
                Err(AvatarError::HostNotAllowed(_) | AvatarError::Scheme(_))
            ),
            "{foreign}: {refused:?}"
        );
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "never contacted");
    assert_eq!(link_value(&app, "facebook", "avatar_hash").await, None);
    assert_eq!(app.count("avatars").await, 0);
    // Where a host is allowed, a body declared larger than the cap is refused unread.
    let allowed = AllowList::new(ProviderId::Facebook, Some(&outside.parse().unwrap()));
    let url = format!("{outside}/big.png").parse().unwrap();
    let big = fetch_picture(&app.state.http, url, &allowed).await;
    assert!(matches!(big, Err(AvatarError::TooLarge)), "{big:?}");
}

async fn redirects_stay_within_the_providers_hosts(app: TestApp) {
    let (outside, hits) = outside_server().await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    app.configure("facebook").await;
    connect_ok(&app, &client, "facebook", "ada").await;
    let hash = link_value(&app, "facebook", "avatar_hash").await.unwrap();
    let facebook_picture = link_value(&app, "facebook", "avatar_url").await.unwrap();
    // X's picture redirects to another of the sandbox's pictures: followed.
    app.configure("x").await;
    let to_facebook = Hostile::Redirect(facebook_picture.clone());
    app.sandbox.set_fault(
        ProviderId::X,
        Endpoint::Picture,
        Fault::Hostile(to_facebook),
    );
    connect_ok(&app, &client, "x", "ada").await;
    assert_eq!(
        link_value(&app, "x", "avatar_hash").await,
        Some(hash.clone())
    );
    // Google's redirects out of the allow-list: not followed.
    app.configure("google").await;
    let out = Hostile::Redirect(format!("{outside}/a.png"));
    app.sandbox
        .set_fault(ProviderId::Google, Endpoint::Picture, Fault::Hostile(out));
    connect_ok(&app, &client, "google", "ada").await;
    assert_eq!(link_value(&app, "google", "avatar_hash").await, None);
    assert_eq!(hits.load(Ordering::SeqCst), 0, "never contacted");
    // Facebook's redirects to itself: given up after three redirects, the copy kept.
    let to_itself = Hostile::Redirect(facebook_picture);
    app.sandbox.set_fault(
        ProviderId::Facebook,
        Endpoint::Picture,
        Fault::Hostile(to_itself),
    );
    let looped = refresh_link_picture(&app.state, link_id(&app, "facebook").await).await;
    assert!(matches!(looped, Err(AvatarError::Redirects)), "{looped:?}");
    assert_eq!(
        link_value(&app, "facebook", "avatar_hash").await,
        Some(hash)
    );
    assert_eq!(app.count("avatars").await, 1);
}

async fn the_users_own_picture_is_never_overwritten(app: TestApp) {
    app.configure("facebook").await;
    app.configure("x").await;
    let client = app.signed_up("Grace Brewster", "gb@example.com").await;
    let mine = "https://example.com/me.png";
    let form = [
        ("first_name", "Grace"),
        ("last_name", "Brewster"),
        ("avatar_url", mine),
    ];
    expect_status(
        app.call(&client, "update_profile", &form).await,
        StatusCode::OK,
    )
    .await;
    connect_ok(&app, &client, "facebook", "ada").await;
    let hash = link_value(&app, "facebook", "avatar_hash").await.unwrap();
    assert_eq!(
        user_avatar(&app, "gb@example.com").await.as_deref(),
        Some(mine)
    );
    let card = page(&app, &client, "/settings/applications").await;
    assert!(
        card.contains(&format!(r#"src="/avatars/{hash}""#)),
        "{card}"
    );
    let profile = page(&app, &client, "/settings/profile").await;
    assert!(profile.contains(&format!(r#"src="{mine}""#)), "{profile}");
    // A picture copied from the provider by an earlier version was not the user's choice.
    let source = link_value(&app, "facebook", "avatar_url").await.unwrap();
    sql(
        &app,
        &format!("UPDATE users SET avatar_url = '{source}' WHERE email = 'gb@example.com'"),
    )
    .await;
    let id = link_id(&app, "facebook").await;
    assert_eq!(
        refresh_link_picture(&app.state, id).await.unwrap(),
        Some(hash.clone())
    );
    let ours = format!("/avatars/{hash}");
    assert_eq!(
        user_avatar(&app, "gb@example.com").await,
        Some(ours.clone())
    );
    // The next link does not replace a picture the user already has from the first.
    connect_ok(&app, &client, "x", "grace").await;
    assert_ne!(link_value(&app, "x", "avatar_hash").await, Some(hash));
    assert_eq!(user_avatar(&app, "gb@example.com").await, Some(ours));
}

async fn malformed_and_unknown_hashes_are_not_found(app: TestApp) {
    let unknown = "0".repeat(64);
    let upper = "A".repeat(64);
    for path in [
        "/avatars/abc".to_owned(),
        format!("/avatars/{unknown}"),
        format!("/avatars/{upper}"),
        format!("/avatars/{unknown}.png"),
        "/avatars/..%2F..%2Fetc%2Fpasswd".to_owned(),
    ] {
        let res = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
