//! Instagram API with Instagram Login (business login).
//! <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login>
//! Quirks: the token answer has no `token_type`, its `user_id` is a number, and newer answers
//! wrap everything in a `data` array; the short-lived token is traded at once for a long-lived
//! one (`ig_exchange_token`), which is renewed with `ig_refresh_token` once it is a day old and
//! before it ends (<https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token>);
//! there is no revoke endpoint (people remove the app in Instagram);
//! profile links are `https://www.instagram.com/{username}`.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::http::{parse_json, send, send_json};
use super::{
    Call, CodeGrant, Provider, ProviderConfig, ProviderError, ProviderProfile, ProviderResult,
    StoredTokens, TokenAnswer, TokenSet, TokenTimes, non_empty, profile_site,
};
use crate::connections::ProviderId;

/// Instagram.
pub struct Instagram;

#[derive(Deserialize)]
struct ShortToken {
    access_token: Option<String>,
    permissions: Option<Value>,
}

#[derive(Deserialize)]
struct Me {
    user_id: Option<Value>,
    id: Option<Value>,
    username: Option<String>,
    name: Option<String>,
    profile_picture_url: Option<String>,
}

/// An id that Instagram sends as a number in some answers and a string in others.
fn id_string(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(s) => non_empty(Some(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses the short-lived token answer, flat or wrapped in `data: [...]`.
fn parse_short_token(json: &[u8]) -> Result<ShortToken, ProviderError> {
    let value: Value = parse_json(json)?;
    let inner = match value
        .get("data")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        Some(first) => first.clone(),
        None => value,
    };
    serde_json::from_value(inner).map_err(|e| ProviderError::Malformed(e.to_string()))
}

/// Granted permissions as a space-separated list (a JSON array or a comma-separated string).
fn permissions(value: Option<Value>) -> Option<String> {
    let list: Vec<String> = match value? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        _ => return None,
    };
    (!list.is_empty()).then(|| list.join(" "))
}

/// Maps `graph.instagram.com/me` JSON to our profile; `site` is where profiles live.
pub fn map_profile(json: &[u8], site: &str) -> Result<ProviderProfile, ProviderError> {
    let me: Me = parse_json(json)?;
    let id = id_string(me.user_id)
        .or_else(|| id_string(me.id))
        .ok_or(ProviderError::MissingField("user_id"))?;
    let username = non_empty(me.username);
    Ok(ProviderProfile {
        id,
        profile_url: username.as_ref().map(|u| format!("{site}/{u}")),
        display_name: non_empty(me.name).or_else(|| username.clone()),
        username,
        first_name: None,
        last_name: None,
        email: None,
        avatar_url: non_empty(me.profile_picture_url),
    })
}

/// The long-lived exchange lives beside the versioned profile endpoint:
/// `https://graph.instagram.com/{version}/me` → `https://graph.instagram.com/access_token`.
fn long_lived_url(cfg: &ProviderConfig) -> Result<Url, ProviderError> {
    beside_profile(cfg, "access_token")
}

/// `https://graph.instagram.com/{name}`, beside the versioned profile endpoint.
fn beside_profile(cfg: &ProviderConfig, name: &str) -> Result<Url, ProviderError> {
    let template = cfg.settings.profile_url.trim_end_matches('/');
    let base = template
        .strip_suffix("/{version}/me")
        .or_else(|| template.strip_suffix("/me"));
    match base {
        Some(base) => cfg.url(&format!("{base}/{name}")),
        None => {
            let mut url = cfg.url(template)?;
            url.set_path(&format!("/{name}"));
            url.set_query(None);
            Ok(url)
        }
    }
}

#[async_trait]
impl Provider for Instagram {
    /// Instagram Login does not take PKCE.
    fn uses_pkce(&self) -> bool {
        false
    }

    async fn exchange_code(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: CodeGrant<'_>,
    ) -> ProviderResult<TokenSet> {
        let form = [
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", grant.redirect_uri),
            ("code", grant.code),
        ];
        let short = parse_short_token(
            &send(http.post(cfg.url(&cfg.settings.token_url)?).form(&form)).await?,
        )?;
        let short_token =
            non_empty(short.access_token).ok_or(ProviderError::MissingField("access_token"))?;
        let query = [
            ("grant_type", "ig_exchange_token"),
            ("client_secret", cfg.client_secret.expose()),
            ("access_token", short_token.as_str()),
        ];
        let long: TokenAnswer = send_json(http.get(long_lived_url(cfg)?).query(&query)).await?;
        // The long-lived answer does not repeat the permissions the short-lived one granted.
        Ok(TokenSet {
            scopes: permissions(short.permissions),
            ..long.into_tokens()?
        })
    }

    async fn fetch_profile(
        &self,
        Call { cfg, http }: Call<'_>,
        tokens: &TokenSet,
        _nonce: Option<&str>,
    ) -> ProviderResult<ProviderProfile> {
        let query = [
            ("fields", "user_id,username,name,profile_picture_url"),
            ("access_token", tokens.access_token.expose()),
        ];
        map_profile(
            &send(http.get(cfg.url(&cfg.settings.profile_url)?).query(&query)).await?,
            &profile_site(cfg, "/oauth/authorize", "https://www.instagram.com"),
        )
    }

    /// Renewable once a day old, and renewed when less than ten days are left (or at a day
    /// old when the token lives less than that).
    fn renew_at(&self, tokens: &TokenTimes) -> Option<DateTime<Utc>> {
        let expires = tokens.expires_at?;
        let earliest = tokens.issued_at.map(|issued| issued + Duration::hours(24));
        let wanted = expires - Duration::days(10);
        Some(earliest.map_or(wanted, |earliest| earliest.max(wanted)))
    }

    /// `GET /refresh_access_token?grant_type=ig_refresh_token`: Instagram takes the token in
    /// the query here and nowhere else; the answer is a new long-lived token.
    async fn refresh(
        &self,
        Call { cfg, http }: Call<'_>,
        current: &StoredTokens,
    ) -> ProviderResult<TokenSet> {
        let query = [
            ("grant_type", "ig_refresh_token"),
            ("access_token", current.access_token.expose()),
        ];
        let url = beside_profile(cfg, "refresh_access_token")?;
        send_json::<TokenAnswer>(http.get(url).query(&query))
            .await?
            .into_tokens()
    }

    fn id(&self) -> ProviderId {
        ProviderId::Instagram
    }
}
