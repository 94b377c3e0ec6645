//! What a request costs the database: a signed-in page reads its user once, with its session
//! (the session store's joined read, reused by the page guard and by the server functions the
//! page calls while it renders), and Settings › Applications then only its links.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;

db_tests!(
    a_page_reads_its_user_once,
    an_api_call_reads_its_user_once,
    the_applications_page_runs_two_statements,
);

async fn a_page_reads_its_user_once(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam Stone", "sam@example.com").await;
    for (path, shows) in [
        ("/settings/applications", "Connect X"),
        ("/settings/profile", "sam@example.com"),
        ("/admin/social-apps", "Access denied"),
    ] {
        app.queries.clear();
        let page = app.page(&client, path).await;
        assert!(page.contains(shows), "{path}: {page}");
        let reads = app.queries.on_table("users");
        assert_eq!(
            reads.len(),
            1,
            "{path} read the user more than once: {reads:#?}"
        );
    }
}

async fn an_api_call_reads_its_user_once(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam Stone", "sam@example.com").await;
    app.queries.clear();
    let res = app.call(&client, "list_applications", &[]).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(app.queries.on_table("users").len(), 1);
}

async fn the_applications_page_runs_two_statements(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam Stone", "sam@example.com").await;
    app.settings_kept().await;
    app.page(&client, "/settings/applications").await;
    let all = app
        .page_statements(&client, "/settings/applications", "Connect X", |all| {
            all.len() == 2
        })
        .await;
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].contains("\"sessions\"") && all[0].contains("\"users\""),
        "the session and its user in one statement: {all:#?}"
    );
    assert!(all[1].contains("\"connected_accounts\""), "{all:#?}");
}
