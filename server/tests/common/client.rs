//! Talking to a test app as a browser does: clients with their own cookies, pages, server
//! function calls, sign-up and sign-in; and reading what the answers say.

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

use app::error::AppError;

use super::TestApp;

impl TestApp {
    /// A browser-like client: its own cookie jar, redirects not followed.
    pub fn client(&self) -> Client {
        Client::builder()
            // A request that never ends fails the test with a message instead of hanging it.
            .timeout(std::time::Duration::from_secs(60))
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// A client whose cookie jar the test can read.
    pub fn client_with_jar(&self) -> (Client, std::sync::Arc<reqwest::cookie::Jar>) {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .build()
            .unwrap();
        (client, jar)
    }

    /// The session id in `jar`, if it holds one.
    pub fn session_id(&self, jar: &reqwest::cookie::Jar) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let header = jar.cookies(&self.base.parse().unwrap())?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix("orga_session="))
            .map(str::to_owned)
    }

    /// `GET {base}{path}`.
    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The body of `GET {base}{path}`: a page as the browser receives it.
    pub async fn page(&self, client: &Client, path: &str) -> String {
        self.get(client, path).await.text().await.unwrap()
    }

    /// How a connect flow ended, as Settings › Applications then tells `client` (once: the
    /// outcome is a one-time flash in the session): `"{provider}:{outcome}"`, e.g. `"x:taken"`.
    /// Asserts that the callback's answer `res` sent the browser to the provider's card.
    pub async fn outcome(&self, client: &Client, res: Response) -> String {
        self.outcome_page(client, res).await.0
    }

    /// [`TestApp::outcome`], and the page that showed it.
    pub async fn outcome_page(&self, client: &Client, res: Response) -> (String, String) {
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{:?}", res.headers());
        let back = location(res.headers()).unwrap().to_owned();
        let provider = back
            .strip_prefix("/settings/applications#app-")
            .unwrap_or_else(|| panic!("not sent to a card of Applications: {back}"))
            .to_owned();
        let page = self.page(client, "/settings/applications").await;
        let shown = format!("{provider}:{}", shown_outcome(&page).unwrap_or("none"));
        (shown, page)
    }

    /// Calls a server function the way the hydrated app does (form-encoded POST).
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Posts the sign-up form as `client`.
    pub async fn sign_up(
        &self,
        client: &Client,
        name: &str,
        email: &str,
        password: &str,
    ) -> Response {
        let form = [("name", name), ("email", email), ("password", password)];
        self.call(client, "sign_up", &form).await
    }

    /// Signs up a new user and returns the client that is now signed in as them.
    pub async fn signed_up(&self, name: &str, email: &str) -> Client {
        let client = self.client();
        let res = self.sign_up(&client, name, email, "correct horse").await;
        assert!(
            res.status().is_success(),
            "sign-up failed: {}",
            res.status()
        );
        client
    }

    /// Creates an administrator directly in the database and signs them in.
    pub async fn signed_in_admin(&self, email: &str) -> Client {
        let new = app::accounts::users::NewUser {
            email,
            password: "admin password",
            first_name: "Ada",
            last_name: "Admin",
            role: app::db::entities::user::Role::Admin,
        };
        app::accounts::users::create_user(&self.db, new)
            .await
            .unwrap();
        let client = self.client();
        let res = self
            .call(
                &client,
                "sign_in",
                &[("email", email), ("password", "admin password")],
            )
            .await;
        assert!(
            res.status().is_success(),
            "admin sign-in failed: {}",
            res.status()
        );
        client
    }
}

/// The provider of a slug used in a test.
pub fn provider_id(slug: &str) -> app::connections::ProviderId {
    app::connections::ProviderId::from_slug(slug).unwrap()
}

/// The `AppError` a failed server-function call answered with.
pub async fn app_error(res: Response) -> AppError {
    let status = res.status();
    let body = res.text().await.unwrap();
    serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("not an AppError ({status}): {body:?}: {e}"))
}

/// The outcome a page shows (`data-outcome` of its notice), if any.
pub fn shown_outcome(page: &str) -> Option<&str> {
    let rest = page.split_once("data-outcome=\"")?.1;
    rest.split_once('"').map(|(outcome, _)| outcome)
}

/// The `Location` header, if any.
pub fn location(headers: &HeaderMap) -> Option<&str> {
    headers.get(LOCATION).and_then(|v| v.to_str().ok())
}

/// Asserts a status, showing the body when it differs.
pub async fn expect_status(res: Response, status: StatusCode) -> String {
    let got = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(got, status, "body: {body}");
    body
}

/// `html` without its `<script>` elements.
pub fn without_scripts(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</script>") {
            Some(end) => rest = &rest[start + end + "</script>".len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}
