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
    AuthorizeRequest, Provider, ProviderConfig, ProviderError, ProviderProfile, TokenAnswer,
    TokenSet, non_empty, standard_authorize_url,
};
use crate::connections::ProviderId;
use crate::connections::ProviderSettings;
use crate::crypto::Secret;

/// Facebook.
pub struct Facebook;

const PROFILE_FIELDS: &str = "id,name,first_name,last_name,email,picture.type(large),link";

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

    fn defaults(&self) -> ProviderSettings {
        ProviderSettings {
            scopes: "public_profile,email".into(),
            authorize_url: "https://www.facebook.com/{version}/dialog/oauth".into(),
            token_url: "https://graph.facebook.com/{version}/oauth/access_token".into(),
            profile_url: "https://graph.facebook.com/{version}/me".into(),
            revoke_url: "https://graph.facebook.com/{version}/me/permissions".into(),
            graph_version: "v23.0".into(),
            ..ProviderSettings::default()
        }
    }

    async fn authorize_url(
        &self,
        cfg: &ProviderConfig,
        _http: &Client,
        req: &AuthorizeRequest<'_>,
    ) -> Result<Url, ProviderError> {
        Ok(standard_authorize_url(
            cfg.url(&cfg.settings.authorize_url)?,
            cfg,
            req,
            true,
        ))
    }

    async fn exchange_code(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: &str,
    ) -> Result<TokenSet, ProviderError> {
        let url = cfg.url(&cfg.settings.token_url)?;
        let query = [
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose()),
            ("redirect_uri", redirect_uri),
            ("code", code),
            ("code_verifier", pkce_verifier),
        ];
        let answer: TokenAnswer = send_json(http.get(url).query(&query)).await?;
        // Facebook's answer has no refresh token, and no granted scopes worth reading here.
        Ok(TokenSet {
            refresh_token: None,
            scopes: None,
            id_token: None,
            ..answer.into_tokens()?
        })
    }

    async fn fetch_profile(
        &self,
        cfg: &ProviderConfig,
        http: &Client,
        tokens: &TokenSet,
        _nonce: Option<&str>,
    ) -> Result<ProviderProfile, ProviderError> {
        let url = cfg.url(&cfg.settings.profile_url)?;
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
        let Some(url) = cfg.revoke_url()? else {
            return Ok(());
        };
        send(
            http.delete(url)
                .query(&[("access_token", access_token.expose())]),
        )
        .await
        .map(drop)
    }
}
