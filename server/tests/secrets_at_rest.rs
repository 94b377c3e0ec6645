//! Secrets at rest: each sealed value is bound to its row, a secret the server can no longer
//! open asks to be entered again instead of failing, and the files holding the database and
//! the key are the server's user's only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::admin::ProviderSettingsView;
use app::connections::tokens::{TokenOwner, binding};
use app::crypto::SecretCipher;
use common::{TestApp, app_error};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

db_tests!(
    a_token_copied_into_another_link_does_not_open,
    a_client_secret_copied_into_another_provider_does_not_open,
    a_secret_sealed_with_a_lost_key_asks_to_be_entered_again,
);

async fn connect_ok(app: &TestApp, client: &reqwest::Client, provider: &str, account: &str) {
    let res = app.connect(client, provider, account, "allow").await;
    assert_eq!(
        app.outcome(client, res).await,
        format!("{provider}:connected")
    );
}

/// Admin › Social apps as the server function answers it.
async fn admin_views(app: &TestApp, admin: &reqwest::Client) -> Vec<ProviderSettingsView> {
    let res = app.call(admin, "list_provider_settings", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The Admin form for `provider` as stored, with `secret` (empty keeps the saved one).
async fn admin_form(app: &TestApp, provider: &str, secret: &str) -> Vec<(String, String)> {
    let row = app::connections::provider_store::load_row(&app.db, common::provider_id(provider))
        .await
        .unwrap();
    let mut form = vec![
        ("input[provider]".to_owned(), provider.to_owned()),
        ("input[enabled]".to_owned(), "on".to_owned()),
        ("input[client_id]".to_owned(), row.client_id.clone()),
        ("input[client_secret]".to_owned(), secret.to_owned()),
    ];
    let settings = serde_json::to_value(&row.settings).unwrap();
    for (name, value) in settings.as_object().unwrap() {
        let value = value.as_str().unwrap_or_default().to_owned();
        form.push((format!("input[settings][{name}]"), value));
    }
    form
}

async fn save(
    app: &TestApp,
    admin: &reqwest::Client,
    form: &[(String, String)],
) -> reqwest::Response {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(admin, "save_provider_settings", &form).await
}

async fn stored_secret(app: &TestApp) -> Option<String> {
    let sql = "SELECT client_secret AS v FROM provider_settings WHERE provider = 'x'";
    app.value(sql).await
}

async fn a_token_copied_into_another_link_does_not_open(app: TestApp) {
    app.configure("x").await;
    let ada = app.signed_up("Ada", "ada@example.com").await;
    connect_ok(&app, &ada, "x", "ada").await;
    let grace = app.signed_up("Grace", "grace@example.com").await;
    connect_ok(&app, &grace, "x", "grace").await;
    let (from, to) = (
        app.link("ada@example.com", "x").await,
        app.link("grace@example.com", "x").await,
    );
    let sql = format!(
        "UPDATE connected_accounts SET access_token = \
         (SELECT access_token FROM connected_accounts WHERE id = {}) WHERE id = {}",
        from.id, to.id
    );
    app.db.execute_unprepared(&sql).await.unwrap();
    let copied = app.link("grace@example.com", "x").await;
    assert_eq!(
        copied.access_token, from.access_token,
        "the copy is in place"
    );
    let owner = TokenOwner::of(&copied);
    assert!(
        app.state
            .cipher
            .open(&copied.access_token, &binding(owner, "access_token"))
            .is_err(),
        "Ada's token does not open as Grace's"
    );
    // Grace's Refresh cannot call X with Ada's token.
    let res = app
        .call(&grace, "refresh_connection", &[("provider", "x")])
        .await;
    assert!(!res.status().is_success(), "{}", res.status());
}

async fn a_client_secret_copied_into_another_provider_does_not_open(app: TestApp) {
    app.configure("x").await;
    app.configure("facebook").await;
    let sql = "UPDATE provider_settings SET client_secret = \
               (SELECT client_secret FROM provider_settings WHERE provider = 'x') \
               WHERE provider = 'facebook'";
    app.db.execute_unprepared(sql).await.unwrap();
    // Written around the app: what it keeps in memory must be forgotten now, not when the
    // announcement arrives (PostgreSQL) or the kept rows lapse (SQLite).
    app::connections::settings_cache::forget_in_process();
    let user = app.signed_up("Sam", "sam@example.com").await;
    let page = app.page(&user, "/settings/applications").await;
    assert!(
        page.contains("Connect X") && !page.contains("Connect Facebook"),
        "{page}"
    );
    let admin = app.signed_in_admin("root@example.com").await;
    let facebook = admin_views(&app, &admin).await.remove(0);
    assert_eq!(facebook.provider, common::provider_id("facebook"));
    assert!(
        facebook.secret_unreadable && !facebook.offered,
        "{facebook:?}"
    );
}

async fn a_secret_sealed_with_a_lost_key_asks_to_be_entered_again(app: TestApp) {
    use app::admin::configure::{REENTER_SECRET, configure_provider, input_from_row};
    let lost = SecretCipher::from_base64(&SecretCipher::generate_key()).unwrap();
    let row = app::connections::provider_store::load_row(&app.db, common::provider_id("x"))
        .await
        .unwrap();
    let input = app.sandbox.registration(input_from_row(&row));
    configure_provider(&app.db, &lost, &input).await.unwrap();
    let user = app.signed_up("Sam", "sam@example.com").await;
    assert!(
        !app.page(&user, "/settings/applications")
            .await
            .contains("Connect X")
    );
    let res = user
        .post(format!("{}/auth/x/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(app.outcome(&user, res).await, "x:not_offered");

    let admin = app.signed_in_admin("root@example.com").await;
    let page = app.page(&admin, "/admin/social-apps").await;
    assert!(page.contains("Re-enter the client secret"), "{page}");
    let before = stored_secret(&app).await;
    let kept = save(&app, &admin, &admin_form(&app, "x", "").await).await;
    let err = app_error(kept).await;
    assert_eq!(
        err.message_for("client_secret").as_deref(),
        Some(REENTER_SECRET)
    );
    assert_eq!(stored_secret(&app).await, before, "nothing written");

    let secret = sandbox::Sandbox::client_secret(common::provider_id("x"));
    let res = save(&app, &admin, &admin_form(&app, "x", &secret).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        !app.page(&admin, "/admin/social-apps")
            .await
            .contains("Re-enter the client secret")
    );
    connect_ok(&app, &user, "x", "ada").await;
}

#[cfg(unix)]
mod files {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use server::config::Config;
    use server::keys::KeyError;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn temp_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("orga_files_{:x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn config(vars: &[(&str, String)]) -> Config {
        Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap()
    }

    #[tokio::test]
    async fn the_sqlite_database_and_its_folder_are_private() {
        let base = temp_dir();
        let file = base.join("data/nested/orga.db");
        let db = server::database::connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .unwrap();
        server::database::migrate(&db).await.unwrap();
        assert_eq!(mode(&base.join("data")), 0o700);
        assert_eq!(mode(&base.join("data/nested")), 0o700);
        assert_eq!(mode(&file), 0o600);
        let wal = base.join("data/nested/orga.db-wal");
        assert!(wal.exists(), "WAL mode");
        assert_eq!(mode(&wal), 0o600, "SQLite copies the database's mode");
        db.close().await.unwrap();
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn a_key_file_is_generated_private_and_only_for_sqlite() {
        let base = temp_dir();
        let key_file = base.join("data/secret.key");
        let file_var = ("SECRET_KEY_FILE", key_file.display().to_string());
        let postgres = ("DATABASE_URL", "postgres://db.invalid/orga".to_owned());
        let err = server::load_cipher(&config(&[file_var.clone(), postgres.clone()])).unwrap_err();
        assert!(
            matches!(err, KeyError::RequiredWithPostgres { .. }),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with("SECRET_KEY is required with PostgreSQL"),
            "{err}"
        );
        assert!(!key_file.exists(), "no key made up for one instance");

        let sqlite = (
            "DATABASE_URL",
            format!("sqlite://{}/orga.db", base.display()),
        );
        let made = server::load_cipher(&config(&[file_var.clone(), sqlite])).unwrap();
        assert_eq!(mode(&base.join("data")), 0o700);
        assert_eq!(mode(&key_file), 0o600);
        let shared = server::load_cipher(&config(&[file_var, postgres])).unwrap();
        assert_eq!(
            shared.current_key_id(),
            made.current_key_id(),
            "an existing file is used"
        );
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn old_keys_are_read_and_a_bad_one_is_named() {
        let (new, old) = (
            app::crypto::SecretCipher::generate_key(),
            app::crypto::SecretCipher::generate_key(),
        );
        let sealed = app::crypto::SecretCipher::from_base64(&old)
            .unwrap()
            .seal("kept", &app::crypto::Binding::new("p", "r"))
            .unwrap();
        let ring = server::load_cipher(&config(&[
            ("SECRET_KEY", new.clone()),
            ("SECRET_KEY_OLD", format!("{old}, ")),
        ]))
        .unwrap();
        let opened = ring
            .open(&sealed, &app::crypto::Binding::new("p", "r"))
            .unwrap();
        assert_eq!(opened.expose(), "kept");
        let base = temp_dir();
        let old_file = base.join("old.key");
        std::fs::write(&old_file, &old).unwrap();
        let from_file = server::load_cipher(&config(&[
            ("SECRET_KEY", new.clone()),
            ("SECRET_KEY_OLD_FILES", old_file.display().to_string()),
        ]))
        .unwrap();
        assert!(
            from_file
                .open(&sealed, &app::crypto::Binding::new("p", "r"))
                .is_ok()
        );
        let err = server::load_cipher(&config(&[
            ("SECRET_KEY", new),
            ("SECRET_KEY_OLD", format!("{old},nope")),
        ]))
        .unwrap_err();
        assert!(
            err.to_string().starts_with("SECRET_KEY_OLD (key 2)"),
            "{err}"
        );
        std::fs::remove_dir_all(base).unwrap();
    }
}
