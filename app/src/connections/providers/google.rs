//! Google through OpenID Connect; any standards-compliant OpenID provider can stand in, since
//! every endpoint comes from the issuer's discovery document.
//! <https://developers.google.com/identity/openid-connect/openid-connect>
//! Quirks: the ID token must be verified (`id_token.rs`); name and picture come from its
//! claims, or from userinfo (same subject) when absent; the client authenticates as discovery
//! lists, and answers carry `iss` when it says so (`discovery.rs`); Google profiles have no
//! public URL.

use async_trait::async_trait;
use serde::Deserialize;
use url::Url;

use super::discovery::{Discovery, discover};
use super::http::{send, send_json};
use super::id_token::{self, Expected};
use super::{
    AuthorizeRequest, Call, CodeGrant, Provider, ProviderError, ProviderProfile, ProviderResult,
    Revocation, StoredTokens, TokenAnswer, TokenSet, non_empty, refresh_grant,
    standard_authorize_url,
};
use crate::connections::ProviderId;
use crate::crypto::Secret;

/// Google.
pub struct Google;

/// The claims we read from the ID token, and the userinfo answer (same names).
#[derive(Deserialize, Default)]
pub struct Claims {
    sub: Option<String>,
    email: Option<String>,
    name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    picture: Option<String>,
}

impl Claims {
    fn complete(&self) -> bool {
        self.name.is_some() && self.picture.is_some()
    }

    /// Fills what the ID token lacked from userinfo.
    fn merge(mut self, info: Claims) -> Self {
        self.email = self.email.or(info.email);
        self.name = self.name.or(info.name);
        self.given_name = self.given_name.or(info.given_name);
        self.family_name = self.family_name.or(info.family_name);
        self.picture = self.picture.or(info.picture);
        self
    }
}

/// Maps verified claims to our profile.
pub fn map_claims(claims: Claims) -> Result<ProviderProfile, ProviderError> {
    Ok(ProviderProfile {
        id: non_empty(claims.sub).ok_or(ProviderError::MissingField("sub"))?,
        username: None,
        display_name: non_empty(claims.name),
        first_name: non_empty(claims.given_name),
        last_name: non_empty(claims.family_name),
        email: non_empty(claims.email),
        avatar_url: non_empty(claims.picture),
        profile_url: None,
    })
}

/// The issuer's checked discovery document.
async fn discovered(call: Call<'_>) -> ProviderResult<Discovery> {
    discover(&call.cfg.settings.issuer, call.http).await
}

#[async_trait]
impl Provider for Google {
    async fn authorize_url(
        &self,
        call: Call<'_>,
        req: &AuthorizeRequest<'_>,
    ) -> ProviderResult<Url> {
        let doc = discovered(call).await?;
        let mut url = standard_authorize_url(doc.authorization_endpoint, call.cfg, req, true);
        // A refresh token comes only with offline access, and only on the first consent; a
        // reconnect that gets none keeps the stored one (`links::link_account`).
        url.query_pairs_mut().append_pair("access_type", "offline");
        Ok(url)
    }

    /// RFC 9207: the issuer's metadata says whether its answers carry `iss`.
    async fn check_response_issuer(&self, call: Call<'_>, iss: Option<&str>) -> ProviderResult<()> {
        let doc = discovered(call).await?;
        doc.check_iss(iss).map_err(ProviderError::Issuer)
    }

    async fn exchange_code(
        &self,
        call: Call<'_>,
        grant: CodeGrant<'_>,
    ) -> ProviderResult<TokenSet> {
        let doc = discovered(call).await?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", grant.code),
            ("redirect_uri", grant.redirect_uri),
            ("code_verifier", grant.pkce_verifier),
        ];
        let post = call.http.post(doc.token_endpoint);
        let req = doc.token_auth.send_form(post, call.cfg, &form);
        let tokens = send_json::<TokenAnswer>(req).await?.into_tokens()?;
        if tokens.id_token.is_none() {
            return Err(ProviderError::MissingField("id_token"));
        }
        Ok(tokens)
    }

    async fn fetch_profile(
        &self,
        call: Call<'_>,
        tokens: &TokenSet,
        nonce: Option<&str>,
    ) -> ProviderResult<ProviderProfile> {
        let doc = discovered(call).await?;
        let id_token = tokens
            .id_token
            .as_deref()
            .ok_or(ProviderError::MissingField("id_token"))?;
        let expected = Expected {
            client_id: &call.cfg.client_id,
            nonce,
            now: chrono::Utc::now(),
        };
        let mut claims: Claims = id_token::verify(call.http, &doc, id_token, &expected).await?;
        if !claims.complete()
            && let Some(endpoint) = doc.userinfo_endpoint
        {
            let req = call
                .http
                .get(endpoint)
                .bearer_auth(tokens.access_token.expose());
            let info: Claims = send_json(req).await?;
            // OIDC Core §5.3.2: userinfo always names its subject, and it must be the ID
            // token's; otherwise its claims may be someone else's.
            if info.sub.is_none() || info.sub != claims.sub {
                return Err(ProviderError::InvalidIdToken(
                    "userinfo subject is missing or differs".into(),
                ));
            }
            claims = claims.merge(info);
        }
        map_claims(claims)
    }

    /// Re-reads the profile from userinfo: a stored access token has no ID token beside it.
    async fn reread_profile(
        &self,
        call: Call<'_>,
        access_token: &Secret,
    ) -> ProviderResult<ProviderProfile> {
        let doc = discovered(call).await?;
        let endpoint = doc
            .userinfo_endpoint
            .ok_or(ProviderError::MissingField("userinfo_endpoint"))?;
        let req = call.http.get(endpoint).bearer_auth(access_token.expose());
        map_claims(send_json::<Claims>(req).await?)
    }

    /// The refresh grant at the discovered token endpoint, authenticated as discovery says.
    /// Google answers no new refresh token: the stored one stays
    /// (<https://developers.google.com/identity/protocols/oauth2/web-server#offline>).
    async fn refresh(&self, call: Call<'_>, current: &StoredTokens) -> ProviderResult<TokenSet> {
        let doc = discovered(call).await?;
        let (post, client) = doc
            .token_auth
            .apply(call.http.post(doc.token_endpoint), call.cfg);
        refresh_grant(post, current, &client).await
    }

    /// RFC 7009 §2.1: a confidential client authenticates at the revocation endpoint, by the
    /// method its metadata names; a provider that asks for none ignores it.
    async fn revoke(&self, call: Call<'_>, grant: &Revocation<'_>) -> ProviderResult<()> {
        let doc = discovered(call).await?;
        let endpoint = match doc.revocation_endpoint {
            Some(discovered) => Some(discovered),
            None => call.cfg.revoke_url()?,
        };
        let Some(endpoint) = endpoint else {
            return Ok(());
        };
        let form = [
            ("token", grant.token.expose()),
            ("token_type_hint", grant.hint.as_str()),
        ];
        let req = doc
            .revocation_auth
            .send_form(call.http.post(endpoint), call.cfg, &form);
        send(req).await.map(drop)
    }

    fn id(&self) -> ProviderId {
        ProviderId::Google
    }
}
