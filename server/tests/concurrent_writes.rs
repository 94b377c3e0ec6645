//! Concurrent writes never fail: fifty people signing up, connecting, saving their profile and
//! disconnecting at the same moment all succeed, on SQLite (one writer at a time, every write
//! transaction taking the lock when it begins) as on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use futures::future::join_all;
use reqwest::StatusCode;

db_tests!(fifty_people_at_once_all_succeed);

const PEOPLE: usize = 50;

async fn fifty_people_at_once_all_succeed(app: TestApp) {
    let app = &app;
    app.configure("x").await;
    app.configure("google").await;

    // Sign-ups, all at once.
    let clients: Vec<reqwest::Client> = (0..PEOPLE).map(|_| app.client()).collect();
    let answers = join_all(clients.iter().enumerate().map(|(i, client)| {
        let email = format!("person-{i}@example.com");
        async move {
            app.sign_up(client, &format!("Person {i}"), &email, "correct horse")
                .await
                .status()
        }
    }))
    .await;
    assert!(
        answers.iter().all(StatusCode::is_success),
        "sign-ups: {answers:?}"
    );
    assert_eq!(app.count("users").await, PEOPLE as i64);

    // Connect flows, each person their own X account, all at once.
    let outcomes = join_all(clients.iter().enumerate().map(|(i, client)| async move {
        let res = app
            .connect(client, "x", &format!("tester-{}", i + 1), "allow")
            .await;
        app.outcome(client, res).await
    }))
    .await;
    let failed: Vec<_> = outcomes.iter().filter(|o| *o != "x:connected").collect();
    assert!(
        failed.is_empty(),
        "{} of {PEOPLE} connects failed: {failed:?}",
        failed.len()
    );
    assert_eq!(app.count("connected_accounts").await, PEOPLE as i64);

    // Profile saves, a second connect (Google) and disconnects of X, all at once.
    let answers = join_all(clients.iter().enumerate().map(|(i, client)| async move {
        let first_name = format!("Renamed {i}");
        let form = [
            ("first_name", first_name.as_str()),
            ("last_name", "Person"),
            ("avatar_url", ""),
        ];
        let save = app.call(client, "update_profile", &form);
        let person = format!("tester-{}", i + 1);
        let google = app.connect(client, "google", &person, "allow");
        let disconnect = app.call(client, "disconnect_account", &[("provider", "x")]);
        let (save, google, disconnect) = tokio::join!(save, google, disconnect);
        (
            save.status(),
            app.outcome(client, google).await,
            disconnect.status(),
        )
    }))
    .await;
    for (i, (save, google, disconnect)) in answers.iter().enumerate() {
        assert_eq!(*save, StatusCode::OK, "person {i}: profile save");
        assert_eq!(google, "google:connected", "person {i}: Google");
        assert_eq!(*disconnect, StatusCode::OK, "person {i}: disconnect");
    }
    let renamed: i64 = app
        .value("SELECT COUNT(*) AS v FROM users WHERE first_name LIKE 'Renamed %'")
        .await
        .unwrap();
    assert_eq!(renamed, PEOPLE as i64);
    let google: i64 = app
        .value("SELECT COUNT(*) AS v FROM connected_accounts WHERE provider = 'google'")
        .await
        .unwrap();
    let x: i64 = app
        .value("SELECT COUNT(*) AS v FROM connected_accounts WHERE provider = 'x'")
        .await
        .unwrap();
    assert_eq!((google, x), (PEOPLE as i64, 0));
}
