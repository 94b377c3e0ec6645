//! What a request costs the database: a signed-in page reads its user once (the page guard's
//! read, reused by the server functions the page calls while it renders).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;

db_tests!(a_page_reads_its_user_once, an_api_call_reads_its_user_once);

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
