//! The provider sandbox on its own port, driven over real HTTP like the app drives it.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::{Client, Response, StatusCode, header, redirect::Policy};
use sandbox::Sandbox;
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

use app::connections::{ProviderId, ProviderSettings};

use super::provider_id;

/// The app the sandbox sends browsers back to.
pub const APP: &str = "http://localhost:9/";
/// A PKCE verifier.
pub const VERIFIER: &str = "a-very-long-pkce-verifier-with-enough-entropy-0123456789";
/// A `state` that needs encoding.
pub const STATE: &str = "st ate/+&=é";

/// A sandbox on its own port and a client that does not follow redirects.
pub struct Harness {
    /// The sandbox.
    pub sandbox: Sandbox,
    /// `http://127.0.0.1:{port}`.
    pub base: String,
    /// A client that does not follow redirects.
    pub http: Client,
}

/// A sandbox for an app at `app`.
pub async fn start_with(app: &str) -> Harness {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sandbox = Sandbox::new(Url::parse(&base).unwrap(), Url::parse(app).unwrap());
    tokio::spawn(sandbox::serve(listener, sandbox.clone()));
    Harness {
        sandbox,
        base,
        http: Client::builder().redirect(Policy::none()).build().unwrap(),
    }
}

/// A sandbox for [`APP`].
pub async fn start() -> Harness {
    start_with(APP).await
}

pub fn redirect_uri(provider: &str) -> String {
    format!("http://localhost:9/auth/{provider}/callback")
}

pub fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

pub fn basic(provider: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!(
            "{}:{}",
            Sandbox::client_id(provider_id(provider)),
            Sandbox::client_secret(provider_id(provider))
        ))
    )
}

pub fn versioned(url: &str) -> String {
    url.replace("{version}", "v23.0")
}

impl Harness {
    pub fn endpoint(&self, provider: &str, pick: fn(&ProviderSettings) -> String) -> String {
        versioned(&pick(&self.sandbox.settings(provider_id(provider))))
    }

    /// The usual authorization parameters for `provider`, PKCE included where it applies.
    pub fn auth_params(&self, provider: &str) -> Vec<(String, String)> {
        let scope = match provider {
            "facebook" => "email,public_profile",
            "x" => "tweet.read users.read offline.access",
            "instagram" => "instagram_business_basic",
            _ => "openid email profile",
        };
        let mut params: Vec<(String, String)> = [
            ("response_type", "code"),
            ("client_id", &Sandbox::client_id(provider_id(provider))),
            ("redirect_uri", &redirect_uri(provider)),
            ("scope", scope),
            ("state", STATE),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        if provider != "instagram" {
            params.push(("code_challenge".into(), challenge()));
            params.push(("code_challenge_method".into(), "S256".into()));
        }
        if provider == "google" {
            params.push(("nonce".into(), "n-0S6_WzA2Mj".into()));
        }
        params
    }

    pub async fn consent_page(&self, provider: &str, params: &[(String, String)]) -> Response {
        let url = self.endpoint(provider, |e| e.authorize_url.clone());
        self.http.get(url).query(params).send().await.unwrap()
    }

    /// Renders the page and submits its form like a browser would (hidden fields + choice).
    pub async fn decide(
        &self,
        provider: &str,
        params: &[(String, String)],
        decision: &str,
        account: &str,
    ) -> Url {
        let page = self.consent_page(provider, params).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        let mut form = hidden_fields(&html);
        form.push(("account".into(), account.into()));
        form.push(("decision".into(), decision.into()));
        let url = self.endpoint(provider, |e| e.authorize_url.clone());
        let res = self.http.post(url).form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap()
    }

    pub async fn code(&self, provider: &str, account: &str) -> String {
        let location = self
            .decide(provider, &self.auth_params(provider), "allow", account)
            .await;
        assert!(
            location
                .as_str()
                .starts_with(&format!("{}?code=", redirect_uri(provider))),
            "{location}"
        );
        assert_eq!(query(&location, "state").as_deref(), Some(STATE));
        query(&location, "code").unwrap()
    }

    pub fn token_form(&self, provider: &str, code: &str, verifier: &str) -> Vec<(String, String)> {
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &redirect_uri(provider)),
            ("code_verifier", verifier),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    pub async fn google_token(&self, code: &str, verifier: &str) -> Response {
        let mut form = self.token_form("google", code, verifier);
        form.push(("client_id".into(), Sandbox::client_id(ProviderId::Google)));
        form.push((
            "client_secret".into(),
            Sandbox::client_secret(ProviderId::Google),
        ));
        self.http
            .post(self.endpoint("google", |e| e.token_url.clone()))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn x_token(&self, code: &str) -> Response {
        let url = self.endpoint("x", |e| e.token_url.clone());
        let form = self.token_form("x", code, VERIFIER);
        self.http
            .post(url)
            .header(header::AUTHORIZATION, basic("x"))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn facebook_token(&self, code: &str, verifier: &str) -> Response {
        let mut form = self.token_form("facebook", code, verifier);
        form.retain(|(k, _)| k != "grant_type");
        form.push(("client_id".into(), Sandbox::client_id(ProviderId::Facebook)));
        form.push((
            "client_secret".into(),
            Sandbox::client_secret(ProviderId::Facebook),
        ));
        self.http
            .get(self.endpoint("facebook", |e| e.token_url.clone()))
            .query(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn instagram_token(&self, code: &str) -> Response {
        let mut form = self.token_form("instagram", code, "");
        form.retain(|(k, _)| k != "code_verifier");
        form.push((
            "client_id".into(),
            Sandbox::client_id(ProviderId::Instagram),
        ));
        form.push((
            "client_secret".into(),
            Sandbox::client_secret(ProviderId::Instagram),
        ));
        self.http
            .post(self.endpoint("instagram", |e| e.token_url.clone()))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_bearer(&self, url: &str, token: &str) -> Response {
        self.http.get(url).bearer_auth(token).send().await.unwrap()
    }
}

pub fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Hidden inputs of the consent form, unescaped.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let value = &tag[start..start + tag[start..].find('"')?];
        Some(
            value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    };
    html.split("<input")
        .skip(1)
        .filter(|t| t.contains("type=\"hidden\""))
        .filter_map(|t| Some((attr(t, "name")?, attr(t, "value")?)))
        .collect()
}

pub async fn json_of(res: Response) -> (StatusCode, Value) {
    (res.status(), res.json().await.unwrap())
}

pub fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}
