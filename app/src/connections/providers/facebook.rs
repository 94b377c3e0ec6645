//! Facebook Login, manually built flow.
//! <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow>
//! Quirks: the client secret goes in the token request's query; the profile is a Graph API
//! call with a `fields` list; the picture is nested under `picture.data`; revoking is
//! `DELETE /me/permissions`.

use async_trait::async_trait;
use serde::Deserialize;

use super::http::{parse_json, send, send_json};
use super::{
    Call, CodeGrant, Provider, ProviderError, ProviderProfile, ProviderResult, TokenAnswer,
    TokenSet, non_empty,
};
use crate::connections::ProviderId;
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
    async fn exchange_code(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: CodeGrant<'_>,
    ) -> ProviderResult<TokenSet> {
        let url = cfg.url(&cfg.settings.token_url)?;
        let query = [
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose()),
            ("redirect_uri", grant.redirect_uri),
            ("code", grant.code),
            ("code_verifier", grant.pkce_verifier),
        ];
        // Facebook's answer is an access token and its lifetime: no refresh token, no scopes.
        send_json::<TokenAnswer>(http.get(url).query(&query))
            .await?
            .into_tokens()
    }

    async fn fetch_profile(
        &self,
        Call { cfg, http }: Call<'_>,
        tokens: &TokenSet,
        _nonce: Option<&str>,
    ) -> ProviderResult<ProviderProfile> {
        let url = cfg.url(&cfg.settings.profile_url)?;
        let query = [
            ("fields", PROFILE_FIELDS),
            ("access_token", tokens.access_token.expose()),
        ];
        map_profile(&send(http.get(url).query(&query)).await?)
    }

    async fn revoke(
        &self,
        Call { cfg, http }: Call<'_>,
        access_token: &Secret,
    ) -> ProviderResult<()> {
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

    fn id(&self) -> ProviderId {
        ProviderId::Facebook
    }
}
