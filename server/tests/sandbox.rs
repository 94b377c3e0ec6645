//! The provider sandbox over real HTTP: happy paths, request errors, quirks and faults.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::{Client, Response, StatusCode, header, redirect::Policy};
use serde_json::{Value, json};
use server::sandbox::{Endpoint, Fault, Sandbox};
use sha2::{Digest, Sha256};
use url::Url;

const APP: &str = "http://localhost:9/";
const VERIFIER: &str = "a-very-long-pkce-verifier-with-enough-entropy-0123456789";
const STATE: &str = "st ate/+&=é";

struct Harness {
    sandbox: Sandbox,
    base: String,
    http: Client,
}

async fn start_with(app: &str) -> Harness {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sandbox = Sandbox::new(Url::parse(&base).unwrap(), Url::parse(app).unwrap());
    let router = sandbox.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Harness {
        sandbox,
        base,
        http: Client::builder().redirect(Policy::none()).build().unwrap(),
    }
}

async fn start() -> Harness {
    start_with(APP).await
}

fn redirect_uri(provider: &str) -> String {
    format!("http://localhost:9/auth/{provider}/callback")
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

fn basic(provider: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!(
            "{}:{}",
            Sandbox::client_id(provider),
            Sandbox::client_secret(provider)
        ))
    )
}

fn versioned(url: &str) -> String {
    url.replace("{version}", "v23.0")
}

impl Harness {
    fn endpoint(
        &self,
        provider: &str,
        pick: fn(&server::sandbox::SandboxEndpoints) -> String,
    ) -> String {
        versioned(&pick(&self.sandbox.endpoints(provider).unwrap()))
    }

    /// The usual authorization parameters for `provider`, PKCE included where it applies.
    fn auth_params(&self, provider: &str) -> Vec<(String, String)> {
        let scope = match provider {
            "facebook" => "email,public_profile",
            "x" => "tweet.read users.read offline.access",
            "instagram" => "instagram_business_basic",
            _ => "openid email profile",
        };
        let mut params: Vec<(String, String)> = [
            ("response_type", "code"),
            ("client_id", &Sandbox::client_id(provider)),
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

    async fn consent_page(&self, provider: &str, params: &[(String, String)]) -> Response {
        let url = self.endpoint(provider, |e| e.authorize_url.clone());
        self.http.get(url).query(params).send().await.unwrap()
    }

    /// Renders the page and submits its form like a browser would (hidden fields + choice).
    async fn decide(
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

    async fn code(&self, provider: &str, account: &str) -> String {
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

    fn token_form(&self, provider: &str, code: &str, verifier: &str) -> Vec<(String, String)> {
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

    async fn google_token(&self, code: &str, verifier: &str) -> Response {
        let mut form = self.token_form("google", code, verifier);
        form.push(("client_id".into(), Sandbox::client_id("google")));
        form.push(("client_secret".into(), Sandbox::client_secret("google")));
        self.http
            .post(self.endpoint("google", |e| e.token_url.clone()))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn x_token(&self, code: &str) -> Response {
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

    async fn facebook_token(&self, code: &str, verifier: &str) -> Response {
        let mut form = self.token_form("facebook", code, verifier);
        form.retain(|(k, _)| k != "grant_type");
        form.push(("client_id".into(), Sandbox::client_id("facebook")));
        form.push(("client_secret".into(), Sandbox::client_secret("facebook")));
        self.http
            .get(self.endpoint("facebook", |e| e.token_url.clone()))
            .query(&form)
            .send()
            .await
            .unwrap()
    }

    async fn instagram_token(&self, code: &str) -> Response {
        let mut form = self.token_form("instagram", code, "");
        form.retain(|(k, _)| k != "code_verifier");
        form.push(("client_id".into(), Sandbox::client_id("instagram")));
        form.push(("client_secret".into(), Sandbox::client_secret("instagram")));
        self.http
            .post(self.endpoint("instagram", |e| e.token_url.clone()))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn get_bearer(&self, url: &str, token: &str) -> Response {
        self.http.get(url).bearer_auth(token).send().await.unwrap()
    }
}

fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Hidden inputs of the consent form, unescaped.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
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

async fn json_of(res: Response) -> (StatusCode, Value) {
    (res.status(), res.json().await.unwrap())
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

#[tokio::test]
async fn facebook_happy_path() {
    let h = start().await;
    let page = h.consent_page("facebook", &h.auth_params("facebook")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for needle in [
        "Sign in to Facebook (sandbox)",
        "Orga Connect wants to access your Facebook account",
        "Choose a test account",
        "Ada Lovelace",
        "@ada_lovelace",
        ">Allow<",
        ">Cancel<",
        "email",
    ] {
        assert!(
            html.replace("<strong>", "")
                .replace("</strong>", "")
                .contains(needle),
            "missing {needle}"
        );
    }
    let code = h.code("facebook", "ada").await;
    let (status, token) = json_of(h.facebook_token(&code, VERIFIER).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 5_183_944);
    let access = token["access_token"].as_str().unwrap().to_owned();
    assert!(access.starts_with("EAA"));

    let me = h.endpoint("facebook", |e| e.profile_url.clone());
    let fields = "id,name,first_name,last_name,email,picture.type(large),link";
    let res = h
        .http
        .get(&me)
        .query(&[("fields", fields), ("access_token", &access)])
        .send()
        .await
        .unwrap();
    let (status, profile) = json_of(res).await;
    assert_eq!(status, StatusCode::OK);
    assert!(all_digits(profile["id"].as_str().unwrap(), 15));
    assert_eq!(profile["name"], "Ada Lovelace");
    assert_eq!(
        (
            profile["first_name"].as_str(),
            profile["last_name"].as_str()
        ),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(profile["email"], "ada@sandbox.test");
    let picture = profile["picture"]["data"]["url"].as_str().unwrap();
    assert_eq!(picture, format!("{}/avatars/ada.svg", h.base));
    let avatar = h.http.get(picture).send().await.unwrap();
    assert_eq!(avatar.headers()[header::CONTENT_TYPE], "image/svg+xml");
    let link = profile["link"].as_str().unwrap();
    assert_eq!(
        link,
        format!("{}/facebook/www/profile/ada_lovelace", h.base)
    );
    assert_eq!(
        h.http.get(link).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Only what was asked for (plus id).
    let res = h.get_bearer(&format!("{me}?fields=name"), &access).await;
    assert_eq!(json_of(res).await.1.as_object().unwrap().len(), 2);

    let revoke = h.endpoint("facebook", |e| e.revoke_url.clone().unwrap());
    let (status, body) = json_of(
        h.http
            .delete(&revoke)
            .query(&[("access_token", &access)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "success": true })));
    assert_eq!(h.sandbox.revoked_tokens("facebook"), vec![access.clone()]);
    let (status, body) = json_of(
        h.http
            .get(&me)
            .query(&[("access_token", &access)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], 190);
    assert_eq!(body["error"]["type"], "OAuthException");
}

#[tokio::test]
async fn x_happy_path() {
    let h = start().await;
    let code = h.code("x", "grace").await;
    let (status, token) = json_of(h.x_token(&code).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 7200);
    assert_eq!(token["scope"], "tweet.read users.read offline.access");
    assert!(token["refresh_token"].is_string());
    let access = token["access_token"].as_str().unwrap().to_owned();

    let me = h.endpoint("x", |e| e.profile_url.clone());
    let (status, body) = json_of(
        h.get_bearer(
            &format!("{me}?user.fields=profile_image_url,url,name,username"),
            &access,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let data = &body["data"];
    assert!(all_digits(data["id"].as_str().unwrap(), 19));
    assert_eq!(
        (data["name"].as_str(), data["username"].as_str()),
        (Some("Grace Hopper"), Some("grace_hopper"))
    );
    assert_eq!(
        data["profile_image_url"],
        format!("{}/avatars/grace.svg", h.base)
    );
    assert_eq!(
        data["url"],
        format!("{}/x/www/profile/grace_hopper", h.base)
    );
    let (_, plain) = json_of(h.get_bearer(&me, &access).await).await;
    assert!(plain["data"].get("profile_image_url").is_none());

    let revoke = h.endpoint("x", |e| e.revoke_url.clone().unwrap());
    let form = [
        ("token", access.as_str()),
        ("token_type_hint", "access_token"),
    ];
    let res = h
        .http
        .post(&revoke)
        .header(header::AUTHORIZATION, basic("x"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(res).await,
        (StatusCode::OK, json!({ "revoked": true }))
    );
    assert_eq!(h.sandbox.revoked_tokens("x"), vec![access.clone()]);
    let (status, body) = json_of(h.get_bearer(&me, &access).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({ "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized" })
    );
}

#[tokio::test]
async fn instagram_happy_path_and_quirks() {
    let h = start().await;
    assert_eq!(h.sandbox.endpoints("instagram").unwrap().revoke_url, None);
    let code = h.code("instagram", "alan").await;
    let (status, token) = json_of(h.instagram_token(&code).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert!(token.get("token_type").is_none());
    assert!(
        token["user_id"].is_u64(),
        "user_id must be a JSON number: {token}"
    );
    assert_eq!(token["permissions"], json!(["instagram_business_basic"]));
    let short = token["access_token"].as_str().unwrap().to_owned();
    assert!(short.starts_with("IGAA"));

    let exchange = format!("{}/instagram/graph/access_token", h.base);
    let params = [
        ("grant_type", "ig_exchange_token"),
        ("client_secret", &Sandbox::client_secret("instagram")),
        ("access_token", &short),
    ];
    let (status, long) = json_of(h.http.get(&exchange).query(&params).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{long}");
    assert_eq!(
        (long["token_type"].as_str(), long["expires_in"].as_u64()),
        (Some("bearer"), Some(5_183_944))
    );
    let long = long["access_token"].as_str().unwrap().to_owned();
    assert!(long.starts_with("IGAA") && long != short);
    let bad = [
        ("grant_type", "ig_exchange_token"),
        ("client_secret", "wrong"),
        ("access_token", short.as_str()),
    ];
    let (status, body) = json_of(h.http.get(&exchange).query(&bad).send().await.unwrap()).await;
    assert_eq!(
        (status, body["error"]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(190))
    );

    let me = h.endpoint("instagram", |e| e.profile_url.clone());
    for access in [&short, &long] {
        let q = [
            ("fields", "user_id,username,name,profile_picture_url"),
            ("access_token", access.as_str()),
        ];
        let (status, profile) = json_of(h.http.get(&me).query(&q).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let user_id = profile["user_id"].as_str().unwrap();
        assert!(all_digits(user_id, 17) && user_id.starts_with("1784"));
        assert_eq!(
            profile["id"].as_str().unwrap(),
            token["user_id"].to_string()
        );
        assert_eq!(
            (profile["username"].as_str(), profile["name"].as_str()),
            (Some("alan_turing"), Some("Alan Turing"))
        );
        assert_eq!(
            profile["profile_picture_url"],
            format!("{}/avatars/alan.svg", h.base)
        );
    }
    let (status, body) = json_of(
        h.http
            .get(&me)
            .query(&[("access_token", "IGAAnope")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(190))
    );
    // Reusing the code fails in Instagram's own error shape.
    let (status, body) = json_of(h.instagram_token(&code).await).await;
    assert_eq!(
        (status, body["error_type"].as_str(), body["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some("OAuthException"), Some(400))
    );
}

#[tokio::test]
async fn google_happy_path_with_verified_id_token() {
    let h = start().await;
    let issuer = h.sandbox.endpoints("google").unwrap().issuer.unwrap();
    assert_eq!(issuer, format!("{}/google", h.base));
    let (_, discovery) = json_of(
        h.http
            .get(format!("{issuer}/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(discovery["issuer"], issuer);
    assert_eq!(
        discovery["token_endpoint"],
        h.endpoint("google", |e| e.token_url.clone())
    );
    let (_, jwks) = json_of(
        h.http
            .get(discovery["jwks_uri"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;

    let code = h.code("google", "ada").await;
    let (status, token) = json_of(h.google_token(&code, VERIFIER).await).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3599);
    assert_eq!(
        token["scope"],
        "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile"
    );
    let access = token["access_token"].as_str().unwrap().to_owned();
    assert!(access.starts_with("ya29."));

    let id_token = token["id_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"].as_str() == header.kid.as_deref())
        .unwrap();
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap(),
        key["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[&issuer]);
    validation.set_audience(&[Sandbox::client_id("google")]);
    let claims = jsonwebtoken::decode::<Value>(id_token, &decoding, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["azp"], Sandbox::client_id("google"));
    assert_eq!(
        (claims["email"].as_str(), claims["email_verified"].as_bool()),
        (Some("ada@sandbox.test"), Some(true))
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    let sub = claims["sub"].as_str().unwrap().to_owned();
    assert!(all_digits(&sub, 21));

    let userinfo = discovery["userinfo_endpoint"].as_str().unwrap();
    let (status, info) = json_of(h.get_bearer(userinfo, &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["sub"], sub.as_str());
    assert_eq!(
        (info["given_name"].as_str(), info["family_name"].as_str()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(info["picture"], format!("{}/avatars/ada.svg", h.base));

    let revoke = discovery["revocation_endpoint"].as_str().unwrap();
    let res = h
        .http
        .post(revoke)
        .form(&[("token", &access)])
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(res).await, (StatusCode::OK, json!({})));
    assert_eq!(h.sandbox.revoked_tokens("google"), vec![access.clone()]);
    let (status, body) = json_of(h.get_bearer(userinfo, &access).await).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Invalid Credentials"))
    );
    let (status, body) = json_of(
        h.http
            .post(revoke)
            .form(&[("token", &access)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_token"))
    );
}

#[tokio::test]
async fn google_accepts_client_secret_basic_and_rejects_bad_clients() {
    let h = start().await;
    let url = h.endpoint("google", |e| e.token_url.clone());
    let code = h.code("google", "grace").await;
    let wrong = format!("Basic {}", STANDARD.encode("sandbox-google-app:wrong"));
    let form = h.token_form("google", &code, VERIFIER);
    let (status, body) = json_of(
        h.http
            .post(&url)
            .header(header::AUTHORIZATION, wrong)
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "error": "invalid_client", "error_description": "Unauthorized" })
        )
    );
    // A client-authentication failure does not burn the code.
    let (status, body) = json_of(
        h.http
            .post(&url)
            .header(header::AUTHORIZATION, basic("google"))
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn unregistered_redirect_or_client_gets_an_error_page_not_a_redirect() {
    let h = start().await;
    for provider in ["facebook", "x", "instagram", "google"] {
        for (key, value) in [
            ("redirect_uri", "http://evil.example/cb"),
            ("redirect_uri", "http://localhost:9/auth/other/callback"),
            ("client_id", "nope"),
        ] {
            let mut params = h.auth_params(provider);
            params.retain(|(k, _)| k != key);
            params.push((key.into(), value.into()));
            let res = h.consent_page(provider, &params).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{provider} {key}");
            assert!(res.headers().get(header::LOCATION).is_none());
            assert!(
                res.headers()[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            // The POST re-validates instead of trusting its hidden fields.
            let mut form = params.clone();
            form.push(("decision".into(), "allow".into()));
            form.push(("account".into(), "ada".into()));
            let res = h
                .http
                .post(h.endpoint(provider, |e| e.authorize_url.clone()))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::BAD_REQUEST,
                "{provider} POST {key}"
            );
        }
    }
}

#[tokio::test]
async fn cancel_sends_each_providers_denial() {
    let h = start().await;
    let expected = [
        (
            "facebook",
            "error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied",
        ),
        ("x", "error=access_denied"),
        (
            "instagram",
            "error=access_denied&error_reason=user_denied&error_description=The+user+denied+your+request.",
        ),
        ("google", "error=access_denied"),
    ];
    for (provider, denial) in expected {
        let location = h
            .decide(provider, &h.auth_params(provider), "cancel", "ada")
            .await;
        let state = url::form_urlencoded::byte_serialize(STATE.as_bytes()).collect::<String>();
        assert_eq!(
            location.as_str(),
            format!("{}?{denial}&state={state}", redirect_uri(provider))
        );
    }
}

#[tokio::test]
async fn request_errors_redirect_with_invalid_request() {
    let h = start().await;
    let cases: [(&str, &str, Option<&str>); 5] = [
        ("x", "code_challenge", None),
        ("x", "code_challenge_method", Some("plain")),
        ("google", "scope", Some("email profile")),
        ("facebook", "response_type", Some("token")),
        ("google", "code_challenge_method", Some("S512")),
    ];
    for (provider, key, value) in cases {
        let mut params = h.auth_params(provider);
        params.retain(|(k, _)| k != key);
        if let Some(value) = value {
            params.push((key.into(), value.into()));
        }
        let res = h.consent_page(provider, &params).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{provider} {key}");
        let location = Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        assert!(location.as_str().starts_with(&redirect_uri(provider)));
        assert_eq!(
            query(&location, "error").as_deref(),
            Some("invalid_request")
        );
        assert!(query(&location, "error_description").is_some());
        assert_eq!(query(&location, "state").as_deref(), Some(STATE));
    }
}

#[tokio::test]
async fn token_endpoints_enforce_client_auth_pkce_and_single_use() {
    let h = start().await;
    // X: credentials in the body instead of Basic.
    let code = h.code("x", "ada").await;
    let mut form = h.token_form("x", &code, VERIFIER);
    form.push(("client_id".into(), Sandbox::client_id("x")));
    form.push(("client_secret".into(), Sandbox::client_secret("x")));
    let res = h
        .http
        .post(h.endpoint("x", |e| e.token_url.clone()))
        .form(&form)
        .send()
        .await
        .unwrap();
    let expected = json!({ "error": "unauthorized_client", "error_description": "Missing valid authorization header" });
    assert_eq!(json_of(res).await, (StatusCode::UNAUTHORIZED, expected));

    // Wrong verifiers.
    let (status, body) = json_of(
        h.google_token(
            &h.code("google", "ada").await,
            "wrong-verifier-wrong-verifier-wrong-verifier",
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, body) = json_of(
        h.facebook_token(&h.code("facebook", "ada").await, "nope")
            .await,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(100))
    );
    let form = h.token_form(
        "x",
        &h.code("x", "ada").await,
        "wrong-verifier-wrong-verifier-wrong-verifier",
    );
    let res = h
        .http
        .post(h.endpoint("x", |e| e.token_url.clone()))
        .header(header::AUTHORIZATION, basic("x"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let expected = json!({ "error": "invalid_request", "error_description": "Value passed for the authorization code was invalid." });
    assert_eq!(json_of(res).await, (StatusCode::BAD_REQUEST, expected));

    // Reuse: refused, and the first exchange's token dies with it.
    let code = h.code("google", "alan").await;
    let (_, first) = json_of(h.google_token(&code, VERIFIER).await).await;
    let (status, body) = json_of(h.google_token(&code, VERIFIER).await).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let userinfo = h.endpoint("google", |e| e.profile_url.clone());
    assert_eq!(
        h.get_bearer(&userinfo, first["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let code = h.code("facebook", "alan").await;
    assert_eq!(
        h.facebook_token(&code, VERIFIER).await.status(),
        StatusCode::OK
    );
    let (_, body) = json_of(h.facebook_token(&code, VERIFIER).await).await;
    assert_eq!(
        body["error"]["message"],
        "This authorization code has been used."
    );
}

#[tokio::test]
async fn faults_misbehave_until_cleared() {
    let h = start().await;
    // Status: provider-style body, and the code survives for a retry.
    let code = h.code("facebook", "ada").await;
    h.sandbox
        .set_fault("facebook", Endpoint::Token, Fault::Status(503));
    let (status, body) = json_of(h.facebook_token(&code, VERIFIER).await).await;
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("OAuthException"))
    );
    h.sandbox.clear_faults();
    assert_eq!(
        h.facebook_token(&code, VERIFIER).await.status(),
        StatusCode::OK
    );

    // MissingFields on a token endpoint and a profile.
    h.sandbox
        .set_fault("x", Endpoint::Token, Fault::MissingFields);
    let (status, token) = json_of(h.x_token(&h.code("x", "ada").await).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(token.get("access_token").is_none() && token.get("token_type").is_some());
    let code = h.code("instagram", "ada").await;
    let (_, token) = json_of(h.instagram_token(&code).await).await;
    h.sandbox
        .set_fault("instagram", Endpoint::Profile, Fault::MissingFields);
    let me = h.endpoint("instagram", |e| e.profile_url.clone());
    let q = [
        ("fields", "user_id,username,name"),
        ("access_token", token["access_token"].as_str().unwrap()),
    ];
    let (status, profile) = json_of(h.http.get(&me).query(&q).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile, json!({ "username": "ada_lovelace" }));

    // MalformedJson.
    h.sandbox
        .set_fault("google", Endpoint::Discovery, Fault::MalformedJson);
    let res = h
        .http
        .get(format!(
            "{}/google/.well-known/openid-configuration",
            h.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
    assert!(serde_json::from_str::<Value>(&res.text().await.unwrap()).is_err());

    // Delay, installed over the HTTP control surface.
    let control = format!("{}/_sandbox/faults", h.base);
    let fault = json!({ "provider": "google", "endpoint": "jwks", "fault": { "delay_ms": 300 } });
    assert_eq!(
        h.http
            .post(&control)
            .json(&fault)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let started = Instant::now();
    let res = h
        .http
        .get(format!("{}/google/oauth2/v3/certs", h.base))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(res.status(), StatusCode::OK);
    let bad = json!({ "provider": "google", "endpoint": "jwks", "fault": "explode" });
    assert_eq!(
        h.http
            .post(&control)
            .json(&bad)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.http.delete(&control).send().await.unwrap().status(),
        StatusCode::OK
    );
    let res = h
        .http
        .get(format!(
            "{}/google/.well-known/openid-configuration",
            h.base
        ))
        .send()
        .await
        .unwrap();
    assert!(res.json::<Value>().await.is_ok());
    let (_, revocations) = json_of(
        h.http
            .get(format!("{}/_sandbox/revocations", h.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        revocations,
        json!({ "facebook": [], "x": [], "instagram": [], "google": [] })
    );
}

#[tokio::test]
async fn index_identities_versions_and_path_prefixed_apps() {
    let h = start_with("http://localhost:9/prefix").await;
    let index = h
        .http
        .get(&h.base)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains("Orga Connect provider sandbox") && index.contains("Grace Hopper"));
    assert!(Sandbox::identities().contains(&("ada", "Ada Lovelace")));
    assert!(h.sandbox.endpoints("myspace").is_none());
    assert_eq!(
        h.sandbox.endpoints("facebook").unwrap().profile_url,
        format!("{}/facebook/graph/{{version}}/me", h.base)
    );
    let res = h
        .http
        .get(format!("{}/facebook/graph/latest/me", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            res.status(),
            json_of(res).await.1["error"]["type"]
                .as_str()
                .map(str::to_owned)
        ),
        (StatusCode::BAD_REQUEST, Some("OAuthException".into()))
    );
    let mut params = h.auth_params("x");
    params.retain(|(k, _)| k != "redirect_uri");
    params.push((
        "redirect_uri".into(),
        "http://localhost:9/prefix/auth/x/callback".into(),
    ));
    assert_eq!(h.consent_page("x", &params).await.status(), StatusCode::OK);
    for page in [
        "x/www/profile/ada_lovelace",
        "x/ada_lovelace",
        "instagram/www/grace_hopper",
        "instagram/www/profile/alan_turing",
    ] {
        assert_eq!(
            h.http
                .get(format!("{}/{page}", h.base))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "{page}"
        );
    }
    assert_eq!(
        h.http
            .get(format!("{}/x/nobody", h.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
