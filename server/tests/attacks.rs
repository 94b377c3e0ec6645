//! The attack suite: what an attacker on the web, a signed-in stranger or a curious user tries,
//! over real HTTP against the production router (loopback only). Each probe lists what it
//! covers completely (every server function, every page), so that a new endpoint cannot slip
//! past it unclassified.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

use app::connections::ProviderId;
use common::{TestApp, location};
use reqwest::{Client, StatusCode};

db_tests!(
    every_state_changing_request_from_another_site_is_refused,
    every_server_function_checks_who_calls_it,
    one_user_cannot_touch_another_users_link,
    next_never_leads_off_the_site,
    no_secret_or_token_reaches_a_response_or_a_log_line,
);

/// Who may call each server function. Every registered one must be here (checked below).
/// (`sign_out` without a session does nothing, successfully: signing out is idempotent.)
const PUBLIC: &[&str] = &[
    "sign_in",
    "sign_up",
    "sign_out",
    "get_current_user",
    "data_deletion_status",
];
const SIGNED_IN: &[&str] = &[
    "change_password",
    "delete_account",
    "disconnect_account",
    "list_applications",
    "list_profile_links",
    "list_sessions",
    "refresh_connection",
    "sign_out_other_sessions",
    "sign_out_session",
    "update_profile",
];
const ADMIN: &[&str] = &[
    "get_provider_settings",
    "list_provider_settings",
    "save_provider_settings",
];

/// Every server function the router serves, by name (`/api/{name}`), with its method.
fn server_functions() -> Vec<(String, String)> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| {
            let name = path.trim_start_matches("/api/").to_owned();
            (name, method.to_string())
        })
        .collect()
}

/// Rows of every table a request could change, to show a refused one changed nothing.
async fn snapshot(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "users",
        "sessions",
        "connected_accounts",
        "provider_settings",
        "oauth_states",
    ] {
        counts.push((table, app.count(table).await));
    }
    counts.push((
        "profile",
        app.value::<i64>("SELECT COUNT(*) AS v FROM users WHERE first_name = 'Ada'")
            .await
            .unwrap(),
    ));
    counts
}

async fn every_state_changing_request_from_another_site_is_refused(app: TestApp) {
    app.configure("x").await;
    let admin = app.signed_in_admin("root@example.com").await;
    let user = app.signed_up("Ada Lovelace", "ada@example.com").await;
    let before = snapshot(&app).await;
    let mut targets: Vec<String> = server_functions()
        .into_iter()
        .filter(|(_, method)| method != "GET")
        .map(|(name, _)| format!("/api/{name}"))
        .collect();
    targets.extend([
        "/auth/x/connect".to_owned(),
        "/auth/google/connect".to_owned(),
    ]);
    assert!(targets.len() > 15, "{targets:?}");
    for client in [&user, &admin] {
        for target in &targets {
            for (header, value) in [
                ("Origin", "https://evil.example"),
                ("Sec-Fetch-Site", "cross-site"),
            ] {
                let res = client
                    .post(format!("{}{target}", app.base))
                    .header(header, value)
                    .form(&[
                        ("provider", "x"),
                        ("name", "Mallory"),
                        ("password", "x"),
                        ("email", "m@evil.example"),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    res.status(),
                    StatusCode::FORBIDDEN,
                    "{target} with {header}: {value}"
                );
            }
        }
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused request changed something"
    );
}

/// Arguments for any server function (each reads its own, ignores the rest), complete, so that
/// a refusal comes from the caller check, not from a malformed form.
const ANY_ARGUMENTS: &[(&str, &str)] = &[
    ("provider", "x"),
    ("key", "0000"),
    ("code", "0000"),
    ("password", "correct horse"),
    ("current_password", "correct horse"),
    ("new_password", "another long one"),
    ("first_name", "Mallory"),
    ("last_name", ""),
    ("avatar_url", ""),
    ("input[provider]", "x"),
    ("input[client_id]", "mallory"),
    ("input[client_secret]", "mallory-secret"),
    ("input[settings][scopes]", "tweet.read"),
    (
        "input[settings][authorize_url]",
        "https://evil.example/authorize",
    ),
    ("input[settings][token_url]", "https://evil.example/token"),
    ("input[settings][profile_url]", "https://evil.example/me"),
    ("input[settings][revoke_url]", ""),
    ("input[enabled]", "on"),
];

async fn every_server_function_checks_who_calls_it(app: TestApp) {
    let registered: BTreeSet<String> = server_functions().into_iter().map(|(n, _)| n).collect();
    let classified: BTreeSet<String> = PUBLIC
        .iter()
        .chain(SIGNED_IN)
        .chain(ADMIN)
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(
        registered, classified,
        "classify every server function in this suite"
    );

    app.configure("x").await;
    let user = app.signed_up("Ada Lovelace", "ada@example.com").await;
    let before = snapshot(&app).await;
    for name in SIGNED_IN.iter().chain(ADMIN) {
        let res = app.call(&app.client(), name, ANY_ARGUMENTS).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "{name} as a visitor"
        );
    }
    for name in ADMIN {
        let res = app.call(&user, name, ANY_ARGUMENTS).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name} as a user");
    }
    assert_eq!(snapshot(&app).await, before);
    for page in ["/admin/social-apps", "/admin"] {
        let res = app.get(&user, page).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{page} as a user");
        let html = res.text().await.unwrap();
        assert!(
            !html.contains(&sandbox::Sandbox::client_secret(ProviderId::X)),
            "{page}"
        );
    }
}

async fn one_user_cannot_touch_another_users_link(app: TestApp) {
    app.configure("x").await;
    let ada = app.signed_up("Ada Lovelace", "ada@example.com").await;
    let res = app.connect(&ada, "x", "ada", "allow").await;
    assert_eq!(app.outcome(&ada, res).await, "x:connected");
    let link = app.link("ada@example.com", "x").await;
    let mallory = app.signed_up("Mallory", "mallory@example.com").await;
    // The link's owner is the session's user, never a parameter: every id Mallory can send is
    // ignored or refused.
    for form in [
        vec![("provider", "x")],
        vec![("provider", "x"), ("user_id", "1"), ("id", "1")],
        vec![
            ("provider", "x"),
            ("account_id", link.provider_user_id.as_str()),
        ],
    ] {
        for name in ["disconnect_account", "refresh_connection"] {
            let res = app.call(&mallory, name, &form).await;
            assert!(!res.status().is_server_error(), "{name}: {}", res.status());
        }
    }
    let after = app.link("ada@example.com", "x").await;
    assert_eq!(
        after.access_token, link.access_token,
        "Ada's link untouched"
    );
    assert_eq!(app.count("connected_accounts").await, 1);
    assert!(
        app.sandbox.revoked_tokens(ProviderId::X).is_empty(),
        "nothing revoked for Mallory"
    );
    let page = app.page(&mallory, "/settings/applications").await;
    assert!(
        !page.contains("ada_lovelace") && !page.contains("Ada Lovelace"),
        "Ada's link on Mallory's page"
    );
}

async fn next_never_leads_off_the_site(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    let hostile = [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "/\t/evil.example",
        "%2F%2Fevil.example",
    ];
    for next in hostile {
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
        let to = location(res.headers()).unwrap_or_default().to_owned();
        assert!(
            to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"),
            "next={next:?} → {to}"
        );
        // Signed in, the sign-in page sends on to `next` too: the same rule.
        let page = client
            .get(format!(
                "{}/signin?next={}",
                app.base,
                app::accounts::validate::encode_query_value(next)
            ))
            .send()
            .await
            .unwrap();
        let to = location(page.headers()).unwrap_or_default();
        assert!(
            to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"),
            "page next={next:?} → {to}"
        );
    }
}

/// Every log line of this test binary, for the secret-leak probe.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let writer = move || LogWriter(sink.clone());
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_writer(writer)
            .with_ansi(false)
            .try_init();
        logs
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends a request and keeps everything the server answered: status line, headers, body.
async fn answer(seen: &mut String, req: reqwest::RequestBuilder) {
    let res = req.send().await.unwrap();
    seen.push_str(&format!("{:?}\n", res.headers()));
    seen.push_str(&res.text().await.unwrap());
}

async fn no_secret_or_token_reaches_a_response_or_a_log_line(app: TestApp) {
    let logs = captured_logs();
    let mut seen = String::new();
    let admin = app.signed_in_admin("root@example.com").await;
    for provider in ["x", "google", "facebook"] {
        app.configure(provider).await;
    }
    let ada = app.signed_up("Ada Lovelace", "ada@example.com").await;
    for provider in ["x", "google", "facebook"] {
        let res = app.connect(&ada, provider, "ada", "allow").await;
        assert_eq!(
            app.outcome(&ada, res).await,
            format!("{provider}:connected")
        );
    }
    let mut secrets: Vec<String> = Vec::new();
    for provider in ["x", "google", "facebook"] {
        secrets.push(sandbox::Sandbox::client_secret(common::provider_id(
            provider,
        )));
        let link = app.link("ada@example.com", provider).await;
        secrets.extend(app.open_token(&link, "access_token"));
        secrets.extend(app.open_token(&link, "refresh_token"));
    }
    // The password as typed (only its argon2 hash is kept).
    secrets.push("correct horse".to_owned());
    assert!(secrets.len() >= 6, "{secrets:?}");
    let post = |client: &Client, name: &str| {
        client
            .post(format!("{}/api/{name}", app.base))
            .header("Origin", &app.base)
    };
    for page in ["/settings/applications", "/settings/profile", "/"] {
        answer(&mut seen, ada.get(format!("{}{page}", app.base))).await;
    }
    for page in ["/admin/social-apps", "/admin"] {
        answer(&mut seen, admin.get(format!("{}{page}", app.base))).await;
    }
    for name in [
        "list_applications",
        "list_profile_links",
        "list_sessions",
        "get_current_user",
    ] {
        answer(&mut seen, post(&ada, name)).await;
    }
    answer(&mut seen, post(&admin, "list_provider_settings")).await;
    answer(
        &mut seen,
        post(&admin, "get_provider_settings").form(&[("provider", "x")]),
    )
    .await;
    answer(
        &mut seen,
        post(&ada, "refresh_connection").form(&[("provider", "x")]),
    )
    .await;
    answer(
        &mut seen,
        post(&ada, "disconnect_account").form(&[("provider", "google")]),
    )
    .await;
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(logs.contains("connect started"), "the log capture works");
    for secret in &secrets {
        assert!(
            !seen.contains(secret.as_str()),
            "a secret in a response: {secret}"
        );
        assert!(
            !logs.contains(secret.as_str()),
            "a secret in the log: {secret}"
        );
    }
}
