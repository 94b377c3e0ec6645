//! `server rekey`: every client secret and token moves to the current key, in batches, can be
//! resumed and run again, and never loses a value no key opens.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Output};

use app::connections::provider_store::{load_row, secret_binding};
use app::connections::rekey::{rekey_all, rekey_token_batch};
use app::connections::tokens::{TokenOwner, binding};
use app::crypto::SecretCipher;
use app::db::entities::connected_account;
use common::{TestApp, provider_id};
use sea_orm::{EntityTrait, QueryOrder};

db_tests!(
    rekey_moves_every_secret_to_the_new_key_in_resumable_batches,
    rekey_command_reports_counts_and_leaves_what_it_cannot_open,
);

/// Three people with X, one of them with Google too: four links, in id order.
async fn linked(app: &TestApp) -> Vec<connected_account::Model> {
    app.configure("x").await;
    app.configure("google").await;
    for (i, person) in ["ada", "grace", "alan"].into_iter().enumerate() {
        let client = app
            .signed_up(person, &format!("{person}@example.com"))
            .await;
        let res = app.connect(&client, "x", person, "allow").await;
        assert_eq!(app.outcome(&client, res).await, "x:connected");
        if i == 0 {
            let res = app.connect(&client, "google", person, "allow").await;
            assert_eq!(app.outcome(&client, res).await, "google:connected");
        }
    }
    links(app).await
}

async fn links(app: &TestApp) -> Vec<connected_account::Model> {
    connected_account::Entity::find()
        .order_by_asc(connected_account::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

/// The link's tokens, each (kind, sealed value).
fn tokens(link: &connected_account::Model) -> Vec<(&'static str, String)> {
    let mut all = vec![("access_token", link.access_token.clone())];
    all.extend(link.refresh_token.clone().map(|t| ("refresh_token", t)));
    all
}

fn values(links: &[connected_account::Model]) -> u64 {
    links.iter().map(|l| tokens(l).len() as u64).sum()
}

/// Every token and both client secrets open with `cipher` alone.
async fn all_open_with(app: &TestApp, cipher: &SecretCipher) {
    for link in links(app).await {
        for (kind, sealed) in tokens(&link) {
            assert!(cipher.is_current(&sealed), "{kind} of link {}", link.id);
            let opened = cipher.open(&sealed, &binding(TokenOwner::of(&link), kind));
            assert!(opened.is_ok(), "{kind} of link {}", link.id);
        }
    }
    for provider in ["x", "google"] {
        let row = load_row(&app.db, provider_id(provider)).await.unwrap();
        let sealed = row.client_secret.unwrap();
        let opened = cipher.open(&sealed, &secret_binding(row.provider)).unwrap();
        assert_eq!(
            opened.expose(),
            sandbox::Sandbox::client_secret(row.provider)
        );
    }
}

async fn rekey_moves_every_secret_to_the_new_key_in_resumable_batches(app: TestApp) {
    let before = linked(&app).await;
    assert_eq!(before.len(), 4);
    let new_key = SecretCipher::generate_key();
    let ring = SecretCipher::from_base64(&new_key)
        .unwrap()
        .with_old_keys([app.secret_key.as_str()])
        .unwrap();

    // One batch of two links, then the run stops (an interruption).
    let (first, last) = rekey_token_batch(&app.db, &ring, 0, 2).await.unwrap();
    assert_eq!(last, Some(before[1].id));
    assert_eq!(first.resealed, values(&before[..2]));
    let now = links(&app).await;
    assert!(tokens(&now[1]).iter().all(|(_, t)| ring.is_current(t)));
    assert!(tokens(&now[2]).iter().all(|(_, t)| !ring.is_current(t)));

    // The run resumed: what is done is recognised without being opened.
    let mut batches = 0;
    let report = rekey_all(&app.db, &ring, 2, |_| batches += 1)
        .await
        .unwrap();
    assert_eq!(batches, 1 + 2, "client secrets, then two batches of links");
    assert_eq!(report.current, values(&before[..2]));
    assert_eq!(
        report.resealed,
        values(&before[2..]) + 2,
        "and two client secrets"
    );
    assert_eq!((report.unreadable, report.changed_meanwhile), (0, 0));
    all_open_with(&app, &SecretCipher::from_base64(&new_key).unwrap()).await;

    let again = rekey_all(&app.db, &ring, 2, |_| {}).await.unwrap();
    assert_eq!(again.resealed, 0, "idempotent");
    assert_eq!(again.current, values(&before) + 2);
}

fn run_rekey(app: &TestApp, key: &str, old: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["rekey", "--batch-size", "1"])
        .env("DATABASE_URL", &app.database_url)
        .env("SECRET_KEY", key)
        .env("SECRET_KEY_OLD", old)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

async fn rekey_command_reports_counts_and_leaves_what_it_cannot_open(app: TestApp) {
    let before = linked(&app).await;
    let total = values(&before) + 2;
    let new_key = SecretCipher::generate_key();

    let out = run_rekey(&app, &new_key, &app.secret_key);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with(&format!("Re-sealed {total} value(s)")),
        "{stdout}"
    );
    assert!(stdout.contains("0 unreadable"), "{stdout}");
    all_open_with(&app, &SecretCipher::from_base64(&new_key).unwrap()).await;

    let out = run_rekey(&app, &new_key, "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("Re-sealed 0 value(s)"), "{stdout}");
    assert!(
        stdout.contains(&format!("{total} already current")),
        "{stdout}"
    );

    // A key that opens nothing: every value is left as it was, and the command fails.
    let stored = links(&app).await;
    let out = run_rekey(&app, &SecretCipher::generate_key(), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!("{total} stored secret(s) could not be opened")),
        "{stderr}"
    );
    assert!(stderr.contains("SECRET_KEY_OLD"), "{stderr}");
    assert_eq!(links(&app).await, stored, "nothing lost");
    all_open_with(&app, &SecretCipher::from_base64(&new_key).unwrap()).await;
}
