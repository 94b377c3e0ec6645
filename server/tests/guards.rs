//! Who may see which page: visitors, users, administrators; unknown addresses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, expect_status, location};
use reqwest::StatusCode;

db_tests!(
    visitors_are_sent_to_sign_in_and_back,
    users_get_403_in_the_admin_area,
    admins_see_the_admin_area,
    unknown_addresses_get_a_404_page,
    public_pages_render,
    signed_in_users_are_sent_on_from_sign_in_and_sign_up,
);

async fn visitors_are_sent_to_sign_in_and_back(app: TestApp) {
    let client = app.client();
    for (path, next) in [
        ("/settings/profile", "/settings/profile"),
        (
            "/settings/applications?tab=1",
            "/settings/applications%3Ftab%3D1",
        ),
        ("/admin/social-apps", "/admin/social-apps"),
        ("/admin", "/admin"),
    ] {
        let res = app.get(&client, path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            location(res.headers()),
            Some(format!("/signin?next={next}").as_str())
        );
    }
}

async fn users_get_403_in_the_admin_area(app: TestApp) {
    let client = app.signed_up("Grace Hopper", "grace@example.com").await;
    let body = expect_status(
        app.get(&client, "/admin/social-apps").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(body.contains("Access denied"), "{body}");
    assert!(
        !body.contains("Client secret") && !body.contains("Redirect URI to register"),
        "admin content leaked: {body}"
    );
}

async fn admins_see_the_admin_area(app: TestApp) {
    let client = app.signed_in_admin("root@example.com").await;
    let body = expect_status(app.get(&client, "/admin/social-apps").await, StatusCode::OK).await;
    assert!(body.contains("Social apps"), "{body}");
    assert!(!body.contains("Access denied"));
}

async fn unknown_addresses_get_a_404_page(app: TestApp) {
    let client = app.client();
    for path in ["/nope", "/settings-x", "/api-nothing/x"] {
        let body = expect_status(app.get(&client, path).await, StatusCode::NOT_FOUND).await;
        assert!(body.contains("Page not found"), "{path}: {body}");
    }
}

async fn public_pages_render(app: TestApp) {
    let client = app.client();
    for (path, text) in [
        ("/", "Your event profile, connected."),
        ("/signin", "Sign in"),
        ("/signup", "Create an account"),
    ] {
        let body = expect_status(app.get(&client, path).await, StatusCode::OK).await;
        assert!(body.contains(text), "{path}");
        assert!(
            body.contains("<label for=\"field-email\">Email</label>") || path == "/",
            "{path}: fields need labels"
        );
    }
}

async fn signed_in_users_are_sent_on_from_sign_in_and_sign_up(app: TestApp) {
    let client = app.signed_up("Grace Hopper", "grace@example.com").await;
    for (path, onward) in [
        ("/signin", "/settings/profile"),
        ("/signup", "/settings/profile"),
        (
            "/signin?next=%2Fsettings%2Fapplications%3Ftab%3D1",
            "/settings/applications?tab=1",
        ),
        ("/signup?next=/admin/social-apps", "/admin/social-apps"),
        ("/signin?next=//evil.example/", "/settings/profile"),
        ("/signin?next=https://evil.example/", "/settings/profile"),
        ("/signin?next=/signup", "/settings/profile"),
    ] {
        let res = app.get(&client, path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(res.headers()), Some(onward), "{path}");
    }
    // A visitor gets the pages.
    let visitor = app.client();
    for path in ["/signin?next=/settings/applications", "/signup"] {
        expect_status(app.get(&visitor, path).await, StatusCode::OK).await;
    }
}
