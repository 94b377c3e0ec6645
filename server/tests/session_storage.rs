//! How sessions are stored. Over HTTP: only a hash of the id, never the cookie's value; an
//! absolute lifetime from sign-in; activity written down at most once a minute. The SeaORM
//! store against the `SessionStore` contract: create, load, save, delete; a taken id is never
//! handed out twice; a session ended elsewhere is not brought back by a save.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use app::db::entities::session;
use common::TestApp;
use common::sessions::{CHROME, FIREFOX};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use server::session_store::SeaOrmSessionStore;
use time::{Duration, OffsetDateTime};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::ExpiredDeletion;

const PASSWORD: &str = "correct horse";

db_tests!(
    session_ids_are_stored_only_as_hashes,
    a_session_ends_thirty_days_after_sign_in_however_active,
    activity_is_written_down_at_most_once_a_minute,
    records_are_created_loaded_saved_and_deleted,
    a_taken_id_is_never_handed_out_again,
    a_save_does_not_bring_back_an_ended_session,
    the_absolute_lifetime_counts_from_sign_in,
);

async fn session_ids_are_stored_only_as_hashes(app: TestApp) {
    let (client, jar) = app.client_with_jar();
    app.sign_up(&client, "Grace Hopper", "grace@example.com", PASSWORD)
        .await;
    let id = app.session_id(&jar).unwrap();
    let rows = session::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert!(
        !format!("{row:?}").contains(&id),
        "the cookie's value is nowhere in the row"
    );
    assert_eq!(row.id_hash, app::crypto::sha256_hex(&id));
    let user_id: i64 = app.value("SELECT id AS v FROM users").await.unwrap();
    assert_eq!(row.user_id, Some(user_id));
    assert_eq!(row.user_agent, None, "the test client sends no User-Agent");
    let now = chrono::Utc::now().timestamp();
    assert!((now - row.created_at).abs() < 60 && (now - row.last_seen_at).abs() < 60);
    assert!(row.expires_at > now + 13 * 86_400, "14 days of inactivity");
    app.signed_in_as("grace@example.com", PASSWORD, FIREFOX)
        .await;
    let agents: Option<String> = app
        .value("SELECT user_agent AS v FROM sessions WHERE user_agent IS NOT NULL")
        .await;
    assert_eq!(agents.as_deref(), Some(FIREFOX));
}

async fn a_session_ends_thirty_days_after_sign_in_however_active(app: TestApp) {
    let client = app.signed_up("Grace Hopper", "grace@example.com").await;
    let fresh = app
        .signed_in_as("grace@example.com", PASSWORD, CHROME)
        .await;
    let long_ago = chrono::Utc::now().timestamp() - 30 * 86_400 - 60;
    // Signed in 30 days and a minute ago, yet used a moment ago: over.
    app.execute(&format!(
        "UPDATE sessions SET created_at = {long_ago} WHERE user_agent IS NULL"
    ))
    .await;
    assert!(!app.is_signed_in(&client).await);
    assert!(app.is_signed_in(&fresh).await);
    let lifetime = app.state.site.sessions.absolute;
    assert_eq!(lifetime, chrono::Duration::days(30));
    SeaOrmSessionStore::new(app.db.clone(), lifetime)
        .delete_expired()
        .await
        .unwrap();
    assert_eq!(
        app.count("sessions").await,
        1,
        "the clean-up job removes it"
    );
}

async fn activity_is_written_down_at_most_once_a_minute(app: TestApp) {
    let client = app.signed_up("Grace Hopper", "grace@example.com").await;
    app.queries.clear();
    for _ in 0..3 {
        assert!(app.is_signed_in(&client).await);
    }
    let writes = app
        .queries
        .on_table("sessions")
        .into_iter()
        .filter(|q| !q.starts_with("SELECT"))
        .count();
    assert_eq!(writes, 0, "no write per request");

    // As if last used ten minutes ago.
    let ten_minutes_ago = chrono::Utc::now().timestamp() - 600;
    let row = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let signed_in_at = row.created_at;
    let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
    data["last_seen_at"] = ten_minutes_ago.into();
    let mut stale = row.into_active_model();
    stale.data = Set(data.to_string());
    stale.last_seen_at = Set(ten_minutes_ago);
    stale.expires_at = Set(ten_minutes_ago + 14 * 86_400);
    stale.update(&app.db).await.unwrap();

    let res = app.get(&client, "/settings/profile").await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.contains("Max-Age=1209600"),
        "the cookie lives 14 more days: {cookie}"
    );
    let row = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(now - row.last_seen_at < 60, "last seen now");
    assert!(
        row.expires_at > now + 14 * 86_400 - 60,
        "and 14 more days from now"
    );
    assert_eq!(row.created_at, signed_in_at, "the sign-in time stays");
    // The save came from a request whose session was read with its user: the user stays out.
    assert!(
        !row.data.contains("_loaded_user") && !row.data.contains("grace@example.com"),
        "the user read with the session is never saved: {}",
        row.data
    );
}

fn store(app: &TestApp) -> SeaOrmSessionStore {
    SeaOrmSessionStore::new(app.db.clone(), chrono::Duration::days(30))
}

fn record(data: &[(&str, serde_json::Value)]) -> Record {
    Record {
        id: Id::default(),
        data: data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<HashMap<_, _>>(),
        expiry_date: OffsetDateTime::now_utc() + Duration::days(14),
    }
}

async fn records_are_created_loaded_saved_and_deleted(app: TestApp) {
    let store = store(&app);
    let mut rec = record(&[("flash", "hello".into())]);
    store.create(&mut rec).await.unwrap();
    let loaded = store.load(&rec.id).await.unwrap().unwrap();
    assert_eq!(loaded.data, rec.data);
    assert_eq!(
        loaded.expiry_date.unix_timestamp(),
        rec.expiry_date.unix_timestamp()
    );

    rec.data.insert("flash".into(), "bye".into());
    store.save(&rec).await.unwrap();
    assert_eq!(
        store.load(&rec.id).await.unwrap().unwrap().data["flash"],
        "bye"
    );
    assert_eq!(store.load(&Id::default()).await.unwrap(), None);

    store.delete(&rec.id).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), None);
    assert_eq!(app.count("sessions").await, 0);
}

async fn a_taken_id_is_never_handed_out_again(app: TestApp) {
    let store = store(&app);
    let mut first = record(&[("n", 1.into())]);
    store.create(&mut first).await.unwrap();
    let mut second = record(&[("n", 2.into())]);
    second.id = first.id;
    store.create(&mut second).await.unwrap();
    assert_ne!(second.id, first.id, "the colliding record got a fresh id");
    assert_eq!(store.load(&first.id).await.unwrap().unwrap().data["n"], 1);
    assert_eq!(store.load(&second.id).await.unwrap().unwrap().data["n"], 2);
}

async fn a_save_does_not_bring_back_an_ended_session(app: TestApp) {
    let store = store(&app);
    let mut rec = record(&[("n", 1.into())]);
    store.create(&mut rec).await.unwrap();
    // Signed out from another device while this request was running.
    store.delete(&rec.id).await.unwrap();
    store.save(&rec).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), None);
    assert_eq!(app.count("sessions").await, 0);
}

async fn the_absolute_lifetime_counts_from_sign_in(app: TestApp) {
    let store = store(&app);
    let now = chrono::Utc::now().timestamp();
    let signed_in = |seconds_ago: i64| ("signed_in_at", (now - seconds_ago).into());
    let mut recent = record(&[signed_in(29 * 86_400)]);
    let mut old = record(&[signed_in(30 * 86_400 + 1)]);
    store.create(&mut recent).await.unwrap();
    store.create(&mut old).await.unwrap();
    assert!(store.load(&recent.id).await.unwrap().is_some());
    assert_eq!(store.load(&old.id).await.unwrap(), None, "over 30 days");
    // A shorter lifetime is a setting, not a wait.
    let short = SeaOrmSessionStore::new(app.db.clone(), chrono::Duration::days(7));
    assert_eq!(short.load(&recent.id).await.unwrap(), None);
}
