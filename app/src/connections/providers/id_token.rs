//! Verifying an OpenID Connect ID token (OIDC Core §3.1.3.7): the signature with the issuer's
//! JWKS, then `iss`, `aud`, `exp`, `azp`, `iat` and `nonce`.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use reqwest::Client;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ProviderError;
use super::discovery::Discovery;
use super::http::send_json;

/// How far a provider's clock may run ahead of ours (also the `exp` leeway).
const CLOCK_SKEW_SECS: i64 = 60;

/// The oldest an ID token may be when it arrives: it comes straight from the token endpoint
/// while we wait, in a flow that lives at most `flow::STATE_TTL_MINUTES` (10 minutes). One
/// issued before the flow began cannot be its answer (the nonce says so too); this bound also
/// refuses a token minted long ago and replayed, whatever its `exp`.
pub const MAX_AGE_SECS: i64 = 10 * 60;

/// The claims every verification reads, beside the provider's own (`C`).
#[derive(Deserialize)]
struct Envelope<C> {
    #[serde(flatten)]
    claims: C,
    azp: Option<String>,
    iat: Option<i64>,
    nonce: Option<String>,
}

/// What an ID token must match.
pub struct Expected<'a> {
    /// Our client id: the audience, and the authorized party when one is named.
    pub client_id: &'a str,
    /// The flow's nonce.
    pub nonce: Option<&'a str>,
    /// The time it is checked at.
    pub now: DateTime<Utc>,
}

/// Verifies `id_token` against `doc`'s keys and issuer, then what `expected` says; returns
/// the provider's claims `C`.
pub async fn verify<C: DeserializeOwned>(
    http: &Client,
    doc: &Discovery,
    id_token: &str,
    expected: &Expected<'_>,
) -> Result<C, ProviderError> {
    let invalid = |e: jsonwebtoken::errors::Error| ProviderError::InvalidIdToken(e.to_string());
    let refuse = |why: &str| Err(ProviderError::InvalidIdToken(why.to_owned()));
    let header = decode_header(id_token).map_err(invalid)?;
    if !matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::ES256
            | Algorithm::ES384
    ) {
        return refuse(&format!("algorithm {:?} not accepted", header.alg));
    }
    let jwks: JwkSet = send_json(http.get(doc.jwks_uri.clone())).await?;
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid),
        None => jwks.keys.first(),
    }
    .ok_or_else(|| ProviderError::InvalidIdToken("no matching key in the JWKS".into()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(invalid)?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[doc.issuer.as_str()]);
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = CLOCK_SKEW_SECS.unsigned_abs();
    let token = decode::<Envelope<C>>(id_token, &key, &validation)
        .map_err(invalid)?
        .claims;
    // OIDC Core §3.1.3.7 (5): an authorized party, when named, must be us; a token issued
    // to another client and replayed at us is refused.
    if token
        .azp
        .as_deref()
        .is_some_and(|azp| azp != expected.client_id)
    {
        return refuse("azp is another client");
    }
    let Some(iat) = token.iat else {
        return refuse("no iat");
    };
    let now = expected.now.timestamp();
    if iat > now + CLOCK_SKEW_SECS {
        return refuse("iat is in the future");
    }
    if iat < now - MAX_AGE_SECS - CLOCK_SKEW_SECS {
        return refuse("iat is too old");
    }
    if token.nonce.as_deref() != expected.nonce {
        return refuse("nonce does not match");
    }
    Ok(token.claims)
}
