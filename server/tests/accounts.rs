//! Sign up, sign in, sign out over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::error::AppError;
use common::{TestApp, app_error, expect_status, location, without_scripts};
use reqwest::StatusCode;

db_tests!(
    sign_up_signs_in_and_opens_the_profile,
    sign_up_refuses_a_taken_email_and_writes_nothing,
    sign_up_refuses_bad_input_and_writes_nothing,
    sign_up_reports_every_field_at_once,
    the_profile_reports_every_field_at_once,
    wrong_password_and_unknown_email_get_the_same_answer,
    sign_in_rotates_the_session_id,
    sign_out_ends_the_session,
    sign_in_returns_to_a_local_next_only,
);

async fn sign_up_signs_in_and_opens_the_profile(app: TestApp) {
    let client = app.client();
    let res = app
        .sign_up(&client, "Grace Hopper", "Grace@Example.com", "cobol1959")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(location(res.headers()), Some("/settings/profile"));
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("orga_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );

    let body = expect_status(app.get(&client, "/settings/profile").await, StatusCode::OK).await;
    assert!(
        body.contains("Grace Hopper") && body.contains("grace@example.com"),
        "{body}"
    );
    assert_eq!(app.count("users").await, 1);
}

async fn sign_up_refuses_a_taken_email_and_writes_nothing(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    let client = app.client();
    let res = app
        .sign_up(&client, "Impostor", " GRACE@example.com ", "whatever123")
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(app_error(res).await, AppError::EmailTaken);
    assert_eq!(app.count("users").await, 1);
    let res = app.get(&client, "/settings/profile").await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the refused sign-up must not sign in"
    );
}

async fn sign_up_refuses_bad_input_and_writes_nothing(app: TestApp) {
    let client = app.client();
    let cases = [
        (
            "Ada",
            "not-an-email",
            "long enough",
            "email",
            "valid email address",
        ),
        (
            "Ada",
            "ada@example",
            "long enough",
            "email",
            "valid email address",
        ),
        (
            "Ada",
            "ada@example.com",
            "short",
            "password",
            "at least 8 characters",
        ),
        (
            "   ",
            "ada@example.com",
            "long enough",
            "name",
            "Enter your name.",
        ),
    ];
    for (name, email, password, field, words) in cases {
        let res = app.sign_up(&client, name, email, password).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let err = app_error(res).await;
        assert_eq!(err.field(), Some(field), "{email}/{password}: {err:?}");
        assert!(err.to_string().contains(words), "{err}");
    }
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("sessions").await, 0);
}

async fn wrong_password_and_unknown_email_get_the_same_answer(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    let client = app.client();
    let wrong = app
        .call(
            &client,
            "sign_in",
            &[
                ("email", "grace@example.com"),
                ("password", "not her password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = app_error(wrong).await;
    let unknown = app
        .call(
            &client,
            "sign_in",
            &[
                ("email", "nobody@example.com"),
                ("password", "not her password"),
            ],
        )
        .await;
    let unknown = app_error(unknown).await;
    assert_eq!(wrong, AppError::InvalidCredentials);
    assert_eq!(wrong.to_string(), unknown.to_string());
    let res = app.get(&client, "/settings/profile").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

async fn sign_in_rotates_the_session_id(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    let (client, jar) = app.client_with_jar();
    let res = app
        .call(
            &client,
            "sign_in",
            &[
                ("email", "grace@example.com"),
                ("password", "correct horse"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let first = app.session_id(&jar).unwrap();
    let res = app
        .call(
            &client,
            "sign_in",
            &[
                ("email", "grace@example.com"),
                ("password", "correct horse"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = app.session_id(&jar).unwrap();
    assert_ne!(first, second, "every sign-in must issue a new session id");

    // The old id no longer works; the new one does.
    let with_cookie = |id: &str| {
        app.client()
            .get(format!("{}/settings/profile", app.base))
            .header("Cookie", format!("orga_session={id}"))
            .send()
    };
    assert_eq!(
        with_cookie(&first).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(with_cookie(&second).await.unwrap().status(), StatusCode::OK);
}

async fn sign_out_ends_the_session(app: TestApp) {
    let client = app.signed_up("Grace Hopper", "grace@example.com").await;
    let res = app.call(&client, "sign_out", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(location(res.headers()), Some("/"));
    let res = app.get(&client, "/settings/profile").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("sessions").await, 0);
}

async fn sign_in_returns_to_a_local_next_only(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    for (next, expected) in [
        ("/settings/applications", "/settings/applications"),
        ("//evil.example/x", "/settings/profile"),
        ("https://evil.example/", "/settings/profile"),
    ] {
        let client = app.client();
        let res = app
            .call(
                &client,
                "sign_in",
                &[
                    ("email", "grace@example.com"),
                    ("password", "correct horse"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(location(res.headers()), Some(expected), "next={next}");
    }
}

async fn sign_up_reports_every_field_at_once(app: TestApp) {
    let client = app.client();
    let res = app.sign_up(&client, "  ", "not-an-email", "short").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let AppError::InvalidFields(fields) = app_error(res).await else {
        panic!("expected one answer with every field's error");
    };
    let named: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.field.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            ("name", "Enter your name."),
            (
                "email",
                "Enter a valid email address, like name@example.com."
            ),
            ("password", "Use at least 8 characters for your password."),
        ]
    );
    assert_eq!(app.count("users").await, 0);

    // Without JavaScript: the form comes back with each message once, beside its field, and
    // only a summary on top.
    let res = client
        .post(format!("{}/api/sign_up", app.base))
        .header("Origin", &app.base)
        .header("Accept", "text/html")
        .header("Referer", format!("{}/signup", app.base))
        .form(&[("name", " "), ("email", "nope"), ("password", "short")])
        .send()
        .await
        .unwrap();
    // Back to the Referer, the error kept for it in the session, not in the URL.
    assert_eq!(location(res.headers()), Some("/signup"));
    let page = app.page(&client, "/signup").await;
    // What people see: the page without its scripts (the flash's JSON, for hydration, holds
    // the messages too).
    let page = without_scripts(&page);
    assert_eq!(
        page.matches("Please correct the highlighted fields.")
            .count(),
        1,
        "{page}"
    );
    for (field, message) in named {
        assert_eq!(page.matches(message).count(), 1, "{message}: {page}");
        assert!(
            page.contains(&format!(
                "<p id=\"field-{field}-error\" class=\"field-error\">{message}</p>"
            )),
            "{field} beside its field: {page}"
        );
    }
}

async fn the_profile_reports_every_field_at_once(app: TestApp) {
    let client = app.signed_up("Grace Hopper", "grace@example.com").await;
    let long = "x".repeat(101);
    let res = app
        .call(
            &client,
            "update_profile",
            &[
                ("first_name", long.as_str()),
                ("last_name", long.as_str()),
                ("avatar_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err = app_error(res).await;
    let fields: Vec<&str> = match &err {
        AppError::InvalidFields(fields) => fields.iter().map(|f| f.field.as_str()).collect(),
        other => panic!("expected several field errors, got {other:?}"),
    };
    assert_eq!(fields, ["first_name", "last_name", "avatar_url"]);
    let first: String = app
        .value("SELECT first_name AS v FROM users")
        .await
        .unwrap();
    assert_eq!(first, "Grace", "nothing written");
}
