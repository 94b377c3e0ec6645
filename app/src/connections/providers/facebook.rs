//! Facebook Login, manually built flow.
//! <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow>
//! Quirks: the code's token is short-lived and traded at once for a long-lived one
//! (`fb_exchange_token`, about 60 days, which cannot be renewed without the person:
//! <https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived>);
//! every Graph call carries `appsecret_proof`, the HMAC-SHA256 of the token under the app
//! secret (<https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof>);
//! tokens travel in the `Authorization` header and secrets in POST bodies, never in a query
//! string; the profile is a Graph call with a `fields` list and the picture is nested under
//! `picture.data`; revoking is `DELETE /{user-id}/permissions`.

use async_trait::async_trait;
use serde::Deserialize;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::http::{parse_json, send, send_json};
use super::{
    Call, CodeGrant, Provider, ProviderConfig, ProviderError, ProviderProfile, ProviderResult,
    Revocation, StoredTokens, TokenAnswer, TokenSet, TokenTimes, non_empty,
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

/// `appsecret_proof`: HMAC-SHA256 of the access token keyed with the app secret, in hex.
pub fn appsecret_proof(app_secret: &Secret, access_token: &Secret) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(access_token.expose().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A Graph call with the token in the `Authorization` header and its proof.
fn graph(
    req: reqwest::RequestBuilder,
    cfg: &ProviderConfig,
    token: &Secret,
) -> reqwest::RequestBuilder {
    req.bearer_auth(token.expose()).query(&[(
        "appsecret_proof",
        appsecret_proof(&cfg.client_secret, token),
    )])
}

#[async_trait]
impl Provider for Facebook {
    async fn exchange_code(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: CodeGrant<'_>,
    ) -> ProviderResult<TokenSet> {
        let url = cfg.url(&cfg.settings.token_url)?;
        let form = [
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose()),
            ("redirect_uri", grant.redirect_uri),
            ("code", grant.code),
            ("code_verifier", grant.pkce_verifier),
        ];
        // Facebook's answer is an access token and its lifetime: no refresh token, no scopes.
        let short = send_json::<TokenAnswer>(http.post(url.clone()).form(&form))
            .await?
            .into_tokens()?;
        let form = [
            ("grant_type", "fb_exchange_token"),
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose()),
            ("fb_exchange_token", short.access_token.expose()),
        ];
        send_json::<TokenAnswer>(http.post(url).form(&form))
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
        let req =
            graph(http.get(url), cfg, &tokens.access_token).query(&[("fields", PROFILE_FIELDS)]);
        map_profile(&send(req).await?)
    }

    /// A long-lived token cannot be renewed: when it ends, the person connects again.
    fn renew_at(&self, _tokens: &TokenTimes) -> Option<DateTime<Utc>> {
        None
    }

    async fn refresh(&self, _call: Call<'_>, _current: &StoredTokens) -> ProviderResult<TokenSet> {
        Err(ProviderError::NotRefreshable)
    }

    async fn revoke(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: &Revocation<'_>,
    ) -> ProviderResult<()> {
        let Some(mut url) = cfg.revoke_url()? else {
            return Ok(());
        };
        // `/me/permissions` in older settings: the account is named, as the docs show it.
        let path = url.path().replace(
            "/me/permissions",
            &format!("/{}/permissions", grant.account_id),
        );
        url.set_path(&path);
        send(graph(http.delete(url), cfg, grant.token))
            .await
            .map(drop)
    }

    fn id(&self) -> ProviderId {
        ProviderId::Facebook
    }
}
