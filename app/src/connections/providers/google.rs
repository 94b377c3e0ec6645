//! Google through OpenID Connect; any standards-compliant OpenID provider can stand in, since
//! every endpoint comes from the issuer's discovery document.
//! <https://developers.google.com/identity/openid-connect/openid-connect>
//! Quirks: the ID token must be verified (JWKS signature, `iss`, `aud`, `exp`, `nonce`); name
//! and picture come from its claims, or from userinfo when absent; Google profiles have no
//! public URL.

use async_trait::async_trait;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use reqwest::Client;
use serde::Deserialize;
use url::Url;

use super::http::{send, send_json};
use super::{
    AuthorizeRequest, Call, CodeGrant, Provider, ProviderConfig, ProviderError, ProviderProfile,
    ProviderResult, Revocation, StoredTokens, TokenAnswer, TokenSet, client_secret_post, non_empty,
    refresh_grant, standard_authorize_url,
};
use crate::connections::ProviderId;
use crate::crypto::Secret;

/// Google.
pub struct Google;

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    jwks_uri: String,
}

/// The claims we read from the ID token, and the userinfo answer (same names).
#[derive(Deserialize, Default)]
pub struct Claims {
    sub: Option<String>,
    email: Option<String>,
    name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    picture: Option<String>,
    nonce: Option<String>,
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

fn issuer(cfg: &ProviderConfig) -> Result<String, ProviderError> {
    let issuer = cfg.settings.issuer.trim_end_matches('/');
    if issuer.is_empty() {
        return Err(ProviderError::Config("no OpenID Connect issuer set".into()));
    }
    Ok(issuer.to_owned())
}

async fn discover(cfg: &ProviderConfig, http: &Client) -> Result<Discovery, ProviderError> {
    let issuer = issuer(cfg)?;
    let url = Url::parse(&format!("{issuer}/.well-known/openid-configuration"))
        .map_err(|e| ProviderError::Config(format!("issuer {issuer:?}: {e}")))?;
    let doc: Discovery = send_json(http.get(url)).await?;
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
    if doc.issuer.trim_end_matches('/') != issuer {
        return Err(ProviderError::Malformed(format!(
            "discovery names issuer {:?}",
            doc.issuer
        )));
    }
    Ok(doc)
}

fn parse_url(raw: &str) -> Result<Url, ProviderError> {
    Url::parse(raw).map_err(|e| ProviderError::Malformed(format!("{raw:?}: {e}")))
}

/// Verifies the ID token's signature with the issuer's JWKS, then its claims.
async fn verify_id_token(
    cfg: &ProviderConfig,
    http: &Client,
    doc: &Discovery,
    id_token: &str,
    nonce: Option<&str>,
) -> Result<Claims, ProviderError> {
    let invalid = |e: jsonwebtoken::errors::Error| ProviderError::InvalidIdToken(e.to_string());
    let header = decode_header(id_token).map_err(invalid)?;
    if !matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::ES256
            | Algorithm::ES384
    ) {
        return Err(ProviderError::InvalidIdToken(format!(
            "algorithm {:?} not accepted",
            header.alg
        )));
    }
    let jwks: JwkSet = send_json(http.get(parse_url(&doc.jwks_uri)?)).await?;
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid),
        None => jwks.keys.first(),
    }
    .ok_or_else(|| ProviderError::InvalidIdToken("no matching key in the JWKS".into()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(invalid)?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[doc.issuer.as_str()]);
    validation.set_audience(&[cfg.client_id.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 60;
    let claims = decode::<Claims>(id_token, &key, &validation)
        .map_err(invalid)?
        .claims;
    if claims.nonce.as_deref() != nonce {
        return Err(ProviderError::InvalidIdToken("nonce does not match".into()));
    }
    Ok(claims)
}

#[async_trait]
impl Provider for Google {
    async fn authorize_url(
        &self,
        call: Call<'_>,
        req: &AuthorizeRequest<'_>,
    ) -> ProviderResult<Url> {
        let Call { cfg, http } = call;
        let doc = discover(cfg, http).await?;
        let mut url =
            standard_authorize_url(parse_url(&doc.authorization_endpoint)?, cfg, req, true);
        // A refresh token comes only with offline access, and only on the first consent; a
        // reconnect that gets none keeps the stored one (`links::link_account`).
        url.query_pairs_mut().append_pair("access_type", "offline");
        Ok(url)
    }

    async fn exchange_code(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: CodeGrant<'_>,
    ) -> ProviderResult<TokenSet> {
        let doc = discover(cfg, http).await?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", grant.code),
            ("redirect_uri", grant.redirect_uri),
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose()),
            ("code_verifier", grant.pkce_verifier),
        ];
        let answer: TokenAnswer =
            send_json(http.post(parse_url(&doc.token_endpoint)?).form(&form)).await?;
        let tokens = answer.into_tokens()?;
        if tokens.id_token.is_none() {
            return Err(ProviderError::MissingField("id_token"));
        }
        Ok(tokens)
    }

    async fn fetch_profile(
        &self,
        Call { cfg, http }: Call<'_>,
        tokens: &TokenSet,
        nonce: Option<&str>,
    ) -> ProviderResult<ProviderProfile> {
        let doc = discover(cfg, http).await?;
        let id_token = tokens
            .id_token
            .as_deref()
            .ok_or(ProviderError::MissingField("id_token"))?;
        let mut claims = verify_id_token(cfg, http, &doc, id_token, nonce).await?;
        if !claims.complete()
            && let Some(endpoint) = &doc.userinfo_endpoint
        {
            let req = http
                .get(parse_url(endpoint)?)
                .bearer_auth(tokens.access_token.expose());
            let info: Claims = send_json(req).await?;
            // Userinfo must describe the same subject as the ID token (OIDC Core §5.3.2).
            if info.sub.is_some() && info.sub != claims.sub {
                return Err(ProviderError::InvalidIdToken(
                    "userinfo subject differs".into(),
                ));
            }
            claims = claims.merge(info);
        }
        map_claims(claims)
    }

    /// Re-reads the profile from userinfo: a stored access token has no ID token beside it.
    async fn reread_profile(
        &self,
        Call { cfg, http }: Call<'_>,
        access_token: &Secret,
    ) -> ProviderResult<ProviderProfile> {
        let doc = discover(cfg, http).await?;
        let endpoint = doc
            .userinfo_endpoint
            .as_deref()
            .ok_or(ProviderError::MissingField("userinfo_endpoint"))?;
        let req = http
            .get(parse_url(endpoint)?)
            .bearer_auth(access_token.expose());
        map_claims(send_json::<Claims>(req).await?)
    }

    /// The refresh grant at the discovered token endpoint. Google answers no new refresh
    /// token: the stored one stays (<https://developers.google.com/identity/protocols/oauth2/web-server#offline>).
    async fn refresh(
        &self,
        Call { cfg, http }: Call<'_>,
        current: &StoredTokens,
    ) -> ProviderResult<TokenSet> {
        let doc = discover(cfg, http).await?;
        let post = http.post(parse_url(&doc.token_endpoint)?);
        refresh_grant(post, current, &client_secret_post(cfg)).await
    }

    async fn revoke(
        &self,
        Call { cfg, http }: Call<'_>,
        grant: &Revocation<'_>,
    ) -> ProviderResult<()> {
        let doc = discover(cfg, http).await?;
        let endpoint = match doc.revocation_endpoint {
            Some(discovered) => Some(parse_url(&discovered)?),
            None => cfg.revoke_url()?,
        };
        let Some(endpoint) = endpoint else {
            return Ok(());
        };
        let form = [
            ("token", grant.token.expose()),
            ("token_type_hint", grant.hint.as_str()),
        ];
        send(http.post(endpoint).form(&form)).await.map(drop)
    }

    fn id(&self) -> ProviderId {
        ProviderId::Google
    }
}
