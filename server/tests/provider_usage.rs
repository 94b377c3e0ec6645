//! Admin › Social apps and the people who use a provider: each card counts them, turning off a
//! provider they use needs a confirmation (with or without JavaScript), and their links stay.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::admin::ProviderSettingsView;
use common::{TestApp, app_error, location, provider_id, without_scripts};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

db_tests!(
    cards_count_the_users_who_connected_each_provider,
    turning_off_a_provider_people_use_needs_confirmation,
    without_javascript_an_error_comes_back_to_its_own_card,
);

/// The stored settings of `provider` as the admin form posts them, "Offer" unticked.
async fn stored_form(app: &TestApp, provider: &str) -> Vec<(String, String)> {
    let row = app::connections::provider_store::load_row(&app.db, provider_id(provider))
        .await
        .unwrap();
    let s = row.settings;
    [
        ("input[provider]", provider.to_owned()),
        ("input[client_id]", row.client_id),
        ("input[settings][scopes]", s.scopes),
        ("input[settings][authorize_url]", s.authorize_url),
        ("input[settings][token_url]", s.token_url),
        ("input[settings][profile_url]", s.profile_url),
        ("input[settings][revoke_url]", s.revoke_url),
        ("input[settings][issuer]", s.issuer),
        ("input[settings][graph_version]", s.graph_version),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Signs up a user who connects `provider` as the sandbox's `account`.
async fn user_with(app: &TestApp, email: &str, provider: &str, account: &str) {
    let client = app.signed_up("Sam", email).await;
    let res = app.connect(&client, provider, account, "allow").await;
    assert_eq!(
        app.outcome(&client, res).await,
        format!("{provider}:connected")
    );
}

async fn is_enabled(app: &TestApp, provider: &str) -> bool {
    app::connections::provider_store::load_row(&app.db, provider_id(provider))
        .await
        .unwrap()
        .enabled
}

async fn cards_count_the_users_who_connected_each_provider(app: TestApp) {
    app.configure("x").await;
    app.configure("google").await;
    user_with(&app, "ada@example.com", "x", "ada").await;
    user_with(&app, "grace@example.com", "x", "grace").await;
    user_with(&app, "alan@example.com", "google", "alan").await;
    let admin = app.signed_in_admin("root@example.com").await;
    app.queries.clear();
    let res = app.call(&admin, "list_provider_settings", &[]).await;
    let listed: Vec<ProviderSettingsView> = res.json().await.unwrap();
    let counts: Vec<(&str, u64)> = listed
        .iter()
        .map(|v| (v.provider.slug(), v.connected_users))
        .collect();
    assert_eq!(
        counts,
        [("facebook", 0), ("x", 2), ("instagram", 0), ("google", 1)]
    );
    assert_eq!(
        app.queries.on_table("connected_accounts").len(),
        1,
        "one grouped query for every card"
    );
    let page = app.page(&admin, "/admin/social-apps").await;
    assert!(
        page.contains("Connected by 2 users")
            && page.contains("Connected by 1 user<")
            && page.contains("Not connected by anyone yet"),
        "{page}"
    );
    // A link the person removed at the provider holds nothing: it does not count.
    app.db
        .execute_unprepared(
            "UPDATE connected_accounts SET status = 'removed' WHERE provider = 'google'",
        )
        .await
        .unwrap();
    let page = app.page(&admin, "/admin/social-apps").await;
    assert!(!page.contains("Connected by 1 user<"), "{page}");
}

async fn turning_off_a_provider_people_use_needs_confirmation(app: TestApp) {
    app.configure("x").await;
    user_with(&app, "ada@example.com", "x", "ada").await;
    let admin = app.signed_in_admin("root@example.com").await;
    let mut off = stored_form(&app, "x").await;
    let res = app
        .call(&admin, "save_provider_settings", &pairs(&off))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err = app_error(res).await;
    assert_eq!(err.field(), Some("confirm_disable"), "{err:?}");
    assert!(
        err.to_string().starts_with("1 user has X connected."),
        "{err}"
    );
    assert!(is_enabled(&app, "x").await, "refused: nothing written");
    off.push(("input[confirm_disable]".into(), "on".into()));
    let res = app
        .call(&admin, "save_provider_settings", &pairs(&off))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!is_enabled(&app, "x").await);
    assert_eq!(
        app.count("connected_accounts").await,
        1,
        "the link is kept: its owner still sees it and can disconnect it"
    );
    // Off already, or used by nobody: nothing to confirm.
    let res = app
        .call(
            &admin,
            "save_provider_settings",
            &pairs(&off[..off.len() - 1]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn without_javascript_an_error_comes_back_to_its_own_card(app: TestApp) {
    app.configure("x").await;
    app.configure("facebook").await;
    user_with(&app, "ada@example.com", "x", "ada").await;
    let admin = app.signed_in_admin("root@example.com").await;
    let page_url = format!("{}/admin/social-apps", app.base);
    let post = |form: Vec<(String, String)>| {
        admin
            .post(format!("{}/api/save_provider_settings", app.base))
            .header("Origin", &app.base)
            .header("Accept", "text/html")
            .header("Referer", &page_url)
            .form(&form)
            .send()
    };
    // Back to the page, the answer kept for the card it came from (the session's flash).
    let res = post(stored_form(&app, "x").await).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = location(res.headers()).unwrap().to_owned();
    assert_eq!(back, "/admin/social-apps", "nothing in the URL");
    // What people see: the page without its scripts (the flash's JSON holds the messages too).
    let page = without_scripts(&app.page(&admin, &back).await);
    assert_eq!(
        page.matches("name=\"input[confirm_disable]\"").count(),
        1,
        "only X's card asks: {page}"
    );
    assert!(page.contains("Yes, stop offering X to its 1 connected user"));
    assert_eq!(page.matches("1 user has X connected.").count(), 1, "{page}");
    let offer = tag_with(&page, "id=\"field-x-enabled\"");
    assert!(
        !offer.contains("checked"),
        "X's Offer box stays unticked: {offer}"
    );
    // An error in the Advanced section opens it, on its own card only.
    let mut bad = stored_form(&app, "facebook").await;
    bad.push(("input[enabled]".into(), "on".into()));
    for (k, v) in &mut bad {
        if k == "input[settings][token_url]" {
            *v = "not a url".into();
        }
    }
    let res = post(bad).await.unwrap();
    let back = location(res.headers()).unwrap().to_owned();
    let page = without_scripts(&app.page(&admin, &back).await);
    assert_eq!(page.matches("<details open").count(), 1, "{page}");
    assert!(tag_with(&page, "<details open").contains("advanced"));
    assert_eq!(
        page.matches("Token URL: enter a full URL").count(),
        1,
        "{page}"
    );
    // Confirmed, the post goes back to the page with the news.
    let mut off = stored_form(&app, "x").await;
    off.push(("input[confirm_disable]".into(), "on".into()));
    let res = post(off).await.unwrap();
    assert_eq!(location(res.headers()), Some("/admin/social-apps"));
    assert!(!is_enabled(&app, "x").await);
    let page = without_scripts(&app.page(&admin, "/admin/social-apps").await);
    assert_eq!(page.matches("X settings saved.").count(), 1, "{page}");
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The start tag containing `needle`.
fn tag_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {html}"));
    let start = html[..=at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}
