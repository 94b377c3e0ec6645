//! The link-health job and the card: a grant removed at the provider is found by the next
//! check and shown as "Reconnect needed" with its reason until the person reconnects; Refresh
//! re-reads the link's own profile and never what the user set; a round costs the same
//! statements for every link; a lease held elsewhere, and a tombstone, are left alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::{LinkProblem, LinkStatus, ProviderId};
use app::db::entities::connected_account::{Column, Entity};
use chrono::{DateTime, Duration, Utc};
use common::TestApp;
use reqwest::{Client, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

db_tests!(
    an_app_removed_at_x_needs_reconnecting_until_reconnected,
    an_app_removed_at_google_needs_reconnecting_until_reconnected,
    refresh_updates_the_link_and_never_what_the_user_set,
    refresh_of_a_removed_grant_answers_needs_reconnect,
    an_x_round_costs_the_same_statements_for_every_link,
    a_google_recheck_costs_the_same_statements_for_every_link,
    a_lease_held_by_another_instance_is_respected,
    two_instances_at_once_check_each_link_once,
    a_tombstone_is_never_leased,
);

/// Links in the rounds whose cost is measured.
const LINKS: usize = 20;
/// The tables a round's statements are counted by.
const TABLES: [&str; 4] = [
    "connected_accounts",
    "provider_settings",
    "users",
    "avatars",
];

/// Configures `provider`, signs up `email` and connects ada; returns the signed-in client.
async fn connected(app: &TestApp, provider: &str, email: &str) -> Client {
    app.configure(provider).await;
    let client = app.signed_up("Sam Doe", email).await;
    let res = app.connect(&client, provider, "ada", "allow").await;
    assert_eq!(
        app.outcome(&client, res).await,
        format!("{provider}:connected")
    );
    client
}

/// Whether `reason` says the provider no longer grants access.
fn no_longer_granted(reason: Option<LinkProblem>) -> bool {
    matches!(
        reason,
        Some(LinkProblem::RefreshRefused | LinkProblem::AccessRevoked)
    )
}

/// Runs `sql` on the test's own connection (not logged in `app.queries`).
async fn execute(app: &TestApp, sql: &str) {
    app.db.execute_unprepared(sql).await.unwrap();
}

/// Sets a column of the links `ids` (every link when `None`) to `value`.
async fn set_links<V: Into<sea_orm::Value>>(
    app: &TestApp,
    ids: Option<&[i64]>,
    column: Column,
    value: V,
) {
    let mut update = Entity::update_many().col_expr(column, Expr::value(value));
    if let Some(ids) = ids {
        update = update.filter(Column::Id.is_in(ids.to_vec()));
    }
    update.exec(&app.db).await.unwrap();
}

async fn removed_then_reconnected(app: &TestApp, slug: &str, provider: ProviderId) {
    let client = connected(app, slug, "sam@example.com").await;
    let link = app.link("sam@example.com", slug).await;
    let removal = app.sandbox.remove_app(provider, "ada").await.unwrap();
    assert!(removal.revoked_tokens >= 2, "{removal:?}");
    // Two days on, the link is due for renewal and recheck: the provider refuses both.
    let report = app.health_round(Utc::now() + Duration::days(2)).await;
    assert_eq!(
        (report.leased, report.reconnect_needed),
        (1, 1),
        "{report:?}"
    );
    let marked = app.link("sam@example.com", slug).await;
    assert_eq!(marked.status, LinkStatus::ReconnectNeeded);
    assert!(no_longer_granted(marked.status_reason), "{marked:?}");
    assert_eq!(marked.token_version, link.token_version, "nothing renewed");
    assert_eq!(
        marked.due_at, None,
        "left alone until the person reconnects"
    );
    let label = provider.label();
    let page = app.page(&client, "/settings/applications").await;
    assert!(
        page.contains(&format!(
            "Reconnect needed — {label} no longer grants access"
        )),
        "{page}"
    );
    assert!(page.contains(&format!("Reconnect {label}")), "{page}");
    let later = app.health_round(Utc::now() + Duration::days(4)).await;
    assert_eq!(later.leased, 0, "{later:?}");

    let res = app.connect(&client, slug, "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, format!("{slug}:connected"));
    let again = app.link("sam@example.com", slug).await;
    assert_eq!(
        (
            again.id,
            again.created_at,
            again.status,
            again.status_reason
        ),
        (link.id, link.created_at, LinkStatus::Active, None)
    );
    assert!(again.due_at.is_some(), "the job looks after it again");
    assert_ne!(
        app.open_token(&again, "refresh_token"),
        app.open_token(&link, "refresh_token"),
        "the dead refresh token is not kept"
    );
    let page = app.page(&client, "/settings/applications").await;
    assert!(!page.contains("Reconnect needed"), "{page}");
}

async fn an_app_removed_at_x_needs_reconnecting_until_reconnected(app: TestApp) {
    removed_then_reconnected(&app, "x", ProviderId::X).await;
}

async fn an_app_removed_at_google_needs_reconnecting_until_reconnected(app: TestApp) {
    removed_then_reconnected(&app, "google", ProviderId::Google).await;
}

/// A user's field, as stored.
async fn user_field(app: &TestApp, column: &str) -> Option<String> {
    app.value(&format!(
        "SELECT {column} AS v FROM users WHERE email = 'sam@example.com'"
    ))
    .await
    .unwrap()
}

async fn refresh_updates_the_link_and_never_what_the_user_set(app: TestApp) {
    let client = connected(&app, "x", "sam@example.com").await;
    execute(
        &app,
        "UPDATE users SET first_name = 'Samantha', last_name = 'Stone', \
         avatar_url = '/avatars/chosen-by-sam' WHERE email = 'sam@example.com'",
    )
    .await;
    execute(
        &app,
        "UPDATE connected_accounts SET display_name = 'Old Name', username = 'old_handle'",
    )
    .await;
    let res = app
        .call(&client, "refresh_connection", &[("provider", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), r#"["x","Checked"]"#);
    let link = app.link("sam@example.com", "x").await;
    assert_eq!(link.display_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(link.username.as_deref(), Some("ada_lovelace"));
    assert_eq!(link.status, LinkStatus::Active);
    assert_eq!(
        (link.claim_token, link.claim_until),
        (None, None),
        "the lease is given back"
    );
    for (column, set) in [
        ("first_name", "Samantha"),
        ("last_name", "Stone"),
        ("avatar_url", "/avatars/chosen-by-sam"),
    ] {
        assert_eq!(
            user_field(&app, column).await.as_deref(),
            Some(set),
            "{column}"
        );
    }
    let page = app.page(&client, "/settings/applications").await;
    assert!(page.contains("Ada Lovelace"), "{page}");
    assert!(!page.contains("Old Name"), "{page}");
}

async fn refresh_of_a_removed_grant_answers_needs_reconnect(app: TestApp) {
    let client = connected(&app, "x", "sam@example.com").await;
    app.sandbox.remove_app(ProviderId::X, "ada").await.unwrap();
    let res = app
        .call(&client, "refresh_connection", &[("provider", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), r#"["x","NeedsReconnect"]"#);
    let link = app.link("sam@example.com", "x").await;
    assert_eq!(link.status, LinkStatus::ReconnectNeeded);
    assert!(no_longer_granted(link.status_reason), "{link:?}");
    assert_eq!((link.claim_token, link.claim_until), (None, None));
    let page = app.page(&client, "/settings/applications").await;
    assert!(
        page.contains("Reconnect needed — X no longer grants access"),
        "{page}"
    );
}

/// `LINKS` users, each linked to `provider` as ada; returns the links' ids. The sandbox has
/// three people and the connect flow refuses an account linked twice, so each link is parked
/// under a stand-in id while the next user connects; then all name ada again, which only the
/// unique index on the provider account forbids, dropped here in this test's own database.
async fn links_to_ada(app: &TestApp, provider: ProviderId) -> Vec<i64> {
    let slug = provider.slug();
    app.configure(slug).await;
    let mut ids = Vec::new();
    for n in 0..LINKS {
        let email = format!("user{n}@example.com");
        let client = app.signed_up("Sam Doe", &email).await;
        let res = app.connect(&client, slug, "ada", "allow").await;
        assert_eq!(app.outcome(&client, res).await, format!("{slug}:connected"));
        let id = app.link(&email, slug).await.id;
        set_links(
            app,
            Some(&[id]),
            Column::ProviderUserId,
            format!("stand-in-{n}"),
        )
        .await;
        ids.push(id);
    }
    execute(app, "DROP INDEX uq_connected_accounts_provider_account").await;
    let ada = sandbox::Sandbox::provider_user_id(provider, "ada").unwrap();
    set_links(app, None, Column::ProviderUserId, ada).await;
    ids
}

/// One round at `now`, with the statements it ran: `(report, total, by table)`. The sandbox's
/// picture URLs are signed with an expiry, as Meta's are, so a re-read names a new URL (and the
/// picture is fetched again) whenever a second has passed: each link's stored URL is cleared
/// first, so that every link takes that path and the count does not depend on the clock.
async fn measured_round(
    app: &TestApp,
    now: DateTime<Utc>,
) -> (app::connections::health::RoundReport, usize, String) {
    set_links(app, None, Column::AvatarUrl, None::<String>).await;
    app.queries.clear();
    let report = app.health_round(now).await;
    // The settings are kept in memory (`settings_cache`): read at most once a link, and only
    // when another test of this binary saved its own meanwhile. Left out of the per-link cost.
    let settings = app.queries.on_table("provider_settings").len();
    assert!(settings <= report.leased, "settings read {settings} times");
    let total = app.queries.all().len() - settings;
    let tables = TABLES
        .map(|table| format!("{table} {}", app.queries.on_table(table).len()))
        .join(", ");
    (report, total, tables)
}

/// Makes the links `ids` due for their daily recheck at `now`, their tokens still fresh.
async fn due_for_recheck(app: &TestApp, ids: &[i64], now: DateTime<Utc>) {
    set_links(app, Some(ids), Column::CheckedAt, now - Duration::days(2)).await;
    set_links(app, Some(ids), Column::DueAt, now - Duration::minutes(1)).await;
}

async fn an_x_round_costs_the_same_statements_for_every_link(app: TestApp) {
    let ids = links_to_ada(&app, ProviderId::X).await;
    // Two days on, every link is due for renewal (its two hours are long over) and recheck.
    let now = Utc::now() + Duration::days(2);
    let (report, total, tables) = measured_round(&app, now).await;
    assert_eq!(
        (report.leased, report.renewed, report.rechecked),
        (LINKS, LINKS, LINKS),
        "each link renewed and re-read: {report:?}"
    );
    assert_eq!(
        app.sandbox.refresh_count(ProviderId::X),
        LINKS,
        "one refresh each"
    );
    assert_eq!(
        app.queries.on_table("avatars").len(),
        LINKS,
        "one picture fetched and stored per link"
    );
    eprintln!(
        "X renew+recheck round over {LINKS} links: {total} statements, {:.2}/link ({tables})",
        total as f64 / LINKS as f64
    );
    assert!(total <= 4 + 8 * LINKS, "{total}: {:#?}", app.queries.all());

    // A recheck alone, over 5 links and then over all 20: the difference is per link.
    let later = Utc::now() + Duration::days(2) + Duration::minutes(30);
    due_for_recheck(&app, &ids[..5], later).await;
    let (five, total_5, _) = measured_round(&app, later).await;
    due_for_recheck(&app, &ids, later).await;
    let (twenty, total_20, tables) = measured_round(&app, later).await;
    assert_eq!(
        (five.leased, five.rechecked, five.renewed),
        (5, 5, 0),
        "{five:?}"
    );
    assert_eq!(
        (twenty.leased, twenty.rechecked, twenty.renewed),
        (LINKS, LINKS, 0),
        "{twenty:?}"
    );
    assert_eq!(
        app.sandbox.refresh_count(ProviderId::X),
        LINKS,
        "no refresh"
    );
    let per_link = (total_20 - total_5) / (LINKS - 5);
    eprintln!(
        "X recheck-only round: {total_5} statements over 5 links, {total_20} over {LINKS} \
         ({tables}): {per_link}/link + {} per round",
        total_20 - per_link * LINKS
    );
    assert_eq!(
        (total_20 - total_5) % (LINKS - 5),
        0,
        "every link costs the same"
    );
    assert!(per_link <= 8, "{per_link}: {:#?}", app.queries.all());
    assert!(total_20 - per_link * LINKS <= 4);
}

async fn a_google_recheck_costs_the_same_statements_for_every_link(app: TestApp) {
    let ids = links_to_ada(&app, ProviderId::Google).await;
    let now = Utc::now();
    due_for_recheck(&app, &ids, now).await;
    let (report, total, tables) = measured_round(&app, now).await;
    assert_eq!(
        (report.leased, report.rechecked, report.renewed),
        (LINKS, LINKS, 0),
        "{report:?}"
    );
    assert_eq!(app.sandbox.refresh_count(ProviderId::Google), 0);
    // Provider calls per link: the discovery document (fetched on every call), userinfo, and
    // the picture.
    assert_eq!(app.queries.on_table("avatars").len(), LINKS);
    eprintln!(
        "Google recheck-only round over {LINKS} links: {total} statements, {:.2}/link ({tables})",
        total as f64 / LINKS as f64
    );
    assert!(total <= 4 + 8 * LINKS, "{total}: {:#?}", app.queries.all());
}

/// Two instances run the job's round at the same moment over the same due links: between them
/// every link is leased, renewed and re-read exactly once (X's refresh tokens are single use:
/// a second renewal of the same token would be refused and the link lost).
async fn two_instances_at_once_check_each_link_once(app: TestApp) {
    links_to_ada(&app, ProviderId::X).await;
    let other = app.another_instance().await;
    let now = Utc::now() + Duration::days(2);
    let (a, b) = tokio::join!(
        app::connections::health::run_round(&app.state, now, 100, 4),
        app::connections::health::run_round(&other, now, 100, 4),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.leased + b.leased, LINKS, "{a:?} {b:?}");
    assert_eq!(a.renewed + b.renewed, LINKS, "{a:?} {b:?}");
    assert_eq!(a.reconnect_needed + b.reconnect_needed, 0, "{a:?} {b:?}");
    assert_eq!(
        app.sandbox.refresh_count(ProviderId::X),
        LINKS,
        "one refresh per link"
    );
    eprintln!(
        "two instances shared {LINKS} links: {} and {}",
        a.leased, b.leased
    );
}

async fn a_lease_held_by_another_instance_is_respected(app: TestApp) {
    connected(&app, "x", "sam@example.com").await;
    let link = app.link("sam@example.com", "x").await;
    let due = link.due_at.unwrap();
    let ids = [link.id];
    set_links(
        &app,
        Some(&ids),
        Column::ClaimToken,
        "held-by-another-instance",
    )
    .await;
    set_links(
        &app,
        Some(&ids),
        Column::ClaimUntil,
        due + Duration::minutes(1),
    )
    .await;
    let report = app.health_round(due).await;
    assert_eq!(report.leased, 0, "{report:?}");
    assert_eq!(app.sandbox.refresh_count(ProviderId::X), 0);
    let held = app.link("sam@example.com", "x").await;
    assert_eq!(
        held.claim_token.as_deref(),
        Some("held-by-another-instance")
    );
    assert_eq!(held.token_version, link.token_version);
    assert_eq!(held.access_token, link.access_token, "not touched");

    // Its holder died: the lease lapsed, and the next round takes the link.
    set_links(
        &app,
        Some(&ids),
        Column::ClaimUntil,
        due - Duration::seconds(1),
    )
    .await;
    let report = app.health_round(due).await;
    assert_eq!((report.leased, report.renewed), (1, 1), "{report:?}");
    assert_eq!(app.sandbox.refresh_count(ProviderId::X), 1);
    let taken = app.link("sam@example.com", "x").await;
    assert_eq!(taken.token_version, link.token_version + 1);
    assert_eq!((taken.claim_token, taken.claim_until), (None, None));
}

async fn a_tombstone_is_never_leased(app: TestApp) {
    connected(&app, "facebook", "sam@example.com").await;
    let removal = app
        .sandbox
        .remove_app(ProviderId::Facebook, "ada")
        .await
        .unwrap();
    assert!(removal.deauthorize.succeeded(), "{removal:?}");
    let tombstone = app.link("sam@example.com", "facebook").await;
    assert_eq!(tombstone.status, LinkStatus::Removed);
    // Even one that says it is due (none should) is not the job's business.
    let now = Utc::now() + Duration::days(100);
    set_links(
        &app,
        Some(&[tombstone.id]),
        Column::DueAt,
        now - Duration::days(1),
    )
    .await;
    let report = app.health_round(now).await;
    assert_eq!(report, Default::default(), "{report:?}");
    let after = app.link("sam@example.com", "facebook").await;
    assert_eq!(after.status, LinkStatus::Removed);
    assert_eq!((after.claim_token, after.claim_until), (None, None));
    assert_eq!(after.checked_at, tombstone.checked_at);
}
