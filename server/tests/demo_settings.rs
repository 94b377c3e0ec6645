//! Demo safety: the settings demo mode writes (pointing at the sandbox) are marked, offered
//! only while demo mode runs, and become an admin's own once an admin saves them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use app::admin::ProviderSettingsView;
use app::connections::links::application_cards;
use app::connections::provider_store::load_config;
use common::{TestApp, provider_id};
use migrations::{Migrator, MigratorTrait};
use reqwest::StatusCode;

db_tests!(
    settings_written_by_demo_are_offered_only_in_demo_mode,
    an_admin_save_clears_the_mark_of_demo_mode,
    the_migration_marks_rows_holding_the_sandbox_client_id,
);

async fn marked(app: &TestApp) -> i64 {
    app.count("provider_settings WHERE written_by_demo").await
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    let sql = format!("SELECT id AS v FROM users WHERE email = '{email}'");
    app.value(&sql).await.unwrap()
}

/// The app's state as a server started with `DEMO_MODE` has it.
fn in_demo_mode(app: &TestApp) -> app::state::AppState {
    let mut state = app.state.clone();
    let mut site = (*state.site).clone();
    site.demo_mode = true;
    state.site = Arc::new(site);
    state
}

async fn settings_written_by_demo_are_offered_only_in_demo_mode(app: TestApp) {
    server::demo::configure_sandbox_providers(&app.state, &app.sandbox)
        .await
        .unwrap();
    assert_eq!(marked(&app).await, 4);
    let user = app.signed_up("Sam", "sam@example.com").await;
    let page = app.page(&user, "/settings/applications").await;
    assert!(page.contains("No applications available"), "{page}");
    let res = user
        .post(format!("{}/auth/x/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(app.outcome(&user, res).await, "x:not_offered");
    assert!(
        load_config(&app.state, provider_id("x"))
            .await
            .unwrap()
            .is_none()
    );

    let admin = app.signed_in_admin("root@example.com").await;
    let res = app.call(&admin, "list_provider_settings", &[]).await;
    let views: Vec<ProviderSettingsView> = res.json().await.unwrap();
    assert!(
        views.iter().all(|v| v.left_by_demo && !v.offered),
        "{views:?}"
    );
    let page = app.page(&admin, "/admin/social-apps").await;
    assert_eq!(
        page.matches("written by demo mode and point at the sandbox")
            .count(),
        4,
        "{page}"
    );

    // The same rows, on a server running demo mode: offered.
    let demo = in_demo_mode(&app);
    let cards = application_cards(&demo, user_id(&app, "sam@example.com").await)
        .await
        .unwrap();
    assert_eq!(cards.len(), 4);
    assert!(cards.iter().all(|c| c.offered && c.sandbox));
}

async fn an_admin_save_clears_the_mark_of_demo_mode(app: TestApp) {
    server::demo::configure_sandbox_providers(&app.state, &app.sandbox)
        .await
        .unwrap();
    let admin = app.signed_in_admin("root@example.com").await;
    let row = app::connections::provider_store::load_row(&app.db, provider_id("x"))
        .await
        .unwrap();
    let mut form = vec![
        ("input[provider]".to_owned(), "x".to_owned()),
        ("input[enabled]".to_owned(), "on".to_owned()),
        ("input[client_id]".to_owned(), row.client_id.clone()),
    ];
    let settings = serde_json::to_value(&row.settings).unwrap();
    for (name, value) in settings.as_object().unwrap() {
        let value = value.as_str().unwrap_or_default().to_owned();
        form.push((format!("input[settings][{name}]"), value));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.call(&admin, "save_provider_settings", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(marked(&app).await, 3, "only X is the admin's now");
    let user = app.signed_up("Sam", "sam@example.com").await;
    let page = app.page(&user, "/settings/applications").await;
    assert!(
        page.contains("Connect X") && !page.contains("Connect Google"),
        "{page}"
    );
    let res = app.connect(&user, "x", "ada", "allow").await;
    assert_eq!(app.outcome(&user, res).await, "x:connected");
}

async fn the_migration_marks_rows_holding_the_sandbox_client_id(app: TestApp) {
    // Configured by an admin (as the tests do), with the sandbox's client id.
    app.configure("x").await;
    assert_eq!(marked(&app).await, 0);
    // Back to before this migration, whatever migrations come after it.
    let since = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261202_000030_mark_demo_provider_settings")
        .unwrap();
    // On one connection: a pooled SQLite connection keeps the schema it last read, and a
    // statement prepared against it can fail ("duplicate column") before SQLite notices the
    // schema changed under it (seen once in a dozen runs on a loaded machine).
    let mut one = sea_orm::ConnectOptions::new(app.database_url.clone());
    one.max_connections(1).sqlx_logging(false);
    let db = sea_orm::Database::connect(one).await.unwrap();
    Migrator::down(&db, Some(since as u32 + 1)).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    db.close().await.unwrap();
    assert_eq!(
        marked(&app).await,
        1,
        "demo settings written before the column existed"
    );
}
