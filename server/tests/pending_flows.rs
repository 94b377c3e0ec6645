//! Pending connect flows (`oauth_states`): purged by the clean-up job once expired, at most
//! five per user, and consumed only by their own user in their own session: a leaked state
//! presented by anyone else is refused and left for its owner to finish.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{TestApp, expect_status, location};
use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, Statement};

db_tests!(
    the_cleanup_job_purges_expired_flows,
    a_sixth_pending_flow_drops_the_oldest,
    another_users_leaked_state_is_refused_and_left_to_its_owner,
    another_sessions_state_is_refused_and_left_to_its_owner,
);

/// Clicks Connect for `provider` and returns the sandbox's authorize URL (not yet visited).
async fn start(app: &TestApp, client: &Client, provider: &str) -> url::Url {
    let res = client
        .post(format!("{}/auth/{provider}/connect", app.base))
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    url::Url::parse(location(res.headers()).unwrap()).unwrap()
}

/// Makes the flows started before now expire a minute ago (time, injected).
async fn expire_flows_so_far(app: &TestApp) {
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            format!("UPDATE oauth_states SET expires_at = '{past}'::timestamptz")
        }
        _ => format!("UPDATE oauth_states SET expires_at = '{past}'"),
    };
    app.db
        .execute(Statement::from_string(backend, sql))
        .await
        .unwrap();
}

async fn assert_refused(app: &TestApp, client: &Client, back: &str) {
    let res = client.get(back).send().await.unwrap();
    let body = expect_status(res, StatusCode::BAD_REQUEST).await;
    assert!(body.contains("Connection not completed"), "{body}");
    assert_eq!(app.count("connected_accounts").await, 0);
}

async fn the_cleanup_job_purges_expired_flows(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    start(&app, &client, "x").await;
    start(&app, &client, "x").await;
    expire_flows_so_far(&app).await;
    let fresh = start(&app, &client, "x").await;
    assert_eq!(
        app.count("oauth_states").await,
        3,
        "starting a flow purges nothing"
    );
    // The job, as `server` runs it, at a short interval.
    let job = server::jobs::spawn_cleanup(app.state.clone(), Duration::from_millis(20));
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.count("oauth_states").await > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    job.abort();
    assert_eq!(
        app.count("oauth_states").await,
        1,
        "only the fresh flow is left"
    );
    // And the fresh one still works.
    let back = app.decide(&client, &fresh, "ada", "allow").await;
    let res = client.get(&back).send().await.unwrap();
    assert_eq!(app.outcome(&client, res).await, "x:connected");
    // One run reports what it deleted.
    start(&app, &client, "x").await;
    expire_flows_so_far(&app).await;
    let report = server::jobs::clean_up(&app.state, chrono::Utc::now()).await;
    assert_eq!(report.expired_flows, 1);
}

async fn a_sixth_pending_flow_drops_the_oldest(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Sam", "sam@example.com").await;
    let mut started = Vec::new();
    for _ in 0..6 {
        started.push(start(&app, &client, "x").await);
    }
    assert_eq!(app.count("oauth_states").await, 5);
    // Another user's flows are not theirs to drop.
    let other = app.signed_up("Kim", "kim@example.com").await;
    start(&app, &other, "x").await;
    assert_eq!(app.count("oauth_states").await, 6);
    let oldest = app.decide(&client, &started[0], "ada", "allow").await;
    assert_refused(&app, &client, &oldest).await;
    let second = app.decide(&client, &started[1], "ada", "allow").await;
    let res = client.get(&second).send().await.unwrap();
    assert_eq!(app.outcome(&client, res).await, "x:connected");
}

async fn another_users_leaked_state_is_refused_and_left_to_its_owner(app: TestApp) {
    app.configure("x").await;
    let owner = app.signed_up("Sam", "sam@example.com").await;
    let authorize = start(&app, &owner, "x").await;
    let back = app.decide(&owner, &authorize, "ada", "allow").await;
    // The callback URL leaks (a log, a shared screen) and another user opens it.
    let thief = app.signed_up("Mallory", "mallory@example.com").await;
    assert_refused(&app, &thief, &back).await;
    assert_eq!(app.count("oauth_states").await, 1, "not burnt");
    let res = owner.get(&back).send().await.unwrap();
    assert_eq!(app.outcome(&owner, res).await, "x:connected");
    assert_eq!(
        app.link("sam@example.com", "x").await.user_id,
        app.value::<i64>("SELECT id AS v FROM users WHERE email = 'sam@example.com'")
            .await
            .unwrap()
    );
}

async fn another_sessions_state_is_refused_and_left_to_its_owner(app: TestApp) {
    app.configure("x").await;
    let laptop = app.signed_up("Sam", "sam@example.com").await;
    let authorize = start(&app, &laptop, "x").await;
    let back = app.decide(&laptop, &authorize, "ada", "allow").await;
    // The same person, signed in on another device, is not the session that started it.
    let phone = app.client();
    let res = app
        .call(
            &phone,
            "sign_in",
            &[("email", "sam@example.com"), ("password", "correct horse")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_refused(&app, &phone, &back).await;
    assert_eq!(app.count("oauth_states").await, 1, "not burnt");
    let res = laptop.get(&back).send().await.unwrap();
    assert_eq!(app.outcome(&laptop, res).await, "x:connected");
}
