//! An OpenID issuer's discovery document (OpenID Connect Discovery 1.0, RFC 8414), read and
//! checked before anything of it is used: the issuer it names must be the configured one, its
//! endpoints pass the very check an admin's endpoints pass, and it must allow a client
//! authentication we have.

use reqwest::Client;
use serde::Deserialize;
use url::Url;

use super::http::send_json;
use super::{ClientAuth, EndpointProblem, ProviderError, check_endpoint};
use crate::error::AppError;

/// What is wrong with a discovery document. The words complete "OpenID Connect issuer: …",
/// for an admin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryProblem {
    /// OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for,
    /// or a provider could speak for another.
    #[error("its discovery document names the issuer {found:?}, not {expected:?}.")]
    IssuerMismatch {
        /// The configured issuer.
        expected: String,
        /// The one the document names.
        found: String,
    },
    /// An endpoint an admin could not have entered.
    #[error("its discovery document's {field} is refused: {problem}")]
    BadEndpoint {
        /// The document's field.
        field: &'static str,
        /// Why.
        problem: EndpointProblem,
    },
    /// Neither `client_secret_basic` nor `client_secret_post` is listed.
    #[error(
        "its discovery document's {field} lists neither client_secret_basic nor client_secret_post."
    )]
    NoClientAuth {
        /// The document's field.
        field: &'static str,
    },
}

#[derive(Deserialize)]
struct Document {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    jwks_uri: String,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    revocation_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

/// A checked discovery document.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The issuer, exactly as the document names it (what `iss` values are compared with).
    pub issuer: String,
    /// Where the browser is sent for consent.
    pub authorization_endpoint: Url,
    /// Where codes and refresh tokens are traded.
    pub token_endpoint: Url,
    /// Where the profile is read, when there is one.
    pub userinfo_endpoint: Option<Url>,
    /// Where grants are revoked, when there is one.
    pub revocation_endpoint: Option<Url>,
    /// The ID tokens' signing keys.
    pub jwks_uri: Url,
    /// How to authenticate at the token endpoint.
    pub token_auth: ClientAuth,
    /// How to authenticate at the revocation endpoint.
    pub revocation_auth: ClientAuth,
    /// RFC 9207: every authorization response carries `iss`.
    pub sends_iss: bool,
}

/// The configured issuer, without a trailing slash.
fn configured(issuer: &str) -> Result<&str, ProviderError> {
    let issuer = issuer.trim().trim_end_matches('/');
    if issuer.is_empty() {
        return Err(ProviderError::Config("no OpenID Connect issuer set".into()));
    }
    Ok(issuer)
}

/// Reads and checks the discovery document of `issuer`.
pub async fn discover(issuer: &str, http: &Client) -> Result<Discovery, ProviderError> {
    let issuer = configured(issuer)?;
    let url = Url::parse(&format!("{issuer}/.well-known/openid-configuration"))
        .map_err(|e| ProviderError::Config(format!("issuer {issuer:?}: {e}")))?;
    let doc: Document = send_json(http.get(url)).await?;
    checked(issuer, doc).map_err(ProviderError::Discovery)
}

fn checked(issuer: &str, doc: Document) -> Result<Discovery, DiscoveryProblem> {
    if doc.issuer.trim_end_matches('/') != issuer {
        return Err(DiscoveryProblem::IssuerMismatch {
            expected: issuer.to_owned(),
            found: doc.issuer.chars().take(200).collect(),
        });
    }
    let endpoint = |field: &'static str, raw: &str| {
        check_endpoint(raw).map_err(|problem| DiscoveryProblem::BadEndpoint { field, problem })
    };
    let optional =
        |field: &'static str, raw: Option<&str>| raw.map(|raw| endpoint(field, raw)).transpose();
    let auth = |field: &'static str, list: Option<&[String]>| {
        ClientAuth::from_metadata(list).ok_or(DiscoveryProblem::NoClientAuth { field })
    };
    Ok(Discovery {
        authorization_endpoint: endpoint("authorization_endpoint", &doc.authorization_endpoint)?,
        token_endpoint: endpoint("token_endpoint", &doc.token_endpoint)?,
        userinfo_endpoint: optional("userinfo_endpoint", doc.userinfo_endpoint.as_deref())?,
        revocation_endpoint: optional("revocation_endpoint", doc.revocation_endpoint.as_deref())?,
        jwks_uri: endpoint("jwks_uri", &doc.jwks_uri)?,
        token_auth: auth(
            "token_endpoint_auth_methods_supported",
            doc.token_endpoint_auth_methods_supported.as_deref(),
        )?,
        revocation_auth: auth(
            "revocation_endpoint_auth_methods_supported",
            doc.revocation_endpoint_auth_methods_supported.as_deref(),
        )?,
        sends_iss: doc.authorization_response_iss_parameter_supported,
        issuer: doc.issuer,
    })
}

/// Reads `issuer`'s discovery document as a connect would, for an admin saving it: the error
/// names what is wrong, on the issuer field, in words an admin can act on.
pub async fn check_discovery(issuer: &str, http: &Client) -> Result<(), AppError> {
    let why = match discover(issuer, http).await {
        Ok(_) => return Ok(()),
        Err(ProviderError::Discovery(problem)) => problem.to_string(),
        Err(ProviderError::Timeout) => "its discovery document did not come in time.".into(),
        Err(ProviderError::Unreachable(_)) => "its discovery document could not be reached.".into(),
        Err(ProviderError::Status { status, .. }) => {
            format!("its discovery document answered HTTP {status}.")
        }
        Err(_) => "its discovery document could not be read.".into(),
    };
    Err(AppError::invalid(
        "issuer",
        format!("OpenID Connect issuer: {why}"),
    ))
}

/// Why an authorization response's `iss` was refused (RFC 9207 §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssuerProblem {
    /// The provider says it sends `iss`, and this response has none.
    #[error("the authorization response has no iss")]
    Missing,
    /// `iss` names another issuer: the response is not from the provider the flow went to.
    #[error("the authorization response's iss is another issuer")]
    Different,
}

impl Discovery {
    /// Checks an authorization response's `iss`: required when the provider says it sends it,
    /// and, when present, exactly the issuer (simple string comparison, RFC 9207 §2.4).
    pub fn check_iss(&self, iss: Option<&str>) -> Result<(), IssuerProblem> {
        match iss {
            None if self.sends_iss => Err(IssuerProblem::Missing),
            None => Ok(()),
            Some(iss) if iss == self.issuer => Ok(()),
            Some(_) => Err(IssuerProblem::Different),
        }
    }
}
