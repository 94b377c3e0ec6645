//! The connect flow through the sandbox, in the browser's place.

use reqwest::{Client, Response, StatusCode};

use super::{TestApp, location};

impl TestApp {
    /// Runs a connect flow through the sandbox in the browser's place: Connect, the consent
    /// page, `decision` (`allow`/`cancel`) for `account`; returns the app's callback answer.
    pub async fn connect(
        &self,
        client: &Client,
        provider: &str,
        account: &str,
        decision: &str,
    ) -> Response {
        let res = client
            .post(format!("{}/auth/{provider}/connect", self.base))
            .header("Origin", &self.base)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "connect did not redirect"
        );
        let authorize = url::Url::parse(location(res.headers()).unwrap()).unwrap();
        assert!(
            authorize
                .as_str()
                .starts_with(self.sandbox.base_url().as_str()),
            "{authorize}"
        );
        let page = client.get(authorize.clone()).send().await.unwrap();
        assert_eq!(
            page.status(),
            StatusCode::OK,
            "consent page: {}",
            page.text().await.unwrap()
        );
        let res = self.decide(client, &authorize, account, decision).await;
        client.get(res).send().await.unwrap()
    }

    /// Posts the consent page's form and returns where the sandbox sends the browser back.
    pub async fn decide(
        &self,
        client: &Client,
        authorize: &url::Url,
        account: &str,
        decision: &str,
    ) -> String {
        let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
        form.push(("account".into(), account.into()));
        form.push(("decision".into(), decision.into()));
        let mut target = authorize.clone();
        target.set_query(None);
        let res = client.post(target).form(&form).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "consent decision: {}",
            res.text().await.unwrap()
        );
        let back = location(res.headers()).unwrap().to_owned();
        assert!(
            back.starts_with(&format!(
                "{}/auth/{provider}/callback",
                self.base,
                provider = authorize_provider(authorize)
            )),
            "{back}"
        );
        back
    }
}

/// The provider slug of a sandbox authorize URL (its first path segment).
fn authorize_provider(url: &url::Url) -> String {
    url.path_segments()
        .and_then(|mut s| s.next())
        .unwrap_or_default()
        .to_owned()
}
