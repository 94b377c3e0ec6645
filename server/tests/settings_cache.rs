//! The providers' settings kept in memory (`settings_cache`): pages stop reading them, and a
//! change is offered at once, whoever writes it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use sea_orm::{ConnectionTrait, DatabaseBackend};

db_tests!(
    pages_read_the_settings_from_memory,
    a_save_is_offered_on_the_next_request,
    a_change_written_elsewhere_is_offered_at_once,
);

async fn pages_read_the_settings_from_memory(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam Stone", "sam@example.com").await;
    app.settings_kept().await;
    app.page(&client, "/settings/applications").await;
    let settings = |sql: &String| sql.contains("\"provider_settings\"");
    for path in ["/settings/applications", "/settings/profile"] {
        let statements = app
            .page_statements(&client, path, "Sam Stone", |all| !all.iter().any(settings))
            .await;
        let reads: Vec<_> = statements.into_iter().filter(settings).collect();
        assert!(
            reads.is_empty(),
            "{path} read the settings each time: {reads:#?}"
        );
    }
}

async fn a_save_is_offered_on_the_next_request(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam Stone", "sam@example.com").await;
    app.settings_kept().await;
    let page = app.page(&client, "/settings/applications").await;
    assert!(!page.contains("Connect Google"), "{page}");
    // Through the admin's path, in this process: no waiting at all.
    app.configure("google").await;
    let page = app.page(&client, "/settings/applications").await;
    assert!(page.contains("Connect Google"), "{page}");
}

/// Written around the app, as the CLI or `psql` would: PostgreSQL announces it (a trigger) and
/// the listener hears it within milliseconds; on SQLite, where one process serves, another
/// process's write shows within `SQLITE_KEEP`.
async fn a_change_written_elsewhere_is_offered_at_once(app: TestApp) {
    use app::connections::settings_cache::SQLITE_KEEP;
    app.configure("x").await;
    let client = app.signed_up("Sam Stone", "sam@example.com").await;
    app.settings_kept().await;
    let page = app.page(&client, "/settings/applications").await;
    assert!(page.contains("Connect X"), "{page}");
    let allowed = match app.db.get_database_backend() {
        DatabaseBackend::Postgres => Duration::from_millis(500),
        _ => SQLITE_KEEP + Duration::from_millis(500),
    };
    let written = Instant::now();
    app.db
        .execute_unprepared("UPDATE provider_settings SET enabled = false WHERE provider = 'x'")
        .await
        .unwrap();
    loop {
        let page = app.page(&client, "/settings/applications").await;
        if !page.contains("Connect X") {
            break;
        }
        assert!(
            written.elapsed() < allowed,
            "still offered {:?} after the write",
            written.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!(
        "{:?}: offered no longer after {:?}",
        app.db.get_database_backend(),
        written.elapsed()
    );
}
