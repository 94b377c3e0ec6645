//! The sandbox's consent page for every provider: vetting, denials, request errors, pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::connections::ProviderId;
use common::sandbox_harness::*;
use reqwest::{StatusCode, header};
use sandbox::Sandbox;
use url::Url;

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
    assert_eq!(
        h.sandbox.settings(ProviderId::Facebook).profile_url,
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

/// Pressing Enter in a form submits it with its *default button*, the first submit button in
/// tree order (HTML, "implicit submission"), whose name and value are sent. Enter on a test
/// account must allow, never cancel.
#[tokio::test]
async fn enter_on_an_account_submits_allow() {
    let h = start().await;
    for provider in ["facebook", "x", "instagram", "google"] {
        let params = h.auth_params(provider);
        let html = h
            .consent_page(provider, &params)
            .await
            .text()
            .await
            .unwrap();
        let form = &html[html.find("<form").unwrap()..html.find("</form>").unwrap()];
        let (name, value) = default_button(form).expect("the consent form has a submit button");
        assert_eq!(
            (name.as_str(), value.as_str()),
            ("decision", "allow"),
            "{provider}"
        );
        // What the browser sends on Enter: the hidden fields, the checked account, the default
        // button.
        let mut sent = hidden_fields(form);
        sent.push((
            "account".into(),
            checked_radio(form).expect("an account is preselected"),
        ));
        sent.push((name, value));
        let url = h.endpoint(provider, |e| e.authorize_url.clone());
        let res = h.http.post(url).form(&sent).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{provider}");
        let location = Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        assert!(query(&location, "code").is_some(), "{provider}: {location}");
    }
}

/// The name and value of a form's first submit button (`<button>` without a type is one).
fn default_button(form: &str) -> Option<(String, String)> {
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let tag = &rest[..rest.find('>')?];
        let submits = (tag.starts_with("button")
            && (!tag.contains("type=") || tag.contains("type=\"submit\"")))
            || (tag.starts_with("input")
                && (tag.contains("type=\"submit\"") || tag.contains("type=\"image\"")));
        if submits {
            return Some((attribute(tag, "name")?, attribute(tag, "value")?));
        }
    }
    None
}

/// The value of the radio button that is checked.
fn checked_radio(form: &str) -> Option<String> {
    form.split("<input")
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        .find(|t| t.contains("type=\"radio\"") && t.contains(" checked"))
        .and_then(|t| attribute(t, "value"))
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[start..start + tag[start..].find('"')?].to_owned())
}
