//! The Content Security Policy: pages allow only their own nonce'd inline scripts, and their
//! forms may go to ourselves and to the providers users are offered; other answers allow nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;

db_tests!(
    a_page_runs_only_scripts_with_its_own_nonce,
    connect_forms_may_go_to_the_offered_providers_only,
    answers_that_are_not_pages_allow_nothing,
);

fn policy(res: &reqwest::Response) -> String {
    res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned()
}

fn directive<'a>(policy: &'a str, name: &str) -> &'a str {
    policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).map(str::trim))
        .unwrap_or_else(|| panic!("no {name} in {policy}"))
}

async fn a_page_runs_only_scripts_with_its_own_nonce(app: TestApp) {
    let client = app.client();
    let first = app.get(&client, "/signin").await;
    assert!(
        first.headers().get(app::csp::NONCE_HEADER).is_none(),
        "the shell's nonce header stays inside the server"
    );
    let csp = policy(&first);
    let html = first.text().await.unwrap();
    let script_src = directive(&csp, "script-src");
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(!script_src.contains("unsafe-eval'") || script_src.contains("wasm-unsafe-eval"));
    let nonce = script_src
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {csp}"));
    assert!(nonce.len() >= 16, "a guessable nonce: {nonce}");
    // Every script the browser would run carries it (JSON data blocks are not run).
    let scripts: Vec<&str> = html
        .split("<script")
        .skip(1)
        .map(|s| &s[..s.find('>').unwrap()])
        .collect();
    let run: Vec<&&str> = scripts
        .iter()
        .filter(|s| !s.contains("application/json"))
        .collect();
    assert!(!run.is_empty(), "the hydration script is on the page");
    for attrs in run {
        assert!(
            attrs.contains(&format!("nonce=\"{nonce}\"")),
            "script without the nonce: <script{attrs}>"
        );
    }
    // A nonce is for one response only.
    let second = policy(&app.get(&client, "/signin").await);
    assert!(
        !second.contains(&format!("'nonce-{nonce}'")),
        "nonce reused: {second}"
    );
    assert_eq!(directive(&csp, "default-src"), "'self'");
    assert_eq!(directive(&csp, "object-src"), "'none'");
    assert_eq!(directive(&csp, "frame-ancestors"), "'none'");
    assert_eq!(directive(&csp, "img-src"), "'self' https:");
}

async fn connect_forms_may_go_to_the_offered_providers_only(app: TestApp) {
    let client = app.client();
    let before = policy(&app.get(&client, "/signin").await);
    assert_eq!(
        directive(&before, "form-action"),
        "'self'",
        "nothing offered yet"
    );
    app.configure("x").await;
    let sandbox = app.sandbox.base_url().origin().ascii_serialization();
    let after = policy(&app.get(&client, "/signin").await);
    assert_eq!(
        directive(&after, "form-action"),
        format!("'self' {sandbox}")
    );
}

async fn answers_that_are_not_pages_allow_nothing(app: TestApp) {
    let res = app.get(&app.client(), "/healthz").await;
    let csp = policy(&res);
    assert_eq!(directive(&csp, "default-src"), "'none'");
    assert_eq!(directive(&csp, "frame-ancestors"), "'none'");
    let icon = app.get(&app.client(), "/favicon.svg").await;
    assert_eq!(icon.status(), reqwest::StatusCode::OK);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}
