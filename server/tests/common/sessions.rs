//! Browsers signing in with a user agent of their own, and what the app says of their sessions.

use app::accounts::SessionView;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

use super::TestApp;

/// Firefox on Windows, as it introduces itself.
pub const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
/// Chrome on Linux, as it introduces itself.
pub const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

impl TestApp {
    /// A browser with its own cookie jar that says it is `user_agent`, signed in as `email`.
    pub async fn signed_in_as(&self, email: &str, password: &str, user_agent: &str) -> Client {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .user_agent(user_agent)
            .build()
            .unwrap();
        let form = [("email", email), ("password", password)];
        let res = self.call(&client, "sign_in", &form).await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in of {email}");
        client
    }

    /// Whether `client` is signed in: the Profile page opens, or sends it to sign in.
    pub async fn is_signed_in(&self, client: &Client) -> bool {
        let status = self.get(client, "/settings/profile").await.status();
        assert!(
            matches!(status, StatusCode::OK | StatusCode::SEE_OTHER),
            "{status}"
        );
        status == StatusCode::OK
    }

    /// The signed-in sessions `client`'s user sees on the Profile page.
    pub async fn sessions(&self, client: &Client) -> Vec<SessionView> {
        let res = self.call(client, "list_sessions", &[]).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// Runs one SQL statement on the app's database, as a test's way of moving time.
    pub async fn execute(&self, statement: &str) {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        self.db
            .execute(Statement::from_string(backend, statement.to_owned()))
            .await
            .unwrap();
    }
}
