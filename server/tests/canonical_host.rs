//! One address for the site: a request for another host than `PUBLIC_URL`'s is sent there
//! (page loads) or refused (anything else), so one browser never holds two sessions; the health
//! check answers on any host.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, expect_status, location};
use reqwest::{Method, StatusCode};

db_tests!(
    page_loads_on_another_host_are_redirected_with_path_and_query,
    other_methods_on_another_host_are_refused,
    the_health_check_answers_on_any_host,
    the_public_host_is_served,
);

/// The app's port, reached under the other loopback name (the app is `127.0.0.1:{port}`).
fn other_host(app: &TestApp) -> String {
    let port = app.base.rsplit(':').next().unwrap();
    format!("localhost:{port}")
}

async fn send(app: &TestApp, method: Method, host: &str, path: &str) -> reqwest::Response {
    app.client()
        .request(method, format!("{}{path}", app.base))
        .header("Host", host)
        .header("Origin", format!("http://{host}"))
        .send()
        .await
        .unwrap()
}

async fn page_loads_on_another_host_are_redirected_with_path_and_query(app: TestApp) {
    let host = other_host(&app);
    for method in [Method::GET, Method::HEAD] {
        let res = send(
            &app,
            method.clone(),
            &host,
            "/settings/applications?provider=x&outcome=connected",
        )
        .await;
        assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT, "{method}");
        assert_eq!(
            location(res.headers()),
            Some(
                format!(
                    "{}/settings/applications?provider=x&outcome=connected",
                    app.base
                )
                .as_str()
            ),
            "{method}"
        );
        assert!(
            res.headers().get("set-cookie").is_none(),
            "no session is started on the other host"
        );
    }
    let res = send(&app, Method::GET, &host, "/").await;
    assert_eq!(
        location(res.headers()),
        Some(format!("{}/", app.base).as_str())
    );
    // Behind a proxy, the host it forwards is the one asked for.
    let res = app
        .client()
        .get(format!("{}/signin", app.base))
        .header("X-Forwarded-Host", &host)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
}

async fn other_methods_on_another_host_are_refused(app: TestApp) {
    let host = other_host(&app);
    for (method, path) in [
        (Method::POST, "/api/sign_in"),
        (Method::POST, "/auth/x/connect"),
        (Method::PUT, "/"),
    ] {
        let res = send(&app, method.clone(), &host, path).await;
        assert!(
            location(res.headers()).is_none(),
            "{method} {path}: not redirected"
        );
        let body = expect_status(res, StatusCode::MISDIRECTED_REQUEST).await;
        assert!(
            body.contains(&format!("This server answers at {}.", app.base)),
            "{body}"
        );
    }
    assert_eq!(app.count("sessions").await, 0);
}

async fn the_health_check_answers_on_any_host(app: TestApp) {
    for host in [other_host(&app), "10.0.0.7:8080".to_owned()] {
        let res = send(&app, Method::GET, &host, "/healthz").await;
        assert_eq!(res.status(), StatusCode::OK, "{host}");
    }
}

async fn the_public_host_is_served(app: TestApp) {
    let client = app.client();
    expect_status(app.get(&client, "/signin").await, StatusCode::OK).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let res = send(&app, Method::GET, &host, "/signin").await;
    assert_eq!(res.status(), StatusCode::OK);
}
