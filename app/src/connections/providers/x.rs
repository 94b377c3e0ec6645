//! X (Twitter) OAuth 2.0 Authorization Code with PKCE.
//! <https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code>
//! Quirks: PKCE is mandatory; a confidential client authenticates with HTTP Basic at the token
//! and revoke endpoints; the profile sits under `data`; profile links are `https://x.com/{username}`.

use async_trait::async_trait;
use reqwest::Client;
use serde::Deserialize;
use url::Url;

use super::http::{form_encode, parse_json, send, send_json};
use super::{
    AuthorizeRequest, Provider, ProviderConfig, ProviderDefaults, ProviderError, ProviderProfile,
    TokenSet, non_empty,
};
use crate::connections::ProviderId;
use crate::crypto::Secret;

/// X.
pub struct X;

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct UsersMe {
    data: Option<User>,
}

#[derive(Deserialize)]
struct User {
    id: Option<String>,
    name: Option<String>,
    username: Option<String>,
    profile_image_url: Option<String>,
}

/// Maps `/2/users/me` JSON to our profile; `site` is where profiles live (`https://x.com`).
pub fn map_profile(json: &[u8], site: &str) -> Result<ProviderProfile, ProviderError> {
    let me: UsersMe = parse_json(json)?;
    let user = me.data.ok_or(ProviderError::MissingField("data"))?;
    let id = non_empty(user.id).ok_or(ProviderError::MissingField("id"))?;
    let username = non_empty(user.username);
    Ok(ProviderProfile {
        id,
        profile_url: username.as_ref().map(|u| format!("{site}/{u}")),
        username,
        display_name: non_empty(user.name),
        first_name: None,
        last_name: None,
        email: None,
        avatar_url: non_empty(user.profile_image_url),
    })
}

/// The site profiles live on: the authorize URL without `/i/oauth2/authorize`.
fn profile_site(cfg: &ProviderConfig) -> String {
    let authorize = cfg.authorize_url.trim_end_matches('/');
    authorize
        .strip_suffix("/i/oauth2/authorize")
        .unwrap_or("https://x.com")
        .to_owned()
}

fn basic_auth(req: reqwest::RequestBuilder, cfg: &ProviderConfig) -> reqwest::RequestBuilder {
    req.basic_auth(
        form_encode(&cfg.client_id),
        Some(form_encode(cfg.client_secret.expose())),
    )
}

#[async_trait]
impl Provider for X {
    fn id(&self) -> ProviderId {
        ProviderId::X
    }

    fn defaults(&self) -> ProviderDefaults {
        ProviderDefaults {
            scopes: "tweet.read users.read offline.access",
            authorize_url: "https://x.com/i/oauth2/authorize",
            token_url: "https://api.x.com/2/oauth2/token",
            profile_url: "https://api.x.com/2/users/me",
            revoke_url: Some("https://api.x.com/2/oauth2/revoke"),
            graph_version: None,
            issuer: None,
        }
    }

    async fn authorize_url(
        &self,
        cfg: &ProviderConfig,
        _http: &Client,
        req: &AuthorizeRequest<'_>,
    ) -> Result<Url, ProviderError> {
        let mut url = cfg.url(&cfg.authorize_url)?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &cfg.client_id)
            .append_pair("redirect_uri", req.redirect_uri)
            .append_pair("scope", &cfg.scopes)
            .append_pair("state", req.state)
            .append_pair("code_challenge", req.pkce_challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url)
    }

    async fn exchange_code(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: &str,
    ) -> Result<TokenSet, ProviderError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", pkce_verifier),
        ];
        let req = basic_auth(http.post(cfg.url(&cfg.token_url)?), cfg).form(&form);
        let answer: TokenAnswer = send_json(req).await?;
        Ok(TokenSet {
            access_token: Secret::new(
                non_empty(answer.access_token)
                    .ok_or(ProviderError::MissingField("access_token"))?,
            ),
            refresh_token: non_empty(answer.refresh_token).map(Secret::new),
            expires_in: answer.expires_in,
            scopes: non_empty(answer.scope),
            id_token: None,
        })
    }

    async fn fetch_profile(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        tokens: &TokenSet,
        _nonce: Option<&str>,
    ) -> Result<ProviderProfile, ProviderError> {
        let url = cfg.url(&cfg.profile_url)?;
        let req = http
            .get(url)
            .query(&[("user.fields", "profile_image_url,url,name,username")])
            .bearer_auth(tokens.access_token.expose());
        map_profile(&send(req).await?, &profile_site(cfg))
    }

    async fn revoke(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        access_token: &Secret,
    ) -> Result<(), ProviderError> {
        let Some(template) = &cfg.revoke_url else {
            return Ok(());
        };
        let form = [
            ("token", access_token.expose()),
            ("token_type_hint", "access_token"),
        ];
        send(basic_auth(http.post(cfg.url(template)?), cfg).form(&form))
            .await
            .map(drop)
    }
}
