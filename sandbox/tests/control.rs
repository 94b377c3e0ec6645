//! The sandbox on its own: the control token, the endpoints document, escaping on its pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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

#[tokio::test]
async fn avatars_are_svg_with_escaped_text() {
    let (_, base, http) = start().await;
    let res = http
        .get(format!("{base}/avatars/ada.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let svg = res.text().await.unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(
        svg.contains("aria-label=\"Ada Lovelace\"") && svg.contains(">AL</text>"),
        "{svg}"
    );
    // An SVG image is XML: Leptos's `<!>` hydration markers would stop it from rendering.
    assert!(!svg.contains("<!"), "{svg}");
    let res = http
        .get(format!("{base}/avatars/nobody.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
