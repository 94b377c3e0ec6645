//! One simulated browser: its own cookie jar, redirects not followed (each hop is a step we
//! check), every step the way `server/tests/common/connect_flow.rs` takes it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::LOCATION;
use reqwest::{Client, Response, StatusCode};

/// Why a step did not succeed. `kind` is short and bounded (step and status, outcome or error
/// class) so failures can be counted by it; `detail` is the first example's particulars.
#[derive(Debug)]
pub struct Failure {
    /// E.g. `callback: status 400`, `landing: outcome timeout`, `consent: transport timeout`.
    pub kind: String,
    /// What came back (a URL, the start of a body).
    pub detail: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.kind, self.detail)
    }
}

impl std::error::Error for Failure {}

impl Failure {
    fn new(step: &str, what: impl std::fmt::Display, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("{step}: {what}"),
            detail: detail.into(),
        }
    }

    fn transport(step: &str, err: &reqwest::Error) -> Self {
        let class = if err.is_timeout() {
            "timeout"
        } else if err.is_connect() {
            "connect"
        } else if err.is_body() || err.is_decode() {
            "body"
        } else {
            "other"
        };
        Self::new(step, format_args!("transport {class}"), err.to_string())
    }

    /// A status other than `expected`, with the start of the body.
    async fn status(step: &str, res: Response) -> Self {
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        let excerpt: String = body.chars().take(300).collect();
        Self::new(step, format_args!("status {status}"), excerpt)
    }
}

/// Whether `url` points at this machine (the harness sends traffic to loopback only).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

/// A person's browser.
pub struct Browser {
    base: url::Url,
    client: Client,
    jar: Arc<Jar>,
}

/// The password of every simulated person (long enough for the sign-up rules).
const PASSWORD: &str = "bench password 42";

impl Browser {
    /// A browser with an empty cookie jar.
    pub fn new(base: url::Url) -> Result<Self, Failure> {
        let jar = Arc::new(Jar::default());
        let client = Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Failure::transport("client", &e))?;
        Ok(Self { base, client, jar })
    }

    fn url(&self, path: &str) -> Result<url::Url, Failure> {
        self.base
            .join(path)
            .map_err(|e| Failure::new("url", "invalid", e.to_string()))
    }

    /// A browser holding `cookie` (`orga_session=…`), as `session_cookie` printed it.
    pub fn signed_in(base: url::Url, cookie: &str) -> Result<Self, Failure> {
        let browser = Self::new(base)?;
        browser
            .jar
            .add_cookie_str(&format!("{cookie}; Path=/; HttpOnly"), &browser.base);
        Ok(browser)
    }

    /// A server function call as the hydrated app makes it: form-encoded POST, same Origin.
    async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Result<Response, Failure> {
        let step = endpoint;
        self.client
            .post(self.url(&format!("/api/{endpoint}"))?)
            .header("Origin", self.base.origin().ascii_serialization())
            .form(form)
            .send()
            .await
            .map_err(|e| Failure::transport(step, &e))
    }

    /// Creates the account; the browser is then signed in.
    pub async fn sign_up(&self, name: &str, email: &str) -> Result<(), Failure> {
        let form = [("name", name), ("email", email), ("password", PASSWORD)];
        let res = self.call("sign_up", &form).await?;
        if !res.status().is_success() {
            return Err(Failure::status("sign_up", res).await);
        }
        Ok(())
    }

    /// The `Cookie` header value of the session (`orga_session=…`).
    pub fn session_cookie(&self) -> Result<String, Failure> {
        self.jar
            .cookies(&self.base)
            .and_then(|h| h.to_str().ok().map(str::to_owned))
            .and_then(|all| {
                all.split("; ")
                    .find(|c| c.starts_with("orga_session="))
                    .map(str::to_owned)
            })
            .ok_or_else(|| Failure::new("setup", "no session cookie", ""))
    }

    /// A whole connect flow: Connect (303 to the sandbox), the consent page, the consent post
    /// (303 back to our callback), the callback (303 to the provider's card), and the landing
    /// page, which must announce `connected`. The sandbox's consent form takes the authorize
    /// URL's parameters back, plus `account` and `decision`.
    pub async fn connect(&self, provider: &str, account: &str) -> Result<(), Failure> {
        let res = self
            .client
            .post(self.url(&format!("/auth/{provider}/connect"))?)
            .header("Origin", self.base.origin().ascii_serialization())
            .send()
            .await
            .map_err(|e| Failure::transport("connect", &e))?;
        let authorize = self.redirect("connect", res).await?;
        let res = self.get("authorize", authorize.clone()).await?;
        if res.status() != StatusCode::OK {
            return Err(Failure::status("authorize", res).await);
        }
        let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
        form.push(("account".into(), account.into()));
        form.push(("decision".into(), "allow".into()));
        let mut target = authorize;
        target.set_query(None);
        let res = self
            .client
            .post(target)
            .form(&form)
            .send()
            .await
            .map_err(|e| Failure::transport("consent", &e))?;
        let callback = self.redirect("consent", res).await?;
        let res = self.get("callback", callback).await?;
        let landing = self.redirect("callback", res).await?;
        let res = self.get("landing", landing).await?;
        if res.status() != StatusCode::OK {
            return Err(Failure::status("landing", res).await);
        }
        let page = res
            .text()
            .await
            .map_err(|e| Failure::transport("landing", &e))?;
        match shown_outcome(&page) {
            Some("connected") => Ok(()),
            Some(other) => Err(Failure::new(
                "landing",
                format_args!("outcome {other}"),
                provider,
            )),
            None => Err(Failure::new("landing", "no outcome shown", provider)),
        }
    }

    /// The `disconnect_account` server function, as the card's confirmation posts it.
    pub async fn disconnect(&self, provider: &str) -> Result<(), Failure> {
        let res = self
            .call("disconnect_account", &[("provider", provider)])
            .await?;
        if !res.status().is_success() {
            return Err(Failure::status("disconnect_account", res).await);
        }
        Ok(())
    }

    async fn get(&self, step: &str, url: url::Url) -> Result<Response, Failure> {
        self.client
            .get(url)
            .send()
            .await
            .map_err(|e| Failure::transport(step, &e))
    }

    /// The target of a 303, resolved against the request's URL.
    async fn redirect(&self, step: &str, res: Response) -> Result<url::Url, Failure> {
        if res.status() != StatusCode::SEE_OTHER {
            return Err(Failure::status(step, res).await);
        }
        let location = res
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Failure::new(step, "303 without Location", ""))?;
        let target = res
            .url()
            .join(location)
            .map_err(|e| Failure::new(step, "bad Location", e.to_string()))?;
        if !is_loopback(&target) {
            return Err(Failure::new(step, "redirect off loopback", target));
        }
        Ok(target)
    }
}

/// The outcome a page announces (`data-outcome="…"` on the card's status).
fn shown_outcome(page: &str) -> Option<&str> {
    let rest = page.split_once("data-outcome=\"")?.1;
    rest.split_once('"').map(|(outcome, _)| outcome)
}
