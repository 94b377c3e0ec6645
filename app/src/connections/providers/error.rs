use super::{DiscoveryProblem, IssuerProblem};
use crate::connections::ConnectOutcome;

/// What went wrong talking to a provider. The details are for logs; people get
/// [`ProviderError::user_message`].
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No answer within the timeout.
    #[error("timed out")]
    Timeout,
    /// Connection refused, DNS failure, TLS failure…
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// An HTTP error status.
    #[error("HTTP {status}: {detail}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body, for the logs.
        detail: String,
    },
    /// A body that is not the JSON we expect.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// A required field is absent or empty.
    #[error("answer lacks {0}")]
    MissingField(&'static str),
    /// The ID token failed verification (signature, issuer, audience, expiry or nonce).
    #[error("invalid ID token: {0}")]
    InvalidIdToken(String),
    /// The issuer's discovery document cannot be trusted (see [`DiscoveryProblem`]).
    #[error("discovery: {0}")]
    Discovery(DiscoveryProblem),
    /// An authorization response's `iss` is missing or names another issuer (RFC 9207).
    #[error("mix-up defence: {0}")]
    Issuer(IssuerProblem),
    /// The admin's settings for the provider are unusable.
    #[error("configuration: {0}")]
    Config(String),
    /// The provider offers no way to renew these tokens (Facebook; a grant without a refresh
    /// token).
    #[error("tokens cannot be renewed")]
    NotRefreshable,
}

impl ProviderError {
    /// What the person is told about this failure.
    pub fn outcome(&self) -> ConnectOutcome {
        match self {
            Self::Timeout => ConnectOutcome::Timeout,
            Self::Unreachable(_) => ConnectOutcome::Unreachable,
            Self::Status { .. } => ConnectOutcome::Rejected,
            Self::Malformed(_) => ConnectOutcome::Malformed,
            Self::MissingField(_) => ConnectOutcome::Incomplete,
            Self::InvalidIdToken(_) => ConnectOutcome::IdToken,
            // A document an admin could not have entered makes the provider unusable until
            // it is fixed at the provider or here.
            Self::Config(_) | Self::Discovery(_) => ConnectOutcome::NotOffered,
            // The callback refuses these with their own page (`CallbackRefusal`); this is
            // only what a caller without one would say.
            Self::Issuer(_) => ConnectOutcome::Denied,
            Self::NotRefreshable => ConnectOutcome::Rejected,
        }
    }

    /// Whether the provider refused the token or grant for good (RFC 6749 §5.2 `invalid_grant`,
    /// 401/403, Graph's OAuthException 190), as opposed to a failure worth retrying.
    pub fn refuses_token(&self) -> bool {
        match self {
            Self::Status {
                status: 401 | 403, ..
            }
            | Self::NotRefreshable => true,
            Self::Status {
                status: 400,
                detail,
            } => {
                detail.contains("invalid_grant")
                    || detail.contains("invalid_token")
                    || detail.contains("\"code\":190")
            }
            _ => false,
        }
    }
}
