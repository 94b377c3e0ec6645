//! The sandbox on its own: the control token, the endpoints document, escaping on its pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use app::connections::ProviderId;
use reqwest::{Client, StatusCode, redirect::Policy};
use sandbox::Sandbox;
use serde_json::{Value, json};
use url::Url;

const APP: &str = "http://localhost:9";

async fn start() -> (Sandbox, String, Client) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sandbox = Sandbox::new(Url::parse(&base).unwrap(), Url::parse(APP).unwrap());
    tokio::spawn(sandbox::serve(listener, sandbox.clone()));
    let http = Client::builder().redirect(Policy::none()).build().unwrap();
    (sandbox, base, http)
}

#[tokio::test]
async fn control_routes_refuse_a_missing_or_wrong_token() {
    let (sandbox, base, http) = start().await;
    let fault = json!({ "provider": "x", "endpoint": "token", "fault": { "status": 503 } });
    let faults = format!("{base}/_sandbox/faults");
    let revocations = format!("{base}/_sandbox/revocations");
    let requests = [
        http.post(&faults).json(&fault),
        http.delete(&faults),
        http.get(&revocations),
        http.post(format!("{base}/_sandbox/picture_lifetime"))
            .json(&json!({ "seconds": 1 })),
    ];
    for request in requests {
        for token in [None, Some("wrong"), Some("")] {
            let request = request.try_clone().unwrap();
            let request = match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            };
            let res = request.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{token:?}");
            let body: Value = res.json().await.unwrap();
            assert!(body["error"].as_str().unwrap().contains("control token"));
        }
    }
    // Nothing was installed: the token endpoint still answers as X does to a bad request.
    let res = http
        .post(format!("{base}/x/api/2/oauth2/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let token = sandbox.control_token();
    assert!(token.len() >= 32, "a random token of 24 bytes");
    let res = http
        .post(&faults)
        .bearer_auth(token)
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = http
        .get(&revocations)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn control_token_is_random_unless_given() {
    let a = Sandbox::new(Url::parse(APP).unwrap(), Url::parse(APP).unwrap());
    let b = Sandbox::new(Url::parse(APP).unwrap(), Url::parse(APP).unwrap());
    assert_ne!(a.control_token(), b.control_token());
    let c = Sandbox::with_control_token(
        Url::parse(APP).unwrap(),
        Url::parse(APP).unwrap(),
        "from-the-environment".into(),
    );
    assert_eq!(c.control_token(), "from-the-environment");
}

#[tokio::test]
async fn endpoints_lists_all_four_providers_without_a_token() {
    let (sandbox, base, http) = start().await;
    let res = http
        .get(format!("{base}/_sandbox/endpoints"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body.as_object().unwrap().len(), 4);
    for provider in ProviderId::ALL {
        let entry = &body[provider.slug()];
        let settings = sandbox.settings(provider);
        assert_eq!(entry["client_id"], Sandbox::client_id(provider));
        assert_eq!(entry["client_secret"], Sandbox::client_secret(provider));
        assert_eq!(entry["authorize_url"], settings.authorize_url);
        assert_eq!(entry["consent_url"], settings.authorize_url);
        assert_eq!(entry["token_url"], settings.token_url);
        assert_eq!(entry["profile_url"], settings.profile_url);
        assert_eq!(entry["revoke_url"], settings.revoke_url);
        assert_eq!(entry["issuer"], settings.issuer);
        assert_eq!(entry["scopes"], settings.scopes);
        assert_eq!(entry["graph_version"], "");
        assert!(settings.authorize_url.starts_with(&base));
    }
    assert_eq!(body["facebook"]["scopes"], "public_profile,email");
    assert_eq!(body["instagram"]["revoke_url"], "");
    assert_eq!(body["google"]["issuer"], format!("{base}/google"));
}

#[tokio::test]
async fn hostile_query_values_are_escaped_on_the_consent_page() {
    let (sandbox, _, http) = start().await;
    let hostile = r#""><script>alert(1)</script><img src=x onerror=alert(2)>'"#;
    let authorize = sandbox.settings(ProviderId::Google).authorize_url;
    let params = [
        ("response_type", "code"),
        ("client_id", "sandbox-google-app"),
        ("redirect_uri", "http://localhost:9/auth/google/callback"),
        ("scope", &format!("openid {hostile}")),
        ("state", hostile),
        ("nonce", hostile),
    ];
    let res = http.get(&authorize).query(&params).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    // The state survives as an attribute value: the quote that would close it is escaped.
    assert!(!html.contains(r#"value=""><script>"#), "{html}");
    assert!(html.contains(r#"name="state""#), "{html}");

    // A hostile redirect_uri is refused on an error page that shows it inert.
    let mut params = params.to_vec();
    params.retain(|(k, _)| *k != "redirect_uri");
    let uri = format!("http://localhost:9/{hostile}");
    params.push(("redirect_uri", &uri));
    let res = http.get(&authorize).query(&params).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script>"), "{html}");
}

#[tokio::test]
async fn consent_page_has_one_labelled_form_whose_default_button_allows() {
    let (sandbox, _, http) = start().await;
    let authorize = sandbox.settings(ProviderId::Facebook).authorize_url;
    let params = [
        ("response_type", "code"),
        ("client_id", "sandbox-facebook-app"),
        ("redirect_uri", "http://localhost:9/auth/facebook/callback"),
        ("state", "s"),
    ];
    let url = authorize.replace("{version}", "v23.0");
    let html = http
        .get(url)
        .query(&params)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.starts_with("<!doctype html><html lang=\"en\">"),
        "{html}"
    );
    assert_eq!(html.matches("<form").count(), 1);
    for (key, name) in Sandbox::identities() {
        assert!(html.contains(&format!(r#"id="account-{key}""#)), "{html}");
        assert!(
            html.contains(&format!(r#"<label for="account-{key}""#)),
            "{html}"
        );
        assert!(html.contains(name));
    }
    let allow = html.find(r#"value="allow""#).unwrap();
    let cancel = html.find(r#"value="cancel""#).unwrap();
    assert!(
        allow < cancel,
        "Allow must be the form's first (default) submit button"
    );
}

/// The first picture URL of the index page (Ada's, at Facebook).
async fn first_picture(http: &Client, base: &str) -> String {
    let html = http.get(format!("{base}/")).send().await.unwrap();
    let html = html.text().await.unwrap();
    let start = html.find(&format!("{base}/avatars/")).unwrap();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

#[tokio::test]
async fn pictures_are_pngs_behind_signed_urls_that_expire() {
    let (sandbox, base, http) = start().await;
    let url = first_picture(&http, &base).await;
    assert!(
        url.starts_with(&format!("{base}/avatars/facebook/ada.png?oe=")),
        "{url}"
    );
    let res = http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    let png = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(png.to_rgb8().get_pixel(0, 0).0, [0x7b, 0x3f, 0xa0]);
    let oe = Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "oe")
        .unwrap()
        .1
        .into_owned();
    let forged = url.replace(&format!("oe={oe}"), "oe=FFFFFFFF");
    let unsigned = url.split('?').next().unwrap().to_owned();
    for refused in [forged, unsigned] {
        let res = http.get(&refused).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{refused}");
        assert_eq!(res.text().await.unwrap(), "Bad URL hash");
    }
    for missing in ["facebook/nobody.png", "nowhere/ada.png", "facebook/ada.svg"] {
        let res = http
            .get(format!("{base}/avatars/{missing}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    sandbox.set_picture_lifetime(Duration::from_secs(1));
    let short = first_picture(&http, &base).await;
    let mut answer = String::new();
    for _ in 0..50 {
        answer = http.get(&short).send().await.unwrap().text().await.unwrap();
        if answer == "URL signature expired" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answer, "URL signature expired");
}

#[tokio::test]
async fn hostile_pictures_are_installed_through_the_control_routes() {
    let (sandbox, base, http) = start().await;
    let url = first_picture(&http, &base).await;
    let install = |fault: Value| {
        http.post(format!("{base}/_sandbox/faults"))
            .bearer_auth(sandbox.control_token())
            .json(&json!({ "provider": "facebook", "endpoint": "picture", "fault": fault }))
            .send()
    };
    let res = install(json!("svg_with_script")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = http.get(&url).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().contains("<script>"));
    install(json!("html")).await.unwrap();
    let res = http.get(&url).send().await.unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    install(json!({ "redirect": "https://example.com/a.png" }))
        .await
        .unwrap();
    let res = http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "https://example.com/a.png");
    install(json!("huge_body")).await.unwrap();
    let res = http.get(&url).send().await.unwrap();
    assert_eq!(
        res.content_length(),
        None,
        "streamed, without a declared size"
    );
    let mut res = res;
    let mut seen = 0;
    while let Some(chunk) = res.chunk().await.unwrap() {
        seen += chunk.len();
    }
    assert_eq!(seen, sandbox::HUGE_BODY_BYTES);
    // The signature binds the provider too.
    let x = url.replace("/facebook/", "/x/");
    assert_eq!(
        http.get(&x).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "signed per provider"
    );
    let lifetime = http
        .post(format!("{base}/_sandbox/picture_lifetime"))
        .bearer_auth(sandbox.control_token())
        .json(&json!({ "seconds": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(lifetime.status(), StatusCode::OK);
}
