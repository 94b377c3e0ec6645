//! Cross-site requests, oversized bodies, response headers, health.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, expect_status};
use reqwest::StatusCode;

db_tests!(
    cross_site_posts_are_refused,
    same_site_posts_pass,
    oversized_bodies_are_refused,
    responses_carry_security_headers,
    https_sites_get_hsts_and_a_host_only_cookie,
    healthz_checks_the_database,
);

async fn cross_site_posts_are_refused(app: TestApp) {
    let client = app.client();
    let form = [
        ("name", "Eve"),
        ("email", "eve@example.com"),
        ("password", "long enough"),
    ];
    let url = format!("{}/api/sign_up", app.base);
    let by_origin = client
        .post(&url)
        .header("Origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(by_origin.status(), StatusCode::FORBIDDEN);
    let by_fetch_site = client
        .post(&url)
        .header("Origin", &app.base)
        .header("Sec-Fetch-Site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(by_fetch_site.status(), StatusCode::FORBIDDEN);
    let same_site_other_port = client
        .post(&url)
        .header("Sec-Fetch-Site", "same-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(same_site_other_port.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("users").await, 0);
}

async fn same_site_posts_pass(app: TestApp) {
    let client = app.client();
    let form = [
        ("name", "Ada"),
        ("email", "ada@example.com"),
        ("password", "long enough"),
    ];
    let res = client
        .post(format!("{}/api/sign_up", app.base))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Origin", &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.count("users").await, 1);
}

async fn oversized_bodies_are_refused(app: TestApp) {
    let client = app.client();
    let huge = "x".repeat(200 * 1024);
    let res = app
        .sign_up(&client, &huge, "big@example.com", "long enough")
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("users").await, 0);
}

async fn responses_carry_security_headers(app: TestApp) {
    let res = app.get(&app.client(), "/").await;
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(
        h["cache-control"], "no-store",
        "pages are not kept by caches"
    );
    assert!(
        h.get("strict-transport-security").is_none(),
        "not over plain http"
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

async fn healthz_checks_the_database(app: TestApp) {
    let body = expect_status(app.get(&app.client(), "/healthz").await, StatusCode::OK).await;
    assert_eq!(body, r#"{"database":"ok","status":"ok"}"#);
    app.db.clone().close().await.unwrap();
    let res = app.get(&app.client(), "/healthz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// The same database served as `https://orga.example` (behind a TLS proxy): responses carry
/// HSTS and the session cookie is `__Host-` prefixed and Secure.
async fn https_sites_get_hsts_and_a_host_only_cookie(app: TestApp) {
    use tower::ServiceExt;
    let origin = "https://orga.example";
    let vars = [
        ("DATABASE_URL", app.database_url.clone()),
        ("PUBLIC_URL", origin.to_owned()),
        ("SECRET_KEY", app.secret_key.clone()),
    ];
    let config = server::config::Config::from_lookup(|k| {
        vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
    })
    .unwrap();
    let router = server::build_router(server::prepare_state(&config).await.unwrap());
    let request = axum::http::Request::post("/api/sign_up")
        .header("origin", origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(axum::body::Body::from(
            "name=Sam&email=sam%40example.com&password=correct+horse",
        ))
        .unwrap();
    let res = router.oneshot(request).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(
        h["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let cookie = h["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-orga_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain="), "{cookie}");
}
