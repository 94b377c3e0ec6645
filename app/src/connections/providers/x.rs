//! X (Twitter) OAuth 2.0 Authorization Code with PKCE.
//! <https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code>
//! Quirks: PKCE is mandatory; a confidential client authenticates with HTTP Basic at the token
//! and revoke endpoints; the profile sits under `data`; profile links are `https://x.com/{username}`.
//! Access tokens live two hours; `offline.access` earns a refresh token that **rotates**: each
//! refresh answers a new one and the old one is dead, so the pair is stored at once under the
//! link's lease (<https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token>).

use async_trait::async_trait;
use serde::Deserialize;

use super::http::{parse_json, send, send_json};
use super::{
    Call, ClientAuth, CodeGrant, Provider, ProviderConfig, ProviderError, ProviderProfile,
    ProviderResult, Revocation, StoredTokens, TokenAnswer, TokenSet, non_empty, profile_site,
    refresh_grant,
};
use crate::connections::ProviderId;

/// X.
pub struct X;

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

/// X authenticates a confidential client by HTTP Basic only.
fn basic_auth(req: reqwest::RequestBuilder, cfg: &ProviderConfig) -> reqwest::RequestBuilder {
    ClientAuth::Basic.apply(req, cfg).0
}

#[async_trait]
impl Provider for X {
    async fn exchange_code(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: CodeGrant<'_>,
    ) -> ProviderResult<TokenSet> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", grant.code),
            ("redirect_uri", grant.redirect_uri),
            ("code_verifier", grant.pkce_verifier),
        ];
        let req = basic_auth(http.post(cfg.url(&cfg.settings.token_url)?), cfg).form(&form);
        send_json::<TokenAnswer>(req).await?.into_tokens()
    }

    async fn fetch_profile(
        &self,
        Call { cfg, http }: Call<'_>,
        tokens: &TokenSet,
        _nonce: Option<&str>,
    ) -> ProviderResult<ProviderProfile> {
        let fields = [("user.fields", "profile_image_url,url,name,username")];
        let req = http
            .get(cfg.url(&cfg.settings.profile_url)?)
            .query(&fields)
            .bearer_auth(tokens.access_token.expose());
        map_profile(
            &send(req).await?,
            &profile_site(cfg, "/i/oauth2/authorize", "https://x.com"),
        )
    }

    /// The refresh grant with HTTP Basic client authentication; the answer carries the next
    /// refresh token, which replaces the one just spent.
    async fn refresh(
        &self,
        Call { cfg, http }: Call<'_>,
        current: &StoredTokens,
    ) -> ProviderResult<TokenSet> {
        let post = basic_auth(http.post(cfg.url(&cfg.settings.token_url)?), cfg);
        refresh_grant(post, current, &[("client_id", cfg.client_id.as_str())]).await
    }

    async fn revoke(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: &Revocation<'_>,
    ) -> ProviderResult<()> {
        let Some(url) = cfg.revoke_url()? else {
            return Ok(());
        };
        let form = [
            ("token", grant.token.expose()),
            ("token_type_hint", grant.hint.as_str()),
        ];
        send(basic_auth(http.post(url), cfg).form(&form))
            .await
            .map(drop)
    }

    fn id(&self) -> ProviderId {
        ProviderId::X
    }
}
