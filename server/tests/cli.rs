//! The server binary's admin commands, run as an operator would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::TestApp;

db_tests!(
    create_admin_reads_the_password_from_stdin,
    promote_makes_a_user_admin,
    create_admin_refuses_bad_input,
    provider_set_applies_settings_with_the_secret_from_stdin,
    provider_set_keeps_a_secret_with_spaces_and_symbols,
);

fn run_cli(app: &TestApp, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("SECRET_KEY", &app.secret_key)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

async fn role_of(app: &TestApp, email: &str) -> Option<String> {
    app.value(&format!(
        "SELECT role AS v FROM users WHERE email = '{email}'"
    ))
    .await
}

async fn create_admin_reads_the_password_from_stdin(app: TestApp) {
    let out = run_cli(
        &app,
        &[
            "create-admin",
            "--email",
            "Root@Example.com",
            "--name",
            "Rita Root",
        ],
        "s3cret-password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        role_of(&app, "root@example.com").await.as_deref(),
        Some("admin")
    );
    let client = app.client();
    let res = app
        .call(
            &client,
            "sign_in",
            &[
                ("email", "root@example.com"),
                ("password", "s3cret-password"),
            ],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    assert_eq!(
        app.get(&client, "/admin/social-apps").await.status(),
        reqwest::StatusCode::OK
    );
}

async fn promote_makes_a_user_admin(app: TestApp) {
    app.signed_up("Grace Hopper", "grace@example.com").await;
    assert_eq!(
        role_of(&app, "grace@example.com").await.as_deref(),
        Some("user")
    );
    let out = run_cli(&app, &["promote", "--email", "grace@example.com"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        role_of(&app, "grace@example.com").await.as_deref(),
        Some("admin")
    );
    let out = run_cli(&app, &["promote", "--email", "nobody@example.com"], "");
    assert!(!out.status.success());
}

async fn create_admin_refuses_bad_input(app: TestApp) {
    let short = run_cli(
        &app,
        &[
            "create-admin",
            "--email",
            "root@example.com",
            "--name",
            "Rita",
        ],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));
    let bad_email = run_cli(
        &app,
        &["create-admin", "--email", "root", "--name", "Rita"],
        "long enough\n",
    );
    assert!(!bad_email.status.success());
    assert_eq!(app.count("users").await, 0);
    app.signed_up("Grace Hopper", "grace@example.com").await;
    let taken = run_cli(
        &app,
        &[
            "create-admin",
            "--email",
            "grace@example.com",
            "--name",
            "Grace",
        ],
        "long enough\n",
    );
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already exists"));
}

async fn provider_set_applies_settings_with_the_secret_from_stdin(app: TestApp) {
    let args = [
        "provider",
        "set",
        "x",
        "--client-id",
        "cli-client",
        "--client-secret-stdin",
        "--enabled",
        "true",
    ];
    let out = run_cli(&app, &args, "cli-secret\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = run_cli(&app, &["provider", "list"], "");
    let listed = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(
        listed.contains("x          offered") && !listed.contains("cli-secret"),
        "{listed}"
    );
    // The server, with the same key, offers X to users.
    let user = app.signed_up("Sam", "sam@example.com").await;
    let page = app.page(&user, "/settings/applications").await;
    assert!(page.contains("Connect X"), "{page}");
    // Options given replace their setting ("" clears one); the others keep theirs.
    let changed = run_cli(
        &app,
        &[
            "provider",
            "set",
            "x",
            "--scopes",
            "users.read",
            "--revoke-url",
            "",
        ],
        "",
    );
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    let id = app::connections::ProviderId::X;
    let stored = app::connections::provider_store::load_row(&app.db, id)
        .await
        .unwrap()
        .settings;
    assert_eq!(
        (
            stored.scopes.as_str(),
            stored.revoke_url.as_str(),
            stored.token_url.as_str()
        ),
        ("users.read", "", "https://api.x.com/2/oauth2/token")
    );
    let bad = run_cli(
        &app,
        &[
            "provider",
            "set",
            "x",
            "--token-url",
            "http://api.x.com/token",
        ],
        "",
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("Token URL"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let unknown = run_cli(
        &app,
        &["provider", "set", "myspace", "--enabled", "true"],
        "",
    );
    assert!(!unknown.status.success());
}

async fn provider_set_keeps_a_secret_with_spaces_and_symbols(app: TestApp) {
    // RFC 6749 Appendix A: a secret is any printable ASCII, spaces included, at either end.
    let secret = " s3cret: with+spaces %41&more=yes ";
    let args = [
        "provider",
        "set",
        "x",
        "--client-id",
        "cli-client",
        "--client-secret-stdin",
        "--enabled",
        "true",
    ];
    let out = run_cli(&app, &args, &format!("{secret}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config =
        app::connections::provider_store::load_config(&app.state, app::connections::ProviderId::X)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(config.client_secret.expose(), secret, "kept exactly");
}
