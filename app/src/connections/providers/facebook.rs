//! Facebook Login, manually built flow.
//! <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow>
//! Quirks: the client secret goes in the token request's query; the profile is a Graph API
//! call with a `fields` list; the picture is nested under `picture.data`; revoking is
//! `DELETE /me/permissions`.

use async_trait::async_trait;
use reqwest::Client;
use serde::Deserialize;
use url::Url;

use super::http::{parse_json, send, send_json};
use super::{
    AuthorizeRequest, Provider, ProviderConfig, ProviderDefaults, ProviderError, ProviderProfile,
    TokenSet, non_empty,
};
use crate::connections::ProviderId;
use crate::crypto::Secret;

/// Facebook.
pub struct Facebook;

const PROFILE_FIELDS: &str = "id,name,first_name,last_name,email,picture.type(large),link";

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<i64>,
}

#[derive(Deserialize)]
struct Picture {
    data: Option<PictureData>,
}

#[derive(Deserialize)]
struct PictureData {
    url: Option<String>,
    #[serde(default)]
    is_silhouette: bool,
}

#[derive(Deserialize)]
struct Me {
    id: Option<String>,
    name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    picture: Option<Picture>,
    link: Option<String>,
}

/// Maps Graph API `/me` JSON to our profile.
pub fn map_profile(json: &[u8]) -> Result<ProviderProfile, ProviderError> {
    let me: Me = parse_json(json)?;
    let id = non_empty(me.id).ok_or(ProviderError::MissingField("id"))?;
    // A silhouette is Facebook's placeholder, not the person's picture.
    let avatar_url = me
        .picture
        .and_then(|p| p.data)
        .filter(|d| !d.is_silhouette)
        .and_then(|d| non_empty(d.url));
    Ok(ProviderProfile {
        id,
        username: None,
        display_name: non_empty(me.name),
        first_name: non_empty(me.first_name),
        last_name: non_empty(me.last_name),
        email: non_empty(me.email),
        avatar_url,
        profile_url: non_empty(me.link),
    })
}

#[async_trait]
impl Provider for Facebook {
    fn id(&self) -> ProviderId {
        ProviderId::Facebook
    }

    fn defaults(&self) -> ProviderDefaults {
        ProviderDefaults {
            scopes: "public_profile,email",
            authorize_url: "https://www.facebook.com/{version}/dialog/oauth",
            token_url: "https://graph.facebook.com/{version}/oauth/access_token",
            profile_url: "https://graph.facebook.com/{version}/me",
            revoke_url: Some("https://graph.facebook.com/{version}/me/permissions"),
            graph_version: Some("v23.0"),
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
            .append_pair("client_id", &cfg.client_id)
            .append_pair("redirect_uri", req.redirect_uri)
            .append_pair("state", req.state)
            .append_pair("response_type", "code")
            .append_pair("scope", &cfg.scopes)
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
        let url = cfg.url(&cfg.token_url)?;
        let query = [
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose()),
            ("redirect_uri", redirect_uri),
            ("code", code),
            ("code_verifier", pkce_verifier),
        ];
        let answer: TokenAnswer = send_json(http.get(url).query(&query)).await?;
        Ok(TokenSet {
            access_token: Secret::new(
                non_empty(answer.access_token)
                    .ok_or(ProviderError::MissingField("access_token"))?,
            ),
            refresh_token: None,
            expires_in: answer.expires_in,
            scopes: None,
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
        let query = [
            ("fields", PROFILE_FIELDS),
            ("access_token", tokens.access_token.expose()),
        ];
        map_profile(&send(http.get(url).query(&query)).await?)
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
        let url = cfg.url(template)?;
        send(
            http.delete(url)
                .query(&[("access_token", access_token.expose())]),
        )
        .await
        .map(drop)
    }
}
